package ksqldb

import "testing"

// The refusals of a join criterion name its columns qualified by their
// source (alias), however the statement wrote them, as ksqlDB prints the
// criterion after its analyzer qualified it. confluentinc/ksql 7.9.0
// query-validation-tests table-table-join.json "Should fail on right
// non-key attribute for inner-join" (and "-- revers join condition
// order"), stream-table-join.json "Should fail on table-side non-key join
// attribute for inner-join", fk-join.json "Should fail if types in join
// condition don't match" (and "(expression)"), "Should not allow join on
// partial right source key".
func TestJoinCriterionRefusalsNameQualifiedColumns(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE TABLE tl (lid BIGINT PRIMARY KEY, lfk BIGINT, ls STRING) WITH (kafka_topic='tl', PARTITIONS=1, value_format='JSON');
CREATE TABLE tr (rid BIGINT PRIMARY KEY, rv BIGINT) WITH (kafka_topic='tr', PARTITIONS=1, value_format='JSON');
CREATE TABLE tm (m1 BIGINT PRIMARY KEY, m2 BIGINT PRIMARY KEY, mv BIGINT) WITH (kafka_topic='tm', PARTITIONS=1, format='JSON');
CREATE STREAM sl (sid BIGINT KEY, sv BIGINT) WITH (kafka_topic='sl', PARTITIONS=1, value_format='JSON');`, nil)
	const pk = "Invalid join condition: table-table joins require to join on the primary key of the right input table. Got "
	for _, c := range []struct{ name, ksql, msg string }{
		{"table-table on a right value column", "CREATE TABLE x AS SELECT * FROM tl JOIN tr ON lid = rv;", pk + "TL.LID = TR.RV."},
		{"written right first", "CREATE TABLE x AS SELECT * FROM tl LEFT JOIN tr ON rv = lid;", pk + "TR.RV = TL.LID."},
		{"aliased", "CREATE TABLE x AS SELECT * FROM tl a JOIN tr b ON lid = rv;", pk + "A.LID = B.RV."},
		{"stream-table on a table value column", "CREATE STREAM x AS SELECT * FROM sl JOIN tr ON sid = rv;",
			"Invalid join condition: stream-table joins require to join on the table's primary key. Got SL.SID = TR.RV."},
		{"foreign key of another type", "CREATE TABLE x AS SELECT * FROM tl JOIN tr ON ls = rid;",
			"Invalid join condition: types don't match. Got TL.LS{STRING} = TR.RID{BIGINT}."},
		{"foreign key expression of another type", "CREATE TABLE x AS SELECT * FROM tl JOIN tr ON CAST(lfk AS STRING) = rid;",
			"Invalid join condition: types don't match. Got CAST(TL.LFK AS STRING){STRING} = TR.RID{BIGINT}."},
		{"part of a right key", "CREATE TABLE x AS SELECT * FROM tl JOIN tm ON lfk = m1;", pk + "TL.LFK = TM.M1."},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, e := stmtErr(t, url, c.ksql)
			if code != 400 || e["message"] != c.msg {
				t.Errorf("%s\n got %d %q\nwant 400 %q", c.ksql, code, e["message"], c.msg)
			}
		})
	}
}

// A qualifier that names no source of a join is refused as ksqlDB's parser
// refuses it, before any column is found ambiguous, and an ambiguous column
// as its AstSanitizer does, each wrapped as its engine wraps what fails
// while it prepares a statement. confluentinc/ksql 7.9.0 AstBuilder,
// DefaultKsqlParser.prepare, EngineContext.prepare; query-validation-tests
// joins.json "Should fail on unknown qualifier -- right join attribute",
// "... -- left join attribute", "Should fail on ambiguous join attribute".
func TestJoinUnknownQualifierIsRefusedBeforeAmbiguousColumns(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE TABLE ta (id BIGINT PRIMARY KEY, a BIGINT) WITH (kafka_topic='ta', PARTITIONS=1, format='JSON');
CREATE TABLE tb (id BIGINT PRIMARY KEY, b BIGINT) WITH (kafka_topic='tb', PARTITIONS=1, format='JSON');`, nil)
	for _, c := range []struct{ ksql, msg string }{
		{"CREATE TABLE x AS SELECT a, b FROM ta JOIN tb ON id = nope.id;",
			"Failed to prepare statement: 'NOPE' is not a valid stream/table name or alias."},
		{"CREATE TABLE x AS SELECT a, b FROM ta JOIN tb ON nope.id = id;",
			"Failed to prepare statement: 'NOPE' is not a valid stream/table name or alias."},
		{"CREATE TABLE x AS SELECT a, b FROM ta JOIN tb ON id = id;",
			"Exception while preparing statement: Line: 1, Col: 50: Column 'ID' is ambiguous. Could be TA.ID or TB.ID."},
	} {
		code, e := stmtErr(t, url, c.ksql)
		if code != 400 || e["message"] != c.msg {
			t.Errorf("%s\n got %d %q\nwant 400 %q", c.ksql, code, e["message"], c.msg)
		}
	}
}
