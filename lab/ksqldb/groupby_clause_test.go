package ksqldb

import (
	"strings"
	"testing"
)

// GROUP BY takes SqlBase.g4's groupBy rule, as PARTITION BY does: value
// expressions, a comparison only inside parentheses; its list is checked
// for duplicates once its columns are qualified, and a source of KAFKA
// values cannot be grouped (query-validation-tests group-by.json "complex
// expressions", "with groupings (stream->table)", "duplicate expressions",
// "field (stream->table) - KAFKA"; GroupBy.java, Analyzer.validate).
func TestGroupByClauseIsCheckedAsUpstream(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM clicks (id INT KEY, page STRING, n INT) WITH (KAFKA_TOPIC='clicks', PARTITIONS=1, FORMAT='JSON');
CREATE STREAM raw (k STRING KEY, body STRING) WITH (KAFKA_TOPIC='raw', PARTITIONS=1, VALUE_FORMAT='KAFKA');`, nil)
	for _, c := range []struct{ name, stmt, want string }{
		{"a boolean operator is no value expression",
			"CREATE TABLE t1 AS SELECT COUNT(*) FROM clicks GROUP BY page AND id;", "line 1:62: Syntax Error\n"},
		{"a parenthesised list inside the list",
			"CREATE TABLE t2 AS SELECT page, n, COUNT(*) FROM clicks GROUP BY id, (page, n);",
			"line 1:75: Syntax Error\nmissing ')' at ','"},
		{"the same column qualified and not",
			"CREATE TABLE t3 AS SELECT COUNT(*) FROM clicks GROUP BY page, clicks.page;",
			"Duplicate GROUP BY expression: CLICKS.PAGE"},
		{"the same expression twice as written",
			"CREATE TABLE t4 AS SELECT COUNT(*) FROM nowhere GROUP BY page, page;",
			"Duplicate GROUP BY expression: PAGE"},
		{"KAFKA values",
			"CREATE TABLE t5 WITH (VALUE_FORMAT='JSON') AS SELECT body, COUNT(*) FROM raw GROUP BY body;",
			"Source(s) RAW are using the 'KAFKA' value format. This format does not yet support GROUP BY.\n" + kafkaValueLimitationText},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, e := stmtErr(t, url, c.stmt)
			// the text after a syntax error's first line is ANTLR's, checked
			// only where the upstream case gives it
			msg, _ := e["message"].(string)
			if code != 400 || msg != c.want && !(strings.HasSuffix(c.want, "\n") && strings.HasPrefix(msg, c.want)) {
				t.Errorf("%d %q, want %q", code, e["message"], c.want)
			}
		})
	}
	// a parenthesised comparison is one value expression
	mustKSQL(t, url, "CREATE TABLE byempty AS SELECT (page IS NULL) AS nopage, COUNT(*) FROM clicks GROUP BY (page IS NULL);", nil)
}

// kafkaValueLimitationText is the explanation ksqlDB appends when it refuses
// an operation over KAFKA values (Analyzer.KAFKA_VALUE_FORMAT_LIMITATION_DETAILS).
const kafkaValueLimitationText = "The KAFKA format is primarily intended for use as a key format. It can be used as a value format, but can not be used in any operation that requires a repartition or changelog topic.\n" +
	"Removing this limitation requires enhancements to the core of KSQL. This will come in a future release. Until then, avoid using the KAFKA format for values.\n" +
	"If you have an existing topic with KAFKA formatted values you can duplicate the data and serialize using Avro or JSON with a statement such as: \n" +
	"\n" +
	"'CREATE STREAM <new-stream-name> WITH(VALUE_FORMAT='Avro') AS SELECT * FROM <existing-kafka-formated-stream-name>;'\n" +
	"For more info see https://github.com/confluentinc/ksql/issues/3060"
