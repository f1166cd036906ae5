package jsondepth

import (
	"strings"
	"testing"
)

// jackson-core jackson-core-2.16.0 StreamReadConstraints.validateNestingDepth
// refuses the array or object whose depth (counted from 1 at the root, by
// ParserBase.createChildArrayContext/createChildObjectContext) is past
// DEFAULT_MAX_DEPTH, 1000.

func arrays(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }

func TestFindLetsADocumentNestedToMaxThrough(t *testing.T) {
	if r, ok := Find([]byte(arrays(Max))); ok {
		t.Fatalf("refused at %v", r.End)
	}
}

func TestFindRefusesTheOpeningOnePastMax(t *testing.T) {
	doc := arrays(Max + 1)
	r, ok := Find([]byte(doc))
	if !ok || r.End != Max+1 || len(r.Path) != Max {
		t.Fatalf("ok %v end %d path %d", ok, r.End, len(r.Path))
	}
}

func TestFindNamesThePathToTheRefusedOpening(t *testing.T) {
	doc := `{"a":1,"records":[{"x":"]]"},{"value":` + arrays(Max-2) + `}]}`
	r, ok := Find([]byte(doc))
	if !ok || r.Path[0] != "records" || r.Path[1] != 1 || r.Path[2] != "value" || r.Path[3] != 0 {
		t.Fatalf("ok %v path %v", ok, r.Path[:4])
	}
}

func TestFindLeavesASyntaxErrorBeforeTheDepthToTheReader(t *testing.T) {
	if _, ok := Find([]byte(`{"a":tru,"b":` + arrays(Max) + `}`)); ok {
		t.Fatal("refused for depth past a syntax error")
	}
}

func TestFindCountsNoBracketsInStrings(t *testing.T) {
	doc := `["` + strings.Repeat("[", Max+5) + `\"[",` + arrays(Max-1) + `]`
	if _, ok := Find([]byte(doc)); ok {
		t.Fatal("refused a document nested Max levels")
	}
}

func TestNextTooDeepFindsTheNextOpeningPastMax(t *testing.T) {
	doc := []byte(`[["[",[]],[]]`)
	// From inside the outer array (depth 1) at offset 1, with Max levels
	// taken as already open there, the next opening is past Max.
	if next, ok := NextTooDeep(doc, 1, Max); !ok || next != Max+1 {
		t.Fatalf("next %d ok %v", next, ok)
	}
	if _, ok := NextTooDeep(doc, 1, 1); ok {
		t.Fatal("shallow openings reported")
	}
}
