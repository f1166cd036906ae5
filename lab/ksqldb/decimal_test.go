package ksqldb

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/lab/ksqldb/restapi"
)

// rawPushRows runs a push query from the earliest offset and returns the
// header's schema and the first n rows' columns exactly as the server
// wrote them (numbers keep their digits).
func rawPushRows(t *testing.T, url, query string, n int) (string, []string) {
	t.Helper()
	code, body := post(t, url, "/query", query, earliest())
	if code != 200 {
		t.Fatalf("push %s: %d %s", query, code, body)
	}
	var out []struct {
		Header *struct {
			Schema string `json:"schema"`
		} `json:"header"`
		Row *struct {
			Columns json.RawMessage `json:"columns"`
		} `json:"row"`
	}
	if err := json.Unmarshal(body, &out); err != nil || len(out) < n+1 || out[0].Header == nil {
		t.Fatalf("want header and %d rows: %v %s", n, err, body)
	}
	var rows []string
	for _, o := range out[1 : n+1] {
		if o.Row == nil {
			t.Fatalf("want %d rows: %s", n, body)
		}
		rows = append(rows, string(o.Row.Columns))
	}
	return out[0].Header.Schema, rows
}

func (st *stack) produceValues(topic string, values ...string) {
	st.t.Helper()
	recs := make([]*kgo.Record, len(values))
	for i, v := range values {
		recs[i] = &kgo.Record{Topic: topic, Key: []byte("k"), Value: []byte(v)}
	}
	if err := st.cl.ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
		st.t.Fatal(err)
	}
}

func sinkValues(st *stack, topic string, n int) []string {
	var out []string
	for _, r := range st.consumeRecords(topic, n) {
		out = append(out, string(r.Value))
	}
	return out
}

func sameLines(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\n got %s\nwant %s", what, strings.Join(got, " | "), strings.Join(want, " | "))
	}
}

// A DECIMAL column is read at its type's scale and written without
// trimming trailing zeros, in JSON (a number) and DELIMITED (plain text).
// Expected rows: ksqlDB's query-validation-tests decimal.json ("JSON scale
// in data less than scale in type", "JSON should not trim trailing zeros",
// "DELIMITED should not trim trailing zeros", "DELIMITED in/out"),
// confluentinc/ksql v7.9.0 ksqldb-functional-tests/src/test/resources/
// query-validation-tests/decimal.json.
func TestDecimalColumnsKeepTheirScaleThroughJSONAndDelimited(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM input (id STRING KEY, dec DECIMAL(6,4)) WITH (KAFKA_TOPIC='test', PARTITIONS=1, VALUE_FORMAT='JSON');", nil)
	mustKSQL(t, url, "CREATE STREAM output AS SELECT * FROM input;", earliest())
	st.produceValues("test", `{"DEC":10}`, `{"DEC":1}`, `{"DEC":0.1}`, `{"DEC":0.01}`, `{"DEC":0.001}`, `{"DEC":0.0001}`, `{"DEC":10.0}`, `{"DEC":"1.0000"}`)
	sameLines(t, "JSON", sinkValues(st, "OUTPUT", 8), []string{
		`{"DEC":10.0000}`, `{"DEC":1.0000}`, `{"DEC":0.1000}`, `{"DEC":0.0100}`, `{"DEC":0.0010}`, `{"DEC":0.0001}`, `{"DEC":10.0000}`, `{"DEC":1.0000}`,
	})

	mustKSQL(t, url, "CREATE STREAM dinput (id STRING KEY, dec DECIMAL(21,19)) WITH (KAFKA_TOPIC='dtest', PARTITIONS=1, VALUE_FORMAT='DELIMITED');", nil)
	mustKSQL(t, url, "CREATE STREAM doutput AS SELECT * FROM dinput;", earliest())
	st.produceValues("dtest", "10.1234512345123451234", "1.0000")
	sameLines(t, "DELIMITED", sinkValues(st, "DOUTPUT", 2), []string{"10.1234512345123451234", "1.0000000000000000000"})
}

// Arithmetic on DECIMAL columns has SqlDecimal's result types and
// BigDecimal's exact results; a division or modulus by zero, or a
// quotient with no finite decimal expansion (BigDecimal.divide with
// RoundingMode.UNNECESSARY throws), is NULL. Expected values: decimal.json
// ("negation", "addition", "subtraction", "multiplication", "division",
// "mod", "addition with int", "addition with double"); result types worked
// from SqlDecimal.add/multiply/divide/modulus (v7.9.0 ksqldb-udf/.../types/
// SqlDecimal.java): DECIMAL(4,2) + DECIMAL(4,2) is DECIMAL(5, 2), * is
// DECIMAL(9, 4), / is DECIMAL(11, 7) (4-2+2 + max(6, 2+4+1)), % is
// DECIMAL(4, 2); + INT is DECIMAL(4,2) + DECIMAL(10,0) = DECIMAL(13, 2).
func TestDecimalArithmeticHasKsqlDBResultTypesAndValues(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM test (id STRING KEY, a DECIMAL(4,2), b DECIMAL(4,2), i INT, d DOUBLE, n DECIMAL(7,5)) WITH (KAFKA_TOPIC='test', PARTITIONS=1, VALUE_FORMAT='JSON');", nil)
	st.produceValues("test",
		`{"A":10.10,"B":2.00,"I":5,"D":5.1,"N":10.12345}`,
		`{"A":10.10,"B":-2.00,"I":-5,"D":-5.0,"N":-1}`,
		`{"A":10.10,"B":0.00,"I":0,"D":0.0,"N":0}`,
	)
	schema, rows := rawPushRows(t, url, "SELECT a + b AS s, a - b AS m, a * b AS p, a / b AS q, a % b AS r, a + i AS ai, a + d AS ad, -n AS neg, a / 3 AS third FROM test EMIT CHANGES LIMIT 3;", 3)
	if want := "`S` DECIMAL(5, 2), `M` DECIMAL(5, 2), `P` DECIMAL(9, 4), `Q` DECIMAL(11, 7), `R` DECIMAL(4, 2), `AI` DECIMAL(13, 2), `AD` DOUBLE, `NEG` DECIMAL(7, 5), `THIRD` DECIMAL(15, 13)"; schema != want {
		t.Errorf("schema %s\nwant   %s", schema, want)
	}
	sameLines(t, "rows", rows, []string{
		`[12.10,8.10,20.2000,5.0500000,0.10,15.10,15.2,-10.12345,null]`,
		`[8.10,12.10,-20.2000,-5.0500000,0.10,5.10,5.1,1.00000,null]`,
		`[10.10,10.10,0.0000,null,null,10.10,10.1,0.00000,null]`,
	})
}

// DECIMAL compares with DECIMAL of another scale, with INTEGER and with a
// decimal literal (BigDecimal.compareTo); a NULL side is false except for
// IS DISTINCT FROM. Expected rows: decimal.json ("decimal between -1 and
// 1", "less than - decimal decimal differing scale", "less than - decimal
// int", "is distinct - decimal decimal").
func TestDecimalComparisonsFollowCompareTo(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM test (id STRING KEY, dec DECIMAL(4,2)) WITH (KAFKA_TOPIC='test', PARTITIONS=1, VALUE_FORMAT='DELIMITED');", nil)
	mustKSQL(t, url, "CREATE STREAM test2 AS SELECT * FROM test WHERE dec < 0.08 AND dec > -0.08;", earliest())
	st.produceValues("test", "0.05", "0.55", "-0.5", "-0.07")
	// a lone DELIMITED field starting with '-' is quoted (Commons CSV's
	// MINIMAL quote rule)
	sameLines(t, "between -1 and 1", sinkValues(st, "TEST2", 2), []string{"0.05", `"-0.07"`})

	mustKSQL(t, url, "CREATE STREAM cmp (id STRING KEY, a DECIMAL(4,2), b DECIMAL(5,3), i INTEGER) WITH (KAFKA_TOPIC='cmp', PARTITIONS=1, VALUE_FORMAT='JSON');", nil)
	st.produceValues("cmp", `{"A":10.01,"B":10.010,"I":1}`, `{"A":10.01,"B":10.012,"I":12}`, `{"A":null,"B":10.010,"I":12}`)
	_, rows := rawPushRows(t, url, "SELECT a < b, a = b, a < i, a IS DISTINCT FROM b FROM cmp EMIT CHANGES LIMIT 3;", 3)
	sameLines(t, "comparisons", rows, []string{`[false,true,false,false]`, `[true,false,true,true]`, `[false,false,false,true]`})
}

// The REST API prints DECIMAL values as plain numbers with their scale
// (ApiJsonMapper enables WRITE_BIGDECIMAL_AS_PLAIN); a literal with a point
// is a DECIMAL typed by DecimalUtil.fromValue (1.10 is DECIMAL(3, 2), 0.005
// DECIMAL(4, 3)); CAST follows CastEvaluator and DecimalUtil.cast: to
// DECIMAL rounds HALF_UP and is NULL on overflow, to STRING is
// toPlainString, to INTEGER truncates.
// https://docs.ksqldb.io/en/latest/reference/sql/data-types/#numeric-types
func TestDecimalLiteralsCastsAndRESTOutput(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM test (id STRING KEY, dec DECIMAL(6,4)) WITH (KAFKA_TOPIC='test', PARTITIONS=1, VALUE_FORMAT='JSON');", nil)
	st.produceValues("test", `{"DEC":-12.3456}`)
	schema, rows := rawPushRows(t, url, "SELECT dec, 1.10 AS lit, 0.005 AS small, CAST(dec AS STRING) AS s, CAST(dec AS DOUBLE) AS d, CAST(dec AS INT) AS i, "+
		"CAST(2.5 AS DECIMAL(2,0)) AS r, CAST('1.005' AS DECIMAL(3,2)) AS fromtext, CAST(1000 AS DECIMAL(3,1)) AS overflow, CAST(0.1e0 AS DECIMAL(3,2)) AS fromdouble FROM test EMIT CHANGES LIMIT 1;", 1)
	if want := "`DEC` DECIMAL(6, 4), `LIT` DECIMAL(3, 2), `SMALL` DECIMAL(4, 3), `S` STRING, `D` DOUBLE, `I` INTEGER, `R` DECIMAL(2, 0), `FROMTEXT` DECIMAL(3, 2), `OVERFLOW` DECIMAL(3, 1), `FROMDOUBLE` DECIMAL(3, 2)"; schema != want {
		t.Errorf("schema %s\nwant   %s", schema, want)
	}
	sameLines(t, "row", rows, []string{`[-12.3456,1.10,0.005,"-12.3456",-12.3456,-12,3,1.01,null,0.10]`})
}

// INSERT INTO ... VALUES coerces INTEGER, BIGINT and DECIMAL values into
// a DECIMAL column without rounding (DefaultSqlValueCoercer.coerceToDecimal:
// DecimalUtil.ensureFit), and refuses one that does not fit.
func TestInsertValuesCoercesIntoDecimalColumns(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM test (id STRING KEY, dec DECIMAL(6,4)) WITH (KAFKA_TOPIC='test', PARTITIONS=1, VALUE_FORMAT='JSON');", nil)
	mustKSQL(t, url, "INSERT INTO test (id, dec) VALUES ('a', 1.5);", nil)
	mustKSQL(t, url, "INSERT INTO test (id, dec) VALUES ('b', 12);", nil)
	sameLines(t, "inserted", sinkValues(st, "test", 2), []string{`{"DEC":1.5000}`, `{"DEC":12.0000}`})
	code, body := stmtErr(t, url, "INSERT INTO test (id, dec) VALUES ('c', 1.23456);")
	if code != 400 || body["message"] != "Failed to insert values into 'TEST'. Expected type DECIMAL(6, 4) for field DEC but got DECIMAL(1.23456)" {
		t.Errorf("too many digits: %d %v", code, body)
	}
}

// Refusals with ksqlDB's messages: SqlDecimal.validateParameters for a
// bad DECIMAL type, KafkaSerdeFactory for the KAFKA format.
func TestDecimalRefusalsUseKsqlDBMessages(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	for stmt, want := range map[string]string{
		"CREATE STREAM s1 (id STRING KEY, dec DECIMAL(2,3)) WITH (KAFKA_TOPIC='s1', PARTITIONS=1, VALUE_FORMAT='JSON');":  "DECIMAL precision must be >= scale: DECIMAL(2,3)",
		"CREATE STREAM s2 (id STRING KEY, dec DECIMAL(0,0)) WITH (KAFKA_TOPIC='s2', PARTITIONS=1, VALUE_FORMAT='JSON');":  "DECIMAL precision must be >= 1: DECIMAL(0,0)",
		"CREATE STREAM s3 (id STRING KEY, dec DECIMAL(4,2)) WITH (KAFKA_TOPIC='s3', PARTITIONS=1, VALUE_FORMAT='KAFKA');": "Value format does not support schema.\nformat: KAFKA\nschema: Persistence{columns=[`DEC` DECIMAL(4, 2)], features=[]}\nreason: The 'KAFKA' format does not support type 'DECIMAL'",
		// a bound of this server, not of ksqlDB: refused loudly
		"CREATE STREAM s4 (id STRING KEY, dec DECIMAL(2000000000,0)) WITH (KAFKA_TOPIC='s4', PARTITIONS=1, VALUE_FORMAT='JSON');": "DECIMAL precision above 1000: DECIMAL(2000000000,0) is not supported by this ksqlDB server",
	} {
		code, body := stmtErr(t, url, stmt)
		if code != 400 || body["message"] != want {
			t.Errorf("%s\n got %d %v\nwant %s", stmt, code, body, want)
		}
	}
}

// An AVRO DECIMAL column is Avro bytes with the decimal logical type,
// registered as AvroData.fromConnectSchema writes ksqlDB's Connect decimal
// schema (confluentinc/schema-registry avro-data/.../AvroData.java: scale
// and precision properties, connect.version, connect.parameters with
// scale and connect.decimal.precision, connect.name, logicalType); a
// record written at the column's scale keeps its trailing zeros
// (decimal.json "AVRO should not trim trailing zeros", "AVRO in/out").
func TestAvroDecimalColumnsUseTheDecimalLogicalType(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	// the producer's schema is registered first: the CREATE, which
	// registers its own schema only under a subject that has none, keeps it
	writer := `{"type":"record","name":"r","fields":[` +
		`{"name":"DEC","type":["null",{"type":"bytes","logicalType":"decimal","precision":6,"scale":4}]},` +
		`{"name":"BIG","type":["null",{"type":"bytes","logicalType":"decimal","precision":21,"scale":19}]}]}`
	id := registerSchema(t, regURL, "test-value", writer)
	mustKSQL(t, url, "CREATE STREAM input (id STRING KEY, dec DECIMAL(6,4), big DECIMAL(21,19)) WITH (KAFKA_TOPIC='test', PARTITIONS=1, VALUE_FORMAT='AVRO');", nil)
	big1, _ := new(big.Rat).SetString("10.1234512345123451234")
	recs := []*kgo.Record{
		{Topic: "test", Key: []byte("a"), Value: wire(t, id, writer, map[string]any{"DEC": goavroUnion("bytes.decimal", big.NewRat(10, 1)), "BIG": goavroUnion("bytes.decimal", big1)})},
		{Topic: "test", Key: []byte("b"), Value: wire(t, id, writer, map[string]any{"DEC": goavroUnion("bytes.decimal", big.NewRat(-1, 10000)), "BIG": nil})},
	}
	if err := st.cl.ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
	mustKSQL(t, url, "CREATE STREAM output AS SELECT * FROM input;", earliest())
	r := st.consumeRecords("OUTPUT", 2)
	_, text := registeredSchema(t, regURL, binary.BigEndian.Uint32(r[0].Value[1:5]))
	// the record carries its connect.name (historical_plans "decimal_-_AVRO_in_out")
	dec := func(p, s int) string {
		return fmt.Sprintf(`{"type":"bytes","scale":%[2]d,"precision":%[1]d,"connect.version":1,"connect.parameters":{"scale":"%[2]d","connect.decimal.precision":"%[1]d"},"connect.name":"org.apache.kafka.connect.data.Decimal","logicalType":"decimal"}`, p, s)
	}
	want := `{"type":"record","name":"KsqlDataSourceSchema","namespace":"io.confluent.ksql.avro_schemas","fields":[` +
		`{"name":"DEC","type":["null",` + dec(6, 4) + `],"default":null},{"name":"BIG","type":["null",` + dec(21, 19) + `],"default":null}],"connect.name":"io.confluent.ksql.avro_schemas.KsqlDataSourceSchema"}`
	if !sameJSON(t, text, want) {
		t.Errorf("output schema\n got %s\nwant %s", text, want)
	}
	// 10.0000 at scale 4 is the unscaled 100000: two's complement 01 86 a0
	if !bytes.Contains(r[0].Value, []byte{0x02, 0x06, 0x01, 0x86, 0xa0}) {
		t.Errorf("DEC 10.0000 is not written as the 3 bytes of 100000: % x", r[0].Value)
	}
	_, rows := rawPushRows(t, url, "SELECT dec, big FROM output EMIT CHANGES LIMIT 2;", 2)
	sameLines(t, "rows", rows, []string{`[10.0000,10.1234512345123451234]`, `[-0.0001,null]`})
}

// A JSON_SR DECIMAL column is a JSON number, registered as
// JsonSchemaData writes a Connect decimal with decimal.format NUMERIC
// (number type, Decimal title, connect.type bytes, connect.parameters);
// decimal.json "JSON_SR should not trim trailing zeros".
func TestJSONSRDecimalColumnsAreNumbers(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	mustKSQL(t, url, "CREATE STREAM input (id STRING KEY, dec DECIMAL(6,4)) WITH (KAFKA_TOPIC='test', PARTITIONS=1, KEY_FORMAT='KAFKA', VALUE_FORMAT='JSON_SR');", nil)
	mustKSQL(t, url, "INSERT INTO input (id, dec) VALUES ('a', 10.0);", nil)
	mustKSQL(t, url, "INSERT INTO input (id, dec) VALUES ('b', 1);", nil)
	mustKSQL(t, url, "CREATE STREAM output AS SELECT * FROM input;", earliest())
	r := st.consumeRecords("OUTPUT", 2)
	_, text := registeredSchema(t, regURL, binary.BigEndian.Uint32(r[0].Value[1:5]))
	want := `{"type":"object","properties":{"DEC":{"connect.index":0,"oneOf":[{"type":"null"},{"type":"number","title":"org.apache.kafka.connect.data.Decimal","connect.version":1,"connect.type":"bytes","connect.parameters":{"scale":"4","connect.decimal.precision":"6"}}]}}}`
	if text != want {
		t.Errorf("schema\n got %s\nwant %s", text, want)
	}
	sameLines(t, "values", []string{string(r[0].Value[5:]), string(r[1].Value[5:])}, []string{`{"DEC":10.0000}`, `{"DEC":1.0000}`})
}

// SUM, MIN and MAX take DECIMAL and return the argument's type
// (DecimalSumKudaf, MinKudaf, MaxKudaf in confluentinc/ksql v7.9.0
// ksqldb-engine/.../function/udaf): 10.10 + 2.05 - 1.00 is 11.15.
func TestSumMinMaxAggregateDecimals(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM test (id STRING KEY, dec DECIMAL(4,2)) WITH (KAFKA_TOPIC='test', PARTITIONS=1, VALUE_FORMAT='JSON');", nil)
	mustKSQL(t, url, "CREATE TABLE agg AS SELECT id, SUM(dec) AS s, MIN(dec) AS lo, MAX(dec) AS hi FROM test GROUP BY id;", earliest())
	st.produceValues("test", `{"DEC":10.10}`, `{"DEC":2.05}`, `{"DEC":null}`, `{"DEC":-1}`)
	waitFor(t, func() bool {
		recs := st.consumeRecords("AGG", 1)
		return string(recs[len(recs)-1].Value) == `{"S":11.15,"LO":-1.00,"HI":10.10}`
	}, "the aggregate of all four records")
	schema, _ := rawPushRows(t, url, "SELECT * FROM agg EMIT CHANGES LIMIT 1;", 1)
	if want := "`ID` STRING, `S` DECIMAL(4, 2), `LO` DECIMAL(4, 2), `HI` DECIMAL(4, 2)"; schema != want {
		t.Errorf("schema %s\nwant   %s", schema, want)
	}
}

// ABS, CEIL, FLOOR and ROUND have DECIMAL overloads (confluentinc/ksql
// v7.9.0 ksqldb-engine/.../function/udf/math/Abs.java, Ceil.java,
// Floor.java, Round.java): ABS, CEIL, FLOOR and ROUND(x, places) keep the
// argument's type and scale; ROUND(x) is DECIMAL(p - s, 0); ROUND rounds
// half up above zero and half down (toward zero) otherwise.
func TestDecimalMathFunctionsKeepDecimalTypes(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM test (id STRING KEY, n DECIMAL(5,2)) WITH (KAFKA_TOPIC='test', PARTITIONS=1, VALUE_FORMAT='JSON');", nil)
	st.produceValues("test", `{"N":-12.35}`, `{"N":12.35}`, `{"N":-12.25}`)
	schema, rows := rawPushRows(t, url, "SELECT ABS(n) AS a, CEIL(n) AS c, FLOOR(n) AS f, ROUND(n) AS r0, ROUND(n, 1) AS r1 FROM test EMIT CHANGES LIMIT 3;", 3)
	if want := "`A` DECIMAL(5, 2), `C` DECIMAL(5, 2), `F` DECIMAL(5, 2), `R0` DECIMAL(3, 0), `R1` DECIMAL(5, 2)"; schema != want {
		t.Errorf("schema %s\nwant   %s", schema, want)
	}
	sameLines(t, "rows", rows, []string{
		`[12.35,-12.00,-13.00,-12,-12.30]`,
		`[12.35,13.00,12.00,12,12.40]`,
		`[12.25,-12.00,-13.00,-12,-12.20]`,
	})
}

// LATEST_BY_OFFSET, EARLIEST_BY_OFFSET and COLLECT_LIST are generic over
// their argument's type (LatestByOffset.latest, EarliestByOffset,
// CollectListUdaf: <T>), DECIMAL included.
func TestOffsetAndCollectAggregatesTakeDecimals(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM test (id STRING KEY, dec DECIMAL(4,2)) WITH (KAFKA_TOPIC='test', PARTITIONS=1, VALUE_FORMAT='JSON');", nil)
	mustKSQL(t, url, "CREATE TABLE agg AS SELECT id, LATEST_BY_OFFSET(dec) AS l, EARLIEST_BY_OFFSET(dec) AS e, COLLECT_LIST(dec) AS c FROM test GROUP BY id;", earliest())
	st.produceValues("test", `{"DEC":1.5}`, `{"DEC":2.25}`)
	waitFor(t, func() bool {
		recs := st.consumeRecords("AGG", 1)
		return string(recs[len(recs)-1].Value) == `{"L":2.25,"E":1.50,"C":[1.50,2.25]}`
	}, "the aggregate of both records")
}

// A CREATE without columns over an AVRO topic infers DECIMAL(precision,
// scale) from a bytes field with the decimal logical type (AvroData.
// toConnectSchema's Decimal; precision 64 when the schema has none).
func TestAvroDecimalFieldsInferDecimalColumns(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	registerSchema(t, regURL, "prices-value", `{"type":"record","name":"r","fields":[`+
		`{"name":"amount","type":["null",{"type":"bytes","logicalType":"decimal","precision":6,"scale":4}]},`+
		`{"name":"wide","type":{"type":"bytes","logicalType":"decimal","scale":2}}]}`)
	st.createTopic("prices", 1)
	mustKSQL(t, url, "CREATE STREAM prices WITH (KAFKA_TOPIC='prices', VALUE_FORMAT='AVRO');", nil)
	_, fields := rawDescribeSchema(t, url, "PRICES")
	var got []string
	for _, f := range fields {
		m := f.(map[string]any)
		s := m["schema"].(map[string]any)
		got = append(got, fmt.Sprintf("%s %v %v", m["name"], s["type"], s["parameters"]))
	}
	sameLines(t, "fields", got, []string{"AMOUNT DECIMAL map[precision:6 scale:4]", "WIDE DECIMAL map[precision:64 scale:2]"})
}

// A CREATE without columns over a JSON_SR topic infers DECIMAL(precision,
// scale) from a Connect decimal (title org.apache.kafka.connect.data.Decimal,
// connect.parameters scale and connect.decimal.precision: DecimalUtil.
// precision and scale), as JsonSchemaData.toConnectSchema reads it.
func TestJSONSRDecimalSchemasInferDecimalColumns(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	registerTyped(t, regURL, "prices-value", "JSON", `{"type":"object","properties":{"AMOUNT":{"title":"org.apache.kafka.connect.data.Decimal","type":"number","connect.version":1,"connect.type":"bytes","connect.parameters":{"scale":"4","connect.decimal.precision":"6"}}}}`)
	st.createTopic("prices", 1)
	mustKSQL(t, url, "CREATE STREAM prices WITH (KAFKA_TOPIC='prices', VALUE_FORMAT='JSON_SR');", nil)
	_, fields := rawDescribeSchema(t, url, "PRICES")
	var got []string
	for _, f := range fields {
		m := f.(map[string]any)
		s := m["schema"].(map[string]any)
		got = append(got, fmt.Sprintf("%s %v %v", m["name"], s["type"], s["parameters"]))
	}
	sameLines(t, "fields", got, []string{"AMOUNT DECIMAL map[precision:6 scale:4]"})
}

// GROUP BY a DECIMAL column keys the table by its values (a JSON key is
// the number, written as JsonConverter writes BigDecimal.toString).
func TestGroupByDecimalKeysByItsValues(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM test (id STRING KEY, dec DECIMAL(4,2)) WITH (KAFKA_TOPIC='test', PARTITIONS=1, VALUE_FORMAT='JSON');", nil)
	mustKSQL(t, url, "CREATE TABLE agg WITH (KEY_FORMAT='JSON') AS SELECT dec, COUNT(*) AS n FROM test GROUP BY dec;", earliest())
	st.produceValues("test", `{"DEC":1.5}`, `{"DEC":"1.50"}`, `{"DEC":2}`)
	waitFor(t, func() bool {
		recs := st.consumeRecords("AGG", 3)
		var got []string
		for _, r := range recs {
			got = append(got, string(r.Key)+"="+string(r.Value))
		}
		return strings.Join(got, " ") == `1.50={"N":1} 1.50={"N":2} 2.00={"N":1}`
	}, "counts keyed 1.50, 1.50, 2.00")
}

// A pull query finds a DECIMAL key by value, whatever the literal's scale
// (the key expression is coerced to the key column's type).
func TestPullQueryFindsDecimalKeys(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM test (id STRING KEY, dec DECIMAL(4,2)) WITH (KAFKA_TOPIC='test', PARTITIONS=1, VALUE_FORMAT='JSON');", nil)
	mustKSQL(t, url, "CREATE TABLE agg WITH (KEY_FORMAT='JSON') AS SELECT dec, COUNT(*) AS n FROM test GROUP BY dec;", earliest())
	st.produceValues("test", `{"DEC":1.5}`, `{"DEC":2}`)
	waitFor(t, func() bool { return len(st.consumeRecords("AGG", 2)) >= 2 }, "both counts")
	code, body := post(t, url, "/query", "SELECT * FROM agg WHERE dec = 1.5;", nil)
	if code != 200 || !strings.Contains(string(body), `"columns":[1.50,1]`) {
		t.Errorf("pull 1.5: %d %s", code, body)
	}
}

// GREATEST and LEAST take their BigDecimal overload when their arguments
// are DECIMALs: the type is DecimalUtil.widen of the argument types
// (Greatest.greatestDecimalProvider), the value the chosen argument
// unchanged; with a DOUBLE among them the DOUBLE overload applies. A
// DECIMAL with an INTEGER fits the DECIMAL and DOUBLE overloads only after
// implicit casts, which UdfIndex cannot choose between (query-validation-tests
// greatest.json "test implicit casting to decimal").
func TestGreatestAndLeastOverDecimals(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM test (id STRING KEY, dec DECIMAL(4,2), i INT) WITH (KAFKA_TOPIC='test', PARTITIONS=1, VALUE_FORMAT='JSON');", nil)
	st.produceValues("test", `{"DEC":1.25,"I":3}`)
	schema, rows := rawPushRows(t, url, "SELECT GREATEST(dec, CAST(i AS DECIMAL(2, 0))) AS g, LEAST(dec, 0.5) AS l, GREATEST(dec, 1.5e0) AS gd FROM test EMIT CHANGES LIMIT 1;", 1)
	if want := "`G` DECIMAL(4, 2), `L` DECIMAL(4, 2), `GD` DOUBLE"; schema != want {
		t.Errorf("schema %s\nwant   %s", schema, want)
	}
	sameLines(t, "row", rows, []string{`[3,0.5,1.5]`})
	code, body := stmtErr(t, url, "CREATE STREAM g AS SELECT GREATEST(dec, i) AS g FROM test;")
	if msg, _ := body["message"].(string); code != 400 || !strings.HasPrefix(msg, "Function 'greatest' cannot be resolved due to ambiguous method parameters (DECIMAL(4, 2), INTEGER).") {
		t.Errorf("GREATEST(dec, i): %d %s", code, msg)
	}
}

// /inserts-stream coerces into a DECIMAL column as ApiSqlValueCoercer
// does: a JSON decimal number (a Double) or a string set to the column's
// scale HALF_UP, an integer through DecimalUtil.ensureFit.
func TestInsertsStreamCoercesIntoDecimalColumns(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM prices (id STRING KEY, dec DECIMAL(6,4)) WITH (KAFKA_TOPIC='prices', PARTITIONS=1, VALUE_FORMAT='JSON');", nil)
	body := `{"target":"PRICES"}` + "\n" + `{"ID":"a","DEC":1.23456}` + "\n" + `{"ID":"b","DEC":"2.5"}` + "\n" + `{"ID":"c","DEC":7}` + "\n"
	r := do(t, h2c(), http.MethodPost, url+"/inserts-stream", body, map[string]string{"Accept": restapi.MediaJSON})
	if r.code != 200 || strings.Count(string(r.body), `"status":"ok"`) != 3 {
		t.Fatalf("%d %s", r.code, r.body)
	}
	sameLines(t, "written", sinkValues(st, "prices", 3), []string{`{"DEC":1.2346}`, `{"DEC":2.5000}`, `{"DEC":7.0000}`})
}
