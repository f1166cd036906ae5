package clientconf

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func resolveArgs(t *testing.T, env map[string]string, args ...string) (Config, error) {
	t.Helper()
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	f := &Flags{Getenv: func(k string) string { return env[k] }}
	f.Register(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return f.Resolve()
}

// A Confluent Cloud style file, as `confluent kafka client-config create
// java` writes it (https://docs.confluent.io/confluent-cli/current/command-reference/kafka/client-config/create/confluent_kafka_client-config_create_java.html).
const cloudFile = `# Required connection configs for Kafka producer, consumer, and admin
bootstrap.servers=pkc-123.us-east-1.aws.confluent.cloud:9092
security.protocol=SASL_SSL
sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username='KEY123' password='se=cr"et';
sasl.mechanism=PLAIN
# Required for correctness in Apache Kafka clients prior to 2.6
client.dns.lookup=use_all_dns_ips

# Best practice for higher availability in Apache Kafka clients prior to 3.0
session.timeout.ms=45000

# Required connection configs for Confluent Cloud Schema Registry
schema.registry.url=https://psrc-1.us-east-2.aws.confluent.cloud
basic.auth.credentials.source=USER_INFO
basic.auth.user.info=SRKEY:SRSECRET
`

func TestConfluentCloudFileGivesSASLSSLAndRegistryBasicAuth(t *testing.T) {
	p := writeFile(t, "client.properties", cloudFile)
	c, err := resolveArgs(t, nil, "--client-config", p)
	if err != nil {
		t.Fatal(err)
	}
	k := c.Kafka
	if k.Protocol != SASLSSL || k.Mechanism != Plain || k.Username != "KEY123" || k.Password != `se=cr"et` {
		t.Fatalf("kafka = %+v", k)
	}
	if got := strings.Join(k.Brokers, ","); got != "pkc-123.us-east-1.aws.confluent.cloud:9092" {
		t.Fatalf("brokers = %s", got)
	}
	sr := c.SchemaRegistry
	if sr.URL != "https://psrc-1.us-east-2.aws.confluent.cloud" || sr.Username != "SRKEY" || sr.Password != "SRSECRET" {
		t.Fatalf("schema registry = %+v", sr)
	}
	if got := strings.Join(c.Unknown, ","); got != "client.dns.lookup,session.timeout.ms" {
		t.Fatalf("unknown = %s", got)
	}
	if !strings.Contains(c.UnknownWarning(), "client.dns.lookup, session.timeout.ms") {
		t.Fatalf("warning = %q", c.UnknownWarning())
	}
	// The other services keep their defaults and have no credentials.
	if c.KSQLDB.URL != "http://localhost:8088" || c.KSQLDB.Username != "" {
		t.Fatalf("ksqldb = %+v", c.KSQLDB)
	}
}

func TestFlagsOverrideVariablesOverrideTheFile(t *testing.T) {
	p := writeFile(t, "c.properties", "bootstrap.servers=file:9092\nsecurity.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-256\nsasl.username=fileuser\nsasl.password=filepass\n")
	env := map[string]string{"CTALAB_SASL_PASSWORD": "envpass", "CTALAB_BROKERS": "env:9092"}
	c, err := resolveArgs(t, env, "--client-config", p, "--brokers", "flag:9092")
	if err != nil {
		t.Fatal(err)
	}
	if c.Kafka.Brokers[0] != "flag:9092" || c.Kafka.Username != "fileuser" || c.Kafka.Password != "envpass" || c.Kafka.Mechanism != ScramSHA256 {
		t.Fatalf("kafka = %+v", c.Kafka)
	}
	if c.Kafka.CredentialsFrom != "sasl.username in "+p+":4 / CTALAB_SASL_PASSWORD" {
		t.Fatalf("credentials from %q", c.Kafka.CredentialsFrom)
	}
}

func TestVariableNamesThePropertiesFile(t *testing.T) {
	p := writeFile(t, "c.properties", "bootstrap.servers=b:1\n")
	c, err := resolveArgs(t, map[string]string{FileEnv: p})
	if err != nil || c.Kafka.Brokers[0] != "b:1" {
		t.Fatalf("c = %+v, err = %v", c, err)
	}
}

func TestScramJAASNeedsAScramMechanism(t *testing.T) {
	p := writeFile(t, "c.properties", "security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\nsasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"p\";\n")
	c, err := resolveArgs(t, nil, "--client-config", p)
	if err != nil {
		t.Fatal(err)
	}
	if c.Kafka.Mechanism != ScramSHA512 || c.Kafka.Username != "u" || c.Kafka.Password != "p" {
		t.Fatalf("kafka = %+v", c.Kafka)
	}
	if !strings.HasPrefix(c.Kafka.CredentialsFrom, "sasl.jaas.config in ") {
		t.Fatalf("credentials from %q", c.Kafka.CredentialsFrom)
	}
}

func TestMalformedValuesAreRefusedNamingTheKey(t *testing.T) {
	for name, tc := range map[string]struct{ file, want string }{
		"protocol":        {"security.protocol=SSL_SASL\n", "security.protocol in "},
		"mechanism":       {"security.protocol=SASL_SSL\nsasl.mechanism=GSSAPI\nsasl.username=a\nsasl.password=b\n", "sasl.mechanism in "},
		"jaas syntax":     {"security.protocol=SASL_SSL\nsasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule username=\"a\"\n", "sasl.jaas.config in "},
		"jaas module":     {"security.protocol=SASL_SSL\nsasl.jaas.config=com.sun.security.auth.module.Krb5LoginModule required;\n", "Krb5LoginModule is not supported"},
		"jaas mismatch":   {"security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-256\nsasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"a\" password=\"b\";\n", "does not match sasl.mechanism SCRAM-SHA-256"},
		"no credentials":  {"security.protocol=SASL_SSL\n", "needs a SASL username and password"},
		"jks truststore":  {"security.protocol=SSL\nssl.truststore.location=/etc/kafka/truststore.jks\n", "JKS (the default ssl.truststore.type) is not supported"},
		"jks keystore":    {"security.protocol=SSL\nssl.keystore.type=JKS\nssl.keystore.location=/k.jks\n", "keystore type JKS is not supported"},
		"user info":       {"basic.auth.user.info=nocolon\n", "basic.auth.user.info in "},
		"registry url":    {"schema.registry.url=localhost:8081\n", "schema.registry.url in "},
		"sasl inherit":    {"basic.auth.credentials.source=SASL_INHERIT\n", "SASL_INHERIT\" is not supported"},
		"tls on plain":    {"ssl.ca.location=/ca.pem\n", "security.protocol is PLAINTEXT"},
		"encrypted key":   {"security.protocol=SSL\nssl.key.password=x\n", "ssl.key.password in "},
		"endpoint ident.": {"security.protocol=SSL\nssl.endpoint.identification.algorithm=dns\n", "ssl.endpoint.identification.algorithm in "},
	} {
		t.Run(name, func(t *testing.T) {
			p := writeFile(t, "bad.properties", tc.file)
			_, err := resolveArgs(t, nil, "--client-config", p)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestAFlagValueIsRefusedNamingTheFlag(t *testing.T) {
	_, err := resolveArgs(t, nil, "--security-protocol", "TLS")
	if err == nil || !strings.HasPrefix(err.Error(), "--security-protocol: ") {
		t.Fatalf("err = %v", err)
	}
}

func TestAJKSFileGivenAsPEMIsRefusedByName(t *testing.T) {
	jks := writeFile(t, "trust.jks", "\xfe\xed\xfe\xed\x00\x00\x00\x02rest")
	k := Kafka{Protocol: SSL, CAFile: jks}
	_, err := k.TLSConfig()
	if err == nil || !strings.Contains(err.Error(), "Java KeyStore (JKS)") {
		t.Fatalf("err = %v", err)
	}
}

func TestPropertiesSyntaxAsJavaReadsIt(t *testing.T) {
	// Hand-derived from java.util.Properties.load's documentation.
	in := "# comment\n! also a comment\n  a = 1\nb:2\nc 3\nd=one \\\n    two\ne=x\\\\\nf=\\u0041\\tB\n"
	props, err := ParseProperties(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, p := range props {
		got[p.Key] = p.Value
	}
	want := map[string]string{"a": "1", "b": "2", "c": "3", "d": "one two", "e": `x\`, "f": "A\tB"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %v", got)
	}
}

func TestWrittenPropertiesReadBackToTheSameConfig(t *testing.T) {
	ca := writeFile(t, "ca.pem", "")
	in := Config{
		Kafka:          Kafka{Brokers: []string{"127.0.0.1:9093"}, Protocol: SASLSSL, Mechanism: ScramSHA256, Username: "lab", Password: `p"a\ss`, CAFile: ca},
		SchemaRegistry: Service{Name: "Schema Registry", URL: "http://127.0.0.1:1", Username: "u1", Password: "p1"},
		RESTProxy:      Service{Name: "REST Proxy", URL: "http://127.0.0.1:2", Username: "u2", Password: "p2"},
		Connect:        Service{Name: "Kafka Connect", URL: "http://127.0.0.1:3", Username: "u3", Password: "p3"},
		KSQLDB:         Service{Name: "ksqlDB", URL: "http://127.0.0.1:4", Username: "u4", Password: "p4"},
	}
	var buf bytes.Buffer
	if err := WriteProperties(&buf, in); err != nil {
		t.Fatal(err)
	}
	p := writeFile(t, "out.properties", buf.String())
	c, err := resolveArgs(t, nil, "--client-config", p)
	if err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	if len(c.Unknown) != 0 {
		t.Fatalf("unknown keys %v", c.Unknown)
	}
	k := c.Kafka
	if k.Protocol != SASLSSL || k.Mechanism != ScramSHA256 || k.Username != "lab" || k.Password != `p"a\ss` || k.CAFile != ca {
		t.Fatalf("kafka = %+v\n%s", k, buf.String())
	}
	for i, s := range c.Services() {
		w := in.Services()[i]
		if s.URL != w.URL || s.Username != w.Username || s.Password != w.Password {
			t.Fatalf("%s = %+v, want %+v", w.Name, s, w)
		}
	}
}
