package ksqldb

import (
	"encoding/json"
	"strings"
	"testing"
)

// pullErr posts a pull query with request properties and returns its
// status and error message.
func pullErr(t *testing.T, url, query string, props map[string]any) (int, string) {
	t.Helper()
	code, body := post(t, url, "/query", query, props)
	var e map[string]any
	_ = json.Unmarshal(body, &e)
	msg, _ := e["message"].(string)
	return code, msg
}

// countsByID materializes COUNTS (ID STRING KEY) over ids a, b, c and
// waits until a table scan sees them.
func countsByID(t *testing.T, keyType string, keys ...[]byte) string {
	t.Helper()
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM clicks (id `+keyType+` KEY, n INT) WITH (kafka_topic='clicks', value_format='JSON', partitions=1);
CREATE TABLE counts AS SELECT id, COUNT(*) AS c FROM clicks GROUP BY id;`, earliest())
	var kvs []kv
	for _, k := range keys {
		kvs = append(kvs, kv{k, []byte(`{"N":1}`)})
	}
	st.produce("clicks", kvs...)
	waitFor(t, func() bool {
		_, rows, _ := pullRows(t, url, "SELECT * FROM counts;")
		return len(rows) == len(keys)
	}, "COUNTS holds every key")
	return url
}

// With ksql.query.pull.table.scan.enabled=false a pull query on a table
// must pin its key: QueryFilterNode refuses what would need a table scan
// (rest-query-validation-tests pull-queries-against-materialized-aggregates.json
// "fail on unsupported query feature: ..." and pull-queries-with-range-scan.json
// "... must fail with table scan disabled").
func TestPullQueryWithoutTableScansMustPinTheKey(t *testing.T) {
	url := countsByID(t, "STRING", []byte("a"), []byte("b"), []byte("c"))
	noScan := map[string]any{"ksql.query.pull.table.scan.enabled": false}
	const help = ". See https://cnfl.io/queries for more info.\nAdd EMIT CHANGES if you intended to issue a push query.\nPull queries require a WHERE clause that:\n - includes a key equality expression, e.g. `SELECT * FROM X WHERE <key-column> = Y;`."
	for _, c := range []struct{ name, query, msg string }{
		{"a value column only", "SELECT * FROM counts WHERE c = 1;", "WHERE clause missing key column for disjunct: (C = 1)" + help},
		{"a key bound twice", "SELECT * FROM counts WHERE 'a' < id AND id < 'c';", "A comparison condition on the key column cannot be combined with other comparisons such as an IN predicate" + help},
		{"a key not equal", "SELECT * FROM counts WHERE id != 'a';", "Bound on key columns '[`ID` STRING KEY]' must currently be '='" + help},
		{"an expression of the key", "SELECT * FROM counts WHERE CONCAT(id, 'x') = 'ax';", "A comparison must directly reference a key column" + help},
		{"a key against a column", "SELECT * FROM counts WHERE id = CAST(c AS STRING);", "A comparison must be between a key column and a resolvable expression" + help},
		{"no WHERE", "SELECT * FROM counts;", "Query requires table scan to be enabled. Table scans can be enabled by setting ksql.query.pull.table.scan.enabled=true"},
		{"an OR of ranges", "SELECT * FROM counts WHERE id < 'b' OR id > 'b';", "Query requires table scan to be enabled. Table scans can be enabled by setting ksql.query.pull.table.scan.enabled=true"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, msg := pullErr(t, url, c.query, noScan)
			if code != 400 || !strings.HasPrefix(msg, c.msg) {
				t.Errorf("%d %q\nwant 400 %q", code, msg, c.msg)
			}
			if strings.Contains(c.msg, "Pull queries require") && !strings.HasSuffix(msg, "\nIf more flexible queries are needed, , table scans can be enabled by setting ksql.query.pull.table.scan.enabled=true.") {
				t.Errorf("message lacks the table scan hint: %q", msg)
			}
		})
	}
	t.Run("a key lookup and a STRING range scan still answer", func(t *testing.T) {
		code, body := post(t, url, "/query", "SELECT id, c FROM counts WHERE id = 'b' OR id = 'c';", noScan)
		if code != 200 || !strings.Contains(string(body), `["b",1]`) || !strings.Contains(string(body), `["c",1]`) {
			t.Errorf("lookup: %d %s", code, body)
		}
		code, body = post(t, url, "/query", "SELECT id, c FROM counts WHERE id >= 'b';", noScan)
		if code != 200 || strings.Contains(string(body), `["a",1]`) || !strings.Contains(string(body), `["c",1]`) {
			t.Errorf("range: %d %s", code, body)
		}
	})
	t.Run("a range scan is a table scan once range scans are disabled", func(t *testing.T) {
		code, msg := pullErr(t, url, "SELECT * FROM counts WHERE id >= 'b';", map[string]any{"ksql.query.pull.table.scan.enabled": false, "ksql.query.pull.range.scan.enabled": false})
		if code != 400 || !strings.HasPrefix(msg, "Query requires table scan to be enabled.") {
			t.Errorf("%d %q", code, msg)
		}
	})
}

// Whatever the switches, a key value must be a non-NULL value of the key's
// type: QueryFilterNode.resolveKey (pull-queries-against-materialized-aggregates.json
// "IN: fail on null key", "non-windowed IN lookup on wrong type").
func TestPullQueryKeyValuesMustFitTheKey(t *testing.T) {
	url := countsByID(t, "INT", intKey(1), intKey(2))
	for _, c := range []struct{ query, msg string }{
		{"SELECT * FROM counts WHERE id IN (NULL);", "Primary key columns can not be NULL: (ID = null)"},
		{"SELECT * FROM counts WHERE id IN ('1', 2);", "'1' can not be converted to the type of the key column: ID INTEGER KEY"},
	} {
		if code, msg := pullErr(t, url, c.query, nil); code != 400 || msg != c.msg {
			t.Errorf("%s: %d %q\nwant 400 %q", c.query, code, msg, c.msg)
		}
	}
}

// A LIMIT on a table scan keeps the first rows in the store's order: the
// serialized key's bytes, partition by partition (pull-queries-with-limit-clause.json
// "on CTAS"); a KAFKA INT key's bytes order 5 before 10 before 40.
func TestPullQueryLimitKeepsTheStoreOrder(t *testing.T) {
	url := countsByID(t, "INT", intKey(40), intKey(5), intKey(10))
	_, rows, _ := pullRows(t, url, "SELECT id FROM counts LIMIT 2;")
	if strings.Join(rows, " ") != "[5] [10]" {
		t.Errorf("LIMIT 2: %v, want [5] [10]", rows)
	}
}
