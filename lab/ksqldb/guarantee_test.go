package ksqldb

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
)

// summaryEvents are the turnstile events of the processing-guarantee tests:
// 40010 three times, 40020 twice, 40030 once.
var summaryEvents = []turnstileEvent{
	{40010, "Austin", "blue"}, {40020, "Harlem", "green"}, {40010, "Austin", "blue"},
	{40030, "Clark/Lake", "red"}, {40010, "Austin", "blue"}, {40020, "Harlem", "green"},
}

// runSummary starts the project's statements over summaryEvents and waits
// until the query has committed its whole input.
func runSummary(t *testing.T, st *stack, url string, props map[string]any) string {
	t.Helper()
	st.createTopic(turnstileTopic, 1)
	st.produceTurnstiles(summaryEvents)
	if props == nil {
		props = map[string]any{}
	}
	props["ksql.streams.auto.offset.reset"] = "earliest"
	ents := mustKSQL(t, url, projectStatements, props)
	qid := ents[1]["commandStatus"].(map[string]any)["queryId"].(string)
	group := "_confluent-ksql-default_query_" + qid
	waitCommitted(t, st, group, int64(len(summaryEvents)))
	return qid
}

// readWithKafkaGo reads TURNSTILE_SUMMARY partition 0 from the first offset
// with a kafka-go Reader (no group) up to the high watermark.
func readWithKafkaGo(t *testing.T, st *stack) []kafka.Message {
	t.Helper()
	hwm := st.endOffset("TURNSTILE_SUMMARY")
	r := kafka.NewReader(kafka.ReaderConfig{Brokers: st.brokers, Topic: "TURNSTILE_SUMMARY", Partition: 0,
		StartOffset: kafka.FirstOffset, MaxWait: 100 * time.Millisecond})
	defer r.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var msgs []kafka.Message
	for {
		m, err := r.ReadMessage(ctx)
		if errors.Is(err, context.DeadlineExceeded) {
			return msgs // the Reader returned nothing more up to the high watermark
		}
		if err != nil {
			t.Fatalf("kafka-go read: %v", err)
		}
		msgs = append(msgs, m)
		if m.Offset >= hwm-1 {
			return msgs
		}
	}
}

func (st *stack) endOffset(topic string) int64 {
	st.t.Helper()
	ends, err := st.adm.ListEndOffsets(context.Background(), topic)
	if err != nil {
		st.t.Fatalf("list end offsets %s: %v", topic, err)
	}
	o, ok := ends.Lookup(topic, 0)
	if !ok || o.Err != nil {
		st.t.Fatalf("end offset %s: %v", topic, o.Err)
	}
	return o.Offset
}

// Under the default guarantee (at_least_once) the output topic holds only
// records, so a kafka-go Reader sees exactly one real record per update.
func TestDefaultGuaranteeWritesNoTransactionMarkers(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	runSummary(t, st, url, nil)

	if hwm := st.endOffset("TURNSTILE_SUMMARY"); hwm != int64(len(summaryEvents)) {
		t.Errorf("TURNSTILE_SUMMARY high watermark %d, want %d (one offset per update, no markers)", hwm, len(summaryEvents))
	}
	msgs := readWithKafkaGo(t, st)
	if len(msgs) != len(summaryEvents) {
		t.Errorf("kafka-go returned %d messages, want %d updates", len(msgs), len(summaryEvents))
	}
	seq := map[int32][]int64{}
	for _, m := range msgs {
		if len(m.Key) != 4 {
			t.Fatalf("offset %d: key %x is not a 4-byte INT", m.Offset, m.Key)
		}
		var v map[string]json.Number
		dec := json.NewDecoder(bytes.NewReader(m.Value))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil || len(v) != 1 || v["COUNT"] == "" {
			t.Fatalf("offset %d: value %x is not {\"COUNT\": n}: %v", m.Offset, m.Value, err)
		}
		n, err := v["COUNT"].Int64()
		if err != nil {
			t.Fatalf("offset %d: COUNT %s: %v", m.Offset, v["COUNT"], err)
		}
		id := int32(binary.BigEndian.Uint32(m.Key))
		seq[id] = append(seq[id], n)
	}
	if !slices.Equal(seq[40010], []int64{1, 2, 3}) || !slices.Equal(seq[40020], []int64{1, 2}) || !slices.Equal(seq[40030], []int64{1}) {
		t.Errorf("updates %v, want 40010:1..3 40020:1..2 40030:1", seq)
	}
}

// exactly_once_v2 is opt-in, per request or as the server default: the query
// then writes in transactions (commit markers follow the records).
func TestExactlyOnceIsOptIn(t *testing.T) {
	cases := []struct {
		name  string
		opts  []Option
		props map[string]any
	}{
		{"streamsProperties", nil, map[string]any{"processing.guarantee": "exactly_once_v2"}},
		{"ksql.streams prefix", nil, map[string]any{"ksql.streams.processing.guarantee": "exactly_once_v2"}},
		{"server option", []Option{WithProcessingGuarantee("exactly_once_v2")}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := newStack(t)
			_, url := st.serve(c.opts...)
			runSummary(t, st, url, c.props)
			recs := st.consume("TURNSTILE_SUMMARY", len(summaryEvents))
			last, _ := counts(t, recs)
			if last[40010] != 3 || last[40020] != 2 || last[40030] != 1 {
				t.Errorf("final counts %v", last)
			}
			if hwm := st.endOffset("TURNSTILE_SUMMARY"); hwm <= int64(len(summaryEvents)) {
				t.Errorf("high watermark %d with %d records: no transaction markers under exactly_once_v2", hwm, len(recs))
			}
		})
	}
}

// A request's processing.guarantee is typed with the other overrides
// (KsqlRequest.getConfigOverrides): a value StreamsConfig's
// ValidString does not take is a "Failed to coerce" bad request whose cause
// names the streams key (apache/kafka 3.9 StreamsConfig: in(at_least_once,
// exactly_once, exactly_once_beta, exactly_once_v2)); the deprecated
// exactly-once values Kafka Streams 3.9 still runs are refused here as not
// supported.
func TestProcessingGuaranteeValidation(t *testing.T) {
	st := newStack(t)
	st.createTopic(turnstileTopic, 1)
	_, url := st.serve()
	for _, c := range []struct{ name, value string }{
		{"processing.guarantee", "exactly_twice"},
		{"ksql.streams.processing.guarantee", "EXACTLY_ONCE_V2"},
	} {
		code, body := post(t, url, "/ksql", "SHOW STREAMS;", map[string]any{c.name: c.value})
		var e map[string]any
		_ = json.Unmarshal(body, &e)
		msg := fmt.Sprint(e["message"])
		head := "Failed to coerce type of value '" + c.value + "' for key '" + c.name + "'\nCaused by: "
		cause := "Invalid value " + c.value + " for configuration processing.guarantee: String must be one of: at_least_once, exactly_once, exactly_once_beta, exactly_once_v2"
		if code != 400 || e["@type"] != "generic_error" || e["error_code"] != 40000.0 ||
			!strings.HasPrefix(msg, head) || strings.ReplaceAll(msg[len(head):], "\n\t", " ") != cause {
			t.Errorf("%s=%s: %d %s\nwant 400 generic_error 40000 %q", c.name, c.value, code, body, head+cause)
		}
	}
	for _, v := range []string{"exactly_once", "exactly_once_beta"} {
		code, body := post(t, url, "/ksql", "SHOW STREAMS;", map[string]any{"processing.guarantee": v})
		var e map[string]any
		_ = json.Unmarshal(body, &e)
		if code != 400 || e["@type"] != "statement_error" || e["error_code"] != 40001.0 || !contains(fmt.Sprint(e["message"]), "processing.guarantee "+v+" is not supported") {
			t.Errorf("processing.guarantee=%s: %d %s, want 400 statement_error 40001 not supported", v, code, body)
		}
	}
	code, e := stmtErr(t, url, "SET 'processing.guarantee'='none';")
	if code != 400 || !contains(fmt.Sprint(e["message"]), "Invalid value none for configuration processing.guarantee") {
		t.Errorf("SET: %d %v", code, e)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := New(ctx, st.brokers, st.reg.URL(), WithProcessingGuarantee("exactly_twice")); err == nil {
		t.Error("New accepted processing guarantee exactly_twice")
	}
	// a server not configured with a processing guarantee lists none: the
	// KsqlConfig constructor puts no processing.guarantee among its streams
	// settings (confluentinc/ksql v7.9.0 KsqlConfig.java); a configured one
	// is listed (TestShowPropertiesListsTheStreamsSettingsKsqlConfigHolds)
	props := mustKSQL(t, url, "SHOW PROPERTIES;", nil)[0]["properties"].([]any)
	for _, p := range props {
		if pm := p.(map[string]any); pm["name"] == "ksql.streams.processing.guarantee" {
			t.Errorf("SHOW PROPERTIES lists %v for a server configured with no processing guarantee", pm)
		}
	}
}
