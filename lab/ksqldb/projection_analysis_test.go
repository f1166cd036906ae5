package ksqldb

import (
	"testing"
)

// A persistent query's projection is refused as ksqlDB's planner refuses
// it, with its messages (query-validation-tests project-filter.json "key in
// projection more than once", "projection with missing multi-key column";
// group-by.json "single expression - key in projection more than once",
// "multiple expressions - all keys missing from projection", "with key
// alias that clashes with value alias", "non-table udaf on table";
// timestampformat.json "timestamp with column that does not exist should
// throw exception"; elements.json "non-join select star with unknown
// qualifier", "join unknown qualified select star"; insert-into.json
// "unknown"). Sources: FinalProjectNode, LogicalPlanner.buildAggregateSchema
// and buildOutputNode, PlanNode.throwKeysNotIncludedError,
// DuplicateColumnException, SchemaKGroupedTable.aggregate, AstBuilder,
// AstSanitizer.
func TestProjectionRefusalsAsUpstream(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM orders (id INT KEY, item STRING, qty INT) WITH (KAFKA_TOPIC='orders', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE STREAM pairs (a INT KEY, b INT KEY, note STRING) WITH (KAFKA_TOPIC='pairs', PARTITIONS=1, FORMAT='JSON');
CREATE TABLE stock (id BIGINT PRIMARY KEY, qty INT, price BIGINT) WITH (KAFKA_TOPIC='stock', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE STREAM other (id INT KEY, item STRING) WITH (KAFKA_TOPIC='other', PARTITIONS=1, VALUE_FORMAT='JSON');`, nil)
	const hint = "\nEach key column must only be in the projection once. If you intended to copy the key into the value, then consider using the AS_VALUE function to indicate which key reference should be copied."
	for _, c := range []struct{ name, stmt, want string }{
		{"a source key twice",
			"CREATE STREAM o1 AS SELECT id, id AS id2, item FROM orders;",
			"The projection contains a key column (`ID`) more than once, aliased as: ID and ID2." + hint},
		{"a grouping key twice",
			"CREATE TABLE o2 AS SELECT item, qty, item AS item3, COUNT(*) FROM orders GROUP BY item, qty;",
			"The projection contains a key column more than once: `ITEM` and `ITEM3`." + hint},
		{"one of two source keys missing",
			"CREATE STREAM o3 AS SELECT a, note FROM pairs;",
			"Keys missing from projection (ie, SELECT). \nThe query used to build `O3` must include the key columns A and B in its projection (eg, SELECT A, B...)."},
		{"the one source key missing",
			"CREATE STREAM o4 AS SELECT item FROM orders;",
			"Key missing from projection (ie, SELECT). \nThe query used to build `O4` must include the key column ID in its projection (eg, SELECT ID...)."},
		{"grouping expressions missing",
			"CREATE TABLE o5 AS SELECT qty, COUNT(*) FROM orders GROUP BY id, qty, item;",
			"Keys missing from projection (ie, SELECT). \nThe query used to build `O5` must include the grouping expressions ID and ITEM in its projection (eg, SELECT ID, ITEM...)."},
		{"two value columns of one name",
			"CREATE TABLE o6 AS SELECT item AS total, COUNT(*) AS total FROM orders GROUP BY item;",
			"Duplicate value columns found in schema: `TOTAL` BIGINT"},
		{"functions a table cannot undo",
			"CREATE TABLE o7 AS SELECT id, LATEST_BY_OFFSET(qty), MIN(price), MAX(price), MIN(qty) FROM stock GROUP BY id;",
			"The aggregation functions LATEST_BY_OFFSET, MIN and MAX cannot be applied to a table source, only to a stream source."},
		{"one function a table cannot undo",
			"CREATE TABLE o8 AS SELECT id, MAX(price) FROM stock GROUP BY id;",
			"The aggregation function MAX cannot be applied to a table source, only to a stream source."},
		{"a missing key before functions a table cannot undo",
			"CREATE TABLE o12 AS SELECT MAX(price) FROM stock GROUP BY qty;",
			"Key missing from projection (ie, SELECT). \nThe query used to build `O12` must include the grouping expression QTY in its projection (eg, SELECT QTY...)."},
		{"an unknown TIMESTAMP column before a missing key",
			"CREATE STREAM o9 WITH (TIMESTAMP='nope') AS SELECT item, qty FROM orders;",
			"The TIMESTAMP column set in the WITH clause does not exist in the schema: 'NOPE'"},
		{"an unknown qualifier of *",
			"CREATE STREAM o10 AS SELECT id, nowhere.* FROM orders o;",
			"Failed to prepare statement: 'NOWHERE' is not a valid stream/table name or alias."},
		{"an unknown qualifier of * over a join",
			"CREATE STREAM o11 AS SELECT nowhere.* FROM orders o JOIN other x WITHIN 10 SECONDS ON o.id = x.id;",
			"Failed to prepare statement: 'NOWHERE' is not a valid stream/table name or alias."},
		{"INSERT INTO an unknown stream",
			"INSERT INTO nowhere SELECT id, item FROM orders;",
			"Line: 1, Col: 13: Source `NOWHERE` does not exist."},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, e := stmtErr(t, url, c.stmt)
			if code != 400 || e["message"] != c.want {
				t.Errorf("%d %q\nwant %q", code, e["message"], c.want)
			}
		})
	}
}

// An expression without an alias is named KSQL_COL_n with the first n no
// column of the source has (query-validation-tests elements.json "should
// handle sources with generated column names"; ColumnNames.
// columnAliasGenerator), and a struct field after the field, then with _1,
// _2 (its StructFieldAliasGenerator).
func TestGeneratedNamesSkipTheSourcesNames(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM numbered (KSQL_COL_1 INT KEY, KSQL_COL_0 INT, KSQL_COL_3 INT, s STRUCT<X INT>) WITH (KAFKA_TOPIC='numbered', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE STREAM named AS SELECT KSQL_COL_1, ABS(KSQL_COL_0), ABS(KSQL_COL_3), ABS(KSQL_COL_0), s->x, s->x FROM numbered;`, earliest())
	st.produce("numbered", kv{intKey(5), []byte(`{"KSQL_COL_0":-2,"KSQL_COL_3":-4,"S":{"X":7}}`)})
	sameLines(t, "NAMED", sinkValues(st, "NAMED", 1), []string{`{"KSQL_COL_2":2,"KSQL_COL_4":4,"KSQL_COL_5":2,"X":7,"X_1":7}`})
}
