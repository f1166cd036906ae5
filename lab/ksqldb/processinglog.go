package ksqldb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/lab/ksqldb/expr"
	"github.com/ctalab/ctalab/lab/ksqldb/formats"
)

// The processing log (https://docs.ksqldb.io/en/0.29.0-ksqldb/reference/processing-log/):
// with WithProcessingLog, the server creates its topic and the stream over
// it at start-up, as ksql.logging.processing.topic.auto.create and
// .stream.auto.create do (confluentinc/ksql v7.9.0 ksqldb-rest-app
// .../logging/processing/ProcessingLogServerUtils.java, KsqlRestApplication
// maybeCreateProcessingLogStream), and writes an entry for every record a
// query skips, as the Kafka appender of KSQL_LOG4J_PROCESSING_LOG_BROKERLIST
// does, in the shape of ProcessingLogMessageSchema (ksqldb-common
// .../logging/processing/ProcessingLogMessageSchema.java) laid out as JSON by
// the StructuredJsonLayout. Rows are not included
// (ksql.logging.processing.rows.include defaults to false).

// WithProcessingLog creates the processing log topic and stream and writes
// the log to it, as the lab's compose file configures ksqlDB.
func WithProcessingLog() Option { return func(c *config) { c.processingLog = true } }

// processingLogStream is ksql.logging.processing.stream.name's default.
const processingLogStream = "KSQL_PROCESSING_LOG"

// processingLogTopic is ReservedInternalTopics.processingLogTopic: the
// service id followed by ksql_processing_log.
func (s *Server) processingLogTopic() string { return s.cfg.serviceID + "ksql_processing_log" }

// readOnlyTopic is ksqlDB's read-only topic pattern
// (ReservedInternalTopics.readOnlyTopicsPattern): the processing log's
// topic and what ksql.readonly.topics names, which are the hidden topics.
func (s *Server) readOnlyTopic(name string) bool {
	return name == s.processingLogTopic() || hiddenTopic(name)
}

// ensureProcessingLog creates the processing log's topic (one partition,
// ksql.logging.processing.topic.partitions) and stream unless they exist.
func (s *Server) ensureProcessingLog(ctx context.Context) error {
	topic := s.processingLogTopic()
	resp, err := s.adm.CreateTopic(ctx, 1, 1, nil, topic)
	if err == nil {
		err = resp.Err
	}
	if err != nil && !errors.Is(err, kerr.TopicAlreadyExists) {
		return fmt.Errorf("create the processing log topic %s: %w", topic, err)
	}
	s.mu.Lock()
	_, exists := s.ms.Sources[processingLogStream]
	s.mu.Unlock()
	if exists {
		return nil
	}
	// ProcessingLogServerUtils.processingLogStreamCreateStatement, as
	// SqlSchemaFormatter writes the schema: `topic` is quoted, being a
	// reserved word, and so keeps its case.
	stmt := "CREATE STREAM " + processingLogStream + " (LOGGER STRING, LEVEL STRING, TIME BIGINT, MESSAGE STRUCT<TYPE INTEGER, " +
		"DESERIALIZATIONERROR STRUCT<TARGET STRING, ERRORMESSAGE STRING, RECORDB64 STRING, CAUSE ARRAY<STRING>, `topic` STRING>, " +
		"RECORDPROCESSINGERROR STRUCT<ERRORMESSAGE STRING, RECORD STRING, CAUSE ARRAY<STRING>>, " +
		"PRODUCTIONERROR STRUCT<ERRORMESSAGE STRING>, " +
		"SERIALIZATIONERROR STRUCT<TARGET STRING, ERRORMESSAGE STRING, RECORD STRING, CAUSE ARRAY<STRING>, `topic` STRING>, " +
		"KAFKASTREAMSTHREADERROR STRUCT<ERRORMESSAGE STRING, THREADNAME STRING, CAUSE ARRAY<STRING>>>) " +
		"WITH(KAFKA_TOPIC='" + topic + "', VALUE_FORMAT='JSON', KEY_FORMAT='KAFKA');"
	if _, err := s.runStatements(ctx, stmt, map[string]string{}); err != nil {
		return fmt.Errorf("create the processing log stream: %w", err)
	}
	s.log.Info("created the processing log stream", "stream", processingLogStream, "topic", topic)
	return nil
}

// deserializeError is a record's key or value that does not deserialize.
type deserializeError struct {
	target string // key or value
	format string // the format it was read in
	// step is the query context of the step whose serde failed, whose
	// logger logs it; "" for a source's (KsqlTopic.Source)
	step string
	err  error
}

// decodeFailed is the failure of serde to read a record's target (key or
// value).
func decodeFailed(serde *formats.Serde, target string, err error) *deserializeError {
	return &deserializeError{target: target, format: serde.Format, err: err}
}

// message is what the deserializer of the error's format says when it
// fails, the processing log's errorMessage (DeserializationError takes the
// exception's message; confluentinc/ksql v7.9.0 ksqldb-serde): AVRO,
// PROTOBUF, PROTOBUF_NOSR and JSON_SR go through KsqlConnectDeserializer
// (JSON_SR because ksql.json_sr.converter.deserializer.enabled defaults to
// true: KsqlJsonSerdeFactory.createDeserializer), KAFKA through
// KafkaSerdeFactory.RowDeserializer, DELIMITED through
// KsqlDelimitedDeserializer, JSON through KsqlJsonDeserializer, the only
// one that puts its cause's message in its own. Each wraps the cause,
// which the log lists.
func (e *deserializeError) message(topic string) string {
	switch e.format {
	case formats.Avro, formats.Protobuf, formats.ProtobufNoSR, formats.JSONSR:
		return "Error deserializing message from topic: " + topic
	case formats.Kafka:
		return "Error deserializing KAFKA message from topic: " + topic
	case formats.Delimited:
		return "Error deserializing delimited"
	}
	return "Failed to deserialize " + e.target + " from topic: " + topic + ". " + e.err.Error()
}

func (e *deserializeError) Error() string { return "deserialize " + e.target + ": " + e.err.Error() }
func (e *deserializeError) Unwrap() error { return e.err }

// serializeError is a result that does not serialize for the sink topic.
type serializeError struct {
	topic string
	err   error
}

func (e *serializeError) Error() string { return "serialize result: " + e.err.Error() }
func (e *serializeError) Unwrap() error { return e.err }

// processingLogEntry is one record of the processing log topic.
type processingLogEntry struct {
	Level   string            `json:"level"`
	Logger  string            `json:"logger"`
	Time    int64             `json:"time"`
	Message processingMessage `json:"message"`
}

type processingMessage struct {
	Type                    int                 `json:"type"`
	DeserializationError    *deserializationLog `json:"deserializationError"`
	RecordProcessingError   *recordLog          `json:"recordProcessingError"`
	ProductionError         *struct{}           `json:"productionError"`
	SerializationError      *serializationLog   `json:"serializationError"`
	KafkaStreamsThreadError *struct{}           `json:"kafkaStreamsThreadError"`
}

type deserializationLog struct {
	Target       string   `json:"target"`
	ErrorMessage string   `json:"errorMessage"`
	RecordB64    *string  `json:"recordB64"`
	Cause        []string `json:"cause"`
	Topic        string   `json:"topic"`
}

type recordLog struct {
	ErrorMessage string   `json:"errorMessage"`
	Record       *string  `json:"record"`
	Cause        []string `json:"cause"`
}

type serializationLog struct {
	Target       string   `json:"target"`
	ErrorMessage string   `json:"errorMessage"`
	Record       *string  `json:"record"`
	Cause        []string `json:"cause"`
	Topic        string   `json:"topic"`
}

// causes lists the messages of the errors err wraps, outermost first.
func causes(err error) []string {
	out := []string{}
	for e := errors.Unwrap(err); e != nil; e = errors.Unwrap(e) {
		out = append(out, e.Error())
	}
	return out
}

// processingLogEntryFor is the entry for a record queryID skipped.
func processingLogEntryFor(queryID string, r *kgo.Record, err error, now time.Time) processingLogEntry {
	entry := processingLogEntry{Level: "ERROR", Logger: "processing." + queryID, Time: now.UnixMilli()}
	var de *deserializeError
	var se *serializeError
	switch {
	case errors.As(err, &de):
		step := "KsqlTopic.Source"
		if de.step != "" {
			step = de.step
		}
		entry.Logger += "." + step + ".deserializer"
		entry.Message = processingMessage{Type: 0, DeserializationError: &deserializationLog{
			Target: de.target, ErrorMessage: de.message(r.Topic),
			Cause: causes(de), Topic: r.Topic}}
	case errors.As(err, &se):
		entry.Message = processingMessage{Type: 3, SerializationError: &serializationLog{
			Target: "value", ErrorMessage: se.err.Error(), Cause: causes(se), Topic: se.topic}}
	default:
		entry.Message = processingMessage{Type: 1, RecordProcessingError: &recordLog{ErrorMessage: err.Error(), Cause: causes(err)}}
	}
	return entry
}

// logProcessingError writes the processing log entry for a record a query
// skipped, when the server keeps the log in Kafka.
func (s *Server) logProcessingError(queryID string, r *kgo.Record, err error) {
	if !s.cfg.processingLog {
		return
	}
	s.writeProcessingLog(processingLogEntryFor(queryID, r, err, time.Now()))
}

// logExpressionFailures writes the processing log entries of what the
// expressions of a query's steps threw while it processed a record, the
// failures each of steps took since it last did, in the order they are
// given, the order a result passes the steps (see expr.TakeInOrder):
// RecordProcessingErrors (type 1) of each step's logger,
// processing.<query id>.<step>
// (RuntimeBuildContext.getProcessingLogger, QueryLoggerUtil.queryLoggerName),
// without the row (ksql.logging.processing.rows.include is false). The
// record itself is not skipped: the failing values are NULL (the step
// decides what a NULL does to the row).
func (s *Server) logExpressionFailures(queryID string, steps ...*expr.Failures) {
	for _, f := range expr.TakeInOrder(steps...) {
		s.log.Debug("expression failure", "query", queryID, "step", f.Step, "message", f.Message, "cause", f.Cause)
		if !s.cfg.processingLog {
			continue
		}
		s.writeProcessingLog(processingLogEntry{Level: "ERROR", Logger: "processing." + queryID + "." + f.Step, Time: time.Now().UnixMilli(),
			Message: processingMessage{Type: 1, RecordProcessingError: &recordLog{ErrorMessage: f.Message, Cause: f.Cause}}})
	}
}

// logNullGroupBy writes the processing log entry of a row a query's
// GroupBy step excludes, its GROUP BY expression of the given index being
// NULL: a RecordProcessingError with no exception, so no cause, of the
// step's logger processing.<query id>.Aggregate.GroupBy
// (GroupByParamsFactory.processColumn).
func (s *Server) logNullGroupBy(queryID string, index int) {
	msg := "Group-by column with index " + strconv.Itoa(index) + " resolved to null. The source row will be excluded from the table."
	s.log.Debug("row excluded from the aggregation", "query", queryID, "message", msg)
	if !s.cfg.processingLog {
		return
	}
	s.writeProcessingLog(processingLogEntry{Level: "ERROR", Logger: "processing." + queryID + ".Aggregate.GroupBy", Time: time.Now().UnixMilli(),
		Message: processingMessage{Type: 1, RecordProcessingError: &recordLog{ErrorMessage: msg, Cause: []string{}}}})
}

// writeProcessingLog writes an entry to the processing log topic.
func (s *Server) writeProcessingLog(entry processingLogEntry) {
	b, jerr := json.Marshal(entry)
	if jerr != nil {
		s.log.Error("encode a processing log entry", "err", jerr)
		return
	}
	s.cl.Produce(s.ctx, &kgo.Record{Topic: s.processingLogTopic(), Partition: 0, Value: b}, func(_ *kgo.Record, err error) {
		if err != nil && s.ctx.Err() == nil {
			s.log.Warn("write the processing log", "topic", s.processingLogTopic(), "err", err)
		}
	})
}
