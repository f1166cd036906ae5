package clientconf

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/segmentio/kafka-go"
	kgsasl "github.com/segmentio/kafka-go/sasl"
	kgplain "github.com/segmentio/kafka-go/sasl/plain"
	kgscram "github.com/segmentio/kafka-go/sasl/scram"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"
)

// TLSConfig returns the TLS settings of the Kafka connection, or nil
// without TLS.
func (k Kafka) TLSConfig() (*tls.Config, error) {
	if !k.TLS() {
		return nil, nil
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if k.CAFile != "" {
		pool, err := readCAs(k.CAFile)
		if err != nil {
			return nil, err
		}
		cfg.RootCAs = pool
	}
	if k.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(k.CertFile, k.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("kafka client certificate %s / key %s: %w", k.CertFile, k.KeyFile, err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	if k.SkipHostnameCheck {
		// Verify the chain but not the host name, as the Java client does
		// with ssl.endpoint.identification.algorithm empty.
		pool := cfg.RootCAs
		cfg.InsecureSkipVerify = true
		cfg.VerifyConnection = func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return errors.New("the broker sent no certificate")
			}
			inter := x509.NewCertPool()
			for _, c := range cs.PeerCertificates[1:] {
				inter.AddCert(c)
			}
			_, err := cs.PeerCertificates[0].Verify(x509.VerifyOptions{Roots: pool, Intermediates: inter})
			return err
		}
	}
	return cfg, nil
}

// readCAs reads a PEM bundle; a JKS or PKCS12 store is refused by name.
func readCAs(path string) (*x509.CertPool, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read CA file: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(raw) {
		if len(raw) >= 4 && raw[0] == 0xFE && raw[1] == 0xED && raw[2] == 0xFE && raw[3] == 0xED {
			return nil, fmt.Errorf("CA file %s is a Java KeyStore (JKS), which is not supported: export it as PEM with keytool -exportcert -rfc", path)
		}
		return nil, fmt.Errorf("CA file %s holds no PEM certificate (JKS and PKCS12 stores are not supported)", path)
	}
	return pool, nil
}

// KgoOpts returns the franz-go options that reach the brokers: seeds, TLS
// and SASL.
func (k Kafka) KgoOpts() ([]kgo.Opt, error) {
	opts := []kgo.Opt{kgo.SeedBrokers(k.Brokers...)}
	sec, err := k.KgoSecurity()
	if err != nil {
		return nil, err
	}
	return append(opts, sec...), nil
}

// KgoSecurity returns the franz-go options for TLS and SASL alone.
func (k Kafka) KgoSecurity() ([]kgo.Opt, error) {
	var opts []kgo.Opt
	tc, err := k.TLSConfig()
	if err != nil {
		return nil, err
	}
	if tc != nil {
		opts = append(opts, kgo.DialTLSConfig(tc))
	}
	if k.SASL() {
		var m sasl.Mechanism
		switch k.Mechanism {
		case Plain:
			m = plain.Auth{User: k.Username, Pass: k.Password}.AsMechanism()
		case ScramSHA256:
			m = scram.Auth{User: k.Username, Pass: k.Password}.AsSha256Mechanism()
		case ScramSHA512:
			m = scram.Auth{User: k.Username, Pass: k.Password}.AsSha512Mechanism()
		default:
			return nil, fmt.Errorf("sasl.mechanism %q is not supported", k.Mechanism)
		}
		opts = append(opts, kgo.SASL(m))
	}
	return opts, nil
}

// kafkaGoSASL returns the kafka-go SASL mechanism, or nil.
func (k Kafka) kafkaGoSASL() (kgsasl.Mechanism, error) {
	if !k.SASL() {
		return nil, nil
	}
	switch k.Mechanism {
	case Plain:
		return kgplain.Mechanism{Username: k.Username, Password: k.Password}, nil
	case ScramSHA256:
		return kgscram.Mechanism(kgscram.SHA256, k.Username, k.Password)
	case ScramSHA512:
		return kgscram.Mechanism(kgscram.SHA512, k.Username, k.Password)
	}
	return nil, fmt.Errorf("sasl.mechanism %q is not supported", k.Mechanism)
}

// Transport returns a kafka-go Transport (for Writers and Clients) that
// reaches the brokers with TLS and SASL as configured.
func (k Kafka) Transport() (*kafka.Transport, error) {
	tc, err := k.TLSConfig()
	if err != nil {
		return nil, err
	}
	m, err := k.kafkaGoSASL()
	if err != nil {
		return nil, err
	}
	return &kafka.Transport{TLS: tc, SASL: m}, nil
}

// Dialer returns a kafka-go Dialer (for Readers) that reaches the brokers
// with TLS and SASL as configured, over connections that apply a Reader's
// per-message read deadlines only when they move far enough
// (coalescingConn).
func (k Kafka) Dialer() (*kafka.Dialer, error) {
	tc, err := k.TLSConfig()
	if err != nil {
		return nil, err
	}
	m, err := k.kafkaGoSASL()
	if err != nil {
		return nil, err
	}
	return &kafka.Dialer{Timeout: 10 * time.Second, DialFunc: dialCoalescing, TLS: tc, SASLMechanism: m}, nil
}

// HTTPClient returns a client for the service: basic auth on every request
// when credentials are set, the service's CAs for https.
func (s Service) HTTPClient(timeout time.Duration) (*http.Client, error) {
	rt, err := s.RoundTripper()
	if err != nil {
		return nil, err
	}
	return &http.Client{Timeout: timeout, Transport: rt}, nil
}

// RoundTripper returns the transport of HTTPClient.
func (s Service) RoundTripper() (http.RoundTripper, error) {
	base := http.DefaultTransport.(*http.Transport).Clone()
	if s.CAFile != "" {
		pool, err := readCAs(s.CAFile)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.Name, err)
		}
		base.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	if s.Username == "" {
		return base, nil
	}
	return basicAuth{base: base, user: s.Username, pass: s.Password}, nil
}

type basicAuth struct {
	base       http.RoundTripper
	user, pass string
}

func (b basicAuth) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.SetBasicAuth(b.user, b.pass)
	return b.base.RoundTrip(r)
}
