package ksqldb

import "testing"

// ksqlDB 0.29's AVG has Integer, Long and Double overloads only
// (ksqldb-engine/.../function/udaf/average/AverageUdaf.java at
// confluentinc/ksql v7.9.0), and an aggregate's overload is found without
// implicit casts (UdafAggregateFunctionFactory builds its UdfIndex with
// supportsImplicitCasts false), so AVG of a DECIMAL is refused with
// UdfIndex's no-matching-function message, the DECIMAL written with its
// precision and scale as query-validation-tests generic-variadic-udaf.json
// shows for a UDAF ("does not accept parameters (DECIMAL(5, 1), ...").
func TestAvgOfADecimalIsRefusedAsNoMatchingOverload(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM fares (line STRING KEY, fare DECIMAL(4,2)) WITH (KAFKA_TOPIC='fares', PARTITIONS=1, VALUE_FORMAT='JSON');", nil)
	code, e := stmtErr(t, url, "CREATE TABLE avg_fare AS SELECT line, AVG(fare) AS a FROM fares GROUP BY line;")
	if code != 400 || e["error_code"] != float64(40001) || e["message"] != "Function 'AVG' does not accept parameters (DECIMAL(4, 2))." {
		t.Errorf("AVG(DECIMAL): %d %v", code, e)
	}
}
