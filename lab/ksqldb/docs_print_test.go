package ksqldb

import (
	"bufio"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

// The reference page "PRINT", its example run as written on the topic of
// the stream the page creates. The page's output shows another topic's
// records; the format lines and the record line's layout are what it
// describes: JSON values are "JSON or KAFKA_STRING", and each record is
// "rowtime: <UTC time> Z, key: ..., value: ..., partition: n". The stream
// has no key columns, so records have no key and no key format can be
// inferred (RecordFormatter: "¯\_(ツ)_/¯ - no data processed"). Without
// LIMIT the print runs until the client leaves, as it does here after the
// lines it expects.
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/print/
func TestDocsPrintShowsTheRiderLocationsTopicFromTheBeginning(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM riderLocations (profileId VARCHAR, latitude DOUBLE, longitude DOUBLE)
WITH (kafka_topic='rider-locations', value_format='json', partitions=1);
INSERT INTO riderLocations (ROWTIME, profileId, latitude, longitude) VALUES (1647618802989, 'c2309eec', 37.7877, -122.4205);`, nil)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url+"/query",
		strings.NewReader(`{"ksql":"PRINT 'rider-locations' FROM BEGINNING;","streamsProperties":{}}`))
	req.Header.Set("Content-Type", "application/vnd.ksql.v1+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("post /query: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("PRINT: %d", resp.StatusCode)
	}
	rd := bufio.NewReader(resp.Body)
	var lines []string
	for len(lines) < 3 {
		line, err := rd.ReadString('\n')
		if err != nil {
			t.Fatalf("after %q: %v", lines, err)
		}
		if line = strings.TrimSpace(line); line != "" {
			lines = append(lines, line)
		}
	}
	want := []string{
		"Key format: ¯\\_(ツ)_/¯ - no data processed",
		"Value format: JSON or KAFKA_STRING",
		`rowtime: 2022/03/18 15:53:22.989 Z, key: <null>, value: {"PROFILEID":"c2309eec","LATITUDE":37.7877,"LONGITUDE":-122.4205}, partition: 0`,
	}
	for i := range want {
		if lines[i] != want[i] {
			t.Errorf("line %d: %q\nwant    %q", i, lines[i], want[i])
		}
	}
}
