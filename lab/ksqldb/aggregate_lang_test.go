package ksqldb

import (
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
