package ksqldb

import (
	"slices"
	"testing"
)

// What DROP STREAM and DROP TABLE refuse, and what they stop, in ksqlDB
// 7.9 (confluentinc/ksql v7.9.0):
//   - a source that streams or tables created AS SELECT read from cannot be
//     dropped until those are dropped: the metastore keeps a drop constraint
//     per reference (MetaStoreImpl.addSourceReferences, deleteSource), and
//     terminating their queries does not lift it;
//   - a source INSERT INTO queries read or write cannot be dropped until
//     those queries are terminated (EngineContext.throwIfInsertQueriesExist);
//   - dropping the sink of a CREATE ... AS SELECT terminates its query
//     (EngineContext.maybeTerminateCreateAsQuery).
// ksqldb-engine's KsqlEngineTest pins each (shouldDropStreamAndTerminateQuery,
// shouldFailDropStreamWhenMultipleStreamsAreReadingTheTable,
// shouldFailDropStreamWhenAnInsertQueryIsWritingTheStream, ...).

const dropBase = `CREATE STREAM test1 (id INT KEY, v VARCHAR) WITH (kafka_topic='test1', partitions=1, value_format='JSON');
CREATE TABLE test2 (id INT PRIMARY KEY, v VARCHAR) WITH (kafka_topic='test2', partitions=1, value_format='JSON');
`

func queryIDSet(t *testing.T, url string) []string {
	t.Helper()
	ids := queryIDs(t, url)
	slices.Sort(ids)
	return ids
}

func TestDroppingTheSinkOfACreateAsSelectTerminatesItsQuery(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, dropBase+`CREATE STREAM foo AS SELECT * FROM test1;
CREATE STREAM bar AS SELECT * FROM foo;
CREATE TABLE tfoo AS SELECT * FROM test2;
CREATE TABLE tbar AS SELECT * FROM tfoo;`, nil)
	fooQuery, tfooQuery := queryWriting(t, url, "FOO"), queryWriting(t, url, "TFOO")
	for _, c := range []struct{ stmt, want string }{
		{"DROP STREAM bar;", "Source `BAR` (topic: BAR) was dropped."},
		{"DROP TABLE tbar;", "Source `TBAR` (topic: TBAR) was dropped."},
	} {
		if msg := commandMessage(t, mustKSQL(t, url, c.stmt, nil)); msg != c.want {
			t.Errorf("%s: %q, want %q", c.stmt, msg, c.want)
		}
	}
	want := []string{fooQuery, tfooQuery}
	slices.Sort(want)
	if got := queryIDSet(t, url); !slices.Equal(got, want) {
		t.Errorf("queries after dropping BAR and TBAR: %v, want only %v", got, want)
	}
	// the dropped sinks' names are free again
	mustKSQL(t, url, "CREATE STREAM bar AS SELECT * FROM foo;", nil)
}

func TestASourceThatOthersReadCannotBeDroppedBeforeThem(t *testing.T) {
	st := newStack(t)
	srv, url := st.serve()
	mustKSQL(t, url, dropBase+`CREATE STREAM bar AS SELECT * FROM test1;
CREATE STREAM foo2 AS SELECT * FROM bar;
CREATE STREAM foo AS SELECT * FROM bar;`, nil)
	want := "Cannot drop BAR.\nThe following streams and/or tables read from this source: [FOO, FOO2].\nYou need to drop them before dropping BAR."
	refused := func(when string) {
		t.Helper()
		code, e := stmtErr(t, url, "DROP STREAM bar;")
		if code != 400 || e["@type"] != "statement_error" || e["error_code"] != 40001.0 || e["message"] != want {
			t.Errorf("DROP STREAM bar %s: %d %v\nwant 400 statement_error 40001 %q", when, code, e, want)
		}
	}
	refused("while FOO and FOO2 read it")
	desc := mustKSQL(t, url, "DESCRIBE bar;", nil)[0]["sourceDescription"].(map[string]any)
	if got := desc["sourceConstraints"]; !slices.Equal(anyStrings(got), []string{"FOO", "FOO2"}) {
		t.Errorf("DESCRIBE bar sourceConstraints: %v, want [FOO FOO2]", got)
	}

	// terminating the readers' queries leaves the constraint: it is the
	// streams that reference BAR
	mustKSQL(t, url, "TERMINATE "+queryWriting(t, url, "FOO")+";", nil)
	refused("after FOO's query was terminated")

	// it outlives a restart (the command topic is read again)
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	_, url = st.serve()
	refused("after a restart")

	mustKSQL(t, url, "DROP STREAM foo;", nil)
	want = "Cannot drop BAR.\nThe following streams and/or tables read from this source: [FOO2].\nYou need to drop them before dropping BAR."
	refused("while FOO2 reads it")
	mustKSQL(t, url, "DROP STREAM foo2;", nil)
	if msg := commandMessage(t, mustKSQL(t, url, "DROP STREAM bar;", nil)); msg != "Source `BAR` (topic: BAR) was dropped." {
		t.Errorf("DROP STREAM bar when nothing reads it: %q", msg)
	}
	if ids := queryIDs(t, url); len(ids) != 0 {
		t.Errorf("queries left: %v", ids)
	}
}

func TestASourceThatInsertQueriesUseCannotBeDroppedBeforeTheyAreTerminated(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, dropBase+`CREATE STREAM bar AS SELECT * FROM test1;
CREATE STREAM foo AS SELECT * FROM test1;
CREATE STREAM foo2 AS SELECT * FROM test1;
INSERT INTO foo SELECT * FROM bar;
INSERT INTO foo2 SELECT * FROM bar;
INSERT INTO bar SELECT * FROM foo;
INSERT INTO bar SELECT * FROM foo2;`, nil)
	var inserts []string
	for _, id := range queryIDSet(t, url) {
		if len(id) > 12 && id[:12] == "INSERTQUERY_" {
			inserts = append(inserts, id)
		}
	}
	if len(inserts) != 4 {
		t.Fatalf("insert queries: %v", inserts)
	}
	// the INSERT queries in the order they were created (ids 5 to 8,
	// sorted as strings): the first two read BAR, the last two write it
	code, e := stmtErr(t, url, "DROP STREAM bar;")
	want := "Cannot drop BAR.\nThe following queries read from this source: [" + inserts[0] + ", " + inserts[1] + "].\n" +
		"The following queries write into this source: [" + inserts[2] + ", " + inserts[3] + "].\nYou need to terminate them before dropping BAR."
	if code != 400 || e["message"] != want {
		t.Errorf("DROP STREAM bar: %d %v\nwant %q", code, e, want)
	}
	for _, id := range inserts {
		mustKSQL(t, url, "TERMINATE "+id+";", nil)
	}
	// FOO and FOO2 were not created from BAR: nothing else holds it
	if msg := commandMessage(t, mustKSQL(t, url, "DROP STREAM bar;", nil)); msg != "Source `BAR` (topic: BAR) was dropped." {
		t.Errorf("DROP STREAM bar after its INSERT queries were terminated: %q", msg)
	}
}

func anyStrings(v any) []string {
	var out []string
	for _, s := range v.([]any) {
		out = append(out, s.(string))
	}
	return out
}
