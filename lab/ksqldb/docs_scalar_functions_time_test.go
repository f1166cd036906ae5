package ksqldb

import "testing"

// The page's Bytes, Nulls, Date and time and Deprecated sections, and the
// GEO_DISTANCE signature of its Numeric section. Most of these functions
// are documented by their signatures only; each call's value is worked
// from the page's prose or taken from upstream's QTT file named next to it. The REST API prints a
// TIMESTAMP as yyyy-MM-dd'T'HH:mm:ss.SSS, a DATE as yyyy-MM-dd and a TIME
// as HH:mm[:ss].
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/scalar-functions/#date-and-time
func TestDocsScalarTimeBytesAndNullFunctions(t *testing.T) {
	checkDocsCalls(t, []docsCall{
		// Bytes: the page's three examples, b given by its base64 text.
		{`BIGINT_FROM_BYTES(TO_BYTES('AAAAASoF8gA=', 'base64'), 'BIG_ENDIAN')`, `5000000000`},
		{`DOUBLE_FROM_BYTES(TO_BYTES('QICm/ZvJ9YI=', 'base64'), 'BIG_ENDIAN')`, `532.8738323`},
		{`INT_FROM_BYTES(TO_BYTES('AAAH5Q==', 'base64'), 'BIG_ENDIAN')`, `2021`},
		{`INT_FROM_BYTES(TO_BYTES('AAAH5Q==', 'base64'))`, `2021`},
		{`INT_FROM_BYTES(TO_BYTES('AAAH5Q==', 'base64'), 'MIDDLE_ENDIAN')`, `null`},
		{`INT_FROM_BYTES(TO_BYTES('AAAAASoF8gA=', 'base64'))`, `null`},
		{`TO_BYTES('AAAH5Q==', 'base64')`, `"AAAH5Q=="`},
		// Nulls
		{`COALESCE(NULL, 'b', 'c')`, `"b"`},
		{`COALESCE(CAST(NULL AS ARRAY<INT>), ARRAY[1])`, `[1]`},
		{`IFNULL(CAST(NULL AS STRING), 'alt')`, `"alt"`},
		{`IFNULL('x', 'alt')`, `"x"`},
		{`NULLIF(1, 1)`, `null`},
		{`NULLIF(1, 2)`, `1`},
		// convert-tz.json
		{`CONVERT_TZ(FROM_UNIXTIME(100), '+0200', '+0500')`, `"1970-01-01T03:00:00.100"`},
		{`CONVERT_TZ(FROM_UNIXTIME(1589234313000), 'America/Los_Angeles', 'America/New_York')`, `"2020-05-12T00:58:33.000"`},
		// The page's add and subtract functions, worked by hand: the
		// interval in its unit, a TIME wrapping around midnight.
		{`DATEADD(DAYS, 3, PARSE_DATE('2021-01-30', 'yyyy-MM-dd'))`, `"2021-02-02"`},
		{`DATESUB(DAYS, 3, PARSE_DATE('2021-02-02', 'yyyy-MM-dd'))`, `"2021-01-30"`},
		{`TIMEADD(HOURS, 2, PARSE_TIME('23:00', 'HH:mm'))`, `"01:00"`},
		{`TIMESUB(MINUTES, 30, PARSE_TIME('00:10', 'HH:mm'))`, `"23:40"`},
		{`TIMESTAMPADD(SECONDS, 5, FROM_UNIXTIME(1000))`, `"1970-01-01T00:00:06.000"`},
		{`TIMESTAMPSUB(MILLISECONDS, 1, FROM_UNIXTIME(0))`, `"1969-12-31T23:59:59.999"`},
		// The page's patterns, with its doubled quotes for a literal T;
		// 18628 days and 1609459200000 ms are both 2021-01-01.
		{`FORMAT_DATE(FROM_DAYS(18628), 'yyyy-MM-dd')`, `"2021-01-01"`},
		{`FORMAT_DATE(FROM_DAYS(18628), 'yyyy-MM-dd''T''')`, `"2021-01-01T"`},
		{`FORMAT_TIME(PARSE_TIME('01:02:03.004', 'HH:mm:ss.SSS'), 'HH:mm:ss.SSS')`, `"01:02:03.004"`},
		{`FORMAT_TIMESTAMP(FROM_UNIXTIME(1609459200000), 'yyyy-MM-dd HH:mm:ss.SSS')`, `"2021-01-01 00:00:00.000"`},
		{`FORMAT_TIMESTAMP(FROM_UNIXTIME(1609459200000), 'yyyy-MM-dd''T''HH:mm:ssX', 'America/Los_Angeles')`, `"2020-12-31T16:00:00-08"`},
		{`FROM_DAYS(18628)`, `"2021-01-01"`},
		{`FROM_UNIXTIME(1609459200000)`, `"2021-01-01T00:00:00.000"`},
		{`PARSE_DATE('2021-01-01', 'yyyy-MM-dd')`, `"2021-01-01"`},
		{`PARSE_TIME('10:11:12', 'HH:mm:ss')`, `"10:11:12"`},
		{`PARSE_TIMESTAMP('2021-01-01 00:00:00.000', 'yyyy-MM-dd HH:mm:ss.SSS')`, `"2021-01-01T00:00:00.000"`},
		{`PARSE_TIMESTAMP('2021-01-01 00:00:00', 'yyyy-MM-dd HH:mm:ss', 'America/Los_Angeles')`, `"2021-01-01T08:00:00.000"`},
		{`PARSE_TIMESTAMP('2021-01-01 00:00:00.123456789', 'yyyy-MM-dd HH:mm:ss.SSSSSSSSS')`, `"2021-01-01T00:00:00.123"`},
		{`UNIX_DATE(FROM_DAYS(18628))`, `18628`},
		{`UNIX_TIMESTAMP(FROM_UNIXTIME(1609459200000))`, `1609459200000`},
		// Without an argument: now, which is after 2021-01-01.
		{`UNIX_DATE() > 18628`, `true`},
		{`UNIX_TIMESTAMP() > 1609459200000`, `true`},
		// Deprecated: datestring.json, stringdate.json, the page's patterns.
		{`DATETOSTRING(17662, 'yyyy-MM-dd')`, `"2018-05-11"`},
		{`DATETOSTRING(-1, 'dd-MM-yyyy''Sophia''')`, `"31-12-1969Sophia"`},
		{`STRINGTODATE('2018-05-11', 'yyyy-MM-dd')`, `17662`},
		{`STRINGTODATE('01-Jan-2022', 'dd-MMM-yyyy')`, `18993`},
		{`STRINGTOTIMESTAMP('2021-01-01 00:00:00.000', 'yyyy-MM-dd HH:mm:ss.SSS')`, `1609459200000`},
		{`STRINGTOTIMESTAMP('2020-12-31 16:00:00.000', 'yyyy-MM-dd HH:mm:ss.SSS', 'America/Los_Angeles')`, `1609459200000`},
		{`TIMESTAMPTOSTRING(1609459200000, 'yyyy-MM-dd HH:mm:ss.SSS')`, `"2021-01-01 00:00:00.000"`},
		{`TIMESTAMPTOSTRING(1609459200000, 'yyyy-MM-dd HH:mm:ss', 'Europe/London')`, `"2021-01-01 00:00:00"`},
		// geodistance.json rows 1 and 3: kilometres by default, or miles
		// (8634.659796579544 and 5365.659729188262 there). Go's sin, cos
		// and asin differ from java.lang.Math's in the last bits, so the
		// values are compared to 9 places; see docs-coverage.md.
		{`ROUND(GEO_DISTANCE(37.4439, -122.1663, 51.5257, -0.1122), 9)`, `8634.65979658`},
		{`ROUND(GEO_DISTANCE(37.4439, -122.1663, 51.5257, -0.1122, 'MI'), 9)`, `5365.659729188`},
		{`GEO_DISTANCE(91.0, 0.0, 0.0, 0.0)`, `null`},
	})
}
