package registry

import (
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

// Schema references as CP 7.9 resolves them
// (client/.../AbstractSchemaProvider.java resolveReferences at tag v7.9.0,
// https://docs.confluent.io/platform/7.9/schema-registry/fundamentals/serdes-develop/index.html#schema-references).

func (l *lab) registerWithRefs(subject, schema string, refs []reference) (int, int, []byte) {
	l.t.Helper()
	var out struct {
		ID int `json:"id"`
	}
	status, raw := l.call(http.MethodPost, "/subjects/"+subject+"/versions", map[string]any{"schema": schema, "references": refs}, &out)
	return out.ID, status, raw
}

func TestReferenceToLatestIsStoredWithItsVersion(t *testing.T) {
	l := startLab(t, t.TempDir())
	l.register("ref-l0", `{"type":"record","name":"L0","namespace":"x","fields":[]}`)
	id, status, raw := l.registerWithRefs("user", `{"type":"record","name":"U","namespace":"x","fields":[{"name":"l","type":"L0"}]}`,
		[]reference{{Name: "x.L0", Subject: "ref-l0", Version: -1}})
	if status != http.StatusOK {
		t.Fatalf("register with reference = %d %s", status, raw)
	}
	var got schemaEntity
	l.call(http.MethodGet, "/subjects/user/versions/1", nil, &got)
	if want := []reference{{Name: "x.L0", Subject: "ref-l0", Version: 1}}; !reflect.DeepEqual(got.References, want) {
		t.Errorf("stored references = %+v, want %+v", got.References, want)
	}
	var by []int
	l.call(http.MethodGet, "/subjects/ref-l0/versions/1/referencedby", nil, &by)
	if !reflect.DeepEqual(by, []int{id}) {
		t.Errorf("referencedby = %v, want [%d]", by, id)
	}
	l.wantError(http.MethodDelete, "/subjects/ref-l0/versions/1", nil, http.StatusUnprocessableEntity, 42206)
}

// Each reference name is followed once however many schemas share it, so a
// lattice of references, every level naming every schema of the level
// below, resolves in work linear in its size, and every shared type is
// defined once.
func TestSharedReferencesAreResolvedOnce(t *testing.T) {
	l := startLab(t, t.TempDir())
	const levels, width = 6, 4
	for k := 0; k < levels; k++ {
		for i := 0; i < width; i++ {
			var fields []string
			var refs []reference
			if k > 0 {
				for j := 0; j < width; j++ {
					fields = append(fields, fmt.Sprintf(`{"name":"f%d","type":"L%d_%d"}`, j, k-1, j))
					refs = append(refs, reference{Name: fmt.Sprintf("L%d_%d", k-1, j), Subject: fmt.Sprintf("lv%d-%d", k-1, j), Version: 1})
				}
			}
			schema := fmt.Sprintf(`{"type":"record","name":"L%d_%d","fields":[%s]}`, k, i, strings.Join(fields, ","))
			if _, status, raw := l.registerWithRefs(fmt.Sprintf("lv%d-%d", k, i), schema, refs); status != http.StatusOK {
				t.Fatalf("register level %d #%d = %d %s", k, i, status, raw)
			}
		}
	}
}
