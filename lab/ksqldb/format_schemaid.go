package ksqldb

// VALUE_SCHEMA_ID: a CREATE STREAM/TABLE names the registered schema its
// values are read and written with. ksqlDB 0.29 (confluentinc/ksql v0.29.0
// ksqldb-engine/.../schema/ksql/inference/DefaultSchemaInjector.java,
// SchemaRegisterInjector.java, SchemaRegistryTopicSchemaSupplier.java)
// takes the value columns from that schema, registers the same schema
// under <topic>-value and insists the registry answers with the same id,
// and its serializer writes under that id without registering
// (KsqlJsonSerdeFactory / ProtobufSerdeFactory: auto.register.schemas
// false, use.schema.id), mapping columns onto the schema's own field names
// (ConnectSRSchemaDataTranslator).
// https://docs.ksqldb.io/en/0.29.0-ksqldb/operate-and-deploy/schema-registry-integration/#schema-id

import (
	"context"
	"fmt"
	"strings"

	"github.com/twmb/franz-go/pkg/sr"

	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/srclient"
)

// formatSchemaType is the registry schema type a format reads and writes.
func formatSchemaType(f string) sr.SchemaType {
	switch f {
	case fmtJSONSR:
		return sr.TypeJSON
	case fmtProtobuf:
		return sr.TypeProtobuf
	}
	return sr.TypeAvro
}

// schemaTypeMismatch is SchemaRegistryTopicSchemaSupplier.incorrectFormat.
func schemaTypeMismatch(source string, expected, actual sr.SchemaType) error {
	return badStatement("Value schema is not in the expected format. You may want to set VALUE_FORMAT to '%s'.\n%s\nexpected format: %s\nactual format from Schema Registry: %s",
		actual, source, expected, actual)
}

// valueColumnsBySchemaID checks a CREATE's VALUE_SCHEMA_ID, takes the value
// columns from that schema and registers it under <topic>-value.
func (s *Server) valueColumnsBySchemaID(ctx context.Context, ec *execCtx, w withProps, cs *sql.CreateSource, taken map[string]bool) ([]column, error) {
	id := w.valueSchemaID
	if !inferableFormat(w.valueFormat) {
		return nil, badStatement("VALUE_FORMAT should support schema inference when VALUE_SCHEMA_ID is provided. Current format is %s.", w.valueFormat)
	}
	for _, c := range cs.Columns {
		if !c.Key && !c.PrimaryKey && !c.Headers {
			return nil, badStatement("Table elements and VALUE_SCHEMA_ID cannot both exist for create statement.")
		}
	}
	cols, got, err := s.valueSchemaIDColumns(ctx, w.topic, w.valueFormat, id, taken)
	if err != nil {
		return nil, err
	}
	if ec.sandbox || ec.replay {
		return cols, nil
	}
	return cols, s.registerSchemaID(ctx, w.topic, false, got, id)
}

// valueSchemaIDColumns fetches schema id, checks its type against a value
// format and maps it to value columns, skipping names already taken
// (DefaultSchemaInjector.getSchema).
func (s *Server) valueSchemaIDColumns(ctx context.Context, topic, format string, id int, taken map[string]bool) ([]column, sr.Schema, error) {
	if !s.reg.configured() {
		return nil, sr.Schema{}, errNoRegistry
	}
	got, err := s.reg.client.SR().SchemaByID(ctx, id)
	if err != nil {
		if srclient.IsNotFound(err) {
			return nil, got, badStatement("Schema for message values on schema id'%d does not exist in the Schema Registry.\nSchema Id: %d\n", id, id)
		}
		return nil, got, badStatement("Unable to verify if the value schema for schema id: %d is compatible with ksqlDB.\nReason: %v", id, err)
	}
	if want := formatSchemaType(format); got.Type != want {
		return nil, got, schemaTypeMismatch(fmt.Sprintf("schema id: %d", id), want, got.Type)
	}
	var cols []column
	switch format {
	case fmtJSONSR:
		cols, err = inferJSONSRValueColumns(topic, got.Schema, got.Type, taken, true)
	case fmtProtobuf:
		cols, err = s.protobufColumnsByID(ctx, topic, id, taken)
	case fmtAvro:
		cols, err = avroValueColumnsByID(got.Schema, taken)
		if err != nil {
			return nil, got, badStatement("Unable to verify if the value schema for schema id: %d is compatible with ksqlDB.\nReason: %v", id, err)
		}
	}
	return cols, got, err
}

// registerSchemaID registers the schema of id under <topic>-key or
// <topic>-value and insists the registry answers with the same id
// (SchemaRegisterInjector.registerRawSchema).
func (s *Server) registerSchemaID(ctx context.Context, topic string, key bool, got sr.Schema, id int) error {
	subject, prop := topic+"-value", "VALUE_SCHEMA_ID"
	if key {
		subject, prop = topic+"-key", "KEY_SCHEMA_ID"
	}
	rid, err := s.reg.registerAs(ctx, subject, got.Schema, got.Type)
	if err != nil {
		return badStatement("Could not register schema for topic: %v", err)
	}
	if rid != id {
		return badStatement("Schema id registered is %d which is different from provided %s %d.\nTopic: %s\nSubject: %s\nSchema: %s", rid, prop, id, topic, subject, got.Schema)
	}
	return nil
}

// keyColumnsBySchemaID checks a CREATE's KEY_SCHEMA_ID, takes the key
// columns from that schema and registers it under <topic>-key, as
// valueColumnsBySchemaID does for values.
func (s *Server) keyColumnsBySchemaID(ctx context.Context, ec *execCtx, w withProps, cs *sql.CreateSource, taken map[string]bool) ([]column, error) {
	id := w.keySchemaID
	if !inferableFormat(w.keyFormat) {
		return nil, badStatement("KEY_FORMAT should support schema inference when KEY_SCHEMA_ID is provided. Current format is %s.", w.keyFormat)
	}
	for _, c := range cs.Columns {
		if c.Key || c.PrimaryKey {
			return nil, badStatement("Table elements and KEY_SCHEMA_ID cannot both exist for create statement.")
		}
	}
	cols, got, err := s.keySchemaIDColumns(ctx, w.topic, w.keyFormat, id, taken)
	if err != nil {
		return nil, err
	}
	for i := range cols {
		if taken[cols[i].Name] {
			return nil, badStatement("Duplicate column names: %s", cols[i].Name)
		}
		taken[cols[i].Name] = true
	}
	if ec.sandbox || ec.replay {
		return cols, nil
	}
	return cols, s.registerSchemaID(ctx, w.topic, true, got, id)
}

// keySchemaIDColumns fetches schema id, checks its type against a key
// format and maps it to key columns. An AVRO or JSON_SR schema is the
// single key column ROWKEY of its type, a record or object one a STRUCT
// (SerdeUtils.wrapSingle: keys are always unwrapped); a PROTOBUF
// message's fields are the key columns.
func (s *Server) keySchemaIDColumns(ctx context.Context, topic, format string, id int, taken map[string]bool) ([]column, sr.Schema, error) {
	if !s.reg.configured() {
		return nil, sr.Schema{}, errNoRegistry
	}
	got, err := s.reg.client.SR().SchemaByID(ctx, id)
	if err != nil {
		if srclient.IsNotFound(err) {
			return nil, got, badStatement("Schema for message keys on schema id'%d does not exist in the Schema Registry.\nSchema Id: %d\n", id, id)
		}
		return nil, got, badStatement("Unable to verify if the key schema for schema id: %d is compatible with ksqlDB.\nReason: %v", id, err)
	}
	if want := formatSchemaType(format); got.Type != want {
		return nil, got, badStatement("Key schema is not in the expected format. You may want to set KEY_FORMAT to '%s'.\nschema id: %d\nexpected format: %s\nactual format from Schema Registry: %s",
			got.Type, id, want, got.Type)
	}
	var cols []column
	switch format {
	case fmtJSONSR:
		n, perr := parseJSONSRSchema(got.Schema)
		if perr != nil {
			return nil, got, badStatement("Unable to verify if the key schema for schema id: %d is compatible with ksqlDB.\nReason: %v", id, perr)
		}
		t, terr := jsonSRColumnType(n)
		if terr != nil {
			return nil, got, terr
		}
		cols = []column{{Name: "ROWKEY", Type: t}}
	case fmtProtobuf:
		cols, err = s.protobufColumnsByID(ctx, topic, id, taken)
		if err != nil {
			return nil, got, err
		}
	case fmtAvro:
		cols, err = avroKeyColumnsByID(got.Schema)
		if err != nil {
			return nil, got, badStatement("Unable to verify if the key schema for schema id: %d is compatible with ksqlDB.\nReason: %v", id, err)
		}
	}
	for i := range cols {
		cols[i].Key = true
	}
	return cols, got, nil
}

// withSchemaID makes a value serde write under a given schema id, with the
// schema's own field names, instead of registering its own schema.
func (s *serde) withSchemaID(id int) *serde {
	s.schemaID = id
	return s
}

// prepareJSONSRByID looks up the JSON schema a serde writes with and the
// schema's spelling of each column's name.
func (s *serde) prepareJSONSRByID(ctx context.Context) error {
	node, err := s.reg.jsonSchema(ctx, s.schemaID)
	if err != nil {
		return err
	}
	if !s.unwrapped() {
		if node.kind != "struct" {
			return fmt.Errorf("schema %d is not an object schema", s.schemaID)
		}
		for i, c := range s.cols {
			found := false
			for _, f := range node.fields {
				if f.name == c.Name || strings.ToUpper(f.name) == c.Name {
					s.jsonNames[i] = jsonQuote(f.name)
					found = true
					break
				}
			}
			if !found {
				return fmt.Errorf("column %s is not a field of schema %d", c.Name, s.schemaID)
			}
		}
	}
	s.jsonSRID = s.schemaID
	return nil
}

// prepareProtobufByID looks up the message a serde writes with and the
// field of each column.
func (s *serde) prepareProtobufByID(ctx context.Context) error {
	ps, err := s.reg.protoSchema(ctx, s.schemaID)
	if err != nil {
		return err
	}
	md, err := ps.FirstMessage()
	if err != nil {
		return err
	}
	idx := make([]int, len(s.cols))
	fds := md.Fields()
	for i, c := range s.cols {
		idx[i] = -1
		for j := 0; j < fds.Len(); j++ {
			n := string(fds.Get(j).Name())
			if n == c.Name || strings.ToUpper(n) == c.Name {
				idx[i] = j
				break
			}
		}
		if idx[i] < 0 {
			return fmt.Errorf("column %s is not a field of schema %d", c.Name, s.schemaID)
		}
	}
	s.protoID, s.protoMsg, s.protoFields = s.schemaID, md, idx
	return nil
}

// protobufColumnsByID maps the first message of schema id to columns.
func (s *Server) protobufColumnsByID(ctx context.Context, topic string, id int, taken map[string]bool) ([]column, error) {
	ps, err := s.reg.protoSchema(ctx, id)
	if err != nil {
		return nil, badStatement("Unable to verify if the value schema for schema id: %d is compatible with ksqlDB.\nReason: %v", id, err)
	}
	md, err := ps.FirstMessage()
	if err != nil {
		return nil, badStatement("Unable to verify if the value schema for schema id: %d is compatible with ksqlDB.\nReason: %v", id, err)
	}
	return protoMessageColumns(md, taken, true)
}
