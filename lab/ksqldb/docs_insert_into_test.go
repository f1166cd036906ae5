package ksqldb

import (
	"strings"
	"testing"
)

// The reference page "INSERT INTO", which shows the statement's grammar
// and no example: the specs run statements of that grammar and check what
// the page promises. The rows of a stream two queries write are those of
// both sources; QUERY_ID names the query, in upper case, for SHOW QUERIES
// and TERMINATE; a query whose schema differs from the stream's is
// refused; a table is no target.
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/insert-into/

const insertIntoSources = `CREATE STREAM online_orders (id INT KEY, item VARCHAR) WITH (kafka_topic='online', partitions=1, value_format='JSON');
CREATE STREAM shop_orders (id INT KEY, item VARCHAR) WITH (kafka_topic='shop', partitions=1, value_format='JSON');
CREATE STREAM all_orders AS SELECT * FROM online_orders EMIT CHANGES;`

// INSERT INTO streams a second source into an existing stream and its topic.
func TestDocsInsertIntoAddsASecondSourcesRowsToTheStream(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, insertIntoSources, earliest())
	out := mustKSQL(t, url, "INSERT INTO all_orders SELECT * FROM shop_orders EMIT CHANGES;", earliest())
	if msg := commandMessage(t, out); !strings.HasPrefix(msg, "Created query with ID INSERTQUERY_") {
		t.Errorf("message %q, want the default INSERTQUERY_ prefix", msg)
	}
	mustKSQL(t, url, `INSERT INTO online_orders (id, item) VALUES (1, 'book');
INSERT INTO shop_orders (id, item) VALUES (2, 'lamp');`, nil)
	var got []string
	for _, r := range st.consumeRecords("ALL_ORDERS", 2) {
		got = append(got, string(r.Value))
	}
	if strings.Join(got, " ") != `{"ITEM":"book"} {"ITEM":"lamp"}` && strings.Join(got, " ") != `{"ITEM":"lamp"} {"ITEM":"book"}` {
		t.Errorf("ALL_ORDERS values %v, want book and lamp", got)
	}
}

// QUERY_ID: the page's one property. SHOW QUERIES lists the id in upper
// case and TERMINATE takes it in any case. Ids ksqlDB refuses
// (QueryIdUtil.validateWithQueryId, EngineExecutor) are refused with its
// messages, as is another property (InsertIntoConfigs has only QUERY_ID).
func TestDocsInsertIntoQueryIDNamesTheQuery(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, insertIntoSources, earliest())
	out := mustKSQL(t, url, "INSERT INTO all_orders WITH (QUERY_ID='shop_feed') SELECT * FROM shop_orders EMIT CHANGES;", earliest())
	if msg := commandMessage(t, out); msg != "Created query with ID SHOP_FEED" {
		t.Errorf("message %q", msg)
	}
	var ids []string
	for _, q := range mustKSQL(t, url, "SHOW QUERIES;", nil)[0]["queries"].([]any) {
		ids = append(ids, q.(map[string]any)["id"].(string))
	}
	if !strings.Contains(strings.Join(ids, " "), "SHOP_FEED") {
		t.Errorf("SHOW QUERIES ids %v lack SHOP_FEED", ids)
	}
	for ksql, want := range map[string]string{
		"INSERT INTO all_orders WITH (QUERY_ID='Shop_Feed') SELECT * FROM shop_orders EMIT CHANGES;":                                                                         "Query ID 'SHOP_FEED' already exists.",
		"INSERT INTO all_orders WITH (QUERY_ID='ctas_mine') SELECT * FROM shop_orders EMIT CHANGES;":                                                                         "Query IDs must not start with a reserved query ID prefix (INSERTQUERY_, CTAS_, CSAS_, CST_). Got 'CTAS_MINE'.",
		"INSERT INTO all_orders WITH (QUERY_ID='shop-feed') SELECT * FROM shop_orders EMIT CHANGES;":                                                                         "Query IDs may contain only alphanumeric characters and '_'. Got: 'SHOP-FEED'",
		"INSERT INTO all_orders WITH (KAFKA_TOPIC='other') SELECT * FROM shop_orders EMIT CHANGES;":                                                                          "Invalid config variable(s) in the WITH clause: KAFKA_TOPIC",
		"INSERT INTO all_orders SELECT id, item, 1 AS extra FROM shop_orders EMIT CHANGES;":                                                                                  "Incompatible schema between results and sink.",
		"CREATE TABLE t (id INT PRIMARY KEY, item VARCHAR) WITH (kafka_topic='t', partitions=1, value_format='JSON'); INSERT INTO t SELECT * FROM shop_orders EMIT CHANGES;": "INSERT INTO can only be used to insert into a stream. T is a table.",
	} {
		code, e := stmtErr(t, url, ksql)
		if msg, _ := e["message"].(string); code != 400 || !strings.Contains(msg, want) {
			t.Errorf("%s\n got %d %q\nwant %q", ksql, code, msg, want)
		}
	}
	if msg := commandMessage(t, mustKSQL(t, url, "TERMINATE shop_feed;", nil)); msg != "Query terminated." {
		t.Errorf("TERMINATE shop_feed: %q", msg)
	}
}
