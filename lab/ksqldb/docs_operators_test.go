package ksqldb

import (
	"strings"
	"testing"
)

// The reference page "Operators", its examples run as written on /query-
// stream. USERS is declared with the columns they name (a STRING key, the
// names, a NICKNAMES array and an ADDRESS struct); the expected values
// follow from the operators: LEN('Ada') + LEN('Lovelace') is 11, + joins
// strings, arrays index from 1, -> reads a struct field and ->* all of
// them, and TIMESTAMPTOSTRING renders ROWTIME in UTC. The page's last
// example is refused by ksqlDB (next spec).
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/operators/
func TestDocsOperatorsExamples(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM USERS (USERID VARCHAR KEY, FIRST_NAME VARCHAR, LAST_NAME VARCHAR, NICKNAMES ARRAY<VARCHAR>, ADDRESS STRUCT<STREET VARCHAR, HOUSE_NUM INT>)
  WITH (kafka_topic='users', partitions=1, value_format='JSON');
INSERT INTO USERS (USERID, FIRST_NAME, LAST_NAME, NICKNAMES, ADDRESS)
  VALUES ('u1', 'Ada', 'Lovelace', ARRAY['Countess', 'Enchantress'], STRUCT(STREET := 'St James Sq', HOUSE_NUM := 12));
CREATE TABLE INVALID_USERS_LOGINS_PER_HOST (USERID VARCHAR PRIMARY KEY, HOST VARCHAR, INVALID_LOGIN_COUNT BIGINT)
  WITH (kafka_topic='invalid_logins', partitions=1, value_format='JSON');
INSERT INTO INVALID_USERS_LOGINS_PER_HOST (ROWTIME, USERID, HOST, INVALID_LOGIN_COUNT) VALUES (1510923224000, 'u2', 'web-2', 3);
INSERT INTO INVALID_USERS_LOGINS_PER_HOST (ROWTIME, USERID, HOST, INVALID_LOGIN_COUNT) VALUES (1510923225000, 'u1', 'web-1', 5);`, nil)
	for _, c := range []struct{ query, row string }{
		{"SELECT USERID, LEN(FIRST_NAME) + LEN(LAST_NAME) AS NAME_LENGTH FROM USERS EMIT CHANGES;", `["u1",11]`},
		{"SELECT USERID, FIRST_NAME + LAST_NAME AS FULL_NAME FROM USERS EMIT CHANGES;", `["u1","AdaLovelace"]`},
		{"SELECT USERID, USERS.FIRST_NAME FROM USERS EMIT CHANGES;", `["u1","Ada"]`},
		{"SELECT USERID, NICKNAMES[1] FROM USERS EMIT CHANGES;", `["u1","Countess"]`},
		{"SELECT USERID, ADDRESS->STREET, ADDRESS->HOUSE_NUM FROM USERS EMIT CHANGES;", `["u1","St James Sq",12]`},
		{"SELECT USERID, ADDRESS->* FROM USERS EMIT CHANGES;", `["u1","St James Sq",12]`},
		{`SELECT USERID,
    TIMESTAMPTOSTRING(ROWTIME, 'yyyy-MM-dd HH:mm:ss') +
        ': :heavy_exclamation_mark: On ' +
        HOST +
        ' there were ' +
        CAST(INVALID_LOGIN_COUNT AS VARCHAR) +
        ' attempts in the last minute (threshold is >=4)'
  FROM INVALID_USERS_LOGINS_PER_HOST
  WHERE INVALID_LOGIN_COUNT>=4
  EMIT CHANGES;`, `["u1","2017-11-17 12:53:45: :heavy_exclamation_mark: On web-1 there were 5 attempts in the last minute (threshold is >=4)"]`},
	} {
		if rows := streamRows(t, url, c.query, 1); rows[0] != c.row {
			t.Errorf("%s\n got %s\nwant %s", c.query, rows[0], c.row)
		}
	}
}

// The page's last example, "Combine -> with . when using aliases", qualifies
// a column with the source's name although the source is aliased. ksqlDB
// 0.29 keys a query's sources by alias (SourceSchemas, built by the Analyzer
// from each AliasedDataSource), so sourcesWithField finds no source USERS,
// and ColumnReferenceValidator throws UnknownColumnException: "SELECT column
// 'USERS.ADDRESS' cannot be resolved." at the reference's position
// (InvalidColumnException.buildMessage). The alias alone resolves.
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/operators/
func TestDocsOperatorsSourceNameAsQualifierOfAnAliasedSourceIsRefusedAsKsqlDBRefusesIt(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM USERS (USERID VARCHAR KEY, ADDRESS STRUCT<STREET VARCHAR, HOUSE_NUM INT>)
  WITH (kafka_topic='users', partitions=1, value_format='JSON');
INSERT INTO USERS (USERID, ADDRESS) VALUES ('u1', STRUCT(STREET := 'St James Sq', HOUSE_NUM := 12));`, nil)
	code, body := post(t, url, "/query", "SELECT USERID, USERS.ADDRESS->STREET, U.ADDRESS->STREET FROM USERS U EMIT CHANGES;", nil)
	if code != 400 || !strings.Contains(string(body), `"message":"Line: 1, Col: 16: SELECT column 'USERS.ADDRESS' cannot be resolved."`) {
		t.Errorf("source name as qualifier: %d %s", code, body)
	}
	if rows := streamRows(t, url, "SELECT USERID, U.ADDRESS->STREET FROM USERS U EMIT CHANGES;", 1); rows[0] != `["u1","St James Sq"]` {
		t.Errorf("alias as qualifier: %s", rows[0])
	}
}
