package registry

import (
	"fmt"
	"strings"
)

// Schema types, as the registry's schema providers name them.
const (
	typeAvro     = "AVRO"
	typeJSON     = "JSON"
	typeProtobuf = "PROTOBUF"
)

// schemaTypes are the types this registry's providers handle.
var schemaTypes = map[string]bool{typeAvro: true, typeJSON: true, typeProtobuf: true}

// schemaTypeList is GET /schemas/types: the key set of the registry's
// provider map in CP 7.9 (KafkaSchemaRegistry.schemaTypes), in the order
// that HashMap yields it.
var schemaTypeList = []string{typeJSON, typeProtobuf, typeAvro}

// parsedSchema is a parsed schema of any type (ParsedSchema).
type parsedSchema interface {
	schemaType() string
}

func (s *avroSchema) schemaType() string { return typeAvro }

// backwardMessages is ParsedSchema.isBackwardCompatible with the messages
// formatted for the given labels: can the reader schema read data written
// with the writer schema? Both have the same type.
func backwardMessages(reader, writer parsedSchema, readerLabel, writerLabel string) ([]string, error) {
	switch r := reader.(type) {
	case *avroSchema:
		return readMessages(r, writer.(*avroSchema), readerLabel, writerLabel)
	case *jsonSchema:
		msgs, err := jsonBackward(r, writer.(*jsonSchema))
		if err != nil {
			return nil, err
		}
		return labelled(msgs, readerLabel, writerLabel), nil
	case *protoSchema:
		return labelled(protoBackward(r, writer.(*protoSchema)), readerLabel, writerLabel), nil
	}
	return nil, fmt.Errorf("no compatibility rules for schema type %s", reader.schemaType())
}

// labelled fills the two %s of each message, reader first, as
// SchemaValidatorBuilder.formatErrorMessages does with String.format.
func labelled(msgs []string, reader, writer string) []string {
	for i, m := range msgs {
		m = strings.Replace(m, "%s", reader, 1)
		msgs[i] = strings.Replace(m, "%s", writer, 1)
	}
	return msgs
}

// parseStoredSchema parses a stored version with its references.
func parseStoredSchema(src storedSource) (parsedSchema, error) {
	switch src.typ {
	case typeJSON:
		s, _, err := parseJSONSchema(src.text, src.srcs, false)
		return s, err
	case typeProtobuf:
		s, err := parseProto(src.text, src.srcs)
		return s, err
	}
	defined := map[string]*avroSchema{}
	if err := parseRefSources(src.srcs, map[string]bool{}, defined); err != nil {
		return nil, err
	}
	return parseAvro(src.text, defined)
}

// flattenRefs lists references depth first, dependencies before the
// schemas that use them, each name once.
func flattenRefs(srcs []refSource, seen map[string]bool, out []refSource) []refSource {
	for _, s := range srcs {
		out = flattenRefs(s.deps, seen, out)
		if !seen[s.name] {
			seen[s.name] = true
			out = append(out, s)
		}
	}
	return out
}
