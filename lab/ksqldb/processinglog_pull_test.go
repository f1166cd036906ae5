package ksqldb

import (
	"encoding/json"
	"strings"
	"testing"
)

// A pull query's WHERE is evaluated by its SelectOperator on the rows its
// data source operator reads, and logged under processing.pull_query.SELECT
// (confluentinc/ksql v7.9.0 ksqldb-engine .../execution/pull/PullPhysicalPlanBuilder.java
// translateFilterNode, .../common/operators/SelectOperator.java): a key
// lookup reads the rows of the keys each disjunct pins
// (KeyedTableLookupOperator, mat.nonWindowed().get(key, partition)), a
// range scan the rows from or to the bound its constraint takes, the
// bound included ("Underlying store will always return keys inclusive the
// endpoints"), so a row neither reads is not evaluated and logs nothing;
// a row read whose predicate throws is not sent.
func TestProcessingLogHoldsWhatAPullQueryWhereThrowsOnTheRowsItReads(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithProcessingLog())
	mustKSQL(t, url, `CREATE SOURCE TABLE lt (id INT PRIMARY KEY, b INT) WITH (KAFKA_TOPIC='lt', PARTITIONS=1, VALUE_FORMAT='JSON');`, earliest())
	mustKSQL(t, url, `CREATE SOURCE TABLE rt (k STRING PRIMARY KEY, b INT) WITH (KAFKA_TOPIC='rt', PARTITIONS=1, VALUE_FORMAT='JSON');`, earliest())
	st.produce("lt",
		kv{intKey(1), []byte(`{"B":0}`)},
		kv{intKey(2), []byte(`{"B":0}`)},
		kv{intKey(3), []byte(`{"B":5}`)})
	st.produce("rt",
		kv{[]byte("a"), []byte(`{"B":0}`)},
		kv{[]byte("b"), []byte(`{"B":0}`)},
		kv{[]byte("c"), []byte(`{"B":5}`)})
	waitFor(t, func() bool {
		_, l, _ := pullRows(t, url, "SELECT id FROM lt;")
		_, r, _ := pullRows(t, url, "SELECT k FROM rt;")
		return len(l) == 3 && len(r) == 3
	}, "lt and rt to hold three rows each")
	// rows 1 and 3 are read; 2 is not, and would throw too
	_, lookup, _ := pullRows(t, url, "SELECT id FROM lt WHERE b > 10 / 0 AND (id = 1 OR id = 3);")
	// 'b' and 'c' are read from the bound 'b', which the store includes;
	// 'a' is not, and would throw too
	_, scan, _ := pullRows(t, url, "SELECT k FROM rt WHERE b > 10 / 0 AND k > 'b';")
	t.Run("the rows whose WHERE throws are not sent", func(t *testing.T) {
		if len(lookup)+len(scan) != 0 {
			t.Errorf("rows %v %v, want none", lookup, scan)
		}
	})
	t.Run("the rows read log, in the order they are read, and no other", func(t *testing.T) {
		lookupText := "Error evaluating predicate (((B > (10 / 0)) AND (ID = 1)) OR ((B > (10 / 0)) AND (ID = 3)))"
		scanText := "Error evaluating predicate ((B > (10 / 0)) AND (K > 'b'))"
		checkEntries(t, processingLogEntries(t, st, url, 4), "pull_query", []logEntry{
			{"SELECT", lookupText, []string{"/ by zero"}},
			{"SELECT", lookupText, []string{"/ by zero"}},
			{"SELECT", scanText, []string{"/ by zero"}},
			{"SELECT", scanText, []string{"/ by zero"}},
		})
	})
}

// The SelectOperator evaluates the predicate QueryFilterNode rewrote, not
// the one written, and its SqlPredicate logs that one's text:
// PullQueryRewriter.rewrite reads a string compared with ROWTIME as its
// epoch milliseconds (StatementRewriteForMagicPseudoTimestamp), turns
// BETWEEN into two comparisons and IN into ORs of equalities, then
// LogicRewriter.rewriteDNF pushes NOTs down (NotPropagator, which keeps a
// NOT only over a comparison, a column or a boolean literal: NOT LIKE,
// which AstBuilder.visitLike parses as NOT over LIKE, is left a LIKE) and
// distributes AND over OR (confluentinc/ksql v7.9.0 ksqldb-engine
// .../planner/plan/PullQueryRewriter.java, LogicRewriter.java,
// QueryFilterNode.java getRewrittenPredicate, SelectOperator.java).
func TestProcessingLogHoldsAPullQueryWhereAsQueryFilterNodeRewritesIt(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithProcessingLog())
	mustKSQL(t, url, `CREATE SOURCE TABLE wt (id INT PRIMARY KEY, a INT, b INT, s STRING) WITH (KAFKA_TOPIC='wt', PARTITIONS=1, VALUE_FORMAT='JSON');`, earliest())
	st.produce("wt",
		kv{intKey(1), []byte(`{"A":4,"B":0,"S":"ab"}`)},
		kv{intKey(2), []byte(`{"A":2,"B":5,"S":"cd"}`)})
	waitFor(t, func() bool {
		_, rows, _ := pullRows(t, url, "SELECT id FROM wt;")
		return len(rows) == 2
	}, "wt to hold two rows")
	queries := []string{
		"SELECT id FROM wt WHERE a BETWEEN 10 / b AND 5;",
		"SELECT id FROM wt WHERE a IN (1, 10 / b);",
		"SELECT id FROM wt WHERE (a = 4 OR a = 2) AND 10 / b > 0;",
		"SELECT id FROM wt WHERE ROWTIME > '2000-01-01' AND 10 / b > 0;",
	}
	var got []string
	for _, q := range queries {
		_, rows, _ := pullRows(t, url, q)
		got = append(got, strings.Join(rows, " "))
	}
	t.Run("the rows whose rewritten WHERE holds are sent", func(t *testing.T) {
		if g := strings.Join(got, " | "); g != `[2] | [2] | [2] | [2]` {
			t.Errorf("rows %s, want [2] | [2] | [2] | [2]", g)
		}
	})
	t.Run("NOT LIKE is evaluated as the LIKE NotPropagator leaves", func(t *testing.T) {
		_, rows, _ := pullRows(t, url, "SELECT id FROM wt WHERE s NOT LIKE 'a%';")
		if g := strings.Join(rows, " "); g != `[1]` {
			t.Errorf("rows %s, want [1]", g)
		}
	})
	t.Run("each logs its rewritten predicate", func(t *testing.T) {
		checkEntries(t, processingLogEntries(t, st, url, 4), "pull_query", []logEntry{
			{"SELECT", "Error evaluating predicate ((A >= (10 / B)) AND (A <= 5))", []string{"/ by zero"}},
			{"SELECT", "Error evaluating predicate ((A = 1) OR (A = (10 / B)))", []string{"/ by zero"}},
			{"SELECT", "Error evaluating predicate (((A = 4) AND ((10 / B) > 0)) OR ((A = 2) AND ((10 / B) > 0)))", []string{"/ by zero"}},
			{"SELECT", "Error evaluating predicate ((ROWTIME > 946684800000) AND ((10 / B) > 0))", []string{"/ by zero"}},
		})
	})
}

// A pull query over a stream is a transient query, built from the same
// physical plan as a push query with its step builders and read to the
// end offsets it saw when it started (confluentinc/ksql v7.9.0
// ksqldb-engine .../engine/EngineExecutor.java executeStreamPullQuery,
// .../query/QueryRegistryImpl.java createStreamPullQuery,
// QueryBuilder.buildTransientQuery), so its WhereFilter and Project steps
// log what they throw under loggers named after its id,
// transient_<source's alias>_<n> (QueryIdUtil.buildId,
// RuntimeBuildContext.getProcessingLogger), as a push query's do: the row
// whose WHERE throws is not sent, the column whose expression throws is
// NULL, its index counting the key column the projection keeps.
func TestProcessingLogHoldsWhatAPullQueryOverAStreamThrows(t *testing.T) {
	st, url := startThrowingStream(t, "ps")
	_, rows, _ := pullRows(t, url, "SELECT id, a / b AS q FROM ps WHERE 10 / a > 0;")
	t.Run("the row whose projection throws has the column NULL, the row whose WHERE throws is not sent", func(t *testing.T) {
		if got := strings.Join(rows, " "); got != `[1 <nil>] [3 2]` {
			t.Errorf("rows %s", got)
		}
	})
	t.Run("each step logs under the transient query's logger", func(t *testing.T) {
		checkEntries(t, processingLogEntries(t, st, url, 2), "transient_PS_", throwingStreamEntries)
	})
	// its source step's deserializer logs under the same id
	st.produce("ps", kv{intKey(4), []byte(`not json`)})
	pullRows(t, url, "SELECT id FROM ps;")
	t.Run("a record its source cannot read logs under the transient query's deserializer", func(t *testing.T) {
		recs := st.consume("default_ksql_processing_log", 3)
		var entry plogEntry
		if err := json.Unmarshal(recs[2].value, &entry); err != nil {
			t.Fatalf("processing log record %q: %v", recs[2].value, err)
		}
		if !strings.HasPrefix(entry.Logger, "processing.transient_PS_") || !strings.HasSuffix(entry.Logger, ".KsqlTopic.Source.deserializer") || entry.Message.Type != 0 {
			t.Errorf("entry %s, want a deserialization error of processing.transient_PS_<n>.KsqlTopic.Source.deserializer", recs[2].value)
		}
	})
}
