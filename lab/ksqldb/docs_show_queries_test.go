package ksqldb

import (
	"regexp"
	"strings"
	"testing"
)

// The reference page "SHOW QUERIES", its CLI examples run over REST on the
// query its output lists, a copy of the processing log (so the server runs
// with its processing log stream). Compared with the page's output: the
// query's type, state, sink and topic; EXTENDED's sources, sinks, the
// first fields of the processing log's schema, the plan's SINK, PROJECT and
// SOURCE nodes with their loggers, and the processing topology, which the
// page shows in full. The page's MESSAGE struct is an older one (0.29's
// has more error kinds), and its id CSAS_TEST_0 the older numbering.
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/show-queries/

const processingLogTopology = `Topologies:
   Sub-topology: 0
    Source: KSTREAM-SOURCE-0000000000 (topics: [default_ksql_processing_log])
      --> KSTREAM-TRANSFORMVALUES-0000000001
    Processor: KSTREAM-TRANSFORMVALUES-0000000001 (stores: [])
      --> Project
      <-- KSTREAM-SOURCE-0000000000
    Processor: Project (stores: [])
      --> KSTREAM-SINK-0000000003
      <-- KSTREAM-TRANSFORMVALUES-0000000001
    Sink: KSTREAM-SINK-0000000003 (topic: TEST)
      <-- Project`

func TestDocsShowQueriesOfACopyOfTheProcessingLog(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithProcessingLog())
	const stmt = "CREATE STREAM TEST WITH (KAFKA_TOPIC='TEST', PARTITIONS=1, REPLICAS=1) AS SELECT *FROM KSQL_PROCESSING_LOG KSQL_PROCESSING_LOG EMIT CHANGES;"
	mustKSQL(t, url, stmt, nil)

	qs := mustKSQL(t, url, "show queries;", nil)[0]["queries"].([]any)
	if len(qs) != 1 {
		t.Fatalf("queries %v", qs)
	}
	q := qs[0].(map[string]any)
	id, _ := q["id"].(string)
	if !strings.HasPrefix(id, "CSAS_TEST_") || q["queryType"] != "PERSISTENT" || q["state"] != "RUNNING" ||
		jsonOf(t, q["statusCount"]) != `{"RUNNING":1}` || jsonOf(t, q["sinks"]) != `["TEST"]` || jsonOf(t, q["sinkKafkaTopics"]) != `["TEST"]` || q["queryString"] != stmt {
		t.Errorf("show queries: %v", q)
	}

	ds := mustKSQL(t, url, "show queries extended;", nil)[0]["queryDescriptions"].([]any)
	if len(ds) != 1 {
		t.Fatalf("query descriptions %v", ds)
	}
	d := ds[0].(map[string]any)
	if d["id"] != id || jsonOf(t, d["sources"]) != `["KSQL_PROCESSING_LOG"]` || jsonOf(t, d["sinks"]) != `["TEST"]` || d["statementText"] != stmt {
		t.Errorf("description %v", d)
	}
	var fields []string
	for _, f := range d["fields"].([]any) {
		m := f.(map[string]any)
		fields = append(fields, m["name"].(string)+" "+m["schema"].(map[string]any)["type"].(string))
	}
	if got := strings.Join(fields, ", "); got != "LOGGER STRING, LEVEL STRING, TIME BIGINT, MESSAGE STRUCT" {
		t.Errorf("fields %s", got)
	}
	nodes := regexp.MustCompile(`> \[ (\w+) \] \| Schema: [^|]*\| Logger: (\S+)`).FindAllStringSubmatch(d["executionPlan"].(string), -1)
	var plan []string
	for _, n := range nodes {
		plan = append(plan, n[1]+" "+n[2])
	}
	if want := "SINK " + id + ".TEST, PROJECT " + id + ".Project, SOURCE " + id + ".KsqlTopic.Source"; strings.Join(plan, ", ") != want {
		t.Errorf("plan %v\nwant %s", plan, want)
	}
	if topo := strings.TrimRight(d["topology"].(string), "\n"); topo != processingLogTopology {
		t.Errorf("topology\n%s\nwant\n%s", topo, processingLogTopology)
	}
}
