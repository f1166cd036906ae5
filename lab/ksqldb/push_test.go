package ksqldb

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestPushQueryOnTable(t *testing.T) {
	st := newStack(t)
	st.createTopic(turnstileTopic, 1)
	st.produceTurnstiles([]turnstileEvent{{40010, "Austin", "blue"}, {40020, "Harlem", "green"}, {40010, "Austin", "blue"}})
	_, url := st.serve()
	mustKSQL(t, url, projectStatements, earliest())
	st.consume("TURNSTILE_SUMMARY", 3)

	code, body := post(t, url, "/query", "SELECT * FROM TURNSTILE_SUMMARY EMIT CHANGES LIMIT 3;", earliest())
	if code != 200 {
		t.Fatalf("push: %d %s", code, body)
	}
	var out []map[string]any
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatalf("push body is not a JSON array: %v\n%s", err, body)
	}
	if len(out) != 5 {
		t.Fatalf("want header, 3 rows, final message; got %s", body)
	}
	hdr := out[0]["header"].(map[string]any)
	if !strings.HasPrefix(hdr["queryId"].(string), "transient_TURNSTILE_SUMMARY_") || hdr["schema"] != "`STATION_ID` INTEGER, `COUNT` BIGINT" {
		t.Errorf("header %v", hdr)
	}
	var rows []string
	for _, o := range out[1:4] {
		rows = append(rows, fmt.Sprint(o["row"].(map[string]any)["columns"]))
	}
	if strings.Join(rows, " ") != "[40010 1] [40020 1] [40010 2]" {
		t.Errorf("rows %v", rows)
	}
	if out[4]["finalMessage"] != "Limit Reached" {
		t.Errorf("final %v", out[4])
	}
}

// A push query with the default offset reset (latest) sees only new events.
func TestPushQueryLatestOnStream(t *testing.T) {
	st := newStack(t)
	st.createTopic(turnstileTopic, 1)
	st.produceTurnstiles([]turnstileEvent{{40010, "Austin", "blue"}})
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM turnstile (station_id INT, station_name VARCHAR, line VARCHAR) WITH (KAFKA_TOPIC='org.chicago.cta.station.turnstile.v1', VALUE_FORMAT='AVRO');", nil)

	body, _ := json.Marshal(map[string]any{"ksql": "SELECT station_id, UCASE(line) AS l, CONCAT(station_name, '!') FROM turnstile WHERE station_id > 40010 EMIT CHANGES LIMIT 1;"})
	resp, err := http.Post(url+"/query", "application/vnd.ksql.v1+json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	rd := bufio.NewReader(resp.Body)
	first, err := rd.ReadString('}')
	if err != nil || !strings.Contains(first, `"header"`) {
		t.Fatalf("header: %q %v", first, err)
	}
	st.produceTurnstiles([]turnstileEvent{{40010, "Austin", "blue"}, {40380, "Clark/Lake", "red"}})
	var rest bytes.Buffer
	if _, err := rest.ReadFrom(rd); err != nil {
		t.Fatal(err)
	}
	all := first + rest.String()
	var out []map[string]any
	if err := json.Unmarshal([]byte(all), &out); err != nil {
		t.Fatalf("stream is not a JSON array: %v\n%s", err, all)
	}
	if len(out) != 3 || fmt.Sprint(out[1]["row"].(map[string]any)["columns"]) != "[40380 RED Clark/Lake!]" || out[2]["finalMessage"] != "Limit Reached" {
		t.Errorf("got %s", all)
	}
	if s := out[0]["header"].(map[string]any)["schema"]; s != "`STATION_ID` INTEGER, `L` STRING, `KSQL_COL_0` STRING" {
		t.Errorf("schema %v", s)
	}
}
