package ksqldb

import (
	"testing"
)

// byOffsetRows runs one EARLIEST_BY_OFFSET or LATEST_BY_OFFSET call over
// an INT column F0 of records of key 0, and returns the sink's values.
func byOffsetRows(t *testing.T, agg string, in []string) []string {
	t.Helper()
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM INPUT (ID BIGINT KEY, F0 INT) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');", nil)
	mustKSQL(t, url, "CREATE TABLE OUTPUT AS SELECT ID, "+agg+" AS L0 FROM INPUT GROUP BY ID;", earliest())
	for _, v := range in {
		st.produce("test_topic", kv{bigintKey(0), []byte(`{"F0":` + v + `}`)})
	}
	return sinkValues(st, "OUTPUT", len(in))
}

// EARLIEST_BY_OFFSET(col, n) and (col, n, ignoreNulls) return an ARRAY of
// the first n values taken, nulls skipped unless ignoreNulls is false
// (EarliestByOffset.earliestTN, confluentinc/ksql v7.9.0; query-validation-tests
// earliest-offset-udaf.json "earliest n by offset", "null first - multiple - ...",
// "earliest n by offset with all nulls").
func TestEarliestByOffsetN(t *testing.T) {
	for _, c := range []struct {
		name, agg string
		in, want  []string
	}{
		{"keeps the first n values", "EARLIEST_BY_OFFSET(F0, 2)", []string{"7", "8", "9"},
			[]string{`{"L0":[7]}`, `{"L0":[7,8]}`, `{"L0":[7,8]}`}},
		{"skips nulls by default, an empty array before any value", "EARLIEST_BY_OFFSET(F0, 2)", []string{"null", "5", "null", "6"},
			[]string{`{"L0":[]}`, `{"L0":[5]}`, `{"L0":[5]}`, `{"L0":[5,6]}`}},
		{"counts nulls when told not to ignore them", "EARLIEST_BY_OFFSET(F0, 2, false)", []string{"null", "5", "6"},
			[]string{`{"L0":[null]}`, `{"L0":[null,5]}`, `{"L0":[null,5]}`}},
		{"ignores nulls when told to", "EARLIEST_BY_OFFSET(F0, 3, true)", []string{"null", "5"},
			[]string{`{"L0":[]}`, `{"L0":[5]}`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			sameLines(t, "OUTPUT", byOffsetRows(t, c.agg, c.in), c.want)
		})
	}
}

// LATEST_BY_OFFSET(col, n) and (col, n, ignoreNulls) return an ARRAY of
// the last n values taken, oldest first (LatestByOffset.latestTN;
// query-validation-tests latest-offset-udaf.json "latest n by offset",
// "nulls ignored - multiple", "nulls not ignored - multiple").
func TestLatestByOffsetN(t *testing.T) {
	for _, c := range []struct {
		name, agg string
		in, want  []string
	}{
		{"keeps the last n values", "LATEST_BY_OFFSET(F0, 2)", []string{"7", "8", "9"},
			[]string{`{"L0":[7]}`, `{"L0":[7,8]}`, `{"L0":[8,9]}`}},
		{"skips nulls by default", "LATEST_BY_OFFSET(F0, 2)", []string{"null", "5", "null"},
			[]string{`{"L0":[]}`, `{"L0":[5]}`, `{"L0":[5]}`}},
		{"counts nulls when told not to ignore them", "LATEST_BY_OFFSET(F0, 2, false)", []string{"4", "null", "6"},
			[]string{`{"L0":[4]}`, `{"L0":[4,null]}`, `{"L0":[null,6]}`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			sameLines(t, "OUTPUT", byOffsetRows(t, c.agg, c.in), c.want)
		})
	}
}

// Merged sessions' arrays are put in the order their values were taken
// and cut to n from the front, for LATEST_BY_OFFSET as for
// EARLIEST_BY_OFFSET (both merge functions sort by KudafByOffsetUtils'
// INTERMEDIATE_STRUCT_COMPARATOR and keep the first n); the record that
// merged them is then added (query-validation-tests latest-offset-udaf.json
// and earliest-offset-udaf.json "merging session windows - ... - N").
func TestByOffsetNMergeSessions(t *testing.T) {
	for _, c := range []struct {
		name, agg string
		in        []string // timestamp:value of F0
		want      []string
	}{
		{"latest, nulls counted", "LATEST_BY_OFFSET(F0, 2, false)", []string{"0:3", "1500:null", "700:4"},
			[]string{`0-0 {"L0":[3]}`, `1500-1500 {"L0":[null]}`, `0-0 null`, `1500-1500 null`, `0-1500 {"L0":[null,4]}`}},
		{"latest, merged arrays keep their oldest n", "LATEST_BY_OFFSET(F0, 2)", []string{"0:1", "100:2", "1500:3", "700:4"},
			[]string{`0-0 {"L0":[1]}`, `0-0 null`, `0-100 {"L0":[1,2]}`, `1500-1500 {"L0":[3]}`, `0-100 null`, `1500-1500 null`, `0-1500 {"L0":[2,4]}`}},
		{"earliest, nulls ignored", "EARLIEST_BY_OFFSET(F0, 2, true)", []string{"0:null", "1500:8", "700:null"},
			[]string{`0-0 {"L0":[]}`, `1500-1500 {"L0":[8]}`, `0-0 null`, `1500-1500 null`, `0-1500 {"L0":[8]}`}},
		{"earliest, nulls counted", "EARLIEST_BY_OFFSET(F0, 2, false)", []string{"0:null", "1500:8", "700:9"},
			[]string{`0-0 {"L0":[null]}`, `1500-1500 {"L0":[8]}`, `0-0 null`, `1500-1500 null`, `0-1500 {"L0":[null,8]}`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			sameLines(t, "OUTPUT", sessionAggRows(t, c.agg, c.in, len(c.want)), c.want)
		})
	}
}

// The count must be 1 or more: the UDAF factory throws, and ksqlDB reports
// UdafFactoryInvoker.createFunction's 'Failed to invoke UDAF factory
// method' (EarliestByOffset.earliestTN, LatestByOffset.latestTN).
func TestByOffsetNRefusesCountBelowOne(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM INPUT (ID BIGINT KEY, F0 INT) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');", nil)
	for _, q := range []string{"LATEST_BY_OFFSET(F0, 0)", "EARLIEST_BY_OFFSET(F0, -1, true)"} {
		code, body := stmtErr(t, url, "CREATE TABLE OUTPUT AS SELECT ID, "+q+" AS L0 FROM INPUT GROUP BY ID;")
		if code != 400 || body["message"] != "Failed to invoke UDAF factory method" {
			t.Errorf("%s: %d %v", q, code, body["message"])
		}
	}
}
