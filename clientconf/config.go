package clientconf

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"
)

// Security protocols, as Kafka clients name them (security.protocol).
const (
	Plaintext     = "PLAINTEXT"
	SSL           = "SSL"
	SASLPlaintext = "SASL_PLAINTEXT"
	SASLSSL       = "SASL_SSL"
)

// SASL mechanisms (sasl.mechanism).
const (
	Plain       = "PLAIN"
	ScramSHA256 = "SCRAM-SHA-256"
	ScramSHA512 = "SCRAM-SHA-512"
)

// Config is how every client reaches the cluster and its services.
type Config struct {
	Kafka          Kafka
	SchemaRegistry Service
	RESTProxy      Service
	Connect        Service
	KSQLDB         Service
	// Unknown are the keys of a properties file that no client here reads.
	Unknown []string
}

// Kafka is how a client reaches the brokers.
type Kafka struct {
	Brokers []string
	// Protocol is the security.protocol: Plaintext, SSL, SASLPlaintext or
	// SASLSSL. Empty means Plaintext.
	Protocol string
	// Mechanism, Username and Password are the SASL settings.
	Mechanism, Username, Password string
	// CAFile is a PEM file of the CAs that sign the brokers' certificates
	// (default: the system's); CertFile and KeyFile are a PEM client
	// certificate and key, for brokers that authenticate clients by TLS.
	CAFile, CertFile, KeyFile string
	// SkipHostnameCheck turns off the check that a broker's certificate
	// names its host (ssl.endpoint.identification.algorithm empty).
	SkipHostnameCheck bool
	// CredentialsFrom names the setting the SASL credentials came from, for
	// error messages.
	CredentialsFrom string
}

// Service is how a client reaches one HTTP service.
type Service struct {
	// Name is the service's name in messages: "Schema Registry", ...
	Name string
	URL  string
	// Username and Password are sent with HTTP basic auth when Username is
	// set.
	Username, Password string
	// CAFile is a PEM file of the CAs that sign an https service's
	// certificate (default: the system's).
	CAFile string
	// CredentialsFrom names the setting the credentials came from.
	CredentialsFrom string
}

// TLS reports whether the Kafka connection uses TLS.
func (k Kafka) TLS() bool { return k.Protocol == SSL || k.Protocol == SASLSSL }

// SASL reports whether the Kafka connection authenticates with SASL.
func (k Kafka) SASL() bool { return k.Protocol == SASLPlaintext || k.Protocol == SASLSSL }

// Secured reports whether any setting asks for TLS, SASL or basic auth.
func (c Config) Secured() bool {
	if c.Kafka.Protocol != "" && c.Kafka.Protocol != Plaintext {
		return true
	}
	for _, s := range c.Services() {
		if s.Username != "" {
			return true
		}
	}
	return false
}

// Services returns the HTTP services in a fixed order.
func (c Config) Services() []Service {
	return []Service{c.SchemaRegistry, c.RESTProxy, c.Connect, c.KSQLDB}
}

// setting is one configuration key and its other spellings.
type setting struct {
	key     string   // the Confluent client property
	aliases []string // other property names for the same setting
	flag    string   // the command-line flag, without dashes
	env     string   // the environment variable
	usage   string
	def     string
	secret  bool
}

// Settings: the Kafka client keys are those of the Kafka clients'
// configuration (https://kafka.apache.org/39/documentation.html#producerconfigs,
// https://docs.confluent.io/platform/7.9/clients/librdkafka/html/md_CONFIGURATION.html);
// schema.registry.url, basic.auth.credentials.source and
// basic.auth.user.info are the Schema Registry client's
// (https://docs.confluent.io/platform/7.9/schema-registry/security/index.html#basic-auth-credentials-source).
// REST Proxy, Connect and ksqlDB have no client property of their own in
// Confluent's files; the rest.proxy.*, connect.* and ksqldb.* keys are this
// project's, named after the Schema Registry's.
var settings = []setting{
	{key: "bootstrap.servers", aliases: []string{"metadata.broker.list"}, flag: "brokers", env: "CTALAB_BROKERS", usage: "Kafka bootstrap `addresses`, comma-separated", def: "localhost:9092"},
	{key: "schema.registry.url", flag: "schema-registry", env: "CTALAB_SCHEMA_REGISTRY", usage: "Schema Registry `URL`", def: "http://localhost:8081"},
	{key: "rest.proxy.url", flag: "rest-proxy", env: "CTALAB_REST_PROXY", usage: "Kafka REST Proxy `URL`", def: "http://localhost:8082"},
	{key: "connect.url", flag: "connect", env: "CTALAB_CONNECT", usage: "Kafka Connect `URL`", def: "http://localhost:8083"},
	{key: "ksqldb.url", flag: "ksqldb", env: "CTALAB_KSQLDB", usage: "ksqlDB `URL`", def: "http://localhost:8088"},
	{key: "security.protocol", flag: "security-protocol", env: "CTALAB_SECURITY_PROTOCOL", usage: "Kafka security.protocol: PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL"},
	{key: "sasl.mechanism", aliases: []string{"sasl.mechanisms"}, flag: "sasl-mechanism", env: "CTALAB_SASL_MECHANISM", usage: "Kafka SASL `mechanism`: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512"},
	{key: "sasl.username", flag: "sasl-username", env: "CTALAB_SASL_USERNAME", usage: "Kafka SASL `user`"},
	{key: "sasl.password", flag: "sasl-password", env: "CTALAB_SASL_PASSWORD", usage: "Kafka SASL `password`", secret: true},
	{key: "sasl.jaas.config", usage: "Kafka SASL login module with username and password", secret: true},
	{key: "ssl.ca.location", flag: "tls-ca", env: "CTALAB_TLS_CA", usage: "PEM `file` of the CAs that sign the brokers' certificates"},
	{key: "ssl.truststore.location"},
	{key: "ssl.truststore.type"},
	{key: "ssl.certificate.location", flag: "tls-cert", env: "CTALAB_TLS_CERT", usage: "PEM client certificate `file` for Kafka"},
	{key: "ssl.key.location", flag: "tls-key", env: "CTALAB_TLS_KEY", usage: "PEM client key `file` for Kafka"},
	{key: "ssl.keystore.location"},
	{key: "ssl.keystore.type"},
	{key: "ssl.key.password", secret: true},
	{key: "ssl.keystore.password", secret: true},
	{key: "ssl.truststore.password", secret: true},
	{key: "ssl.endpoint.identification.algorithm"},
	{key: "basic.auth.credentials.source"},
	{key: "basic.auth.user.info", aliases: []string{"schema.registry.basic.auth.user.info"}, flag: "schema-registry-user-info", env: "CTALAB_SCHEMA_REGISTRY_USER_INFO", usage: "Schema Registry basic auth `user:password`", secret: true},
	{key: "rest.proxy.basic.auth.user.info", flag: "rest-proxy-user-info", env: "CTALAB_REST_PROXY_USER_INFO", usage: "REST Proxy basic auth `user:password`", secret: true},
	{key: "connect.basic.auth.user.info", flag: "connect-user-info", env: "CTALAB_CONNECT_USER_INFO", usage: "Kafka Connect basic auth `user:password`", secret: true},
	{key: "ksqldb.basic.auth.user.info", flag: "ksqldb-user-info", env: "CTALAB_KSQLDB_USER_INFO", usage: "ksqlDB basic auth `user:password`", secret: true},
}

// value is a setting's value and where it came from ("--sasl-password",
// "CTALAB_SASL_PASSWORD", "sasl.jaas.config in client.properties:4").
type value struct {
	v, origin string
}

// Values holds settings by their canonical key, each with its origin.
type Values struct {
	m       map[string]value
	unknown []string
}

func canonical(key string) (setting, bool) {
	for _, s := range settings {
		if s.key == key {
			return s, true
		}
		for _, a := range s.aliases {
			if a == key {
				return s, true
			}
		}
	}
	return setting{}, false
}

// Set sets key (a property name or alias) from origin; an unknown key is
// remembered for Config.Unknown.
func (v *Values) Set(key, val, origin string) {
	if v.m == nil {
		v.m = map[string]value{}
	}
	s, ok := canonical(key)
	if !ok {
		v.unknown = append(v.unknown, key)
		return
	}
	v.m[s.key] = value{v: val, origin: origin}
}

func (v *Values) get(key string) (value, bool) {
	x, ok := v.m[key]
	return x, ok
}

// Resolve turns the values into a Config: defaults fill what is unset, and
// a malformed or unsupported value is refused with an error naming its
// setting.
func (v *Values) Resolve() (Config, error) {
	str := func(key string) string {
		if x, ok := v.get(key); ok {
			return strings.TrimSpace(x.v)
		}
		s, _ := canonical(key)
		return s.def
	}
	origin := func(key string) string {
		if x, ok := v.get(key); ok {
			return x.origin
		}
		return key
	}
	var c Config
	unknown := append([]string(nil), v.unknown...)
	sort.Strings(unknown)
	c.Unknown = unknown

	for _, b := range strings.Split(str("bootstrap.servers"), ",") {
		if b = strings.TrimSpace(b); b != "" {
			c.Kafka.Brokers = append(c.Kafka.Brokers, strings.TrimPrefix(strings.TrimPrefix(b, "SASL_SSL://"), "PLAINTEXT://"))
		}
	}
	if len(c.Kafka.Brokers) == 0 {
		return c, fmt.Errorf("%s: no broker address given", origin("bootstrap.servers"))
	}
	k := &c.Kafka
	// security.protocol is case-insensitive in both the Java client
	// (SecurityProtocol.forName) and librdkafka.
	k.Protocol = strings.ToUpper(str("security.protocol"))
	switch k.Protocol {
	case "":
		k.Protocol = Plaintext
	case Plaintext, SSL, SASLPlaintext, SASLSSL:
	default:
		return c, fmt.Errorf("%s: security.protocol %q is not one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL", origin("security.protocol"), str("security.protocol"))
	}
	if err := v.resolveSASL(k, str, origin); err != nil {
		return c, err
	}
	if err := v.resolveTLS(k, str, origin); err != nil {
		return c, err
	}

	services := []struct {
		dst             *Service
		name, url, auth string
	}{
		{&c.SchemaRegistry, "Schema Registry", "schema.registry.url", "basic.auth.user.info"},
		{&c.RESTProxy, "REST Proxy", "rest.proxy.url", "rest.proxy.basic.auth.user.info"},
		{&c.Connect, "Kafka Connect", "connect.url", "connect.basic.auth.user.info"},
		{&c.KSQLDB, "ksqlDB", "ksqldb.url", "ksqldb.basic.auth.user.info"},
	}
	source := strings.ToUpper(str("basic.auth.credentials.source"))
	switch source {
	case "", "USER_INFO", "URL":
	default:
		// SASL_INHERIT reuses the Kafka SASL credentials; it is not
		// supported here.
		return c, fmt.Errorf("%s: basic.auth.credentials.source %q is not supported (use USER_INFO with basic.auth.user.info, or URL)", origin("basic.auth.credentials.source"), str("basic.auth.credentials.source"))
	}
	for _, s := range services {
		raw := str(s.url)
		// The Schema Registry client takes a comma-separated list; the
		// first URL is used here.
		raw = strings.TrimSpace(strings.Split(raw, ",")[0])
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return c, fmt.Errorf("%s: %q is not an http or https URL", origin(s.url), raw)
		}
		svc := Service{Name: s.name}
		if u.User != nil {
			svc.Username = u.User.Username()
			svc.Password, _ = u.User.Password()
			svc.CredentialsFrom = origin(s.url)
			u.User = nil
		}
		svc.URL = strings.TrimRight(u.String(), "/")
		if info := str(s.auth); info != "" {
			user, pass, ok := strings.Cut(info, ":")
			if !ok || user == "" {
				return c, fmt.Errorf("%s: basic auth user info must be user:password", origin(s.auth))
			}
			if source == "URL" && s.auth == "basic.auth.user.info" {
				return c, fmt.Errorf("%s: basic.auth.credentials.source is URL, so the credentials belong in schema.registry.url, not basic.auth.user.info", origin("basic.auth.credentials.source"))
			}
			svc.Username, svc.Password, svc.CredentialsFrom = user, pass, origin(s.auth)
		}
		*s.dst = svc
	}
	return c, nil
}

// jaasLine is a PlainLoginModule or ScramLoginModule entry as Kafka's
// JaasConfig parses it: a login module class, a control flag, options as
// name=value with quoted or bare values, and a closing semicolon.
// https://kafka.apache.org/39/documentation.html#security_sasl_jaasconfig
var (
	jaasModule = regexp.MustCompile(`^\s*([A-Za-z0-9_.$]+)\s+(required|requisite|sufficient|optional)\s*(.*?)\s*;\s*$`)
	jaasOption = regexp.MustCompile(`^\s*([A-Za-z0-9_.]+)\s*=\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[^\s;"']+)`)
)

const (
	plainModule = "org.apache.kafka.common.security.plain.PlainLoginModule"
	scramModule = "org.apache.kafka.common.security.scram.ScramLoginModule"
)

func parseJAAS(s string) (module string, opts map[string]string, err error) {
	m := jaasModule.FindStringSubmatch(s)
	if m == nil {
		return "", nil, errors.New(`expected "<LoginModule> required username=\"...\" password=\"...\";"`)
	}
	module, rest := m[1], m[3]
	opts = map[string]string{}
	for strings.TrimSpace(rest) != "" {
		o := jaasOption.FindStringSubmatch(rest)
		if o == nil {
			return "", nil, fmt.Errorf("cannot read the option at %q", strings.TrimSpace(rest))
		}
		val := o[2]
		if len(val) >= 2 && (val[0] == '"' || val[0] == '\'') {
			val = val[1 : len(val)-1]
			val = strings.NewReplacer(`\"`, `"`, `\'`, `'`, `\\`, `\`).Replace(val)
		}
		opts[o[1]] = val
		rest = rest[len(o[0]):]
	}
	return module, opts, nil
}

func (v *Values) resolveSASL(k *Kafka, str func(string) string, origin func(string) string) error {
	mech := strings.ToUpper(str("sasl.mechanism"))
	user, pass := str("sasl.username"), str("sasl.password")
	k.CredentialsFrom = origin("sasl.username") + " / " + origin("sasl.password")
	if jaas := str("sasl.jaas.config"); jaas != "" {
		module, opts, err := parseJAAS(jaas)
		if err != nil {
			return fmt.Errorf("%s: malformed sasl.jaas.config: %w", origin("sasl.jaas.config"), err)
		}
		switch module {
		case plainModule, scramModule:
		default:
			return fmt.Errorf("%s: sasl.jaas.config login module %s is not supported (use %s or %s)", origin("sasl.jaas.config"), module, plainModule, scramModule)
		}
		if mech == "" {
			mech = Plain // Kafka's sasl.mechanism default is GSSAPI; PLAIN is what a PlainLoginModule needs.
			if module == scramModule {
				return fmt.Errorf("%s: a ScramLoginModule needs sasl.mechanism SCRAM-SHA-256 or SCRAM-SHA-512", origin("sasl.jaas.config"))
			}
		}
		if (module == plainModule) != (mech == Plain) {
			return fmt.Errorf("%s: login module %s does not match sasl.mechanism %s (%s)", origin("sasl.jaas.config"), module, mech, origin("sasl.mechanism"))
		}
		if _, given := v.get("sasl.username"); !given {
			user = opts["username"]
		}
		if _, given := v.get("sasl.password"); !given {
			pass = opts["password"]
		}
		if user == "" || pass == "" {
			return fmt.Errorf("%s: sasl.jaas.config must give username and password", origin("sasl.jaas.config"))
		}
		k.CredentialsFrom = origin("sasl.jaas.config")
	}
	if !k.SASL() {
		return nil
	}
	switch mech {
	case "":
		mech = Plain
	case Plain, ScramSHA256, ScramSHA512:
	default:
		return fmt.Errorf("%s: sasl.mechanism %q is not supported (PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512)", origin("sasl.mechanism"), str("sasl.mechanism"))
	}
	if user == "" || pass == "" {
		return fmt.Errorf("%s: security.protocol %s needs a SASL username and password (sasl.jaas.config, or sasl.username and sasl.password)", origin("security.protocol"), k.Protocol)
	}
	k.Mechanism, k.Username, k.Password = mech, user, pass
	return nil
}

func (v *Values) resolveTLS(k *Kafka, str func(string) string, origin func(string) string) error {
	ca := str("ssl.ca.location")
	if ts := str("ssl.truststore.location"); ts != "" {
		// The Java client reads JKS and PKCS12 truststores, and PEM ones
		// with ssl.truststore.type=PEM (KIP-651); only PEM is read here.
		if t := strings.ToUpper(str("ssl.truststore.type")); t != "PEM" {
			if t == "" {
				t = "JKS (the default ssl.truststore.type)"
			}
			return fmt.Errorf("%s: truststore type %s is not supported; convert it to PEM (keytool -exportcert -rfc) and set ssl.truststore.type=PEM, or give ssl.ca.location", origin("ssl.truststore.location"), t)
		}
		if ca == "" {
			ca = ts
		}
	}
	cert, key := str("ssl.certificate.location"), str("ssl.key.location")
	if ks := str("ssl.keystore.location"); ks != "" {
		if t := strings.ToUpper(str("ssl.keystore.type")); t != "PEM" {
			if t == "" {
				t = "JKS (the default ssl.keystore.type)"
			}
			return fmt.Errorf("%s: keystore type %s is not supported; give a PEM certificate and key with ssl.certificate.location and ssl.key.location, or set ssl.keystore.type=PEM", origin("ssl.keystore.location"), t)
		}
		if cert == "" {
			cert, key = ks, ks
		}
	}
	if str("ssl.key.password") != "" {
		return fmt.Errorf("%s: encrypted private keys are not supported; give an unencrypted PEM key", origin("ssl.key.password"))
	}
	if (cert == "") != (key == "") {
		return fmt.Errorf("%s / %s: a client certificate needs both ssl.certificate.location and ssl.key.location", origin("ssl.certificate.location"), origin("ssl.key.location"))
	}
	switch alg := strings.ToLower(str("ssl.endpoint.identification.algorithm")); alg {
	case "https":
	case "", "none":
		if _, given := v.get("ssl.endpoint.identification.algorithm"); given {
			k.SkipHostnameCheck = true
		}
	default:
		return fmt.Errorf("%s: ssl.endpoint.identification.algorithm %q is not one of https, none or empty", origin("ssl.endpoint.identification.algorithm"), alg)
	}
	k.CAFile, k.CertFile, k.KeyFile = ca, cert, key
	if !k.TLS() && (ca != "" || cert != "") {
		return fmt.Errorf("%s: TLS files are given but security.protocol is %s (use SSL or SASL_SSL)", origin("security.protocol"), k.Protocol)
	}
	return nil
}
