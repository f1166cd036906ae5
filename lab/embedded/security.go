package embedded

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/clientconf"
	"github.com/ctalab/ctalab/lab/broker"
	"github.com/ctalab/ctalab/lab/httpauth"
	"github.com/ctalab/ctalab/lab/tlsgen"
)

// Files a secured stack writes in its data dir.
const (
	// SecurityDir holds the CA, the server certificate and the
	// credentials.
	SecurityDir = "security"
	// ClientPropertiesFile is the client properties file in the Confluent
	// format: what the app, the lab CLI and Java clients read.
	ClientPropertiesFile = "client.properties"
	// LibrdkafkaPropertiesFile holds the Kafka settings as librdkafka
	// reads them (kcat -F).
	LibrdkafkaPropertiesFile = "librdkafka.properties"
)

// connectCredentialsFile, in SecurityDir, holds the credentials ksqlDB
// sends to Kafka Connect, as ksqldb-server reads them from
// ksql.connect.basic.auth.credentials.file (username and password keys).
const connectCredentialsFile = "ksqldb-connect-credentials.properties"

// SecureUser is the user of a secured stack: a SASL user for every
// mechanism on Kafka, and the basic auth user of every HTTP service.
const SecureUser = "ctalab"

// WithSecurity secures the stack as a managed cluster is: Kafka listens
// with SASL_SSL (PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512) and a certificate
// signed by the lab's own CA, and the Schema Registry, REST Proxy, Kafka
// Connect and ksqlDB ask for HTTP basic auth. The CA, the certificate and
// a generated password are kept under the data dir's SecurityDir, so a
// restarted stack keeps them; the client properties files are written in
// the data dir (Stack.ClientProperties). The stand-ins' own Kafka and
// registry clients authenticate like any other client.
func WithSecurity() Option { return func(c *config) { c.secure = true } }

// security is a secured stack's material.
type security struct {
	files    tlsgen.Files
	password string
	// connectCredentials is the properties file holding the user and
	// password ksqlDB sends to Kafka Connect
	// (ksql.connect.basic.auth.credentials.file)
	connectCredentials string
	// externalKafka is set with WithBrokers: the broker is another
	// process's, with its own listener, so only the HTTP services are
	// secured here.
	externalKafka bool
}

// loadSecurity makes or loads the CA, the certificate and the password.
func loadSecurity(dataDir string) (*security, error) {
	// The data dir is made here first as the other services make it
	// (PostgreSQL, which runs as another user, must be able to search it);
	// only the security dir below it is private.
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return nil, fmt.Errorf("secure the stack: %w", err)
	}
	dir := filepath.Join(dataDir, SecurityDir)
	files, err := tlsgen.Ensure(dir)
	if err != nil {
		return nil, fmt.Errorf("secure the stack: %w", err)
	}
	pwFile := filepath.Join(dir, "password")
	raw, err := os.ReadFile(pwFile)
	if errors.Is(err, fs.ErrNotExist) {
		b := make([]byte, 16)
		if _, err := rand.Read(b); err != nil {
			return nil, fmt.Errorf("secure the stack: %w", err)
		}
		raw = []byte(hex.EncodeToString(b))
		if err := os.WriteFile(pwFile, raw, 0o600); err != nil {
			return nil, fmt.Errorf("secure the stack: %w", err)
		}
	} else if err != nil {
		return nil, fmt.Errorf("secure the stack: %w", err)
	}
	pw := strings.TrimSpace(string(raw))
	if pw == "" {
		return nil, fmt.Errorf("secure the stack: %s is empty", pwFile)
	}
	creds := filepath.Join(dir, connectCredentialsFile)
	if err := os.WriteFile(creds, []byte("username="+SecureUser+"\npassword="+strings.ReplaceAll(pw, `\`, `\\`)+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("secure the stack: %w", err)
	}
	return &security{files: files, password: pw, connectCredentials: creds}, nil
}

// kafka returns the Kafka settings of a client of the stack.
func (s *security) kafka(brokers []string) clientconf.Kafka {
	return clientconf.Kafka{Brokers: brokers, Protocol: clientconf.SASLSSL, Mechanism: clientconf.ScramSHA512,
		Username: SecureUser, Password: s.password, CAFile: s.files.CA, CredentialsFrom: "the stack's client properties"}
}

// brokerOption secures the broker's listener.
func (s *security) brokerOption() (broker.Option, error) {
	srv, err := s.files.ServerConfig()
	if err != nil {
		return nil, err
	}
	client, err := s.kafka(nil).KgoSecurity()
	if err != nil {
		return nil, err
	}
	var users []broker.User
	for _, m := range []string{broker.SASLPlain, broker.SASLScramSHA256, broker.SASLScramSHA512} {
		users = append(users, broker.User{Mechanism: m, Name: SecureUser, Password: s.password})
	}
	return broker.WithSecurity(broker.Security{TLS: srv, Users: users, Client: client}), nil
}

// kgoOpts are the stand-ins' Kafka client options.
func (s *security) kgoOpts() []kgo.Opt {
	if s == nil || s.externalKafka {
		return nil
	}
	opts, err := s.kafka(nil).KgoSecurity()
	if err != nil {
		// The files were read when the broker started; a failure here is
		// a file removed since, which the clients then report.
		return nil
	}
	return opts
}

// httpClient is the stand-ins' client of another stand-in (the REST Proxy
// and ksqlDB reach the Schema Registry).
func (s *security) httpClient(timeout time.Duration) *http.Client {
	if s == nil {
		return &http.Client{Timeout: timeout}
	}
	hc, _ := clientconf.Service{Name: "Schema Registry", Username: SecureUser, Password: s.password}.HTTPClient(timeout)
	return hc
}

// guard puts basic auth in front of one stand-in.
func (s *security) guard(name string, h http.Handler) http.Handler {
	if s == nil {
		return h
	}
	cfg := httpauth.Config{Users: map[string]string{SecureUser: s.password}}
	switch name {
	case "Schema Registry":
		cfg.Product, cfg.Realm = httpauth.RestUtils, httpauth.SchemaRegistryRealm
	case "REST Proxy":
		cfg.Product, cfg.Realm = httpauth.RestUtils, httpauth.RESTProxyRealm
	case connectName:
		cfg.Product = httpauth.Connect
	case ksqldbName:
		cfg.Product, cfg.Realm = httpauth.KSQLDB, httpauth.KSQLDBRealm
	}
	return httpauth.Handler(cfg, h)
}

// ClientConfig returns how a client reaches the stack: its endpoints and,
// for a secured stack, the CA, SASL and basic auth settings.
func (s *Stack) ClientConfig() clientconf.Config {
	e := s.endpoints
	c := clientconf.Config{
		Kafka:          clientconf.Kafka{Brokers: e.Brokers, Protocol: clientconf.Plaintext},
		SchemaRegistry: clientconf.Service{Name: "Schema Registry", URL: e.SchemaRegistry},
		RESTProxy:      clientconf.Service{Name: "REST Proxy", URL: e.RESTProxy},
		Connect:        clientconf.Service{Name: "Kafka Connect", URL: e.Connect},
		KSQLDB:         clientconf.Service{Name: "ksqlDB", URL: e.KSQLDB},
	}
	if s.sec == nil {
		return c
	}
	if !s.sec.externalKafka {
		c.Kafka = s.sec.kafka(e.Brokers)
	}
	for _, svc := range []*clientconf.Service{&c.SchemaRegistry, &c.RESTProxy, &c.Connect, &c.KSQLDB} {
		svc.Username, svc.Password, svc.CredentialsFrom = SecureUser, s.sec.password, "the stack's client properties"
	}
	return c
}

// ClientProperties returns the path of the client properties file a
// secured stack writes (Confluent format), or "" when the stack is not
// secured.
func (s *Stack) ClientProperties() string {
	if s.sec == nil {
		return ""
	}
	return filepath.Join(s.cfg.dataDir, ClientPropertiesFile)
}

// LibrdkafkaProperties returns the path of the librdkafka properties file
// a secured stack writes (kcat -F), or "".
func (s *Stack) LibrdkafkaProperties() string {
	if s.sec == nil {
		return ""
	}
	return filepath.Join(s.cfg.dataDir, LibrdkafkaPropertiesFile)
}

// writeClientFiles writes the client properties files of a secured stack.
func (s *Stack) writeClientFiles() error {
	c := s.ClientConfig()
	var props, rdk bytes.Buffer
	props.WriteString("# Written by the ctalab embedded stack (secured mode).\n# go run ./app serve --client-config " + s.ClientProperties() + "\n\n")
	if err := clientconf.WriteProperties(&props, c); err != nil {
		return err
	}
	rdk.WriteString("# Written by the ctalab embedded stack (secured mode).\n# kcat -F " + s.LibrdkafkaProperties() + " -L\n")
	if err := clientconf.WriteLibrdkafka(&rdk, c.Kafka); err != nil {
		return err
	}
	for path, b := range map[string][]byte{s.ClientProperties(): props.Bytes(), s.LibrdkafkaProperties(): rdk.Bytes()} {
		if err := os.WriteFile(path, b, 0o600); err != nil {
			return fmt.Errorf("write client properties: %w", err)
		}
	}
	return nil
}
