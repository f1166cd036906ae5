package registry

import (
	"net/http"
	"reflect"
	"testing"
)

// Qualified subjects as CP 7.9.4 reads them: QualifiedSubject (client,
// tag v7.9.4 of github.com/confluentinc/schema-registry) splits ":.ctx:s"
// into context ".ctx" and subject "s", and normalize writes a subject of
// the default context, ":.:s", as plain "s". ConfigResource, ModeResource,
// SubjectsResource, SubjectVersionsResource and CompatibilityResource
// normalise the path's subject before they use it.

func TestDefaultContextQualifiedSubjectIsThePlainSubjectInEveryPath(t *testing.T) {
	l := startLab(t, t.TempDir())
	l.register(":.:s-value", weatherV1)
	var subjects []string
	if status, raw := l.call(http.MethodGet, "/subjects", nil, &subjects); status != http.StatusOK || !reflect.DeepEqual(subjects, []string{"s-value"}) {
		t.Errorf("GET /subjects = %d %s, want [s-value]", status, raw)
	}
	l.wantOK(http.MethodGet, "/subjects/:.:s-value/versions", `[1]`)
	var v schemaEntity
	if l.call(http.MethodGet, "/subjects/:.:s-value/versions/latest", nil, &v); v.Subject != "s-value" || v.Version != 1 {
		t.Errorf("latest of :.:s-value = %+v", v)
	}
	if l.call(http.MethodPost, "/subjects/:.:s-value", map[string]string{"schema": weatherV1}, &v); v.Subject != "s-value" {
		t.Errorf("lookup under :.:s-value = %+v", v)
	}
	// Messages name the normalised subject.
	if e := l.wantError(http.MethodGet, "/subjects/:.:nope/versions", nil, http.StatusNotFound, 40401); e.Message != "Subject 'nope' not found." {
		t.Errorf("message %q", e.Message)
	}
	if status, raw := l.call(http.MethodPost, "/compatibility/subjects/:.:s-value/versions", map[string]string{"schema": weatherBad}, nil); status != http.StatusOK || string(raw) != `{"is_compatible":false}` {
		t.Errorf("compatibility of :.:s-value = %d %s, want s-value's versions checked", status, raw)
	}

	l.wantPut("/config/:.:s-value", map[string]string{"compatibility": "NONE"}, `{"compatibility":"NONE"}`)
	l.wantOK(http.MethodGet, "/config/s-value", `{"compatibilityLevel":"NONE"}`)
	l.wantOK(http.MethodGet, "/config/:.:s-value", `{"compatibilityLevel":"NONE"}`)
	if e := l.wantError(http.MethodGet, "/config/:.:nope", nil, http.StatusNotFound, 40408); e.Message != "Subject 'nope' does not have subject-level compatibility configured" {
		t.Errorf("message %q", e.Message)
	}
	l.wantOK(http.MethodDelete, "/config/:.:s-value", `{"compatibilityLevel":"NONE"}`)

	l.wantPut("/mode/:.:s-value", map[string]string{"mode": "READONLY"}, `{"mode":"READONLY"}`)
	l.wantOK(http.MethodGet, "/mode/s-value", `{"mode":"READONLY"}`)
	if e := l.wantError(http.MethodGet, "/mode/:.:nope", nil, http.StatusNotFound, 40409); e.Message != "Subject 'nope' does not have subject-level mode configured" {
		t.Errorf("message %q", e.Message)
	}
	l.wantOK(http.MethodDelete, "/mode/:.:s-value", `{"mode":"READONLY"}`)
	l.wantOK(http.MethodDelete, "/subjects/:.:s-value", `[1]`)

	want := []storedRecord{
		{`{"keytype":"CONFIG","subject":"s-value","magic":0}`, `{"subject":"s-value","compatibilityLevel":"NONE"}`},
		{`{"keytype":"CONFIG","subject":"s-value","magic":0}`, ``},
	}
	if got := l.storeRecords(`"CONFIG"`, len(want)); !reflect.DeepEqual(got, want) {
		t.Errorf("config records:\n got %v\nwant %v", got, want)
	}
}

// QualifiedSubject.isValidSubject (v7.9.4), which register, PUT /config and
// PUT /mode apply to the subject as given: control characters and the
// reserved names __GLOBAL and __EMPTY (in any context) are refused with
// 42208; the global context ".__GLOBAL" is taken only in config and mode
// paths; any other name, blank ones included, is a subject.
func TestSubjectValidityIsQualifiedSubjectIsValidSubject(t *testing.T) {
	l := startLab(t, t.TempDir())
	for _, s := range []string{"__GLOBAL", "__EMPTY", ":.ctx:__GLOBAL", ":.__GLOBAL:s-value", "a%01b"} {
		e := l.wantError(http.MethodPost, "/subjects/"+s+"/versions", map[string]string{"schema": weatherV1}, http.StatusUnprocessableEntity, 42208)
		if s == ":.__GLOBAL:s-value" && e.Message != "The specified subject ':.__GLOBAL:s-value' is not a valid." {
			t.Errorf("message %q", e.Message)
		}
	}
	for _, s := range []string{"__GLOBAL", ":.:__EMPTY"} {
		l.wantError(http.MethodPut, "/config/"+s, map[string]string{"compatibility": "NONE"}, http.StatusUnprocessableEntity, 42208)
		l.wantError(http.MethodPut, "/mode/"+s, map[string]string{"mode": "READONLY"}, http.StatusUnprocessableEntity, 42208)
	}
	l.wantPut("/config/:.__GLOBAL:s-value", map[string]string{"compatibility": "NONE"}, `{"compatibility":"NONE"}`)
	l.wantPut("/mode/:.__GLOBAL:s-value", map[string]string{"mode": "READONLY"}, `{"mode":"READONLY"}`)
	l.register("%20", weatherV1)
	l.wantOK(http.MethodGet, "/subjects", `[" "]`)
}

// Registering in a context other than the default one writes a CONTEXT
// record for it once, {"keytype":"CONTEXT","tenant":"default",
// "context":".ctx","magic":0} -> {"tenant":"default","context":".ctx"}
// (KafkaSchemaRegistry.register, ContextKey, ContextValue at v7.9.4), and
// GET /contexts lists "." then the contexts those records name, in the
// store's key order (listContexts, allContexts, ContextKey.compareTo).
func TestRegisteringInAContextListsTheContext(t *testing.T) {
	l := startLab(t, t.TempDir())
	l.register(":.ctx:s-value", weatherV1)
	l.register(":.ctx:t-value", weatherV1)
	l.register(":.b:s-value", weatherV1)
	l.wantOK(http.MethodGet, "/contexts", `[".",".b",".ctx"]`)
	l.wantOK(http.MethodGet, "/contexts?offset=1&limit=1", `[".b"]`)
	want := []storedRecord{
		{`{"keytype":"CONTEXT","tenant":"default","context":".ctx","magic":0}`, `{"tenant":"default","context":".ctx"}`},
		{`{"keytype":"CONTEXT","tenant":"default","context":".b","magic":0}`, `{"tenant":"default","context":".b"}`},
	}
	if got := l.storeRecords(`"CONTEXT"`, len(want)); !reflect.DeepEqual(got, want) {
		t.Errorf("context records:\n got %v\nwant %v", got, want)
	}
	l = l.restart()
	l.wantOK(http.MethodGet, "/contexts", `[".",".b",".ctx"]`)
}

// A subject of the default context that has no such version is read from
// the recorded contexts, in order, as KafkaSchemaRegistry.getUsingContexts
// and lookUpSchemaUnderSubjectUsingContexts do (v7.9.4: GET
// /subjects/{s}/versions/{v}, its /schema and /referencedby, and POST
// /subjects/{s}); a qualified subject is not.
func TestAnUnqualifiedSubjectIsReadFromTheContextsWhenTheDefaultContextLacksIt(t *testing.T) {
	l := startLab(t, t.TempDir())
	l.register(":.ctx:s-value", weatherV1)
	var v schemaEntity
	for _, path := range []string{"/subjects/s-value/versions/1", "/subjects/s-value/versions/latest"} {
		if status, raw := l.call(http.MethodGet, path, nil, &v); status != http.StatusOK || v.Subject != ":.ctx:s-value" || v.Version != 1 {
			t.Errorf("GET %s = %d %s, want :.ctx:s-value's version 1", path, status, raw)
		}
	}
	if status, raw := l.call(http.MethodGet, "/subjects/s-value/versions/1/schema", nil, nil); status != http.StatusOK || string(raw) != weatherV1 {
		t.Errorf("GET /subjects/s-value/versions/1/schema = %d %s", status, raw)
	}
	l.wantOK(http.MethodGet, "/subjects/s-value/versions/1/referencedby", `[]`)
	v = schemaEntity{}
	if status, raw := l.call(http.MethodPost, "/subjects/s-value", map[string]string{"schema": weatherV1}, &v); status != http.StatusOK || v.Subject != ":.ctx:s-value" || v.Version != 1 {
		t.Errorf("POST /subjects/s-value = %d %s, want :.ctx:s-value's version 1", status, raw)
	}
	l.wantError(http.MethodGet, "/subjects/:.other:s-value/versions/1", nil, http.StatusNotFound, 40401)
	l.wantError(http.MethodPost, "/subjects/:.other:s-value", map[string]string{"schema": weatherV1}, http.StatusNotFound, 40401)
	l.wantError(http.MethodGet, "/subjects/s-value/versions/2", nil, http.StatusNotFound, 40401)
	// Not found anywhere, the default context's subject is not found.
	l.wantError(http.MethodPost, "/subjects/s-value", map[string]string{"schema": weatherBad}, http.StatusNotFound, 40401)

	// The default context's own subject comes first.
	l.register("s-value", weatherV2)
	if l.call(http.MethodGet, "/subjects/s-value/versions/1", nil, &v); v.Subject != "s-value" {
		t.Errorf("s-value's version 1 read from %s", v.Subject)
	}
	l.wantError(http.MethodPost, "/subjects/s-value", map[string]string{"schema": weatherBad}, http.StatusNotFound, 40403)
}
