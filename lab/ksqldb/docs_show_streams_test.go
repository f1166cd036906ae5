package ksqldb

import (
	"encoding/json"
	"testing"
)

// The reference pages "SHOW STREAMS" and "SHOW TABLES", their examples run
// as written. SHOW and LIST are one statement; the list has an entry per
// source of the kind, with the fields of ksqlDB's SourceInfo.Stream and
// SourceInfo.Table (ksqldb-rest-model, v7.9.0; a stream without key
// columns has key format NONE, query-validation-tests none.json), and
// EXTENDED answers a source description per source, as DESCRIBE ...
// EXTENDED does.
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/show-streams/
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/show-tables/

const showSources = `CREATE STREAM pageviews (viewtime BIGINT, userid VARCHAR) WITH (kafka_topic='pageviews', partitions=1, value_format='JSON');
CREATE TABLE users (id VARCHAR PRIMARY KEY, region VARCHAR) WITH (kafka_topic='users', partitions=1, value_format='JSON');
CREATE TABLE views_per_user AS SELECT userid, COUNT(*) AS n FROM pageviews WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY userid;`

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestDocsShowStreamsListsTheStreamsAndExtendedDescribesThem(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, showSources, nil)
	out := mustKSQL(t, url, `-- See the list of streams currently registered:
SHOW STREAMS;

-- See extended information about currently registered streams:
LIST STREAMS EXTENDED; `, nil)
	if len(out) != 2 || out[0]["@type"] != "streams" || out[1]["@type"] != "source_descriptions" {
		t.Fatalf("entities %v", out)
	}
	if got, want := jsonOf(t, out[0]["streams"]), `[{"isWindowed":false,"keyFormat":"KAFKA","name":"PAGEVIEWS","topic":"pageviews","type":"STREAM","valueFormat":"JSON"}]`; got != want {
		t.Errorf("SHOW STREAMS %s\nwant %s", got, want)
	}
	descs := out[1]["sourceDescriptions"].([]any)
	if len(descs) != 1 {
		t.Fatalf("LIST STREAMS EXTENDED: %v", descs)
	}
	d := descs[0].(map[string]any)
	if d["name"] != "PAGEVIEWS" || d["type"] != "STREAM" || d["extended"] != true || d["topic"] != "pageviews" || len(d["readQueries"].([]any)) != 1 {
		t.Errorf("PAGEVIEWS description %v", d)
	}
}

func TestDocsShowTablesListsTheTablesAndExtendedDescribesThem(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, showSources, nil)
	out := mustKSQL(t, url, `-- See the list of tables currently registered:
LIST TABLES;

-- See extended information about currently registered tables:
SHOW TABLES EXTENDED; `, nil)
	if len(out) != 2 || out[0]["@type"] != "tables" || out[1]["@type"] != "source_descriptions" {
		t.Fatalf("entities %v", out)
	}
	want := `[{"isWindowed":false,"keyFormat":"KAFKA","name":"USERS","topic":"users","type":"TABLE","valueFormat":"JSON"},` +
		`{"isWindowed":true,"keyFormat":"KAFKA","name":"VIEWS_PER_USER","topic":"VIEWS_PER_USER","type":"TABLE","valueFormat":"JSON"}]`
	if got := jsonOf(t, out[0]["tables"]); got != want {
		t.Errorf("LIST TABLES %s\nwant %s", got, want)
	}
	var names []string
	for _, d := range out[1]["sourceDescriptions"].([]any) {
		m := d.(map[string]any)
		if m["extended"] != true || m["type"] != "TABLE" {
			t.Errorf("description %v", m)
		}
		names = append(names, m["name"].(string))
	}
	if jsonOf(t, names) != `["USERS","VIEWS_PER_USER"]` {
		t.Errorf("SHOW TABLES EXTENDED names %v", names)
	}
}
