package ksqldb

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/linkedin/goavro/v2"
	"github.com/twmb/franz-go/pkg/kgo"
)

func goavroUnion(name string, v any) any { return goavro.Union(name, v) }

// pushRows runs a push query from the earliest offset and returns the
// header's schema and the first n rows' columns as JSON text.
func pushRows(t *testing.T, url, query string, n int) (string, []string) {
	t.Helper()
	code, body := post(t, url, "/query", query, earliest())
	if code != 200 {
		t.Fatalf("push %s: %d %s", query, code, body)
	}
	var out []map[string]any
	if err := json.Unmarshal(body, &out); err != nil || len(out) != n+2 {
		t.Fatalf("want header, %d rows, final message: %v %s", n, err, body)
	}
	var rows []string
	for _, o := range out[1 : n+1] {
		b, _ := json.Marshal(o["row"].(map[string]any)["columns"])
		rows = append(rows, string(b))
	}
	return fmt.Sprint(out[0]["header"].(map[string]any)["schema"]), rows
}

// TIMESTAMP, DATE, TIME and BYTES columns are read from JSON numbers
// (epoch milliseconds, epoch days, milliseconds of the day) and base64
// text (JsonSerdeUtils.toTimestamp/toDate/toTime, enforceValidBytes), and
// the REST API prints them as ApiJsonMapper does: a TIMESTAMP through
// yyyy-MM-dd'T'HH:mm:ss.SSS in UTC, a DATE as LocalDate, a TIME as
// LocalTime.ofSecondOfDay (no seconds when they are zero), BYTES in base64;
// CAST to STRING gives the same text (SqlTimeTypes.format*).
// 1609459200000 ms is 2021-01-01T00:00:00Z; 18628 days after 1970-01-01 is
// 2021-01-01 (51 years of 365 days and 13 leap days); 3723000 ms is 01:02:03.
// https://docs.ksqldb.io/en/0.29.0-ksqldb/reference/sql/data-types/
func TestTimeAndBytesColumnsReadFromJSONAndPrintAsKsqlDBDoes(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM ev (id INT KEY, `AT` TIMESTAMP, day DATE, tod TIME, raw BYTES) WITH (KAFKA_TOPIC='ev', PARTITIONS=1, VALUE_FORMAT='JSON');", nil)
	recs := []*kgo.Record{
		{Topic: "ev", Key: intKey(1), Value: []byte(`{"AT":1609459200000,"DAY":18628,"TOD":3723000,"RAW":"AQID"}`)},
		{Topic: "ev", Key: intKey(2), Value: []byte(`{"AT":"1609545600123","DAY":"18629","TOD":3720000,"RAW":null}`)},
	}
	if err := st.cl.ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
	schema, rows := pushRows(t, url, "SELECT id, `AT`, day, tod, raw, CAST(`AT` AS STRING) AS s_at, CAST(day AS STRING) AS s_day, CAST(tod AS STRING) AS s_tod FROM ev EMIT CHANGES LIMIT 2;", 2)
	if want := "`ID` INTEGER, `AT` TIMESTAMP, `DAY` DATE, `TOD` TIME, `RAW` BYTES, `S_AT` STRING, `S_DAY` STRING, `S_TOD` STRING"; schema != want {
		t.Errorf("schema %s\nwant %s", schema, want)
	}
	want := []string{
		`[1,"2021-01-01T00:00:00.000","2021-01-01","01:02:03","AQID","2021-01-01T00:00:00.000","2021-01-01","01:02:03"]`,
		`[2,"2021-01-02T00:00:00.123","2021-01-02","01:02",null,"2021-01-02T00:00:00.123","2021-01-02","01:02"]`,
	}
	for i := range want {
		if rows[i] != want[i] {
			t.Errorf("row %d %s\nwant   %s", i, rows[i], want[i])
		}
	}
}

// A time column compares with its own type, with a DATE or TIMESTAMP, and
// with a STRING parsed as the column's type (ComparisonUtil,
// PartialStringToTimestampParser completes '2021-01-02' to midnight UTC);
// CAST between the types follows CastEvaluator (TIMESTAMP to DATE drops
// the time of day, to TIME keeps only it); the JSON format writes them back
// as numbers (JsonConverter's logical types).
func TestTimeColumnsCompareCastAndWriteAsKsqlDBDoes(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM ev (id INT KEY, `AT` TIMESTAMP, day DATE, tod TIME) WITH (KAFKA_TOPIC='ev', PARTITIONS=1, VALUE_FORMAT='JSON');", nil)
	mustKSQL(t, url, "CREATE STREAM late WITH (KAFKA_TOPIC='late') AS SELECT id, `AT`, CAST(`AT` AS DATE) AS d, CAST(`AT` AS TIME) AS t, CAST('2021-03-04T05:06:07.089+0200' AS TIMESTAMP) AS zoned FROM ev WHERE `AT` >= '2021-01-02' AND day < `AT` AND tod > '01:00';", earliest())
	recs := []*kgo.Record{
		{Topic: "ev", Key: intKey(1), Value: []byte(`{"AT":1609459200000,"DAY":18627,"TOD":3723000}`)}, // before 2021-01-02
		{Topic: "ev", Key: intKey(2), Value: []byte(`{"AT":1609590896789,"DAY":18628,"TOD":3723000}`)}, // 2021-01-02T12:34:56.789
		{Topic: "ev", Key: intKey(3), Value: []byte(`{"AT":1609590896789,"DAY":18628,"TOD":60000}`)},   // 00:01
	}
	if err := st.cl.ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
	got := st.consumeRecords("late", 1)
	// 18629 days: 2021-01-02; 45296789 ms: 12:34:56.789; 2021-03-04T03:06:07.089Z is 1614827167089
	if want := `{"AT":1609590896789,"D":18629,"T":45296789,"ZONED":1614827167089}`; string(got[0].Value) != want {
		t.Errorf("sink value %s, want %s", got[0].Value, want)
	}
	code, body := stmtErr(t, url, "CREATE STREAM bad AS SELECT * FROM ev WHERE tod > day;")
	if code != 400 || body["message"] != "Error in WHERE expression: Cannot compare TOD (TIME) to DAY (DATE) with GREATER_THAN." {
		t.Errorf("TIME > DATE: %d %v", code, body)
	}
}

// The date-time and bytes functions the docs list, with expected values
// worked by hand: 2021-01-02T12:34:56.789Z is 1609590896789 ms; FORMAT_*
// and PARSE_* take java.time.format.DateTimeFormatter patterns;
// FROM_BYTES(..., 'hex') is DatatypeConverter.printHexBinary (upper case).
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/scalar-functions/#date-and-time
func TestTimeAndBytesFunctions(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM ev (id INT KEY, ms BIGINT) WITH (KAFKA_TOPIC='ev', PARTITIONS=1, VALUE_FORMAT='JSON');", nil)
	if err := st.cl.ProduceSync(context.Background(), &kgo.Record{Topic: "ev", Key: intKey(1), Value: []byte(`{"MS":1609590896789}`)}).FirstErr(); err != nil {
		t.Fatal(err)
	}
	_, rows := pushRows(t, url, "SELECT FROM_UNIXTIME(ms) AS ts, "+
		"FORMAT_TIMESTAMP(FROM_UNIXTIME(ms), 'yyyy-MM-dd HH:mm'), "+
		"FORMAT_TIMESTAMP(FROM_UNIXTIME(ms), 'HH:mm', 'America/Chicago'), "+
		"UNIX_TIMESTAMP(PARSE_TIMESTAMP('2021-01-02 12:34:56.789', 'yyyy-MM-dd HH:mm:ss.SSS')), "+
		"UNIX_DATE(PARSE_DATE('02/01/2021', 'dd/MM/yyyy')), "+
		"FORMAT_DATE(FROM_DAYS(18629), 'MMM d, yyyy'), "+
		"FORMAT_TIME(PARSE_TIME('12:34', 'HH:mm'), 'h:mm a'), "+
		"FROM_BYTES(TO_BYTES('CTA', 'utf8'), 'hex'), "+
		"TO_BYTES('00ff', 'hex') "+
		"FROM ev EMIT CHANGES LIMIT 1;", 1)
	want := `["2021-01-02T12:34:56.789","2021-01-02 12:34","06:34",1609590896789,18629,"Jan 2, 2021","12:34 PM","435441","AP8="]`
	if rows[0] != want {
		t.Errorf("row %s\nwant %s", rows[0], want)
	}
}

// INSERT VALUES takes a STRING for a time or BYTES column
// (DefaultSqlValueCoercer.STRICT: STRING to TIMESTAMP, TIME, DATE, BYTES);
// the KAFKA format has no serde for the time types.
func TestInsertValuesCoercesStringsToTimeColumnsAndKafkaRefusesThem(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM ev (id INT KEY, `AT` TIMESTAMP, day DATE, tod TIME, raw BYTES) WITH (KAFKA_TOPIC='ev', PARTITIONS=1, VALUE_FORMAT='JSON');", nil)
	mustKSQL(t, url, "INSERT INTO ev (id, `AT`, day, tod, raw) VALUES (1, '2021-01-02T12:34:56.789', '2021-01-02', '12:34:56', 'AP8=');", nil)
	r := st.consumeRecords("ev", 1)[0]
	if want := `{"AT":1609590896789,"DAY":18629,"TOD":45296000,"RAW":"AP8="}`; string(r.Value) != want {
		t.Errorf("value %s, want %s", r.Value, want)
	}
	code, body := stmtErr(t, url, "CREATE STREAM k (`AT` TIMESTAMP KEY, v INT) WITH (KAFKA_TOPIC='k', PARTITIONS=1, VALUE_FORMAT='JSON');")
	if code != 400 || body["message"] != "Key format does not support schema.\nformat: KAFKA\nschema: Persistence{columns=[`AT` TIMESTAMP KEY], features=[]}\nreason: The 'KAFKA' format does not support type 'TIMESTAMP'" {
		t.Errorf("KAFKA TIMESTAMP key: %d %v", code, body)
	}
}

// A stream over an AVRO topic infers TIMESTAMP, DATE, TIME and BYTES
// columns from the logical types timestamp-millis, date and time-millis
// and from bytes (AvroData.toConnectSchema: Timestamp, Date and Time
// logical Connect types; ConnectKsqlSchemaTranslator), reads them, and
// writes them back to an AVRO sink.
// https://docs.ksqldb.io/en/0.29.0-ksqldb/reference/serialization/#avro
func TestAvroLogicalTypesInferTimeAndBytesColumns(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	const schema = `{"type":"record","name":"Ev","fields":[
 {"name":"at","type":["null",{"type":"long","logicalType":"timestamp-millis"}],"default":null},
 {"name":"day","type":{"type":"int","logicalType":"date"}},
 {"name":"tod","type":{"type":"int","logicalType":"time-millis"}},
 {"name":"raw","type":"bytes"}]}`
	id := registerSchema(t, st.reg.URL(), "ev-value", schema)
	st.createTopic("ev", 1)
	rec := wire(t, id, schema, map[string]any{
		"at":  goavroUnion("long.timestamp-millis", time.UnixMilli(1609590896789).UTC()),
		"day": time.Unix(18629*86400, 0).UTC(),
		"tod": 45296789 * time.Millisecond,
		"raw": []byte{0, 255},
	})
	if err := st.cl.ProduceSync(context.Background(), &kgo.Record{Topic: "ev", Value: rec}).FirstErr(); err != nil {
		t.Fatal(err)
	}
	mustKSQL(t, url, "CREATE STREAM ev WITH (KAFKA_TOPIC='ev', VALUE_FORMAT='AVRO');", nil)
	schemaText, rows := pushRows(t, url, "SELECT * FROM ev EMIT CHANGES LIMIT 1;", 1)
	if want := "`AT` TIMESTAMP, `DAY` DATE, `TOD` TIME, `RAW` BYTES"; schemaText != want {
		t.Errorf("schema %s, want %s", schemaText, want)
	}
	if want := `["2021-01-02T12:34:56.789","2021-01-02","12:34:56","AP8="]`; rows[0] != want {
		t.Errorf("row %s, want %s", rows[0], want)
	}

	// an AVRO sink registers the logical types as AvroData writes them with
	// connect.meta.data (KsqlAvroSerdeFactory): Connect version and name,
	// then the logical type; the record carries its connect.name
	// (confluentinc/ksql v7.9.0 historical_plans "decimal_-_AVRO_in_out")
	mustKSQL(t, url, "CREATE STREAM out WITH (KAFKA_TOPIC='out', VALUE_FORMAT='AVRO') AS SELECT `AT`, day, tod, raw FROM ev;", earliest())
	r := st.consumeRecords("out", 1)[0]
	_, text := registeredSchema(t, st.reg.URL(), binary.BigEndian.Uint32(r.Value[1:5]))
	opt := func(s string) string { return `["null",` + s + `]` }
	want := `{"type":"record","name":"KsqlDataSourceSchema","namespace":"io.confluent.ksql.avro_schemas","fields":[` +
		`{"name":"AT","type":` + opt(`{"type":"long","connect.version":1,"connect.name":"org.apache.kafka.connect.data.Timestamp","logicalType":"timestamp-millis"}`) + `,"default":null},` +
		`{"name":"DAY","type":` + opt(`{"type":"int","connect.version":1,"connect.name":"org.apache.kafka.connect.data.Date","logicalType":"date"}`) + `,"default":null},` +
		`{"name":"TOD","type":` + opt(`{"type":"int","connect.version":1,"connect.name":"org.apache.kafka.connect.data.Time","logicalType":"time-millis"}`) + `,"default":null},` +
		`{"name":"RAW","type":["null","bytes"],"default":null}],"connect.name":"io.confluent.ksql.avro_schemas.KsqlDataSourceSchema"}`
	if !sameJSON(t, text, want) {
		t.Errorf("avro sink schema\n got %s\nwant %s", text, want)
	}
	codec, err := goavro.NewCodec(text)
	if err != nil {
		t.Fatal(err)
	}
	native, _, err := codec.NativeFromBinary(r.Value[5:])
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprint(native)
	if want := "map[AT:map[long.timestamp-millis:2021-01-02 12:34:56.789 +0000 UTC] DAY:map[int.date:2021-01-02 00:00:00 +0000 UTC] RAW:map[bytes:[0 255]] TOD:map[int.time-millis:12h34m56.789s]]"; got != want {
		t.Errorf("avro sink value %s\nwant %s", got, want)
	}
}

// DATEADD, DATESUB, TIMEADD, TIMESUB, TIMESTAMPADD and TIMESTAMPSUB take a
// time unit word (SqlBase.g4 functionArgument: windowUnit): TIMESTAMPADD
// adds unit.toMillis(interval); DATEADD truncates the millisecond result
// to whole days; TIME wraps around midnight (LocalTime.plus).
// 2021-01-02T12:34:56.789Z plus 90 minutes is 14:04:56.789; 23:30 plus 2
// hours is 01:30.
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/scalar-functions/#dateadd
func TestTimeUnitArithmeticFunctions(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM ev (id INT KEY, `AT` TIMESTAMP, day DATE, tod TIME) WITH (KAFKA_TOPIC='ev', PARTITIONS=1, VALUE_FORMAT='JSON');", nil)
	mustKSQL(t, url, "INSERT INTO ev (id, `AT`, day, tod) VALUES (1, '2021-01-02T12:34:56.789', '2021-01-02', '23:30');", nil)
	_, rows := pushRows(t, url, "SELECT TIMESTAMPADD(MINUTES, 90, `AT`), TIMESTAMPSUB(DAYS, 1, `AT`), DATEADD(DAYS, 30, day), DATESUB(DAYS, 2, day), TIMEADD(HOURS, 2, tod), TIMESUB(SECONDS, 1, tod) FROM ev EMIT CHANGES LIMIT 1;", 1)
	if want := `["2021-01-02T14:04:56.789","2021-01-01T12:34:56.789","2021-02-01","2020-12-31","01:30","23:29:59"]`; rows[0] != want {
		t.Errorf("row %s\nwant %s", rows[0], want)
	}
	code, body := stmtErr(t, url, "CREATE STREAM bad AS SELECT DATEADD(DAYS, 1, `AT`) FROM ev;")
	// UdfIndex.createNoMatchingFunctionException, the UDF's declared name
	// and an interval unit shown as INTERVAL UNIT (SqlIntervalUnit)
	if code != 400 || body["message"] != "Function 'dateadd' does not accept parameters (INTERVAL UNIT, INTEGER, TIMESTAMP).\nValid alternatives are:\ndateadd(INTERVAL UNIT unit, INTEGER interval, DATE date)\nFor detailed information on a function run: DESCRIBE FUNCTION <Function-Name>;" {
		t.Errorf("DATEADD on a TIMESTAMP: %d %v", code, body)
	}
}

// A pull query prints a materialized table's time columns as push queries
// do (ApiJsonMapper); LATEST_BY_OFFSET keeps a TIMESTAMP.
func TestPullQueryPrintsTimeColumns(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM ev (id INT KEY, `AT` TIMESTAMP) WITH (KAFKA_TOPIC='ev', PARTITIONS=1, VALUE_FORMAT='JSON');", nil)
	mustKSQL(t, url, "CREATE TABLE last_seen AS SELECT id, LATEST_BY_OFFSET(`AT`) AS `AT` FROM ev GROUP BY id;", earliest())
	mustKSQL(t, url, "INSERT INTO ev (id, `AT`) VALUES (7, '2021-01-02T12:34:56.789');", nil)
	var body []byte
	waitFor(t, func() bool {
		var code int
		code, body = post(t, url, "/query", "SELECT * FROM last_seen WHERE id = 7;", nil)
		return code == 200 && bytes.Contains(body, []byte(`"row"`))
	}, "the pull query to find id 7")
	var out []map[string]any
	if err := json.Unmarshal(body, &out); err != nil || len(out) != 2 {
		t.Fatalf("pull body %s: %v", body, err)
	}
	if row, _ := json.Marshal(out[1]["row"].(map[string]any)["columns"]); string(row) != `[7,"2021-01-02T12:34:56.789"]` {
		t.Errorf("row %s", row)
	}
}

// DELIMITED writes and reads the time types as epoch numbers and BYTES in
// base64 (KsqlDelimitedSerializer.handleTime/handleDate/handleBytes,
// KsqlDelimitedDeserializer's parsers).
func TestDelimitedTimeAndBytesColumns(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM ev (id INT KEY, `AT` TIMESTAMP, day DATE, tod TIME, raw BYTES) WITH (KAFKA_TOPIC='ev', PARTITIONS=1, VALUE_FORMAT='DELIMITED');", nil)
	mustKSQL(t, url, "INSERT INTO ev (id, `AT`, day, tod, raw) VALUES (1, '2021-01-02T12:34:56.789', '2021-01-02', '12:34:56', 'AP8=');", nil)
	r := st.consumeRecords("ev", 1)[0]
	if want := "1609590896789,18629,45296000,AP8="; string(r.Value) != want {
		t.Errorf("value %s, want %s", r.Value, want)
	}
	_, rows := pushRows(t, url, "SELECT `AT`, day, tod, raw FROM ev EMIT CHANGES LIMIT 1;", 1)
	if want := `["2021-01-02T12:34:56.789","2021-01-02","12:34:56","AP8="]`; rows[0] != want {
		t.Errorf("row %s, want %s", rows[0], want)
	}
}
