package topicname

import (
	"errors"
	"fmt"
)

// MaxLength is the longest topic name Kafka accepts (Topic.MAX_NAME_LENGTH).
const MaxLength = 249

// Kafka's internal topics (Topic.GROUP_METADATA_TOPIC_NAME and friends).
const (
	ConsumerOffsets  = "__consumer_offsets"
	TransactionState = "__transaction_state"
	ShareGroupState  = "__share_group_state"
	ClusterMetadata  = "__cluster_metadata"
)

// ErrInvalid is wrapped by every error Validate returns.
var ErrInvalid = errors.New("invalid topic name")

// InvalidError says why a name is not a valid topic name. Its Error text is
// Kafka's InvalidTopicException message, "Topic name is invalid: <reason>".
type InvalidError struct {
	Name   string
	Reason string
}

func (e *InvalidError) Error() string { return "Topic name is invalid: " + e.Reason }

// Unwrap lets errors.Is(err, ErrInvalid) match.
func (e *InvalidError) Unwrap() error { return ErrInvalid }

// Validate returns nil for a valid topic name and an *InvalidError naming
// the first rule the name breaks, checked in Kafka's order.
func Validate(name string) error {
	reason := ""
	switch {
	case name == "":
		reason = "the empty string is not allowed"
	case name == ".":
		reason = "'.' is not allowed"
	case name == "..":
		reason = "'..' is not allowed"
	case len(name) > MaxLength:
		reason = fmt.Sprintf("the length of '%s' is longer than the max allowed length %d", name, MaxLength)
	case !legalChars(name):
		reason = fmt.Sprintf("'%s' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'", name)
	default:
		return nil
	}
	return &InvalidError{Name: name, Reason: reason}
}

// Valid reports whether Validate accepts name.
func Valid(name string) bool { return Validate(name) == nil }

// IsInternal reports whether name is one of Kafka's internal topics
// (Topic.isInternal: __consumer_offsets, __transaction_state,
// __share_group_state).
func IsInternal(name string) bool {
	switch name {
	case ConsumerOffsets, TransactionState, ShareGroupState:
		return true
	}
	return false
}

// HasCollisionChars reports whether name holds '.' or '_', which Kafka's
// metric names cannot tell apart (Topic.hasCollisionChars). It is a warning,
// not an error.
func HasCollisionChars(name string) bool {
	for i := 0; i < len(name); i++ {
		if name[i] == '.' || name[i] == '_' {
			return true
		}
	}
	return false
}

func legalChars(name string) bool {
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '_', c == '-':
		default:
			return false
		}
	}
	return true
}
