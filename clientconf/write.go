package clientconf

import (
	"fmt"
	"io"
	"strings"
)

// WriteProperties writes c as a client properties file in the Confluent
// (Java client) format, which LoadFile reads back: the Kafka keys a Java
// client reads (the CA as a PEM truststore, KIP-651), the Schema Registry
// client's keys, and this project's keys for the other services.
func WriteProperties(w io.Writer, c Config) error {
	var b strings.Builder
	p := func(k, v string) { fmt.Fprintf(&b, "%s=%s\n", k, escapeValue(v)) }
	b.WriteString("# Kafka\n")
	p("bootstrap.servers", strings.Join(c.Kafka.Brokers, ","))
	p("security.protocol", c.Kafka.Protocol)
	if c.Kafka.SASL() {
		p("sasl.mechanism", c.Kafka.Mechanism)
		module := scramModule
		if c.Kafka.Mechanism == Plain {
			module = plainModule
		}
		p("sasl.jaas.config", fmt.Sprintf(`%s required username="%s" password="%s";`, module, jaasEscape(c.Kafka.Username), jaasEscape(c.Kafka.Password)))
	}
	if c.Kafka.CAFile != "" {
		p("ssl.truststore.type", "PEM")
		p("ssl.truststore.location", c.Kafka.CAFile)
	}
	b.WriteString("\n# Schema Registry\n")
	p("schema.registry.url", c.SchemaRegistry.URL)
	if c.SchemaRegistry.Username != "" {
		p("basic.auth.credentials.source", "USER_INFO")
		p("basic.auth.user.info", c.SchemaRegistry.Username+":"+c.SchemaRegistry.Password)
	}
	for _, s := range []struct {
		prefix string
		svc    Service
	}{{"rest.proxy", c.RESTProxy}, {"connect", c.Connect}, {"ksqldb", c.KSQLDB}} {
		fmt.Fprintf(&b, "\n# %s\n", s.svc.Name)
		p(s.prefix+".url", s.svc.URL)
		if s.svc.Username != "" {
			p(s.prefix+".basic.auth.user.info", s.svc.Username+":"+s.svc.Password)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteLibrdkafka writes k's Kafka settings as librdkafka reads them (kcat
// -F, confluent-kafka-python): sasl.username and sasl.password instead of
// the JAAS line and ssl.ca.location, which librdkafka reads and the Java
// client does not. librdkafka refuses the Schema Registry keys, so they
// are left out.
// https://github.com/confluentinc/librdkafka/blob/master/CONFIGURATION.md
func WriteLibrdkafka(w io.Writer, k Kafka) error {
	var b strings.Builder
	p := func(k, v string) { fmt.Fprintf(&b, "%s=%s\n", k, v) }
	p("bootstrap.servers", strings.Join(k.Brokers, ","))
	p("security.protocol", k.Protocol)
	if k.SASL() {
		p("sasl.mechanisms", k.Mechanism)
		p("sasl.username", k.Username)
		p("sasl.password", k.Password)
	}
	if k.CAFile != "" {
		p("ssl.ca.location", k.CAFile)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func jaasEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s)
}

// escapeValue escapes what java.util.Properties would read otherwise:
// backslashes and leading whitespace.
func escapeValue(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	if strings.HasPrefix(s, " ") {
		s = `\` + s
	}
	return s
}
