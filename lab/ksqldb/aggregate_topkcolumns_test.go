package ksqldb

import (
	"strings"
	"testing"
)

// TOPK(col, other..., k) keeps the top k records by col with the other
// columns' values alongside: an ARRAY of STRUCT<sort_col, col0, col1, ...>
// (TopkKudaf.makeStructSchema, confluentinc/ksql v7.9.0), highest first;
// a record whose col is NULL is skipped and an equal value does not displace
// one taken before (query-validation-tests topk-group-by.json "topk integer
// struct", "topk string struct").
func TestTopkWithOtherColumns(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM SCORES (ID BIGINT KEY, WHO STRING, PTS INT, TS BIGINT) WITH (kafka_topic='scores', partitions=1, value_format='JSON');", nil)
	mustKSQL(t, url, "CREATE TABLE BEST AS SELECT ID, TOPK(PTS, WHO, 2) AS ONE, TOPK(WHO, PTS, TS, 1) AS TWO FROM SCORES GROUP BY ID;", earliest())
	for _, v := range []string{
		`{"WHO":"ann","PTS":7,"TS":1}`,
		`{"WHO":"bob","PTS":9,"TS":2}`,
		`{"WHO":"cid","PTS":null,"TS":3}`,
		`{"WHO":"dan","PTS":7,"TS":4}`,
		`{"WHO":null,"PTS":12,"TS":5}`,
	} {
		st.produce("scores", kv{bigintKey(1), []byte(v)})
	}
	sameLines(t, "BEST", sinkValues(st, "BEST", 5), []string{
		`{"ONE":[{"sort_col":7,"col0":"ann"}],"TWO":[{"sort_col":"ann","col0":7,"col1":1}]}`,
		`{"ONE":[{"sort_col":9,"col0":"bob"},{"sort_col":7,"col0":"ann"}],"TWO":[{"sort_col":"bob","col0":9,"col1":2}]}`,
		`{"ONE":[{"sort_col":9,"col0":"bob"},{"sort_col":7,"col0":"ann"}],"TWO":[{"sort_col":"cid","col0":null,"col1":3}]}`,
		`{"ONE":[{"sort_col":9,"col0":"bob"},{"sort_col":7,"col0":"ann"}],"TWO":[{"sort_col":"dan","col0":7,"col1":4}]}`,
		`{"ONE":[{"sort_col":12,"col0":null},{"sort_col":9,"col0":"bob"}],"TWO":[{"sort_col":"dan","col0":7,"col1":4}]}`,
	})
	if got := describeFieldType(t, url, "BEST", "ONE"); got != "ARRAY<STRUCT<`sort_col` INTEGER, `col0` STRING>>" {
		t.Errorf("ONE's type %s", got)
	}
}

// describeFieldType is the schema type DESCRIBE gives a column.
func describeFieldType(t *testing.T, url, source, column string) string {
	t.Helper()
	out := mustKSQL(t, url, "DESCRIBE "+source+";", nil)
	desc, _ := out[0]["sourceDescription"].(map[string]any)
	fields, _ := desc["fields"].([]any)
	for _, f := range fields {
		m := f.(map[string]any)
		if m["name"] == column {
			return schemaText(m["schema"].(map[string]any))
		}
	}
	return ""
}

// schemaText writes a DESCRIBE field schema as SQL type text.
func schemaText(s map[string]any) string {
	switch s["type"] {
	case "ARRAY":
		return "ARRAY<" + schemaText(s["memberSchema"].(map[string]any)) + ">"
	case "STRUCT":
		var parts []string
		for _, f := range s["fields"].([]any) {
			m := f.(map[string]any)
			parts = append(parts, "`"+m["name"].(string)+"` "+schemaText(m["schema"].(map[string]any)))
		}
		return "STRUCT<" + strings.Join(parts, ", ") + ">"
	}
	return s["type"].(string)
}

// TOPKDISTINCT takes DECIMAL values (TopkDistinctKudaf.createTopKDistinctDecimal).
func TestTopkDistinctDecimal(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM PRICES (ID BIGINT KEY, P DECIMAL(4,2)) WITH (kafka_topic='prices', partitions=1, value_format='JSON');", nil)
	mustKSQL(t, url, "CREATE TABLE TOP AS SELECT ID, TOPKDISTINCT(P, 2) AS T FROM PRICES GROUP BY ID;", earliest())
	for _, v := range []string{`{"P":1.5}`, `{"P":3.25}`, `{"P":1.5}`, `{"P":2}`} {
		st.produce("prices", kv{bigintKey(1), []byte(v)})
	}
	sameLines(t, "TOP", sinkValues(st, "TOP", 4), []string{`{"T":[1.50]}`, `{"T":[3.25,1.50]}`, `{"T":[3.25,1.50]}`, `{"T":[3.25,2.00]}`})
}
