package ksqldb

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/linkedin/goavro/v2"
	"github.com/twmb/franz-go/pkg/kgo"
)

// consumeRecords reads n records of topic from the start with their timestamps.
func (st *stack) consumeRecords(topic string, n int) []*kgo.Record {
	st.t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(st.brokers...), kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		st.t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var out []*kgo.Record
	for len(out) < n {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			st.t.Fatalf("consume %s: got %d of %d records before timeout", topic, len(out), n)
		}
		fs.EachRecord(func(r *kgo.Record) { out = append(out, r) })
	}
	return out
}

// INSERT INTO ... VALUES writes one record in the target's formats and
// answers an empty entity list; without a column list the values go to the
// key then value columns in order; ROWTIME sets the record timestamp.
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/insert-values/
func TestInsertValuesWritesOneRecordInTheStreamsFormats(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM trains (id INT KEY, line VARCHAR, delay DOUBLE) WITH (KAFKA_TOPIC='trains', PARTITIONS=1, VALUE_FORMAT='JSON');", nil)

	if ents := mustKSQL(t, url, "INSERT INTO trains (id, line, delay) VALUES (7, 'red', 2);", nil); len(ents) != 0 {
		t.Errorf("INSERT VALUES entities: %v", ents)
	}
	mustKSQL(t, url, "INSERT INTO trains VALUES (8, 'blue', 1.5);", nil)
	mustKSQL(t, url, "INSERT INTO trains (ROWTIME, line, id) VALUES (1700000000000, 'green', 9);", nil)

	recs := st.consumeRecords("trains", 3)
	want := []struct {
		id    uint32
		line  string
		delay any
	}{{7, "red", 2.0}, {8, "blue", 1.5}, {9, "green", nil}}
	for i, w := range want {
		r := recs[i]
		if len(r.Key) != 4 || binary.BigEndian.Uint32(r.Key) != w.id {
			t.Errorf("record %d key %x, want 4-byte INT %d", i, r.Key, w.id)
		}
		var v map[string]any
		if err := json.Unmarshal(r.Value, &v); err != nil {
			t.Fatalf("record %d value %s: %v", i, r.Value, err)
		}
		if v["LINE"] != w.line || v["DELAY"] != w.delay || len(v) != 2 {
			t.Errorf("record %d value %s", i, r.Value)
		}
	}
	if ts := recs[2].Timestamp.UnixMilli(); ts != 1700000000000 {
		t.Errorf("ROWTIME insert: record timestamp %d", ts)
	}
}

// A DELIMITED value and a KAFKA STRING key, as the formats write them.
func TestInsertValuesWritesDelimitedValuesAndStringKeys(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE TABLE arrivals (station VARCHAR PRIMARY KEY, line VARCHAR, mins INT) WITH (KAFKA_TOPIC='arrivals', PARTITIONS=1, VALUE_FORMAT='DELIMITED');", nil)
	mustKSQL(t, url, "INSERT INTO arrivals (station, line, mins) VALUES ('Clark/Lake', 'blue', 3);", nil)
	r := st.consumeRecords("arrivals", 1)[0]
	if string(r.Key) != "Clark/Lake" || string(r.Value) != "blue,3" {
		t.Errorf("record key %q value %q", r.Key, r.Value)
	}
}

// ksqlDB's refusals, each 400 statement_error 40001 with its text:
// InsertValuesExecutor.getDataSource and GenericRecordFactory.build
// (confluentinc/ksql), wrapped as "Failed to insert values into '<T>'. ...".
func TestInsertValuesRefusalsCarryKsqlDBsMessages(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM trains (id INT KEY, line VARCHAR) WITH (KAFKA_TOPIC='trains', PARTITIONS=1, VALUE_FORMAT='JSON');"+
		"CREATE TABLE stations (id INT PRIMARY KEY, name VARCHAR) WITH (KAFKA_TOPIC='stations', PARTITIONS=1, VALUE_FORMAT='JSON');", nil)
	cases := []struct{ ksql, msg string }{
		{"INSERT INTO nope (id) VALUES (1);", "Cannot insert values into an unknown stream/table: `NOPE`"},
		// a column is named as ColumnName.toString prints it, in backquotes
		{"INSERT INTO trains (id, colour) VALUES (1, 'red');", "Failed to insert values into 'TRAINS'. Column name `COLOUR` does not exist."},
		{"INSERT INTO trains (id, line) VALUES ('x', 'red');", "Failed to insert values into 'TRAINS'. Expected type INTEGER for field ID but got STRING(x)"},
		{"INSERT INTO stations (name) VALUES ('Belmont');", "Failed to insert values into 'STATIONS'. Value for primary key column(s) ID is required for tables"},
		// named columns and values are counted when the statement is prepared
		// (InsertValues; rest-query-validation-tests insert-values.json "should
		// fail on mismatch between explicit columns and value counts"); with no
		// names GenericRecordFactory counts them against the schema
		{"INSERT INTO trains (id, line) VALUES (1);", "Failed to prepare statement: Expected number columns and values to match: 2, 1"},
		{"INSERT INTO nope (id, line) VALUES (1);", "Failed to prepare statement: Expected number columns and values to match: 2, 1"},
		// a qualified column names a source the statement does not read
		// (insert-values.json "should fail on column reference")
		{"INSERT INTO trains (id, line) VALUES (1, elsewhere.line);", "Failed to prepare statement: 'ELSEWHERE' is not a valid stream/table name or alias."},
		{"INSERT INTO trains VALUES (1);", "Failed to insert values into 'TRAINS'. Expected a value for each column. Expected Columns: []. Got [1]"},
		// insert-values.json "verify INSERT VALUES fails for ROWOFFSET"
		{"INSERT INTO trains (ROWOFFSET, id) VALUES (1, 1);", "Failed to insert values into 'TRAINS'. Inserting into column `ROWOFFSET` is not allowed."},
	}
	for _, c := range cases {
		code, e := stmtErr(t, url, c.ksql)
		if code != 400 || e["@type"] != "statement_error" || e["error_code"] != 40001.0 || e["message"] != c.msg {
			t.Errorf("%s: %d %v, want 400 statement_error 40001 %q", c.ksql, code, e, c.msg)
		}
	}
}

// An AVRO value is written in the Schema Registry wire format under the
// schema ksqlDB registers for the topic's value subject.
func TestInsertValuesWritesAvroValuesUnderTheRegisteredSchema(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM trains (id INT KEY, line VARCHAR) WITH (KAFKA_TOPIC='trains', PARTITIONS=1, VALUE_FORMAT='AVRO');", nil)
	mustKSQL(t, url, "INSERT INTO trains (id, line) VALUES (5, 'brown');", nil)
	r := st.consumeRecords("trains", 1)[0]
	if len(r.Value) < 6 || r.Value[0] != 0 {
		t.Fatalf("value %x is not in the wire format", r.Value)
	}
	id := binary.BigEndian.Uint32(r.Value[1:5])
	resp, err := http.Get(fmt.Sprintf("%s/schemas/ids/%d", st.reg.URL(), id))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var sch struct {
		Schema string `json:"schema"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&sch); err != nil || resp.StatusCode != 200 {
		t.Fatalf("schema %d: %d %v", id, resp.StatusCode, err)
	}
	codec, err := goavro.NewCodec(sch.Schema)
	if err != nil {
		t.Fatal(err)
	}
	native, _, err := codec.NativeFromBinary(r.Value[5:])
	if err != nil {
		t.Fatalf("decode %x: %v", r.Value[5:], err)
	}
	line := native.(map[string]any)["LINE"]
	if u, ok := line.(map[string]any); !ok || u["string"] != "brown" {
		t.Errorf("LINE = %#v, want brown", line)
	}
}

// INSERT INTO ... VALUES writes a STRUCT value column in AVRO as the
// nested record KsqlDataSourceSchema_<COLUMN> (confluentinc/ksql v7.9.0
// AvroSchemas.buildAvroCompatibleStruct; the statements are the how-to
// guide query-structured-data's).
func TestInsertValuesWritesAvroStructColumnsAsNestedRecords(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM s2 (a VARCHAR KEY, b STRUCT<c VARCHAR, d INT>) WITH (kafka_topic='s2', partitions=1, value_format='avro');", nil)
	mustKSQL(t, url, "INSERT INTO s2 (a, b) VALUES ('k1', STRUCT(c := 'v1', d := 5));", nil)
	r := st.consumeRecords("s2", 1)[0]
	sch, got := decodeAvroRecord(t, st.reg.URL(), r.Value)
	if string(r.Key) != "k1" || got != `{"B":{"C":"v1","D":5}}` {
		t.Errorf("s2 record %q %s", r.Key, got)
	}
	want := `{"type":"record","name":"KsqlDataSourceSchema","namespace":"io.confluent.ksql.avro_schemas","fields":[` +
		`{"name":"B","type":["null",{"type":"record","name":"KsqlDataSourceSchema_B","fields":[{"name":"C","type":["null","string"],"default":null},{"name":"D","type":["null","int"],"default":null}],` +
		`"connect.name":"io.confluent.ksql.avro_schemas.KsqlDataSourceSchema_B"}],"default":null}],"connect.name":"io.confluent.ksql.avro_schemas.KsqlDataSourceSchema"}`
	if sch != want {
		t.Errorf("s2-value schema\n got %s\nwant %s", sch, want)
	}
}

// A value whose expression throws fails the statement: ksqlDB evaluates
// each value with a processing logger that throws KsqlException with the
// error's message, which GenericExpressionResolver supplies as "" (its
// IGNORED_MSG), and InsertValuesExecutor.buildRecord wraps it as "Failed to
// insert values into '<T>'. " + "" (confluentinc/ksql v7.9.4
// GenericExpressionResolver.java THROWING_LOGGER, InterpretedExpression.evaluate,
// InsertValuesExecutor.createInsertFailedExceptionMessage). Nothing is
// written.
func TestInsertValuesRefusesAValueWhoseExpressionThrows(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM flags (id INT KEY, n INT, ok BOOLEAN) WITH (KAFKA_TOPIC='flags', PARTITIONS=1, VALUE_FORMAT='JSON');", nil)
	for _, ksql := range []string{
		// Java's int division: ArithmeticException "/ by zero"
		"INSERT INTO flags (id, n) VALUES (1, 1/0);",
		// && over a boxed NULL Boolean: NullPointerException
		"INSERT INTO flags (id, ok) VALUES (1, CAST(NULL AS BOOLEAN) AND true);",
	} {
		code, e := stmtErr(t, url, ksql)
		if want := "Failed to insert values into 'FLAGS'. "; code != 400 || e["@type"] != "statement_error" || e["error_code"] != 40001.0 || e["message"] != want {
			t.Errorf("%s: %d %v, want 400 statement_error 40001 %q", ksql, code, e, want)
		}
	}
	mustKSQL(t, url, "INSERT INTO flags (id, n) VALUES (2, 4/2);", nil)
	if r := st.consumeRecords("flags", 1)[0]; string(r.Value) != `{"N":2,"OK":null}` {
		t.Errorf("the first record written is %s, want the statement that does not throw", r.Value)
	}
}
