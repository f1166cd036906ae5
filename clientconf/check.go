package clientconf

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// AuthError is a service refusing the configured credentials.
type AuthError struct {
	Service string // "Kafka", "Schema Registry", ...
	Where   string // the brokers or the URL
	Setting string // where the credentials came from
	Err     error
}

func (e *AuthError) Error() string {
	return fmt.Sprintf("%s at %s refused the credentials from %s: %v", e.Service, e.Where, e.Setting, e.Err)
}

func (e *AuthError) Unwrap() error { return e.Err }

// CheckKafka asks the brokers for metadata once, so that credentials the
// cluster refuses fail at once with an AuthError naming the setting,
// instead of as retries that never end. A broker that does not answer
// within timeout is an error too.
func (k Kafka) CheckKafka(ctx context.Context, timeout time.Duration) error {
	opts, err := k.KgoOpts()
	if err != nil {
		return err
	}
	cl, err := kgo.NewClient(append(opts, kgo.RetryTimeout(timeout), kgo.RequestRetries(1))...)
	if err != nil {
		return fmt.Errorf("kafka client: %w", err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req := kmsg.NewPtrMetadataRequest()
	_, err = req.RequestWith(ctx, cl)
	if err == nil {
		return nil
	}
	where := strings.Join(k.Brokers, ",")
	if errors.Is(err, kerr.SaslAuthenticationFailed) || errors.Is(err, kerr.IllegalSaslState) || errors.Is(err, kerr.UnsupportedSaslMechanism) {
		from := k.CredentialsFrom
		if !k.SASL() {
			from = "security.protocol " + k.Protocol
		}
		return &AuthError{Service: "Kafka", Where: where, Setting: from, Err: err}
	}
	return fmt.Errorf("kafka at %s (security.protocol %s): %w", where, k.Protocol, err)
}

// probePaths are a cheap GET per service that needs authentication.
var probePaths = map[string]string{
	"Schema Registry": "/subjects",
	"REST Proxy":      "/topics",
	"Kafka Connect":   "/connectors",
	"ksqlDB":          "/info",
}

// Check sends one GET to the service, so that credentials it refuses fail
// at once with an AuthError naming the setting. Only a 401 or 403 is an
// error: a service that is still starting is left to the caller's retries.
func (s Service) Check(ctx context.Context) error {
	hc, err := s.HTTPClient(10 * time.Second)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+probePaths[s.Name], nil)
	if err != nil {
		return fmt.Errorf("%s: %w", s.Name, err)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized && resp.StatusCode != http.StatusForbidden {
		return nil
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	from := s.CredentialsFrom
	if s.Username == "" {
		from = "no credentials (give " + authKey(s.Name) + ")"
	}
	return &AuthError{Service: s.Name, Where: s.URL, Setting: from, Err: fmt.Errorf("HTTP %s: %s", resp.Status, strings.TrimSpace(string(body)))}
}

func authKey(name string) string {
	switch name {
	case "REST Proxy":
		return "rest.proxy.basic.auth.user.info"
	case "Kafka Connect":
		return "connect.basic.auth.user.info"
	case "ksqlDB":
		return "ksqldb.basic.auth.user.info"
	}
	return "basic.auth.user.info"
}
