package ksqldb

import (
	"context"
	"errors"
	"syscall"

	"github.com/twmb/franz-go/pkg/sr"

	"github.com/ctalab/ctalab/lab/ksqldb/formats"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
	"github.com/ctalab/ctalab/srclient"
)

// givenSchema is the schema a KEY_SCHEMA_ID or VALUE_SCHEMA_ID names, as
// fetched, registered under the topic's subject once the schemas built
// from columns are (registerGivenSchemas).
type givenSchema struct {
	key    bool
	id     int
	schema sr.Schema
}

// registerGivenSchemas registers the schemas KEY_SCHEMA_ID and
// VALUE_SCHEMA_ID name, key first, after any schema built from columns,
// as SchemaRegisterInjector.registerSchemas does last.
func (s *Server) registerGivenSchemas(ctx context.Context, topic string, given []givenSchema) error {
	for _, g := range given {
		if err := s.registerSchemaID(ctx, topic, g.key, g.schema, g.id); err != nil {
			return err
		}
	}
	return nil
}

// valueColumnsBySchemaID checks a CREATE's VALUE_SCHEMA_ID and takes the
// value columns from that schema, which is registered under <topic>-value
// later (registerGivenSchemas).
func (s *Server) valueColumnsBySchemaID(ctx context.Context, w withProps, cs *sql.CreateSource, taken map[string]bool) ([]types.Column, givenSchema, error) {
	id := w.valueSchemaID
	if !formats.Inferable(w.valueFormat) {
		return nil, givenSchema{}, stmterr.Bad("VALUE_FORMAT should support schema inference when VALUE_SCHEMA_ID is provided. Current format is %s.", w.valueFormat)
	}
	for _, c := range cs.Columns {
		if !c.Key && !c.PrimaryKey && !c.Headers {
			return nil, givenSchema{}, stmterr.Bad("Table elements and VALUE_SCHEMA_ID cannot both exist for create statement.")
		}
	}
	cols, got, err := s.valueSchemaIDColumns(ctx, w.topic, w.valueFormat, id, taken, w.valueSchemaName())
	if err != nil {
		return nil, givenSchema{}, err
	}
	return cols, givenSchema{key: false, id: id, schema: got}, nil
}

// valueSchemaIDColumns fetches schema id, checks its type against a value
// format and maps it to value columns, skipping names already taken
// (DefaultSchemaInjector.getSchema). topic is the one the statement names,
// "" for none, as the refusals name it (SchemaRegistryTopicSchemaSupplier).
func (s *Server) valueSchemaIDColumns(ctx context.Context, topic, format string, id int, taken map[string]bool, fullName string) ([]types.Column, sr.Schema, error) {
	got, err := s.fetchSchemaID(ctx, topic, id, false)
	if err != nil {
		return nil, got, err
	}
	source := formats.SchemaSource(topic, id)
	if want := formats.SchemaType(format); got.Type != want {
		return nil, got, formats.SchemaTypeMismatch(source, want, got.Type)
	}
	var cols []types.Column
	switch format {
	case formats.JSONSR:
		cols, err = formats.InferJSONSRValueColumns(source, got.Schema, got.Type, taken, true)
	case formats.Protobuf:
		cols, err = s.protobufColumnsByID(ctx, source, got.Schema, id, taken, fullName, false)
	case formats.Avro:
		cols, err = formats.AvroValueColumnsByID(got.Schema, taken)
		if err != nil {
			return nil, got, formats.NotCompatible(source, false, got.Schema, err)
		}
	}
	return cols, got, err
}

// fetchSchemaID fetches the schema a KEY_SCHEMA_ID or VALUE_SCHEMA_ID
// names, refusing an id the registry does not have as
// SchemaRegistryTopicSchemaSupplier.notFound does.
func (s *Server) fetchSchemaID(ctx context.Context, topic string, id int, key bool) (sr.Schema, error) {
	if !s.reg.Configured() {
		return sr.Schema{}, formats.ErrNoRegistry
	}
	got, err := s.reg.Client.SR().SchemaByID(ctx, id)
	if err == nil {
		return got, nil
	}
	if srclient.IsNotFound(err) {
		return got, stmterr.Bad("%s", schemaNotFound(topic, id, key))
	}
	// SchemaRegistryTopicSchemaSupplier.fetchExceptionMessage with its
	// cause, as DefaultSchemaInjector joins them
	// (ErrorMessageUtil.buildErrorMessage, which words a refused
	// connection its own way)
	what, cause := "value", registryMessage(err)
	if key {
		what = "key"
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		cause = "Could not connect to the server. Please check the server details are correct and that the server is running."
	}
	return got, stmterr.Bad("Schema registry fetch for topic %s request failed for %s\n%s", what, formats.SchemaSource(topic, id), wordWrap("Caused by: "+cause, 80, "\n\t"))
}

// registerSchemaID registers the schema of id, with its references, under
// <topic>-key or <topic>-value and insists the registry answers with the
// same id (SchemaRegisterInjector.registerRawSchema).
func (s *Server) registerSchemaID(ctx context.Context, topic string, key bool, got sr.Schema, id int) error {
	subject, prop := topic+"-value", "VALUE_SCHEMA_ID"
	if key {
		subject, prop = topic+"-key", "KEY_SCHEMA_ID"
	}
	rid, err := s.reg.RegisterSchema(ctx, subject, got)
	if err != nil {
		// SchemaRegistryUtil.registerSchema's message, wrapped once more
		// by registerRawSchema
		return stmterr.Bad("Could not register schema for topic: Could not register schema for topic: %s", registryMessage(err))
	}
	if rid != id {
		return stmterr.Bad("Schema id registered is %d which is different from provided %s %d.\nTopic: %s\nSubject: %s\nSchema: %s", rid, prop, id, topic, subject, got.Schema)
	}
	return nil
}

// keyColumnsBySchemaID checks a CREATE's KEY_SCHEMA_ID and takes the key
// columns from that schema, to be registered under <topic>-key, as
// valueColumnsBySchemaID does for values.
func (s *Server) keyColumnsBySchemaID(ctx context.Context, w withProps, cs *sql.CreateSource, taken map[string]bool) ([]types.Column, givenSchema, error) {
	id := w.keySchemaID
	if !formats.Inferable(w.keyFormat) {
		return nil, givenSchema{}, stmterr.Bad("KEY_FORMAT should support schema inference when KEY_SCHEMA_ID is provided. Current format is %s.", w.keyFormat)
	}
	for _, c := range cs.Columns {
		if c.Key || c.PrimaryKey {
			return nil, givenSchema{}, stmterr.Bad("Table elements and KEY_SCHEMA_ID cannot both exist for create statement.")
		}
	}
	cols, got, err := s.keySchemaIDColumns(ctx, w.topic, w.keyFormat, id, taken, w.keySchemaName())
	if err != nil {
		return nil, givenSchema{}, err
	}
	for i := range cols {
		if taken[cols[i].Name] {
			return nil, givenSchema{}, stmterr.Bad("Duplicate column names: %s", cols[i].Name)
		}
		taken[cols[i].Name] = true
	}
	return cols, givenSchema{key: true, id: id, schema: got}, nil
}

// keySchemaIDColumns fetches schema id, checks its type against a key
// format and maps it to key columns. An AVRO or JSON_SR schema is the
// single key column ROWKEY of its type, a record or object one a STRUCT
// (SerdeUtils.wrapSingle: keys are always unwrapped); a PROTOBUF
// message's fields are the key columns. topic is as for
// valueSchemaIDColumns.
func (s *Server) keySchemaIDColumns(ctx context.Context, topic, format string, id int, taken map[string]bool, fullName string) ([]types.Column, sr.Schema, error) {
	got, err := s.fetchSchemaID(ctx, topic, id, true)
	if err != nil {
		return nil, got, err
	}
	source := formats.SchemaSource(topic, id)
	if want := formats.SchemaType(format); got.Type != want {
		return nil, got, stmterr.Bad("Key schema is not in the expected format. You may want to set KEY_FORMAT to '%s'.\n%s\nexpected format: %s\nactual format from Schema Registry: %s",
			got.Type, source, want, got.Type)
	}
	var cols []types.Column
	switch format {
	case formats.JSONSR:
		n, perr := formats.ParseJSONSRSchema(got.Schema)
		if perr != nil {
			return nil, got, formats.NotCompatible(source, true, got.Schema, perr)
		}
		t, terr := formats.JSONSRColumnType(n)
		if terr != nil {
			return nil, got, terr
		}
		cols = []types.Column{{Name: "ROWKEY", Type: t}}
	case formats.Protobuf:
		cols, err = s.protobufColumnsByID(ctx, source, got.Schema, id, taken, fullName, true)
		if err != nil {
			return nil, got, err
		}
	case formats.Avro:
		cols, err = formats.AvroKeyColumnsByID(got.Schema)
		if err != nil {
			return nil, got, formats.NotCompatible(source, true, got.Schema, err)
		}
	}
	for i := range cols {
		cols[i].Key = true
	}
	return cols, got, nil
}

// protobufColumnsByID maps the message of schema id, whose text is text, a
// source reads (protoMessageNamed: the one fullName names, else the only
// one) to columns.
func (s *Server) protobufColumnsByID(ctx context.Context, source, text string, id int, taken map[string]bool, fullName string, key bool) ([]types.Column, error) {
	notCompatible := func(err error) error { return formats.NotCompatible(source, key, text, err) }
	ps, err := s.reg.ProtoSchema(ctx, id)
	if err != nil {
		return nil, notCompatible(err)
	}
	md, err := protoMessageNamed(ps, fullName, key, notCompatible)
	if err != nil {
		return nil, err
	}
	return formats.ProtoMessageColumns(md, taken, true)
}

// inferProtobufValueColumns maps the first message of the latest value
// schema of a PROTOBUF topic to value columns, upper-cased, skipping the
// names already declared.
func (s *Server) inferProtobufValueColumns(ctx context.Context, topic, text string, id int, typ sr.SchemaType, taken map[string]bool, fullName string) ([]types.Column, error) {
	if typ != sr.TypeProtobuf {
		return nil, formats.SchemaTypeMismatch("topic: "+topic, sr.TypeProtobuf, typ)
	}
	notCompatible := func(err error) error { return formats.NotCompatible(formats.SchemaSource(topic, 0), false, text, err) }
	ps, err := s.reg.ProtoSchema(ctx, id)
	if err != nil {
		return nil, notCompatible(err)
	}
	md, err := protoMessageNamed(ps, fullName, false, notCompatible)
	if err != nil {
		return nil, err
	}
	return formats.ProtoMessageColumns(md, taken, false)
}
