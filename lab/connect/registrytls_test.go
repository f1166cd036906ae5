package connect

import (
	"context"
	"encoding/pem"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ctalab/ctalab/lab/registry"
)

// startTLSRegistry is a Schema Registry behind HTTPS with httptest's
// certificate (issued for example.com, 127.0.0.1 and ::1, not for
// localhost), and that certificate as PEM.
func startTLSRegistry(t *testing.T, b *broker) (*httptest.Server, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	reg, err := registry.New(ctx, b.addrs())
	if err != nil {
		t.Fatalf("registry: %v", err)
	}
	srv := httptest.NewTLSServer(reg)
	t.Cleanup(func() { srv.Close(); _ = reg.Close() })
	return srv, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}))
}

// The converters reach an HTTPS registry as Confluent's client does
// (SslFactory and CachedSchemaRegistryClient.getHostnameVerifier in
// confluentinc/schema-registry v7.9.0; the settings are Kafka's SslConfigs
// under "schema.registry.", https://docs.confluent.io/platform/7.9/schema-registry/connect.html):
// a PEM trust store given as schema.registry.ssl.truststore.location or
// .truststore.certificates verifies the registry's certificate; the host
// name is checked only when schema.registry.ssl.endpoint.identification.algorithm
// is set, so a certificate for another name is accepted without it.
func TestRegistryConvertersTrustAPEMTrustStore(t *testing.T) {
	db := newTestDB(t, sharedPostgres(t))
	b := startBroker(t)
	srv, certPEM := startTLSRegistry(t, b)
	wk := startWorker(t, b)
	pemFile := filepath.Join(t.TempDir(), "registry-ca.pem")
	if err := os.WriteFile(pemFile, []byte(certPEM), 0o600); err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	byIP, byName := srv.URL, "https://localhost:"+port
	cases := []struct {
		name     string
		url      string
		settings map[string]string
	}{
		{"PEM file", byIP, map[string]string{"schema.registry.ssl.truststore.type": "PEM", "schema.registry.ssl.truststore.location": pemFile}},
		{"PEM certificates, checking the host name", byIP, map[string]string{"schema.registry.ssl.truststore.type": "PEM",
			"schema.registry.ssl.truststore.certificates": certPEM, "schema.registry.ssl.endpoint.identification.algorithm": "https"}},
		{"PEM file, a certificate for another host name", byName, map[string]string{"schema.registry.ssl.truststore.type": "PEM", "schema.registry.ssl.truststore.location": pemFile}},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			prefix := []string{"t1-", "t2-", "t3-"}[i]
			cfg := referenceConfig(db)
			cfg["value.converter"] = avroConverterClass
			cfg["value.converter.schema.registry.url"] = c.url
			for k, v := range c.settings {
				cfg["value.converter."+k] = v
			}
			cfg["topic.prefix"], cfg["name"] = prefix, prefix+"stations"
			if r := wk.do(t, "POST", "/connectors", map[string]any{"name": cfg["name"], "config": cfg}); r.code != 201 {
				t.Fatalf("create: %d %s", r.code, r.body)
			}
			if v := waitRecords(t, b, prefix+"stations", 230)[0]; len(v) < 5 || v[0] != 0 {
				t.Errorf("first record %q is not in the wire format", v)
			}
		})
	}
}

// A registry whose certificate the trust store does not hold, or whose
// name does not match it when the host name is checked, cannot be reached:
// RestService's IOException (an SSLHandshakeException) becomes the
// serializer's SerializationException("Error serializing Avro message")
// under AvroConverter's DataException, and the task fails.
func TestRegistryConvertersRefuseAnUntrustedRegistry(t *testing.T) {
	db := newTestDB(t, sharedPostgres(t))
	b := startBroker(t)
	srv, certPEM := startTLSRegistry(t, b)
	wk := startWorker(t, b)
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	cases := []struct {
		name     string
		url      string
		settings map[string]string
	}{
		{"no trust store: the system's roots", srv.URL, nil},
		{"a certificate for another host name, checked", "https://localhost:" + port, map[string]string{"schema.registry.ssl.truststore.type": "PEM",
			"schema.registry.ssl.truststore.certificates": certPEM, "schema.registry.ssl.endpoint.identification.algorithm": "https"}},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			name := []string{"u1-", "u2-"}[i] + "stations"
			cfg := referenceConfig(db)
			cfg["value.converter"] = avroConverterClass
			cfg["value.converter.schema.registry.url"] = c.url
			for k, v := range c.settings {
				cfg["value.converter."+k] = v
			}
			cfg["topic.prefix"], cfg["name"] = name[:3], name
			if r := wk.do(t, "POST", "/connectors", map[string]any{"name": name, "config": cfg}); r.code != 201 {
				t.Fatalf("create: %d %s", r.code, r.body)
			}
			trace := waitTaskFailed(t, wk, name)
			for _, want := range []string{
				"Caused by: org.apache.kafka.connect.errors.DataException: Failed to serialize Avro data from topic " + name + " :\n",
				"\nCaused by: org.apache.kafka.common.errors.SerializationException: Error serializing Avro message\n",
				"\nCaused by: javax.net.ssl.SSLHandshakeException: ",
			} {
				if !strings.Contains(trace, want) {
					t.Errorf("trace lacks %q:\n%s", want, trace)
				}
			}
		})
	}
}

// Trust stores this worker does not read (JKS, the default type, and
// PKCS12) and client key stores are refused by name at validation; the
// trust store settings SslFactory rejects fail the task when it starts,
// with SslFactory's RuntimeException over Kafka's
// InvalidConfigurationException.
func TestRegistryTLSSettingsThisWorkerDoesNotBuildOrThatAreInvalid(t *testing.T) {
	db := newTestDB(t, sharedPostgres(t))
	b := startBroker(t)
	wk := startWorker(t, b)
	base := map[string]string{"value.converter": avroConverterClass, "value.converter.schema.registry.url": "https://127.0.0.1:1"}
	validate := []struct {
		name   string
		change map[string]string
		errs   []string
	}{
		{"a JKS trust store", map[string]string{"value.converter.schema.registry.ssl.truststore.location": "/etc/ssl/registry.jks", "value.converter.schema.registry.ssl.truststore.password": "p"},
			[]string{"Invalid value JKS for configuration schema.registry.ssl.truststore.type: this worker's AvroConverter reads PEM trust stores only"}},
		{"a client key store", map[string]string{"value.converter.schema.registry.ssl.keystore.location": "/etc/ssl/client.p12"},
			[]string{"Invalid value for configuration schema.registry.ssl.keystore.location: client key stores (mutual TLS) are not supported by this worker's AvroConverter"}},
	}
	for _, c := range validate {
		t.Run(c.name, func(t *testing.T) {
			cfg := referenceConfig(db)
			for _, m := range []map[string]string{base, c.change} {
				for k, v := range m {
					cfg[k] = v
				}
			}
			cfg["name"] = "stations"
			r := wk.do(t, "PUT", "/connector-plugins/io.confluent.connect.jdbc.JdbcSourceConnector/config/validate", cfg)
			var ci configInfos
			r.json(t, &ci)
			if r.code != 200 || ci.ErrorCount != len(c.errs) || !slices.Equal(ci.errorMessages(), c.errs) {
				t.Errorf("validate = %d, %d errors: %q", r.code, ci.ErrorCount, ci.errorMessages())
			}
		})
	}
	missing := filepath.Join(t.TempDir(), "missing.pem")
	atStart := []struct {
		name     string
		settings map[string]string
		cause    string
	}{
		{"a PEM trust store with a password", map[string]string{"truststore.type": "PEM", "truststore.location": missing, "truststore.password": "p"},
			"SSL trust store password cannot be specified for PEM format."},
		{"a PEM file that cannot be read", map[string]string{"truststore.type": "PEM", "truststore.location": missing},
			"Failed to load PEM SSL keystore " + missing},
		{"certificates for a JKS trust store", map[string]string{"truststore.certificates": "x"},
			"SSL trust store certs can be specified only for PEM, but trust store type is JKS."},
		{"PEM certificates without a certificate", map[string]string{"truststore.type": "PEM", "truststore.certificates": "not a certificate"},
			"No matching CERTIFICATE entries in PEM file"},
	}
	for i, c := range atStart {
		t.Run(c.name, func(t *testing.T) {
			name := []string{"s1-", "s2-", "s3-", "s4-"}[i] + "stations"
			cfg := referenceConfig(db)
			for k, v := range base {
				cfg[k] = v
			}
			for k, v := range c.settings {
				cfg["value.converter.schema.registry.ssl."+k] = v
			}
			cfg["name"] = name
			if r := wk.do(t, "POST", "/connectors", map[string]any{"name": name, "config": cfg}); r.code != 201 {
				t.Fatalf("create: %d %s", r.code, r.body)
			}
			want := "java.lang.RuntimeException: Error initializing the ssl context for RestService\n" +
				"Caused by: org.apache.kafka.common.errors.InvalidConfigurationException: " + c.cause
			if trace := waitTaskFailed(t, wk, name); !strings.HasPrefix(trace, want) {
				t.Errorf("trace = %s\nwant it to begin %q", trace, want)
			}
		})
	}
}
