package ksqldb

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// The reference page "Scalar functions", call by call. Each row is one call
// the page shows (its example, or a call of a signature the page documents
// with no example) and the value the REST API returns for it: the column of
// a one-row push query on /query, as JSON text. A row whose want starts
// with "!" expects the statement to be refused with that message. Where
// the page gives no result, the value comes from upstream's QTT file or the
// UDF's source, cited next to the row (confluentinc/ksql v7.9.0,
// ksqldb-functional-tests/src/test/resources/query-validation-tests/).
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/scalar-functions/

// docsCall is one call of the page and the JSON the REST API returns for it.
type docsCall struct{ expr, want string }

// docsCallStream is the one-row stream the calls are selected from; the
// calls name only literals, so its columns are never read. Their names are
// none of the lambda arguments the calls use (k, v, s, x), which ksqlDB
// refuses when they name a column.
const docsCallStream = `CREATE STREAM CALLS (ID STRING KEY, N INT) WITH (kafka_topic='calls', partitions=1, value_format='JSON');
INSERT INTO CALLS (ID, N) VALUES ('k', 1);`

// checkDocsCalls selects each call from CALLS on /query and compares the
// one column it returns, or the refusal's message, with the row's want.
func checkDocsCalls(t *testing.T, calls []docsCall) {
	t.Helper()
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, docsCallStream, nil)
	for _, c := range calls {
		if got := docsCallResult(t, url, c.expr); got != c.want {
			t.Errorf("%s\n got %s\nwant %s", c.expr, got, c.want)
		}
	}
}

// docsCallResult is the JSON text of the call's value, or "!" and the
// message of the statement's refusal.
func docsCallResult(t *testing.T, url, expr string) string {
	t.Helper()
	code, body := post(t, url, "/query", "SELECT "+expr+" FROM CALLS EMIT CHANGES LIMIT 1;", earliest())
	if code != 200 {
		var refusal struct {
			Message string `json:"message"`
		}
		if err := json.Unmarshal(body, &refusal); err != nil {
			return "undecodable refusal " + string(body)
		}
		return "!" + refusal.Message
	}
	var out []struct {
		Row *struct {
			Columns []json.RawMessage `json:"columns"`
		} `json:"row"`
	}
	if err := json.Unmarshal(body, &out); err != nil || len(out) < 2 || out[1].Row == nil || len(out[1].Row.Columns) != 1 {
		return "no row of one column: " + string(body)
	}
	return string(out[1].Row.Columns[0])
}

// Numeric functions. The page gives TRUNC(12345.67, -3) and otherwise
// signatures; the trigonometric values are upstream's math.json rows,
// rounded to 13 places as that file rounds them.
func TestDocsScalarNumericFunctions(t *testing.T) {
	checkDocsCalls(t, []docsCall{
		{"ABS(-3)", "3"},
		{"ABS(-2.5E0)", "2.5"},
		{"CEIL(1.2E0)", "2.0"},
		{"FLOOR(-1.2E0)", "-2.0"},
		{"EXP(0)", "1.0"},
		{"LN(1)", "0.0"},
		{"SQRT(16)", "4.0"},
		{"SIGN(-5)", "-1"},
		{"SIGN(0)", "0"},
		{"SIGN(7)", "1"},
		{"POWER(2, 10)", "1024.0"},
		{"ROUND(2.5E0)", "3"},
		{"ROUND(-2.5E0)", "-2"},
		{"ROUND(1.236E0, 2)", "1.24"},
		{"GREATEST(1, 5, 3)", "5"},
		{"LEAST('b', 'a', 'c')", "\"a\""},
		// Log.java: both forms use Math.log, so LOG(value) is the natural
		// logarithm although the page says base 10; LOG(2, 8) is exact.
		{"LOG(2, 8)", "3.0"},
		{"LOG(2, 0)", "\"-Infinity\""},
		{"LOG(1, 8)", "\"NaN\""},
		// The page's example prints 12000, but Trunc.java keeps the
		// DECIMAL's scale (setScale(val.scale(), UNNECESSARY)), and the
		// REST API prints a BigDecimal plainly: 12000.00.
		{"TRUNC(12345.67, -3)", "12000.00"},
		{"TRUNC(12345.67E0)", "12345"},
		// math.json "acos regular cases" / "acos edge cases"
		{"ROUND(ACOS(-1), 13)", "3.1415926535898"},
		{"ROUND(ACOS(0.43E0), 13)", "1.1263035498591"},
		{"ACOS(1)", "0.0"},
		{"ACOS(2)", "\"NaN\""},
		// math.json "asin regular cases"
		{"ROUND(ASIN(CAST(1 AS BIGINT)), 13)", "1.5707963267949"},
		{"ROUND(ASIN(-0.43E0), 13)", "-0.4444927769358"},
		// math.json "atan", "atan2"
		{"ROUND(ATAN(-2), 13)", "-1.1071487177941"},
		{"ROUND(ATAN2(-2, -3), 13)", "-2.5535900500422"},
		{"ROUND(ATAN2(1.1E0, 0.0E0), 13)", "1.5707963267949"},
		{"ATAN2(0, 0)", "0.0"},
		// math.json "cos", "sin", "tan", "cot", "cosh", "sinh", "tanh"
		{"ROUND(COS(-7), 13)", "0.7539022543433"},
		{"COS(0)", "1.0"},
		{"ROUND(SIN(0.43E0), 13)", "0.4168708024292"},
		{"ROUND(TAN(6), 13)", "-0.2910061913847"},
		{"ROUND(COT(0.43E0), 13)", "2.1804495406685"},
		{"COT(0)", "\"Infinity\""},
		{"ROUND(COSH(0.43E0), 13)", "1.0938833091358"},
		{"ROUND(SINH(-7), 13)", "-548.3161232732465"},
		{"ROUND(TANH(0.43E0), 13)", "0.4053213086895"},
		// math.json "cbrt", "degrees", "radians", "pi", "log-base-10"
		{"CBRT(-8)", "-2.0"},
		{"CBRT(CAST(3 AS BIGINT))", "1.4422495703074083"},
		{"ROUND(DEGREES(2), 12)", "114.591559026165"},
		{"ROUND(RADIANS(114), 13)", "1.9896753472735"},
		{"LOG(13)", "2.5649493574615367"},
		{"PI()", "3.141592653589793"},
		{"RANDOM() >= 0.0 AND RANDOM() < 1.0", "true"},
	})
}

// CAST, one row per line of the page's table of supported casts; the
// values follow its notes (a string is true as SqlBooleans.parseBoolean
// reads it, which also takes 'yes' and prefixes, not only 'true'; strings
// parse as numbers, HH:mm:ss, yyyy-MM-dd and ISO-8601; a TIMESTAMP keeps
// its time or date part; numbers convert with rounding, a DOUBLE to INT
// truncating as Java's cast does; a STRUCT keeps the target's fields).
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/scalar-functions/#cast
func TestDocsScalarCastConversions(t *testing.T) {
	checkDocsCalls(t, []docsCall{
		{"CAST(123 AS STRING)", `"123"`},
		{"CAST('TRUE' AS BOOLEAN)", "true"},
		// SqlBooleans.parseBoolean, behind the page's words: a prefix of
		// 'true' or 'yes' is true.
		{"CAST('yes' AS BOOLEAN)", "true"},
		{"CAST('nope' AS BOOLEAN)", "false"},
		{"CAST('42' AS INT)", "42"},
		{"CAST('42' AS BIGINT)", "42"},
		{"CAST('12.345' AS DECIMAL(5, 3))", "12.345"},
		{"CAST('1.5' AS DOUBLE)", "1.5"},
		{"CAST('10:11:12' AS TIME)", `"10:11:12"`},
		{"CAST('2021-01-01' AS DATE)", `"2021-01-01"`},
		{"CAST('2021-01-01T10:11:12.013' AS TIMESTAMP)", `"2021-01-01T10:11:12.013"`},
		{"CAST(FROM_UNIXTIME(1609495872013) AS TIME)", `"10:11:12"`},
		{"CAST(FROM_UNIXTIME(1609495872013) AS DATE)", `"2021-01-01"`},
		{"CAST(FROM_DAYS(18628) AS TIMESTAMP)", `"2021-01-01T00:00:00.000"`},
		{"CAST(1.9E0 AS INT)", "1"},
		{"CAST(7 AS DOUBLE)", "7.0"},
		{"CAST(1.25 AS DECIMAL(2, 1))", "1.3"},
		{"CAST(ARRAY[1, 2] AS ARRAY<STRING>)", `["1","2"]`},
		{"CAST(MAP('a' := 1) AS MAP<STRING, DOUBLE>)", `{"a":1.0}`},
		{"CAST(STRUCT(A := 1, B := 'x') AS STRUCT<A BIGINT, C STRING>)", `{"A":1,"C":null}`},
	})
}

// AS_VALUE: the page's example lacks the comma after AS ID2, so ksqlDB
// refuses it at the COUNT that follows (its parser's column counts from
// 1, as for the push-query page's shipped_orders); with the comma, the
// grouping column is copied into the value as ID2 next to the key ID.
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/scalar-functions/#as_value
func TestDocsScalarAsValueCopiesTheKeyIntoTheValue(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM S (ID STRING KEY, X INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
INSERT INTO S (ID, X) VALUES ('a', 1);`, nil)
	asWritten := `CREATE TABLE AGG AS
   SELECT 
     ID,                  -- this is the grouping column, which is stored in the message key.
     AS_VALUE(ID) AS ID2  -- this creates a copy of ID, named ID2, which is stored in the message value.
     COUNT(*) AS COUNT
   FROM S
   GROUP BY ID;`
	if code, body := stmtErr(t, url, asWritten); code != 400 || !strings.HasPrefix(fmt.Sprint(body["message"]), "line 5:6: Syntax Error") {
		t.Errorf("the page's statement: %d %v, want a syntax error at line 5:6", code, body)
	}
	mustKSQL(t, url, `CREATE TABLE AGG AS
   SELECT
     ID,
     AS_VALUE(ID) AS ID2,
     COUNT(*) AS COUNT
   FROM S
   GROUP BY ID;`, earliest())
	recs := st.consumeRecords("AGG", 1)
	if got := string(recs[0].Value); got != `{"ID2":"a","COUNT":1}` {
		t.Errorf("AGG value %s, want ID2 a and COUNT 1", got)
	}
}
