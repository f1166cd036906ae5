package connect

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ctalab/ctalab/lab/connect/data"
	"github.com/ctalab/ctalab/lab/connect/transforms"
	"github.com/ctalab/ctalab/srclient"
)

// avroConverter is io.confluent.connect.avro.AvroConverter of Confluent
// Platform 7.9 (confluentinc/schema-registry avro-converter/src/main/java/
// io/confluent/connect/avro/AvroConverter.java): it maps the Connect schema
// to an Avro schema as AvroData.fromConnectSchema does, registers it under
// TopicNameStrategy (<topic>-key or <topic>-value) and writes the Confluent
// wire format: magic byte 0, the 4-byte big-endian schema id, then the Avro
// binary encoding of the value.
// Docs: https://docs.confluent.io/platform/7.9/schema-registry/connect.html
type avroConverter struct {
	isKey bool
	registrySerde
}

// newAvroConverter configures the converter from its prefix-stripped
// settings (see registrySerde for the settings it shares with the other
// Schema Registry converters).
func newAvroConverter(settings map[string]string, isKey bool, nw network) (recordConverter, []converterIssue) {
	rs, errs := newRegistrySerde(settings, "AvroConverter", nw)
	if len(errs) > 0 {
		return nil, errs
	}
	return &avroConverter{isKey: isKey, registrySerde: rs}, nil
}

// registrySerde is what the Schema Registry converters share: the registry
// client, whether schemas are registered, and the ConfigException the
// client's configuration throws when the converter is configured.
type registrySerde struct {
	autoRegister bool
	registry     *srclient.Client
	configureErr *transforms.Error
}

// configureError is what the converter's configure throws, or nil.
func (r registrySerde) configureError() *transforms.Error { return r.configureErr }

// newRegistrySerde reads the settings a Schema Registry converter's serializer
// takes (AbstractKafkaSchemaSerDeConfig): schema.registry.url is required
// and has no default, and the errors read as ConfigDef words them. Settings
// that would change which subject or schema is used are refused rather
// than ignored: only TopicNameStrategy and registering the record's own
// schema are built. The credentials follow registryCredentials. name is
// the converter's class name, for those errors.
func newRegistrySerde(settings map[string]string, name string, nw network) (registrySerde, []converterIssue) {
	raw, ok := settings["schema.registry.url"]
	if !ok {
		return registrySerde{}, []converterIssue{{Key: "schema.registry.url", Msg: `Missing required configuration "schema.registry.url" which has no default value.`}}
	}
	var first string
	for _, u := range strings.Split(raw, ",") {
		if u = strings.TrimSpace(u); u != "" {
			first = u
			break
		}
	}
	if first == "" {
		return registrySerde{}, []converterIssue{{Key: "schema.registry.url", Msg: "Invalid value " + raw + " for configuration schema.registry.url: Expected a comma separated list."}}
	}
	pu, err := url.Parse(first)
	if err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
		return registrySerde{}, []converterIssue{{Key: "schema.registry.url", Msg: "Invalid value " + raw + " for configuration schema.registry.url: Expected a comma separated list of URLs."}}
	}
	userInfo, errs, credErr := registryCredentials(settings, pu, name)
	if len(errs) > 0 {
		return registrySerde{}, errs
	}
	tc, errs, configureErr := registryTLS(settings, name)
	if len(errs) > 0 {
		return registrySerde{}, errs
	}
	if credErr != "" {
		// RestService.configure runs before SslFactory is made.
		configureErr = &transforms.Error{Class: transforms.ConfigException, Msg: credErr}
	}
	reg, err := srclient.New(registryBaseURL(pu), withRestService(nw.httpClient(30*time.Second), userInfo, tc))
	if err != nil {
		return registrySerde{}, []converterIssue{{Key: "schema.registry.url", Msg: "Invalid value " + raw + " for configuration schema.registry.url: Expected a comma separated list of URLs."}}
	}
	autoRegister := true
	if v, ok := settings["auto.register.schemas"]; ok {
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "true":
		case "false":
			autoRegister = false
		default:
			return registrySerde{}, []converterIssue{{Key: "auto.register.schemas", Msg: "Invalid value " + v + " for configuration auto.register.schemas: Expected value to be either true or false"}}
		}
	}
	for _, k := range []string{"key.subject.name.strategy", "value.subject.name.strategy"} {
		if v, ok := settings[k]; ok && strings.TrimSpace(v) != "io.confluent.kafka.serializers.subject.TopicNameStrategy" {
			return registrySerde{}, []converterIssue{{Key: k, Msg: "Invalid value " + v + " for configuration " + k + ": this worker's " + name + " supports only io.confluent.kafka.serializers.subject.TopicNameStrategy", Unbuilt: true}}
		}
	}
	for _, k := range []string{"use.latest.version", "use.schema.id", "normalize.schemas"} {
		if v, ok := settings[k]; ok && !(k == "use.schema.id" && strings.TrimSpace(v) == "-1") && !strings.EqualFold(strings.TrimSpace(v), "false") {
			return registrySerde{}, []converterIssue{{Key: k, Msg: "Invalid value " + v + " for configuration " + k + ": not supported by this worker's " + name, Unbuilt: true}}
		}
	}
	return registrySerde{autoRegister: autoRegister, registry: reg, configureErr: configureErr}, nil
}

func (c *avroConverter) fromConnectData(topic string, s *schema, v any) ([]byte, error) {
	// AbstractKafkaAvroSerializer.serializeImpl returns null for a null
	// value before it looks at the schema.
	if v == nil {
		if s != nil && !s.Optional {
			return nil, &transforms.Error{Class: transforms.DataException, Msg: "Conversion error: null value for field that is required and has no default value"}
		}
		return nil, nil
	}
	if s == nil {
		return nil, &transforms.Error{Class: transforms.DataException, Msg: "Failed to serialize Avro data from topic " + topic + " : schemaless data is not supported by this worker's AvroConverter"}
	}
	var sb bytes.Buffer
	if err := writeAvroSchema(&sb, s, true); err != nil {
		return nil, &transforms.Error{Class: transforms.DataException, Msg: err.Error()}
	}
	var body bytes.Buffer
	if err := encodeAvro(&body, s, v, true); err != nil {
		return nil, &transforms.Error{Class: transforms.DataException, Msg: err.Error()}
	}
	subject := topic + "-value"
	if c.isKey {
		subject = topic + "-key"
	}
	id, err := c.schemaID(subject, sb.String())
	if err != nil {
		// AbstractKafkaAvroSerializer.serializeImpl's messages.
		doing := "Error registering Avro schema"
		if !c.autoRegister {
			doing = "Error retrieving schema ID"
		}
		return nil, serializerFailure(err, doing, sb.String(), "Failed to serialize Avro data from topic "+topic+" : ", "Avro")
	}
	out := make([]byte, 5, 5+body.Len())
	binary.BigEndian.PutUint32(out[1:], uint32(id))
	return append(out, body.Bytes()...), nil
}

// schemaID registers the schema under the subject (or, with
// auto.register.schemas=false, looks it up); the shared client caches the
// id. A refusal is returned as the client's error, for serializerFailure.
func (c *avroConverter) schemaID(subject, schemaText string) (int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if c.autoRegister {
		return c.registry.Register(ctx, subject, schemaText)
	}
	return c.registry.Lookup(ctx, subject, schemaText)
}

// Property names AvroData writes into the Avro schema (AvroData.java).
const (
	avroConnectName    = "connect.name"
	avroConnectVersion = "connect.version"
	avroConnectDoc     = "connect.doc"
	avroConnectParams  = "connect.parameters"
	avroConnectType    = "connect.type"
	avroDefaultNS      = "io.confluent.connect.avro"
	avroDefaultRecord  = "ConnectDefault"
	avroDecimalDefPrec = 64 // CONNECT_AVRO_DECIMAL_PRECISION_DEFAULT
)

// writeAvroSchema writes the Avro schema AvroData.fromConnectSchema makes
// of a Connect schema, in Avro's Schema.toString property order. An
// optional schema becomes ["null", T] when wrap is set (fields and
// top-level schemas alike).
func writeAvroSchema(b *bytes.Buffer, s *schema, wrap bool) error {
	if wrap && s.Optional {
		b.WriteString(`["null",`)
		if err := writeAvroSchema(b, s, false); err != nil {
			return err
		}
		b.WriteByte(']')
		return nil
	}
	switch s.Type {
	case data.StructType:
		name, ns := avroDefaultRecord, avroDefaultNS
		if s.Name != "" {
			name, ns = s.Name, ""
			if i := strings.LastIndexByte(s.Name, '.'); i >= 0 {
				ns, name = s.Name[:i], s.Name[i+1:]
			}
		}
		b.WriteString(`{"type":"record","name":`)
		jsonString(b, name)
		if ns != "" {
			b.WriteString(`,"namespace":`)
			jsonString(b, ns)
		}
		if s.Doc != "" {
			b.WriteString(`,"doc":`)
			jsonString(b, s.Doc)
		}
		b.WriteString(`,"fields":[`)
		for i := range s.Fields {
			f := &s.Fields[i]
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(`{"name":`)
			jsonString(b, f.Name)
			b.WriteString(`,"type":`)
			if err := writeAvroSchema(b, &f.Schema, true); err != nil {
				return err
			}
			if f.Schema.Optional {
				b.WriteString(`,"default":null`)
			}
			b.WriteByte('}')
		}
		b.WriteByte(']')
		writeConnectProps(b, s, s.Name != "")
		b.WriteByte('}')
		return nil
	case data.ArrayType:
		b.WriteString(`{"type":"array","items":`)
		if err := writeAvroSchema(b, s.ValueSchema, true); err != nil {
			return err
		}
		writeConnectProps(b, s, s.Name != "")
		b.WriteByte('}')
		return nil
	case data.MapType:
		if s.KeySchema == nil || s.KeySchema.Type != data.String || s.KeySchema.Optional {
			return errors.New("maps with keys other than required strings are not supported by this worker's AvroConverter")
		}
		b.WriteString(`{"type":"map","values":`)
		if err := writeAvroSchema(b, s.ValueSchema, true); err != nil {
			return err
		}
		writeConnectProps(b, s, s.Name != "")
		b.WriteByte('}')
		return nil
	}
	prim, connectType, logical := avroPrimitive(s)
	if prim == "" {
		return fmt.Errorf("unknown schema type: %s", s.Type)
	}
	hasProps := connectType != "" || s.Name != "" || s.Version != 0 || s.Doc != "" || len(s.Parameters) > 0
	if !hasProps {
		jsonString(b, prim)
		return nil
	}
	b.WriteString(`{"type":`)
	jsonString(b, prim)
	if s.Name == logicalDecimal {
		scale, _ := s.Param("scale")
		prec := avroDecimalDefPrec
		if p, ok := s.Param("connect.decimal.precision"); ok {
			if n, err := strconv.Atoi(p); err == nil {
				prec = n
			}
		}
		b.WriteString(`,"scale":` + scale + `,"precision":` + strconv.Itoa(prec))
	}
	if connectType != "" {
		b.WriteString(`,"` + avroConnectType + `":`)
		jsonString(b, connectType)
	}
	writeConnectProps(b, s, s.Name != "")
	if logical != "" {
		b.WriteString(`,"logicalType":`)
		jsonString(b, logical)
	}
	b.WriteByte('}')
	return nil
}

// writeConnectProps writes connect.doc, connect.version, connect.parameters
// and connect.name, in the order AvroData adds them.
func writeConnectProps(b *bytes.Buffer, s *schema, withName bool) {
	if s.Doc != "" && s.Type != data.StructType {
		b.WriteString(`,"` + avroConnectDoc + `":`)
		jsonString(b, s.Doc)
	}
	if s.Version != 0 {
		b.WriteString(`,"` + avroConnectVersion + `":` + strconv.Itoa(s.Version))
	}
	if len(s.Parameters) > 0 {
		b.WriteString(`,"` + avroConnectParams + `":{`)
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
	if withName {
		b.WriteString(`,"` + avroConnectName + `":`)
		jsonString(b, s.Name)
	}
}

// avroPrimitive maps a Connect primitive to its Avro type, the
// connect.type property AvroData keeps for int8/int16, and the Avro
// logical type of Decimal, Date, Time and Timestamp.
func avroPrimitive(s *schema) (prim, connectType, logical string) {
	switch s.Name {
	case logicalDecimal:
		return "bytes", "", "decimal"
	case logicalDate:
		return "int", "", "date"
	case logicalTime:
		return "int", "", "time-millis"
	case logicalTimestamp:
		return "long", "", "timestamp-millis"
	}
	switch s.Type {
	case data.Int8:
		return "int", "int8", ""
	case data.Int16:
		return "int", "int16", ""
	case data.Int32:
		return "int", "", ""
	case data.Int64:
		return "long", "", ""
	case data.Float32:
		return "float", "", ""
	case data.Float64:
		return "double", "", ""
	case data.Boolean:
		return "boolean", "", ""
	case data.String:
		return "string", "", ""
	case data.Bytes:
		return "bytes", "", ""
	}
	return "", "", ""
}

// encodeAvro writes v in the Avro binary encoding of the schema
// writeAvroSchema makes of s (Avro 1.11 specification, "Binary Encoding").
func encodeAvro(b *bytes.Buffer, s *schema, v any, wrap bool) error {
	if wrap && s.Optional {
		if v == nil {
			avroLong(b, 0)
			return nil
		}
		avroLong(b, 1)
	} else if v == nil {
		return errors.New("Conversion error: null value for field that is required and has no default value")
	}
	switch x := v.(type) {
	case *structValue:
		for i := range s.Fields {
			var fv any
			if fi := x.Schema.FieldIndex(s.Fields[i].Name); fi >= 0 {
				fv = x.Values[fi]
			}
			if err := encodeAvro(b, &s.Fields[i].Schema, fv, true); err != nil {
				return err
			}
		}
		return nil
	case []any:
		if len(x) > 0 {
			avroLong(b, int64(len(x)))
			for _, e := range x {
				if err := encodeAvro(b, s.ValueSchema, e, true); err != nil {
					return err
				}
			}
		}
		avroLong(b, 0)
		return nil
	case *data.Map:
		entries := x.Entries()
		if len(entries) > 0 {
			avroLong(b, int64(len(entries)))
			for _, e := range entries {
				avroBytes(b, []byte(e.Key))
				if err := encodeAvro(b, s.ValueSchema, e.Value, true); err != nil {
					return err
				}
			}
		}
		avroLong(b, 0)
		return nil
	case decimalValue:
		if p, ok := s.Param("scale"); ok && p != strconv.Itoa(x.Scale) {
			return errors.New("BigDecimal has mismatching scale value for given Decimal schema")
		}
		avroBytes(b, twosComplement(x.Unscaled))
	case dateValue:
		avroLong(b, int64(x.Days))
	case timeValue:
		avroLong(b, int64(x.Millis))
	case timestampValue:
		avroLong(b, x.T.UnixMilli())
	case int8:
		avroLong(b, int64(x))
	case int16:
		avroLong(b, int64(x))
	case int32:
		avroLong(b, int64(x))
	case int64:
		avroLong(b, x)
	case float32:
		var w [4]byte
		binary.LittleEndian.PutUint32(w[:], math.Float32bits(x))
		b.Write(w[:])
	case float64:
		var w [8]byte
		binary.LittleEndian.PutUint64(w[:], math.Float64bits(x))
		b.Write(w[:])
	case bool:
		if x {
			b.WriteByte(1)
		} else {
			b.WriteByte(0)
		}
	case string:
		avroBytes(b, []byte(x))
	case []byte:
		avroBytes(b, x)
	default:
		return fmt.Errorf("Invalid Java object for schema type %s: %s", javaSchemaTypeName(s.Type), transforms.JavaClassName(v))
	}
	return nil
}

func avroLong(b *bytes.Buffer, n int64) {
	var w [binary.MaxVarintLen64]byte
	b.Write(w[:binary.PutVarint(w[:], n)])
}

func avroBytes(b *bytes.Buffer, p []byte) {
	avroLong(b, int64(len(p)))
	b.Write(p)
}

// converterVersion is the version GET /connector-plugins reports: Kafka's
// own converters implement Versioned with AppInfoParser's version;
// Confluent's AvroConverter and JsonSchemaConverter (schema-registry
// v7.9.4) do not, so PluginScanner.versionFor gives "undefined", which
// PluginInfo leaves out (the empty string here, omitted).
func converterVersion(cls string) string {
	if cls == avroConverterClass || cls == jsonSchemaConverterClass {
		return ""
	}
	return kafkaVersion
}
