package ksqldb

import (
	"context"

	"github.com/ctalab/ctalab/lab/ksqldb/formats"
	"github.com/ctalab/ctalab/lab/ksqldb/metastore"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// KEY_SCHEMA_ID and VALUE_SCHEMA_ID on CREATE ... AS SELECT, as ksqlDB
// 0.29 runs them (confluentinc/ksql v7.9.0 ksqldb-engine/.../schema/ksql/
// inference/DefaultSchemaInjector.forCreateAsStatement and
// SchemaRegisterInjector.registerForCreateAs): the schema of the id must be
// in a format that infers schemas (AVRO, PROTOBUF, JSON_SR) and of that
// format's type; the query's key or value columns must be the schema's
// columns of the same index, name and type (the schema may have more);
// the schema itself, not one built from the columns, is registered under
// the sink topic's subject and must keep its id; the sink is written with
// it (serde.withSchemaID), a field without a column taking its default.

// sinkSchemaIDs checks a CREATE ... AS SELECT's schema ids against the
// sink's formats and columns and returns the schemas to register once the
// sink's topic exists (registerGivenSchemas).
func (s *Server) sinkSchemaIDs(ctx context.Context, w withProps, sink *metastore.Source) ([]givenSchema, error) {
	type side struct {
		id     int
		key    bool
		format string
		cols   []types.Column
	}
	sides := []side{
		{w.keySchemaID, true, sink.KeyFormat, sink.Schema.Keys()},
		{w.valueSchemaID, false, sink.ValueFormat, sink.Schema.Values()},
	}
	var given []givenSchema
	for _, sd := range sides {
		if sd.id == 0 {
			continue
		}
		prop, fprop := "VALUE_SCHEMA_ID", "VALUE_FORMAT"
		if sd.key {
			prop, fprop = "KEY_SCHEMA_ID", "KEY_FORMAT"
		}
		if !formats.Inferable(sd.format) {
			return nil, stmterr.Bad("%s should support schema inference when %s is provided. Current format is %s.", fprop, prop, sd.format)
		}
		fetch, name := s.valueSchemaIDColumns, sink.ValueFullName
		if sd.key {
			fetch, name = s.keySchemaIDColumns, sink.KeyFullName
		}
		// the refusals name the topic only when the statement does
		inferred, got, err := fetch(ctx, w.topic, sd.format, sd.id, map[string]bool{}, name)
		if err != nil {
			return nil, err
		}
		if bad := columnsNotKept(sd.cols, inferred); len(bad) > 0 {
			kind := "value "
			if sd.key {
				kind = "key "
			}
			return nil, stmterr.Bad("The following %scolumns are changed, missing or reordered: %s. Schema from schema registry is %s", kind, bracketColumns(bad), bracketColumns(inferred))
		}
		given = append(given, givenSchema{key: sd.key, id: sd.id, schema: got})
	}
	return given, nil
}
