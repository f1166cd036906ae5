package ksqldb

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// A CREATE ... AS SELECT registers its sink's key schema and then its
// value schema while the statement is handled, before it is accepted, as
// SchemaRegisterInjector.registerForCreateAs does (registerIfSchemaExists
// true: whatever the subject holds). A registry that refuses a schema
// fails the statement with SchemaRegistryUtil.registerSchema's message
// wrapped once more by SchemaRegisterInjector.registerSchema; the sink
// topic, created by the injector that runs before it, is not deleted
// again (DistributingExecutor.execute reverts side effects only when the
// injected statement fails). A schema given by KEY_SCHEMA_ID or
// VALUE_SCHEMA_ID is registered after the computed ones
// (registerSchemas, registerRawSchema). Sources: confluentinc/ksql
// v7.9.0 ksqldb-engine/.../schema/ksql/inference/SchemaRegisterInjector.java,
// ksqldb-engine/.../schema/registry/SchemaRegistryUtil.java,
// ksqldb-rest-app/.../computation/DistributingExecutor.java.

// refusedSinkPrefix is the start of the message of a sink value schema
// the registry refuses as incompatible with what subject holds.
func refusedSinkPrefix(subject string) string {
	return `Could not register schema for topic: Could not register schema for topic: Schema being registered is incompatible with an earlier schema for subject "` + subject + `", details: `
}

// checkRefusedSink asserts a statement failed with the registry's 409
// refusal of subject's schema.
func checkRefusedSink(t *testing.T, code int, e map[string]any, subject string) {
	t.Helper()
	msg, _ := e["message"].(string)
	if code != http.StatusBadRequest || e["error_code"] != float64(40001) ||
		!strings.HasPrefix(msg, refusedSinkPrefix(subject)) || !strings.HasSuffix(msg, "; error code: 409") {
		t.Errorf("statement: %d %v %q", code, e["error_code"], msg)
	}
}

func TestCreateAsSelectFailsWhenTheRegistryRefusesTheSinkSchema(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	mustKSQL(t, url, "CREATE STREAM readings (id INT KEY, temp DOUBLE) WITH (KAFKA_TOPIC='readings', VALUE_FORMAT='JSON', PARTITIONS=1);", nil)
	registerSchema(t, regURL, "HOT-value", `"string"`)
	code, e := stmtErr(t, url, "CREATE STREAM hot WITH (VALUE_FORMAT='AVRO') AS SELECT * FROM readings WHERE temp > 30;")
	checkRefusedSink(t, code, e, "HOT-value")
	if e["statementText"] != "CREATE STREAM hot WITH (VALUE_FORMAT='AVRO') AS SELECT * FROM readings WHERE temp > 30;" {
		t.Errorf("statementText %q", e["statementText"])
	}
	t.Run("no stream and no query", func(t *testing.T) {
		if streams := mustKSQL(t, url, "SHOW STREAMS;", nil)[0]["streams"].([]any); len(streams) != 1 {
			t.Errorf("streams after the refused statement: %v", streams)
		}
		if queries := mustKSQL(t, url, "SHOW QUERIES;", nil)[0]["queries"].([]any); len(queries) != 0 {
			t.Errorf("queries after the refused statement: %v", queries)
		}
	})
	t.Run("the sink topic stays", func(t *testing.T) {
		if !topicNames(t, url, "SHOW TOPICS;")["HOT"] {
			t.Errorf("topic HOT was not left created")
		}
	})
	t.Run("the subject keeps its one version", func(t *testing.T) {
		if vs := subjectVersions(t, regURL, "HOT-value"); len(vs) != 1 {
			t.Errorf("versions of HOT-value: %v", vs)
		}
	})
}

func TestCreateAsSelectRegistersTheSinkKeyBeforeItsValue(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	mustKSQL(t, url, "CREATE TABLE rooms (id INT PRIMARY KEY, temp DOUBLE) WITH (KAFKA_TOPIC='rooms', VALUE_FORMAT='JSON', PARTITIONS=1);", nil)
	registerSchema(t, regURL, "WARM-value", `"string"`)
	code, e := stmtErr(t, url, "CREATE TABLE warm WITH (KEY_FORMAT='AVRO', VALUE_FORMAT='AVRO') AS SELECT * FROM rooms;")
	checkRefusedSink(t, code, e, "WARM-value")
	_, key := latestSchema(t, regURL, "WARM-key")
	if !sameJSON(t, key, `"int"`) {
		t.Errorf("WARM-key: %s", key)
	}
}

func TestCreateAsSelectSinkSchemasAreRegisteredWhenTheStatementReturns(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	mustKSQL(t, url, `CREATE STREAM readings (id INT KEY, temp DOUBLE) WITH (KAFKA_TOPIC='readings', VALUE_FORMAT='JSON', PARTITIONS=1);
CREATE STREAM cold WITH (KEY_FORMAT='JSON_SR', VALUE_FORMAT='AVRO') AS SELECT * FROM readings WHERE temp < 5;`, nil)
	keyID := subjectLatestID(t, regURL, "COLD-key")
	valID := subjectLatestID(t, regURL, "COLD-value")
	if keyID >= valID {
		t.Errorf("COLD-key id %d, COLD-value id %d: want the key registered first", keyID, valID)
	}
}

func TestCreateAsSelectRegistersAGivenValueSchemaAfterTheComputedKey(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	mustKSQL(t, url, "CREATE STREAM readings (id INT KEY, temp DOUBLE) WITH (KAFKA_TOPIC='readings', VALUE_FORMAT='JSON', PARTITIONS=1);", nil)
	id := registerSchema(t, regURL, "elsewhere-value", `{"type":"record","name":"Reading","fields":[{"name":"TEMP","type":["null","double"],"default":null}]}`)
	registerSchema(t, regURL, "TEPID-value", `"string"`)
	code, e := stmtErr(t, url, "CREATE STREAM tepid WITH (KEY_FORMAT='AVRO', VALUE_FORMAT='AVRO', VALUE_SCHEMA_ID="+itoa(int64(id))+") AS SELECT * FROM readings;")
	checkRefusedSink(t, code, e, "TEPID-value")
	_, key := latestSchema(t, regURL, "TEPID-key")
	if !sameJSON(t, key, `"int"`) {
		t.Errorf("TEPID-key: %s", key)
	}
}

// A CREATE's declared key is registered before the value schema
// VALUE_SCHEMA_ID names, after the topic is created.
func TestCreateRegistersAGivenValueSchemaAfterTheDeclaredKey(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	id := registerSchema(t, regURL, "elsewhere-value", `{"type":"record","name":"Reading","fields":[{"name":"TEMP","type":["null","double"],"default":null}]}`)
	registerSchema(t, regURL, "gauges-value", `"string"`)
	code, e := stmtErr(t, url, "CREATE STREAM gauges (id INT KEY) WITH (KAFKA_TOPIC='gauges', PARTITIONS=1, KEY_FORMAT='AVRO', VALUE_FORMAT='AVRO', VALUE_SCHEMA_ID="+itoa(int64(id))+");")
	checkRefusedSink(t, code, e, "gauges-value")
	_, key := latestSchema(t, regURL, "gauges-key")
	if !sameJSON(t, key, `"int"`) {
		t.Errorf("gauges-key: %s", key)
	}
	if !topicNames(t, url, "SHOW TOPICS;")["gauges"] {
		t.Errorf("topic gauges was not left created")
	}
}

// A registry that refuses connections fails a CREATE ... AS SELECT as
// its sink schema is registered, with java.net.ConnectException's message
// under SchemaRegistryUtil.registerSchema's and
// SchemaRegisterInjector.registerSchema's.
func TestCreateAsSelectWithTheRegistryDown(t *testing.T) {
	st := newStack(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "http://" + ln.Addr().String()
	_ = ln.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := New(ctx, st.brokers, down, WithSessionTimeout(6*time.Second))
	if err != nil {
		t.Fatalf("new server: %v", err)
	}
	hs := httptest.NewUnstartedServer(s)
	hs.Config.Protocols = s.Protocols()
	hs.Start()
	t.Cleanup(func() {
		hs.Close()
		_ = s.Close()
	})
	mustKSQL(t, hs.URL, "CREATE STREAM pulses (id INT KEY, v BIGINT) WITH (KAFKA_TOPIC='pulses', VALUE_FORMAT='JSON', PARTITIONS=1);", nil)
	code, body := stmtErr(t, hs.URL, "CREATE STREAM echo WITH (VALUE_FORMAT='AVRO') AS SELECT * FROM pulses;")
	const want = "Could not register schema for topic: Could not register schema for topic: Connection refused"
	if code != 400 || body["message"] != want {
		t.Errorf("got %d %q, want 400 %q", code, body["message"], want)
	}
}
