package connect

import (
	"encoding/binary"
	"math"
	"slices"
	"strings"

	"github.com/ctalab/ctalab/lab/connect/data"
	"github.com/ctalab/ctalab/lab/connect/transforms"
)

// Converter classes of Kafka 3.9 and Confluent Platform 7.9 this worker
// can load as key.converter or value.converter.
const (
	byteArrayConverterClass = "org.apache.kafka.connect.converters.ByteArrayConverter"
	booleanConverterClass   = "org.apache.kafka.connect.converters.BooleanConverter"
	avroConverterClass      = "io.confluent.connect.avro.AvroConverter"
)

// recordConverter is org.apache.kafka.connect.storage.Converter as a source
// task uses it: fromConnectData(topic, schema, value).
type recordConverter interface {
	fromConnectData(topic string, s *schema, v any) ([]byte, error)
}

// configureError is the exception the converter's configure throws beyond
// what ConfigDef checks (a Schema Registry converter's client settings), or
// nil.
func configureError(c recordConverter) *transforms.Error {
	if cc, ok := c.(interface{ configureError() *transforms.Error }); ok {
		return cc.configureError()
	}
	return nil
}

// kafkaConverterClasses are Kafka 3.9's own converters this worker
// installs, in class-name order: each is a Converter and a
// HeaderConverter.
var kafkaConverterClasses = []string{
	booleanConverterClass,
	byteArrayConverterClass,
	"org.apache.kafka.connect.converters.DoubleConverter",
	"org.apache.kafka.connect.converters.FloatConverter",
	"org.apache.kafka.connect.converters.IntegerConverter",
	"org.apache.kafka.connect.converters.LongConverter",
	"org.apache.kafka.connect.converters.ShortConverter",
	jsonConverterClass,
}

// converterClasses lists the installed key/value converters, in class-name
// order, as GET /connector-plugins lists them: Confluent's, then Kafka's.
var converterClasses = slices.Concat([]string{avroConverterClass, jsonSchemaConverterClass}, kafkaConverterClasses, []string{stringConverterClass})

// headerConverterClasses lists the installed HeaderConverters (Kafka's
// converters, SimpleHeaderConverter and StringConverter), in class-name
// order, as GET /connector-plugins lists them with type
// "header_converter".
var headerConverterClasses = slices.Concat(kafkaConverterClasses, []string{"org.apache.kafka.connect.storage.SimpleHeaderConverter", stringConverterClass})

func converterInstalled(cls string) bool {
	for _, c := range converterClasses {
		if c == cls {
			return true
		}
	}
	return false
}

// converterIssue is one setting a converter refuses: Key names the setting
// without the converter's prefix, Msg is the ConfigException text, and
// Unbuilt marks a value Connect accepts but this worker does not build, so
// it refuses it rather than ignore it.
type converterIssue struct {
	Key     string
	Msg     string
	Unbuilt bool
}

// newRecordConverter loads the converter named by prefix ("key.converter"
// or "value.converter") in the connector props, falling back to the worker
// defaults, and configures it with the prefixed settings. It returns the
// configuration errors in ConfigDef wording.
func newRecordConverter(props map[string]string, prefix string, workerDefault map[string]string, nw network) (recordConverter, []string) {
	c, issues := configureConverter(props, prefix, workerDefault, nw)
	var errs []string
	for _, is := range issues {
		errs = append(errs, is.Msg)
	}
	return c, errs
}

// configureConverter is newRecordConverter with each error tied to the
// setting it concerns.
func configureConverter(props map[string]string, prefix string, workerDefault map[string]string, nw network) (recordConverter, []converterIssue) {
	cls, ok := props[prefix]
	if !ok {
		cls = workerDefault[prefix]
	}
	cls = strings.TrimSpace(cls)
	switch cls {
	case jsonConverterClass:
		jc, errs := newJSONConverter(props, prefix, workerDefault)
		return jsonRecordConverter{jc}, errs
	case stringConverterClass:
		// StringConverterConfig: converter.encoding, default UTF8.
		if enc, ok := converterSettings(props, prefix, workerDefault)["converter.encoding"]; ok {
			if e := strings.ToUpper(strings.TrimSpace(enc)); e != "UTF8" && e != "UTF-8" {
				return nil, []converterIssue{{Key: "converter.encoding", Msg: "Invalid value " + enc + " for configuration converter.encoding: this worker's StringConverter writes UTF-8 only", Unbuilt: true}}
			}
		}
		return stringConverter{}, nil
	case byteArrayConverterClass:
		return byteArrayConverter{}, nil
	case booleanConverterClass:
		return booleanConverter{}, nil
	case "org.apache.kafka.connect.converters.DoubleConverter":
		return numberConverter{typeName: "double"}, nil
	case "org.apache.kafka.connect.converters.FloatConverter":
		return numberConverter{typeName: "float"}, nil
	case "org.apache.kafka.connect.converters.IntegerConverter":
		return numberConverter{typeName: "integer"}, nil
	case "org.apache.kafka.connect.converters.LongConverter":
		return numberConverter{typeName: "long"}, nil
	case "org.apache.kafka.connect.converters.ShortConverter":
		return numberConverter{typeName: "short"}, nil
	case avroConverterClass:
		return newAvroConverter(converterSettings(props, prefix, workerDefault), prefix == "key.converter", nw)
	case jsonSchemaConverterClass:
		return newJSONSchemaConverter(converterSettings(props, prefix, workerDefault), prefix == "key.converter", nw)
	}
	return nil, []converterIssue{{Msg: "Invalid value " + cls + " for configuration " + prefix + ": Class " + cls + " could not be found."}}
}

// converterSettings is the converter's own configuration: the prefixed
// worker defaults overridden by the prefixed connector props, prefix
// removed (Plugins.newConverter / originalsWithPrefix).
func converterSettings(props map[string]string, prefix string, workerDefault map[string]string) map[string]string {
	out := map[string]string{}
	for _, src := range []map[string]string{workerDefault, props} {
		for k, v := range src {
			if rest, ok := strings.CutPrefix(k, prefix+"."); ok {
				out[rest] = v
			}
		}
	}
	return out
}

type jsonRecordConverter struct{ c *jsonConverter }

func (j jsonRecordConverter) fromConnectData(_ string, s *schema, v any) ([]byte, error) {
	if err := checkConnectData(s, v); err != nil {
		return nil, err
	}
	return j.c.fromConnectData(s, v), nil
}

// stringConverter is org.apache.kafka.connect.storage.StringConverter
// (apache/kafka connect/api/src/main/java/org/apache/kafka/connect/storage/
// StringConverter.java): a null value is a null record part, anything else
// its toString() in UTF-8; the schema is ignored.
type stringConverter struct{}

func (stringConverter) fromConnectData(_ string, _ *schema, v any) ([]byte, error) {
	if v == nil {
		return nil, nil
	}
	return []byte(transforms.JavaString(v)), nil
}

// byteArrayConverter is org.apache.kafka.connect.converters.ByteArrayConverter
// (apache/kafka connect/runtime/src/main/java/org/apache/kafka/connect/
// converters/ByteArrayConverter.java): it passes bytes through and refuses
// any schema but BYTES and any value but a byte array.
type byteArrayConverter struct{}

func (byteArrayConverter) fromConnectData(_ string, s *schema, v any) ([]byte, error) {
	if s != nil && s.Type != data.Bytes {
		return nil, &transforms.Error{Class: transforms.DataException, Msg: "Invalid schema type for ByteArrayConverter: " + javaSchemaTypeName(s.Type)}
	}
	if v == nil {
		return nil, nil
	}
	b, ok := v.([]byte)
	if !ok {
		return nil, &transforms.Error{Class: transforms.DataException, Msg: "ByteArrayConverter is not compatible with objects of type class " + transforms.JavaClassName(v)}
	}
	return b, nil
}

// booleanConverter is org.apache.kafka.connect.converters.BooleanConverter
// (apache/kafka 3.9 connect/runtime/src/main/java/org/apache/kafka/connect/
// converters/BooleanConverter.java): BooleanSerializer's one byte, 1 for
// true and 0 for false, a null as null; another schema type, or a value
// that is not a Boolean, is a DataException.
type booleanConverter struct{}

func (booleanConverter) fromConnectData(_ string, s *schema, v any) ([]byte, error) {
	if s != nil && s.Type != data.Boolean {
		return nil, &transforms.Error{Class: transforms.DataException, Msg: "Invalid schema type for BooleanConverter: " + javaSchemaTypeName(s.Type)}
	}
	switch b := v.(type) {
	case nil:
		return nil, nil
	case bool:
		if b {
			return []byte{1}, nil
		}
		return []byte{0}, nil
	}
	return nil, &transforms.Error{Class: transforms.DataException, Msg: "BooleanConverter is not compatible with objects of type class " + transforms.JavaClassName(v)}
}

// javaSchemaTypeName is Schema.Type.toString(): the enum constant's name.
func javaSchemaTypeName(t schemaType) string {
	switch t {
	case data.Float32:
		return "FLOAT32"
	case data.Float64:
		return "FLOAT64"
	}
	return strings.ToUpper(string(t))
}

// numberConverter is org.apache.kafka.connect.converters.NumberConverter
// with its Integer/Long/Double/Float/Short subclasses (apache/kafka
// connect/runtime/src/main/java/org/apache/kafka/connect/converters/
// NumberConverter.java): the schema is ignored, the value must be of the
// converter's Java type and is written as the matching Kafka serializer
// writes it (big-endian, IEEE 754 bits for floating point); null is null.
type numberConverter struct{ typeName string }

func (c numberConverter) fromConnectData(_ string, _ *schema, v any) ([]byte, error) {
	if v == nil {
		return nil, nil
	}
	var out []byte
	switch x := v.(type) {
	case int16:
		if c.typeName == "short" {
			out = binary.BigEndian.AppendUint16(nil, uint16(x))
		}
	case int32:
		if c.typeName == "integer" {
			out = binary.BigEndian.AppendUint32(nil, uint32(x))
		}
	case int64:
		if c.typeName == "long" {
			out = binary.BigEndian.AppendUint64(nil, uint64(x))
		}
	case float32:
		if c.typeName == "float" {
			out = binary.BigEndian.AppendUint32(nil, math.Float32bits(x))
		}
	case float64:
		if c.typeName == "double" {
			out = binary.BigEndian.AppendUint64(nil, math.Float64bits(x))
		}
	}
	if out == nil {
		return nil, &transforms.Error{Class: transforms.DataException, Msg: "Failed to serialize to " + c.typeName + " (was class " + transforms.JavaClassName(v) + "): "}
	}
	return out, nil
}
