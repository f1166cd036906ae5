package connect

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"strconv"
	"time"

	"github.com/twmb/franz-go/pkg/sr"

	"github.com/ctalab/ctalab/lab/connect/data"
	"github.com/ctalab/ctalab/lab/connect/transforms"
)

const jsonSchemaConverterClass = "io.confluent.connect.json.JsonSchemaConverter"

// jsonSchemaConverter is io.confluent.connect.json.JsonSchemaConverter of
// Confluent Platform 7.9 (confluentinc/schema-registry json-schema-converter/
// src/main/java/io/confluent/connect/json/JsonSchemaConverter.java): it maps
// the Connect schema to a JSON Schema as JsonSchemaData.fromConnectSchema
// does, registers it (schemaType JSON) under TopicNameStrategy and writes
// the Confluent wire format: magic byte 0, the 4-byte big-endian schema id,
// then the value as JSON (JsonSchemaData.fromConnectData).
// Docs: https://docs.confluent.io/platform/7.9/schema-registry/connect.html
type jsonSchemaConverter struct {
	isKey bool
	registrySerde
	values jsonConverter // writes the JSON value: schemaless, decimals as base64
}

func newJSONSchemaConverter(settings map[string]string, isKey bool, nw network) (recordConverter, []converterIssue) {
	rs, errs := newRegistrySerde(settings, "JsonSchemaConverter", nw)
	if len(errs) > 0 {
		return nil, errs
	}
	// JsonSchemaDataConfig: decimal.format BASE64 by default, as the
	// values writer does.
	if v, ok := settings["decimal.format"]; ok && v != "BASE64" {
		return nil, []converterIssue{{Key: "decimal.format", Msg: "Invalid value " + v + " for configuration decimal.format: this worker's JsonSchemaConverter writes decimals as BASE64 only", Unbuilt: true}}
	}
	return &jsonSchemaConverter{isKey: isKey, registrySerde: rs}, nil
}

func (c *jsonSchemaConverter) fromConnectData(topic string, s *schema, v any) ([]byte, error) {
	if v == nil {
		if s != nil && !s.Optional {
			return nil, &transforms.Error{Class: transforms.DataException, Msg: "Conversion error: null value for field that is required and has no default value"}
		}
		return nil, nil
	}
	if s == nil {
		return nil, &transforms.Error{Class: transforms.DataException, Msg: "Converting Kafka Connect data to byte[] failed due to serialization error of topic " + topic + ": schemaless data is not supported by this worker's JsonSchemaConverter"}
	}
	if err := checkConnectData(s, v); err != nil {
		return nil, err
	}
	var sb bytes.Buffer
	if err := writeConnectJSONSchema(&sb, s, -1, false); err != nil {
		return nil, &transforms.Error{Class: transforms.DataException, Msg: err.Error()}
	}
	subject := topic + "-value"
	if c.isKey {
		subject = topic + "-key"
	}
	id, err := c.schemaID(subject, sb.String())
	if err != nil {
		// AbstractKafkaJsonSchemaSerializer.serializeImpl's messages.
		doing := "Error registering JSON schema: "
		if !c.autoRegister {
			doing = "Error retrieving schema ID"
		}
		return nil, serializerFailure(err, doing, sb.String(), "Converting Kafka Connect data to byte[] failed due to serialization error of topic "+topic+": ", "JSON")
	}
	var body bytes.Buffer
	body.Write([]byte{0, 0, 0, 0, 0})
	binary.BigEndian.PutUint32(body.Bytes()[1:5], uint32(id))
	c.values.writeValue(&body, s, v)
	return body.Bytes(), nil
}

func (c *jsonSchemaConverter) schemaID(subject, text string) (int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if c.autoRegister {
		return c.registry.RegisterAs(ctx, subject, text, sr.TypeJSON)
	}
	return c.registry.LookupAs(ctx, subject, text, sr.TypeJSON)
}

// writeConnectJSONSchema writes the JSON Schema JsonSchemaData.
// rawSchemaFromConnectSchema makes of a Connect schema, with everit's
// property order (title, description, default, the type's own keywords, then
// the connect.* properties in java.util.HashMap order: connect.version,
// connect.index, connect.type, connect.parameters). An optional schema
// becomes {"oneOf":[{"type":"null"}, T]}; a field's index goes on the
// outermost schema of the field (connect.index). index < 0: not a field.
func writeConnectJSONSchema(b *bytes.Buffer, s *schema, index int, ignoreOptional bool) error {
	if s.Optional && !ignoreOptional {
		b.WriteString(`{"oneOf":[{"type":"null"},`)
		if err := writeConnectJSONSchema(b, s, -1, true); err != nil {
			return err
		}
		b.WriteByte(']')
		if index >= 0 {
			b.WriteString(`,"connect.index":`)
			b.WriteString(strconv.Itoa(index))
		}
		b.WriteByte('}')
		return nil
	}
	b.WriteByte('{')
	comma := false
	key := func(k string) {
		if comma {
			b.WriteByte(',')
		}
		comma = true
		jsonString(b, k)
		b.WriteByte(':')
	}
	if s.Name != "" {
		key("title")
		jsonString(b, s.Name)
	}
	if s.Doc != "" {
		key("description")
		jsonString(b, s.Doc)
	}
	connectType := ""
	switch s.Type {
	case typeInt8, typeInt16, typeInt32, typeInt64:
		key("type")
		b.WriteString(`"integer"`)
		connectType = map[schemaType]string{typeInt8: "int8", typeInt16: "int16", typeInt32: "int32", typeInt64: "int64"}[s.Type]
	case typeFloat32, typeFloat64:
		key("type")
		b.WriteString(`"number"`)
		connectType = map[schemaType]string{typeFloat32: "float32", typeFloat64: "float64"}[s.Type]
	case typeBoolean:
		key("type")
		b.WriteString(`"boolean"`)
	case typeString:
		key("type")
		b.WriteString(`"string"`)
	case typeBytes:
		key("type")
		if s.Name == logicalDecimal {
			b.WriteString(`"number"`)
		} else {
			b.WriteString(`"string"`)
		}
		connectType = "bytes"
	case typeStruct:
		key("type")
		b.WriteString(`"object"`)
		key("properties")
		b.WriteByte('{')
		for i := range s.Fields {
			if i > 0 {
				b.WriteByte(',')
			}
			jsonString(b, s.Fields[i].Name)
			b.WriteByte(':')
			if err := writeConnectJSONSchema(b, &s.Fields[i].Schema, i, false); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	case data.ArrayType:
		key("type")
		b.WriteString(`"array"`)
		if s.ValueSchema != nil {
			key("items")
			if err := writeConnectJSONSchema(b, s.ValueSchema, -1, false); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("Converting Kafka Connect data to byte[] failed: this worker's JsonSchemaConverter does not map %s schemas", s.Type)
	}
	if s.Version != 0 {
		key("connect.version")
		b.WriteString(strconv.Itoa(s.Version))
	}
	if index >= 0 {
		key("connect.index")
		b.WriteString(strconv.Itoa(index))
	}
	if connectType != "" {
		key("connect.type")
		jsonString(b, connectType)
	}
	if len(s.Parameters) > 0 {
		key("connect.parameters")
		b.WriteByte('{')
		for i, p := range s.Parameters {
			if i > 0 {
				b.WriteByte(',')
			}
			jsonString(b, p.Key)
			b.WriteByte(':')
			jsonString(b, p.Value)
		}
		b.WriteByte('}')
	}
	b.WriteByte('}')
	return nil
}
