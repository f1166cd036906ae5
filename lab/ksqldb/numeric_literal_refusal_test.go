package ksqldb

import "testing"

// A numeric literal Java cannot parse fails the statement's preparation
// (ParserUtil's ParsingException through DefaultKsqlParser.prepare), its
// position one column past the literal's: query-validation-tests
// literals.json "BIGINT literal positive overflow", "BIGINT literal
// negative overflow", "DOUBLE literal positive overflow", "DOUBLE literal
// negative overflow".
func TestNumericLiteralOverflowFailsPreparation(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM SRC (K STRING KEY, ID BIGINT) WITH (kafka_topic='src', partitions=1, value_format='JSON');", nil)
	for stmt, want := range map[string]string{
		"CREATE STREAM O1 AS SELECT K, 9223372036854775808 FROM SRC;":       "Failed to prepare statement: line 1:32: Invalid numeric literal: 9223372036854775808",
		"CREATE STREAM O2 AS SELECT K, -9223372036854775809 FROM SRC;":      "Failed to prepare statement: line 1:32: Invalid numeric literal: -9223372036854775809",
		"CREATE STREAM O3 AS SELECT K, 1.7976931348623159E308 FROM SRC;":    "Failed to prepare statement: line 1:32: Number overflows DOUBLE: 1.7976931348623159E308",
		"CREATE STREAM O4 AS SELECT K,\n -1.7976931348623160E308 FROM SRC;": "Failed to prepare statement: line 2:3: Number overflows DOUBLE: -1.7976931348623160E308",
	} {
		_, body := stmtErr(t, url, stmt)
		if msg, _ := body["message"].(string); msg != want {
			t.Errorf("%s\n got %q\nwant %q", stmt, msg, want)
		}
	}
	// the largest values parse, and a too small DOUBLE is 0
	checkDocsCalls(t, []docsCall{
		{`-9223372036854775808`, `-9223372036854775808`},
		{`1.7976931348623157E308`, `1.7976931348623157E308`},
		{`1E-400`, `0.0`},
	})
}
