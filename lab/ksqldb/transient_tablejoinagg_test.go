package ksqldb

import (
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// A push query aggregating a table-table join builds the persistent
// query's steps under its transient application id (QueryBuilder.
// buildTransientQuery, see transient_internal_test.go), so it has the
// internal topics the historical plan group-by_-_on_join (confluentinc/ksql
// v7.9.0) lists for the persistent query (aggregate_tablejoin_store_test.go):
// both tables' KafkaTopic_<side>-Reduce changelogs, the Prepare step's
// Aggregate-Prepare-Last changelog, the Aggregate-GroupBy-repartition topic
// and the aggregate's Aggregate-Aggregate-Materialize changelog, with the
// persistent query's layouts. The rows are QTT group-by.json "on join"'s.
func TestATransientTableTableJoinAggregationKeepsThePlansInternalTopicsUntilItIsClosed(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	ddl, _, _ := strings.Cut(onJoin, "CREATE TABLE OUTPUT")
	mustKSQL(t, url, ddl, nil)
	st.produceOnJoin(onJoinInputs)
	_, rd, qid := openQueryStreamWith(t, h2c(), url, "SELECT t1.ID, SUM(t1.total + CASE WHEN t2.total IS NULL THEN 0 ELSE t2.total END) as SUM FROM T1 LEFT JOIN T2 ON (t1.ID = t2.ID) GROUP BY t1.ID HAVING COUNT(1) > 0 EMIT CHANGES;",
		map[string]any{"auto.offset.reset": "earliest"})
	got := map[string][]string{}
	for range 6 {
		line := readLine(t, rd)
		k, v, _ := strings.Cut(strings.Trim(line, "[]"), ",")
		key := string(bigintKey(0))
		if k == "1" {
			key = string(bigintKey(1))
		}
		got[key] = append(got[key], `{"SUM":`+v+`}`)
	}
	if !maps.EqualFunc(got, onJoinOutputs, slices.Equal) {
		t.Errorf("push rows by key %q, want %q", got, onJoinOutputs)
	}
	app, topics := transientTopics(t, st, qid)
	var want []string
	for _, suffix := range []string{"Aggregate-Aggregate-Materialize-changelog", "Aggregate-GroupBy-repartition",
		"Aggregate-Prepare-Last-changelog", "KafkaTopic_Left-Reduce-changelog", "KafkaTopic_Right-Reduce-changelog"} {
		want = append(want, app+"-"+suffix)
	}
	if got := slices.Sorted(maps.Keys(topics)); !slices.Equal(got, want) {
		t.Fatalf("the push query's internal topics %q, want %q", got, want)
	}
	for topic, n := range topics {
		if n != 4 {
			t.Errorf("%s has %d partitions, want the tables' 4", topic, n)
		}
	}
	repart := app + "-Aggregate-GroupBy-repartition"
	if got := topicConfigs(t, st.adm, repart, "cleanup.policy", "retention.ms"); got["cleanup.policy"] != "delete" || got["retention.ms"] != "-1" {
		t.Errorf("%s configs %v, want a repartition topic's cleanup.policy delete, retention.ms -1", repart, got)
	}
	waitFor(t, func() bool { return distinctKeys(t, st, repart) == 2 }, "both groups' records in "+repart)
	st.waitStore(app+"-Aggregate-Prepare-Last-changelog", map[string]storeEntry{
		string(bigintKey(0)): {`{"T1_ID":0,"T1_TOTAL":100,"T2_TOTAL":null,"KSQL_INTERNAL_COL_3":100,"KSQL_INTERNAL_COL_4":1}`, 6000},
		string(bigintKey(1)): {`{"T1_ID":1,"T1_TOTAL":101,"T2_TOTAL":10,"KSQL_INTERNAL_COL_3":111,"KSQL_INTERNAL_COL_4":1}`, 4000},
	})
	st.waitStore(app+"-Aggregate-Aggregate-Materialize-changelog", map[string]storeEntry{
		string(bigintKey(0)): {`{"T1_ID":0,"T1_TOTAL":100,"T2_TOTAL":null,"KSQL_AGG_VARIABLE_0":100,"KSQL_AGG_VARIABLE_1":1}`, 6000},
		string(bigintKey(1)): {`{"T1_ID":1,"T1_TOTAL":101,"T2_TOTAL":10,"KSQL_AGG_VARIABLE_0":111,"KSQL_AGG_VARIABLE_1":1}`, 4000},
	})
	if r := do(t, http.DefaultClient, http.MethodPost, url+"/close-query", `{"queryId":"`+qid+`"}`, nil); r.code != 200 {
		t.Fatalf("close-query: %d %s", r.code, r.body)
	}
	waitFor(t, func() bool { _, left := transientTopics(t, st, qid); return len(left) == 0 }, "the closed push query's internal topics deleted")
}
