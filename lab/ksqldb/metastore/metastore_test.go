package metastore

import "testing"

// A running query is planned against the sources as they were when it was
// created or last upgraded: after CREATE OR REPLACE of a source it reads,
// its plan store holds the old declaration while the Store holds the new
// one, so the replacement leaves the running query alone. A query whose
// sources are unchanged is planned against the Store itself, and a
// sandbox's changes stay out of the Store it was cloned from.
func TestAQueryIsPlannedAgainstTheSourcesItWasCreatedWith(t *testing.T) {
	ms := NewStore()
	v1 := &Source{Name: "S", Topic: "s", Statement: "CREATE STREAM S (A INT) ..."}
	ms.Sources["S"] = v1
	q := &Query{ID: "CSAS_T_1", Source: "S", Inputs: map[string]*Source{"S": v1}}
	if got := q.PlanStore(ms); got != ms {
		t.Fatalf("unchanged sources: planned against another store")
	}
	sandbox := ms.Clone()
	v2 := &Source{Name: "S", Topic: "s", Statement: "CREATE OR REPLACE STREAM S (A INT, B INT) ..."}
	sandbox.Sources["S"] = v2
	if ms.Sources["S"] != v1 {
		t.Fatalf("a change to the sandbox reached the store")
	}
	pinned := q.PlanStore(sandbox)
	if pinned.Sources["S"] != v1 || sandbox.Sources["S"] != v2 {
		t.Errorf("plan store holds %q, store %q; want the query's own and the new one", pinned.Sources["S"].Statement, sandbox.Sources["S"].Statement)
	}
}
