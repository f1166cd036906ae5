package ksqldb

import "testing"

// An aggregation whose intermediate state the source's value format
// cannot hold is refused: the state is materialized in the leftmost
// source's value format (AggregateNode), and DELIMITED holds no STRUCT,
// ARRAY or MAP, which AVG, CORRELATION, STDDEV_SAMP, TOPK and
// LATEST_BY_OFFSET keep (MaterializationUtil.buildValueSerde's message;
// query-validation-tests average-udaf.json, correlation-udaf.json,
// standarddeviation.json and topk-group-by.json "... DELIMITED"). COUNT
// and SUM keep numbers and run.
func TestAggregateIntermediateTypeOnDelimited(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM IN1 (ID STRING KEY, X INT, Y INT) WITH (kafka_topic='in1', partitions=1, value_format='DELIMITED');", nil)
	const want = "One of the functions used in the statement has an intermediate type that the value format can not handle. Please remove the function or change the format.\nConsider up-voting https://github.com/confluentinc/ksql/issues/3950, which will resolve this limitation"
	for _, agg := range []string{"AVG(X)", "CORRELATION(X, Y)", "STDDEV_SAMP(X)", "STDDEV_SAMPLE(X)", "TOPK(X, 2)", "TOPK(X, Y, 2)", "LATEST_BY_OFFSET(X)", "COUNT(*), HISTOGRAM(ID)"} {
		code, body := stmtErr(t, url, "CREATE TABLE OUT1 WITH (value_format='JSON') AS SELECT ID, "+agg+" AS A FROM IN1 GROUP BY ID;")
		if code != 400 || body["message"] != want {
			t.Errorf("%s: %d %v", agg, code, body["message"])
		}
	}
	mustKSQL(t, url, "CREATE TABLE OUT2 AS SELECT ID, COUNT(*) AS N, SUM(X) AS S FROM IN1 GROUP BY ID;", nil)
}
