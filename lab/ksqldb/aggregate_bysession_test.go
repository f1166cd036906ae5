package ksqldb

import (
	"context"
	"encoding/binary"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// produceAt writes one record with the given timestamp (milliseconds).
func (st *stack) produceAt(topic string, key, value []byte, ms int64) {
	st.t.Helper()
	r := &kgo.Record{Topic: topic, Key: key, Value: value, Timestamp: time.UnixMilli(ms)}
	if err := st.cl.ProduceSync(context.Background(), r).FirstErr(); err != nil {
		st.t.Fatalf("produce %s: %v", topic, err)
	}
}

// sessionRows reads n records of a session-windowed table keyed by a
// BIGINT as "start-end value" (SessionKeySchema.toBinary lays a key out
// as the key, the window's end, then its start; a tombstone's value is
// "null").
func sessionRows(st *stack, topic string, n int) []string {
	var out []string
	for _, r := range st.consumeRecords(topic, n) {
		out = append(out, sessionRow(r))
	}
	return out
}

func sessionRow(r *kgo.Record) string {
	k := r.Key
	if len(k) != 24 {
		return fmt.Sprintf("key %x", k)
	}
	end, start := int64(binary.BigEndian.Uint64(k[8:16])), int64(binary.BigEndian.Uint64(k[16:]))
	v := "null"
	if r.Value != nil {
		v = string(r.Value)
	}
	return fmt.Sprintf("%d-%d %s", start, end, v)
}

// sessionAggRows runs agg AS L0 over 1 s SESSION windows of a stream whose
// F0 values arrive as in says (timestamp:value, all under key 0) and
// reads n rows of the result (sessionRow's form).
func sessionAggRows(t *testing.T, agg string, in []string, n int) []string {
	t.Helper()
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM INPUT (ID BIGINT KEY, F0 INT) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');", nil)
	mustKSQL(t, url, "CREATE TABLE OUTPUT AS SELECT ID, "+agg+" AS L0 FROM INPUT WINDOW SESSION (1 SECONDS) GROUP BY ID;", earliest())
	for _, x := range in {
		ts, v, _ := strings.Cut(x, ":")
		var ms int64
		fmt.Sscan(ts, &ms)
		st.produceAt("test_topic", bigintKey(0), []byte(`{"F0":`+v+`}`), ms)
	}
	return sessionRows(st, "OUTPUT", n)
}

// LATEST_BY_OFFSET and EARLIEST_BY_OFFSET aggregate SESSION windows: when
// a record merges sessions, their states are merged by the sequence each
// value was taken at, as the UDAFs' merge functions do (LatestByOffset and
// EarliestByOffset, KudafByOffsetUtils' comparators; confluentinc/ksql
// v7.9.0): the latest keeps the newest non-null value unless nulls count,
// the earliest keeps the oldest state. Inputs and outputs are
// query-validation-tests latest-offset-udaf.json and
// earliest-offset-udaf.json "merging session windows ...".
func TestLatestAndEarliestByOffsetMergeSessions(t *testing.T) {
	for _, c := range []struct {
		name, agg string
		in        []string // timestamp:value of F0
		want      []string
	}{
		{"latest, nulls ignored when merging", "LATEST_BY_OFFSET(F0)", []string{"0:1", "700:null"},
			[]string{`0-0 {"L0":1}`, `0-0 null`, `0-700 {"L0":1}`}},
		{"latest, nulls not ignored when merging", "LATEST_BY_OFFSET(F0, false)", []string{"0:1", "700:null"},
			[]string{`0-0 {"L0":1}`, `0-0 null`, `0-700 {"L0":null}`}},
		{"latest, merging two sessions", "LATEST_BY_OFFSET(F0)", []string{"0:1", "1500:3", "700:2"},
			[]string{`0-0 {"L0":1}`, `1500-1500 {"L0":3}`, `0-0 null`, `1500-1500 null`, `0-1500 {"L0":2}`}},
		{"earliest, nulls not ignored", "EARLIEST_BY_OFFSET(F0, false)", []string{"0:null", "1500:1", "700:null"},
			[]string{`0-0 {"L0":null}`, `1500-1500 {"L0":1}`, `0-0 null`, `1500-1500 null`, `0-1500 {"L0":null}`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			sameLines(t, "OUTPUT", sessionAggRows(t, c.agg, c.in, len(c.want)), c.want)
		})
	}
}
