package restproxy

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sr"

	"github.com/ctalab/ctalab/internal/jsondepth"
	"github.com/ctalab/ctalab/internal/jsonwire"
)

// POST /v3/clusters/{cluster}/topics/{topic}/records, as kafka-rest's
// resources/v3/ProduceAction.java serves it: the body is one JSON record or
// a stream of them; each gets one response object, in order, written as
// soon as it is known and followed by "\r\n" (ChunkedOutputFactory's
// separator). The HTTP status is 200 once the stream starts; a failed
// record's object is {"error_code","message"}.

type v3ProduceRecord struct {
	PartitionID *int32            `json:"partition_id"`
	Headers     []v3ProduceHeader `json:"headers"`
	Key         *v3ProduceData    `json:"key"`
	Value       *v3ProduceData    `json:"value"`
	Timestamp   *time.Time        `json:"timestamp"`
}

// v3ProduceHeader is a record header; Value is base64 (null: no value).
type v3ProduceHeader struct {
	Name  string  `json:"name"`
	Value *string `json:"value"`
}

type v3ProduceData struct {
	Type                *string         `json:"type"`
	Subject             *string         `json:"subject"`
	SubjectNameStrategy *string         `json:"subject_name_strategy"`
	SchemaID            *int32          `json:"schema_id"`
	SchemaVersion       *int32          `json:"schema_version"`
	Schema              *string         `json:"schema"`
	Data                json.RawMessage `json:"data"`
}

type v3ProduceResult struct {
	ErrorCode   int                `json:"error_code"`
	ClusterID   string             `json:"cluster_id"`
	TopicName   string             `json:"topic_name"`
	PartitionID int32              `json:"partition_id"`
	Offset      int64              `json:"offset"`
	Timestamp   string             `json:"timestamp"`
	Key         *v3ProduceDataInfo `json:"key,omitempty"`
	Value       *v3ProduceDataInfo `json:"value,omitempty"`
}

type v3ProduceDataInfo struct {
	Type          string  `json:"type"`
	Subject       *string `json:"subject,omitempty"`
	SchemaID      *int32  `json:"schema_id,omitempty"`
	SchemaVersion *int    `json:"schema_version,omitempty"`
	Size          int     `json:"size"`
}

func (p *Proxy) produceV3(w http.ResponseWriter, c v3ctx) {
	topic := c.r.PathValue("topic")
	// Records are read while answers are written, as Jetty lets
	// ProduceAction do; without this net/http drops the unread body at the
	// first answer. HTTP/2 needs nothing, so its refusal is ignored.
	_ = http.NewResponseController(w).EnableFullDuplex()
	body := http.MaxBytesReader(w, c.r.Body, p.cfg.maxBodyBytes)
	tape := &streamTape{r: body}
	dec := tape.decoder(0)
	flusher, _ := w.(http.Flusher)
	started := false
	emit := func(v any) {
		if !started {
			w.Header().Set("Content-Type", mediaTypeJSON)
			w.WriteHeader(http.StatusOK)
			started = true
		}
		b, err := jsonwire.Marshal(v)
		if err != nil {
			b = []byte(`{"error_code":500,"message":"Internal Server Error"}`)
		}
		_, _ = w.Write(append(b, '\r', '\n'))
		if flusher != nil {
			flusher.Flush()
		}
	}
	for c.r.Context().Err() == nil { // the client left, or the proxy is closing
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if errors.Is(err, io.EOF) {
			break
		}
		if answers, r, resync := tape.notJSON(err, raw); answers != nil {
			for _, e := range answers {
				emit(e)
			}
			if !resync {
				break
			}
			end, ends := tape.resync(r)
			if end < 0 {
				if ends != nil {
					emit(ends)
				}
				break
			}
			dec = tape.decoder(end)
			continue
		}
		tape.drop(tape.start + dec.InputOffset())
		var rec v3ProduceRecord
		if err == nil {
			if r, deep := tooDeepIn(raw, v3RecordData); deep {
				emit(v3TooDeepRecord(r.Path[0].(string)))
				if next, more := jsondepth.NextTooDeep(raw, r.End, jsondepth.Max+1); more {
					emit(v3TooDeepResync(next))
					break
				}
				continue
			}
			if e := decodeV3Record(raw, &rec); e != nil {
				// a mapping error: StreamingResponse answers the record's
				// failed future and reads on (InputStreamingResponse.next)
				emit(e)
				continue
			}
		}
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				emit(httpError(http.StatusRequestEntityTooLarge))
			} else {
				emit(newAPIError(http.StatusBadRequest, http.StatusBadRequest, "Error processing JSON: %s", jsonErrorText(err)))
			}
			break
		}
		res, e := p.produceOne(c, topic, rec)
		if e != nil {
			emit(e)
			continue
		}
		emit(res)
	}
	if !started {
		w.Header().Set("Content-Type", mediaTypeJSON)
		w.WriteHeader(http.StatusOK)
	}
}

// encodedV3 is one serialised key or value and what the response says of it.
type encodedV3 struct {
	bytes []byte
	info  *v3ProduceDataInfo
}

func (p *Proxy) produceOne(c v3ctx, topic string, rec v3ProduceRecord) (*v3ProduceResult, *apiError) {
	if rec.PartitionID != nil && *rec.PartitionID < 0 {
		return nil, newAPIError(http.StatusNotFound, 40402, "Partition not found.")
	}
	ctx := requestContext(c)
	key, e := p.encodeV3(ctx, topic, true, rec.Key)
	if e != nil {
		return nil, e
	}
	value, e := p.encodeV3(ctx, topic, false, rec.Value)
	if e != nil {
		return nil, e
	}
	kr := &kgo.Record{Topic: topic, Key: key.bytes, Value: value.bytes, Timestamp: time.Now()}
	if rec.Timestamp != nil {
		kr.Timestamp = *rec.Timestamp
	}
	for _, h := range rec.Headers {
		var v []byte
		if h.Value != nil {
			b, err := base64.StdEncoding.DecodeString(*h.Value)
			if err != nil {
				return nil, badRequest("header %s is not a valid base64 string.", h.Name)
			}
			v = b
		}
		kr.Headers = append(kr.Headers, kgo.RecordHeader{Key: h.Name, Value: v})
	}
	pctx, cancel := p.deliveryContext(ctx)
	defer cancel()
	if rec.PartitionID != nil {
		// A partition the topic lacks fails in the Java producer, as on v2.
		if e := p.checkPartitions(ctx, topic, []encodedRecord{{partition: rec.PartitionID}}); e != nil {
			return nil, e
		}
		kr.Partition = *rec.PartitionID
		kr.Context = withExplicitPartition(pctx)
	}
	start := time.Now()
	done := make(chan error, 1)
	p.client.Produce(pctx, kr, func(_ *kgo.Record, err error) { done <- err })
	if err := <-done; err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			// a TimeoutException, retriable: KafkaExceptionMapper's 500/50003
			// (rest-utils v7.9.0 core/.../exceptions/KafkaExceptionMapper.java)
			return nil, newAPIError(http.StatusInternalServerError, codeKafkaRetriable, "%s", expiredDelivery(1, topic, kr.Partition, start))
		}
		if errors.Is(err, kerr.UnknownTopicOrPartition) {
			p.client.PurgeTopicsFromProducing(topic)
			return nil, newAPIError(http.StatusNotFound, codeTopicNotFound,
				"Topic %s not present in metadata after %d ms.", topic, time.Since(start).Milliseconds())
		}
		return nil, kafkaAPIError(err, "")
	}
	return &v3ProduceResult{
		ErrorCode:   http.StatusOK,
		ClusterID:   c.cluster,
		TopicName:   topic,
		PartitionID: kr.Partition,
		Offset:      kr.Offset,
		Timestamp:   javaInstant(kr.Timestamp),
		Key:         key.info,
		Value:       value.info,
	}, nil
}

// javaInstant prints a time as java.time.Instant's toString does: UTC,
// fractional seconds in groups of three digits, none when zero.
func javaInstant(t time.Time) string {
	t = t.UTC()
	s := t.Format("2006-01-02T15:04:05")
	ns := t.Nanosecond()
	switch {
	case ns == 0:
	case ns%1_000_000 == 0:
		s += fmt.Sprintf(".%03d", ns/1_000_000)
	case ns%1000 == 0:
		s += fmt.Sprintf(".%06d", ns/1000)
	default:
		s += fmt.Sprintf(".%09d", ns)
	}
	return s + "Z"
}

// encodeV3 serialises one side of a record. Without data the side is a
// Kafka null and absent from the response.
func (p *Proxy) encodeV3(ctx context.Context, topic string, isKey bool, d *v3ProduceData) (encodedV3, *apiError) {
	if d == nil {
		return encodedV3{}, nil
	}
	format := ""
	if d.Type != nil {
		format = strings.ToUpper(*d.Type)
	}
	data := d.Data
	isNullData := len(data) == 0 || string(data) == "null"
	switch format {
	case "BINARY", "JSON", "STRING":
		if d.SchemaID != nil || d.SchemaVersion != nil || d.Schema != nil {
			return encodedV3{}, badRequest("%s does not support schemas.", format)
		}
		info := &v3ProduceDataInfo{Type: format}
		if isNullData {
			return encodedV3{info: info}, nil
		}
		b, e := serializeNoSchema(format, data)
		if e != nil {
			return encodedV3{}, e
		}
		info.Size = len(b)
		return encodedV3{bytes: b, info: info}, nil
	case "", "AVRO", "JSONSCHEMA", "PROTOBUF":
	default:
		return encodedV3{}, newAPIError(http.StatusBadRequest, http.StatusBadRequest,
			"Error processing JSON: Cannot deserialize value of type `EmbeddedFormat` from String %q: not one of the values accepted for Enum class: [BINARY, JSON, STRING, AVRO, JSONSCHEMA, PROTOBUF]", *d.Type)
	}
	if d.SubjectNameStrategy != nil && strings.ToUpper(*d.SubjectNameStrategy) != "TOPIC_NAME" {
		return encodedV3{}, badRequest("subject_name_strategy %s is not supported by this REST Proxy (supported: TOPIC_NAME).", *d.SubjectNameStrategy)
	}
	subject := topic + "-value"
	if isKey {
		subject = topic + "-key"
	}
	if d.Subject != nil {
		subject = *d.Subject
	}
	rs, version, e := p.schemas.resolveV3(ctx, subject, format, d)
	if e != nil {
		return encodedV3{}, e
	}
	id := rs.id
	info := &v3ProduceDataInfo{Type: formatName(rs.typ), Subject: &subject, SchemaID: &id, SchemaVersion: &version}
	if isNullData {
		return encodedV3{info: info}, nil
	}
	b, e := rs.encode(data)
	if e != nil {
		return encodedV3{}, e
	}
	info.Size = len(b)
	return encodedV3{bytes: b, info: info}, nil
}

// serializeNoSchema follows kafka-rest's NoSchemaRecordSerializer: BINARY
// is a base64 string, STRING a string taken as UTF-8, JSON any JSON.
func serializeNoSchema(format string, data json.RawMessage) ([]byte, *apiError) {
	switch format {
	case "BINARY":
		var s string
		if data[0] != '"' || json.Unmarshal(data, &s) != nil {
			return nil, badRequest("data=%s is not a base64 string.", data)
		}
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return nil, badRequest("data=%s is not a valid base64 string.", data)
		}
		return b, nil
	case "STRING":
		var s string
		if data[0] != '"' || json.Unmarshal(data, &s) != nil {
			return nil, badRequest("data=%s is not a string.", data)
		}
		return []byte(s), nil
	}
	var b bytes.Buffer
	if err := json.Compact(&b, data); err != nil {
		return nil, badRequest("%s", err.Error())
	}
	return b.Bytes(), nil
}

// resolveV3 finds the schema a v3 record names, as kafka-rest's
// SchemaManagerImpl does: a raw schema (type AVRO) is registered under the
// subject; a schema_id must be registered under it; a schema_version is
// that version of the subject; nothing at all is the subject's latest.
func (s *schemas) resolveV3(ctx context.Context, subject, format string, d *v3ProduceData) (*registeredSchema, int, *apiError) {
	unsupported := func() *apiError {
		// SchemaManagerImpl's argument check has no message: BadRequestException
		// ("Unsupported argument: ", null) prints as title: detail.
		return newAPIError(http.StatusBadRequest, http.StatusBadRequest, "Unsupported argument: : null")
	}
	var schema sr.Schema
	switch {
	case d.Schema != nil:
		if format == "" || d.SchemaID != nil || d.SchemaVersion != nil {
			return nil, 0, unsupported()
		}
		switch format {
		case "JSONSCHEMA":
			return s.typedRaw(ctx, subject, sr.TypeJSON, *d.Schema)
		case "PROTOBUF":
			return s.typedRaw(ctx, subject, sr.TypeProtobuf, *d.Schema)
		}
		rs, e := s.fromRaw(ctx, subject, *d.Schema)
		if e != nil {
			return nil, 0, e
		}
		ss, err := s.client.LookupSchema(ctx, subject, sr.Schema{Schema: compactJSON(*d.Schema), Type: sr.TypeAvro})
		if err != nil {
			return nil, 0, registryFailure(err, "Error when fetching schema version. subject = %s", subject)
		}
		return rs, ss.Version, nil
	case d.SchemaID != nil:
		if format != "" || d.SchemaVersion != nil {
			return nil, 0, unsupported()
		}
		got, err := s.client.SchemaByID(ctx, int(*d.SchemaID))
		if err != nil {
			return nil, 0, newAPIError(http.StatusUnprocessableEntity, 42207, "Error serializing message. Error when fetching schema by id. schemaId = %d", *d.SchemaID)
		}
		schema = got
	case d.SchemaVersion != nil:
		if format != "" {
			return nil, 0, unsupported()
		}
		ss, err := s.client.SchemaByVersion(ctx, subject, int(*d.SchemaVersion))
		if err != nil {
			return nil, 0, newAPIError(http.StatusUnprocessableEntity, 42207, "Error serializing message. Error when fetching schema version. subject = %s, version = %d", subject, *d.SchemaVersion)
		}
		schema = ss.Schema
	default:
		ss, err := s.client.SchemaByVersion(ctx, subject, -1)
		if err != nil {
			return nil, 0, newAPIError(http.StatusUnprocessableEntity, 42207, "Error serializing message. Error when fetching latest schema version. subject = %s", subject)
		}
		schema = ss.Schema
	}
	ss, err := s.client.LookupSchema(ctx, subject, schema)
	if err != nil {
		return nil, 0, newAPIError(http.StatusUnprocessableEntity, 42207, "Error serializing message. Error when fetching schema version. subject = %s", subject)
	}
	rs, e := s.build(ctx, schema, int32(ss.ID))
	if e != nil {
		return nil, 0, e
	}
	return rs, ss.Version, nil
}
