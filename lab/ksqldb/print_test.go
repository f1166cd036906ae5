package ksqldb

import (
	"context"
	"encoding/binary"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/lab/ksqldb/restapi"
)

// printBody posts PRINT to /query and reads the stream until it ends (LIMIT).
func printBody(t *testing.T, url, ksql string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url+"/query", strings.NewReader(`{"ksql":"`+ksql+`","streamsProperties":{}}`))
	req.Header.Set("Content-Type", "application/vnd.ksql.v1+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("post /query: %v", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read PRINT stream: %v", err)
	}
	return resp.StatusCode, string(b)
}

func int4Key(n uint32) []byte { return binary.BigEndian.AppendUint32(nil, n) }

// PRINT writes the formats that can read every key and value seen (a
// 4-byte key reads as KAFKA_INT or KAFKA_STRING; once a value is not JSON
// only KAFKA_STRING is left and the batch is shown with it), then one line
// per record with rowtime in UTC, key, value and partition; LIMIT ends it.
// Expected text derived by hand from RecordFormatter.java and
// TopicStreamWriter.java (confluentinc/ksql);
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/print/
func TestPrintFromBeginningShowsFormatsThenRecordsUntilLimit(t *testing.T) {
	st := newStack(t)
	st.createTopic("trains", 1)
	ts := time.UnixMilli(1700000000123)
	if err := st.cl.ProduceSync(context.Background(),
		&kgo.Record{Topic: "trains", Key: int4Key(7), Value: []byte(`{"line":"red"}`), Timestamp: ts},
		&kgo.Record{Topic: "trains", Value: []byte("hello"), Timestamp: ts.Add(time.Second)},
		&kgo.Record{Topic: "trains", Key: int4Key(9), Value: []byte("late"), Timestamp: ts.Add(2 * time.Second)},
	).FirstErr(); err != nil {
		t.Fatal(err)
	}
	_, url := st.serve()

	code, body := printBody(t, url, "PRINT 'trains' FROM BEGINNING LIMIT 2;")
	want := "Key format: KAFKA_INT or KAFKA_STRING\n" +
		"Value format: KAFKA_STRING\n" +
		"rowtime: 2023/11/14 22:13:20.123 Z, key: 7, value: {\"line\":\"red\"}, partition: 0\n" +
		"rowtime: 2023/11/14 22:13:21.123 Z, key: <null>, value: hello, partition: 0\n"
	if code != 200 || body != want {
		t.Errorf("PRINT: %d\n%q\nwant\n%q", code, body, want)
	}

	_, body = printBody(t, url, "PRINT trains FROM BEGINNING INTERVAL 2 LIMIT 2;")
	if !strings.Contains(body, "key: 7,") || strings.Contains(body, "hello") || !strings.Contains(body, "key: 9, value: late") {
		t.Errorf("PRINT INTERVAL 2 should show the 1st and 3rd records:\n%s", body)
	}
}

// A topic that does not exist is refused 400 with ksqlDB's text and the
// names that differ only in case (StreamedQueryResource.handlePrintTopic).
func TestPrintUnknownTopicSuggestsCaseInsensitiveMatches(t *testing.T) {
	st := newStack(t)
	st.createTopic("Trains", 1)
	_, url := st.serve()
	code, body := printBody(t, url, "PRINT 'trains';")
	want := `"message":"Could not find topic 'trains', or the KSQL user does not have permissions to list the topic. Topic names are case-sensitive.\nDid you mean:\n\tprint Trains;"`
	if code != 400 || !strings.Contains(body, want) || !strings.Contains(body, `"error_code":40000`) {
		t.Errorf("PRINT unknown: %d %s", code, body)
	}
}

// An Avro value written in the registry's wire format prints as Avro's
// GenericData.toString shows the record. Only AVRO reads it: station_id
// 40380 is the zigzag varint F8 F6 04, and 0xF8 is never valid UTF-8, so
// KAFKA_STRING is ruled out.
func TestPrintShowsAvroValuesThroughTheRegistry(t *testing.T) {
	st := newStack(t)
	st.createTopic(turnstileTopic, 1)
	st.produceTurnstiles([]turnstileEvent{{40380, "Clark/Lake", "blue"}})
	_, url := st.serve()
	_, body := printBody(t, url, "PRINT '"+turnstileTopic+"' FROM BEGINNING LIMIT 1;")
	if !strings.Contains(body, "Value format: AVRO\n") ||
		!strings.Contains(body, `value: {"station_id": 40380, "station_name": "Clark/Lake", "line": "blue"}, partition: 0`) {
		t.Errorf("PRINT avro:\n%s", body)
	}
}

// Bytes no format reads are shown as Kafka's Bytes.toString shows them
// (\xHH for what is not printable ASCII), and the format line says no
// format matches (TopicStreamWriter.FormatsTracker); the stream goes on.
func TestPrintUnreadableValuesShowBytesAndNoFormat(t *testing.T) {
	st := newStack(t)
	st.createTopic("raw", 1)
	if err := st.cl.ProduceSync(context.Background(),
		&kgo.Record{Topic: "raw", Key: []byte("k"), Value: []byte{0xff, 'a', 0x01}, Timestamp: time.UnixMilli(0)},
		&kgo.Record{Topic: "raw", Key: []byte("k"), Value: []byte{0xfe}, Timestamp: time.UnixMilli(0)},
	).FirstErr(); err != nil {
		t.Fatal(err)
	}
	_, url := st.serve()
	_, body := printBody(t, url, "PRINT raw FROM BEGINNING LIMIT 2;")
	if !strings.Contains(body, "Value format:  does not match any supported format. It may be a STRING with encoding other than UTF8, or some other format.\n") ||
		!strings.Contains(body, `value: \xFFa\x01, partition: 0`) || !strings.Contains(body, `value: \xFE, partition: 0`) {
		t.Errorf("PRINT raw:\n%s", body)
	}
}

// PRINT streams on /query too, so over HTTP/2 it gets OldApiUtils' 405.
func TestPrintOverHTTP2IsMethodNotAllowed(t *testing.T) {
	_, url := turnstileTable(t)
	r := do(t, h2c(), http.MethodPost, url+"/query", `{"ksql":"PRINT 'TURNSTILE_SUMMARY' FROM BEGINNING;"}`, map[string]string{"Accept": restapi.MediaKSQL})
	if r.code != http.StatusMethodNotAllowed || r.proto != 2 || len(r.body) != 0 {
		t.Errorf("PRINT over h2c: %d proto %d %q", r.code, r.proto, r.body)
	}
}
