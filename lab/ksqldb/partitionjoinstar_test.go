package ksqldb

import (
	"testing"
)

// SELECT * over a join rekeyed by PARTITION BY selects the new key, then
// every column of the joined schema but it: each side's values, pseudo
// columns and key, named after the side (query-validation-tests
// partition-by.json "only key column - select star - with join on keys",
// "... with join on value columns"; UserRepartitionNode.resolveSelectStar,
// JoinParamsFactory.createSchema).
func TestSelectStarOfARekeyedJoin(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM lefts (a INT KEY, b INT, c INT) WITH (KAFKA_TOPIC='lefts', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE STREAM rights (x INT KEY, y INT, z INT) WITH (KAFKA_TOPIC='rights', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE STREAM onkeys AS SELECT * FROM lefts l JOIN rights r WITHIN 10 SECONDS ON l.a = r.x PARTITION BY l.b;
CREATE STREAM onvalues AS SELECT * FROM lefts l JOIN rights r WITHIN 10 SECONDS ON l.b = r.y PARTITION BY a;`, earliest())
	if s, _ := describeSchema(t, url, "ONKEYS"); s != "L_B INTEGER KEY, L_C INTEGER, L_ROWTIME BIGINT, L_ROWPARTITION INTEGER, L_ROWOFFSET BIGINT, L_A INTEGER, R_Y INTEGER, R_Z INTEGER, R_ROWTIME BIGINT, R_ROWPARTITION INTEGER, R_ROWOFFSET BIGINT, R_X INTEGER" {
		t.Errorf("DESCRIBE ONKEYS: %s", s)
	}
	if s, _ := describeSchema(t, url, "ONVALUES"); s != "L_A INTEGER KEY, L_B INTEGER, L_C INTEGER, L_ROWTIME BIGINT, L_ROWPARTITION INTEGER, L_ROWOFFSET BIGINT, R_Y INTEGER, R_Z INTEGER, R_ROWTIME BIGINT, R_ROWPARTITION INTEGER, R_ROWOFFSET BIGINT, R_X INTEGER" {
		t.Errorf("DESCRIBE ONVALUES: %s", s)
	}
	st.produceAt("lefts", intKey(9), []byte(`{"B":null,"C":0}`), 10) // no join key: not repartitioned
	st.produceAt("lefts", intKey(3), []byte(`{"B":1,"C":2}`), 11)
	st.produceAt("rights", intKey(3), []byte(`{"Y":1,"Z":-2}`), 12)
	sameLines(t, "ONKEYS", keyValueLines(st, "ONKEYS", 1), []string{string(intKey(1)) + `={"L_C":2,"L_ROWTIME":11,"L_ROWPARTITION":0,"L_ROWOFFSET":1,"L_A":3,"R_Y":1,"R_Z":-2,"R_ROWTIME":12,"R_ROWPARTITION":0,"R_ROWOFFSET":0,"R_X":3}`})
	sameLines(t, "ONVALUES", keyValueLines(st, "ONVALUES", 1), []string{string(intKey(3)) + `={"L_B":1,"L_C":2,"L_ROWTIME":11,"L_ROWPARTITION":0,"L_ROWOFFSET":1,"R_Y":1,"R_Z":-2,"R_ROWTIME":12,"R_ROWPARTITION":0,"R_ROWOFFSET":0,"R_X":3}`})
}
