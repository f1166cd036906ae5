package ksqldb

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/ctalab/ctalab/lab/ksqldb/restapi"
)

func insertsStack(t *testing.T) (*stack, string) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM riders (id INT KEY, name STRING, lat DOUBLE) WITH (KAFKA_TOPIC='riders', PARTITIONS=1, VALUE_FORMAT='JSON');", nil)
	return st, url
}

// Rows and acks flow at the same time over one HTTP/2 stream: the ack of a row
// arrives before the next row is sent, and the rows land in the topic in the
// source's formats (KAFKA INT key, JSON value).
func TestInsertsStreamAcksEachRowAsItIsWritten(t *testing.T) {
	st, url := insertsStack(t)
	pr, pw := io.Pipe()
	req, _ := http.NewRequest(http.MethodPost, url+"/inserts-stream", pr)
	type result struct {
		resp *http.Response
		err  error
	}
	done := make(chan result, 1)
	go func() {
		resp, err := h2c().Do(req)
		done <- result{resp, err}
	}()
	if _, err := io.WriteString(pw, `{"target":"riders"}`+"\n"+`{"ID":7,"name":"Ann","lat":41.5}`+"\n"); err != nil {
		t.Fatal(err)
	}
	res := <-done
	if res.err != nil {
		t.Fatal(res.err)
	}
	defer res.resp.Body.Close()
	if res.resp.StatusCode != 200 || res.resp.ProtoMajor != 2 {
		t.Fatalf("status %d proto %d", res.resp.StatusCode, res.resp.ProtoMajor)
	}
	rd := bufio.NewReader(res.resp.Body)
	if line := readLine(t, rd); line != `{"seq":0,"status":"ok"}` {
		t.Fatalf("first ack %q", line)
	}
	if _, err := io.WriteString(pw, `{"id":8,"NAME":"Bo"}`+"\n"); err != nil {
		t.Fatal(err)
	}
	if line := readLine(t, rd); line != `{"seq":1,"status":"ok"}` {
		t.Fatalf("second ack %q", line)
	}
	pw.Close()
	if rest, err := io.ReadAll(rd); err != nil || len(rest) != 0 {
		t.Errorf("after the request ended: %q %v", rest, err)
	}

	recs := st.consume("riders", 2)
	want := []struct {
		key   int32
		value string
	}{{7, `{"NAME":"Ann","LAT":41.5}`}, {8, `{"NAME":"Bo","LAT":null}`}}
	for i, w := range want {
		if len(recs[i].key) != 4 || int32(binary.BigEndian.Uint32(recs[i].key)) != w.key || string(recs[i].value) != w.value {
			t.Errorf("record %d: key %x value %s, want %d %s", i, recs[i].key, recs[i].value, w.key, w.value)
		}
	}
}

// With Accept: application/json the acks are one JSON array; a row that
// cannot be coerced is answered with an error object and ends the response.
func TestInsertsStreamJSONAcksAndRowError(t *testing.T) {
	_, url := insertsStack(t)
	body := `{"target":"RIDERS"}` + "\n" + `{"ID":1,"NAME":"a"}` + "\n" + `{"ID":"two","NAME":"b"}` + "\n" + `{"ID":3,"NAME":"c"}` + "\n"
	r := do(t, h2c(), http.MethodPost, url+"/inserts-stream", body, map[string]string{"Accept": restapi.MediaJSON})
	var out []map[string]any
	if r.code != 200 || json.Unmarshal(r.body, &out) != nil || len(out) != 2 {
		t.Fatalf("%d %s", r.code, r.body)
	}
	if out[0]["status"] != "ok" || out[0]["seq"] != 0.0 {
		t.Errorf("ack %v", out[0])
	}
	if out[1]["status"] != "error" || out[1]["seq"] != 1.0 || out[1]["error_code"] != 40000.0 ||
		out[1]["message"] != "Can't coerce a field of type class java.lang.String into type INTEGER" {
		t.Errorf("error %v", out[1])
	}

	// a line that is not JSON
	r = do(t, h2c(), http.MethodPost, url+"/inserts-stream", `{"target":"riders"}`+"\nnot json\n", nil)
	var e map[string]any
	if r.code != 200 || json.Unmarshal([]byte(strings.TrimSpace(string(r.body))), &e) != nil || e["message"] != "Invalid JSON in inserts stream" || e["seq"] != 0.0 {
		t.Errorf("bad line: %d %s", r.code, r.body)
	}
	// a missing key
	r = do(t, h2c(), http.MethodPost, url+"/inserts-stream", `{"target":"riders"}`+"\n"+`{"NAME":"x"}`, nil)
	if !strings.Contains(string(r.body), `"message":"Key field must be specified: ID"`) {
		t.Errorf("missing key: %d %s", r.code, r.body)
	}
}

// ServerUtils.checkHttp2 and InsertsStreamEndpoint's refusals.
func TestInsertsStreamRefusals(t *testing.T) {
	_, url := insertsStack(t)
	r := do(t, http.DefaultClient, http.MethodPost, url+"/inserts-stream", `{"target":"riders"}`+"\n", nil)
	var e map[string]any
	_ = json.Unmarshal(r.body, &e)
	if r.code != 400 || e["error_code"] != 40004.0 || e["message"] != "This endpoint is only available when using HTTP2" {
		t.Errorf("HTTP/1.1: %d %s", r.code, r.body)
	}
	r = do(t, h2c(), http.MethodPost, url+"/inserts-stream", `{"target":"nope"}`+"\n", nil)
	e = nil
	_ = json.Unmarshal(r.body, &e)
	if r.code != 400 || e["error_code"] != 40001.0 || e["message"] != "Cannot insert values into an unknown stream/table: `NOPE`" {
		t.Errorf("unknown target: %d %s", r.code, r.body)
	}
}
