package ksqldb

import (
	"encoding/binary"
	"testing"
)

// The reference page "CREATE TABLE", its examples run as written over /ksql.
// The page registers each table on an existing topic and shows no output;
// the expected columns follow from the statement (declared) or from the
// registered schema, as ksqlDB's schema inference maps it
// (query-validation-tests/schema-inference.json, elements.json at v7.9.0).
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/create-table/

const createTableDeclared = `-- table with declared columns: 
CREATE TABLE users (
     id BIGINT PRIMARY KEY,
     usertimestamp BIGINT,
     gender VARCHAR,
     region_id VARCHAR
   ) WITH (
     KAFKA_TOPIC = 'my-users-topic', 
     VALUE_FORMAT = 'JSON'
   );`

func commandMessage(t *testing.T, out []map[string]any) string {
	t.Helper()
	if len(out) != 1 {
		t.Fatalf("want one entity: %v", out)
	}
	st, _ := out[0]["commandStatus"].(map[string]any)
	msg, _ := st["message"].(string)
	return msg
}

func bigintKey(n int64) []byte { return binary.BigEndian.AppendUint64(nil, uint64(n)) }

// The declared table has its four columns, ID the primary key, and a push
// query reads the topic's rows through them.
func TestDocsCreateTableWithDeclaredColumnsReadsTheTopicsRows(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	st.createTopic("my-users-topic", 1)
	if msg := commandMessage(t, mustKSQL(t, url, createTableDeclared, nil)); msg != "Table created" {
		t.Errorf("message %q, want Table created", msg)
	}
	if schema, kf := describeSchema(t, url, "users"); schema != "ID BIGINT KEY, USERTIMESTAMP BIGINT, GENDER STRING, REGION_ID STRING" || kf != "KAFKA" {
		t.Errorf("DESCRIBE users: %s (%s)", schema, kf)
	}
	st.produce("my-users-topic",
		kv{bigintKey(1), []byte(`{"USERTIMESTAMP":1510923225000,"GENDER":"FEMALE","REGION_ID":"Region_6"}`)},
		kv{bigintKey(2), []byte(`{"USERTIMESTAMP":1510923226000,"GENDER":"MALE","REGION_ID":"Region_2"}`)})
	hdr, rows := pushRows(t, url, "SELECT * FROM users EMIT CHANGES LIMIT 2;", 2)
	if hdr != "`ID` BIGINT, `USERTIMESTAMP` BIGINT, `GENDER` STRING, `REGION_ID` STRING" {
		t.Errorf("header %s", hdr)
	}
	if got, want := rows[0]+" "+rows[1], `[1,1510923225000,"FEMALE","Region_6"] [2,1510923226000,"MALE","Region_2"]`; got != want {
		t.Errorf("rows %s\nwant %s", got, want)
	}
}

// The page's IF NOT EXISTS promise: a second CREATE TABLE IF NOT EXISTS of
// the same name does not fail and warns "A table with the same name
// already exists." (the page's Description), as a warning_entity with
// DistributingExecutor.checkIfNotExistsResponse's full text.
func TestDocsCreateTableIfNotExistsWarnsOfTheExistingTable(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	st.createTopic("my-users-topic", 1)
	mustKSQL(t, url, createTableDeclared, nil)
	out := mustKSQL(t, url, `CREATE TABLE IF NOT EXISTS users (id BIGINT PRIMARY KEY, gender VARCHAR)
  WITH (KAFKA_TOPIC = 'my-users-topic', VALUE_FORMAT = 'JSON');`, nil)
	if len(out) != 1 || out[0]["@type"] != "warning_entity" || out[0]["message"] != "Cannot add table `USERS`: A table with the same name already exists." {
		t.Errorf("IF NOT EXISTS answered %v", out)
	}
}

// Value columns loaded from Schema Registry: the declared key column, then
// the fields of the latest <topic>-value schema, a JSON "integer" as BIGINT
// and names upper-cased.
func TestDocsCreateTableLoadsValueColumnsFromSchemaRegistry(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	st.createTopic("my-users-topic", 1)
	registerTyped(t, regURL, "my-users-topic-value", "JSON",
		`{"type":"object","properties":{"usertimestamp":{"type":"integer"},"gender":{"type":"string"},"region_id":{"type":"string"}}}`)
	out := mustKSQL(t, url, `-- table with value columns loaded from Schema Registry: 
CREATE TABLE users (
     id BIGINT PRIMARY KEY
   ) WITH (
     KAFKA_TOPIC = 'my-users-topic', 
     VALUE_FORMAT = 'JSON_SR'
   );`, nil)
	if msg := commandMessage(t, out); msg != "Table created" {
		t.Errorf("message %q", msg)
	}
	if schema, _ := describeSchema(t, url, "users"); schema != "ID BIGINT KEY, USERTIMESTAMP BIGINT, GENDER STRING, REGION_ID STRING" {
		t.Errorf("DESCRIBE users: %s", schema)
	}
}

// VALUE_SCHEMA_ID=2 takes the value columns from schema 2 whatever its
// subject, and registers it under my-users-topic-value with the same id.
func TestDocsCreateTableLoadsValueColumnsFromValueSchemaID(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	st.createTopic("my-users-topic", 1)
	registerTyped(t, regURL, "other-value", "JSON", `{"type":"object","properties":{"other":{"type":"string"}}}`)
	if id := registerTyped(t, regURL, "users-schemas", "JSON",
		`{"type":"object","properties":{"usertimestamp":{"type":"integer"},"gender":{"type":"string"},"region_id":{"type":"string"}}}`); id != 2 {
		t.Fatalf("the users schema got id %d; the page's example needs 2", id)
	}
	mustKSQL(t, url, `-- table with value columns loaded from Schema Registry with VALUE_SCHEMA_ID: 
CREATE TABLE users (
     id BIGINT PRIMARY KEY
   ) WITH (
     KAFKA_TOPIC = 'my-users-topic', 
     VALUE_FORMAT = 'JSON_SR',
     VALUE_SCHEMA_ID =2
   );`, nil)
	// The schema's own field names, as ksqlDB keeps them for a
	// VALUE_SCHEMA_ID (elements.json, "validate schema id without value
	// elements OK - JSON_SR SCHEMA": `c1`).
	if schema, _ := describeSchema(t, url, "users"); schema != "ID BIGINT KEY, usertimestamp BIGINT, gender STRING, region_id STRING" {
		t.Errorf("DESCRIBE users: %s", schema)
	}
	if id := subjectLatestID(t, regURL, "my-users-topic-value"); id != 2 {
		t.Errorf("my-users-topic-value latest id %d, want 2", id)
	}
}

// KEY_SCHEMA_ID=1 with the AVRO key format takes the key column from
// schema 1: a primitive schema is the single key column ROWKEY, before the
// declared value columns (query-validation-tests/elements.json "validate
// schema id without key value elements OK - AVRO": an "int" key schema
// gives ROWKEY INT KEY). Only declared key columns would clash with it
// (DefaultSchemaInjector counts key elements for KEY_SCHEMA_ID). Keys are
// written under schema 1 and read back through it.
func TestDocsCreateTableLoadsKeyColumnsFromKeySchemaID(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	st.createTopic("my-users-topic", 1)
	if id := registerTyped(t, regURL, "user-keys", "AVRO", `{"type":"long"}`); id != 1 {
		t.Fatalf("the key schema got id %d; the page's example needs 1", id)
	}
	mustKSQL(t, url, `-- table with key columns loaded from Schema Registry with KEY_SCHEMA_ID: 
CREATE TABLE users (
     usertimestamp BIGINT,
     gender VARCHAR,
     region_id VARCHAR
   ) WITH (
     KAFKA_TOPIC = 'my-users-topic', 
     KEY_FORMAT = 'AVRO',
     KEY_SCHEMA_ID = 1,
     VALUE_FORMAT = 'JSON_SR'
   );`, nil)
	if schema, kf := describeSchema(t, url, "users"); schema != "ROWKEY BIGINT KEY, USERTIMESTAMP BIGINT, GENDER STRING, REGION_ID STRING" || kf != "AVRO" {
		t.Errorf("DESCRIBE users: %s (%s)", schema, kf)
	}
	if id := subjectLatestID(t, regURL, "my-users-topic-key"); id != 1 {
		t.Errorf("my-users-topic-key latest id %d, want 1", id)
	}
	mustKSQL(t, url, "INSERT INTO users (rowkey, usertimestamp, gender, region_id) VALUES (7, 1510923225000, 'FEMALE', 'Region_6');", nil)
	hdr, rows := pushRows(t, url, "SELECT * FROM users EMIT CHANGES LIMIT 1;", 1)
	if hdr != "`ROWKEY` BIGINT, `USERTIMESTAMP` BIGINT, `GENDER` STRING, `REGION_ID` STRING" || rows[0] != `[7,1510923225000,"FEMALE","Region_6"]` {
		t.Errorf("push: %s %v", hdr, rows)
	}
	r := st.consumeRecords("my-users-topic", 1)[0]
	if len(r.Key) < 5 || binary.BigEndian.Uint32(r.Key[1:5]) != 1 {
		t.Errorf("key %x not written under schema 1", r.Key)
	}
}
