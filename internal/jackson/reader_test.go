package jackson

import (
	"strings"
	"testing"
)

// readCases are texts with how jackson-core and jackson-databind 2.16.0
// (built from the FasterXML jackson-*-2.16.0 tags and run with the
// ObjectMapper ksqlDB's UdfJsonMapper configures; confluentinc/ksql
// v7.9.0 .../function/udf/json/UdfJsonMapper.java) take them: tree is
// what ObjectReader.readTree(String) throws ("OK" when it reads a value,
// "MISSING" for a MissingNode), list what readValue(String,
// List<JsonNode>) throws ("OK", "NULL" for a null list), a wrapping
// exception's message before its cause's after " || ". In the messages
// @ is the redacted source, %V the valid values and %A the collection
// refusal's opening.
var readCases = []struct{ in, tree, list string }{
	{"x", "Unrecognized token 'x': was expecting %V\n at @; line: 1, column: 2]", "Unrecognized token 'x': was expecting %V\n at @; line: 1, column: 2]"},
	{"abc", "Unrecognized token 'abc': was expecting %V\n at @; line: 1, column: 4]", "Unrecognized token 'abc': was expecting %V\n at @; line: 1, column: 4]"},
	{"{\"a\":1}", "OK", "%AObject value (token `JsonToken.START_OBJECT`)\n at @; line: 1, column: 1]"},
	{"1x", "Unexpected character ('x' (code 120)): Expected space separating root-level values\n at @; line: 1, column: 3]", "Unexpected character ('x' (code 120)): Expected space separating root-level values\n at @; line: 1, column: 3]"},
	{"1 x", "OK", "%AInteger value (token `JsonToken.VALUE_NUMBER_INT`)\n at @; line: 1, column: 1]"},
	{"truex", "Unrecognized token 'truex': was expecting %V\n at @; line: 1, column: 6]", "Unrecognized token 'truex': was expecting %V\n at @; line: 1, column: 6]"},
	{"[1,]", "Unexpected character (']' (code 93)): expected a valid value %V\n at @; line: 1, column: 5]", "Unexpected character (']' (code 93)): expected a valid value %V\n at @; line: 1, column: 5]"},
	{"{\"a\" 1}", "Unexpected character ('1' (code 49)): was expecting a colon to separate field name and value\n at @; line: 1, column: 7]", "%AObject value (token `JsonToken.START_OBJECT`)\n at @; line: 1, column: 1]"},
	{"{\"a\":1,}", "Unexpected character ('}' (code 125)): was expecting double-quote to start field name\n at @; line: 1, column: 9]", "%AObject value (token `JsonToken.START_OBJECT`)\n at @; line: 1, column: 1]"},
	{"[1 2]", "Unexpected character ('2' (code 50)): was expecting comma to separate Array entries\n at @; line: 1, column: 5]", "Unexpected character ('2' (code 50)): was expecting comma to separate Array entries\n at @; line: 1, column: 5]"},
	{"{a:1}", "Unexpected character ('a' (code 97)): was expecting double-quote to start field name\n at @; line: 1, column: 3]", "%AObject value (token `JsonToken.START_OBJECT`)\n at @; line: 1, column: 1]"},
	{"'a'", "Unexpected character (''' (code 39)): expected a valid value %V\n at @; line: 1, column: 2]", "Unexpected character (''' (code 39)): expected a valid value %V\n at @; line: 1, column: 2]"},
	{"", "MISSING", "No content to map due to end-of-input\n at @; line: 1]"},
	{"   ", "MISSING", "No content to map due to end-of-input\n at @; line: 1]"},
	{"[", "Unexpected end-of-input: expected close marker for Array (start marker at @; line: 1, column: 1])\n at @; line: 1, column: 2]", "Unexpected end-of-input: expected close marker for Array (start marker at @; line: 1, column: 1])\n at @; line: 1, column: 2]"},
	{"{", "Unexpected end-of-input: expected close marker for Object (start marker at @; line: 1, column: 1])\n at @; line: 1, column: 2]", "%AObject value (token `JsonToken.START_OBJECT`)\n at @; line: 1, column: 1]"},
	{"[1, x", "Unrecognized token 'x': was expecting %V\n at @; line: 1, column: 6]", "Unrecognized token 'x': was expecting %V\n at @; line: 1, column: 6]"},
	{"\"abc", "Unexpected end-of-input: was expecting closing quote for a string value\n at @; line: 1, column: 5]", "Unexpected end-of-input: was expecting closing quote for a string value\n at @; line: 1, column: 5]"},
	{"\"a\\qb\"", "Unrecognized character escape 'q' (code 113)\n at @; line: 1, column: 5]", "Unrecognized character escape 'q' (code 113)\n at @; line: 1, column: 5]"},
	{"-x", "Unexpected character ('x' (code 120)) in numeric value: expected digit (0-9) to follow minus sign, for valid numeric value\n at @; line: 1, column: 3]", "Unexpected character ('x' (code 120)) in numeric value: expected digit (0-9) to follow minus sign, for valid numeric value\n at @; line: 1, column: 3]"},
	{"+1", "Unexpected character ('+' (code 43)) in numeric value: JSON spec does not allow numbers to have plus signs: enable `JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS` to allow\n at @; line: 1, column: 3]", "Unexpected character ('+' (code 43)) in numeric value: JSON spec does not allow numbers to have plus signs: enable `JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS` to allow\n at @; line: 1, column: 3]"},
	{"01", "Invalid numeric value: Leading zeroes not allowed\n at @; line: 1, column: 2]", "Invalid numeric value: Leading zeroes not allowed\n at @; line: 1, column: 2]"},
	{"1.", "Unexpected character ('.' (code 46)) in numeric value: Decimal point not followed by a digit\n at @; line: 1, column: 3]", "Unexpected character ('.' (code 46)) in numeric value: Decimal point not followed by a digit\n at @; line: 1, column: 3]"},
	{"1e", "Unexpected end-of-inputexpected a digit for number exponent\n at @; line: 1, column: 3]", "Unexpected end-of-inputexpected a digit for number exponent\n at @; line: 1, column: 3]"},
	{"NaN", "Non-standard token 'NaN': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow\n at @; line: 1, column: 4]", "Non-standard token 'NaN': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow\n at @; line: 1, column: 4]"},
	{"[1}", "Unexpected close marker '}': expected ']' (for Array starting at @; line: 1, column: 1])\n at @; line: 1, column: 4]", "Unexpected close marker '}': expected ']' (for Array starting at @; line: 1, column: 1])\n at @; line: 1, column: 4]"},
	{"{\"a\":1]", "Unexpected close marker ']': expected '}' (for Object starting at @; line: 1, column: 1])\n at @; line: 1, column: 8]", "%AObject value (token `JsonToken.START_OBJECT`)\n at @; line: 1, column: 1]"},
	{"]", "Unexpected close marker ']': expected '}' (for root starting at @; line: 1])\n at @; line: 1, column: 2]", "Unexpected close marker ']': expected '}' (for root starting at @; line: 1])\n at @; line: 1, column: 2]"},
	{"é", "Unrecognized token 'é': was expecting %V\n at @; line: 1, column: 2]", "Unrecognized token 'é': was expecting %V\n at @; line: 1, column: 2]"},
	{"€", "Unrecognized token '€': was expecting %V\n at @; line: 1, column: 2]", "Unrecognized token '€': was expecting %V\n at @; line: 1, column: 2]"},
	{"[1]]", "OK", "OK"},
	{"-", "Unexpected end-of-inputNo digit following minus sign\n at @; line: 1, column: 2]", "Unexpected end-of-inputNo digit following minus sign\n at @; line: 1, column: 2]"},
	{"-.5", "Unexpected character ('.' (code 46)): expected a valid value %V\n at @; line: 1, column: 3]", "Unexpected character ('.' (code 46)): expected a valid value %V\n at @; line: 1, column: 3]"},
	{"[1e]", "Unexpected character (']' (code 93)) in numeric value: Exponent indicator not followed by a digit\n at @; line: 1, column: 4]", "Unexpected character (']' (code 93)) in numeric value: Exponent indicator not followed by a digit\n at @; line: 1, column: 4]"},
	{"-Infinity", "Non-standard token '-Infinity': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow\n at @; line: 1, column: 10]", "Non-standard token '-Infinity': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow\n at @; line: 1, column: 10]"},
	{"+INF", "Non-standard token '+INF': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow\n at @; line: 1, column: 5]", "Non-standard token '+INF': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow\n at @; line: 1, column: 5]"},
	{"Ix", "Unrecognized token 'Ix': was expecting %V\n at @; line: 1, column: 3]", "Unrecognized token 'Ix': was expecting %V\n at @; line: 1, column: 3]"},
	{"tru e", "Unrecognized token 'tru': was expecting %V\n at @; line: 1, column: 4]", "Unrecognized token 'tru': was expecting %V\n at @; line: 1, column: 4]"},
	{"{\"a\"", "Unexpected end-of-input within/between Object entries\n at @; line: 1, column: 5]", "%AObject value (token `JsonToken.START_OBJECT`)\n at @; line: 1, column: 1]"},
	{"{\"a\":1,", "Unexpected end-of-input within/between Object entries\n at @; line: 1, column: 8]", "%AObject value (token `JsonToken.START_OBJECT`)\n at @; line: 1, column: 1]"},
	{"[1,\n2,\nx]", "Unrecognized token 'x': was expecting %V\n at @; line: 3, column: 2]", "Unrecognized token 'x': was expecting %V\n at @; line: 3, column: 2]"},
	{"\"\\u12G4\"", "Unexpected character ('G' (code 71)): expected a hex-digit for character escape sequence\n at @; line: 1, column: 7]", "Unexpected character ('G' (code 71)): expected a hex-digit for character escape sequence\n at @; line: 1, column: 7]"},
	{"/", "Unexpected character ('/' (code 47)): maybe a (non-standard) comment? (not recognized as one since Feature 'ALLOW_COMMENTS' not enabled for parser)\n at @; line: 1, column: 2]", "Unexpected character ('/' (code 47)): maybe a (non-standard) comment? (not recognized as one since Feature 'ALLOW_COMMENTS' not enabled for parser)\n at @; line: 1, column: 2]"},
	{"#", "Unexpected character ('#' (code 35)): expected a valid value %V\n at @; line: 1, column: 2]", "Unexpected character ('#' (code 35)): expected a valid value %V\n at @; line: 1, column: 2]"},
	{"{\"a\"#}", "Unexpected character ('#' (code 35)): was expecting a colon to separate field name and value\n at @; line: 1, column: 6]", "%AObject value (token `JsonToken.START_OBJECT`)\n at @; line: 1, column: 1]"},
	{"nul", "Unrecognized token 'nul': was expecting %V\n at @; line: 1, column: 4]", "Unrecognized token 'nul': was expecting %V\n at @; line: 1, column: 4]"},
	{"1e+", "Unexpected end-of-inputexpected a digit for number exponent\n at @; line: 1, column: 4]", "Unexpected end-of-inputexpected a digit for number exponent\n at @; line: 1, column: 4]"},
	{"\"ab\tc\"", "Illegal unquoted character ((CTRL-CHAR, code 9)): has to be escaped using backslash to be included in string value\n at @; line: 1, column: 5]", "Illegal unquoted character ((CTRL-CHAR, code 9)): has to be escaped using backslash to be included in string value\n at @; line: 1, column: 5]"},
	{"\n  [1", "Unexpected end-of-input: expected close marker for Array (start marker at @; line: 2, column: 3])\n at @; line: 2, column: 5]", "Unexpected end-of-input: expected close marker for Array (start marker at @; line: 2, column: 3])\n at @; line: 2, column: 5]"},
	{"[\"a\\qb\"]", "Unrecognized character escape 'q' (code 113)\n at @; line: 1, column: 6]", "Unrecognized character escape 'q' (code 113)\n at @; line: 1, column: 6] (through reference chain: java.util.ArrayList[0]) || Unrecognized character escape 'q' (code 113)\n at @; line: 1, column: 6]"},
	{"[[[", "Unexpected end-of-input: expected close marker for Array (start marker at @; line: 1, column: 3])\n at @; line: 1, column: 4]", "Unexpected end-of-input: expected close marker for Array (start marker at @; line: 1, column: 3])\n at @; line: 1, column: 4] (through reference chain: java.util.ArrayList[0]) || Unexpected end-of-input: expected close marker for Array (start marker at @; line: 1, column: 3])\n at @; line: 1, column: 4]"},
	{"null", "OK", "NULL"},
	{"true", "OK", "%ABoolean value (token `JsonToken.VALUE_TRUE`)\n at @; line: 1, column: 1]"},
	{"\"abc\"", "OK", "%AString value (token `JsonToken.VALUE_STRING`)\n at @; line: 1, column: 1]"},
	{"1.5", "OK", "%AFloating-point value (token `JsonToken.VALUE_NUMBER_FLOAT`)\n at @; line: 1, column: 1]"},
	{"\u0001", "Illegal character ((CTRL-CHAR, code 1)): only regular white space (\\r, \\n, \\t) is allowed between tokens\n at @; line: 1, column: 2]", "Illegal character ((CTRL-CHAR, code 1)): only regular white space (\\r, \\n, \\t) is allowed between tokens\n at @; line: 1, column: 2]"},

	{strings.Repeat("[", 1001), "Document nesting depth (1001) exceeds the maximum allowed (1000, from `StreamReadConstraints.getMaxNestingDepth()`)",
		"Document nesting depth (1001) exceeds the maximum allowed (1000, from `StreamReadConstraints.getMaxNestingDepth()`) (through reference chain: java.util.ArrayList[0]) || Document nesting depth (1001) exceeds the maximum allowed (1000, from `StreamReadConstraints.getMaxNestingDepth()`)"},
	{strings.Repeat("1", 1001), "Number value length (1001) exceeds the maximum allowed (1000, from `StreamReadConstraints.getMaxNumberLength()`)",
		"Number value length (1001) exceeds the maximum allowed (1000, from `StreamReadConstraints.getMaxNumberLength()`)"},
	// resetFloat counts an absent exponent as -1
	{"1." + strings.Repeat("1", 1000), "OK", "%AFloating-point value (token `JsonToken.VALUE_NUMBER_FLOAT`)\n at @; line: 1, column: 1]"},
	{strings.Repeat("x", 300), "Unrecognized token '" + strings.Repeat("x", 256) + "...': was expecting %V\n at @; line: 1, column: 257]",
		"Unrecognized token '" + strings.Repeat("x", 256) + "...': was expecting %V\n at @; line: 1, column: 257]"},
}

var readWording = strings.NewReplacer("@", SourceRedacted, "%V", ValidValues,
	"%A", "Cannot deserialize value of type `java.util.ArrayList<com.fasterxml.jackson.databind.JsonNode>` from ")

// ReadTree and ReadNodeList refuse a text as Jackson 2.16.0's
// ReaderBasedJsonParser and databind refuse it, message and location.
func TestReadRefusesAsJackson(t *testing.T) {
	for _, c := range readCases {
		missing, refusal := ReadTree(c.in)
		got := "OK"
		switch {
		case refusal != "":
			got = refusal
		case missing:
			got = "MISSING"
		}
		if want := readWording.Replace(c.tree); got != want {
			t.Errorf("readTree(%q):\n got %q\nwant %q", c.in, got, want)
		}
		got = "OK"
		if r := ReadNodeList(c.in); r != nil && r.Null {
			got = "NULL"
		} else if r != nil {
			got = strings.Join(r.Msgs, " || ")
		}
		if want := readWording.Replace(c.list); got != want {
			t.Errorf("readValue(%q, List<JsonNode>):\n got %q\nwant %q", c.in, got, want)
		}
	}
}
