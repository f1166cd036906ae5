package ksqldb

import (
	"fmt"
	"testing"
)

// The topology of a source table's query is the table source ksqlDB reads
// for any table (KTABLE-SOURCE, KsqlTopic-Reduce, the pseudo-column
// transform) then the Project step, with no KTABLE-TOSTREAM and no sink:
// EngineExecutor.sourceTablePlan plans "SELECT <value columns> FROM
// <table> EMIT CHANGES" without a sink, and TableSelectBuilder names the
// projection Project without a store when its input is materialized. The
// nodes up to Project are those of
// ksqldb-functional-tests/src/test/resources/historical_plans/source-table_-_create_source_table/7.1.0_1633126021270/topology,
// whose CTAS reads the same table; a processor with no successor prints
// "--> none" (apache/kafka TopologyDescription). QueryDescriptionFactory
// gives a query without a sink no sinks and no window type. All in
// confluentinc/ksql v7.9.0.
func TestExplainOfSourceTableQueryDescribesItsMaterialization(t *testing.T) {
	st := newStack(t)
	st.createTopic("test_topic", 1)
	_, url := st.serve()
	create := "CREATE SOURCE TABLE INPUT (K INTEGER PRIMARY KEY, TEXT STRING) WITH (KAFKA_TOPIC='test_topic', KEY_FORMAT='KAFKA', VALUE_FORMAT='DELIMITED');"
	resp := mustKSQL(t, url, create, nil)
	qid := fmt.Sprintf("CST_INPUT_%v", resp[0]["commandSequenceNumber"])

	d := mustKSQL(t, url, "EXPLAIN "+qid+";", nil)[0]["queryDescription"].(map[string]any)
	topo := "Topologies:\n" +
		"   Sub-topology: 0\n" +
		"    Source: KSTREAM-SOURCE-0000000001 (topics: [test_topic])\n" +
		"      --> KTABLE-SOURCE-0000000002\n" +
		"    Processor: KTABLE-SOURCE-0000000002 (stores: [])\n" +
		"      --> KTABLE-TRANSFORMVALUES-0000000003\n" +
		"      <-- KSTREAM-SOURCE-0000000001\n" +
		"    Processor: KTABLE-TRANSFORMVALUES-0000000003 (stores: [KsqlTopic-Reduce])\n" +
		"      --> KTABLE-TRANSFORMVALUES-0000000004\n" +
		"      <-- KTABLE-SOURCE-0000000002\n" +
		"    Processor: KTABLE-TRANSFORMVALUES-0000000004 (stores: [])\n" +
		"      --> Project\n" +
		"      <-- KTABLE-TRANSFORMVALUES-0000000003\n" +
		"    Processor: Project (stores: [])\n" +
		"      --> none\n" +
		"      <-- KTABLE-TRANSFORMVALUES-0000000004\n\n"
	// PlanSummary over the plan.json steps tableSelectV1 (Project) and
	// tableSourceV2 (KsqlTopic/Source)
	plan := " > [ PROJECT ] | Schema: K INTEGER KEY, TEXT STRING | Logger: " + qid + ".Project\n" +
		"\t\t > [ SOURCE ] | Schema: K INTEGER KEY, TEXT STRING, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, K INTEGER | Logger: " + qid + ".KsqlTopic.Source\n"
	if d["topology"] != topo {
		t.Errorf("topology:\n%s\nwant\n%s", d["topology"], topo)
	}
	if d["executionPlan"] != plan {
		t.Errorf("executionPlan:\n%q\nwant\n%q", d["executionPlan"], plan)
	}
	if d["id"] != qid || d["statementText"] != create || d["windowType"] != nil || d["queryType"] != "PERSISTENT" {
		t.Errorf("id/statementText/windowType/queryType: %v %v %v %v", d["id"], d["statementText"], d["windowType"], d["queryType"])
	}
	src, snk := d["sources"].([]any), d["sinks"].([]any)
	if len(src) != 1 || src[0] != "INPUT" || len(snk) != 0 {
		t.Errorf("sources %v sinks %v", src, snk)
	}
	fields := d["fields"].([]any)
	if len(fields) != 2 || fields[0].(map[string]any)["name"] != "K" || fields[0].(map[string]any)["type"] != "KEY" ||
		fields[1].(map[string]any)["name"] != "TEXT" {
		t.Errorf("fields: %v", fields)
	}
}

// SHOW QUERIES EXTENDED describes every persistent query, a source table's
// among them (ListQueriesExecutor lists all of the engine's persistent
// queries, confluentinc/ksql v7.9.0).
func TestShowQueriesExtendedIncludesSourceTableQuery(t *testing.T) {
	st := newStack(t)
	st.createTopic("test_topic", 1)
	_, url := st.serve()
	resp := mustKSQL(t, url, "CREATE SOURCE TABLE INPUT (K INTEGER PRIMARY KEY, TEXT STRING) WITH (KAFKA_TOPIC='test_topic', VALUE_FORMAT='JSON');", nil)
	cst := fmt.Sprintf("CST_INPUT_%v", resp[0]["commandSequenceNumber"])
	mustKSQL(t, url, "CREATE TABLE OUTPUT AS SELECT * FROM INPUT EMIT CHANGES;", nil)

	ent := mustKSQL(t, url, "SHOW QUERIES EXTENDED;", nil)[0]
	ids := map[string]bool{}
	for _, d := range ent["queryDescriptions"].([]any) {
		ids[d.(map[string]any)["id"].(string)] = true
	}
	if len(ids) != 2 || !ids[cst] || !ids[queryWriting(t, url, "OUTPUT")] {
		t.Errorf("query ids: %v", ids)
	}
}
