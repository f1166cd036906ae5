package ksqldb

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ctalab/ctalab/internal/avroguard"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/internal/jsonwire"
	"github.com/ctalab/ctalab/lab/javanum"
	"github.com/ctalab/ctalab/lab/ksqldb/restapi"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
)

// PRINT over /query, as ksqlDB 0.29 answers it: a plain-text stream of
// "Key format: ..." / "Value format: ..." lines whenever the formats that
// can still read every key and value seen change, then one line per record
// "rowtime: <yyyy/MM/dd HH:mm:ss.SSS Z>, key: <k>, value: <v>, partition: <p>",
// and an empty line after each poll that brought nothing.
// confluentinc/ksql ksqldb-rest-app/.../resources/streaming/TopicStreamWriter.java,
// RecordFormatter.java, PrintTopicUtil.java, StreamedQueryResource.java (handlePrintTopic);
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/print/
//
// Known difference: PROTOBUF and JSON_SR are never recognised (only AVRO
// schemas are read from the registry).

// printPoll is ksql.query.stream.disconnect.check's default (1000 ms).
const printPoll = time.Second

func (s *Server) printTopic(w http.ResponseWriter, r *http.Request, p sql.Parsed, pr *sql.Print, props map[string]string) {
	ctx := r.Context()
	tm, err := s.topicMetaOnce(ctx, pr.Topic)
	if err != nil {
		s.writeStatementError(w, r, p.Text, err, nil)
		return
	}
	if !tm.exists {
		msg := "Could not find topic '" + pr.Topic + "', or the KSQL user does not have permissions to list the topic. Topic names are case-sensitive."
		if all, err := s.liveTopics(ctx); err == nil {
			var alt []string
			for name, d := range all {
				if d.err == nil && !d.internal && strings.EqualFold(name, pr.Topic) {
					alt = append(alt, "\tprint "+name+";")
				}
			}
			sort.Strings(alt)
			if len(alt) > 0 {
				msg += "\nDid you mean:\n" + strings.Join(alt, "\n")
			}
		}
		restapi.WriteFailure(w, http.StatusBadRequest, restapi.GenericError{Type: "generic_error", ErrorCode: 40000, Message: msg})
		return
	}
	if r.ProtoMajor == 2 {
		// OldApiUtils: the streamed /query answer is not available over HTTP/2
		w.Header().Set("Content-Type", restapi.MediaJSON)
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	interval := pr.Interval
	if interval == 0 {
		interval = 1
	}
	start := kgo.NewOffset().AtEnd()
	if pr.FromBeginning || s.offsetReset(props) == "earliest" {
		start = kgo.NewOffset().AtStart()
	}
	parts := map[int32]kgo.Offset{}
	for i := 0; i < tm.partitions; i++ {
		parts[int32(i)] = start
	}
	cl, err := kgo.NewClient(kafkaOpts(s.cfg.kafka, kgo.SeedBrokers(s.brokers...),
		kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{pr.Topic: parts}))...)
	if err != nil {
		s.writeStatementError(w, r, p.Text, fmt.Errorf("print %s: %w", pr.Topic, err), nil)
		return
	}
	defer cl.Close()

	w.Header().Set("Content-Type", restapi.MediaJSON)
	w.WriteHeader(http.StatusOK)
	fl := restapi.Flusher(w)
	fl()
	keys := newPrintFormats(s, true)
	vals := newPrintFormats(s, false)
	lastKey, lastVal := []string{"-"}, []string{"-"} // force the first format lines
	var polled, written int64
	limited := func() bool { return pr.Limit != nil && written >= *pr.Limit }
	for ctx.Err() == nil && !limited() {
		pctx, cancel := context.WithTimeout(ctx, printPoll)
		fs := cl.PollFetches(pctx)
		cancel()
		if ctx.Err() != nil {
			return
		}
		var recs []*kgo.Record
		fs.EachRecord(func(rec *kgo.Record) { recs = append(recs, rec) })
		var out bytes.Buffer
		if len(recs) == 0 {
			out.WriteString("\n")
		} else {
			lines := formatBatch(ctx, recs, keys, vals)
			var keep []string
			for _, l := range lines {
				if polled%interval == 0 {
					written++
					keep = append(keep, l)
				}
				polled++
				if limited() {
					break
				}
			}
			lastKey = formatsLine(&out, lastKey, keys.possible(), "Key format: ")
			lastVal = formatsLine(&out, lastVal, vals.possible(), "Value format: ")
			for _, l := range keep {
				out.WriteString(l)
				out.WriteString("\n")
			}
		}
		if _, err := w.Write(out.Bytes()); err != nil {
			return
		}
		fl()
	}
}

// formatBatch formats records; if the first (active) format of the key or
// value was ruled out by this batch, the batch is formatted again with the
// formats left (RecordFormatter.format).
func formatBatch(ctx context.Context, recs []*kgo.Record, keys, vals *printFormats) []string {
	first := func(l []string) string {
		if len(l) == 0 {
			return "" // every listed format was ruled out: nothing left to lose
		}
		return l[0]
	}
	ak, av := first(keys.possible()), first(vals.possible())
	lines := formatRecords(ctx, recs, keys, vals)
	if (ak != "" && !slices.Contains(keys.possible(), ak)) || (av != "" && !slices.Contains(vals.possible(), av)) {
		lines = formatRecords(ctx, recs, keys, vals)
	}
	return lines
}

func formatRecords(ctx context.Context, recs []*kgo.Record, keys, vals *printFormats) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = "rowtime: " + r.Timestamp.UTC().Format("2006/01/02 15:04:05.000") + " Z" +
			", key: " + keys.format(ctx, r.Key) + ", value: " + vals.format(ctx, r.Value) +
			", partition: " + strconv.Itoa(int(r.Partition))
	}
	return out
}

func formatsLine(out *bytes.Buffer, prev, cur []string, prefix string) []string {
	if strings.Join(prev, "\x00") == strings.Join(cur, "\x00") {
		return prev
	}
	out.WriteString(prefix)
	if len(cur) == 0 {
		out.WriteString(" does not match any supported format. It may be a STRING with encoding other than UTF8, or some other format.\n")
	} else {
		out.WriteString(strings.Join(cur, " or ") + "\n")
	}
	return cur
}

type printDeser struct {
	name string
	fn   func(ctx context.Context, b []byte) (string, bool)
}

// printFormats are the formats that have read every non-null datum so far
// (RecordFormatter.Deserializers); UNRECOGNISED_BYTES always reads and is
// never listed.
type printFormats struct {
	list []printDeser
	seen bool
}

func newPrintFormats(s *Server, key bool) *printFormats {
	bad := map[int]bool{}
	avro := func(ctx context.Context, b []byte) (string, bool) {
		if len(b) < 5 || b[0] != 0 || !s.reg.Configured() {
			return "", false
		}
		id := int(binary.BigEndian.Uint32(b[1:5]))
		if bad[id] {
			return "", false
		}
		codec, err := s.reg.Codec(ctx, id)
		if err != nil {
			bad[id] = true
			return "", false
		}
		native, _, err := avroguard.Decode(codec, b[5:])
		if err != nil {
			return "", false
		}
		var sch any
		if json.Unmarshal([]byte(codec.Schema()), &sch) != nil {
			return "", false
		}
		names := map[string]any{}
		avroNames(sch, "", names)
		var sb strings.Builder
		avroString(&sb, sch, "", native, names)
		return sb.String(), true
	}
	never := func(context.Context, []byte) (string, bool) { return "", false }
	base := []printDeser{
		{"AVRO", avro},
		{"PROTOBUF", never},
		{"JSON", printJSON},
		{"JSON_SR", never},
		{"KAFKA_INT", func(_ context.Context, b []byte) (string, bool) {
			if len(b) != 4 {
				return "", false
			}
			return strconv.Itoa(int(int32(binary.BigEndian.Uint32(b)))), true
		}},
		{"KAFKA_BIGINT", func(_ context.Context, b []byte) (string, bool) {
			if len(b) != 8 {
				return "", false
			}
			return strconv.FormatInt(int64(binary.BigEndian.Uint64(b)), 10), true
		}},
		{"KAFKA_DOUBLE", func(_ context.Context, b []byte) (string, bool) {
			if len(b) != 8 {
				return "", false
			}
			return javanum.FormatDouble(math.Float64frombits(binary.BigEndian.Uint64(b))), true
		}},
		{"KAFKA_STRING", printString},
	}
	pf := &printFormats{}
	for _, d := range base {
		if key {
			pf.list = append(pf.list, sessionWindowed(d), timeWindowed("HOPPING", d), timeWindowed("TUMBLING", d))
		}
		pf.list = append(pf.list, d)
	}
	pf.list = append(pf.list, printDeser{"UNRECOGNISED_BYTES", func(_ context.Context, b []byte) (string, bool) { return kafkaBytesString(b), true }})
	return pf
}

// timeWindowed reads a time-windowed key: the inner key, then the 8-byte window start.
func timeWindowed(name string, in printDeser) printDeser {
	return printDeser{name + "(" + in.name + ")", func(ctx context.Context, b []byte) (string, bool) {
		if len(b) < 8 {
			return "", false
		}
		k, ok := in.fn(ctx, b[:len(b)-8])
		if !ok {
			return "", false
		}
		return "[" + k + "@" + strconv.FormatInt(int64(binary.BigEndian.Uint64(b[len(b)-8:])), 10) + "/-]", true
	}}
}

// sessionWindowed reads a session-windowed key: the inner key, the 8-byte end, the 8-byte start.
func sessionWindowed(in printDeser) printDeser {
	return printDeser{"SESSION(" + in.name + ")", func(ctx context.Context, b []byte) (string, bool) {
		if len(b) < 16 {
			return "", false
		}
		k, ok := in.fn(ctx, b[:len(b)-16])
		if !ok {
			return "", false
		}
		end := int64(binary.BigEndian.Uint64(b[len(b)-16 : len(b)-8]))
		start := int64(binary.BigEndian.Uint64(b[len(b)-8:]))
		return "[" + k + "@" + strconv.FormatInt(start, 10) + "/" + strconv.FormatInt(end, 10) + "]", true
	}}
}

func (pf *printFormats) possible() []string {
	if !pf.seen {
		return []string{"¯\\_(ツ)_/¯ - no data processed"}
	}
	var out []string
	for _, d := range pf.list {
		if d.name != "UNRECOGNISED_BYTES" {
			out = append(out, d.name)
		}
	}
	return out
}

func (pf *printFormats) format(ctx context.Context, b []byte) string {
	if b == nil {
		return "<null>"
	}
	pf.seen = true
	first, found := "", false
	kept := pf.list[:0]
	for _, d := range pf.list {
		v, ok := d.fn(ctx, b)
		if !ok {
			continue
		}
		kept = append(kept, d)
		if !found {
			first, found = v, true
		}
	}
	pf.list = kept
	if !found {
		return "<Failed to deserialize>"
	}
	return first
}

func printString(_ context.Context, b []byte) (string, bool) {
	if len(b) == 0 || !utf8.Valid(b) || bytes.ContainsRune(b, utf8.RuneError) {
		return "", false
	}
	return string(b), true
}

// printJSON accepts text that parses as JSON and shows it as it is.
func printJSON(ctx context.Context, b []byte) (string, bool) {
	t, ok := printString(ctx, b)
	if !ok {
		return "", false
	}
	var v any
	if json.NewDecoder(strings.NewReader(t)).Decode(&v) != nil {
		return "", false
	}
	return t, true
}

// kafkaBytesString is org.apache.kafka.common.utils.Bytes.toString:
// printable ASCII as is, other bytes (and backslash) as \xHH.
func kafkaBytesString(b []byte) string {
	var sb strings.Builder
	for _, c := range b {
		if c >= ' ' && c <= '~' && c != '\\' {
			sb.WriteByte(c)
		} else {
			fmt.Fprintf(&sb, "\\x%02X", c)
		}
	}
	return sb.String()
}

// avroNames collects the named types of a schema by full name.
func avroNames(sch any, ns string, names map[string]any) {
	switch x := sch.(type) {
	case []any:
		for _, b := range x {
			avroNames(b, ns, names)
		}
	case map[string]any:
		t, _ := x["type"].(string)
		switch t {
		case "record", "error", "enum", "fixed":
			full, ins := avroFullName(x, ns)
			names[full] = x
			if fs, ok := x["fields"].([]any); ok {
				for _, f := range fs {
					if fm, ok := f.(map[string]any); ok {
						avroNames(fm["type"], ins, names)
					}
				}
			}
		case "array":
			avroNames(x["items"], ns, names)
		case "map":
			avroNames(x["values"], ns, names)
		default:
			avroNames(x["type"], ns, names)
		}
	}
}

func avroFullName(x map[string]any, ns string) (string, string) {
	name, _ := x["name"].(string)
	if n, ok := x["namespace"].(string); ok {
		ns = n
	}
	if strings.Contains(name, ".") {
		return name, name[:strings.LastIndex(name, ".")]
	}
	if ns == "" {
		return name, ns
	}
	return ns + "." + name, ns
}

// avroString writes a decoded Avro datum as Avro's GenericData.toString does.
func avroString(sb *strings.Builder, sch any, ns string, v any, names map[string]any) {
	if v == nil {
		sb.WriteString("null")
		return
	}
	switch x := sch.(type) {
	case string:
		if named, ok := names[x]; ok {
			avroString(sb, named, ns, v, names)
			return
		}
		if named, ok := names[ns+"."+x]; ok {
			avroString(sb, named, ns, v, names)
			return
		}
	case []any: // union: goavro wraps the value as {branch name: value}
		if m, ok := v.(map[string]any); ok && len(m) == 1 {
			for k, inner := range m {
				for _, b := range x {
					if avroBranchName(b, ns) == k {
						avroString(sb, b, ns, inner, names)
						return
					}
				}
			}
		}
	case map[string]any:
		switch x["type"] {
		case "record", "error":
			_, ins := avroFullName(x, ns)
			m, _ := v.(map[string]any)
			sb.WriteString("{")
			fs, _ := x["fields"].([]any)
			for i, f := range fs {
				fm, _ := f.(map[string]any)
				name, _ := fm["name"].(string)
				if i > 0 {
					sb.WriteString(", ")
				}
				sb.WriteString(strconv.Quote(name) + ": ")
				avroString(sb, fm["type"], ins, m[name], names)
			}
			sb.WriteString("}")
			return
		case "array":
			arr, _ := v.([]any)
			sb.WriteString("[")
			for i, e := range arr {
				if i > 0 {
					sb.WriteString(", ")
				}
				avroString(sb, x["items"], ns, e, names)
			}
			sb.WriteString("]")
			return
		case "map":
			m, _ := v.(map[string]any)
			ks := make([]string, 0, len(m))
			for k := range m {
				ks = append(ks, k)
			}
			sort.Strings(ks)
			sb.WriteString("{")
			for i, k := range ks {
				if i > 0 {
					sb.WriteString(", ")
				}
				sb.WriteString(strconv.Quote(k) + ": ")
				avroString(sb, x["values"], ns, m[k], names)
			}
			sb.WriteString("}")
			return
		}
	}
	switch y := v.(type) {
	case string:
		avroQuote(sb, y)
	case float64:
		sb.WriteString(javanum.FormatDouble(y))
	case float32:
		sb.WriteString(javanum.FormatDouble(float64(y)))
	case time.Time:
		sb.WriteString(strconv.FormatInt(y.UnixMilli(), 10))
	case []byte:
		avroQuote(sb, string(y))
	default:
		fmt.Fprint(sb, y)
	}
}

// avroQuote writes a JSON string without HTML escaping, as Avro does.
func avroQuote(sb *strings.Builder, s string) {
	sb.Write(jsonwire.AppendString(nil, s))
}

func avroBranchName(b any, ns string) string {
	switch x := b.(type) {
	case string:
		return x
	case map[string]any:
		switch t := x["type"].(string); t {
		case "record", "error", "enum", "fixed":
			full, _ := avroFullName(x, ns)
			return full
		default:
			if lt, ok := x["logicalType"].(string); ok {
				return t + "." + lt
			}
			return t
		}
	}
	return ""
}
