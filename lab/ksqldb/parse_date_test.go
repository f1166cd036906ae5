package ksqldb

import "testing"

// PARSE_DATE parses with commons-lang3's FastDateFormat in GMT
// (ParseDate.java), which reads the pattern from the start of the text and
// ignores what follows; a parsed time of day other than midnight makes the
// function fail, so NULL. query-validation-tests null.json "coalesce - with
// parse_date" ('2003-12-24-01-01' with 'yyyy-MM-dd' is 2003-12-24).
func TestParseDateIgnoresTrailingText(t *testing.T) {
	checkDocsCalls(t, []docsCall{
		{`PARSE_DATE('2003-12-24-01-01', 'yyyy-MM-dd')`, `"2003-12-24"`},
		{`PARSE_DATE('2003-12-24', 'yyyy-MM-dd')`, `"2003-12-24"`},
		{`PARSE_DATE('2004', 'yyyy-MM-dd')`, `null`},
		{`PARSE_DATE('2004-01-01 10', 'yyyy-MM-dd HH')`, `null`},
		{`PARSE_DATE('1969-12-31', 'yyyy-MM-dd')`, `"1969-12-31"`},
	})
}
