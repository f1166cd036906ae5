package connect

import (
	"strings"
	"testing"
)

// waitTaskFailed waits until task 0 of the connector is FAILED and returns
// its trace.
func waitTaskFailed(t *testing.T, wk *worker, name string) string {
	t.Helper()
	var trace string
	eventually(t, name+" task FAILED", func() string {
		var st connectorStateInfo
		r := wk.do(t, "GET", "/connectors/"+name+"/status", nil)
		r.json(t, &st)
		if len(st.Tasks) != 1 || st.Tasks[0].State != stateFailed {
			return string(r.body)
		}
		trace = st.Tasks[0].Trace
		return ""
	})
	return trace
}

// The offset columns as kafka-connect-jdbc 10.8.4 treats them: an empty
// incrementing.column.name is the table's auto-incrementing column
// (TimestampIncrementingTableQuerier.findDefaultAutoIncrementingColumn; a
// SERIAL column has a nextval() default), a column that is not in the
// table fails the task with JdbcSourceTask.validateColumnsExist's
// ConfigException, and a timestamp mode without timestamp columns fails
// validateNonNullable.
func TestIncrementingColumnDetectedWhenEmpty(t *testing.T) {
	b := startBroker(t)
	wk := startWorker(t, b)
	db := newTestDB(t, sharedPostgres(t))
	db.exec(t, `CREATE TABLE things (label TEXT NOT NULL, id SERIAL NOT NULL)`)
	db.exec(t, `INSERT INTO things (label) VALUES ('a'), ('b')`)
	cfg := referenceConfig(db)
	cfg["table.whitelist"] = "things"
	cfg["incrementing.column.name"] = ""
	cfg["topic.prefix"] = "auto."
	if r := wk.do(t, "POST", "/connectors", map[string]any{"name": "auto", "config": cfg}); r.code != 201 {
		t.Fatalf("POST = %d %s", r.code, r.body)
	}
	waitRecords(t, b, "auto.things", 2)
	waitLastOffset(t, b, `["auto",{"protocol":"1","table":"public.things"}]`, `{"incrementing":2}`)
}

func TestOffsetColumnErrorsFailTheTask(t *testing.T) {
	b := startBroker(t)
	wk := startWorker(t, b)
	db := newTestDB(t, sharedPostgres(t))
	db.exec(t, `CREATE TABLE things (id SERIAL PRIMARY KEY, label TEXT NOT NULL)`)

	cfg := referenceConfig(db)
	cfg["table.whitelist"] = "things"
	cfg["incrementing.column.name"] = "nope"
	if r := wk.do(t, "POST", "/connectors", map[string]any{"name": "nocol", "config": cfg}); r.code != 201 {
		t.Fatalf("POST = %d %s", r.code, r.body)
	}
	if got, want := waitTaskFailed(t, wk, "nocol"), `org.apache.kafka.common.config.ConfigException: Incrementing column: nope does not exist in table '"public"."things"'`; got != want {
		t.Errorf("trace = %q, want %q", got, want)
	}

	cfg = referenceConfig(db)
	cfg["table.whitelist"] = "things"
	cfg["mode"] = "timestamp"
	delete(cfg, "incrementing.column.name")
	if r := wk.do(t, "POST", "/connectors", map[string]any{"name": "nots", "config": cfg}); r.code != 201 {
		t.Fatalf("POST = %d %s", r.code, r.body)
	}
	want := `org.apache.kafka.connect.errors.ConnectException: Cannot make incremental queries using timestamp columns  on "public"."things" because all of these columns are nullable.`
	if got := waitTaskFailed(t, wk, "nots"); !strings.HasPrefix(got, want) {
		t.Errorf("trace = %q, want %q", got, want)
	}
}

// A table without an auto-incrementing column gets no criteria
// (TimestampIncrementingCriteria.whereClause with neither column): each
// poll copies it whole, and the offset map is empty.
func TestIncrementingWithoutAnyColumnCopiesWholeTable(t *testing.T) {
	b := startBroker(t)
	wk := startWorker(t, b)
	db := newTestDB(t, sharedPostgres(t))
	db.exec(t, `CREATE TABLE plain (n INTEGER NOT NULL)`)
	db.exec(t, `INSERT INTO plain VALUES (7)`)
	cfg := referenceConfig(db)
	cfg["table.whitelist"] = "plain"
	delete(cfg, "incrementing.column.name")
	cfg["topic.prefix"] = "plain."
	if r := wk.do(t, "POST", "/connectors", map[string]any{"name": "plain", "config": cfg}); r.code != 201 {
		t.Fatalf("POST = %d %s", r.code, r.body)
	}
	eventually(t, "repeated copies", func() string {
		recs := readTopic(t, b, "plain.plain")
		if len(recs) < 2 {
			return "fewer than 2 records"
		}
		for _, r := range recs {
			if string(r.Value) != `{"n":7}` {
				return string(r.Value)
			}
		}
		return ""
	})
	waitLastOffset(t, b, `["plain",{"protocol":"1","table":"public.plain"}]`, `{}`)
}
