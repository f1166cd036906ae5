package formats

import (
	"fmt"
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// Serde features, as ksqlDB's SerdeFeature names them.
const (
	WrapSingles   = "WRAP_SINGLES"
	UnwrapSingles = "UNWRAP_SINGLES"
)

// Features are the serde features of a key or value schema, printed as
// ksqlDB prints a SerdeFeatures set: [UNWRAP_SINGLES], or [] for none.
type Features []string

func (f Features) String() string { return "[" + strings.Join(f, ", ") + "]" }

// KeyFeatures are the features ksqlDB gives a key of n columns in format f
// (SerdeFeaturesFactory.getKeyWrapping): a single key column is
// UNWRAP_SINGLES in a format that can both wrap and unwrap one.
func KeyFeatures(f string, n int) Features {
	if n == 1 && SupportsWrapping(f, true) && SupportsWrapping(f, false) {
		return Features{UnwrapSingles}
	}
	return nil
}

// ValueFeatures are a value's features from WRAP_SINGLE_VALUE: nil when it
// is not given.
func ValueFeatures(wrap *bool) Features {
	switch {
	case wrap == nil:
		return nil
	case *wrap:
		return Features{WrapSingles}
	default:
		return Features{UnwrapSingles}
	}
}

// SupportsWrapping reports whether format f supports WRAP_SINGLES (wrap) or
// UNWRAP_SINGLES (!wrap) on values: each Format's supportedFeatures.
func SupportsWrapping(f string, wrap bool) bool {
	switch f {
	case JSON, JSONSR, Avro, ProtobufNoSR:
		return true
	case Protobuf:
		return wrap
	case Kafka, Delimited:
		return !wrap
	}
	return false
}

// Known reports a format name ksqlDB's FormatFactory knows.
func Known(f string) bool {
	switch f {
	case None, Kafka, JSON, JSONSR, Avro, Protobuf, ProtobufNoSR, Delimited:
		return true
	}
	return false
}

// Check refuses key (key) or value columns that format f cannot carry, as
// ksqlDB refuses them when it makes the serde (confluentinc/ksql v7.9.0
// GenericKeySerDe.createInner, GenericRowSerDe): an unknown format by name,
// a MAP in a key before the format is asked, and then the format's own
// reason under "Key format does not support schema." or "Value format ..."
// with the persistence schema it was given (GenericSerdeFactory.
// createFormatSerde).
func Check(f string, cols []types.Column, key bool, feats Features) error {
	if !Known(f) {
		return stmterr.Bad("Unknown format: %s", f)
	}
	if key {
		for _, c := range cols {
			if c.Type.HasMap() {
				return MapKeyError(c.Name, c.Type)
			}
		}
	}
	reason, err := refusal(f, cols, key)
	if err != nil || reason == "" {
		return err
	}
	target := "Value"
	if key {
		target = "Key"
	}
	return stmterr.Bad("%s format does not support schema.\nformat: %s\nschema: Persistence{columns=[%s], features=%s}\nreason: %s",
		target, f, types.Schema{Cols: cols}, feats, reason)
}

// MapKeyError is GenericKeySerDe's refusal of a key column holding a MAP.
func MapKeyError(name string, t types.Type) error {
	return stmterr.Bad("Map keys, including types that contain maps, are not supported as they may lead to unexpected behavior due to inconsistent serialization. Key column name: `%s`. Column type: %s. See https://github.com/confluentinc/ksql/issues/6621 for more.", name, t)
}

// refusal is the reason format f gives for not making a serde of cols
// (each format's getSerde), "" when it makes one; err is a refusal of this
// server's own.
func refusal(f string, cols []types.Column, key bool) (reason string, err error) {
	switch f {
	case None: // NoneFormat.getSerde
		if len(cols) > 0 {
			return fmt.Sprintf("The 'NONE' format can only be used when no columns are defined. Got: [%s]", types.Schema{Cols: cols}), nil
		}
	case Kafka: // KafkaSerdeFactory.createSerde: the count, then the type
		if len(cols) > 1 {
			return fmt.Sprintf("The 'KAFKA' format only supports a single field. Got: [%s]", types.Schema{Cols: cols}), nil
		}
		for _, c := range cols {
			switch c.Type {
			case types.Integer, types.Bigint, types.Double, types.String, types.Bytes:
			default:
				return fmt.Sprintf("The 'KAFKA' format does not support type '%s'", c.Type.BaseName()), nil
			}
		}
	case Delimited: // KsqlDelimitedDeserializer.buildParsers
		for _, c := range cols {
			if c.Type.Complex() {
				return fmt.Sprintf("The 'DELIMITED' format does not support type '%s', column: `%s`", c.Type.BaseName(), c.Name), nil
			}
		}
	case JSON, JSONSR: // KsqlJsonSerdeFactory.validateSchema
		if hasNonStringMapKey(cols) {
			return "JSON only supports MAP types with STRING keys", nil
		}
		if f == JSONSR {
			return "", checkJSONSRColumns(cols)
		}
	case Avro: // AvroUtil.throwOnInvalidSchema
		if hasNonStringMapKey(cols) {
			return "Avro only supports MAPs with STRING keys", nil
		}
	case Protobuf, ProtobufNoSR: // the serde factories' SchemaValidator
		if hasNonStringMapKey(cols) {
			return "PROTOBUF format only supports MAP types with STRING keys. See https://github.com/confluentinc/ksql/issues/6177.", nil
		}
		if f == ProtobufNoSR {
			if err := checkProtobufNoSRKey(cols, key); err != nil {
				return "", err
			}
		}
		return "", checkProtobufColumns(cols)
	}
	return "", nil
}

func hasNonStringMapKey(cols []types.Column) bool {
	for _, c := range cols {
		if c.Type.HasNonStringMapKey() {
			return true
		}
	}
	return false
}
