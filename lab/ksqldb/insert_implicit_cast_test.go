package ksqldb

import "testing"

// INSERT INTO ... SELECT casts a numeric literal selected into a DECIMAL
// column of the target to that column's scale when the literal's own
// decimal type fits it (ImplicitlyCastResolver, DecimalUtil.canImplicitlyCast,
// confluentinc/ksql v7.9.0; query-validation-tests insert-into.json
// "implicitly casts").
func TestInsertIntoCastsNumericLiteralsToDecimal(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM ORDERS (REF STRING) WITH (kafka_topic='orders', partitions=1, value_format='JSON');", nil)
	mustKSQL(t, url, "CREATE STREAM FEES (F1 DECIMAL(4,2), F2 DECIMAL(4,2), F3 DECIMAL(4,2)) WITH (kafka_topic='fees', partitions=1, value_format='JSON');", nil)
	mustKSQL(t, url, "INSERT INTO FEES SELECT 7 AS F1, 0.5 AS F2, -12 AS F3 FROM ORDERS;", earliest())
	st.produceValues("orders", `{"REF":"a"}`)
	sameLines(t, "FEES", sinkValues(st, "fees", 1), []string{`{"F1":7.00,"F2":0.50,"F3":-12.00}`})
}

// Only literals are cast, and only ones that fit: an INTEGER column, a
// literal with more digits before the point or after it than the column
// takes, and a STRING literal are refused with the result and sink schemas
// (EngineExecutor.validateExistingSink, LogicalSchema.compatibleSchema).
func TestInsertIntoRefusesWhatDoesNotCastImplicitly(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM ORDERS (REF STRING, QTY INT) WITH (kafka_topic='orders', partitions=1, value_format='JSON');", nil)
	mustKSQL(t, url, "CREATE STREAM FEES (F1 DECIMAL(4,2)) WITH (kafka_topic='fees', partitions=1, value_format='JSON');", nil)
	for _, c := range []struct{ sel, result string }{
		{"QTY AS F1", "`F1` INTEGER"},
		{"123 AS F1", "`F1` INTEGER"},
		{"1.125 AS F1", "`F1` DECIMAL(4, 3)"},
		{"'1' AS F1", "`F1` STRING"},
	} {
		code, e := stmtErr(t, url, "INSERT INTO FEES SELECT "+c.sel+" FROM ORDERS;")
		want := "Incompatible schema between results and sink.\nResult schema is " + c.result + "\nSink schema is `F1` DECIMAL(4, 2)"
		if code != 400 || e["message"] != want {
			t.Errorf("%s: %d %v, want %q", c.sel, code, e["message"], want)
		}
	}
}

// A DECIMAL result column narrower than the sink's, in digits before and
// after the point, is accepted (Column.canImplicitlyCast) and its values
// written as the query gives them.
func TestInsertIntoTakesANarrowerDecimalColumn(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM RATES (R DECIMAL(3,1)) WITH (kafka_topic='rates', partitions=1, value_format='JSON');", nil)
	mustKSQL(t, url, "CREATE STREAM ALLRATES (R DECIMAL(5,2)) WITH (kafka_topic='allrates', partitions=1, value_format='JSON');", nil)
	mustKSQL(t, url, "INSERT INTO ALLRATES SELECT R FROM RATES;", earliest())
	st.produceValues("rates", `{"R":1.5}`)
	sameLines(t, "allrates", sinkValues(st, "allrates", 1), []string{`{"R":1.5}`})
}
