package ksqldb

import (
	"bytes"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// h2Rows opens a push query on /query-stream with a bare HTTP/2 framer
// and returns a function that reads the DATA frames that follow, each
// frame's payload as one string, until n payloads or the deadline.
func h2Rows(t *testing.T, srvURL, sql string) func(n int) []string {
	t.Helper()
	u, err := url.Parse(srvURL)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	if _, err := conn.Write([]byte(http2.ClientPreface)); err != nil {
		t.Fatal(err)
	}
	fr := http2.NewFramer(conn, conn)
	if err := fr.WriteSettings(); err != nil {
		t.Fatal(err)
	}
	var hb bytes.Buffer
	enc := hpack.NewEncoder(&hb)
	for _, f := range [][2]string{{":method", "POST"}, {":scheme", "http"}, {":authority", u.Host}, {":path", "/query-stream"},
		{"content-type", "application/json"}, {"accept", "application/vnd.ksqlapi.delimited.v1"}} {
		_ = enc.WriteField(hpack.HeaderField{Name: f[0], Value: f[1]})
	}
	if err := fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: hb.Bytes(), EndHeaders: true}); err != nil {
		t.Fatal(err)
	}
	body := `{"sql": "` + sql + `", "properties": {"ksql.streams.auto.offset.reset": "latest"}}`
	if err := fr.WriteData(1, true, []byte(body)); err != nil {
		t.Fatal(err)
	}
	return func(n int) []string {
		t.Helper()
		var got []string
		_ = conn.SetReadDeadline(time.Now().Add(15 * time.Second))
		for len(got) < n {
			f, err := fr.ReadFrame()
			if err != nil {
				t.Fatalf("read frames after %q: %v", got, err)
			}
			switch f := f.(type) {
			case *http2.SettingsFrame:
				if !f.IsAck() {
					_ = fr.WriteSettingsAck()
				}
			case *http2.DataFrame:
				if len(f.Data()) > 0 {
					got = append(got, string(f.Data()))
				}
			case *http2.RSTStreamFrame, *http2.GoAwayFrame:
				t.Fatalf("the server ended the stream after %q: %v", got, f)
			}
		}
		return got
	}
}

// A push query on /query-stream writes each row as a DATA frame of its own,
// as ksqlDB does (DelimitedQueryStreamResponseWriter writes each row to
// the Vert.x response, one write per row). Clients read it that way: the
// npm ksqldb-client parses every chunk it receives as one JSON value.
func TestAPushQueryOverHTTP2WritesEachRowInAFrameOfItsOwn(t *testing.T) {
	st := newStack(t)
	_, srvURL := st.serve()
	mustKSQL(t, srvURL, "CREATE STREAM words (word VARCHAR) WITH (kafka_topic='words', partitions=1, value_format='JSON');", nil)
	next := h2Rows(t, srvURL, "SELECT word FROM words EMIT CHANGES;")
	if md := next(1)[0]; !strings.HasPrefix(md, `{"queryId":`) || !strings.HasSuffix(md, "\n") {
		t.Fatalf("first frame %q, want the metadata line", md)
	}
	// three records in one produce: the query reads them in one fetch
	st.produceValues("words", `{"WORD":"tree"}`, `{"WORD":"wind"}`, `{"WORD":"sky"}`)
	want := []string{"[\"tree\"]\n", "[\"wind\"]\n", "[\"sky\"]\n"}
	if got := next(3); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("DATA frames %q, want one per row %q", got, want)
	}
}
