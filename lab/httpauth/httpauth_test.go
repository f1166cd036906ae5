package httpauth

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func serve(p Product, realm string) *httptest.Server {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "ok") })
	return httptest.NewServer(Handler(Config{Product: p, Realm: realm, Users: map[string]string{"lab": "s3cret"}}, ok))
}

func get(t *testing.T, url, accept, user, pass string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	if user != "" {
		req.SetBasicAuth(user, pass)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestTheRightCredentialsReachTheService(t *testing.T) {
	for _, p := range []Product{RestUtils, Connect, KSQLDB} {
		s := serve(p, "r")
		resp, body := get(t, s.URL+"/x", "", "lab", "s3cret")
		s.Close()
		if resp.StatusCode != 200 || body != "ok" {
			t.Fatalf("product %d: %d %q", p, resp.StatusCode, body)
		}
	}
}

func TestEachProductRefusesInItsOwnShape(t *testing.T) {
	for name, tc := range map[string]struct {
		p                Product
		realm, accept    string
		user, pass       string
		challenge, ctype string
		body             string
	}{
		"ksqldb without credentials": {KSQLDB, KSQLDBRealm, "application/json", "", "", `Basic realm="KsqlServer-Props"`, "application/json",
			`{"@type":"generic_error","error_code":40100,"message":"Unauthorized"}`},
		"ksqldb wrong password": {KSQLDB, KSQLDBRealm, "", "lab", "nope", `Basic realm="KsqlServer-Props"`, "application/json",
			`{"@type":"generic_error","error_code":40100,"message":"Unauthorized"}`},
		"connect unknown user": {Connect, "", "application/json", "who", "s3cret", "", "application/json", "User cannot access the resource."},
		"registry json": {RestUtils, SchemaRegistryRealm, "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5", "", "",
			`basic realm="SchemaRegistry-Props"`, "application/json", "{\n\"message\":\"Unauthorized\",\n\"url\":\"/x\",\n\"status\":\"401\"\n}"},
	} {
		t.Run(name, func(t *testing.T) {
			s := serve(tc.p, tc.realm)
			defer s.Close()
			resp, body := get(t, s.URL+"/x", tc.accept, tc.user, tc.pass)
			if resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("status %d", resp.StatusCode)
			}
			if got := resp.Header.Get("WWW-Authenticate"); got != tc.challenge {
				t.Errorf("WWW-Authenticate %q, want %q", got, tc.challenge)
			}
			if got := resp.Header.Get("Content-Type"); got != tc.ctype {
				t.Errorf("Content-Type %q, want %q", got, tc.ctype)
			}
			if body != tc.body {
				t.Errorf("body %q, want %q", body, tc.body)
			}
		})
	}
}

func TestRestUtilsGivesABrowserJettysHTMLPage(t *testing.T) {
	s := serve(RestUtils, RESTProxyRealm)
	defer s.Close()
	resp, body := get(t, s.URL+"/topics", "text/html,application/xhtml+xml,*/*;q=0.8", "", "")
	if resp.StatusCode != 401 || resp.Header.Get("Content-Type") != "text/html;charset=iso-8859-1" {
		t.Fatalf("%d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if want := "<h2>HTTP ERROR 401 Unauthorized</h2>"; !strings.Contains(body, want) {
		t.Fatalf("body %q lacks %q", body, want)
	}
}
