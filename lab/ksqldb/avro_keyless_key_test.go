package ksqldb

import "testing"

// A CREATE ... AS SELECT whose result has no key columns keeps the AVRO
// key format it is given (LogicalPlanner.getSinkKeyFormat), and
// SchemaRegisterInjector.registerSchemas registers its key schema all the
// same: the empty key struct, which AvroSchemaTranslator names
// <Sink>Key, under <topic>-key before the value's schema
// (confluentinc/ksql v7.9.0 ksqldb-engine/.../inference/
// SchemaRegisterInjector.java). The records' keys stay null.
func TestAvroKeylessSinkRegistersEmptyKeyRecord(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	st.createTopic("pings", 1)
	mustKSQL(t, url, `CREATE STREAM pings (v INT) WITH (KAFKA_TOPIC='pings', VALUE_FORMAT='JSON');
CREATE STREAM ping_log WITH (KEY_FORMAT='AVRO', VALUE_FORMAT='AVRO') AS SELECT * FROM pings;`, earliest())
	st.produceValues("pings", `{"V":1}`)
	recs := st.consumeRecords("PING_LOG", 1)
	if recs[0].Key != nil {
		t.Errorf("PING_LOG key %x, want null", recs[0].Key)
	}
	rc := st.reg
	key, ok := rc.GetSchema("PING_LOG-key", 1)
	if !ok {
		t.Fatalf("no schema under PING_LOG-key")
	}
	const want = `{"type":"record","name":"PingLogKey","namespace":"io.confluent.ksql.avro_schemas","fields":[],"connect.name":"io.confluent.ksql.avro_schemas.PingLogKey"}`
	if !sameJSON(t, key.Schema.Schema, want) {
		t.Errorf("PING_LOG-key schema %s, want %s", key.Schema.Schema, want)
	}
	val, ok := rc.GetSchema("PING_LOG-value", 1)
	if !ok || val.ID <= key.ID {
		t.Errorf("PING_LOG-value id %d (found %v), want registered after the key's %d", val.ID, ok, key.ID)
	}
}
