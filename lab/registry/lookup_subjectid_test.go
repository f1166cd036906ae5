package registry

import (
	"net/http"
	"testing"
)

// A schema already in a subject is found there with the id the subject
// holds it under, even when the same schema text was imported under another
// id elsewhere since: registering it again returns that id and adds no
// version, and looking it up returns that version. Schema Registry's
// KafkaSchemaRegistry.registerOrForward looks the schema up under the
// subject (lookUpSchemaUnderSubject) before it assigns anything, and the
// lookup endpoint asks the same (schema-registry v7.9.0,
// core/src/main/java/io/confluent/kafka/schemaregistry/storage/KafkaSchemaRegistry.java).
func TestASchemaInASubjectKeepsTheSubjectsIDWhenAnotherIDHoldsTheSameText(t *testing.T) {
	l := startLab(t, t.TempDir())
	for _, imp := range []struct {
		subject string
		id      int
	}{{"first-value", 10}, {"second-value", 11}} {
		l.call(http.MethodPut, "/mode/"+imp.subject, map[string]string{"mode": "IMPORT"}, nil)
		var out map[string]int
		if status, raw := l.call(http.MethodPost, "/subjects/"+imp.subject+"/versions", map[string]any{"schema": `"long"`, "id": imp.id, "version": 1}, &out); status != http.StatusOK || out["id"] != imp.id {
			t.Fatalf("import into %s = %d %s", imp.subject, status, raw)
		}
		l.call(http.MethodDelete, "/mode/"+imp.subject, nil, nil)
	}

	var again map[string]int
	if status, raw := l.call(http.MethodPost, "/subjects/first-value/versions", map[string]any{"schema": `"long"`}, &again); status != http.StatusOK || again["id"] != 10 {
		t.Errorf("register again under first-value = %d %s, want id 10", status, raw)
	}
	var versions []int
	l.call(http.MethodGet, "/subjects/first-value/versions", nil, &versions)
	if len(versions) != 1 || versions[0] != 1 {
		t.Errorf("first-value versions = %v, want [1]", versions)
	}
	var found schemaEntity
	if status, raw := l.call(http.MethodPost, "/subjects/first-value", map[string]any{"schema": `"long"`}, &found); status != http.StatusOK || found.ID != 10 || found.Version != 1 {
		t.Errorf("look up under first-value = %d %s, want id 10 version 1", status, raw)
	}
}
