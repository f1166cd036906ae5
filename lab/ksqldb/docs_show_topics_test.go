package ksqldb

import (
	"strings"
	"testing"
)

// The reference page "SHOW TOPICS", its two examples run over REST on the
// sources its output implies: a pageviews stream and a users table made by
// an aggregating CTAS (CTAS_USERS), on a server with its processing log.
// Each topic is listed with one partition of one replica (replicaInfo, one
// entry per partition). SHOW TOPICS hides ksqlDB's internal topics; SHOW ALL
// TOPICS lists the command topic and the query's repartition and changelog
// topics as well. The page's query id CTAS_USERS_0 is the older numbering.
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/show-topics/
func TestDocsShowTopicsListsTheTopicsAndAllTopicsTheInternalOnes(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithProcessingLog())
	mustKSQL(t, url, `CREATE STREAM pageviews (viewtime BIGINT, userid VARCHAR, pageid VARCHAR) WITH (kafka_topic='pageviews', partitions=1, value_format='JSON');
CREATE TABLE users WITH (kafka_topic='users') AS SELECT userid, COUNT(*) AS n FROM pageviews GROUP BY userid;`, nil)
	id := queryWriting(t, url, "USERS")
	list := func(ksql string) string {
		var out []string
		for _, tp := range mustKSQL(t, url, ksql, nil)[0]["topics"].([]any) {
			m := tp.(map[string]any)
			out = append(out, m["name"].(string)+" "+jsonOf(t, m["replicaInfo"]))
		}
		return strings.Join(out, ", ")
	}
	if got, want := list("SHOW TOPICS;"), "default_ksql_processing_log [1], pageviews [1], users [1]"; got != want {
		t.Errorf("SHOW TOPICS: %s\nwant %s", got, want)
	}
	changelog := "_confluent-ksql-default_query_" + id + "-Aggregate-Aggregate-Materialize-changelog [1]"
	var all string
	waitFor(t, func() bool {
		all = list("SHOW ALL TOPICS;")
		return strings.Contains(all, changelog)
	}, "the query's changelog topic")
	for _, want := range []string{"_confluent-ksql-default__command_topic [1]",
		"_confluent-ksql-default_query_" + id + "-Aggregate-GroupBy-repartition [1]",
		"default_ksql_processing_log [1]", "pageviews [1]", "users [1]"} {
		if !strings.Contains(all, want) {
			t.Errorf("SHOW ALL TOPICS lacks %s: %s", want, all)
		}
	}
}
