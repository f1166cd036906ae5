package formats

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

	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/registry/protoschema"
)

// SchemaType is the registry schema type a format reads and writes.
func SchemaType(f string) sr.SchemaType {
	switch f {
	case JSONSR:
		return sr.TypeJSON
	case Protobuf:
		return sr.TypeProtobuf
	}
	return sr.TypeAvro
}

// SchemaSource names where a schema was fetched from as
// SchemaRegistryTopicSchemaSupplier.sourceMsg does: "topic: <topic>",
// "schema id: <id>" or both, for the topic a statement names ("" for
// none) and the schema id it gives (0 for none).
func SchemaSource(topic string, id int) string {
	var parts []string
	if topic != "" {
		parts = append(parts, "topic: "+topic)
	}
	if id != 0 {
		parts = append(parts, fmt.Sprintf("schema id: %d", id))
	}
	return strings.Join(parts, ", ")
}

// NotCompatible is SchemaRegistryTopicSchemaSupplier.notCompatible: a
// fetched key or value schema ksqlDB cannot turn into columns, with the
// reason, the advice to look the reason up and the schema's text, from
// source (SchemaSource).
func NotCompatible(source string, key bool, schema string, cause error) error {
	what := "value"
	if key {
		what = "key"
	}
	return stmterr.Bad("Unable to verify if the %s schema for %s is compatible with ksqlDB.\nReason: %v\n\n"+
		"Please see https://github.com/confluentinc/ksql/issues/ to see if this particular reason is already known.\n"+
		"If not, please log a new issue, including this full error message.\nSchema:%s", what, source, cause, schema)
}

// SchemaTypeMismatch is SchemaRegistryTopicSchemaSupplier.incorrectFormat.
func SchemaTypeMismatch(source string, expected, actual sr.SchemaType) error {
	return stmterr.Bad("Value schema is not in the expected format. You may want to set VALUE_FORMAT to '%s'.\n%s\nexpected format: %s\nactual format from Schema Registry: %s",
		actual, source, expected, actual)
}

// WithSchemaID makes a value serde write under a given schema id, with the
// schema's own field names, instead of registering its own schema.
func (s *Serde) WithSchemaID(id int) *Serde {
	s.schemaID = id
	return s
}

// prepareJSONSRByID looks up the JSON schema a serde writes with and the
// schema's spelling of each column's name.
func (s *Serde) prepareJSONSRByID(ctx context.Context) error {
	node, err := s.Registry.jsonSchema(ctx, s.schemaID)
	if err != nil {
		return err
	}
	if !s.unwrapped() {
		if node.kind != "struct" {
			return fmt.Errorf("schema %d is not an object schema", s.schemaID)
		}
		for i, c := range s.Cols {
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
	s.setJSONSRMaps(node)
	s.jsonSRID = s.schemaID
	return nil
}

// prepareProtobufByID looks up the message a serde writes with and the
// field of each column.
func (s *Serde) prepareProtobufByID(ctx context.Context) error {
	ps, err := s.Registry.ProtoSchema(ctx, s.schemaID)
	if err != nil {
		return err
	}
	md, err := ps.FirstMessage()
	if s.protoName != "" {
		var ok bool
		if md, ok = ps.MessageNamed(s.protoName); !ok {
			err = fmt.Errorf("schema %d has no message %s", s.schemaID, s.protoName)
		}
	}
	if err != nil {
		return err
	}
	s.protoIndexes = protoschema.MessageIndexes(md)
	idx := make([]int, len(s.Cols))
	fds := md.Fields()
	for i, c := range s.Cols {
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
	// map fields written as lists, entries in the map's order
	s.protoID, s.protoMsg, s.protoFields = s.schemaID, protoMapsAsLists(md), idx
	return nil
}
