package ksqldb

import (
	"testing"
)

// A join of keyless streams keys its repartition topics in
// ksql.persistence.default.format.key as the statement that created the
// query set it, not in the server's default: JoinNode.resolveKeyFormats
// replaces the sources' NONE with the configured default key format
// (confluentinc/ksql v7.9.0 ksqldb-engine/.../planner/plan/JoinNode.java).
// query-validation-tests joins.json 'stream-stream value-to-value -
// keyless' sets DELIMITED and lists Join-left-repartition and
// Join-right-repartition with a DELIMITED key format.
func TestAJoinOfKeylessStreamsKeysItsRepartitionTopicsInTheStatementsDefaultKeyFormat(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	props := earliest()
	props["ksql.persistence.default.format.key"] = "DELIMITED"
	mustKSQL(t, url, `CREATE STREAM clicks (id INT, page INT) WITH (KAFKA_TOPIC='clicks', KEY_FORMAT='NONE', VALUE_FORMAT='JSON', PARTITIONS=1);
CREATE STREAM views (id INT, title STRING) WITH (KAFKA_TOPIC='views', KEY_FORMAT='NONE', VALUE_FORMAT='JSON', PARTITIONS=1);
CREATE STREAM clicked AS SELECT clicks.id, views.title FROM clicks LEFT OUTER JOIN views WITHIN 10 SECONDS ON clicks.id = views.id;`, props)
	qid := queryWriting(t, url, "CLICKED")
	st.produceJoin(joinRec{"clicks", 1000, nil, []byte(`{"ID":10,"PAGE":1}`)},
		joinRec{"views", 2000, nil, []byte(`{"ID":10,"TITLE":"home"}`)})
	for _, suffix := range []string{"-Join-left-repartition", "-Join-right-repartition"} {
		if rec := st.records(queryTopic(qid, suffix), 1)[0]; string(rec.Key) != "10" {
			t.Errorf("%s record keyed %q, want DELIMITED \"10\"", suffix, rec.Key)
		}
	}
	if out := st.records("CLICKED", 1)[0]; string(out.Key) != "10" {
		t.Errorf("CLICKED record keyed %q, want DELIMITED \"10\"", out.Key)
	}
}
