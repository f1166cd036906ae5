package sql

import (
	"strings"
	"testing"
)

// The cases of ksqlDB's VariableSubstitutorTest (ksqldb-parser, v7.9.0),
// each statement with the variables and the text or error it expects.

func substituted(t *testing.T, text string, vars map[string]string) (string, error) {
	t.Helper()
	stmts, err := Parse(text)
	if err != nil || len(stmts) != 1 {
		t.Fatalf("parse %q: %v %d", text, err, len(stmts))
	}
	return Substitute(stmts[0], func(name string) (string, bool) {
		v, ok := vars[name]
		return v, ok
	})
}

func checkSubstituted(t *testing.T, vars map[string]string, cases [][2]string) {
	t.Helper()
	for _, c := range cases {
		got, err := substituted(t, c[0], vars)
		if err != nil || got != c[1] {
			t.Errorf("%s\n got  %q %v\n want %q", c[0], got, err, c[1])
		}
	}
}

func checkRefused(t *testing.T, vars map[string]string, cases [][2]string) {
	t.Helper()
	for _, c := range cases {
		got, err := substituted(t, c[0], vars)
		if err == nil || !strings.Contains(err.Error(), c[1]) {
			t.Errorf("%s: got %q %v, want an error with %q", c[0], got, err, c[1])
		}
	}
}

// shouldSupportRecursiveVariableReplacement: $${ is kept as ${ while the
// reference inside it is still substituted.
func TestSubstituteEscapedPrefixKeepsItsInnerReference(t *testing.T) {
	checkSubstituted(t, map[string]string{"env": "qa"}, [][2]string{
		{"DEFINE topicName = 'topic_$${${env}}';", "DEFINE topicName = 'topic_${qa}';"},
	})
}

// shouldSubstituteVariableOnDefine: a DEFINE's value is a string literal;
// quotes of other kinds in a value are text.
func TestSubstituteFillsTheValueOfADefine(t *testing.T) {
	checkSubstituted(t, map[string]string{"env": "qa", "env_quoted": `"qa"`, "env_backQuoted": "`qa`"}, [][2]string{
		{"DEFINE topicName = 'topic_${env}';", "DEFINE topicName = 'topic_qa';"},
		{"DEFINE topicName = 'topic_${env_quoted}';", `DEFINE topicName = 'topic_"qa"';`},
		{"DEFINE topicName = 'topic_${env_backQuoted}';", "DEFINE topicName = 'topic_`qa`';"},
	})
}

// shouldSubstituteVariableOnDescribe: an identifier may be bare, in double
// quotes or in backticks.
func TestSubstituteNamesTheSourceOfADescribe(t *testing.T) {
	checkSubstituted(t, map[string]string{"identifier": "_id_", "quotedIdentifier": `"_id_"`, "backQuotedIdentifier": "`_id_`"}, [][2]string{
		{"DESCRIBE ${identifier};", "DESCRIBE _id_;"},
		{"DESCRIBE ${quotedIdentifier};", `DESCRIBE "_id_";`},
		{"DESCRIBE ${backQuotedIdentifier};", "DESCRIBE `_id_`;"},
		{"DESCRIBE ${identifier} EXTENDED;", "DESCRIBE _id_ EXTENDED;"},
		{"DESCRIBE ${quotedIdentifier} EXTENDED;", `DESCRIBE "_id_" EXTENDED;`},
		{"DESCRIBE ${backQuotedIdentifier} EXTENDED;", "DESCRIBE `_id_` EXTENDED;"},
	})
}

// VariableSubstitutorTest's DESCRIBE FUNCTION rows: the function's name
// may be a variable, bare, in double quotes or in backticks.
func TestSubstituteNamesTheFunctionOfADescribeFunction(t *testing.T) {
	checkSubstituted(t, map[string]string{"identifier": "_id_", "quotedIdentifier": `"_id_"`, "backQuotedIdentifier": "`_id_`"}, [][2]string{
		{"DESCRIBE FUNCTION ${identifier};", "DESCRIBE FUNCTION _id_;"},
		{"DESCRIBE FUNCTION ${quotedIdentifier};", `DESCRIBE FUNCTION "_id_";`},
		{"DESCRIBE FUNCTION ${backQuotedIdentifier};", "DESCRIBE FUNCTION `_id_`;"},
	})
}

// shouldThrowOnDescribeWhenInvalidVariables: a keyword cannot ride along
// with a name, quoted or not.
func TestSubstituteRefusesAKeywordInAnIdentifier(t *testing.T) {
	vars := map[string]string{
		"identifier": "EXTENDED _id_", "quotedIdentifier": `EXTENDED "_id_"`, "backQuotedIdentifier": "EXTENDED `_id_`",
		"singleQuoteIdentifier": "EXTENDED '_id_'", "quotedIdentifier2": `"EXTENDED _id_"`,
		"backQuotedIdentifier2": "`EXTENDED _id_`", "singleQuoteIdentifier2": "'EXTENDED _id_'",
	}
	var cases [][2]string
	for name := range vars {
		cases = append(cases, [2]string{"DESCRIBE ${" + name + "};", "Illegal argument"})
	}
	checkRefused(t, vars, cases)
}

// shouldSubstituteVariableOnInsert: numbers, booleans and quoted strings
// are literals.
func TestSubstituteFillsInsertValues(t *testing.T) {
	checkSubstituted(t, map[string]string{"identifier": "_id_", "num": "1", "dec": "0.32", "bool": "false", "str": "'john'"}, [][2]string{
		{"INSERT INTO ${identifier} VALUES (${num}, ${bool}, ${dec}, ${str});", "INSERT INTO _id_ VALUES (1, false, 0.32, 'john');"},
	})
}

// shouldSubstituteVariableOnCreate: WITH property values are literals.
func TestSubstituteFillsTheWithClauseOfACreate(t *testing.T) {
	checkSubstituted(t, map[string]string{"identifier": "_id_", "quotedIdentifier": `"_id_"`, "backQuotedIdentifier": "`_id_`",
		"topicName": "'name1'", "replicas": "3"}, [][2]string{
		{"CREATE STREAM ${identifier} WITH (kafka_topic=${topicName}, replicas=${replicas});", "CREATE STREAM _id_ WITH (kafka_topic='name1', replicas=3);"},
		{"CREATE STREAM ${quotedIdentifier} WITH (kafka_topic=${topicName}, replicas=${replicas});", `CREATE STREAM "_id_" WITH (kafka_topic='name1', replicas=3);`},
		{"CREATE STREAM ${backQuotedIdentifier} WITH (kafka_topic=${topicName}, replicas=${replicas});", "CREATE STREAM `_id_` WITH (kafka_topic='name1', replicas=3);"},
	})
}

// shouldSanitizeStatements: a quoted value's inner quotes are doubled, so
// it stays one literal.
func TestSubstituteDoublesQuotesInsideAQuotedValue(t *testing.T) {
	checkSubstituted(t, map[string]string{"escapeQuote": "'t1', value_format='AVRO'"}, [][2]string{
		{"CREATE STREAM s1 WITH (kafka_topic=${escapeQuote});", "CREATE STREAM s1 WITH (kafka_topic='t1'', value_format=''AVRO');"},
	})
}

// shouldThrowOnSQLInjection: a value that would add SQL is refused, as an
// identifier or as a literal.
func TestSubstituteRefusesValuesThatAddSQL(t *testing.T) {
	checkRefused(t, map[string]string{"injectSchema": "s1 (id, name)", "injectValues": "1, 5",
		"injectWhere": "s1 WHERE id = 1", "injectExpression": "5 and id != 5"}, [][2]string{
		{"INSERT INTO ${injectSchema} VALUES (1);", "Identifier names cannot start"},
		{"INSERT INTO s1 VALUES (${injectValues});", "Illegal argument"},
		{"SELECT * FROM ${injectWhere};", "Identifier names cannot start"},
		{"SELECT * FROM s1 WHERE id = ${injectExpression};", "Illegal argument"},
		{"CREATE STREAM ${injectSchema} WITH (kafka_topic='t1');", "Identifier names cannot start"},
	})
}
