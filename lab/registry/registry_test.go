package registry

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/sr"
)

// lab is a kfake broker on a data dir plus a registry served over HTTP.
type lab struct {
	t       *testing.T
	dir     string
	cluster *kfake.Cluster
	reg     *Registry
	srv     *httptest.Server
	client  *sr.Client
}

func startLab(t *testing.T, dir string, opts ...Option) *lab {
	t.Helper()
	c, err := kfake.NewCluster(kfake.Ports(0), kfake.DataDir(dir))
	if err != nil {
		t.Fatalf("start kfake: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	reg, err := New(ctx, c.ListenAddrs(), opts...)
	if err != nil {
		c.Close()
		t.Fatalf("new registry: %v", err)
	}
	srv := httptest.NewServer(reg)
	cl, err := sr.NewClient(sr.URLs(srv.URL))
	if err != nil {
		t.Fatalf("new sr client: %v", err)
	}
	l := &lab{t: t, dir: dir, cluster: c, reg: reg, srv: srv, client: cl}
	t.Cleanup(l.stop)
	return l
}

// stop closes the HTTP server, the registry and then the broker; it may be
// called more than once.
func (l *lab) stop() {
	if l.srv == nil {
		return
	}
	l.srv.Close()
	if err := l.reg.Close(); err != nil {
		l.t.Errorf("close registry: %v", err)
	}
	if err := l.reg.Close(); err != nil { // idempotent
		l.t.Errorf("close registry twice: %v", err)
	}
	l.cluster.Close()
	l.srv = nil
}

// restart stops everything and starts a new broker and registry on the
// same data dir.
func (l *lab) restart(opts ...Option) *lab {
	l.stop()
	return startLab(l.t, l.dir, opts...)
}

// call sends a request and decodes the JSON answer into out (if not nil).
func (l *lab) call(method, path string, body any, out any) (int, []byte) {
	l.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			l.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, l.srv.URL+path, rd)
	if err != nil {
		l.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mediaV1)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		l.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if out != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			l.t.Fatalf("%s %s: decode %s: %v", method, path, raw, err)
		}
	}
	return resp.StatusCode, raw
}

type errBody struct {
	ErrorCode int    `json:"error_code"`
	Message   string `json:"message"`
}

// wantError checks a status and Confluent error code.
func (l *lab) wantError(method, path string, body any, status, code int) errBody {
	l.t.Helper()
	var e errBody
	got, raw := l.call(method, path, body, &e)
	if got != status || e.ErrorCode != code {
		l.t.Fatalf("%s %s: got %d %s, want %d error_code %d", method, path, got, raw, status, code)
	}
	return e
}

func (l *lab) register(subject, schema string) int {
	l.t.Helper()
	var out struct {
		ID int `json:"id"`
	}
	status, raw := l.call(http.MethodPost, "/subjects/"+subject+"/versions", map[string]string{"schema": schema}, &out)
	if status != http.StatusOK {
		l.t.Fatalf("register %s: %d %s", subject, status, raw)
	}
	return out.ID
}

func (l *lab) setLevel(subject, level string) {
	l.t.Helper()
	path := "/config"
	if subject != "" {
		path += "/" + subject
	}
	if status, raw := l.call(http.MethodPut, path, map[string]string{"compatibility": level}, nil); status != http.StatusOK {
		l.t.Fatalf("set level %s: %d %s", level, status, raw)
	}
}

const (
	weatherV1 = `{"type":"record","name":"weather","namespace":"org.chicago.cta","fields":[{"name":"temperature","type":"float"},{"name":"status","type":{"type":"enum","name":"status","symbols":["sunny","cloudy"]}}]}`
	// Same schema, other whitespace and attribute order.
	weatherV1Reordered = `{ "namespace": "org.chicago.cta", "type": "record", "name": "weather",
	  "fields": [ {"type": "float", "name": "temperature"},
	              {"name": "status", "type": {"symbols": ["sunny", "cloudy"], "name": "status", "type": "enum"}} ] }`
	// Adds a field with a default: BACKWARD compatible.
	weatherV2 = `{"type":"record","name":"weather","namespace":"org.chicago.cta","fields":[{"name":"temperature","type":"float"},{"name":"status","type":{"type":"enum","name":"status","symbols":["sunny","cloudy"]}},{"name":"wind","type":"double","default":0}]}`
	// Adds a required field: not BACKWARD compatible.
	weatherBad = `{"type":"record","name":"weather","namespace":"org.chicago.cta","fields":[{"name":"temperature","type":"float"},{"name":"status","type":{"type":"enum","name":"status","symbols":["sunny","cloudy"]}},{"name":"humidity","type":"int"}]}`
)

func TestRegisterIsIdempotentAndSharesIDs(t *testing.T) {
	l := startLab(t, t.TempDir())
	ctx := context.Background()

	id1, err := l.client.RegisterSchema(ctx, "weather-value", sr.Schema{Schema: weatherV1}, -1, -1)
	if err != nil {
		t.Fatalf("register: %v", err)
	}
	id2, err := l.client.RegisterSchema(ctx, "weather-value", sr.Schema{Schema: weatherV1Reordered}, -1, -1)
	if err != nil {
		t.Fatalf("register again: %v", err)
	}
	if id1 != id2 {
		t.Errorf("same schema twice: ids %d and %d", id1, id2)
	}
	versions, err := l.client.SubjectVersions(ctx, "weather-value")
	if err != nil || !reflect.DeepEqual(versions, []int{1}) {
		t.Errorf("versions = %v, %v; want [1]", versions, err)
	}

	// Another subject reuses the id with its own version 1 (CreateSchema
	// also exercises GET /schemas/ids/{id}/versions).
	ss, err := l.client.CreateSchema(ctx, "other-value", sr.Schema{Schema: weatherV1})
	if err != nil {
		t.Fatalf("create under other subject: %v", err)
	}
	if ss.ID != id1 || ss.Version != 1 || ss.Subject != "other-value" {
		t.Errorf("other subject got %+v, want id %d version 1", ss, id1)
	}

	// A different schema gets a new id and version 2.
	id3, err := l.client.RegisterSchema(ctx, "weather-value", sr.Schema{Schema: weatherV2}, -1, -1)
	if err != nil {
		t.Fatalf("register v2: %v", err)
	}
	if id3 == id1 {
		t.Errorf("different schema reused id %d", id1)
	}

	// The stored text is the canonical string.
	s, err := l.client.SchemaByID(ctx, id1)
	if err != nil {
		t.Fatalf("schema by id: %v", err)
	}
	if s.Schema != weatherV1 {
		t.Errorf("stored schema\n got %s\nwant %s", s.Schema, weatherV1)
	}
	latest, err := l.client.SchemaByVersion(ctx, "weather-value", -1)
	if err != nil || latest.Version != 2 || latest.ID != id3 {
		t.Errorf("latest = %+v, %v", latest, err)
	}
	subjects, err := l.client.Subjects(ctx)
	if err != nil || !reflect.DeepEqual(subjects, []string{"other-value", "weather-value"}) {
		t.Errorf("subjects = %v, %v", subjects, err)
	}
	found, err := l.client.LookupSchema(ctx, "weather-value", sr.Schema{Schema: weatherV1Reordered})
	if err != nil || found.Version != 1 || found.ID != id1 {
		t.Errorf("lookup = %+v, %v", found, err)
	}

	// {"type": "string"} is stored as "string".
	idStr := l.register("str-value", `{"type": "string"}`)
	var got struct {
		Schema string `json:"schema"`
	}
	l.call(http.MethodGet, "/schemas/ids/"+itoaTest(idStr), nil, &got)
	if got.Schema != `"string"` {
		t.Errorf("string schema stored as %s", got.Schema)
	}
}

func itoaTest(n int) string { return strings.TrimSpace(string(mustMarshal(n))) }

func mustMarshal(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

func TestIncompatibleSchemaIsRefused(t *testing.T) {
	l := startLab(t, t.TempDir())
	l.register("weather-value", weatherV1)
	e := l.wantError(http.MethodPost, "/subjects/weather-value/versions", map[string]string{"schema": weatherBad}, http.StatusConflict, 409)
	for _, want := range []string{
		`Schema being registered is incompatible with an earlier schema for subject "weather-value", details: [`,
		`{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'humidity' at path '/fields/2' in the new schema has no default value and is missing in the old schema', additionalInfo:'humidity'}`,
		`{oldSchemaVersion: 1}`,
		`{validateFields: 'false', compatibility: 'BACKWARD'}]`,
	} {
		if !strings.Contains(e.Message, want) {
			t.Errorf("message %q lacks %q", e.Message, want)
		}
	}

	// The franz-go client sees a ResponseError with the HTTP status.
	_, err := l.client.RegisterSchema(context.Background(), "weather-value", sr.Schema{Schema: weatherBad}, -1, -1)
	var re *sr.ResponseError
	if !errors.As(err, &re) || re.StatusCode != http.StatusConflict {
		t.Errorf("client error = %v", err)
	}

	// The compatibility endpoint agrees, with messages when verbose.
	var res struct {
		IsCompatible *bool    `json:"is_compatible"`
		Messages     []string `json:"messages"`
	}
	status, raw := l.call(http.MethodPost, "/compatibility/subjects/weather-value/versions/latest?verbose=true", map[string]string{"schema": weatherBad}, &res)
	if status != http.StatusOK || res.IsCompatible == nil || *res.IsCompatible || len(res.Messages) == 0 {
		t.Errorf("compatibility check: %d %s", status, raw)
	}
	ok, err := l.client.CheckCompatibility(context.Background(), "weather-value", -1, sr.Schema{Schema: weatherV2})
	if err != nil || !ok.Is {
		t.Errorf("v2 compatibility = %+v, %v", ok, err)
	}
	status, raw = l.call(http.MethodPost, "/compatibility/subjects/weather-value/versions/latest", map[string]string{"schema": weatherV2}, nil)
	if status != http.StatusOK || string(raw) != `{"is_compatible":true}` {
		t.Errorf("non-verbose check: %d %s", status, raw)
	}
	// Unknown subject: latest is compatible, a fixed version is not found.
	l.call(http.MethodPost, "/compatibility/subjects/nope/versions/latest", map[string]string{"schema": weatherV2}, &res)
	if res.IsCompatible == nil || !*res.IsCompatible {
		t.Errorf("latest of unknown subject should be compatible")
	}
	l.wantError(http.MethodPost, "/compatibility/subjects/nope/versions/1", map[string]string{"schema": weatherV2}, http.StatusNotFound, 40402)
	l.wantError(http.MethodPost, "/compatibility/subjects/weather-value/versions/zero", map[string]string{"schema": weatherV2}, http.StatusUnprocessableEntity, 42202)
}

func TestErrorsHaveTheRealShape(t *testing.T) {
	l := startLab(t, t.TempDir())
	id := l.register("weather-value", weatherV1)

	e := l.wantError(http.MethodPost, "/subjects/x-value/versions", map[string]string{"schema": `{"type":"record","name":"R"}`}, http.StatusUnprocessableEntity, 42201)
	if !strings.Contains(e.Message, "Record has no fields") {
		t.Errorf("invalid schema message %q", e.Message)
	}
	l.wantError(http.MethodPost, "/subjects/x-value/versions", map[string]string{"schema": `not json`}, http.StatusUnprocessableEntity, 42201)
	l.wantError(http.MethodPost, "/subjects/x-value/versions", map[string]string{"schema": `{"type":"record","name":"R","fields":[{"name":"a","type":"int","default":"x"}]}`}, http.StatusUnprocessableEntity, 42201)
	e = l.wantError(http.MethodPost, "/subjects/x-value/versions", map[string]string{"schema": `{"type":"object"}`, "schemaType": "THRIFT"}, http.StatusUnprocessableEntity, 42201)
	if e.Message != "Invalid schema type THRIFT" {
		t.Errorf("unknown schema type message %q", e.Message)
	}

	e = l.wantError(http.MethodGet, "/schemas/ids/999", nil, http.StatusNotFound, 40403)
	if e.Message != "Schema 999 not found" {
		t.Errorf("unknown id message %q", e.Message)
	}
	_, err := l.client.SchemaByID(context.Background(), 999)
	var re *sr.ResponseError
	if !errors.As(err, &re) || re.ErrorCode != 40403 {
		t.Errorf("client error for unknown id = %v", err)
	}
	e = l.wantError(http.MethodGet, "/subjects/nope/versions", nil, http.StatusNotFound, 40401)
	if e.Message != "Subject 'nope' not found." {
		t.Errorf("subject not found message %q", e.Message)
	}
	l.wantError(http.MethodGet, "/subjects/nope/versions/1", nil, http.StatusNotFound, 40401)
	e = l.wantError(http.MethodGet, "/subjects/weather-value/versions/7", nil, http.StatusNotFound, 40402)
	if e.Message != "Version 7 not found." {
		t.Errorf("version not found message %q", e.Message)
	}
	for _, v := range []string{"0", "-2", "abc", "2147483648"} {
		l.wantError(http.MethodGet, "/subjects/weather-value/versions/"+v, nil, http.StatusUnprocessableEntity, 42202)
	}
	l.wantError(http.MethodPost, "/subjects/nope", map[string]string{"schema": weatherV1}, http.StatusNotFound, 40401)
	l.wantError(http.MethodPost, "/subjects/weather-value", map[string]string{"schema": weatherV2}, http.StatusNotFound, 40403)
	l.wantError(http.MethodPut, "/config", map[string]string{"compatibility": "SIDEWAYS"}, http.StatusUnprocessableEntity, 42203)

	e = l.wantError(http.MethodGet, "/no/such/path", nil, http.StatusNotFound, 404)
	if e.Message != "HTTP 404 Not Found" {
		t.Errorf("404 message %q", e.Message)
	}
	l.wantError(http.MethodGet, "/schemas/ids/abc", nil, http.StatusNotFound, 404)
	l.wantError(http.MethodPut, "/subjects", nil, http.StatusMethodNotAllowed, 405)

	// Content types: a foreign body type is 415, an unmet Accept is 406.
	req, _ := http.NewRequest(http.MethodPost, l.srv.URL+"/subjects/weather-value/versions", strings.NewReader(`{"schema":"\"int\""}`))
	req.Header.Set("Content-Type", "text/plain")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("text/plain body: %v %v", resp.StatusCode, err)
	} else {
		resp.Body.Close()
	}
	req, _ = http.NewRequest(http.MethodGet, l.srv.URL+"/subjects", nil)
	req.Header.Set("Accept", "text/html")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusNotAcceptable {
		t.Errorf("Accept text/html: %v %v", resp.StatusCode, err)
	} else {
		resp.Body.Close()
	}
	for accept, want := range map[string]string{
		"":                                    mediaV1,
		"*/*":                                 mediaV1,
		"application/json":                    mediaJSON,
		"application/vnd.schemaregistry+json": mediaDefault,
		"application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json, application/json": mediaV1,
	} {
		req, _ = http.NewRequest(http.MethodGet, l.srv.URL+"/schemas/ids/"+itoaTest(id), nil)
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("Content-Type"); resp.StatusCode != http.StatusOK || got != want {
			t.Errorf("Accept %q: %d %s, want %s", accept, resp.StatusCode, got, want)
		}
	}
	// Bodies over the limit get 413.
	small := startLab(t, t.TempDir(), WithMaxRequestBytes(64))
	small.wantError(http.MethodPost, "/subjects/x/versions", map[string]string{"schema": weatherV1}, http.StatusRequestEntityTooLarge, 413)
}

func TestDeleteSoftThenPermanent(t *testing.T) {
	l := startLab(t, t.TempDir())
	ctx := context.Background()
	id1 := l.register("s-value", weatherV1)
	l.register("s-value", weatherV2)

	// Permanent before soft: 40405 (subject) and 40407 (version).
	l.wantError(http.MethodDelete, "/subjects/s-value?permanent=true", nil, http.StatusNotFound, 40405)
	l.wantError(http.MethodDelete, "/subjects/s-value/versions/1?permanent=true", nil, http.StatusNotFound, 40407)

	// Soft-delete version 2, then again: 40406.
	var n int
	if status, raw := l.call(http.MethodDelete, "/subjects/s-value/versions/2", nil, &n); status != http.StatusOK || n != 2 {
		t.Fatalf("soft delete version: %d %s", status, raw)
	}
	l.wantError(http.MethodDelete, "/subjects/s-value/versions/2", nil, http.StatusNotFound, 40406)
	var versions []int
	l.call(http.MethodGet, "/subjects/s-value/versions", nil, &versions)
	if !reflect.DeepEqual(versions, []int{1}) {
		t.Errorf("versions after soft delete = %v", versions)
	}
	l.call(http.MethodGet, "/subjects/s-value/versions?deleted=true", nil, &versions)
	if !reflect.DeepEqual(versions, []int{1, 2}) {
		t.Errorf("versions with deleted = %v", versions)
	}
	l.wantError(http.MethodGet, "/subjects/s-value/versions/2", nil, http.StatusNotFound, 40402)
	if status, _ := l.call(http.MethodGet, "/subjects/s-value/versions/2?deleted=true", nil, nil); status != http.StatusOK {
		t.Errorf("deleted version with deleted=true: %d", status)
	}

	// Soft-delete the subject: it disappears, the id stays readable.
	deleted, err := l.client.DeleteSubject(ctx, "s-value", sr.SoftDelete)
	if err != nil || !reflect.DeepEqual(deleted, []int{1}) {
		t.Fatalf("soft delete subject = %v, %v", deleted, err)
	}
	l.wantError(http.MethodDelete, "/subjects/s-value", nil, http.StatusNotFound, 40404)
	var subjects []string
	l.call(http.MethodGet, "/subjects", nil, &subjects)
	if len(subjects) != 0 {
		t.Errorf("subjects after soft delete = %v", subjects)
	}
	l.call(http.MethodGet, "/subjects?deleted=true", nil, &subjects)
	if !reflect.DeepEqual(subjects, []string{"s-value"}) {
		t.Errorf("subjects with deleted = %v", subjects)
	}
	if _, err := l.client.SchemaByID(ctx, id1); err != nil {
		t.Errorf("soft-deleted schema by id: %v", err)
	}
	l.wantError(http.MethodGet, "/subjects/s-value/versions", nil, http.StatusNotFound, 40401)

	// Re-registering after a soft delete continues the version numbers.
	var out struct{ ID int }
	l.call(http.MethodPost, "/subjects/s-value/versions", map[string]string{"schema": weatherV1}, &out)
	if out.ID != id1 {
		t.Errorf("re-registered id %d, want %d", out.ID, id1)
	}
	l.call(http.MethodGet, "/subjects/s-value/versions", nil, &versions)
	if !reflect.DeepEqual(versions, []int{3}) {
		t.Errorf("versions after re-register = %v", versions)
	}

	// Permanent delete after soft delete removes everything.
	if _, err := l.client.DeleteSubject(ctx, "s-value", sr.SoftDelete); err != nil {
		t.Fatal(err)
	}
	deleted, err = l.client.DeleteSubject(ctx, "s-value", sr.HardDelete)
	if err != nil || len(deleted) == 0 {
		t.Fatalf("hard delete = %v, %v", deleted, err)
	}
	l.wantError(http.MethodGet, "/subjects/s-value/versions?deleted=true", nil, http.StatusNotFound, 40401)
	l.wantError(http.MethodGet, "/schemas/ids/"+itoaTest(id1), nil, http.StatusNotFound, 40403)
	l.wantError(http.MethodDelete, "/subjects/s-value", nil, http.StatusNotFound, 40401)
}

func TestConfig(t *testing.T) {
	l := startLab(t, t.TempDir())
	var cfg map[string]string
	l.call(http.MethodGet, "/config", nil, &cfg)
	if !reflect.DeepEqual(cfg, map[string]string{"compatibilityLevel": "BACKWARD"}) {
		t.Errorf("default config = %v", cfg)
	}
	// CP 7.9.4 answers the config it stored, ConfigUpdateRequest(config):
	// the level by its CompatibilityLevel name (ConfigResource
	// updateTopLevelConfig and updateSubjectLevelConfig, v7.9.4; 7.9.0
	// echoed the request).
	status, raw := l.call(http.MethodPut, "/config", map[string]string{"compatibility": "full"}, nil)
	if status != http.StatusOK || string(raw) != `{"compatibility":"FULL"}` {
		t.Errorf("put config: %d %s", status, raw)
	}
	status, raw = l.call(http.MethodPut, "/config/s-value", map[string]string{"compatibility": "backward_transitive"}, nil)
	if status != http.StatusOK || string(raw) != `{"compatibility":"BACKWARD_TRANSITIVE"}` {
		t.Errorf("put subject config: %d %s", status, raw)
	}
	// a request that sets nothing answers the config in force, unchanged
	status, raw = l.call(http.MethodPut, "/config/s-value", map[string]any{}, nil)
	if status != http.StatusOK || string(raw) != `{"compatibility":"BACKWARD_TRANSITIVE"}` {
		t.Errorf("put empty subject config: %d %s", status, raw)
	}
	if status, raw := l.call(http.MethodDelete, "/config/s-value", nil, nil); status != http.StatusOK {
		t.Errorf("delete subject config: %d %s", status, raw)
	}
	l.call(http.MethodGet, "/config", nil, &cfg)
	if cfg["compatibilityLevel"] != "FULL" {
		t.Errorf("global config = %v", cfg)
	}
	e := l.wantError(http.MethodGet, "/config/s-value", nil, http.StatusNotFound, 40408)
	if e.Message != "Subject 's-value' does not have subject-level compatibility configured" {
		t.Errorf("40408 message %q", e.Message)
	}
	l.call(http.MethodGet, "/config/s-value?defaultToGlobal=true", nil, &cfg)
	if cfg["compatibilityLevel"] != "FULL" {
		t.Errorf("defaultToGlobal = %v", cfg)
	}
	l.setLevel("s-value", "NONE")
	res := l.client.Compatibility(context.Background(), "s-value")
	if res[0].Err != nil || res[0].Level != sr.CompatNone {
		t.Errorf("client compatibility = %+v", res[0])
	}
	l.call(http.MethodDelete, "/config/s-value", nil, &cfg)
	if cfg["compatibilityLevel"] != "NONE" {
		t.Errorf("delete config returned %v", cfg)
	}
	l.wantError(http.MethodGet, "/config/s-value", nil, http.StatusNotFound, 40408)
	l.wantError(http.MethodDelete, "/config/s-value", nil, http.StatusNotFound, 40401)
}

// TestEveryLevelOnRegister drives each level through the HTTP API with the
// same history and candidates as the unit table: v1 {a}, v2 {a, b default}.
func TestEveryLevelOnRegister(t *testing.T) {
	l := startLab(t, t.TempDir())
	v1 := rec(`{"name":"a","type":"int"}`)
	v2 := rec(`{"name":"a","type":"int"},{"name":"b","type":"string","default":"x"}`)
	requireB := rec(`{"name":"a","type":"int"},{"name":"b","type":"string"}`) // backward only against v2
	dropA := rec(`{"name":"b","type":"string","default":"x"}`)                // backward, not forward
	retype := rec(`{"name":"a","type":"string"}`)                             // nothing but NONE
	want := map[string]map[string]bool{
		levelNone:               {"requireB": true, "dropA": true, "retype": true},
		levelBackward:           {"requireB": true, "dropA": true, "retype": false},
		levelBackwardTransitive: {"requireB": false, "dropA": true, "retype": false},
		levelForward:            {"requireB": true, "dropA": false, "retype": false},
		levelForwardTransitive:  {"requireB": true, "dropA": false, "retype": false},
		levelFull:               {"requireB": true, "dropA": false, "retype": false},
		levelFullTransitive:     {"requireB": false, "dropA": false, "retype": false},
	}
	candidates := map[string]string{"requireB": requireB, "dropA": dropA, "retype": retype}
	for level, cases := range want {
		for name, ok := range cases {
			subject := strings.ToLower(level) + "-" + strings.ToLower(name)
			l.register(subject, v1)
			l.register(subject, v2)
			l.setLevel(subject, level)
			status, raw := l.call(http.MethodPost, "/subjects/"+subject+"/versions", map[string]string{"schema": candidates[name]}, nil)
			if ok && status != http.StatusOK || !ok && status != http.StatusConflict {
				t.Errorf("%s %s: got %d %s, want compatible=%v", level, name, status, raw, ok)
			}
		}
	}
}

func TestRestartKeepsState(t *testing.T) {
	l := startLab(t, t.TempDir())
	ctx := context.Background()
	idA := l.register("a-value", weatherV1)
	l.register("a-value", weatherV2)
	idB := l.register("b-value", `"string"`)
	l.register("gone-value", `"long"`)
	if _, err := l.client.DeleteSubject(ctx, "gone-value", sr.SoftDelete); err != nil {
		t.Fatal(err)
	}
	var n int
	l.call(http.MethodDelete, "/subjects/a-value/versions/2", nil, &n)
	l.setLevel("", "FORWARD")
	l.setLevel("b-value", "NONE")
	maxBefore := idB

	l = l.restart()

	id, err := l.client.RegisterSchema(ctx, "a-value", sr.Schema{Schema: weatherV1}, -1, -1)
	if err != nil || id != idA {
		t.Errorf("id after restart = %d, %v; want %d", id, err, idA)
	}
	var versions []int
	l.call(http.MethodGet, "/subjects/a-value/versions?deleted=true", nil, &versions)
	if !reflect.DeepEqual(versions, []int{1, 2}) {
		t.Errorf("versions after restart = %v", versions)
	}
	l.call(http.MethodGet, "/subjects/a-value/versions", nil, &versions)
	if !reflect.DeepEqual(versions, []int{1}) {
		t.Errorf("live versions after restart = %v", versions)
	}
	var subjects []string
	l.call(http.MethodGet, "/subjects", nil, &subjects)
	if !reflect.DeepEqual(subjects, []string{"a-value", "b-value"}) {
		t.Errorf("subjects after restart = %v", subjects)
	}
	l.call(http.MethodGet, "/subjects?deleted=true", nil, &subjects)
	if !reflect.DeepEqual(subjects, []string{"a-value", "b-value", "gone-value"}) {
		t.Errorf("subjects with deleted after restart = %v", subjects)
	}
	var cfg map[string]string
	l.call(http.MethodGet, "/config", nil, &cfg)
	if cfg["compatibilityLevel"] != "FORWARD" {
		t.Errorf("global config after restart = %v", cfg)
	}
	l.call(http.MethodGet, "/config/b-value", nil, &cfg)
	if cfg["compatibilityLevel"] != "NONE" {
		t.Errorf("subject config after restart = %v", cfg)
	}
	// New schemas continue the id sequence.
	idC := l.register("c-value", `"bytes"`)
	if idC <= maxBefore {
		t.Errorf("new id %d after restart is not above %d", idC, maxBefore)
	}
	// A second restart sees the writes of the first run after restart too.
	l = l.restart()
	l.call(http.MethodGet, "/subjects", nil, &subjects)
	if !reflect.DeepEqual(subjects, []string{"a-value", "b-value", "c-value"}) {
		t.Errorf("subjects after second restart = %v", subjects)
	}
}
