package ksqldb

import (
	"strings"
	"testing"
)

// The reference page "CREATE STREAM AS SELECT", its examples run as
// written. The page declares none of the sources it reads; the
// declarations here give them the columns the examples name.
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/create-stream-as-select/

// "Create a view that filters an existing stream": the stream keeps the
// three columns it selects, and each new row of source_stream reaches it.
func TestDocsCSASProjectsAnExistingStream(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM source_stream (a INT, few VARCHAR, columns VARCHAR, others VARCHAR)
  WITH (kafka_topic='source', partitions=1, value_format='JSON');
INSERT INTO source_stream (a, few, columns, others) VALUES (1, 'x', 'y', 'dropped');`, nil)
	mustKSQL(t, url, `-- Create a view that filters an existing stream:
CREATE STREAM filtered AS
   SELECT 
     a, 
     few,
     columns 
   FROM source_stream
   EMIT CHANGES;`, earliest())
	if schema, _ := describeSchema(t, url, "filtered"); schema != "A INTEGER, FEW STRING, COLUMNS STRING" {
		t.Errorf("DESCRIBE filtered: %s", schema)
	}
	if v := string(st.consumeRecords("FILTERED", 1)[0].Value); v != `{"A":1,"FEW":"x","COLUMNS":"y"}` {
		t.Errorf("FILTERED value %s", v)
	}
}

// "Create a view that enriches a stream with a table lookup": each click
// carries its user's name, classification and level.
func TestDocsCSASEnrichesAStreamWithATableLookup(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM clickstream (userId INT, url VARCHAR) WITH (kafka_topic='clickstream', partitions=1, value_format='JSON');
CREATE TABLE users (id INT PRIMARY KEY, name VARCHAR, classification VARCHAR, level INT) WITH (kafka_topic='users', partitions=1, value_format='JSON');
INSERT INTO users (id, name, classification, level) VALUES (7, 'Ada', 'gold', 3);
INSERT INTO clickstream (userId, url) VALUES (7, '/docs');`, nil)
	mustKSQL(t, url, `-- Create a view that enriches a stream with a table lookup:
CREATE STREAM enriched AS
   SELECT
      cs.*,
      u.name,
      u.classification,
      u.level
   FROM clickstream cs
      JOIN users u ON u.id = cs.userId
   EMIT CHANGES;`, earliest())
	if schema, _ := describeSchema(t, url, "enriched"); schema != "CS_USERID INTEGER KEY, CS_URL STRING, NAME STRING, CLASSIFICATION STRING, LEVEL INTEGER" {
		t.Errorf("DESCRIBE enriched: %s", schema)
	}
	if v := string(st.consumeRecords("ENRICHED", 1)[0].Value); v != `{"CS_URL":"/docs","NAME":"Ada","CLASSIFICATION":"gold","LEVEL":3}` {
		t.Errorf("ENRICHED value %s", v)
	}
}

// The TIMESTAMP example has a semicolon before EMIT CHANGES, so the request
// holds an "EMIT CHANGES;" statement that does not parse
// (SyntaxErrorValidator), and nothing runs.
func TestDocsCSASTimestampExampleIsRefusedAsKsqlDBRefusesIt(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM bar (id INT KEY, t2 BIGINT) WITH (kafka_topic='bar', partitions=1, value_format='JSON');", nil)
	code, e := stmtErr(t, url, `CREATE STREAM foo WITH (TIMESTAMP='t2') AS
  SELECT * FROM bar
  WINDOW TUMBLING (size 10 seconds);
  EMIT CHANGES;`)
	if msg, _ := e["message"].(string); code != 400 || !strings.HasPrefix(msg, "line 4:3: Syntax Error\nUnknown statement 'EMIT'") {
		t.Errorf("%d %q", code, msg)
	}
}

// "Create a view that enriches a stream with a table lookup with value
// serialization schema defined by VALUE_SCHEMA_ID": with AVRO sources and
// schema 1 a record of the join's value columns, ENRICHED is written with
// schema 1.
func TestDocsCSASEnrichesAStreamWithValueSchemaID(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	id := registerSchema(t, regURL, "enriched-schema", `{"type":"record","name":"Enriched","fields":[{"name":"CS_URL","type":["null","string"],"default":null},{"name":"NAME","type":["null","string"],"default":null},{"name":"CLASSIFICATION","type":["null","string"],"default":null},{"name":"LEVEL","type":["null","int"],"default":null}]}`)
	if id != 1 {
		t.Fatalf("first schema got id %d", id)
	}
	mustKSQL(t, url, `CREATE STREAM clickstream (userId INT, url VARCHAR) WITH (kafka_topic='clickstream', partitions=1, value_format='AVRO');
CREATE TABLE users (id INT PRIMARY KEY, name VARCHAR, classification VARCHAR, level INT) WITH (kafka_topic='users', partitions=1, value_format='AVRO');
INSERT INTO users (id, name, classification, level) VALUES (7, 'Ada', 'gold', 3);
INSERT INTO clickstream (userId, url) VALUES (7, '/docs');`, nil)
	mustKSQL(t, url, `CREATE STREAM enriched WITH (
    VALUE_SCHEMA_ID = 1
  ) AS
  SELECT
     cs.*,
     u.name,
     u.classification,
     u.level
  FROM clickstream cs
    JOIN users u ON u.id = cs.userId
  EMIT CHANGES;`, earliest())
	if got := wireID(t, st.consumeRecords("ENRICHED", 1)[0].Value); got != 1 {
		t.Errorf("ENRICHED record written with schema id %d, want 1", got)
	}
}
