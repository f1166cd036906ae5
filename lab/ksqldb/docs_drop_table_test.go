package ksqldb

import (
	"context"
	"testing"
)

// The reference page "DROP TABLE", grammar only:
// DROP TABLE [IF EXISTS] table_name [DELETE TOPIC]. Its promises, as for
// DROP STREAM: the table is dropped, and the query that writes it terminated; DELETE TOPIC
// deletes its topic; IF EXISTS makes a missing table no failure. Messages
// are DdlCommandExec's and DropSourceFactory's (confluentinc/ksql v7.9.0).
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/drop-table/
func TestDocsDropTableDropsItsTableAndDeletesItsTopic(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM pageviews (userid VARCHAR) WITH (kafka_topic='pageviews', partitions=1, value_format='JSON');
CREATE TABLE per_user AS SELECT userid, COUNT(*) AS n FROM pageviews GROUP BY userid;`, nil)
	id := queryWriting(t, url, "PER_USER")
	// dropping the table terminates the query that writes it
	// (EngineContext.maybeTerminateCreateAsQuery)
	if msg := commandMessage(t, mustKSQL(t, url, "DROP TABLE per_user DELETE TOPIC;", nil)); msg != "Source `PER_USER` (topic: PER_USER) was dropped." {
		t.Errorf("DROP TABLE ... DELETE TOPIC: %q", msg)
	}
	if ids := queryIDs(t, url); len(ids) != 0 {
		t.Errorf("queries after DROP TABLE: %v, want %s terminated", ids, id)
	}
	waitFor(t, func() bool {
		td, err := st.adm.ListTopics(context.Background(), "PER_USER")
		return err == nil && !td.Has("PER_USER")
	}, "topic PER_USER deleted")
	if tables := mustKSQL(t, url, "SHOW TABLES;", nil)[0]["tables"].([]any); len(tables) != 0 {
		t.Errorf("tables after DROP: %v", tables)
	}
	if msg := commandMessage(t, mustKSQL(t, url, "DROP TABLE IF EXISTS per_user;", nil)); msg != "Source `PER_USER` does not exist." {
		t.Errorf("IF EXISTS: %q", msg)
	}
	for ksql, want := range map[string]string{
		"DROP TABLE per_user;":  "Table PER_USER does not exist.",
		"DROP TABLE pageviews;": "Incompatible data source type is stream, but statement was DROP table",
	} {
		if code, e := stmtErr(t, url, ksql); code != 400 || e["message"] != want {
			t.Errorf("%s: %d %v, want %q", ksql, code, e["message"], want)
		}
	}
}
