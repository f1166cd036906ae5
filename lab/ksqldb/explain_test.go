package ksqldb

import (
	"testing"
)

// EXPLAIN <query id> answers a queryDescription whose executionPlan and
// topology are what ksqlDB 0.29 prints for a stream query that filters and
// projects: expected text written by hand from
// docs/developer-guide/ksqldb-reference/show-queries.md (SINK / PROJECT /
// SOURCE lines, pseudo columns then key copies in the SOURCE schema),
// ksqldb-engine/.../planner/plan/PlanSummary.java (two tabs per level) and
// ksqldb-functional-tests/.../historical_plans/project-filter_-_CSAS_with_custom_Kafka_topic_name/7.1.0_1633126017028/topology
// (WhereFilter between KSTREAM-TRANSFORMVALUES and Project), all in
// confluentinc/ksql; https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/explain/
func TestExplainQueryIDDescribesPlanAndTopology(t *testing.T) {
	st := newStack(t)
	st.createTopic("trains", 1)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM trains (id INT KEY, line VARCHAR, delay DOUBLE) WITH (KAFKA_TOPIC='trains', VALUE_FORMAT='JSON');", nil)
	create := "CREATE STREAM late WITH (KAFKA_TOPIC='late_trains') AS SELECT id, line FROM trains WHERE delay > 5 EMIT CHANGES;"
	mustKSQL(t, url, create, nil)
	qid := queryWriting(t, url, "LATE")

	ent := mustKSQL(t, url, "EXPLAIN "+qid+";", nil)[0]
	if ent["@type"] != "queryDescription" {
		t.Fatalf("entity: %v", ent)
	}
	d := ent["queryDescription"].(map[string]any)
	plan := " > [ SINK ] | Schema: ID INTEGER KEY, LINE STRING | Logger: " + qid + ".LATE\n" +
		"\t\t > [ PROJECT ] | Schema: ID INTEGER KEY, LINE STRING | Logger: " + qid + ".Project\n" +
		"\t\t\t\t > [ FILTER ] | Schema: ID INTEGER KEY, LINE STRING, DELAY DOUBLE, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID INTEGER | Logger: " + qid + ".WhereFilter\n" +
		"\t\t\t\t\t\t > [ SOURCE ] | Schema: ID INTEGER KEY, LINE STRING, DELAY DOUBLE, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID INTEGER | Logger: " + qid + ".KsqlTopic.Source\n"
	topo := "Topologies:\n" +
		"   Sub-topology: 0\n" +
		"    Source: KSTREAM-SOURCE-0000000000 (topics: [trains])\n" +
		"      --> KSTREAM-TRANSFORMVALUES-0000000001\n" +
		"    Processor: KSTREAM-TRANSFORMVALUES-0000000001 (stores: [])\n" +
		"      --> WhereFilter\n" +
		"      <-- KSTREAM-SOURCE-0000000000\n" +
		"    Processor: WhereFilter (stores: [])\n" +
		"      --> Project\n" +
		"      <-- KSTREAM-TRANSFORMVALUES-0000000001\n" +
		"    Processor: Project (stores: [])\n" +
		"      --> KSTREAM-SINK-0000000004\n" +
		"      <-- WhereFilter\n" +
		"    Sink: KSTREAM-SINK-0000000004 (topic: late_trains)\n" +
		"      <-- Project\n\n"
	if d["id"] != qid || d["statementText"] != create || d["queryType"] != "PERSISTENT" {
		t.Errorf("id/statementText/queryType: %v %v %v", d["id"], d["statementText"], d["queryType"])
	}
	if d["executionPlan"] != plan {
		t.Errorf("executionPlan:\n%q\nwant\n%q", d["executionPlan"], plan)
	}
	if d["topology"] != topo {
		t.Errorf("topology:\n%s\nwant\n%s", d["topology"], topo)
	}
	src, snk := d["sources"].([]any), d["sinks"].([]any)
	if len(src) != 1 || src[0] != "TRAINS" || len(snk) != 1 || snk[0] != "LATE" {
		t.Errorf("sources %v sinks %v", src, snk)
	}
	fields := d["fields"].([]any)
	if len(fields) != 2 || fields[0].(map[string]any)["name"] != "ID" || fields[0].(map[string]any)["type"] != "KEY" ||
		fields[1].(map[string]any)["name"] != "LINE" {
		t.Errorf("fields: %v", fields)
	}

	code, e := stmtErr(t, url, "EXPLAIN CSAS_NOPE_9;")
	if code != 400 || e["message"] != "Query with id:CSAS_NOPE_9 does not exist, use SHOW QUERIES to view the full set of queries." {
		t.Errorf("EXPLAIN unknown id: %d %v", code, e)
	}
}

// SHOW QUERIES EXTENDED answers query_descriptions, one per persistent
// query, each as EXPLAIN describes it (ListQueriesExecutor,
// QueryDescriptionList in confluentinc/ksql);
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/show-queries/
func TestShowQueriesExtendedListsQueryDescriptions(t *testing.T) {
	st := newStack(t)
	st.createTopic("trains", 1)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM trains (id INT KEY, line VARCHAR) WITH (KAFKA_TOPIC='trains', VALUE_FORMAT='JSON');"+
		"CREATE STREAM reds AS SELECT * FROM trains WHERE line = 'red' EMIT CHANGES;"+
		"CREATE STREAM ids AS SELECT id, line AS l FROM trains EMIT CHANGES;", nil)
	ent := mustKSQL(t, url, "SHOW QUERIES EXTENDED;", nil)[0]
	if ent["@type"] != "query_descriptions" {
		t.Fatalf("entity: %v", ent)
	}
	descs := ent["queryDescriptions"].([]any)
	sinks := map[string]string{}
	for _, d := range descs {
		dm := d.(map[string]any)
		sinks[dm["sinks"].([]any)[0].(string)] = dm["executionPlan"].(string)
	}
	if len(descs) != 2 || !contains(sinks["REDS"], "[ FILTER ]") || contains(sinks["IDS"], "[ FILTER ]") || !contains(sinks["IDS"], "[ PROJECT ] | Schema: ID INTEGER KEY, L STRING |") {
		t.Errorf("descriptions: %v", descs)
	}
}
