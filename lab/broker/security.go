package broker

import (
	"crypto/tls"
	"fmt"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

// SASL mechanisms a user can be registered with.
const (
	SASLPlain       = "PLAIN"
	SASLScramSHA256 = "SCRAM-SHA-256"
	SASLScramSHA512 = "SCRAM-SHA-512"
)

// User is a SASL user of a secured listener.
type User struct {
	Mechanism, Name, Password string
}

// Security makes the listener a secured one, as a Kafka listener with
// listener.security.protocol.map SSL, SASL_PLAINTEXT or SASL_SSL:
//
//   - TLS, when set, is the server side of TLS on the listener (its
//     certificate, and ClientCAs/ClientAuth for mutual TLS).
//   - Users, when any, turn SASL authentication on: a client must
//     authenticate (SaslHandshake, then SaslAuthenticate) before any other
//     request, as a Kafka SASL listener requires; a failed authentication
//     is SASL_AUTHENTICATION_FAILED and the connection is closed
//     (https://kafka.apache.org/39/documentation.html#security_sasl).
//   - Client are the franz-go options with which the broker's own client
//     (it asks itself for topic configs) reaches the secured listener: TLS
//     roots and one user's SASL mechanism.
type Security struct {
	TLS    *tls.Config
	Users  []User
	Client []kgo.Opt
}

// WithSecurity secures the listener; see Security.
func WithSecurity(s Security) Option { return func(c *config) { c.security = &s } }

// securityOpts returns the kfake options of s.
func (s *Security) kfakeOpts() ([]kfake.Opt, error) {
	if s == nil || len(s.Users) == 0 {
		return nil, nil
	}
	opts := []kfake.Opt{kfake.EnableSASL()}
	for _, u := range s.Users {
		switch u.Mechanism {
		case SASLPlain, SASLScramSHA256, SASLScramSHA512:
		default:
			return nil, fmt.Errorf("SASL user %s: mechanism %q is not PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512", u.Name, u.Mechanism)
		}
		if u.Name == "" || u.Password == "" {
			return nil, fmt.Errorf("SASL user %q: empty name or password", u.Name)
		}
		opts = append(opts, kfake.Superuser(u.Mechanism, u.Name, u.Password))
	}
	return opts, nil
}

func (s *Security) sasl() bool { return s != nil && len(s.Users) > 0 }

func (s *Security) clientOpts() []kgo.Opt {
	if s == nil {
		return nil
	}
	return s.Client
}
