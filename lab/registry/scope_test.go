package registry

import (
	"net/http"
	"testing"
)

// regStatus registers schema under subject and returns the status and,
// for a refusal, its message.
func (l *lab) regStatus(subject, schema string) (int, string) {
	l.t.Helper()
	var e errBody
	status, _ := l.call(http.MethodPost, "/subjects/"+subject+"/versions", map[string]string{"schema": schema}, &e)
	return status, e.Message
}

// The mode in force for a subject is InMemoryCache.mode(subject, true) as
// KafkaSchemaRegistry.getModeInScope reads it (v7.9.4): the subject's own
// mode, else its context's (":.ctx:"; the top level's for a subject of the
// default context), else the ".__GLOBAL" context's, else READWRITE. The top
// level is not consulted for a subject of another context.
func TestTopLevelModeDoesNotReachSubjectsOfOtherContexts(t *testing.T) {
	l := startLab(t, t.TempDir())
	l.wantPut("/mode", map[string]string{"mode": "READONLY"}, `{"mode":"READONLY"}`)
	if status, _ := l.regStatus("s-value", weatherV1); status != http.StatusUnprocessableEntity {
		t.Errorf("register s-value under a READONLY top level = %d, want 422", status)
	}
	if status, msg := l.regStatus(":.ctx:s-value", weatherV1); status != http.StatusOK {
		t.Errorf("register :.ctx:s-value under a READONLY top level = %d %s, want 200", status, msg)
	}
	l.wantOK(http.MethodGet, "/mode/:.ctx:s-value?defaultToGlobal=true", `{"mode":"READWRITE"}`)

	l.wantPut("/mode/:.ctx", map[string]string{"mode": "READONLY"}, `{"mode":"READONLY"}`)
	l.wantOK(http.MethodGet, "/mode/:.ctx:", `{"mode":"READONLY"}`)
	l.wantOK(http.MethodGet, "/mode/:.ctx:s-value?defaultToGlobal=true", `{"mode":"READONLY"}`)
	l.wantError(http.MethodGet, "/mode/:.ctx:s-value", nil, http.StatusNotFound, 40409)
	if status, msg := l.regStatus(":.ctx:s-value", weatherV2); status != http.StatusUnprocessableEntity || msg != "Subject :.ctx:s-value in context :.ctx: is in read-only mode" {
		t.Errorf("register :.ctx:s-value under a READONLY context = %d %q", status, msg)
	}
	if status, msg := l.regStatus(":.other:s-value", weatherV1); status != http.StatusOK {
		t.Errorf("register :.other:s-value = %d %s, want 200", status, msg)
	}

	// Switching a context to IMPORT looks at the context's subjects
	// (InMemoryCache.matchingSubjectPredicate).
	if e := l.wantError(http.MethodPut, "/mode/:.other:", map[string]string{"mode": "IMPORT"}, http.StatusUnprocessableEntity, 42205); e.Message != "Cannot import since found existing subjects" {
		t.Errorf("message %q", e.Message)
	}
	l.wantPut("/mode/:.empty:", map[string]string{"mode": "IMPORT"}, `{"mode":"IMPORT"}`)
}

// A mode set on the ".__GLOBAL" context stands behind every context's,
// the default one included; the top level's own mode and GET /mode without
// defaultToGlobal do not see it (InMemoryCache.mode, ModeResource.getMode
// at v7.9.4). The global context answers READWRITE when it has no mode of
// its own, as the top level does.
func TestGlobalContextModeStandsBehindEveryContext(t *testing.T) {
	l := startLab(t, t.TempDir())
	l.wantOK(http.MethodGet, "/mode/:.__GLOBAL:", `{"mode":"READWRITE"}`)
	l.wantPut("/mode/:.__GLOBAL:", map[string]string{"mode": "READONLY"}, `{"mode":"READONLY"}`)
	l.wantOK(http.MethodGet, "/mode", `{"mode":"READWRITE"}`)
	l.wantOK(http.MethodGet, "/mode?defaultToGlobal=true", `{"mode":"READONLY"}`)
	l.wantOK(http.MethodGet, "/mode/s-value?defaultToGlobal=true", `{"mode":"READONLY"}`)
	l.wantOK(http.MethodGet, "/mode/:.ctx:s-value?defaultToGlobal=true", `{"mode":"READONLY"}`)
	if status, msg := l.regStatus("s-value", weatherV1); status != http.StatusUnprocessableEntity || msg != "Subject s-value in context  is in read-only mode" {
		t.Errorf("register s-value = %d %q", status, msg)
	}
	if status, _ := l.regStatus(":.ctx:s-value", weatherV1); status != http.StatusUnprocessableEntity {
		t.Errorf("register :.ctx:s-value = %d, want 422", status)
	}
	l.wantPut("/mode/:.ctx:", map[string]string{"mode": "READWRITE"}, `{"mode":"READWRITE"}`)
	l.wantPut("/mode", map[string]string{"mode": "READWRITE"}, `{"mode":"READWRITE"}`)
	if status, msg := l.regStatus(":.ctx:s-value", weatherV1); status != http.StatusOK {
		t.Errorf("register :.ctx:s-value = %d %s", status, msg)
	}
	if status, msg := l.regStatus("s-value", weatherV1); status != http.StatusOK {
		t.Errorf("register s-value = %d %s", status, msg)
	}
	l.wantOK(http.MethodDelete, "/mode/:.__GLOBAL:", `{"mode":"READONLY"}`)
	l.wantOK(http.MethodGet, "/mode/:.__GLOBAL:", `{"mode":"READWRITE"}`)
}

// KafkaSchemaRegistry.getMode and getModeInScope (v7.9.4) answer the top
// level's mode for every subject when it is READONLY_OVERRIDE, own mode or
// not: GET /mode/{subject} answers it, DELETE /mode/{subject} removes and
// answers it, and writes to every context are refused.
func TestTopLevelReadOnlyOverrideOverridesEverySubjectsMode(t *testing.T) {
	l := startLab(t, t.TempDir())
	l.wantPut("/mode/s-value", map[string]string{"mode": "READWRITE"}, `{"mode":"READWRITE"}`)
	l.wantPut("/mode/:.ctx:", map[string]string{"mode": "READWRITE"}, `{"mode":"READWRITE"}`)
	l.wantPut("/mode", map[string]string{"mode": "READONLY_OVERRIDE"}, `{"mode":"READONLY_OVERRIDE"}`)
	l.wantOK(http.MethodGet, "/mode/s-value", `{"mode":"READONLY_OVERRIDE"}`)
	l.wantOK(http.MethodGet, "/mode/nope", `{"mode":"READONLY_OVERRIDE"}`)
	l.wantOK(http.MethodGet, "/mode/:.ctx:s-value?defaultToGlobal=true", `{"mode":"READONLY_OVERRIDE"}`)
	for _, s := range []string{"s-value", ":.ctx:s-value"} {
		if status, _ := l.regStatus(s, weatherV1); status != http.StatusUnprocessableEntity {
			t.Errorf("register %s = %d, want 422", s, status)
		}
	}
	l.wantOK(http.MethodDelete, "/mode/nope", `{"mode":"READONLY_OVERRIDE"}`)
}

// The compatibility level in force is InMemoryCache.config(subject, true)
// (v7.9.4): the subject's own config, else its context's (the top level's
// for the default context), else the ".__GLOBAL" context's, else the
// server's default level; GET /config/{subject} without defaultToGlobal
// answers only the subject's own, or the server's default for the top
// level and the global context.
func TestTopLevelConfigDoesNotReachSubjectsOfOtherContexts(t *testing.T) {
	l := startLab(t, t.TempDir())
	l.setLevel("", "NONE")
	l.wantOK(http.MethodGet, "/config/s-value?defaultToGlobal=true", `{"compatibilityLevel":"NONE"}`)
	l.wantOK(http.MethodGet, "/config/:.ctx:s-value?defaultToGlobal=true", `{"compatibilityLevel":"BACKWARD"}`)
	for _, s := range []string{"s-value", ":.ctx:s-value"} {
		l.register(s, weatherV1)
	}
	if status, msg := l.regStatus("s-value", weatherBad); status != http.StatusOK {
		t.Errorf("register an incompatible schema under NONE = %d %s", status, msg)
	}
	if status, _ := l.regStatus(":.ctx:s-value", weatherBad); status != http.StatusConflict {
		t.Errorf("register an incompatible schema in context .ctx = %d, want 409 (BACKWARD)", status)
	}
	l.setLevel(":.ctx:", "NONE")
	l.wantOK(http.MethodGet, "/config/:.ctx:s-value?defaultToGlobal=true", `{"compatibilityLevel":"NONE"}`)
	l.wantError(http.MethodGet, "/config/:.ctx:s-value", nil, http.StatusNotFound, 40408)
	l.register(":.ctx:s-value", weatherBad)
}

func TestGlobalContextConfigStandsBehindEveryContext(t *testing.T) {
	l := startLab(t, t.TempDir())
	l.wantOK(http.MethodGet, "/config/:.__GLOBAL:", `{"compatibilityLevel":"BACKWARD"}`)
	l.setLevel(":.__GLOBAL:", "FORWARD")
	l.wantOK(http.MethodGet, "/config", `{"compatibilityLevel":"BACKWARD"}`)
	l.wantOK(http.MethodGet, "/config?defaultToGlobal=true", `{"compatibilityLevel":"FORWARD"}`)
	l.wantOK(http.MethodGet, "/config/s-value?defaultToGlobal=true", `{"compatibilityLevel":"FORWARD"}`)
	l.wantOK(http.MethodGet, "/config/:.ctx:s-value?defaultToGlobal=true", `{"compatibilityLevel":"FORWARD"}`)
	l.setLevel("", "NONE")
	l.wantOK(http.MethodGet, "/config/s-value?defaultToGlobal=true", `{"compatibilityLevel":"NONE"}`)
	l.wantOK(http.MethodGet, "/config/:.ctx:s-value?defaultToGlobal=true", `{"compatibilityLevel":"FORWARD"}`)
	l.wantOK(http.MethodDelete, "/config/:.__GLOBAL:", `{"compatibilityLevel":"FORWARD"}`)
	l.wantOK(http.MethodGet, "/config/:.ctx:s-value?defaultToGlobal=true", `{"compatibilityLevel":"BACKWARD"}`)
}
