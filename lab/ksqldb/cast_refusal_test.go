package ksqldb

import (
	"strings"
	"testing"
)

// An unsupported CAST is refused when CodeGenRunner compiles the expression,
// its message prefixed "Invalid Select: " in a projection and "Invalid
// Predicate: " in a filter, with a closing period (CodeGenRunner at v7.9.0;
// query-validation-tests cast.json "non-array to array", "non-map to map",
// "non-struct to struct").
func TestUnsupportedCastIsRefusedAsCodeGenRunnerDoes(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM SRC (ID STRING KEY, S VARCHAR, N INT) WITH (kafka_topic='src', partitions=1, value_format='JSON');", nil)
	for stmt, want := range map[string]string{
		"CREATE STREAM A1 AS SELECT ID, CAST(S AS ARRAY<INTEGER>) FROM SRC;":                "Invalid Select: Cast of STRING to ARRAY<INTEGER> is not supported.",
		"CREATE STREAM A2 AS SELECT ID, CAST(S AS MAP<STRING, INT>) AS M FROM SRC;":         "Invalid Select: Cast of STRING to MAP<STRING, INTEGER> is not supported.",
		"CREATE STREAM A3 AS SELECT ID, CAST(S AS STRUCT<A VARCHAR, B INT>) AS X FROM SRC;": "Invalid Select: Cast of STRING to STRUCT<`A` STRING, `B` INTEGER> is not supported.",
		"CREATE STREAM A4 AS SELECT ID FROM SRC WHERE CAST(N AS ARRAY<INT>) IS NULL;":       "Invalid Predicate: Cast of INTEGER to ARRAY<INTEGER> is not supported.",
	} {
		_, body := stmtErr(t, url, stmt)
		if msg, _ := body["message"].(string); !strings.HasPrefix(msg, want) {
			t.Errorf("%s\n got %q\nwant %q", stmt, msg, want)
		}
	}
}
