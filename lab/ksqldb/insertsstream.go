package ksqldb

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/internal/jsonwire"
	"github.com/ctalab/ctalab/lab/ksqldb/formats"
	"github.com/ctalab/ctalab/lab/ksqldb/metastore"
	"github.com/ctalab/ctalab/lab/ksqldb/restapi"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// POST /inserts-stream (InsertsStreamHandler, AcksSubscriber, the inserts
// response writers in ksqldb-rest-app/src/main/java/io/confluent/ksql/api/server,
// InsertsStreamEndpoint and InsertsSubscriber in .../api/impl, KeyValueExtractor,
// github.com/confluentinc/ksql 7.9.0; documented at
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-rest-api/streaming-endpoint/).
// The request is newline-delimited JSON: the arguments {"target":...}, then
// one object per row. Each row is produced to the target's topic and
// acknowledged with {"seq":n,"status":"ok"}; the first failure is answered
// with an error object and ends the response.

// insertsStreamArgs is the first line of the request (InsertsStreamArgs).
type insertsStreamArgs struct {
	Target     *string        `json:"target"`
	Properties map[string]any `json:"properties"`
}

// insertAck and insertError are InsertAck and InsertError as Jackson writes
// them (InsertError is an unregistered subtype of KsqlErrorMessage, so its
// type name is the class's simple name).
type insertAck struct {
	Seq    int64  `json:"seq"`
	Status string `json:"status"`
}

type insertError struct {
	Type      string `json:"@type"`
	ErrorCode int    `json:"error_code"`
	Message   string `json:"message"`
	Status    string `json:"status"`
	Seq       int64  `json:"seq"`
}

// insertFailure is a row the server refuses (a KsqlApiException upstream).
type insertFailure struct {
	code int
	msg  string
}

func (e *insertFailure) Error() string { return e.msg }

// acksWriter writes acks in the delimited or the JSON-array format.
type acksWriter struct {
	w       http.ResponseWriter
	fl      func()
	array   bool
	written bool
}

func (a *acksWriter) write(v any) {
	b, _ := jsonwire.Marshal(v)
	switch {
	case !a.array:
		b = append(b, '\n')
	case a.written:
		b = append([]byte(","), b...)
	default:
		b = append([]byte("["), b...)
	}
	a.written = true
	_, _ = a.w.Write(b)
	a.fl()
}

func (a *acksWriter) end() {
	if a.array {
		if a.written {
			_, _ = a.w.Write([]byte("]"))
		} else {
			_, _ = a.w.Write([]byte("[]"))
		}
	}
	a.fl()
}

func (s *Server) handleInsertsStream(w http.ResponseWriter, r *http.Request) {
	if r.ProtoMajor != 2 {
		// ServerUtils.checkHttp2
		restapi.WriteFailure(w, http.StatusBadRequest, restapi.GenericError{Type: "generic_error", ErrorCode: 40004,
			Message: "This endpoint is only available when using HTTP2"})
		return
	}
	accepted, _ := restapi.Negotiate(r.Header.Values("Accept"), []string{restapi.MediaDelimited, restapi.MediaJSON})
	rd := bufio.NewReader(r.Body)
	line, err := readRecord(rd, s.cfg.maxBody)
	if err != nil && (len(line) == 0 || !errors.Is(err, io.EOF)) {
		restapi.WriteFailure(w, http.StatusBadRequest, restapi.GenericError{Type: "generic_error", ErrorCode: 40000,
			Message: "Invalid JSON in request: " + err.Error()})
		return
	}
	var args insertsStreamArgs
	if err := json.Unmarshal(line, &args); err != nil {
		restapi.WriteFailure(w, http.StatusBadRequest, restapi.GenericError{Type: "generic_error", ErrorCode: 40000,
			Message: "Invalid JSON in request: " + err.Error()})
		return
	}
	if args.Target == nil {
		restapi.WriteFailure(w, http.StatusBadRequest, restapi.GenericError{Type: "generic_error", ErrorCode: 40000,
			Message: "Invalid JSON in request: Missing required creator property 'target' (index 0)"})
		return
	}
	target := identifierText(*args.Target)
	s.mu.Lock()
	src, ok := s.ms.Sources[target]
	alt := s.ms.Alternatives(target, "")
	s.mu.Unlock()
	switch {
	case !ok: // InsertsStreamEndpoint: the name as SourceName.toString prints it
		restapi.WriteFailure(w, http.StatusBadRequest, restapi.GenericError{Type: "generic_error", ErrorCode: stmterr.CodeBadStatement,
			Message: "Cannot insert values into an unknown stream/table: `" + target + "`" + alt})
		return
	case s.readOnlyTopic(src.Topic):
		restapi.WriteFailure(w, http.StatusBadRequest, restapi.GenericError{Type: "generic_error", ErrorCode: stmterr.CodeBadStatement,
			Message: "Cannot insert values into read-only topic: " + src.Topic})
		return
	case formats.RegistryFormat(src.KeyFormat) || formats.RegistryFormat(src.ValueFormat):
		f := src.ValueFormat
		if formats.RegistryFormat(src.KeyFormat) {
			f = src.KeyFormat
		}
		restapi.WriteFailure(w, http.StatusBadRequest, restapi.GenericError{Type: "generic_error", ErrorCode: stmterr.CodeBadStatement,
			Message: "Inserting into a source with " + f + " key or value format is not supported by this ksqlDB server"})
		return
	}
	cl, err := kgo.NewClient(kafkaOpts(s.cfg.kafka, kgo.SeedBrokers(s.brokers...), kgo.RequiredAcks(kgo.AllISRAcks()), kgo.ProducerLinger(0))...)
	if err != nil {
		restapi.WriteFailure(w, http.StatusInternalServerError, restapi.GenericError{Type: "generic_error", ErrorCode: 50000,
			Message: fmt.Sprintf("start inserts: %v", err)})
		return
	}
	defer cl.Close()
	keySerde := formats.NewSerde(src.KeyFormat, src.Schema.Keys(), true, src.Topic, s.reg).AvroKeyFor(src.Name).WithSchemaFullName(src.KeyFullName).WithDelimiter(src.KeyDelimiter).WithProtobufNullable(src.KeyProtoNullable)
	valSerde := formats.NewSerde(src.ValueFormat, src.Schema.Values(), false, src.Topic, s.reg).WithDelimiter(src.ValueDelimiter).WithAvroFullName(src.ValueAvroName).WithSchemaFullName(src.ValueFullName).WithProtobufNullable(src.ValueProtoNullable)

	// the status line goes out before the first row is read, so that a later
	// failure is reported in the stream (InsertsStreamHandler writes "")
	w.Header()["Content-Type"] = nil
	w.WriteHeader(http.StatusOK)
	acks := &acksWriter{w: w, fl: restapi.Flusher(w), array: accepted == restapi.MediaJSON}
	acks.fl()
	ctx := r.Context()
	for seq := int64(0); ; seq++ {
		line, err := readRecord(rd, s.cfg.maxBody)
		if len(line) == 0 && err != nil {
			if !errors.Is(err, io.EOF) {
				s.log.Debug("inserts stream: read request", "err", err)
			}
			acks.end()
			return
		}
		rec, ferr := s.insertRecord(line, src, keySerde, valSerde)
		if ferr == nil {
			ferr = cl.ProduceSync(ctx, rec).FirstErr()
			if ferr != nil {
				s.log.Warn("inserts stream: produce", "topic", src.Topic, "err", ferr)
				ferr = &insertFailure{code: 50000, msg: "Error in processing inserts. Check server logs for details."}
			}
		}
		if ferr != nil {
			var f *insertFailure
			if !errors.As(ferr, &f) {
				f = &insertFailure{code: 50000, msg: "Error in processing inserts. Check server logs for details."}
			}
			acks.write(insertError{Type: "InsertError", ErrorCode: f.code, Message: f.msg, Status: "error", Seq: seq})
			acks.end()
			return
		}
		acks.write(insertAck{Seq: seq, Status: "ok"})
	}
}

// readRecord reads up to the next newline (Vert.x RecordParser), the last
// record of the body also without one; a record may be at most limit bytes.
func readRecord(rd *bufio.Reader, limit int64) ([]byte, error) {
	var out []byte
	for {
		chunk, err := rd.ReadSlice('\n')
		out = append(out, chunk...)
		if int64(len(out)) > limit {
			return nil, fmt.Errorf("a record exceeds the limit of %d bytes", limit)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil {
			return bytes.TrimSpace(out), err
		}
		return bytes.TrimSuffix(bytes.TrimSuffix(out, []byte("\n")), []byte("\r")), nil
	}
}

// identifierText is Identifiers.getIdentifierText: a quoted name as written,
// any other in upper case.
func identifierText(name string) string {
	if len(name) >= 2 && (name[0] == '`' && name[len(name)-1] == '`' || name[0] == '"' && name[len(name)-1] == '"') {
		return name[1 : len(name)-1]
	}
	return strings.ToUpper(name)
}

// insertRecord turns one row of the request into a record for the target.
func (s *Server) insertRecord(line []byte, src *metastore.Source, keySerde, valSerde *formats.Serde) (*kgo.Record, error) {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	var raw map[string]any
	if err := dec.Decode(&raw); err != nil || dec.More() {
		return nil, &insertFailure{code: 40000, msg: "Invalid JSON in inserts stream"}
	}
	row := make(map[string]any, len(raw))
	for k, v := range raw {
		name := identifierText(k)
		if _, dup := row[name]; dup {
			return nil, &insertFailure{code: 40000, msg: "Found duplicate column / struct field name: " + name}
		}
		row[name] = v
	}
	keyCols, valCols := src.Schema.Keys(), src.Schema.Values()
	keys := make([]any, len(keyCols))
	for i, c := range keyCols {
		v, ok := row[c.Name]
		if !ok || v == nil {
			return nil, &insertFailure{code: 40000, msg: "Key field must be specified: " + c.Name}
		}
		cv, err := coerceInsert(v, c.Type)
		if err != nil {
			return nil, err
		}
		keys[i] = cv
	}
	vals := make([]any, len(valCols))
	for i, c := range valCols {
		cv, err := coerceInsert(row[c.Name], c.Type)
		if err != nil {
			return nil, err
		}
		vals[i] = cv
	}
	kb, err := keySerde.Encode(keys)
	if err != nil {
		return nil, fmt.Errorf("serialise key: %w", err)
	}
	vb, err := valSerde.Encode(vals)
	if err != nil {
		return nil, fmt.Errorf("serialise value: %w", err)
	}
	return &kgo.Record{Topic: src.Topic, Key: kb, Value: vb, Timestamp: time.Now()}, nil
}

// coerceInsert converts a JSON value to a column's type as ksqlDB's strict
// coercer does: numbers widen (INT to BIGINT or DOUBLE), nothing else converts.
func coerceInsert(v any, t types.Type) (any, error) {
	if v == nil {
		return nil, nil
	}
	if t.Kind() == types.KindDecimal {
		return coerceInsertDecimal(v, t)
	}
	javaType := "io.vertx.core.json.JsonObject"
	switch x := v.(type) {
	case json.Number:
		str := x.String()
		if strings.ContainsAny(str, ".eE") {
			javaType = "java.lang.Double"
			if f, err := x.Float64(); err == nil && t == types.Double {
				return f, nil
			}
			break
		}
		n, err := strconv.ParseInt(str, 10, 64)
		if err != nil {
			javaType = "java.math.BigInteger"
			break
		}
		javaType = "java.lang.Long"
		if n >= math.MinInt32 && n <= math.MaxInt32 {
			javaType = "java.lang.Integer"
			if t == types.Integer {
				return int32(n), nil
			}
		}
		switch t {
		case types.Bigint:
			return n, nil
		case types.Double:
			return float64(n), nil
		}
	case string:
		javaType = "java.lang.String"
		if t == types.String {
			return x, nil
		}
	case bool:
		javaType = "java.lang.Boolean"
		if t == types.Boolean {
			return x, nil
		}
	case []any:
		javaType = "io.vertx.core.json.JsonArray"
	}
	return nil, &insertFailure{code: 40000, msg: fmt.Sprintf("Can't coerce a field of type class %s into type %s", javaType, t)}
}

// coerceInsertDecimal is ApiSqlValueCoercer.coerceDecimal: a Double
// through String.valueOf and a String as they are, set to the column's
// scale HALF_UP; an Integer or Long through the strict coercer
// (DecimalUtil.ensureFit).
func coerceInsertDecimal(v any, t types.Type) (any, error) {
	fail := func(javaType string) (any, error) {
		return nil, &insertFailure{code: 40000, msg: fmt.Sprintf("Can't coerce a field of type class %s into type %s", javaType, t)}
	}
	switch x := v.(type) {
	case json.Number:
		str := x.String()
		if strings.ContainsAny(str, ".eE") {
			f, err := x.Float64()
			if err != nil {
				return fail("java.lang.Double")
			}
			d, ok := types.DecimalFromDouble(f)
			if !ok {
				return fail("java.lang.Double")
			}
			return d.SetScale(int32(t.Scale), types.RoundHalfUp)
		}
		d, err := types.DecimalOf(str, t)
		if err != nil {
			return fail("java.lang.Integer")
		}
		return d, nil
	case string:
		d, err := types.ParseDecimal(x)
		if err != nil {
			return fail("java.lang.String")
		}
		return d.SetScale(int32(t.Scale), types.RoundHalfUp)
	case bool:
		return fail("java.lang.Boolean")
	case []any:
		return fail("io.vertx.core.json.JsonArray")
	}
	return fail("io.vertx.core.json.JsonObject")
}
