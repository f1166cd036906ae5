package ksqldb

import "testing"

// The page's URL section, its examples written with single-quoted
// literals. Where the page and upstream's implementation disagree the row
// follows upstream's url.json: URL_ENCODE_PARAM is Guava's form-parameter
// escaper (a space becomes +), URL_EXTRACT_PATH keeps the path's leading
// slash (java.net.URI.getPath), and URL_EXTRACT_PORT is an INT.
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/scalar-functions/#urls
func TestDocsScalarURLFunctions(t *testing.T) {
	checkDocsCalls(t, []docsCall{
		{`URL_DECODE_PARAM('url%20encoded')`, `"url encoded"`},
		{`URL_DECODE_PARAM('%3Ffoo+%24bar')`, `"?foo $bar"`},
		{`URL_ENCODE_PARAM('url encoded')`, `"url+encoded"`},
		{`URL_ENCODE_PARAM('?foo $bar')`, `"%3Ffoo+%24bar"`},
		{`URL_EXTRACT_FRAGMENT('http://test.com#frag')`, `"frag"`},
		{`URL_EXTRACT_FRAGMENT('http://test.com#frag%20space')`, `"frag space"`},
		{`URL_EXTRACT_FRAGMENT('http://www.nofragment.com')`, `null`},
		{`URL_EXTRACT_HOST('http://test.com:8080/path')`, `"test.com"`},
		{`URL_EXTRACT_HOST('http://test@confluent.io:8080')`, `"confluent.io"`},
		{`URL_EXTRACT_PARAMETER('http://test.com?a%20b=c%20d', 'a b')`, `"c d"`},
		{`URL_EXTRACT_PARAMETER('http://test.com?a=foo&b=bar', 'b')`, `"bar"`},
		{`URL_EXTRACT_PARAMETER('http://www.test.com/?one=a&two=b&three', 'three')`, `""`},
		{`URL_EXTRACT_PARAMETER('http://www.test.com/?one=a', 'four')`, `null`},
		{`URL_EXTRACT_PATH('http://test.com/path/to#a')`, `"/path/to"`},
		{`URL_EXTRACT_PATH('http://www.test.com?query#fragment')`, `""`},
		{`URL_EXTRACT_PORT('http://localhost:8080/path')`, `8080`},
		{`URL_EXTRACT_PORT('http://test@confluent.io')`, `null`},
		{`URL_EXTRACT_PROTOCOL('http://test.com?a=foo&b=bar')`, `"http"`},
		{`URL_EXTRACT_PROTOCOL('www.confluent.io')`, `null`},
		{`URL_EXTRACT_QUERY('http://test.com?a=foo%20bar&b=baz')`, `"a=foo bar&b=baz"`},
		{`URL_EXTRACT_QUERY('http://test@confluent.io:8080/path')`, `null`},
		// UrlParser: java.net.URI refuses a space, so the UDF gives NULL.
		{`URL_EXTRACT_HOST('http://bad host.com')`, `null`},
	})
}
