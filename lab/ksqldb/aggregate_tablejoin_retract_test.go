package ksqldb

import (
	"encoding/binary"
	"fmt"
	"slices"
	"testing"
)

// An aggregation of a table-table join takes each update of a join result
// out of its group with the result's previous row and adds the new one,
// as KTableAggregate subtracts a Change's old value and adds its new one.
// QTT group-by.json "on join" (confluentinc/ksql v7.9.0): T1 0 -> 100,
// T1 1 -> 101, T2 0 -> 5, T2 1 -> 10, T2 0 -> 20, T2 0 deleted give SUMs
// 100, 101, 105, 111, 120, 100.
func TestTableTableJoinAggregationRetractsTheResultsPreviousRow(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE TABLE t1 (id BIGINT PRIMARY KEY, total INT) WITH (kafka_topic='t1', partitions=1, value_format='JSON');
CREATE TABLE t2 (id BIGINT PRIMARY KEY, total INT) WITH (kafka_topic='t2', partitions=1, value_format='JSON');
CREATE TABLE sums AS SELECT t1.id, SUM(t1.total + CASE WHEN t2.total IS NULL THEN 0 ELSE t2.total END) AS sum FROM t1 LEFT JOIN t2 ON t1.id = t2.id GROUP BY t1.id;`, earliest())
	key := bigintKey
	st.produceAt("t1", key(0), []byte(`{"TOTAL":100}`), 1000)
	st.produceAt("t1", key(1), []byte(`{"TOTAL":101}`), 1000)
	st.produceAt("t2", key(0), []byte(`{"TOTAL":5}`), 2000)
	st.produceAt("t2", key(1), []byte(`{"TOTAL":10}`), 2000)
	st.produceAt("t2", key(0), []byte(`{"TOTAL":20}`), 3000)
	st.produceAt("t2", key(0), nil, 4000)
	var got []string
	for _, r := range st.records("SUMS", 6) {
		got = append(got, string(r.Value))
	}
	want := []string{`{"SUM":100}`, `{"SUM":101}`, `{"SUM":105}`, `{"SUM":111}`, `{"SUM":120}`, `{"SUM":100}`}
	if !slices.Equal(got, want) {
		t.Errorf("SUMS: got %q, want %q", got, want)
	}
}

// The aggregation's Aggregate-GroupBy-repartition topic holds the join
// results' updates as Changes, laid out as ChangedSerializer lays them
// out (apache/kafka 3.9): a new result's Prepare row then 1, and an
// update within one group the new row's length as a varint, the new row,
// the old row, then 2. The historical plan sum_-_sum_int_left_join_of_table
// (confluentinc/ksql v7.9.0) lists the topic with the schema `T1_ID`
// BIGINT KEY, `T1_ID` BIGINT, `T2_TOTAL` INTEGER.
func TestTableTableJoinAggregationRepartitionsTheResultsChanges(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE TABLE t1 (id BIGINT PRIMARY KEY, total INT) WITH (kafka_topic='t1', partitions=1, value_format='JSON');
CREATE TABLE t2 (id BIGINT PRIMARY KEY, total INT) WITH (kafka_topic='t2', partitions=1, value_format='JSON');
CREATE TABLE sums AS SELECT t1.id, SUM(t2.total) AS sum FROM t1 LEFT JOIN t2 ON t1.id = t2.id GROUP BY t1.id;`, earliest())
	key := bigintKey(7)
	st.produceAt("t1", key, []byte(`{"TOTAL":100}`), 1000)
	st.produceAt("t2", key, []byte(`{"TOTAL":5}`), 2000)
	topic := sinkQueryTopic(t, url, "SUMS", "-Aggregate-GroupBy-repartition")
	first, second := `{"T1_ID":7,"T2_TOTAL":null}`, `{"T1_ID":7,"T2_TOTAL":5}`
	want := []string{
		fmt.Sprintf("%x %x @1000", key, first+"\x01"),
		fmt.Sprintf("%x %x @2000", key, append(binary.AppendVarint(nil, int64(len(second))), second+first+"\x02"...)),
	}
	var got []string
	for _, r := range st.records(topic, 2) {
		got = append(got, fmt.Sprintf("%x %x @%d", r.Key, r.Value, r.Timestamp.UnixMilli()))
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got %q\nwant %q", topic, got, want)
	}
}
