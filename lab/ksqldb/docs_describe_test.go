package ksqldb

import (
	"strings"
	"testing"
)

// The reference pages "DESCRIBE" and "EXPLAIN", their examples run as
// written on IP_SUM, the table the DESCRIBE page's output shows, created
// from its statement over a CLICKSTREAM of four partitions. The page's CLI
// output is compared field by field with the REST entity: columns IP
// (primary key) and KBYTES BIGINT, type TABLE, no timestamp column, KAFKA
// keys and JSON values, topic IP_SUM with 4 partitions and replication 1,
// the writing query. The page's query id CTAS_IP_SUM is the older naming;
// ksqlDB 0.29 appends a sequence number (QueryIdUtil.buildId), so the
// EXPLAIN example as written names no query and is refused with
// ExplainExecutor's message.
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/describe/
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/explain/

const ipSumStatement = "CREATE TABLE IP_SUM as SELECT ip,  sum(bytes)/1024 as kbytes FROM CLICKSTREAM window SESSION (300 second) GROUP BY ip EMIT CHANGES;"

func checkIPSum(t *testing.T, d map[string]any, extended bool) {
	t.Helper()
	var fields []string
	for _, f := range d["fields"].([]any) {
		m := f.(map[string]any)
		s := m["name"].(string) + " " + m["schema"].(map[string]any)["type"].(string)
		if m["type"] == "KEY" {
			s += " KEY"
		}
		fields = append(fields, s)
	}
	if got := strings.Join(fields, ", "); got != "IP STRING KEY, KBYTES BIGINT" {
		t.Errorf("fields %s", got)
	}
	if d["name"] != "IP_SUM" || d["type"] != "TABLE" || d["timestamp"] != "" || d["keyFormat"] != "KAFKA" || d["valueFormat"] != "JSON" ||
		d["topic"] != "IP_SUM" || d["partitions"] != 4.0 || d["replication"] != 1.0 || d["extended"] != extended || d["statement"] != ipSumStatement {
		t.Errorf("description %v", d)
	}
	w := d["writeQueries"].([]any)
	if len(w) != 1 || !strings.HasPrefix(w[0].(map[string]any)["id"].(string), "CTAS_IP_SUM_") {
		t.Errorf("writeQueries %v", w)
	}
}

func TestDocsDescribeIPSum(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM CLICKSTREAM (ip VARCHAR, bytes BIGINT) WITH (kafka_topic='clickstream', partitions=4, value_format='JSON');\n"+ipSumStatement, nil)

	out := mustKSQL(t, url, "DESCRIBE ip_sum;", nil)
	checkIPSum(t, out[0]["sourceDescription"].(map[string]any), false)
	out = mustKSQL(t, url, "DESCRIBE ip_sum EXTENDED;", nil)
	checkIPSum(t, out[0]["sourceDescription"].(map[string]any), true)
	for _, c := range []struct {
		ksql     string
		extended bool
	}{{"DESCRIBE TABLES;", false}, {"DESCRIBE TABLES EXTENDED;", true}} {
		out = mustKSQL(t, url, c.ksql, nil)
		descs := out[0]["sourceDescriptions"].([]any)
		if out[0]["@type"] != "source_descriptions" || len(descs) != 1 {
			t.Fatalf("%s: %v", c.ksql, out)
		}
		checkIPSum(t, descs[0].(map[string]any), c.extended)
	}
}

func TestDocsExplainNamesTheQueryByItsID(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM CLICKSTREAM (ip VARCHAR, bytes BIGINT) WITH (kafka_topic='clickstream', partitions=4, value_format='JSON');\n"+ipSumStatement, nil)
	code, e := stmtErr(t, url, "EXPLAIN ctas_ip_sum;")
	if code != 400 || e["message"] != "Query with id:CTAS_IP_SUM does not exist, use SHOW QUERIES to view the full set of queries." {
		t.Errorf("EXPLAIN ctas_ip_sum: %d %v", code, e["message"])
	}
	id := queryWriting(t, url, "IP_SUM")
	out := mustKSQL(t, url, "EXPLAIN "+strings.ToLower(id)+";", nil)
	qd := out[0]["queryDescription"].(map[string]any)
	if out[0]["@type"] != "queryDescription" || qd["id"] != id || qd["statementText"] != ipSumStatement || qd["windowType"] != "SESSION" {
		t.Errorf("EXPLAIN %s: %v", id, out)
	}
}
