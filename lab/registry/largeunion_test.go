package registry

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// bigUnion is a union of n distinct records, R0..R(n-1).
func bigUnion(n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf(`{"type":"record","name":"R%d","fields":[{"name":"f","type":"int"}]}`, i)
	}
	return "[" + strings.Join(parts, ",") + "]"
}

// Avro's schema resolution (https://avro.apache.org/docs/1.11.1/specification/#schema-resolution)
// matches each writer branch to the first reader branch that can read it;
// only a branch of the same or a promotable type, with the same name, can.
// Checking two 5,000-branch unions therefore needs work linear in the
// branch count, not the product of the two.
func TestUnionCheckWorkIsLinearInBranches(t *testing.T) {
	const n = 5000
	writer := mustParse(t, bigUnion(n))
	reader := mustParse(t, bigUnion(n-1))
	r := &resolver{memo: map[schemaPair]*compatResult{}, unions: map[*avroSchema]*unionIndex{}}
	res, err := r.compatibilityAt("", reader, writer)
	if err != nil {
		t.Fatal(err)
	}
	// The writer's last branch, R4999, has no reader branch.
	if len(res.found) != 1 || res.found[0].typ != "MISSING_UNION_BRANCH" || res.found[0].path() != "/4999" {
		t.Fatalf("found %+v", res.found)
	}
	// Per writer branch: the union pair, the record pair, its field type pair.
	if limit := 4*n + 10; r.steps > limit {
		t.Errorf("compared %d type pairs, want at most %d", r.steps, limit)
	}
	// The other direction: the reader can read every writer branch.
	found, err := canRead(writer, reader)
	if err != nil || len(found) != 0 {
		t.Errorf("5000-branch union cannot read its 4999-branch prefix: %v %+v", err, found)
	}
}

// A union branch matched by alias or by promotion is still found.
func TestUnionIndexKeepsAliasesAndPromotions(t *testing.T) {
	for _, tc := range []struct{ reader, writer string }{
		{`["null",{"type":"record","name":"New","aliases":["ns.Old"],"fields":[]}]`, `{"type":"record","name":"Old","namespace":"ns","fields":[]}`},
		{`["null","double"]`, `"int"`},
		{`["null","bytes"]`, `"string"`},
		{`["string",{"type":"record","name":"R","namespace":"a","fields":[]}]`, `{"type":"record","name":"R","namespace":"b","fields":[]}`},
	} {
		found, err := canRead(mustParse(t, tc.reader), mustParse(t, tc.writer))
		if err != nil || len(found) != 0 {
			t.Errorf("%s cannot read %s: %v %+v", tc.reader, tc.writer, err, found)
		}
	}
}

func TestTooComplexCheckIsRefusedWithAClearError(t *testing.T) {
	l := startLab(t, t.TempDir())
	l.setLevel("", "NONE")
	l.register("u-value", bigUnion(50))
	l.setLevel("", "BACKWARD")
	saved := maxCompatSteps
	maxCompatSteps = 10
	defer func() { maxCompatSteps = saved }()
	e := l.wantError(http.MethodPost, "/subjects/u-value/versions", map[string]string{"schema": bigUnion(49)}, http.StatusUnprocessableEntity, 42201)
	if !strings.Contains(e.Message, "too complex to check") {
		t.Errorf("message %q", e.Message)
	}
}

// A slow compatibility check holds no registry-wide lock: while one
// registration is inside its check, another subject's registration, a read
// and a config change are answered.
func TestOtherSubjectsAreServedDuringACheck(t *testing.T) {
	l := startLab(t, t.TempDir())
	l.register("big-value", bigUnion(5000))

	inCheck := make(chan struct{})
	release := make(chan struct{})
	var once sync.Once
	l.reg.checkHook = func(subject string) {
		if subject != "big-value" {
			return
		}
		once.Do(func() { close(inCheck) })
		<-release
	}
	bigDone := make(chan int, 1)
	go func() {
		status, _ := l.call(http.MethodPost, "/subjects/big-value/versions", map[string]string{"schema": bigUnion(4999)}, nil)
		bigDone <- status
	}()
	<-inCheck

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	smallDone := make(chan int, 1)
	go func() {
		status, _ := l.call(http.MethodPost, "/subjects/small-value/versions", map[string]string{"schema": `"string"`}, nil)
		smallDone <- status
	}()
	select {
	case status := <-smallDone:
		if status != http.StatusOK {
			t.Errorf("small registration = %d", status)
		}
	case <-ctx.Done():
		t.Fatal("another subject's registration was not answered while a check was running")
	}
	select {
	case <-bigDone:
		t.Fatal("the big registration finished before its check was released")
	default:
	}
	l.setLevel("small-value", "NONE")
	close(release)
	// Backward: the 4999-branch reader lacks the writer's R4999.
	if status := <-bigDone; status != http.StatusConflict {
		t.Errorf("big registration = %d, want 409", status)
	}
}

func BenchmarkCompatLargeUnion(b *testing.B) {
	old, err := parseAvro(bigUnion(5000), nil)
	if err != nil {
		b.Fatal(err)
	}
	next, err := parseAvro(bigUnion(4999), nil)
	if err != nil {
		b.Fatal(err)
	}
	previous := []previousSchema{{version: 1, canonical: "[...]", schema: old}}
	b.ReportAllocs()
	for b.Loop() {
		msgs, err := checkLevel(levelFull, next, previous)
		if err != nil || len(msgs) == 0 {
			b.Fatalf("check = %v, %v", msgs, err)
		}
	}
}

// With checks running outside the write lock, concurrent registrations
// still get distinct ids for distinct schemas, one version each, and
// consecutive version numbers per subject.
func TestConcurrentRegistrationsGetDistinctIDsAndVersions(t *testing.T) {
	l := startLab(t, t.TempDir())
	l.setLevel("", "NONE")
	const n = 8
	type result struct {
		subject string
		id      int
		status  int
	}
	results := make(chan result, 2*n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		for _, subject := range []string{"same-value", fmt.Sprintf("own-%d-value", i)} {
			wg.Add(1)
			go func(i int, subject string) {
				defer wg.Done()
				var out struct {
					ID int `json:"id"`
				}
				schema := fmt.Sprintf(`{"type":"fixed","name":"F%d","size":%d}`, i, len(subject))
				status, _ := l.call(http.MethodPost, "/subjects/"+subject+"/versions", map[string]string{"schema": schema}, &out)
				results <- result{subject, out.ID, status}
			}(i, subject)
		}
	}
	wg.Wait()
	close(results)
	ids := map[int]string{}
	for r := range results {
		if r.status != http.StatusOK {
			t.Fatalf("register %s = %d", r.subject, r.status)
		}
		if other, dup := ids[r.id]; dup {
			t.Errorf("id %d given to %s and %s for different schemas", r.id, other, r.subject)
		}
		ids[r.id] = r.subject
	}
	var versions []int
	l.call(http.MethodGet, "/subjects/same-value/versions", nil, &versions)
	if len(versions) != n {
		t.Fatalf("same-value versions = %v, want %d", versions, n)
	}
	for i, v := range versions {
		if v != i+1 {
			t.Errorf("same-value versions = %v, want 1..%d", versions, n)
			break
		}
	}
}
