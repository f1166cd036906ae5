package connect

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"syscall"

	"github.com/ctalab/ctalab/lab/connect/transforms"
	"github.com/ctalab/ctalab/srclient"
)

// The Schema Registry client of Confluent's converters, as far as a task can
// tell it apart: RestService and its credential providers in
// confluentinc/schema-registry v7.9.0 (client/src/main/java/io/confluent/
// kafka/schemaregistry/client/rest/RestService.java,
// .../client/security/basicauth/*CredentialProvider.java), configured from
// the converter's own settings (AbstractKafkaSchemaSerDeConfig; docs:
// https://docs.confluent.io/platform/7.9/schema-registry/connect.html and
// .../schema-registry/security/index.html).

// Setting names of SchemaRegistryClientConfig.
const (
	basicAuthSourceKey     = "basic.auth.credentials.source"
	userInfoKey            = "basic.auth.user.info"
	deprecatedUserInfoKey  = "schema.registry.basic.auth.user.info"
	bearerAuthSourceKey    = "bearer.auth.credentials.source"
	restClientExceptionCls = "io.confluent.kafka.schemaregistry.client.rest.exceptions.RestClientException"
	// javaDefaultAccept is the Accept header HttpURLConnection sends when
	// the caller sets none, as RestService does not.
	javaDefaultAccept = "text/html, image/gif, image/jpeg, *; q=.2, */*; q=.2"
	// jsonParseErrorCode is RestService's JSON_PARSE_ERROR_CODE, the error
	// code of a refusal whose body is not the registry's JSON error.
	jsonParseErrorCode = 50005
)

// registryCredentials reads the credential settings of a converter's
// registry client. Only originals count, as RestService.configure reads
// them: with no basic.auth.credentials.source no credentials are sent,
// even when schema.registry.url carries user info. URL takes the user
// info of the registry URL, USER_INFO basic.auth.user.info (the deprecated
// schema.registry.basic.auth.user.info first); an unknown source has no
// provider and sends nothing, as BasicAuthCredentialProviderFactory
// returns none. errs are refusals of what this worker does not build
// (SASL_INHERIT, bearer tokens), reported where ConfigDef errors are;
// configureErr is the ConfigException RestService.configure throws, which
// fails the task when it starts.
func registryCredentials(settings map[string]string, registryURL *url.URL, name string) (userInfo string, errs []converterIssue, configureErr string) {
	basic := settings[basicAuthSourceKey]
	bearer := settings[bearerAuthSourceKey]
	if basic != "" && bearer != "" {
		return "", nil, "Only one of '" + basicAuthSourceKey + "' and '" + bearerAuthSourceKey + "' may be specified"
	}
	if bearer != "" {
		return "", []converterIssue{{Key: bearerAuthSourceKey, Msg: "Invalid value " + bearer + " for configuration " + bearerAuthSourceKey + ": not supported by this worker's " + name + " (basic auth is)", Unbuilt: true}}, ""
	}
	switch basic {
	case "URL":
		if registryURL.User != nil {
			return registryURL.User.String(), nil, ""
		}
	case "USER_INFO":
		for _, k := range []string{deprecatedUserInfoKey, userInfoKey} {
			if v := settings[k]; v != "" {
				return v, nil, ""
			}
		}
		return "", nil, "UserInfo must be provided when basic.auth.credentials.source is set to USER_INFO"
	case "SASL_INHERIT":
		return "", []converterIssue{{Key: basicAuthSourceKey, Msg: "Invalid value SASL_INHERIT for configuration " + basicAuthSourceKey + ": not supported by this worker's " + name + " (URL and USER_INFO are)", Unbuilt: true}}, ""
	}
	return "", nil, ""
}

// restServiceTransport sends what RestService sends besides the request
// itself: HttpURLConnection's default Accept header, and the Authorization
// header of the credential provider (Base64 of the user info as given).
type restServiceTransport struct {
	next     http.RoundTripper
	userInfo string
}

func (t restServiceTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Accept", javaDefaultAccept)
	r.Header.Del("Authorization")
	if t.userInfo != "" {
		r.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(t.userInfo)))
	}
	return t.next.RoundTrip(r)
}

// withRestService makes hc send as RestService does, over TLS configured
// by tc.
func withRestService(hc *http.Client, userInfo string, tc *tls.Config) *http.Client {
	next := hc.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	if tr, ok := next.(*http.Transport); ok && tc != nil {
		tr = tr.Clone()
		tr.TLSClientConfig = tc
		next = tr
	}
	c := *hc
	c.Transport = restServiceTransport{next: next, userInfo: userInfo}
	return &c
}

// restClientError is the RestClientException RestService throws for a
// refusal: the registry's JSON error ({"error_code", "message"}, other
// fields ignored), or, for a body that is not JSON, "Unable to parse error
// message from schema registry: '(<body>)'" with error code 50005. Its
// text is RestClientException's message: "<message>; error code: <code>".
type restClientError struct {
	status, code int
	message      string
}

func (e *restClientError) Error() string {
	return fmt.Sprintf("%s; error code: %d", e.message, e.code)
}

// asRestClientError reads a registry refusal as RestService does; ok is
// false for a failure that is not the registry's answer (a network error).
func asRestClientError(err error) (*restClientError, bool) {
	var re *srclient.Error
	if !errors.As(err, &re) {
		return nil, false
	}
	var body struct {
		ErrorCode int    `json:"error_code"`
		Message   string `json:"message"`
	}
	if len(re.Raw) == 0 {
		return &restClientError{status: re.StatusCode, code: jsonParseErrorCode, message: "Error"}, true
	}
	if json.Unmarshal(re.Raw, &body) != nil {
		return &restClientError{status: re.StatusCode, code: jsonParseErrorCode,
			message: "Unable to parse error message from schema registry: '(" + string(re.Raw) + ")'"}, true
	}
	return &restClientError{status: re.StatusCode, code: body.ErrorCode, message: body.Message}, true
}

// serializerFailure is what a converter's fromConnectData throws when its
// serializer's registry call failed. AbstractKafkaSchemaSerDe.
// toKafkaException makes a 401 Kafka's AuthenticationException and a 403
// its AuthorizationException, with the serializer's message (what it was
// doing, then the schema) and the RestClientException as cause; the
// converters catch neither, so they reach the error handler as they are.
// Another refusal is the converter's DataException, whose text is dataMsg
// followed by the cause's message. A registry that could not be reached
// (an IOException in RestService) is the serializer's
// SerializationException("Error serializing <format> message") under the
// converter's DataException: dataMsg ends with " :" or ": " and is
// followed by that cause chain. format is "Avro" or "JSON".
func serializerFailure(err error, doing, schemaText, dataMsg, format string) error {
	if rce, ok := asRestClientError(err); ok {
		switch rce.status {
		case http.StatusUnauthorized, http.StatusForbidden:
			cls := "org.apache.kafka.common.errors.AuthenticationException"
			if rce.status == http.StatusForbidden {
				cls = "org.apache.kafka.common.errors.AuthorizationException"
			}
			return &transforms.Error{Class: cls, Msg: doing + schemaText + "\nCaused by: " + restClientExceptionCls + ": " + rce.Error()}
		}
		return &transforms.Error{Class: transforms.DataException, Msg: dataMsg + rce.Error()}
	}
	return &transforms.Error{Class: transforms.DataException, Msg: strings.TrimRight(dataMsg, " ") +
		"\nCaused by: org.apache.kafka.common.errors.SerializationException: Error serializing " + format + " message" +
		"\nCaused by: " + javaIOException(err)}
}

// javaIOException names a failure to reach the registry as the Java
// exception HttpURLConnection throws for it: SSLHandshakeException for a
// certificate or TLS failure, ConnectException for a refused connection,
// IOException otherwise; the text is Go's description.
func javaIOException(err error) string {
	var (
		unknownCA x509.UnknownAuthorityError
		hostname  x509.HostnameError
		invalid   x509.CertificateInvalidError
		tlsRecord tls.RecordHeaderError
		verify    *tls.CertificateVerificationError
	)
	switch {
	case errors.As(err, &unknownCA), errors.As(err, &hostname), errors.As(err, &invalid), errors.As(err, &tlsRecord), errors.As(err, &verify):
		return "javax.net.ssl.SSLHandshakeException: " + err.Error()
	case errors.Is(err, syscall.ECONNREFUSED):
		return "java.net.ConnectException: Connection refused"
	}
	return "java.io.IOException: " + err.Error()
}

// registryBaseURL is the registry URL without its user info, which only
// the URL credential source uses (HttpURLConnection sends none of it).
func registryBaseURL(u *url.URL) string {
	c := *u
	c.User = nil
	return strings.TrimRight(c.String(), "/")
}

// Settings of the registry client's TLS (SchemaRegistryClientConfig's
// "schema.registry." namespace over Kafka's SslConfigs), read by
// CachedSchemaRegistryClient into SslFactory.
const (
	sslPrefix              = "schema.registry.ssl."
	truststoreTypeKey      = sslPrefix + "truststore.type"
	truststoreLocationKey  = sslPrefix + "truststore.location"
	truststorePasswordKey  = sslPrefix + "truststore.password"
	truststoreCertsKey     = sslPrefix + "truststore.certificates"
	endpointIdentification = sslPrefix + "endpoint.identification.algorithm"
)

// registryTLS is the TLS configuration of a converter's registry client,
// as SslFactory and CachedSchemaRegistryClient make it in
// confluentinc/schema-registry v7.9.0 (client/src/main/java/io/confluent/
// kafka/schemaregistry/client/security/SslFactory.java): the trust store
// is schema.registry.ssl.truststore.location or
// schema.registry.ssl.truststore.certificates, or else the system's roots;
// the server's certificate chain is always verified, but its host name
// only when schema.registry.ssl.endpoint.identification.algorithm names an
// algorithm (getHostnameVerifier accepts every name when it is unset,
// empty or "none"). Kafka's PEM trust stores are read (PemStore and
// FileBasedPemStore in Kafka's DefaultSslEngineFactory); JKS and PKCS12
// files and client key stores (mutual TLS) are refused by name in errs.
// configureErr is the failure SslFactory's constructor throws, which fails
// the task when the converter is configured.
func registryTLS(settings map[string]string, name string) (cfg *tls.Config, errs []converterIssue, configureErr *transforms.Error) {
	for k, v := range settings {
		if strings.HasPrefix(k, sslPrefix+"keystore.") || k == sslPrefix+"key.password" {
			if strings.TrimSpace(v) != "" {
				return nil, []converterIssue{{Key: k, Msg: "Invalid value for configuration " + k + ": client key stores (mutual TLS) are not supported by this worker's " + name, Unbuilt: true}}, nil
			}
		}
	}
	typ := settings[truststoreTypeKey]
	if typ == "" {
		typ = "JKS" // SslConfigs.DEFAULT_SSL_TRUSTSTORE_TYPE
	}
	location, certs := settings[truststoreLocationKey], strings.TrimSpace(settings[truststoreCertsKey])
	password := strings.TrimSpace(settings[truststorePasswordKey])
	invalidConfig := func(msg string) *transforms.Error {
		return &transforms.Error{Class: "java.lang.RuntimeException", Msg: "Error initializing the ssl context for RestService" +
			"\nCaused by: org.apache.kafka.common.errors.InvalidConfigurationException: " + msg}
	}
	var pemText string
	switch {
	case certs != "":
		switch {
		case typ != "PEM":
			return nil, nil, invalidConfig("SSL trust store certs can be specified only for PEM, but trust store type is " + typ + ".")
		case location != "":
			return nil, nil, invalidConfig("Both SSL trust store location and separate trust certificates are specified.")
		case password != "":
			return nil, nil, invalidConfig("SSL trust store password cannot be specified for PEM format.")
		}
		pemText = certs
	case location != "" && typ == "PEM":
		if password != "" {
			return nil, nil, invalidConfig("SSL trust store password cannot be specified for PEM format.")
		}
		b, err := os.ReadFile(location)
		if err != nil {
			return nil, nil, invalidConfig("Failed to load PEM SSL keystore " + location)
		}
		pemText = string(b)
	case location == "" && password != "":
		return nil, nil, invalidConfig("SSL trust store is not specified, but trust store password is specified.")
	case location != "":
		return nil, []converterIssue{{Key: truststoreTypeKey, Msg: "Invalid value " + typ + " for configuration " + truststoreTypeKey + ": this worker's " + name + " reads PEM trust stores only", Unbuilt: true}}, nil
	}
	var roots *x509.CertPool
	if pemText != "" {
		roots = x509.NewCertPool()
		if !roots.AppendCertsFromPEM([]byte(pemText)) {
			// Kafka's PemParser finds no CERTIFICATE entry; a file's
			// failure is wrapped by FileBasedPemStore.
			if certs != "" {
				return nil, nil, invalidConfig("No matching CERTIFICATE entries in PEM file")
			}
			return nil, nil, invalidConfig("Failed to load PEM SSL keystore " + location)
		}
	}
	algo := strings.TrimSpace(settings[endpointIdentification])
	checkHost := algo != "" && algo != "none"
	return &tls.Config{
		RootCAs: roots,
		// The chain is verified below, the host name only with an
		// endpoint identification algorithm.
		InsecureSkipVerify: true, //nolint:gosec // verification is VerifyConnection's
		VerifyConnection: func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return errors.New("the server sent no certificate")
			}
			opts := x509.VerifyOptions{Roots: roots, Intermediates: x509.NewCertPool()}
			for _, c := range cs.PeerCertificates[1:] {
				opts.Intermediates.AddCert(c)
			}
			if checkHost {
				opts.DNSName = cs.ServerName
			}
			if _, err := cs.PeerCertificates[0].Verify(opts); err != nil {
				return &tls.CertificateVerificationError{UnverifiedCertificates: cs.PeerCertificates, Err: err}
			}
			return nil
		},
	}, nil, nil
}
