package ksqldb

import (
	"context"
	"fmt"

	"github.com/ctalab/ctalab/lab/ksqldb/formats"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
	"github.com/ctalab/ctalab/srclient"
)

// declaresKey reports a CREATE that declares a KEY or PRIMARY KEY column.
func declaresKey(cs *sql.CreateSource) bool {
	for _, c := range cs.Columns {
		if c.Key || c.PrimaryKey {
			return true
		}
	}
	return false
}

// inferKeyColumns takes the key of a source that declares none from the
// latest schema of <topic>-key, as DefaultSchemaInjector.getKeySchema does
// for a key format that infers schemas: an AVRO or JSON_SR schema is the
// one key column ROWKEY (a record or object one a STRUCT: keys are always
// unwrapped), a PROTOBUF message's one field is the key column; a key of
// several columns is refused (SchemaRegistryTopicSchemaSupplier).
func (s *Server) inferKeyColumns(ctx context.Context, topic, format string, taken map[string]bool, fullName string) ([]types.Column, error) {
	subject := topic + "-key"
	text, typ, id, err := s.reg.LatestTyped(ctx, subject)
	if err != nil {
		if srclient.IsNotFound(err) {
			return nil, stmterr.Bad("%s", schemaNotFound(topic, 0, true))
		}
		return nil, stmterr.Bad("Failed to fetch schema for message keys on topic '%s' from the Schema Registry: %v", topic, err)
	}
	if want := formats.SchemaType(format); typ != want {
		return nil, stmterr.Bad("Key schema is not in the expected format. You may want to set KEY_FORMAT to '%s'.\ntopic: %s\nexpected format: %s\nactual format from Schema Registry: %s",
			typ, topic, want, typ)
	}
	notCompatible := func(err error) error {
		return formats.NotCompatible(formats.SchemaSource(topic, 0), true, text, err)
	}
	var cols []types.Column
	switch format {
	case formats.Avro:
		if cols, err = formats.AvroKeyColumnsByID(text); err != nil {
			return nil, notCompatible(err)
		}
	case formats.JSONSR:
		n, err := formats.ParseJSONSRSchema(text)
		if err != nil {
			return nil, notCompatible(err)
		}
		t, err := formats.JSONSRColumnType(n)
		if err != nil {
			return nil, err
		}
		cols = []types.Column{{Name: "ROWKEY", Type: t}}
	case formats.Protobuf:
		ps, err := s.reg.ProtoSchema(ctx, id)
		if err != nil {
			return nil, notCompatible(err)
		}
		md, err := protoMessageNamed(ps, fullName, true, notCompatible)
		if err != nil {
			return nil, err
		}
		if cols, err = formats.ProtoMessageColumns(md, map[string]bool{}, false); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("infer key columns: format %s infers no schema", format)
	}
	if len(cols) > 1 {
		return nil, stmterr.Bad("The key schema for topic: %s contains multiple columns, which is not supported by ksqlDB at this time.\nSchema:%s", topic, text)
	}
	for i := range cols {
		if taken[cols[i].Name] {
			return nil, stmterr.Bad("Duplicate column names: %s", cols[i].Name)
		}
		taken[cols[i].Name] = true
		cols[i].Key = true
	}
	return cols, nil
}

// schemaNotFound is ksqlDB's refusal of a source whose key or value schema
// the registry does not have (SchemaRegistryTopicSchemaSupplier.notFound,
// with its DocumentationLinks): for the topic a statement names, else for
// the schema id it gives, naming that id too when it is not 0.
func schemaNotFound(topic string, id int, key bool) string {
	what, subject := "values", topic+"-value"
	if key {
		what, subject = "keys", topic+"-key"
	}
	idLine := ""
	if id != 0 {
		idLine = fmt.Sprintf("Schema Id: %d\n", id)
	}
	const others = "- Messages on the topic have not been serialized using a Confluent Schema Registry supported serializer\n\t-> See https://docs.confluent.io/current/schema-registry/docs/serializer-formatter.html\n" +
		"- The schema is registered on a different instance of the Schema Registry\n\t-> Use the REST API to list available subjects\thttps://docs.confluent.io/current/schema-registry/docs/api.html#get--subjects\n" +
		"- You do not have permissions to access the Schema Registry.\n\t-> See https://docs.confluent.io/current/schema-registry/docs/security.html"
	if topic == "" {
		// the schema id printed as the Optional it is held in
		return fmt.Sprintf("Schema for message %s on schema id'%d does not exist in the Schema Registry.\n", what, id) +
			idLine + "Possible causes include:\n" + fmt.Sprintf("- Schema Id Optional[%d]\n", id) + others
	}
	return "Schema for message " + what + " on topic '" + topic + "' does not exist in the Schema Registry.\n" +
		"Subject: " + subject + "\n" + idLine +
		"Possible causes include:\n" +
		"- The topic itself does not exist\n\t-> Use SHOW TOPICS; to check\n" +
		"- Messages on the topic are not serialized using a format Schema Registry supports\n\t-> Use PRINT '" + topic + "' FROM BEGINNING; to verify\n" +
		others
}
