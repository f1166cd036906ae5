package ksqldb

import (
	"strings"
	"testing"
)

// A push query on a windowed table shows a deleted window's row as a
// tombstone that keeps the key and the window bounds, only the value
// columns being null (rest-query-validation-tests push-queries.json
// "windowed table with tombstones": [11, 0, 1000, null]; "... - only window
// bounds in projection": [null, 0, 1000]).
func TestPushQueryWindowedTombstoneKeepsItsWindow(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM moves (k INT KEY, v INT) WITH (kafka_topic='moves', value_format='JSON', partitions=1);
CREATE TABLE totals AS SELECT SUM(v) AS total, k FROM moves WINDOW TUMBLING (SIZE 1 SECOND) GROUP BY k HAVING SUM(v) > 0;`, earliest())
	st.produceAt("moves", intKey(7), []byte(`{"V":4}`), 10)
	st.produceAt("moves", intKey(7), []byte(`{"V":-9}`), 20)
	st.produceAt("moves", intKey(7), []byte(`{"V":8}`), 30)
	for _, c := range []struct{ query, want string }{
		{"SELECT * FROM totals EMIT CHANGES LIMIT 3;", `[7,0,1000,4] [7,0,1000,null] [7,0,1000,3]`},
		{"SELECT total, windowstart, windowend FROM totals EMIT CHANGES LIMIT 3;", `[4,0,1000] [null,0,1000] [3,0,1000]`},
	} {
		if _, rows := rawPushRows(t, url, c.query, 3); strings.Join(rows, " ") != c.want {
			t.Errorf("%s\n got %v\nwant %s", c.query, rows, c.want)
		}
	}
}
