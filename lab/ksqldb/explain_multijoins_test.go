package ksqldb

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kmsg"
)

// multiJoinPlan is one historical plan of query-validation-tests/multi-joins.json
// in confluentinc/ksql v7.9.0 (its newest version directory), as
// testdata/explain/multi-joins.json keeps it: the test's statements and
// topics (spec.json testCase.statements and topics), the topology file
// beside it (the plan's topology, unchanged) and the query's internal
// topics (spec.json testCase.post.topics, named after the query id) with
// the key and value schemas the registry holds for them.
type multiJoinPlan struct {
	Case       string   `json:"case"`
	Plan       string   `json:"plan"`
	Statements []string `json:"statements"`
	Topics     []struct {
		Name       string `json:"name"`
		Partitions int32  `json:"partitions"`
	} `json:"topics"`
	Topology       string `json:"topology"`
	InternalTopics []struct {
		Suffix      string          `json:"suffix"`
		KeySchema   json.RawMessage `json:"keySchema"`
		ValueSchema json.RawMessage `json:"valueSchema"`
	} `json:"internalTopics"`
}

// multiJoinGaps are the historical plans whose query this server still
// plans otherwise than ksqlDB, each with what differs. A plan listed here
// that matches fails the spec, so the list only shrinks.
var multiJoinGaps = map[string]string{}

// Every multi-joins historical plan's query, run from the case's
// statements, is EXPLAINed with the plan's topology byte for byte and keeps
// the plan's internal topics (names, and the schemas registered for those
// keyed or valued in a format that infers schemas) and no others.
func TestMultiJoinQueriesMatchTheirHistoricalPlans(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "explain", "multi-joins.json"))
	if err != nil {
		t.Fatal(err)
	}
	var plans []multiJoinPlan
	if err := json.Unmarshal(b, &plans); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, p := range plans {
		seen[p.Case] = true
		t.Run(p.Case, func(t *testing.T) {
			diffs := multiJoinDiffs(t, p)
			reason, gap := multiJoinGaps[p.Case]
			switch {
			case gap && len(diffs) == 0:
				t.Errorf("matches its historical plan now: take it off the gap list (%s)", reason)
			case gap:
				t.Skipf("known gap: %s; differs in:\n%s", reason, strings.Join(diffs, "\n"))
			case len(diffs) > 0:
				t.Errorf("%s differs from the historical plan:\n%s", p.Plan, strings.Join(diffs, "\n"))
			}
		})
	}
	for c := range multiJoinGaps {
		if !seen[c] {
			t.Errorf("gap list names %s, which is no historical plan", c)
		}
	}
}

// multiJoinDiffs runs a plan's statements on a fresh stack and answers how
// the query's EXPLAIN topology and internal topics differ from the plan's.
func multiJoinDiffs(t *testing.T, p multiJoinPlan) []string {
	t.Helper()
	want, err := os.ReadFile(filepath.Join("testdata", "explain", p.Topology))
	if err != nil {
		t.Fatal(err)
	}
	st := newStack(t)
	for _, tp := range p.Topics {
		st.createTopic(tp.Name, tp.Partitions)
	}
	_, url := st.serve()
	for _, s := range p.Statements {
		if code, body := post(t, url, "/ksql", s, nil); code != http.StatusOK {
			return []string{fmt.Sprintf("statement %q: %d %s", s, code, body)}
		}
	}
	var diffs []string
	qid := queryWriting(t, url, "OUTPUT")
	code, body := post(t, url, "/ksql", "EXPLAIN "+qid+";", nil)
	var ents []struct {
		QueryDescription struct {
			Topology string `json:"topology"`
		} `json:"queryDescription"`
	}
	if err := json.Unmarshal(body, &ents); code != http.StatusOK || err != nil || len(ents) != 1 {
		diffs = append(diffs, fmt.Sprintf("EXPLAIN: %d %s", code, body))
	} else if got := ents[0].QueryDescription.Topology; got != string(want) {
		diffs = append(diffs, fmt.Sprintf("topology:\n%s\nwant (%s)\n%s", got, p.Topology, want))
	}

	prefix := queryTopic(qid, "")
	var wantTopics []string
	wantSchemas := map[string]json.RawMessage{}
	for _, it := range p.InternalTopics {
		wantTopics = append(wantTopics, prefix+it.Suffix)
		if it.KeySchema != nil {
			wantSchemas[prefix+it.Suffix+"-key"] = it.KeySchema
		}
		if it.ValueSchema != nil {
			wantSchemas[prefix+it.Suffix+"-value"] = it.ValueSchema
		}
	}
	slices.Sort(wantTopics)
	// the query makes its internal topics as it starts, after the
	// statement is answered
	var gotTopics []string
	for deadline := time.Now().Add(3 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		gotTopics = gotTopics[:0]
		for _, tp := range brokerTopics(t, st) {
			if strings.HasPrefix(tp, prefix+"-") {
				gotTopics = append(gotTopics, tp)
			}
		}
		slices.Sort(gotTopics)
		if slices.Equal(gotTopics, wantTopics) || time.Now().After(deadline) {
			break
		}
	}
	if !slices.Equal(gotTopics, wantTopics) {
		diffs = append(diffs, fmt.Sprintf("internal topics:\n got %q\nwant %q", gotTopics, wantTopics))
	}
	gotSchemas := map[string]json.RawMessage{}
	for _, subject := range registrySubjects(t, st.reg.URL()) {
		if strings.HasPrefix(subject, prefix+"-") {
			_, text := latestSchema(t, st.reg.URL(), subject)
			gotSchemas[subject] = json.RawMessage(text)
		}
	}
	subjects := slices.Collect(maps.Keys(gotSchemas))
	for s := range wantSchemas {
		if _, ok := gotSchemas[s]; !ok {
			subjects = append(subjects, s)
		}
	}
	slices.Sort(subjects)
	for _, subject := range subjects {
		got, want := gotSchemas[subject], wantSchemas[subject]
		if got == nil || want == nil || !sameJSON(t, string(got), string(want)) {
			diffs = append(diffs, fmt.Sprintf("schema of %s: got %s, want %s", subject, got, want))
		}
	}
	return diffs
}

// brokerTopics asks the broker for every topic it has now.
func brokerTopics(t *testing.T, st *stack) []string {
	t.Helper()
	resp, err := kmsg.NewPtrMetadataRequest().RequestWith(context.Background(), st.cl)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range resp.Topics {
		if d.Topic != nil && d.ErrorCode == 0 {
			out = append(out, *d.Topic)
		}
	}
	return out
}

// registrySubjects lists the registry's subjects.
func registrySubjects(t *testing.T, regURL string) []string {
	t.Helper()
	resp, err := http.Get(regURL + "/subjects")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out []string
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("subjects: %v", err)
	}
	return out
}
