package registry

import (
	"context"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// Modes as CP 7.9 serves them: ModeResource.java and
// KafkaSchemaRegistry.setMode/checkRegisterMode at tag v7.9.0 of
// github.com/confluentinc/schema-registry, and
// https://docs.confluent.io/platform/7.9/schema-registry/develop/api.html#mode

func TestGlobalModeDefaultsToReadWrite(t *testing.T) {
	l := startLab(t, t.TempDir())
	var m map[string]string
	if status, raw := l.call(http.MethodGet, "/mode", nil, &m); status != http.StatusOK || m["mode"] != "READWRITE" {
		t.Fatalf("GET /mode = %d %s", status, raw)
	}
	e := l.wantError(http.MethodGet, "/mode/s-value", nil, http.StatusNotFound, 40409)
	if e.Message != "Subject 's-value' does not have subject-level mode configured" {
		t.Errorf("message %q", e.Message)
	}
	l.call(http.MethodGet, "/mode/s-value?defaultToGlobal=true", nil, &m)
	if m["mode"] != "READWRITE" {
		t.Errorf("defaultToGlobal = %v", m)
	}
	// CP 7.9 has no DELETE for the global mode.
	l.wantError(http.MethodDelete, "/mode", nil, http.StatusMethodNotAllowed, 405)
}

// CP 7.9.4 names the subject's context in the refusal, its qualified
// context, "" for the default one (KafkaSchemaRegistry.checkRegisterMode,
// deleteSchemaVersion, deleteSubject, updateConfig, deleteSubjectConfig and
// QualifiedSubject.qualifiedContextFor at v7.9.4).
func TestReadOnlySubjectRefusesWritesWith42205(t *testing.T) {
	l := startLab(t, t.TempDir())
	l.register("s-value", weatherV1)
	var echo map[string]string
	if status, raw := l.call(http.MethodPut, "/mode/s-value", map[string]string{"mode": "readonly"}, &echo); status != http.StatusOK || echo["mode"] != "readonly" {
		t.Fatalf("PUT /mode/s-value = %d %s", status, raw)
	}
	var m map[string]string
	l.call(http.MethodGet, "/mode/s-value", nil, &m)
	if m["mode"] != "READONLY" {
		t.Errorf("subject mode = %v", m)
	}
	const refusal = "Subject s-value in context  is in read-only mode"
	for _, c := range []struct {
		method, path string
		body         any
	}{
		{http.MethodPost, "/subjects/s-value/versions", map[string]string{"schema": weatherV2}},
		{http.MethodDelete, "/subjects/s-value/versions/1", nil},
		{http.MethodDelete, "/subjects/s-value", nil},
		{http.MethodPut, "/config/s-value", map[string]string{"compatibility": "NONE"}},
	} {
		if e := l.wantError(c.method, c.path, c.body, http.StatusUnprocessableEntity, 42205); e.Message != refusal {
			t.Errorf("%s %s: message %q, want %q", c.method, c.path, e.Message, refusal)
		}
	}
	l.wantError(http.MethodDelete, "/config/s-value", nil, http.StatusNotFound, 40401) // no config to delete comes first
	// Reads go on; other subjects are not affected.
	var versions []int
	if status, _ := l.call(http.MethodGet, "/subjects/s-value/versions", nil, &versions); status != http.StatusOK || !reflect.DeepEqual(versions, []int{1}) {
		t.Errorf("versions = %v", versions)
	}
	l.register("other-value", weatherV1)

	// Deleting the subject mode returns it and makes the subject writable.
	l.call(http.MethodDelete, "/mode/s-value", nil, &m)
	if m["mode"] != "READONLY" {
		t.Errorf("DELETE /mode/s-value = %v", m)
	}
	l.wantError(http.MethodDelete, "/mode/s-value", nil, http.StatusNotFound, 40401)
	l.register("s-value", weatherV2)
}

func TestGlobalReadOnlyCoversEverySubject(t *testing.T) {
	l := startLab(t, t.TempDir())
	l.call(http.MethodPut, "/mode", map[string]string{"mode": "READONLY"}, nil)
	e := l.wantError(http.MethodPost, "/subjects/new-value/versions", map[string]string{"schema": `"string"`}, http.StatusUnprocessableEntity, 42205)
	if e.Message != "Subject new-value in context  is in read-only mode" {
		t.Errorf("message %q", e.Message)
	}
	e = l.wantError(http.MethodPut, "/config", map[string]string{"compatibility": "NONE"}, http.StatusUnprocessableEntity, 42205)
	if e.Message != "Subject null in context  is in read-only mode" {
		t.Errorf("message %q", e.Message)
	}
	// A subject-level READWRITE overrides the global mode.
	l.call(http.MethodPut, "/mode/new-value", map[string]string{"mode": "READWRITE"}, nil)
	l.register("new-value", `"string"`)
}

func TestInvalidModeIs42204(t *testing.T) {
	l := startLab(t, t.TempDir())
	e := l.wantError(http.MethodPut, "/mode", map[string]string{"mode": "SLEEPY"}, http.StatusUnprocessableEntity, 42204)
	if e.Message != "Invalid mode. Valid values are READWRITE, READONLY, and IMPORT." {
		t.Errorf("message %q", e.Message)
	}
}

func TestImportModeRegistersWithGivenIDAndVersion(t *testing.T) {
	l := startLab(t, t.TempDir())
	l.register("live-value", `"string"`)
	// Import needs the subjects in scope to be empty.
	e := l.wantError(http.MethodPut, "/mode", map[string]string{"mode": "IMPORT"}, http.StatusUnprocessableEntity, 42205)
	if e.Message != "Cannot import since found existing subjects" {
		t.Errorf("message %q", e.Message)
	}
	// Outside import mode an explicit id is refused.
	e = l.wantError(http.MethodPost, "/subjects/imp-value/versions", map[string]any{"schema": `"long"`, "id": 100, "version": 3}, http.StatusUnprocessableEntity, 42205)
	if e.Message != "Subject imp-value is not in import mode" {
		t.Errorf("message %q", e.Message)
	}

	l.call(http.MethodPut, "/mode/imp-value", map[string]string{"mode": "IMPORT"}, nil)
	var out map[string]int
	if status, raw := l.call(http.MethodPost, "/subjects/imp-value/versions", map[string]any{"schema": `"long"`, "id": 100, "version": 3}, &out); status != http.StatusOK || out["id"] != 100 {
		t.Fatalf("import register = %d %s", status, raw)
	}
	// Without an id, import mode refuses: it is not read-write.
	e = l.wantError(http.MethodPost, "/subjects/imp-value/versions", map[string]any{"schema": `"int"`}, http.StatusUnprocessableEntity, 42205)
	if e.Message != "Subject imp-value is not in read-write mode" {
		t.Errorf("message %q", e.Message)
	}
	// An id bound to another schema cannot be overwritten.
	e = l.wantError(http.MethodPost, "/subjects/imp-value/versions", map[string]any{"schema": `"int"`, "id": 100, "version": 4}, http.StatusUnprocessableEntity, 42205)
	if e.Message != "Overwrite new schema with id 100 is not permitted." {
		t.Errorf("message %q", e.Message)
	}

	var got schemaEntity
	l.call(http.MethodGet, "/subjects/imp-value/versions/3", nil, &got)
	if got.ID != 100 || got.Version != 3 || got.Schema != `"long"` {
		t.Errorf("imported version = %+v", got)
	}
	// Back to read-write: new ids continue above the imported one.
	l.call(http.MethodDelete, "/mode/imp-value", nil, nil)
	if id := l.register("next-value", `"bytes"`); id <= 100 {
		t.Errorf("id after import = %d, want > 100", id)
	}
}

func TestModeSurvivesRestart(t *testing.T) {
	l := startLab(t, t.TempDir())
	l.call(http.MethodPut, "/mode/s-value", map[string]string{"mode": "READONLY"}, nil)
	l.call(http.MethodPut, "/mode", map[string]string{"mode": "IMPORT"}, nil)
	l = l.restart()
	var m map[string]string
	l.call(http.MethodGet, "/mode/s-value", nil, &m)
	if m["mode"] != "READONLY" {
		t.Errorf("subject mode after restart = %v", m)
	}
	l.call(http.MethodGet, "/mode", nil, &m)
	if m["mode"] != "IMPORT" {
		t.Errorf("global mode after restart = %v", m)
	}
}

// The mode is kept in _schemas as CP 7.9 writes it: ModeKey
// {"keytype":"MODE","subject":S,"magic":0} and ModeValue {"subject":S,"mode":M},
// the subject left out at the global level (@JsonInclude(NON_EMPTY) on
// SubjectKey and ModeValue, storage package at tag v7.9.0).
func TestModeRecordsHaveTheRealShape(t *testing.T) {
	l := startLab(t, t.TempDir())
	l.call(http.MethodPut, "/mode/s-value", map[string]string{"mode": "READONLY"}, nil)
	l.call(http.MethodPut, "/mode", map[string]string{"mode": "READWRITE"}, nil)
	l.call(http.MethodDelete, "/mode/s-value", nil, nil)

	want := []storedRecord{
		{`{"keytype":"MODE","subject":"s-value","magic":0}`, `{"subject":"s-value","mode":"READONLY"}`},
		{`{"keytype":"MODE","magic":0}`, `{"mode":"READWRITE"}`},
		{`{"keytype":"MODE","subject":"s-value","magic":0}`, ``},
	}
	got := l.storeRecords(`"MODE"`, len(want))
	if !reflect.DeepEqual(got, want) {
		t.Errorf("mode records:\n got %v\nwant %v", got, want)
	}
}

// storedRecord is one record of the _schemas topic as text; an empty value
// is a tombstone.
type storedRecord struct{ key, value string }

// storeRecords reads the _schemas topic from the start until it has seen n
// records whose key contains keyPart.
func (l *lab) storeRecords(keyPart string, n int) []storedRecord {
	l.t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(l.cluster.ListenAddrs()...),
		kgo.ConsumeTopics("_schemas"), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		l.t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var got []storedRecord
	for len(got) < n {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			l.t.Fatalf("read _schemas: got %v", got)
		}
		fs.EachRecord(func(r *kgo.Record) {
			if strings.Contains(string(r.Key), keyPart) {
				got = append(got, storedRecord{string(r.Key), string(r.Value)})
			}
		})
	}
	return got
}

// Soft-deleting a subject, or its last live version, removes the subject's
// mode with its config (KafkaSchemaRegistry.deleteSubject and
// deleteSchemaVersion, CP 7.9).
func TestSoftDeleteRemovesTheSubjectMode(t *testing.T) {
	l := startLab(t, t.TempDir())
	l.register("a-value", `"string"`)
	l.register("b-value", `"string"`)
	l.call(http.MethodPut, "/mode/a-value", map[string]string{"mode": "READWRITE"}, nil)
	l.call(http.MethodPut, "/mode/b-value", map[string]string{"mode": "READWRITE"}, nil)
	var deleted []int
	l.call(http.MethodDelete, "/subjects/a-value", nil, &deleted)
	l.wantError(http.MethodGet, "/mode/a-value", nil, http.StatusNotFound, 40409)
	var n int
	l.call(http.MethodDelete, "/subjects/b-value/versions/1", nil, &n)
	l.wantError(http.MethodGet, "/mode/b-value", nil, http.StatusNotFound, 40409)
}
