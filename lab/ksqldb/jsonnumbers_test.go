package ksqldb

import "testing"

// A JSON number read into an INTEGER or BIGINT column is converted as
// ksqlDB's JSON deserializer converts it (confluentinc/ksql v7.9.0,
// KsqlJsonDeserializer and JsonSerdeUtils.toInteger/toLong): its mapper
// reads a number with a fraction or an exponent as a BigDecimal
// (USE_BIG_DECIMAL_FOR_FLOATS), an integer as an int, long or BigInteger,
// and takes Jackson's intValue()/asLong(): the fraction truncated toward
// zero, and the low 32 or 64 bits of what does not fit. query-validation-
// tests math.json "trunc - integer" reads {"v": -1.7} into an INTEGER and
// writes -1. Text is parsed strictly (Integer.parseInt): "1.5" fails.
func TestJSONNumbersAreReadIntoIntegerColumnsAsKsqlDBConvertsThem(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM nums (i INTEGER, b BIGINT) WITH (kafka_topic='nums', partitions=1, value_format='JSON');", nil)
	mustKSQL(t, url, "CREATE STREAM copy AS SELECT * FROM nums;", earliest())
	st.produceValues("nums",
		`{"i": -1.7, "b": -1.7}`,
		`{"i": 1e2, "b": 2.5e0}`,
		`{"i": 4294967297, "b": 9223372036854775808}`,
		`{"i": 2147483648.9, "b": -9223372036854775809}`,
		`{"i": 7, "b": 8}`,
	)
	want := []string{
		`{"I":-1,"B":-1}`,
		`{"I":100,"B":2}`,
		`{"I":1,"B":-9223372036854775808}`,
		`{"I":-2147483648,"B":9223372036854775807}`,
		`{"I":7,"B":8}`,
	}
	sameLines(t, "COPY", sinkValues(st, "COPY", len(want)), want)
}
