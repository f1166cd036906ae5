package ksqldb

import (
	"encoding/binary"
	"fmt"
	"slices"
	"testing"
)

// COUNT() counts rows as COUNT(*) does (AstBuilder.visitFunctionCall makes
// both a call without arguments); COUNT_DISTINCT counts distinct non-NULL
// values; EARLIEST/LATEST_BY_OFFSET(x, false) keep NULL values, while the
// one-argument forms skip them; GROUP BY takes several columns.
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/aggregate-functions/
func TestAggregateVariants(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM ev (id INT KEY, line STRING, station STRING, n INT)
		WITH (KAFKA_TOPIC='ev', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE TABLE agg WITH (KEY_FORMAT='JSON') AS SELECT line, station, COUNT() AS c, COUNT_DISTINCT(n) AS d,
  LATEST_BY_OFFSET(n, false) AS lastn, EARLIEST_BY_OFFSET(n, false) AS firstn,
  LATEST_BY_OFFSET(n) AS lastnn, EARLIEST_BY_OFFSET(n) AS firstnn
  FROM ev GROUP BY line, station EMIT CHANGES;`, earliest())
	st.produce("ev",
		kv{intKey(1), []byte(`{"line":"red","station":"A","n":1}`)},
		kv{intKey(2), []byte(`{"line":"red","station":"A","n":null}`)},
		kv{intKey(3), []byte(`{"line":"red","station":"A","n":2}`)},
		kv{intKey(4), []byte(`{"line":"green","station":"C"}`)},
		kv{intKey(5), []byte(`{"line":"green","station":"C","n":3}`)},
	)
	recs := st.consume("AGG", 5)
	var got []string
	for _, r := range recs {
		got = append(got, string(r.key)+" "+string(r.value))
	}
	want := []string{
		`{"LINE":"red","STATION":"A"} {"C":1,"D":1,"LASTN":1,"FIRSTN":1,"LASTNN":1,"FIRSTNN":1}`,
		`{"LINE":"red","STATION":"A"} {"C":2,"D":1,"LASTN":null,"FIRSTN":1,"LASTNN":1,"FIRSTNN":1}`,
		`{"LINE":"red","STATION":"A"} {"C":3,"D":2,"LASTN":2,"FIRSTN":1,"LASTNN":2,"FIRSTNN":1}`,
		`{"LINE":"green","STATION":"C"} {"C":1,"D":0,"LASTN":null,"FIRSTN":null,"LASTNN":null,"FIRSTNN":null}`,
		`{"LINE":"green","STATION":"C"} {"C":2,"D":1,"LASTN":3,"FIRSTN":null,"LASTNN":3,"FIRSTNN":3}`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("AGG:\n got %v\nwant %v", got, want)
	}
	code, e := stmtErr(t, url, "CREATE TABLE bad AS SELECT line, LATEST_BY_OFFSET(n, station) AS x FROM ev GROUP BY line;")
	if code != 400 || e["message"] != "Parameter 2 passed to function LATEST_BY_OFFSET must be a literal constant, but was expression: 'STATION'" {
		t.Errorf("non-literal ignoreNulls: %d %v", code, e)
	}
}

// COLLECT_LIST keeps every value (NULLs too) in order, COLLECT_SET the
// distinct ones, HISTOGRAM counts STRING values, TOPK / TOPKDISTINCT keep the
// k largest in descending order (udaf/array, udaf/map, udaf/topk in
// confluentinc/ksql ksqldb-engine).
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/aggregate-functions/
func TestCollectingAggregates(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM ev (id INT KEY, line STRING, n INT)
		WITH (KAFKA_TOPIC='ev', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE TABLE coll AS SELECT line, COLLECT_LIST(n) AS l, COLLECT_SET(n) AS s, HISTOGRAM(CAST(n AS STRING)) AS h,
  TOPK(n, 2) AS top, TOPKDISTINCT(n, 2) AS topd FROM ev GROUP BY line EMIT CHANGES;`, earliest())
	st.produce("ev",
		kv{intKey(1), []byte(`{"line":"red","n":3}`)},
		kv{intKey(2), []byte(`{"line":"red","n":5}`)},
		kv{intKey(3), []byte(`{"line":"red","n":null}`)},
		kv{intKey(4), []byte(`{"line":"red","n":5}`)},
	)
	// HISTOGRAM's map is a HashMap read back from the store as a
	// new HashMap<>(1) (two buckets), which HashMap.merge puts "5" at the
	// head of, before "3"
	want := []string{
		`{"L":[3],"S":[3],"H":{"3":1},"TOP":[3],"TOPD":[3]}`,
		`{"L":[3,5],"S":[3,5],"H":{"5":1,"3":1},"TOP":[5,3],"TOPD":[5,3]}`,
		`{"L":[3,5,null],"S":[3,5,null],"H":{"5":1,"3":1},"TOP":[5,3],"TOPD":[5,3]}`,
		`{"L":[3,5,null,5],"S":[3,5,null],"H":{"5":2,"3":1},"TOP":[5,5],"TOPD":[5,3]}`,
	}
	if got := values(st.consume("COLL", 4)); !slices.Equal(got, want) {
		t.Errorf("COLL:\n got %v\nwant %v", got, want)
	}
	code, e := stmtErr(t, url, "CREATE TABLE bad AS SELECT line, HISTOGRAM(n) AS h FROM ev GROUP BY line;")
	if code != 400 || e["message"] != "Function 'HISTOGRAM' does not accept parameters (INTEGER)." {
		t.Errorf("HISTOGRAM(INT): %d %v", code, e)
	}
}

// HAVING: a group that stops passing sends one tombstone; a group that
// never passed sends nothing (query-validation-tests/having.json in
// confluentinc/ksql, "calculate average in having" and "table having").
func TestHavingTombstonesOnlyRowsThatExisted(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM test (id INT KEY, v BIGINT) WITH (KAFKA_TOPIC='test', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE TABLE av AS SELECT id, SUM(v)/COUNT(id) AS avg FROM test GROUP BY id HAVING SUM(v)/COUNT(id) > 25;`, earliest())
	st.produce("test",
		kv{intKey(9), []byte(`{"v":0}`)},
		kv{intKey(0), []byte(`{"v":50}`)},
		kv{intKey(0), []byte(`{"v":10}`)},
		kv{intKey(0), []byte(`{"v":15}`)},
		kv{intKey(1), []byte(`{"v":100}`)},
		kv{intKey(1), []byte(`{"v":10}`)},
	)
	var got []string
	for _, r := range st.consume("AV", 5) {
		got = append(got, fmt.Sprintf("%d=%s", binary.BigEndian.Uint32(r.key), values([]kv{r})[0]))
	}
	want := []string{`0={"AVG":50}`, `0={"AVG":30}`, `0=<tombstone>`, `1={"AVG":100}`, `1={"AVG":55}`}
	if !slices.Equal(got, want) {
		t.Errorf("AV:\n got %v\nwant %v", got, want)
	}
}
