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
// rawSchemaFromConnectSchema makes of a Connect schema (confluentinc/
// schema-registry v7.9.0), as JsonSchema's canonical text gives it: everit
// 1.14.3's ToStringVisitor writes a schema's own keyword ("type") first,
// then title and description, then its unprocessed properties (connect.*),
// then its sub-schemas ("properties", "items", "oneOf"). JsonSchemaData
// puts the connect.* properties in a java.util.HashMap (connect.type,
// connect.version, connect.parameters, connect.index, in that order) and
// everit's Schema copies it (new HashMap<>(map)), so they come out in that
// copy's order; a struct's properties come out in the HashMap order of the
// field names (ObjectSchema.Builder's propertySchemas); parameters go out
// through org.json's JSONObject, a new HashMap<>(size) of a HashMap
// (Collectors.toMap). An optional schema becomes
// {"connect.index":i,"oneOf":[{"type":"null"},T]}, the field's index on
// the wrapper; index < 0: not a field.
func writeConnectJSONSchema(b *bytes.Buffer, s *schema, index int, ignoreOptional bool) error {
	if s.Optional && !ignoreOptional {
		b.WriteByte('{')
		if index >= 0 {
			b.WriteString(`"connect.index":`)
			b.WriteString(strconv.Itoa(index))
			b.WriteByte(',')
		}
		b.WriteString(`"oneOf":[{"type":"null"},`)
		if err := writeConnectJSONSchema(b, s, -1, true); err != nil {
			return err
		}
		b.WriteString(`]}`)
		return nil
	}
	b.WriteByte('{')
	key := func(k string) {
		if b.Bytes()[b.Len()-1] != '{' {
			b.WriteByte(',')
		}
		jsonString(b, k)
		b.WriteByte(':')
	}
	props := data.NewHashMap(-1)
	switch s.Type {
	case typeInt8, typeInt16, typeInt32, typeInt64:
		key("type")
		b.WriteString(`"integer"`)
		props.Put("connect.type", map[schemaType]string{typeInt8: "int8", typeInt16: "int16", typeInt32: "int32", typeInt64: "int64"}[s.Type])
	case typeFloat32, typeFloat64:
		key("type")
		b.WriteString(`"number"`)
		props.Put("connect.type", map[schemaType]string{typeFloat32: "float32", typeFloat64: "float64"}[s.Type])
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
		props.Put("connect.type", "bytes")
	case typeStruct:
		key("type")
		b.WriteString(`"object"`)
	case data.ArrayType:
		key("type")
		b.WriteString(`"array"`)
	default:
		return fmt.Errorf("Converting Kafka Connect data to byte[] failed: this worker's JsonSchemaConverter does not map %s schemas", s.Type)
	}
	if s.Name != "" {
		key("title")
		jsonString(b, s.Name)
	}
	if s.Doc != "" {
		key("description")
		jsonString(b, s.Doc)
	}
	if s.Version != 0 {
		props.Put("connect.version", s.Version)
	}
	if len(s.Parameters) > 0 {
		params := data.NewHashMap(-1)
		for _, p := range s.Parameters {
			params.Put(p.Key, p.Value)
		}
		props.Put("connect.parameters", params)
	}
	if index >= 0 {
		props.Put("connect.index", index)
	}
	for _, e := range data.CopyHashMap(props).Entries() {
		key(e.Key)
		switch v := e.Value.(type) {
		case int:
			b.WriteString(strconv.Itoa(v))
		case string:
			jsonString(b, v)
		case *data.Map:
			b.WriteByte('{')
			json := data.NewHashMap(v.Len())
			for _, p := range v.Entries() {
				json.Put(p.Key, p.Value)
			}
			for j, p := range json.Entries() {
				if j > 0 {
					b.WriteByte(',')
				}
				jsonString(b, p.Key)
				b.WriteByte(':')
				jsonString(b, p.Value.(string))
			}
			b.WriteByte('}')
		}
	}
	switch s.Type {
	case typeStruct:
		key("properties")
		b.WriteByte('{')
		names := data.NewHashMap(-1)
		for i := range s.Fields {
			names.Put(s.Fields[i].Name, i)
		}
		for j, e := range names.Entries() {
			if j > 0 {
				b.WriteByte(',')
			}
			i := e.Value.(int)
			jsonString(b, s.Fields[i].Name)
			b.WriteByte(':')
			if err := writeConnectJSONSchema(b, &s.Fields[i].Schema, i, false); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	case data.ArrayType:
		if s.ValueSchema != nil {
			key("items")
			if err := writeConnectJSONSchema(b, s.ValueSchema, -1, false); err != nil {
				return err
			}
		}
	}
	b.WriteByte('}')
	return nil
}
