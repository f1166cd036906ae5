package formats

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// ErrAvroIncompatible marks a schema AvroSchemaTranslator.fromConnectSchema
// refuses: Avro's SchemaParseException, "Schema is not compatible with
// Avro: <reason>".
var ErrAvroIncompatible = errors.New("Schema is not compatible with Avro")

// avroNameError is Avro's Schema.validateName: a name starts with a
// letter or '_' and goes on with letters, digits and '_'.
func avroNameError(name string) error {
	if name == "" {
		return errors.New("Empty name")
	}
	for i, r := range name {
		switch {
		case r == '_' || unicode.IsLetter(r):
		case i > 0 && unicode.IsDigit(r):
		case i == 0:
			return fmt.Errorf("Illegal initial character: %s", name)
		default:
			return fmt.Errorf("Illegal character in: %s", name)
		}
	}
	return nil
}

// checkAvroNames walks a schema this server writes in the order AvroData
// builds it, a record's name before its fields and a field's type before
// its name, and returns the first name Avro refuses.
func checkAvroNames(sch any) error {
	switch x := sch.(type) {
	case []any:
		for _, b := range x {
			if err := checkAvroNames(b); err != nil {
				return err
			}
		}
	case map[string]any:
		switch x["type"] {
		case "record":
			name, _ := x["name"].(string)
			if i := strings.LastIndexByte(name, '.'); i >= 0 {
				name = name[i+1:]
			}
			if err := avroNameError(name); err != nil {
				return err
			}
			fields, _ := x["fields"].([]any)
			for _, f := range fields {
				fm, _ := f.(map[string]any)
				if err := checkAvroNames(fm["type"]); err != nil {
					return err
				}
				name, _ := fm["name"].(string)
				if err := avroNameError(name); err != nil {
					return err
				}
			}
		case "array":
			return checkAvroNames(x["items"])
		case "map":
			return checkAvroNames(x["values"])
		}
	}
	return nil
}

// AvroCompatible reports whether Avro accepts the names in the schema
// this serde registers for its columns, as AvroSchemaTranslator does
// before registering it; nil for other formats.
func (s *Serde) AvroCompatible() error {
	if s.Format != Avro || len(s.Cols) == 0 || s.schemaID != 0 {
		return nil
	}
	var sch any
	if err := json.Unmarshal([]byte(s.avroSchemaFor()), &sch); err != nil {
		return fmt.Errorf("parse avro schema: %w", err)
	}
	if err := checkAvroNames(sch); err != nil {
		return fmt.Errorf("%w: %w", ErrAvroIncompatible, err)
	}
	return nil
}
