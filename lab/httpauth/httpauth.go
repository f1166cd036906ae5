package httpauth

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"html"
	"mime"
	"net/http"
	"strings"
)

// Product says how a service answers a request it cannot authenticate.
type Product int

const (
	// RestUtils is Confluent's rest-utils (Schema Registry, REST Proxy):
	// Jetty's BasicAuthenticator challenges with `basic realm="<realm>"` and
	// Jetty's ErrorHandler (rest-utils' StackTraceErrorHandler,
	// confluentinc/rest-utils core/src/main/java/io/confluent/rest/errorhandlers/StackTraceErrorHandler.java)
	// writes the error page: JSON for a client that accepts
	// application/json, HTML otherwise.
	RestUtils Product = iota
	// Connect is Kafka Connect's BasicAuthSecurityRestExtension: its
	// JaasBasicAuthFilter aborts with 401 and the entity "User cannot
	// access the resource." (apache/kafka 3.9
	// connect/basic-auth-extension/src/main/java/org/apache/kafka/connect/rest/basic/auth/extension/JaasBasicAuthFilter.java),
	// without a challenge header.
	Connect
	// KSQLDB is ksqlDB's Vert.x server: 401 with KsqlErrorMessage
	// {"@type":"generic_error","error_code":40100,"message":"Unauthorized"}
	// (confluentinc/ksql ksqldb-rest-app/src/main/java/io/confluent/ksql/api/server/AuthHandlers.java
	// selectHandler, FailureHandler.java) and Vert.x BasicAuthHandler's
	// `Basic realm="<realm>"` challenge.
	KSQLDB
)

// Realms of the products as their documentation configures them
// (authentication.realm).
const (
	SchemaRegistryRealm = "SchemaRegistry-Props"
	RESTProxyRealm      = "KafkaRest"
	KSQLDBRealm         = "KsqlServer-Props"
)

// Config is one service's authentication.
type Config struct {
	Product Product
	Realm   string
	// Users maps user names to passwords.
	Users map[string]string
}

// Handler returns next behind basic authentication.
func Handler(cfg Config, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if user, pass, ok := r.BasicAuth(); ok && cfg.check(user, pass) {
			next.ServeHTTP(w, r)
			return
		}
		cfg.reject(w, r)
	})
}

func (c Config) check(user, pass string) bool {
	want, ok := c.Users[user]
	if !ok {
		// Compare anyway, so that an unknown user takes as long as a
		// wrong password.
		want = "\x00" + pass
	}
	return subtle.ConstantTimeCompare([]byte(want), []byte(pass)) == 1 && ok
}

func (c Config) reject(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	switch c.Product {
	case Connect:
		h.Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte("User cannot access the resource."))
	case KSQLDB:
		h.Set("WWW-Authenticate", fmt.Sprintf("Basic realm=%q", c.Realm))
		h.Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		b, _ := json.Marshal(struct {
			Type      string `json:"@type"`
			ErrorCode int    `json:"error_code"`
			Message   string `json:"message"`
		}{"generic_error", 40100, "Unauthorized"})
		_, _ = w.Write(b)
	default:
		h.Set("WWW-Authenticate", fmt.Sprintf("basic realm=%q", c.Realm))
		h.Set("Cache-Control", "must-revalidate,no-cache,no-store")
		if acceptsJSON(r.Header.Get("Accept")) {
			// Jetty 9.4 ErrorHandler.writeErrorJson: a HashMap of url,
			// status and message, written in its iteration order.
			h.Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprintf(w, "{\n\"message\":%s,\n\"url\":%s,\n\"status\":\"401\"\n}", quote("Unauthorized"), quote(r.URL.Path))
			return
		}
		h.Set("Content-Type", "text/html;charset=iso-8859-1")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, "<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html;charset=ISO-8859-1\"/>\n<title>Error 401 Unauthorized</title>\n</head>\n<body><h2>HTTP ERROR 401 Unauthorized</h2>\n<table>\n<tr><th>URI:</th><td>%s</td></tr>\n<tr><th>STATUS:</th><td>401</td></tr>\n<tr><th>MESSAGE:</th><td>Unauthorized</td></tr>\n<tr><th>SERVLET:</th><td>-</td></tr>\n</table>\n\n</body>\n</html>\n", html.EscapeString(r.URL.Path))
	}
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// acceptsJSON reports whether Jetty's ErrorHandler would pick JSON: the
// first media type of the Accept header, by quality, that it can write is
// application/json or text/json (text/html, text/* and */* give HTML,
// text/plain gives text).
func acceptsJSON(accept string) bool {
	type mt struct {
		t string
		q float64
	}
	var types []mt
	for _, part := range strings.Split(accept, ",") {
		t, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if v, ok := params["q"]; ok {
			if _, err := fmt.Sscanf(v, "%g", &q); err != nil {
				q = 1 // an unreadable quality counts as no quality given
			}
		}
		types = append(types, mt{t, q})
	}
	best, bestQ := "", -1.0
	for _, m := range types {
		switch m.t {
		case "application/json", "text/json", "text/html", "text/*", "*/*", "text/plain":
			if m.q > bestQ {
				best, bestQ = m.t, m.q
			}
		}
	}
	return best == "application/json" || best == "text/json"
}
