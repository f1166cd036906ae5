package restproxy

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/ctalab/ctalab/internal/avroguard"

	"github.com/linkedin/goavro/v2"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/internal/jsonwire"
	"github.com/ctalab/ctalab/srclient"
)

// consumerRecord is one element of a records response: kafka-rest's
// BinaryConsumerRecord, JsonConsumerRecord and SchemaConsumerRecord share
// these fields; key and value are base64 strings (binary), the record's JSON
// (json) or the Avro JSON encoding (avro), or null.
type consumerRecord struct {
	Topic     string          `json:"topic"`
	Key       json.RawMessage `json:"key"`
	Value     json.RawMessage `json:"value"`
	Partition int32           `json:"partition"`
	Offset    int64           `json:"offset"`
}

var jsonNull = json.RawMessage("null")

func (p *Proxy) renderRecords(ctx context.Context, f embeddedFormat, recs []*kgo.Record) ([]consumerRecord, *apiError) {
	out := make([]consumerRecord, 0, len(recs))
	for _, r := range recs {
		k, e := p.renderData(ctx, f, r.Key)
		if e != nil {
			return nil, e
		}
		v, e := p.renderData(ctx, f, r.Value)
		if e != nil {
			return nil, e
		}
		out = append(out, consumerRecord{Topic: r.Topic, Key: k, Value: v, Partition: r.Partition, Offset: r.Offset})
	}
	return out, nil
}

// renderData converts one key or value. Data the format cannot read is
// kafka-rest's SerializationException: 408/40801.
func (p *Proxy) renderData(ctx context.Context, f embeddedFormat, data []byte) (json.RawMessage, *apiError) {
	if data == nil {
		return jsonNull, nil
	}
	switch f {
	case formatBinary:
		b, _ := jsonwire.Marshal(data) // []byte marshals as standard base64
		return b, nil
	case formatJSON:
		if !json.Valid(data) {
			return nil, newAPIError(http.StatusRequestTimeout, codeSchemaSerialization,
				"org.apache.kafka.common.errors.SerializationException: the record is not JSON")
		}
		return json.RawMessage(data), nil
	case formatAvro:
		return p.schemas.decode(ctx, data)
	case formatJSONSchema, formatProtobuf:
		return p.schemas.decodeTyped(ctx, f, data)
	}
	return nil, httpError(http.StatusInternalServerError)
}

// decode reads Confluent wire-format Avro (magic byte 0, 4-byte schema id,
// Avro binary) into Avro's JSON encoding, as KafkaAvroDeserializer and
// kafka-rest's AvroConverter do.
func (s *schemas) decode(ctx context.Context, data []byte) (json.RawMessage, *apiError) {
	if len(data) < 5 || data[0] != 0 {
		return nil, newAPIError(http.StatusRequestTimeout, codeSchemaSerialization, "Unknown magic byte!")
	}
	id := int32(binary.BigEndian.Uint32(data[1:5]))
	codec, e := s.readerCodec(ctx, id)
	if e != nil {
		return nil, e
	}
	native, _, err := avroguard.Decode(codec, data[5:])
	if err != nil {
		return nil, newAPIError(http.StatusRequestTimeout, codeSchemaSerialization,
			"Error deserializing Avro message for id %d", id)
	}
	text, err := codec.TextualFromNative(nil, native)
	if err != nil {
		return nil, newAPIError(http.StatusRequestTimeout, codeSchemaSerialization,
			"Error deserializing Avro message for id %d", id)
	}
	return text, nil
}

// readerCodec is the codec of a registered schema, cached by id in the
// shared registry client.
func (s *schemas) readerCodec(ctx context.Context, id int32) (*goavro.Codec, *apiError) {
	c, err := s.reg.Codec(ctx, int(id))
	switch {
	case errors.Is(err, srclient.ErrNotAvro):
		return nil, newAPIError(http.StatusRequestTimeout, codeSchemaSerialization, "Schema %d is not an Avro schema", id)
	case errors.Is(err, srclient.ErrUnparsable):
		return nil, newAPIError(http.StatusRequestTimeout, codeSchemaSerialization, "Error parsing Avro schema for id %d", id)
	case err != nil:
		return nil, registryFailure(err, "Error retrieving Avro schema for id %d", id)
	}
	return c, nil
}

// randomUUID is a version 4 UUID in its canonical text form.
func randomUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
