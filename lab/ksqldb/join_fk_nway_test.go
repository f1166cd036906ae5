package ksqldb

import (
	"fmt"
	"strings"
	"testing"
)

// A foreign-key table-table join may start an N-way join of tables: ksqlDB
// refuses a foreign-key join only where either side is a join
// (LogicalPlanner.verifyForeignKeyJoin: both sides must be data sources),
// and the joins after it join the foreign-key join's result, keyed by the
// left table's key, on that key. The cases are
// confluentinc/ksql v7.9.0 ksqldb-functional-tests/src/test/resources/query-validation-tests/fk-n-way-join.json,
// each named after its upstream test.
func TestForeignKeyJoinStartingAnNwayJoinAsKsqlDBsTestCases(t *testing.T) {
	// the tables and inputs every case but "qualified select *" shares
	const fkNwayDDL = `CREATE TABLE left_table (l_id BIGINT PRIMARY KEY, foreign_key BIGINT) WITH (kafka_topic='left_topic', format='JSON', PARTITIONS=1);
CREATE TABLE middle_table (m_id BIGINT PRIMARY KEY, f2 BIGINT, other STRING) WITH (kafka_topic='middle_topic', format='JSON', PARTITIONS=1);
CREATE TABLE right_table (r_id BIGINT PRIMARY KEY, f3 BIGINT) WITH (kafka_topic='right_topic', format='JSON', PARTITIONS=1);`
	fkNwayInputs := []nwayIn{{"middle_topic", 0, `{"F2":100,"OTHER":"unused"}`, 0}, {"left_topic", 1, `{"FOREIGN_KEY":0}`, 10000}, {"right_topic", 1, `{"F3":4}`, 11000}, {"middle_topic", 8, `{"F2":10,"OTHER":"unused"}`, 13000}, {"left_topic", 1, `{"FOREIGN_KEY":8}`, 16000}, {"left_topic", 1, "", 18000}}
	for _, c := range []nwayCase{
		{
			upstream: "Should allow fk join at start of n-way join",
			ddl:      fkNwayDDL,
			query:    "CREATE TABLE output AS SELECT l_id, m_id, foreign_key, f2, f3 FROM left_table JOIN middle_table ON foreign_key = m_id LEFT JOIN right_table ON l_id = r_id;",
			inputs:   fkNwayInputs,
			outputs:  []nwayOut{{1, `{"M_ID":0,"FOREIGN_KEY":0,"F2":100,"F3":null}`, 10000}, {1, `{"M_ID":0,"FOREIGN_KEY":0,"F2":100,"F3":4}`, 11000}, {1, `{"M_ID":8,"FOREIGN_KEY":8,"F2":10,"F3":4}`, 16000}, {1, "", 18000}},
			schema:   "L_ID BIGINT KEY, M_ID BIGINT, FOREIGN_KEY BIGINT, F2 BIGINT, F3 BIGINT",
			keyBytes: textKey,
		}, {
			upstream: "Should allow fk join at start of n-way join - without fk join expressions in projection",
			ddl:      fkNwayDDL,
			query:    "CREATE TABLE output AS SELECT l_id, f2, f3 FROM left_table JOIN middle_table ON foreign_key = m_id LEFT JOIN right_table ON l_id = r_id;",
			inputs:   fkNwayInputs,
			outputs:  []nwayOut{{1, `{"F2":100,"F3":null}`, 10000}, {1, `{"F2":100,"F3":4}`, 11000}, {1, `{"F2":10,"F3":4}`, 16000}, {1, "", 18000}},
			schema:   "L_ID BIGINT KEY, F2 BIGINT, F3 BIGINT",
			keyBytes: textKey,
		}, {
			upstream: "Should allow fk join at start of n-way join - alternative key expression in projection",
			ddl:      fkNwayDDL,
			query:    "CREATE TABLE output AS SELECT r_id, m_id, foreign_key, f2, f3 FROM left_table JOIN middle_table ON foreign_key = m_id LEFT JOIN right_table ON l_id = r_id;",
			inputs:   fkNwayInputs,
			outputs:  []nwayOut{{1, `{"M_ID":0,"FOREIGN_KEY":0,"F2":100,"F3":null}`, 10000}, {1, `{"M_ID":0,"FOREIGN_KEY":0,"F2":100,"F3":4}`, 11000}, {1, `{"M_ID":8,"FOREIGN_KEY":8,"F2":10,"F3":4}`, 16000}, {1, "", 18000}},
			schema:   "R_ID BIGINT KEY, M_ID BIGINT, FOREIGN_KEY BIGINT, F2 BIGINT, F3 BIGINT",
			keyBytes: textKey,
		}, {
			upstream: "Should allow fk join at start of n-way join - select *",
			ddl:      fkNwayDDL,
			query:    "CREATE TABLE output AS SELECT * FROM left_table JOIN middle_table ON foreign_key = m_id LEFT JOIN right_table ON l_id = r_id;",
			inputs:   fkNwayInputs,
			outputs:  []nwayOut{{1, `{"LEFT_TABLE_FOREIGN_KEY":0,"MIDDLE_TABLE_M_ID":0,"MIDDLE_TABLE_F2":100,"MIDDLE_TABLE_OTHER":"unused","RIGHT_TABLE_R_ID":null,"RIGHT_TABLE_F3":null}`, 10000}, {1, `{"LEFT_TABLE_FOREIGN_KEY":0,"MIDDLE_TABLE_M_ID":0,"MIDDLE_TABLE_F2":100,"MIDDLE_TABLE_OTHER":"unused","RIGHT_TABLE_R_ID":1,"RIGHT_TABLE_F3":4}`, 11000}, {1, `{"LEFT_TABLE_FOREIGN_KEY":8,"MIDDLE_TABLE_M_ID":8,"MIDDLE_TABLE_F2":10,"MIDDLE_TABLE_OTHER":"unused","RIGHT_TABLE_R_ID":1,"RIGHT_TABLE_F3":4}`, 16000}, {1, "", 18000}},
			schema:   "LEFT_TABLE_L_ID BIGINT KEY, LEFT_TABLE_FOREIGN_KEY BIGINT, MIDDLE_TABLE_M_ID BIGINT, MIDDLE_TABLE_F2 BIGINT, MIDDLE_TABLE_OTHER STRING, RIGHT_TABLE_R_ID BIGINT, RIGHT_TABLE_F3 BIGINT",
			keyBytes: textKey,
		}, {
			upstream: "Should allow fk join at start of n-way join - qualified select *",
			ddl: `CREATE TABLE left_table (id1 BIGINT PRIMARY KEY, f1 BIGINT) WITH (kafka_topic='left_topic', format='JSON', PARTITIONS=1);
CREATE TABLE middle_table (id2 BIGINT PRIMARY KEY, f2 BIGINT, other STRING) WITH (kafka_topic='middle_topic', format='JSON', PARTITIONS=1);
CREATE TABLE right_table (id3 BIGINT PRIMARY KEY, f3 BIGINT) WITH (kafka_topic='right_topic', format='JSON', PARTITIONS=1);`,
			query:    "CREATE TABLE output AS SELECT id1, middle_table.*, right_table.* FROM left_table JOIN middle_table ON f1 = id2 LEFT JOIN right_table ON id1 = id3;",
			inputs:   []nwayIn{{"middle_topic", 0, `{"F2":100,"OTHER":"foo"}`, 0}, {"left_topic", 1, `{"F1":0}`, 10000}, {"right_topic", 1, `{"F3":4}`, 11000}, {"middle_topic", 8, `{"F2":10,"OTHER":"bar"}`, 13000}, {"left_topic", 1, `{"F1":8}`, 16000}, {"left_topic", 1, "", 18000}},
			outputs:  []nwayOut{{1, `{"MIDDLE_TABLE_ID2":0,"MIDDLE_TABLE_F2":100,"MIDDLE_TABLE_OTHER":"foo","RIGHT_TABLE_ID3":null,"RIGHT_TABLE_F3":null}`, 10000}, {1, `{"MIDDLE_TABLE_ID2":0,"MIDDLE_TABLE_F2":100,"MIDDLE_TABLE_OTHER":"foo","RIGHT_TABLE_ID3":1,"RIGHT_TABLE_F3":4}`, 11000}, {1, `{"MIDDLE_TABLE_ID2":8,"MIDDLE_TABLE_F2":10,"MIDDLE_TABLE_OTHER":"bar","RIGHT_TABLE_ID3":1,"RIGHT_TABLE_F3":4}`, 16000}, {1, "", 18000}},
			schema:   "ID1 BIGINT KEY, MIDDLE_TABLE_ID2 BIGINT, MIDDLE_TABLE_F2 BIGINT, MIDDLE_TABLE_OTHER STRING, RIGHT_TABLE_ID3 BIGINT, RIGHT_TABLE_F3 BIGINT",
			keyBytes: textKey,
		}, {
			upstream: "Should allow fk join at start of n-way join - with aliases",
			ddl:      fkNwayDDL,
			query:    "CREATE TABLE output AS SELECT l_id, m_id AS m_id_alias, foreign_key, mt.f2 AS mt_f2_alias, rt.f3 FROM left_table AS lt JOIN middle_table AS mt ON foreign_key = mt.m_id LEFT JOIN right_table AS rt ON lt.l_id = r_id;",
			inputs:   fkNwayInputs,
			outputs:  []nwayOut{{1, `{"M_ID_ALIAS":0,"FOREIGN_KEY":0,"MT_F2_ALIAS":100,"F3":null}`, 10000}, {1, `{"M_ID_ALIAS":0,"FOREIGN_KEY":0,"MT_F2_ALIAS":100,"F3":4}`, 11000}, {1, `{"M_ID_ALIAS":8,"FOREIGN_KEY":8,"MT_F2_ALIAS":10,"F3":4}`, 16000}, {1, "", 18000}},
			schema:   "L_ID BIGINT KEY, M_ID_ALIAS BIGINT, FOREIGN_KEY BIGINT, MT_F2_ALIAS BIGINT, F3 BIGINT",
			keyBytes: textKey,
		},
	} {
		t.Run(c.upstream, func(t *testing.T) { runNway(t, c) })
	}
}

// A foreign-key join anywhere but first in an N-way join, and an N-way
// join starting with one whose projection lacks the key, are refused with
// ksqlDB's messages (fk-n-way-join.json "Should fail as second step in
// n-way join", "... with fk join as first step", "FK join at start of join
// should fail without key in projection").
func TestForeignKeyJoinRefusalsInNwayJoinsAsKsqlDBsTestCases(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE TABLE left_table (id1 BIGINT PRIMARY KEY, f1 BIGINT) WITH (kafka_topic='left_topic', format='JSON', PARTITIONS=1);
CREATE TABLE middle_table (id2 BIGINT PRIMARY KEY, f2 BIGINT) WITH (kafka_topic='middle_topic', format='JSON', PARTITIONS=1);
CREATE TABLE right_table (id3 BIGINT PRIMARY KEY, f3 BIGINT) WITH (kafka_topic='right_topic', format='JSON', PARTITIONS=1);`, nil)
	for _, c := range []struct{ query, msg string }{
		{"CREATE TABLE output AS SELECT id1, f1, f2, f3 FROM left_table JOIN middle_table ON id1 = id2 JOIN right_table ON f1 = id3;",
			"Invalid join condition: foreign-key table-table joins are not supported as part of n-way joins. Got LEFT_TABLE.F1 = RIGHT_TABLE.ID3."},
		{"CREATE TABLE output AS SELECT id1, f1, f2, f3 FROM left_table JOIN middle_table ON f1 = id2 JOIN right_table ON f1 = id3;",
			"Invalid join condition: foreign-key table-table joins are not supported as part of n-way joins. Got LEFT_TABLE.F1 = RIGHT_TABLE.ID3."},
		{"CREATE TABLE output AS SELECT f1, f2, f3 FROM left_table JOIN middle_table ON f1 = id2 JOIN right_table ON id1 = id3;",
			"The query used to build `OUTPUT` must include the join expressions LEFT_TABLE.ID1 or RIGHT_TABLE.ID3 in its projection (eg, SELECT LEFT_TABLE.ID1...)."},
	} {
		code, e := stmtErr(t, url, c.query)
		if msg := fmt.Sprint(e["message"]); code != 400 || !strings.Contains(msg, c.msg) {
			t.Errorf("%s\n got %d %q\nwant one containing %q", c.query, code, msg, c.msg)
		}
	}
}

// EXPLAIN of an N-way join that starts with a foreign-key join, whose
// subscription topology this server does not build, is refused as not
// supported, naming the shape.
func TestExplainOfAnNwayJoinStartingWithAForeignKeyJoinIsRefusedAsUnsupported(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE TABLE left_table (l_id BIGINT PRIMARY KEY, foreign_key BIGINT) WITH (kafka_topic='left_topic', format='JSON', PARTITIONS=1);
CREATE TABLE middle_table (m_id BIGINT PRIMARY KEY, f2 BIGINT, other STRING) WITH (kafka_topic='middle_topic', format='JSON', PARTITIONS=1);
CREATE TABLE right_table (r_id BIGINT PRIMARY KEY, f3 BIGINT) WITH (kafka_topic='right_topic', format='JSON', PARTITIONS=1);
CREATE TABLE output AS SELECT l_id, m_id, foreign_key, f2, f3 FROM left_table JOIN middle_table ON foreign_key = m_id LEFT JOIN right_table ON l_id = r_id;`, nil)
	code, e := stmtErr(t, url, "EXPLAIN "+queryWriting(t, url, "OUTPUT")+";")
	if msg := fmt.Sprint(e["message"]); code != 400 || !strings.Contains(msg, "starts with a foreign-key join") || !strings.Contains(msg, "not supported") {
		t.Errorf("EXPLAIN: %d %q", code, msg)
	}
}
