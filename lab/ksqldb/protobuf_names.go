package ksqldb

import (
	"fmt"
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/ctalab/ctalab/lab/ksqldb/formats"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/registry/protoschema"
)

// protoMessageNamed is the message of a PROTOBUF key or value schema a
// source reads: the one its KEY_SCHEMA_FULL_NAME or VALUE_SCHEMA_FULL_NAME
// names (name, "" when not given; ProtobufSchemaTranslator copies the
// schema to that name, a ConnectDefault name being ignored), else the
// schema's only top-level type. A schema of several top-level types read
// without a name is refused as DefaultSchemaInjector.throwOnMultiSchemaDefinitions
// refuses it, listing them as AbstractProtobufFormat.schemaFullNames does
// (package-qualified; here the messages, then the enums). A name no
// message has fails the schema's translation: notCompatible words that
// error as the caller's source of the schema does.
func protoMessageNamed(ps *protoschema.Schema, name string, key bool, notCompatible func(error) error) (protoreflect.MessageDescriptor, error) {
	if name = formats.ProtobufFullName(name); name != "" {
		if md, ok := ps.MessageNamed(name); ok {
			return md, nil
		}
		return nil, notCompatible(fmt.Errorf("the schema has no message %s", name))
	}
	file := ps.File()
	var names []string
	for i := 0; i < file.Messages().Len(); i++ {
		names = append(names, string(file.Messages().Get(i).FullName()))
	}
	for i := 0; i < file.Enums().Len(); i++ {
		names = append(names, string(file.Enums().Get(i).FullName()))
	}
	if len(names) > 1 {
		what, prop := "Value", "VALUE_SCHEMA_FULL_NAME"
		if key {
			what, prop = "Key", "KEY_SCHEMA_FULL_NAME"
		}
		return nil, stmterr.Bad("%s schema has multiple schema definitions. \n\n- %s\n\nPlease specify a schema full name in the WITH clause using %s", what, strings.Join(names, "\n- "), prop)
	}
	return ps.FirstMessage()
}
