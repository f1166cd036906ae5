package ksqldb

import (
	"fmt"
	"net/http"
	"testing"
)

// Two sources of one topic in one join. Kafka Streams 3.9 merges the
// source nodes of streams subscribed to the same topic
// (InternalStreamsBuilder.mergeDuplicateSourceNodes, StreamSourceNode.
// merge), so a join of two streams over one topic builds; a table's source
// (StreamsBuilder.table, which ksqlDB's SourceBuilder.buildKTable calls) is
// a TableSourceNode that is not merged, and InternalTopologyBuilder.
// validateTopicNotAlreadyRegistered throws the TopologyException "Invalid
// topology: Topic <topic> has already been registered by another source."
// when the second source of the topic is added. ksqlDB 0.29 builds a
// persistent query's topology when it validates the statement in its
// sandbox (ValidatedCommandFactory executes the plan;
// QueryBuilder.buildPersistentQueryInDedicatedRuntime calls
// StreamsBuilder.build), after its injectors made the sink topic, and
// nothing on the way catches the exception, so KsqlResource answers it as a
// server error (Errors.serverErrorForStatement: 500, statement_error
// 50000, ErrorMessageUtil's text of the exception). The analyzer's self
// join refusal compares source names only (Analyzer: "self joins are not
// yet supported"), so it does not apply.
const oneTopicSources = `CREATE STREAM s (id INT KEY, v STRING) WITH (KAFKA_TOPIC='t', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE STREAM s2 (id INT KEY, v STRING) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON');
CREATE TABLE tt (id INT PRIMARY KEY, v STRING) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON');
CREATE TABLE t2 (id INT PRIMARY KEY, v STRING) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON');
CREATE STREAM sink (id INT KEY, s_v STRING, tt_v STRING) WITH (KAFKA_TOPIC='sink', PARTITIONS=1, VALUE_FORMAT='JSON');`

func TestAJoinOfATableWithAnotherSourceOfItsTopicIsRefusedAsKafkaStreamsRefusesTheTopology(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, oneTopicSources, nil)
	const msg = "Invalid topology: Topic t has already been registered by another source."
	for _, stmt := range []string{
		"CREATE STREAM x AS SELECT * FROM s JOIN tt ON s.id = tt.id;",
		"CREATE TABLE y AS SELECT * FROM tt JOIN t2 ON tt.id = t2.id;",
		"INSERT INTO sink SELECT s.id AS id, s.v AS s_v, tt.v AS tt_v FROM s LEFT JOIN tt ON s.id = tt.id;",
	} {
		r := do(t, http.DefaultClient, http.MethodPost, url+"/ksql", `{"ksql":"`+stmt+`"}`, nil)
		want := `{"@type":"statement_error","error_code":50000,"message":"` + msg + `","statementText":"` + stmt + `","entities":[]}`
		if r.code != 500 || string(r.body) != want {
			t.Errorf("%s\n got %d %s\nwant 500 %s", stmt, r.code, r.body, want)
		}
	}
	if qs := mustKSQL(t, url, "SHOW QUERIES;", nil); len(qs) != 1 || fmt.Sprint(qs[0]["queries"]) != "[]" {
		t.Errorf("a refused join left a query: %v", qs)
	}
	// two streams of one topic share their source node: the join builds
	r := do(t, http.DefaultClient, http.MethodPost, url+"/ksql", `{"ksql":"CREATE STREAM z AS SELECT * FROM s JOIN s2 WITHIN 1 HOUR ON s.id = s2.id;"}`, nil)
	if r.code != 200 {
		t.Errorf("a join of two streams of one topic: %d %s", r.code, r.body)
	}
}
