package ksqldb

import (
	"slices"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
)

// A query over a table materializes the table in its KsqlTopic-Reduce
// store, whose changelog holds an entry per key: the table's key, and its
// value columns then ROWPARTITION and ROWOFFSET in its value format, at
// the record's time (historical plan count_-_count_table's
// "KsqlTopic.Source.Materialized" schema: `ID` STRING KEY, `NAME` STRING,
// `ROWPARTITION` INTEGER, `ROWOFFSET` BIGINT, DELIMITED). The store takes
// every record, before the query's WHERE.
func TestTableSourceStoreChangelogHoldsTheValueAndPseudoColumns(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE TABLE input (id STRING PRIMARY KEY, name STRING) WITH (kafka_topic='input_topic', partitions=1, value_format='DELIMITED');
CREATE TABLE output AS SELECT * FROM input WHERE name <> 'x';`, earliest())
	st.produceAt("input_topic", []byte("0"), []byte("bob"), 1000)
	st.produceAt("input_topic", []byte("1"), []byte("x"), 2000)
	st.produceAt("input_topic", []byte("2"), []byte("eve"), 2500)
	st.produceAt("input_topic", []byte("0"), nil, 3000)
	st.waitStore(sinkQueryTopic(t, url, "OUTPUT", "-KsqlTopic-Reduce-changelog"), map[string]storeEntry{
		"0": {"<null>", 3000},
		"1": {"x,0,1", 2000},
		"2": {"eve,0,2", 2500},
	})
}

// A restarted engine answers pull queries on a table projection from the
// store it reads back: the rows one run over every record gives.
func TestRestartRestoresATableProjectionFromItsSourceStore(t *testing.T) {
	st := newStack(t, kfake.DataDir(t.TempDir()))
	st.createTopic("input_topic", 1)
	st.produceAt("input_topic", []byte("0"), []byte(`{"NAME":"bob"}`), 1000)
	st.produceAt("input_topic", []byte("1"), []byte(`{"NAME":"x"}`), 2000)
	srv, url := st.serve()
	mustKSQL(t, url, `CREATE TABLE input (id STRING PRIMARY KEY, name STRING) WITH (kafka_topic='input_topic', value_format='JSON');
CREATE TABLE output AS SELECT id, UCASE(name) AS name FROM input WHERE name <> 'y';`, earliest())
	st.consumeRecords("OUTPUT", 2)
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	st.produceAt("input_topic", []byte("1"), []byte(`{"NAME":"y"}`), 3000) // now filtered out
	st.produceAt("input_topic", []byte("2"), []byte(`{"NAME":"eve"}`), 3500)
	_, url = st.serve()
	st.consumeRecords("OUTPUT", 4)
	_, rows, _ := pullRows(t, url, "SELECT * FROM output;")
	slices.Sort(rows)
	if want := []string{"[0 BOB]", "[2 EVE]"}; !slices.Equal(rows, want) {
		t.Errorf("pull query after the restart: %v, want %v", rows, want)
	}
}
