package retry

import (
	"context"
	"errors"
	"net/http"

	"github.com/segmentio/kafka-go"
)

// permanentError marks an error that retrying does not fix.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// Permanent marks err as one retrying does not fix: Do returns it at once.
// Permanent(nil) is nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err}
}

// IsPermanent reports whether err, or an error it wraps, was marked by
// Permanent.
func IsPermanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p)
}

// TransientStatus reports whether an HTTP answer with this status may
// succeed when the request is sent again: every 5xx (the service or the
// Kafka cluster behind it is unavailable), 408 Request Timeout and 429 Too
// Many Requests. Every other 4xx is the client's mistake (RFC 9110 §15.5).
func TransientStatus(code int) bool {
	return code >= 500 || code == http.StatusRequestTimeout || code == http.StatusTooManyRequests
}

// permanentKafka are the Kafka error codes a client cannot outwait: the
// request is wrong or not allowed. Every other code either is marked
// retriable in the protocol's error table
// (https://kafka.apache.org/protocol#protocol_error_codes) or concerns the
// group's membership (a rebalance, a new generation, an unknown member), which
// a consumer recovers from by joining again.
var permanentKafka = map[kafka.Error]bool{
	kafka.MessageSizeTooLarge:                true,
	kafka.InvalidTopic:                       true,
	kafka.RecordListTooLarge:                 true,
	kafka.InvalidRequiredAcks:                true,
	kafka.TopicAuthorizationFailed:           true,
	kafka.GroupAuthorizationFailed:           true,
	kafka.ClusterAuthorizationFailed:         true,
	kafka.UnsupportedSASLMechanism:           true,
	kafka.SASLAuthenticationFailed:           true,
	kafka.UnsupportedVersion:                 true,
	kafka.InvalidPartitionNumber:             true,
	kafka.InvalidReplicationFactor:           true,
	kafka.InvalidConfiguration:               true,
	kafka.PolicyViolation:                    true,
	kafka.UnsupportedForMessageFormat:        true,
	kafka.TransactionalIDAuthorizationFailed: true,
	kafka.InvalidRecord:                      true,
}

// TransientKafka reports whether a Kafka client's error may go away when the
// operation is tried again: a network failure, a timeout, a broker that is
// restarting, a coordinator that moved, a group that rebalances. It is false
// for a cancelled context and for the error codes that say the request
// itself is wrong or not allowed.
func TransientKafka(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	var ke kafka.Error
	if errors.As(err, &ke) {
		return !permanentKafka[ke]
	}
	// Connection refused or reset, EOF, i/o timeouts and the writer's
	// per-attempt deadlines: the broker is away.
	return true
}
