package ksqldb

import "testing"

// How a KEY_SCHEMA_ID or VALUE_SCHEMA_ID is refused, as
// SchemaRegistryTopicSchemaSupplier words it: the source is "topic: <t>,
// schema id: <id>" for a CREATE, which always names its topic, and
// "schema id: <id>" for a CREATE ... AS SELECT without KAFKA_TOPIC
// (sourceMsg); a schema ksqlDB cannot use is refused with the reason, the
// advice to look it up and the schema (notCompatible); an id the registry
// does not have names the subject and id, or for no topic only the id,
// printed once as the Optional it is held in (notFound). Sources:
// confluentinc/ksql v7.9.0 ksqldb-engine/.../schema/ksql/inference/
// SchemaRegistryTopicSchemaSupplier.java, DefaultSchemaInjector.java.

// advice is the tail notCompatible puts between the reason and the schema.
const advice = "\n\nPlease see https://github.com/confluentinc/ksql/issues/ to see if this particular reason is already known.\n" +
	"If not, please log a new issue, including this full error message.\n"

// anonymous is ConnectFormatSchemaTranslator's reason for a value schema
// that is not a record while values are wrapped.
const anonymous = "Schema returned from schema registry is anonymous type. To use this schema with ksqlDB, set 'WRAP_SINGLE_VALUE=false' in the WITH clause properties."

// notFoundCauses are the causes notFound lists after the topic's own.
const notFoundCauses = "- Messages on the topic have not been serialized using a Confluent Schema Registry supported serializer\n\t-> See https://docs.confluent.io/current/schema-registry/docs/serializer-formatter.html\n" +
	"- The schema is registered on a different instance of the Schema Registry\n\t-> Use the REST API to list available subjects\thttps://docs.confluent.io/current/schema-registry/docs/api.html#get--subjects\n" +
	"- You do not have permissions to access the Schema Registry.\n\t-> See https://docs.confluent.io/current/schema-registry/docs/security.html"

func TestSchemaIDRefusalsNameTheirSource(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	mustKSQL(t, url, "CREATE STREAM pulses (id INT KEY, v BIGINT) WITH (KAFKA_TOPIC='pulses', VALUE_FORMAT='JSON', PARTITIONS=1);", nil)
	long := registerSchema(t, regURL, "scalars-value", `"long"`)
	id := itoa(int64(long))
	for _, c := range []struct{ name, stmt, msg string }{
		{"a CREATE's unusable value schema",
			"CREATE STREAM ticks WITH (KAFKA_TOPIC='ticks', PARTITIONS=1, VALUE_FORMAT='AVRO', VALUE_SCHEMA_ID=" + id + ");",
			"Unable to verify if the value schema for topic: ticks, schema id: " + id + " is compatible with ksqlDB.\nReason: " + anonymous + advice + `Schema:"long"`},
		{"a CREATE AS SELECT's unusable value schema without a topic",
			"CREATE STREAM echo WITH (VALUE_FORMAT='AVRO', VALUE_SCHEMA_ID=" + id + ") AS SELECT * FROM pulses;",
			"Unable to verify if the value schema for schema id: " + id + " is compatible with ksqlDB.\nReason: " + anonymous + advice + `Schema:"long"`},
		{"a CREATE's missing key schema",
			"CREATE STREAM ticks WITH (KAFKA_TOPIC='ticks', PARTITIONS=1, KEY_FORMAT='AVRO', VALUE_FORMAT='JSON', KEY_SCHEMA_ID=4040);",
			"Schema for message keys on topic 'ticks' does not exist in the Schema Registry.\nSubject: ticks-key\nSchema Id: 4040\n" +
				"Possible causes include:\n- The topic itself does not exist\n\t-> Use SHOW TOPICS; to check\n" +
				"- Messages on the topic are not serialized using a format Schema Registry supports\n\t-> Use PRINT 'ticks' FROM BEGINNING; to verify\n" +
				notFoundCauses},
		{"a CREATE AS SELECT's missing value schema without a topic",
			"CREATE STREAM echo WITH (VALUE_FORMAT='AVRO', VALUE_SCHEMA_ID=4040) AS SELECT * FROM pulses;",
			"Schema for message values on schema id'4040 does not exist in the Schema Registry.\nSchema Id: 4040\n" +
				"Possible causes include:\n- Schema Id Optional[4040]\n" + notFoundCauses},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, body := stmtErr(t, url, c.stmt)
			if code != 400 || body["message"] != c.msg {
				t.Errorf("got %d %q\nwant %q", code, body["message"], c.msg)
			}
		})
	}
}
