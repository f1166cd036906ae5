package registry

import (
	"net/http"
	"reflect"
	"testing"
)

// Config corners of CP 7.9.4, read from tag v7.9.4 of
// github.com/confluentinc/schema-registry:
//   - ConfigResource.updateSubjectLevelConfig / updateTopLevelConfig answer
//     new ConfigUpdateRequest(config), @JsonInclude(NON_NULL), for the
//     config KafkaSchemaRegistry.updateConfig stored;
//   - ConfigValue.update: with no stored config the request becomes the
//     config (no level when compatibility is absent or null); over a stored
//     one an absent compatibility keeps its level and a null one (Jackson's
//     Jdk8Module reads it as Optional.empty()) clears it;
//   - InMemoryCache.config fills a stored config's missing level with the
//     server's default (populateCompatibilityLevel), never with the global
//     level, for GET, DELETE and the level a registration is checked at.

// wantPut sends PUT path body and checks the exact answer.
func (l *lab) wantPut(path string, body any, want string) {
	l.t.Helper()
	status, raw := l.call(http.MethodPut, path, body, nil)
	if status != http.StatusOK || string(raw) != want {
		l.t.Errorf("PUT %s %v = %d %s, want 200 %s", path, body, status, raw, want)
	}
}

// wantOK sends a bodyless request path and checks the exact 200 answer.
func (l *lab) wantOK(method, path, want string) {
	l.t.Helper()
	status, raw := l.call(method, path, nil, nil)
	if status != http.StatusOK || string(raw) != want {
		l.t.Errorf("%s %s = %d %s, want 200 %s", method, path, status, raw, want)
	}
}

func TestPutConfigWithoutALevelStoresAConfigAtTheServerDefaultLevel(t *testing.T) {
	l := startLab(t, t.TempDir(), WithDefaultCompatibility("FORWARD"))
	l.setLevel("", "NONE")
	l.register("s-value", `{"type":"record","name":"R","fields":[{"name":"a","type":"string"}]}`)

	l.wantPut("/config/s-value", map[string]any{}, `{}`)
	l.wantOK(http.MethodGet, "/config/s-value", `{"compatibilityLevel":"FORWARD"}`)
	l.wantOK(http.MethodGet, "/config/s-value?defaultToGlobal=true", `{"compatibilityLevel":"FORWARD"}`)
	l.wantOK(http.MethodGet, "/config", `{"compatibilityLevel":"NONE"}`)
	// The subject is checked at FORWARD, not at the global NONE (nor at
	// BACKWARD): dropping a field without a default breaks old readers.
	status, raw := l.call(http.MethodPost, "/subjects/s-value/versions",
		map[string]string{"schema": `{"type":"record","name":"R","fields":[]}`}, nil)
	if status != http.StatusConflict {
		t.Errorf("register a FORWARD-incompatible schema = %d %s, want 409", status, raw)
	}

	l = l.restart(WithDefaultCompatibility("FORWARD"))
	l.wantOK(http.MethodGet, "/config/s-value", `{"compatibilityLevel":"FORWARD"}`)
	l.wantOK(http.MethodDelete, "/config/s-value", `{"compatibilityLevel":"FORWARD"}`)
	l.wantError(http.MethodGet, "/config/s-value", nil, http.StatusNotFound, 40408)

	// The same at the top level.
	l.call(http.MethodDelete, "/config", nil, nil)
	l.wantPut("/config", map[string]any{"compatibility": nil}, `{}`)
	l.wantOK(http.MethodGet, "/config", `{"compatibilityLevel":"FORWARD"}`)
}

func TestPutConfigWithANullLevelClearsTheStoredLevel(t *testing.T) {
	l := startLab(t, t.TempDir())
	l.wantPut("/config", map[string]string{"compatibility": "FULL"}, `{"compatibility":"FULL"}`)
	l.wantPut("/config/s-value", map[string]string{"compatibility": "NONE"}, `{"compatibility":"NONE"}`)

	l.wantPut("/config/s-value", map[string]any{"compatibility": nil}, `{}`)
	l.wantOK(http.MethodGet, "/config/s-value", `{"compatibilityLevel":"BACKWARD"}`)
	l.wantPut("/config", map[string]any{"compatibility": nil}, `{}`)
	l.wantOK(http.MethodGet, "/config", `{"compatibilityLevel":"BACKWARD"}`)
	l.wantOK(http.MethodGet, "/config/t-value?defaultToGlobal=true", `{"compatibilityLevel":"BACKWARD"}`)
	l.wantOK(http.MethodDelete, "/config", `{"compatibilityLevel":"BACKWARD"}`)
}

func TestPutConfigWithoutALevelKeepsTheStoredLevel(t *testing.T) {
	l := startLab(t, t.TempDir())
	l.wantPut("/config", map[string]string{"compatibility": "FULL"}, `{"compatibility":"FULL"}`)
	l.wantPut("/config", map[string]any{}, `{"compatibility":"FULL"}`)
	l.wantOK(http.MethodGet, "/config", `{"compatibilityLevel":"FULL"}`)
	l.wantPut("/config/s-value", map[string]string{"compatibility": "NONE"}, `{"compatibility":"NONE"}`)
	l.wantPut("/config/s-value", map[string]any{}, `{"compatibility":"NONE"}`)
	l.wantOK(http.MethodGet, "/config/s-value", `{"compatibilityLevel":"NONE"}`)
}

// A config is kept in _schemas as ConfigValue, @JsonInclude(NON_EMPTY),
// serialises: the subject (left out at the top level) and the level (left
// out when there is none); its key is the ConfigKey a mode's is
// (storage package, tag v7.9.4).
func TestConfigRecordsHaveTheRealShape(t *testing.T) {
	l := startLab(t, t.TempDir())
	l.call(http.MethodPut, "/config/s-value", map[string]string{"compatibility": "FULL"}, nil)
	l.call(http.MethodPut, "/config/s-value", map[string]any{"compatibility": nil}, nil)
	l.call(http.MethodPut, "/config", map[string]any{}, nil)
	l.call(http.MethodPut, "/config", map[string]string{"compatibility": "NONE"}, nil)
	l.call(http.MethodDelete, "/config/s-value", nil, nil)

	want := []storedRecord{
		{`{"keytype":"CONFIG","subject":"s-value","magic":0}`, `{"subject":"s-value","compatibilityLevel":"FULL"}`},
		{`{"keytype":"CONFIG","subject":"s-value","magic":0}`, `{"subject":"s-value"}`},
		{`{"keytype":"CONFIG","magic":0}`, `{}`},
		{`{"keytype":"CONFIG","magic":0}`, `{"compatibilityLevel":"NONE"}`},
		{`{"keytype":"CONFIG","subject":"s-value","magic":0}`, ``},
	}
	got := l.storeRecords(`"CONFIG"`, len(want))
	if !reflect.DeepEqual(got, want) {
		t.Errorf("config records:\n got %v\nwant %v", got, want)
	}
}

// The default context's subject, ":.:" (or ":."), names the top level in
// config paths: QualifiedSubject.isDefaultContext sends the subject
// methods of ConfigResource (tag v7.9.4) to the top-level ones.
func TestDefaultContextSubjectIsTheTopLevelInConfigPaths(t *testing.T) {
	l := startLab(t, t.TempDir())
	l.wantOK(http.MethodGet, "/config/:.:", `{"compatibilityLevel":"BACKWARD"}`)
	l.wantPut("/config/:.:", map[string]string{"compatibility": "full"}, `{"compatibility":"FULL"}`)
	l.wantOK(http.MethodGet, "/config", `{"compatibilityLevel":"FULL"}`)
	l.wantOK(http.MethodGet, "/config/:.", `{"compatibilityLevel":"FULL"}`)
	l.wantOK(http.MethodGet, "/config/:.:?defaultToGlobal=true", `{"compatibilityLevel":"FULL"}`)
	l.wantOK(http.MethodDelete, "/config/:.:", `{"compatibilityLevel":"FULL"}`)
	l.wantOK(http.MethodGet, "/config", `{"compatibilityLevel":"BACKWARD"}`)
	l.wantError(http.MethodGet, "/config/:.ctx:", nil, http.StatusNotFound, 40408)
}

// ModeResource (tag v7.9.4) reads and sets the top-level mode for the
// default context's subject, and refuses to delete it as an invalid
// subject (RestInvalidSubjectException, 42208).
func TestDefaultContextSubjectIsTheTopLevelInModePaths(t *testing.T) {
	l := startLab(t, t.TempDir())
	l.wantOK(http.MethodGet, "/mode/:.:", `{"mode":"READWRITE"}`)
	l.wantPut("/mode/:.:", map[string]string{"mode": "READONLY"}, `{"mode":"READONLY"}`)
	l.wantOK(http.MethodGet, "/mode", `{"mode":"READONLY"}`)
	l.wantOK(http.MethodGet, "/mode/:.", `{"mode":"READONLY"}`)
	e := l.wantError(http.MethodDelete, "/mode/:.:", nil, http.StatusUnprocessableEntity, 42208)
	if e.Message != "The specified subject ':.:' is not a valid." {
		t.Errorf("message %q", e.Message)
	}
	l.wantOK(http.MethodGet, "/mode", `{"mode":"READONLY"}`)
}
