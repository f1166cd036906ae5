package ksqldb

import "testing"

// The page's Strings section. Its examples write some string literals in
// double quotes ("My Test $123"), which ksqlDB reads as identifiers; they
// run here with single quotes, their documented values unchanged.
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/scalar-functions/#strings
func TestDocsScalarStringFunctions(t *testing.T) {
	checkDocsCalls(t, []docsCall{
		{`CHR(75)`, `"K"`},
		{`CHR('\u004b')`, `"K"`},
		{`CHR(22909)`, `"好"`},
		{`CHR('\u597d')`, `"好"`},
		// concat.json: NULL inputs are empty; bytes concatenate too.
		{`CONCAT('ksql', CAST(NULL AS STRING), 'DB')`, `"ksqlDB"`},
		{`CONCAT(TO_BYTES('a', 'utf8'), TO_BYTES('b', 'utf8'))`, `"YWI="`},
		{`CONCAT_WS(', ', 'apple', 'banana', NULL, 'date')`, `"apple, banana, date"`},
		{`CONCAT_WS(TO_BYTES('-', 'utf8'), TO_BYTES('a', 'utf8'), TO_BYTES('b', 'utf8'))`, `"YS1i"`},
		// encode.json "encode hex": the page's ENCODE(string, 'hex', 'utf8').
		{`ENCODE('4578616d706C6521', 'hex', 'utf8')`, `"Example!"`},
		{`ENCODE('0x4578616d706C6521', 'hex', 'base64')`, `"RXhhbXBsZSE="`},
		{`ENCODE('578616d706C6521', 'hex', 'ascii')`, `null`},
		{`FROM_BYTES(TO_BYTES('CTA', 'utf8'), 'hex')`, `"435441"`},
		{`FROM_BYTES(TO_BYTES('435441', 'hex'), 'utf8')`, `"CTA"`},
		{`INITCAP('the   quick bROWN fox')`, `"The   Quick Brown Fox"`},
		{`INSTR('CORPORATE FLOOR', 'OR')`, `2`},
		{`INSTR('CORPORATE FLOOR', 'OR', 3)`, `5`},
		{`INSTR('CORPORATE FLOOR', 'OR', 3, 2)`, `14`},
		{`INSTR('CORPORATE FLOOR', 'OR', -3)`, `5`},
		// The page prints "2b", a typo for 2 (instr.json).
		{`INSTR('CORPORATE FLOOR', 'OR', -3, 2)`, `2`},
		{`INSTR('CORPORATE FLOOR', 'MISSING')`, `0`},
		{`LCASE('ksqlDB')`, `"ksqldb"`},
		{`LEN('ksqlDB')`, `6`},
		{`LEN(TO_BYTES('00ff', 'hex'))`, `2`},
		{`LPAD('Foo', 7, 'Bar')`, `"BarBFoo"`},
		{`LPAD('Foo', 2, 'Bar')`, `"Fo"`},
		{`LPAD('', 2, 'Bar')`, `"Ba"`},
		{`LPAD('123', 5, '0')`, `"00123"`},
		{`LPAD(TO_BYTES('a', 'utf8'), 3, TO_BYTES('b', 'utf8'))`, `"YmJh"`},
		{`MASK('My Test $123')`, `"Xx-Xxxx--nnn"`},
		{`MASK('My Test $123', '*', NULL, '1', NULL)`, `"*y *est $111"`},
		{`MASK_KEEP_LEFT('My Test $123', 4)`, `"My Txxx--nnn"`},
		{`MASK_KEEP_RIGHT('My Test $123', 4)`, `"Xx-Xxxx-$123"`},
		{`MASK_LEFT('My Test $123', 4)`, `"Xx-Xest $123"`},
		{`MASK_RIGHT('My Test $123', 4)`, `"My Test -nnn"`},
		// md5.json "md5 to hex string"
		{`MD5('r1')`, `"7c92cf1eee8d99cc85f8355a3d6e4b86"`},
		{`MD5('')`, `"d41d8cd98f00b204e9800998ecf8427e"`},
		{`REPLACE('foo bar foo', 'foo', 'bar')`, `"bar bar bar"`},
		{`REGEXP_EXTRACT('(.*) (.*)', 'hello there', 2)`, `"there"`},
		// The page writes \\w as a Java source would; a ksqlDB string literal
		// keeps backslashes, so the pattern is written (\w+) (\w+) here, as
		// regex.json's "regex_extract_all with group" spells it.
		{`REGEXP_EXTRACT_ALL('(\w+) (\w+)', 'hello there nice day', 2)`, `["there","day"]`},
		{`REGEXP_REPLACE('aabbbc', 'a.b+', 'bar')`, `"barc"`},
		// regex.json "regex_extract_all without group"
		{`REGEXP_EXTRACT_ALL('test.', 'test_ testa')`, `["test_","testa"]`},
		// The page: matches at either end, and contiguous ones, leave empty elements.
		{`REGEXP_SPLIT_TO_ARRAY('aabcda', 'a')`, `["","","bcd",""]`},
		{`RPAD('Foo', 7, 'Bar')`, `"FooBarB"`},
		{`RPAD('Foo', 2, 'Bar')`, `"Fo"`},
		{`RPAD('', 2, 'Bar')`, `"Ba"`},
		{`RPAD(TO_BYTES('a', 'utf8'), 3, TO_BYTES('b', 'utf8'))`, `"YWJi"`},
		{`SPLIT('a,b,,c', ',')`, `["a","b","","c"]`},
		{`SPLIT(TO_BYTES('a,b', 'utf8'), TO_BYTES(',', 'utf8'))`, `["YQ==","Yg=="]`},
		// the page prints the map by sorted key; SplitToMap's HashMap.merge
		// puts cherry at the head of the bucket it shares with apple
		{`SPLIT_TO_MAP('apple:=green/cherry:=red', '/', ':=')`, `{"cherry":"red","apple":"green"}`},
		// split-to-map.json: only the first two pieces of an entry count.
		{`SPLIT_TO_MAP('apple:green/banana:yellow', '&&', ':')`, `{"apple":"green/banana"}`},
		{`SUBSTRING('stream', 1, 4)`, `"stre"`},
		{`SUBSTRING('stream', 3)`, `"ream"`},
		{`SUBSTRING(TO_BYTES('0011ff', 'hex'), 2)`, `"Ef8="`},
		{`FROM_UNIXTIME(CAST(INT_FROM_BYTES(TO_BYTES(SUBSTRING('628b30f00000000000000000', 0, 8), 'hex')) AS BIGINT) * 1000)`, `"2022-05-23T07:00:00.000"`},
		{`TRIM('  ksqlDB  ')`, `"ksqlDB"`},
		{`UCASE('ksqlDB')`, `"KSQLDB"`},
		{`LEN(UUID())`, `36`},
		// uuid: the 16 bytes as a java.util.UUID.
		{`UUID(TO_BYTES('237e9877e79b12d4a765321741963000', 'hex'))`, `"237e9877-e79b-12d4-a765-321741963000"`},
	})
}
