package connect

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzParseJDBCURL feeds arbitrary connection.url values, as a user types
// them into a connector config: parsing never panics, refuses with one of
// pgjdbc's message shapes, or yields a configuration whose decoded
// startup parameters are the URL's own.
func FuzzParseJDBCURL(f *testing.F) {
	for _, seed := range []string{
		"jdbc:postgresql://localhost:5432/cta",
		"jdbc:postgresql://h1:1,h2:2/db?sslmode=disable&ApplicationName=a+b",
		"jdbc:postgresql://[::1]:5433/db?options=-c%20statement_timeout%3D1",
		"jdbc:postgresql:db",
		"jdbc:postgresql:/",
		"jdbc:postgresql://h/d?user=u%40x&password=p%25&currentSchema=s",
		"jdbc:mysql://h/d",
		"postgres://h/d",
		"jdbc:postgresql://h:x/d",
		"jdbc:postgresql://h/d?%zz",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		cfg, err := parseJDBCURL(raw, "user", "pass", network{})
		if err != nil {
			msg := err.Error()
			if !strings.HasPrefix(msg, "Not a valid JDBC URL: ") && !strings.HasPrefix(msg, "java.sql.SQLException: No suitable driver found for ") {
				t.Fatalf("parseJDBCURL(%q, network{}): error %q is not one of pgjdbc's", raw, msg)
			}
			return
		}
		_, query, _ := strings.Cut(raw, "?")
		params, perr := url.ParseQuery(query)
		if perr != nil {
			t.Fatalf("parseJDBCURL(%q, network{}) accepted a query it cannot decode: %v", raw, perr)
		}
		if v := params.Get("options"); v != "" && cfg.RuntimeParams["options"] != v {
			t.Fatalf("parseJDBCURL(%q, network{}): options = %q, want %q", raw, cfg.RuntimeParams["options"], v)
		}
		if v := params.Get("ApplicationName"); v != "" && cfg.RuntimeParams["application_name"] != v {
			t.Fatalf("parseJDBCURL(%q, network{}): application_name = %q, want %q", raw, cfg.RuntimeParams["application_name"], v)
		}
		if v := params.Get("password"); v != "" && cfg.Password != v {
			t.Fatalf("parseJDBCURL(%q, network{}): password = %q, want %q", raw, cfg.Password, v)
		}
	})
}
