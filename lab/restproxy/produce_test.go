package restproxy

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
)

func TestJSONFormatRoundTrip(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("json-topic", 1)
	resp := e.post("json-topic", "application/vnd.kafka.json.v2+json",
		`{"records": [{"key": {"id": 1}, "value": {"foo": "bar", "n": [1, 2.5, null]}}, {"value": "just a string"}, {"key": 7, "value": null}]}`)
	if resp.status != http.StatusOK {
		t.Fatalf("status %d body %s", resp.status, resp.body)
	}
	want := `{"offsets":[{"partition":0,"offset":0,"error_code":null,"error":null},{"partition":0,"offset":1,"error_code":null,"error":null},{"partition":0,"offset":2,"error_code":null,"error":null}],"key_schema_id":null,"value_schema_id":null}`
	if string(resp.body) != want {
		t.Fatalf("body\n got %s\nwant %s", resp.body, want)
	}
	recs := e.consume("json-topic", 3)
	checks := []struct{ key, value []byte }{
		{[]byte(`{"id":1}`), []byte(`{"foo":"bar","n":[1,2.5,null]}`)},
		{nil, []byte(`"just a string"`)},
		{[]byte(`7`), nil},
	}
	for i, c := range checks {
		if !bytes.Equal(recs[i].Key, c.key) || !bytes.Equal(recs[i].Value, c.value) {
			t.Fatalf("record %d: key %q value %q, want %q %q", i, recs[i].Key, recs[i].Value, c.key, c.value)
		}
		if (recs[i].Key == nil) != (c.key == nil) || (recs[i].Value == nil) != (c.value == nil) {
			t.Fatalf("record %d: null-ness differs", i)
		}
	}
}

func TestBinaryFormatRoundTrip(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("bin-topic", 1)
	payload := []byte{0, 1, 2, 0xfe, 0xff, 'h', 'i'}
	body := fmt.Sprintf(`{"key_schema": "ignored for binary", "records": [{"key": %q, "value": %q}, {"value": "YQ"}, {"value": ""}]}`,
		base64.StdEncoding.EncodeToString([]byte("k1")), base64.StdEncoding.EncodeToString(payload))
	resp := e.post("bin-topic", "application/vnd.kafka.binary.v2+json", body)
	if resp.status != http.StatusOK {
		t.Fatalf("status %d body %s", resp.status, resp.body)
	}
	var pr produceResponse
	resp.json(t, &pr)
	if pr.KeySchemaID != nil || pr.ValueSchemaID != nil || len(pr.Offsets) != 3 {
		t.Fatalf("response %s", resp.body)
	}
	recs := e.consume("bin-topic", 3)
	if string(recs[0].Key) != "k1" || !bytes.Equal(recs[0].Value, payload) {
		t.Fatalf("record 0: %q % x", recs[0].Key, recs[0].Value)
	}
	if recs[1].Key != nil || string(recs[1].Value) != "a" {
		t.Fatalf("record 1 (unpadded base64): %q %q", recs[1].Key, recs[1].Value)
	}
	if recs[2].Value == nil || len(recs[2].Value) != 0 {
		t.Fatalf("record 2: want an empty, non-null value, got %v", recs[2].Value)
	}

	before := e.endOffsets("bin-topic")
	resp = e.post("bin-topic", "application/vnd.kafka.binary.v2+json", `{"records": [{"value": "aGk="}, {"value": "not base64!"}]}`)
	if code, _ := resp.apiErr(t); resp.status != http.StatusRequestTimeout || code != 40801 {
		t.Fatalf("bad base64: %d %s", resp.status, resp.body)
	}
	e.assertUnchanged("bin-topic", before)
}

func TestUnsupportedContentTypeWritesNothing(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("ct-topic", 1)
	before := e.endOffsets("ct-topic")
	body := `{"records": [{"value": "aGk="}]}`
	for _, ct := range []string{"", "application/json", "application/vnd.kafka.v2+json", "text/plain",
		"application/octet-stream", "application/vnd.kafka.binary.v1+json", "application/vnd.kafka.protobuf.v1+json"} {
		resp := e.post("ct-topic", ct, body)
		code, msg := resp.apiErr(t)
		if resp.status != http.StatusUnsupportedMediaType || code != 415 || !strings.HasPrefix(msg, "HTTP 415 Unsupported Media Type") {
			t.Fatalf("content type %q: %d %d %q", ct, resp.status, code, msg)
		}
	}
	e.assertUnchanged("ct-topic", before)

	// Media type parameters and case do not matter.
	resp := e.post("ct-topic", "Application/Vnd.Kafka.Binary.V2+JSON; charset=utf-8", body)
	if resp.status != http.StatusOK {
		t.Fatalf("parameterised content type: %d %s", resp.status, resp.body)
	}
}

func TestMalformedRequestsWriteNothing(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("bad-topic", 1)
	before := e.endOffsets("bad-topic")
	cases := map[string]struct {
		body   string
		status int
	}{
		"truncated":            {`{"records": [{"value": "aGk="}`, 400},
		"not json":             {`records=aGk=`, 400},
		"array body":           {`[{"value": "aGk="}]`, 400},
		"records not an array": {`{"records": {"value": "aGk="}}`, 400},
		"record not an object": {`{"records": ["aGk="]}`, 400},
		// unknown fields are rest-utils' 422 (unknownfield_test.go)
		"unknown field":         {`{"records": [], "recods": []}`, 422},
		"unknown record field":  {`{"records": [{"value": "aGk=", "headers": []}]}`, 422},
		"case matters":          {`{"Records": [{"value": "aGk="}]}`, 422},
		"partition not integer": {`{"records": [{"value": "aGk=", "partition": "zero"}]}`, 400},
		"schema id object":      {`{"value_schema_id": {}, "records": []}`, 400},
		"empty body":            {``, 422},
		"null body":             {`null`, 422},
	}
	for name, c := range cases {
		for _, ct := range []string{ctBinary, ctJSON, ctAvro} {
			resp := e.post("bad-topic", ct, c.body)
			code, msg := resp.apiErr(t)
			if resp.status != c.status || code != c.status {
				t.Fatalf("%s (%s): %d %d %q", name, ct, resp.status, code, msg)
			}
		}
	}
	e.assertUnchanged("bad-topic", before)
}

func TestUnknownTopic(t *testing.T) {
	t.Run("auto-create off", func(t *testing.T) {
		e := newEnv(t, envOptions{})
		resp := e.post("missing", ctBinary, `{"records": [{"value": "aGk="}]}`)
		code, msg := resp.apiErr(t)
		if resp.status != http.StatusNotFound || code != 40401 || !strings.Contains(msg, "missing") {
			t.Fatalf("%d %d %q", resp.status, code, msg)
		}
		if resp := e.do(http.MethodGet, "/topics/missing", "", nil); resp.status != http.StatusNotFound {
			t.Fatalf("topic exists after the rejected produce: %s", resp.body)
		}
	})
	t.Run("auto-create on", func(t *testing.T) {
		e := newEnv(t, envOptions{broker: []kfake.Opt{kfake.AllowAutoTopicCreation()}})
		resp := e.post("created", ctBinary, `{"records": [{"value": "aGk="}]}`)
		if resp.status != http.StatusOK {
			t.Fatalf("%d %s", resp.status, resp.body)
		}
		if got := e.consume("created", 1); string(got[0].Value) != "hi" {
			t.Fatalf("value %q", got[0].Value)
		}
	})
}

func TestExplicitPartition(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("parts", 3)
	resp := e.post("parts", ctJSON, `{"records": [{"value": 1, "partition": 2}, {"value": 2, "partition": 1}, {"value": 3, "partition": "2"}]}`)
	var pr produceResponse
	resp.json(t, &pr)
	if resp.status != http.StatusOK || *pr.Offsets[0].Partition != 2 || *pr.Offsets[1].Partition != 1 || *pr.Offsets[2].Partition != 2 || *pr.Offsets[2].Offset != 1 {
		t.Fatalf("%d %s", resp.status, resp.body)
	}
	before := e.endOffsets("parts")
	resp = e.post("parts", ctJSON, `{"records": [{"value": 1, "partition": 0}, {"value": 2, "partition": 3}]}`)
	if code, msg := resp.apiErr(t); resp.status != http.StatusInternalServerError || code != 50002 || msg != "Invalid partition given with record: 3 is not in the range [0...3)." {
		t.Fatalf("%d %s", resp.status, resp.body)
	}
	e.assertUnchanged("parts", before)
}

func TestBodyLimit(t *testing.T) {
	e := newEnv(t, envOptions{proxy: []Option{WithMaxBodyBytes(64)}})
	e.createTopic("small", 1)
	before := e.endOffsets("small")
	resp := e.post("small", ctBinary, `{"records": [{"value": "`+strings.Repeat("QUFB", 40)+`"}]}`)
	if code, _ := resp.apiErr(t); resp.status != http.StatusRequestEntityTooLarge || code != 413 {
		t.Fatalf("%d %s", resp.status, resp.body)
	}
	e.assertUnchanged("small", before)
	if resp := e.post("small", ctBinary, `{"records": [{"value": "aGk="}]}`); resp.status != http.StatusOK {
		t.Fatalf("small body: %d %s", resp.status, resp.body)
	}
}

func TestConcurrentBurstIsAcknowledgedExactlyOnce(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic(weatherTopic, 3)
	const workers, perWorker = 8, 50
	var wg sync.WaitGroup
	errs := make(chan string, workers*perWorker)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < perWorker; i++ {
				ts := int64(w*perWorker + i)
				resp := e.post(weatherTopic, ctAvro, weatherRequest(ts, float64(w), "cloudy"))
				if resp.status != http.StatusOK || !bytes.Contains(resp.body, []byte(`"error":null`)) {
					errs <- fmt.Sprintf("worker %d request %d: %d %s", w, i, resp.status, resp.body)
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for msg := range errs {
		t.Fatal(msg)
	}
	recs := e.consume(weatherTopic, workers*perWorker)
	seen := make(map[int64]int)
	for _, r := range recs {
		_, key := decodeWire(t, e.sr, r.Key)
		seen[key["timestamp"].(int64)]++
	}
	for ts := int64(0); ts < workers*perWorker; ts++ {
		if seen[ts] != 1 {
			t.Fatalf("timestamp %d seen %d times", ts, seen[ts])
		}
	}
	if len(recs) != workers*perWorker {
		t.Fatalf("consumed %d records", len(recs))
	}
}

func TestPerRecordErrorsKeepHTTP200(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("big", 1)
	huge := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{'x'}, 2<<20))
	resp := e.post("big", ctBinary, `{"records": [{"value": "aGk="}, {"value": "`+huge+`"}]}`)
	if resp.status != http.StatusOK {
		t.Fatalf("%d %.200s", resp.status, resp.body)
	}
	var pr produceResponse
	resp.json(t, &pr)
	ok, failed := pr.Offsets[0], pr.Offsets[1]
	if ok.Partition == nil || ok.Offset == nil || ok.ErrorCode != nil || ok.Error != nil {
		t.Fatalf("first record: %s", resp.body)
	}
	if failed.Partition != nil || failed.Offset != nil || failed.ErrorCode == nil || *failed.ErrorCode != 50002 || failed.Error == nil {
		t.Fatalf("second record: %s", resp.body)
	}
	if !bytes.Contains(resp.body, []byte(`{"partition":null,"offset":null,"error_code":50002,"error":`)) {
		t.Fatalf("failed entry does not print explicit nulls: %s", resp.body)
	}
}
