package ksqldb

import (
	"net/http"
	"strings"
	"testing"

	"github.com/ctalab/ctalab/lab/ksqldb/restapi"
)

// With ksql.endpoint.migrate.query at its default, true (KsqlConfig.java),
// StreamedQueryResource.handleStatement hands a parsed SELECT on /query to the
// next /query route, QueryStreamHandler in compatibility mode
// (OldApiUtils.handleOldApiResponse on a NextHandlerOutput: routingContext.next()).
// That route produces the delimited type first, so a client that accepts
// anything gets the delimited format, over HTTP/1.1 and HTTP/2 alike
// (RestApiTest.shouldExecutePushQueryAllEndpointsDefaultMIME, confluentinc/ksql v7.9.0).
func TestMigratedQueryAcceptingAnythingIsDelimited(t *testing.T) {
	_, url := turnstileTable(t)
	body := `{"ksql":"SELECT * FROM TURNSTILE_SUMMARY WHERE STATION_ID=40010;"}`
	for _, c := range []struct {
		name  string
		cl    *http.Client
		proto int
	}{{"HTTP/1.1", http.DefaultClient, 1}, {"h2c", h2c(), 2}} {
		r := do(t, c.cl, http.MethodPost, url+"/query", body, map[string]string{"Accept": "*/*"})
		lines := strings.Split(strings.TrimSuffix(string(r.body), "\n"), "\n")
		if r.code != 200 || r.proto != c.proto || len(r.ct) != 1 || r.ct[0] != restapi.MediaDelimited || len(lines) != 2 ||
			!strings.HasPrefix(lines[0], `{"queryId":"`) || lines[1] != "[40010,2]" {
			t.Errorf("%s: %d proto %d %v %q", c.name, r.code, r.proto, r.ct, r.body)
		}
	}
}

// A migrated /query that accepts JSON gets JsonStreamedRowResponseWriter's
// rows, the old /query format, with Content-Type application/vnd.ksql.v1+json
// (QueryStreamHandler.getQueryStreamResponseWriter in compatibility mode), over
// HTTP/2 too (RestApiTest.shouldExecutePullQuery_allTypes runs the migrated
// /query over HTTP_2 and skips only the unmigrated one). With the request
// override ksql.endpoint.migrate.query=false the old path answers:
// application/json, and 405 over HTTP/2 (OldApiUtils.handleOldApiResponse).
func TestMigratedQueryAnswersJSONAsTheQueryStreamHandler(t *testing.T) {
	_, url := turnstileTable(t)
	const sel = `"ksql":"SELECT * FROM TURNSTILE_SUMMARY WHERE STATION_ID=40010;"`
	wantRow := "\n{\"row\":{\"columns\":[40010,2]}}]"
	for _, accept := range []string{restapi.MediaKSQL, restapi.MediaJSON, ""} {
		hdr := map[string]string{}
		if accept != "" {
			hdr["Accept"] = accept
		}
		for _, c := range []struct {
			name  string
			cl    *http.Client
			proto int
		}{{"HTTP/1.1", http.DefaultClient, 1}, {"h2c", h2c(), 2}} {
			r := do(t, c.cl, http.MethodPost, url+"/query", "{"+sel+"}", hdr)
			if r.code != 200 || r.proto != c.proto || len(r.ct) != 1 || r.ct[0] != restapi.MediaKSQL ||
				!strings.HasPrefix(string(r.body), `[{"header":{"queryId":"`) || !strings.HasSuffix(strings.TrimSuffix(string(r.body), "\n"), wantRow) {
				t.Errorf("Accept %q %s: %d proto %d %v %q", accept, c.name, r.code, r.proto, r.ct, r.body)
			}
		}
		old := "{" + sel + `,"streamsProperties":{"ksql.endpoint.migrate.query":false}}`
		r := do(t, http.DefaultClient, http.MethodPost, url+"/query", old, hdr)
		if r.code != 200 || len(r.ct) != 1 || r.ct[0] != restapi.MediaJSON || !strings.HasSuffix(strings.TrimSuffix(string(r.body), "\n"), wantRow) {
			t.Errorf("Accept %q unmigrated: %d %v %q", accept, r.code, r.ct, r.body)
		}
		r = do(t, h2c(), http.MethodPost, url+"/query", old, hdr)
		if r.code != http.StatusMethodNotAllowed || len(r.body) != 0 {
			t.Errorf("Accept %q unmigrated over h2c: %d %q", accept, r.code, r.body)
		}
	}
}
