package ksqldb

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

// The how-to guide "Substitute variables" and the reference pages DEFINE,
// UNDEFINE and SHOW VARIABLES, run over the REST API. The guide's
// statements go to /ksql as written; its queries go to /query or
// /query-stream with the request field sessionVariables, since a query
// cannot share a request with DEFINE. Entity shapes are ksqlDB's
// VariablesList ("variables") and WarningEntity ("warning_entity"); the
// errors are VariableSubstitutor's (ksqldb-parser, v7.9.0).
// https://docs.ksqldb.io/en/0.29.0-ksqldb/how-to-guides/substitute-variables/
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/define/
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/undefine/
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/show-variables/

// postVars posts a request body with sessionVariables; the query-stream
// endpoint names its fields sql and properties.
func postVars(t *testing.T, url, path, text string, props, vars map[string]any) (int, []byte) {
	t.Helper()
	body := map[string]any{"ksql": text, "streamsProperties": props, "sessionVariables": vars}
	if path == "/query-stream" {
		body = map[string]any{"sql": text, "properties": props, "sessionVariables": vars}
	}
	b, _ := json.Marshal(body)
	resp, err := http.Post(url+path, "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatalf("post %s: %v", path, err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

func mustKSQLVars(t *testing.T, url, text string, props, vars map[string]any) []map[string]any {
	t.Helper()
	code, body := postVars(t, url, "/ksql", text, props, vars)
	if code != 200 {
		t.Fatalf("POST /ksql %q: %d %s", text, code, body)
	}
	var out []map[string]any
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatalf("decode /ksql response: %v: %s", err, body)
	}
	return out
}

func ksqlErrVars(t *testing.T, url, text string, vars map[string]any) (int, map[string]any) {
	t.Helper()
	code, body := postVars(t, url, "/ksql", text, nil, vars)
	var out map[string]any
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatalf("decode error body: %v: %s", err, body)
	}
	return code, out
}

// variablesOf renders a "variables" entity's list as name=value lines.
func variablesOf(t *testing.T, ent map[string]any) []string {
	t.Helper()
	if ent["@type"] != "variables" {
		t.Fatalf("entity %v, want @type variables", ent)
	}
	var out []string
	for _, v := range ent["variables"].([]any) {
		m := v.(map[string]any)
		out = append(out, fmt.Sprintf("%v=%v", m["name"], m["value"]))
	}
	return out
}

// queryStreamRows runs a pull or limited push query on /query-stream and
// returns its rows as JSON arrays.
func queryStreamRows(t *testing.T, url, text string, props, vars map[string]any) []string {
	t.Helper()
	code, body := postVars(t, url, "/query-stream", text, props, vars)
	if code != 200 {
		t.Fatalf("%s: %d %s", text, code, body)
	}
	var rows []string
	dec := json.NewDecoder(bytes.NewReader(body))
	var first map[string]any
	if err := dec.Decode(&first); err != nil {
		t.Fatalf("%s: header %v: %s", text, err, body)
	}
	for dec.More() {
		var row json.RawMessage
		if err := dec.Decode(&row); err != nil {
			t.Fatalf("%s: row %v: %s", text, err, body)
		}
		if len(row) > 0 && row[0] == '[' {
			rows = append(rows, string(row))
		}
	}
	return rows
}

// Guide, section "In action": the defined format and replica count reach
// the stream's WITH clause; value_format '${format}' is AVRO.
func TestVariablesInActionDefinedValuesReachTheWithClause(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	st.createTopic("stream1", 1)
	out := mustKSQL(t, url, "DEFINE format = 'AVRO';\nDEFINE replicas = '3';\n\nCREATE STREAM stream1 (\n  id INT\n) WITH (\n  kafka_topic = 'stream1',\n  value_format = '${format}',\n  replicas = ${replicas}\n);", nil)
	if len(out) != 1 || out[0]["@type"] != "currentStatus" {
		t.Fatalf("want only the CREATE's status (DEFINE answers no entity): %v", out)
	}
	desc := mustKSQL(t, url, "DESCRIBE stream1;", nil)
	src := desc[0]["sourceDescription"].(map[string]any)
	if src["valueFormat"] != "AVRO" {
		t.Errorf("valueFormat %v, want AVRO", src["valueFormat"])
	}
}

// Reference page SHOW VARIABLES, section "Example": the triple-quoted value
// keeps one pair of quotes. Over REST the list is a "variables" entity whose
// names sort case-insensitively (SessionProperties keeps a TreeMap with
// String.CASE_INSENSITIVE_ORDER).
func TestVariablesShowVariablesListsTheDefinitionsInTheRequest(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	out := mustKSQL(t, url, "DEFINE replicas = '3';\nDEFINE format = 'AVRO';\nDEFINE topicName = '''my_topic''';\nSHOW VARIABLES;", nil)
	if len(out) != 1 {
		t.Fatalf("want one entity: %v", out)
	}
	if out[0]["statementText"] != "SHOW VARIABLES;" {
		t.Errorf("statementText %v", out[0]["statementText"])
	}
	sameLines(t, "variables", variablesOf(t, out[0]), []string{"format=AVRO", "replicas=3", "topicName='my_topic'"})
}

// Guide, section "Use a variable": LIST VARIABLES is SHOW VARIABLES, and a
// request's variables end with the request.
func TestVariablesListVariablesShowsOnlyThisRequestsVariables(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "DEFINE format = 'AVRO';", nil)
	out := mustKSQL(t, url, "DEFINE replicas = '3';\nLIST VARIABLES;", nil)
	sameLines(t, "variables", variablesOf(t, out[0]), []string{"replicas=3"})
}

// Guide, section "Use a variable": UNDEFINE unbinds the name.
func TestVariablesUndefineRemovesTheVariable(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	out := mustKSQL(t, url, "DEFINE format = 'AVRO';\nDEFINE replicas = '3';\nUNDEFINE replicas;\nSHOW VARIABLES;", nil)
	sameLines(t, "variables", variablesOf(t, out[0]), []string{"format=AVRO"})
}

// Reference page UNDEFINE, section "Example": a name never defined answers
// VariableExecutor's warning entity.
func TestVariablesUndefineOfAnUnknownNameWarns(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	out := mustKSQL(t, url, "UNDEFINE replica_count;", nil)
	if len(out) != 1 || out[0]["@type"] != "warning_entity" ||
		out[0]["message"] != "Cannot undefine variable 'replica_count' which was never defined" ||
		out[0]["statementText"] != "UNDEFINE replica_count;" {
		t.Errorf("got %v", out)
	}
}

// Guide, note in "Use a variable": ${REPLICAS} is ${replicas}; the request
// field sessionVariables defines variables for /ksql as DEFINE does.
func TestVariablesNamesAreCaseInsensitiveOnKSQL(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	out := mustKSQLVars(t, url, "CREATE STREAM s1 (id INT) WITH (kafka_topic='${TOPIC}', partitions=${Parts}, value_format='JSON');\nSHOW VARIABLES;",
		nil, map[string]any{"topic": "t_one", "parts": 2})
	sameLines(t, "variables", variablesOf(t, out[1]), []string{"parts=2", "topic=t_one"})
	desc := mustKSQL(t, url, "DESCRIBE s1 EXTENDED;", nil)
	src := desc[0]["sourceDescription"].(map[string]any)
	if src["topic"] != "t_one" || src["partitions"] != float64(2) {
		t.Errorf("topic %v partitions %v, want t_one 2", src["topic"], src["partitions"])
	}
}

// Guide, section "Escape substitution variables": '$${format}' is the text
// ${format}. The guide reads a source named stream, a reserved word of
// ksqlDB's grammar (SqlBase.g4: STREAM is not in nonReserved), so its query
// is a syntax error at the name, as in ksqlDB; backquoted, the name reads
// the stream. The query goes to /query-stream with the variable in
// sessionVariables.
func TestVariablesDoubleDollarEscapesAReference(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM `STREAM` (id INT) WITH (kafka_topic='stream', partitions=1, value_format='JSON');\nINSERT INTO `STREAM` (id) VALUES (1);", nil)
	mustKSQL(t, url, "DEFINE format = 'AVRO';", nil)
	code, body := post(t, url, "/query", "SELECT '$${format}' FROM stream;", nil)
	if code != 400 || !strings.Contains(string(body), `"message":"line 1:26: Syntax Error`) {
		t.Errorf("FROM stream: %d %s, want a syntax error at the name", code, body)
	}
	rows := queryStreamRows(t, url, "SELECT '$${format}' FROM `STREAM`;", nil, map[string]any{"format": "AVRO"})
	sameLines(t, "rows", rows, []string{`["${format}"]`})
}

// Guide, section "Context for substitution variables": variables name the
// stream and its columns, fill string and number literals in the WITH
// clause and VALUES, and name the source of a push query (the guide's
// "..." in the WITH clause left out).
func TestVariablesSubstituteIdentifiersAndLiterals(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	vars := map[string]any{"streamName": "s1", "colName1": "id", "colName2": "name", "topicName": "t1",
		"format": "JSON", "replicas": "1", "val1": "7", "val2": "seven"}
	mustKSQLVars(t, url, "CREATE STREAM ${streamName} (\n  ${colName1} INT,\n  ${colName2} STRING\n) WITH (\n  kafka_topic = '${topicName}',\n  format = '${format}',\n  replicas = ${replicas},\n  partitions = 1\n);\n      \nINSERT INTO ${streamName} (\n  ${colName1},\n  ${colName2}\n) VALUES (\n  ${val1},\n  '${val2}'\n);", nil, vars)
	rows := queryStreamRows(t, url, "SELECT * FROM ${streamName} EMIT CHANGES LIMIT 1;",
		map[string]any{"auto.offset.reset": "earliest"}, vars)
	sameLines(t, "rows", rows, []string{`[7,"seven"]`})
}

// The old /query endpoint takes sessionVariables too (QueryEndpoint).
func TestVariablesSessionVariablesFillAQueryOnQuery(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM s1 (id INT) WITH (kafka_topic='t1', partitions=1, value_format='JSON');\nINSERT INTO s1 (id) VALUES (4);", nil)
	code, body := postVars(t, url, "/query", "SELECT id, '${word}' AS w FROM ${src};", nil, map[string]any{"word": "four", "src": "s1"})
	if code != 200 || !contains(string(body), `"columns":[4,"four"]`) {
		t.Errorf("%d %s", code, body)
	}
}

// VariableSubstitutor: a reference standing for an identifier must hold a
// name; one never defined stays ${name} and fails the same check.
func TestVariablesUndefinedIdentifierIsIllegal(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	code, out := ksqlErrVars(t, url, "DESCRIBE ${missing};", map[string]any{"other": "x"})
	want := "Illegal argument at Line: 1, Col: 10. Identifier names cannot start with '@' and may only contain alphanumeric values and '_'. Got: '${missing}'"
	if code != 400 || out["error_code"] != float64(40001) || out["message"] != want || out["statementText"] != "DESCRIBE ${missing};" {
		t.Errorf("%d %v", code, out)
	}
}

// VariableSubstitutorTest.shouldThrowOnSQLInjection: a source name with a
// column list in it is not an identifier.
func TestVariablesIdentifierValueWithSpacesIsIllegal(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	code, out := ksqlErrVars(t, url, "INSERT INTO ${injectSchema} VALUES (1);", map[string]any{"injectSchema": "s1 (id, name)"})
	want := "Illegal argument at Line: 1, Col: 13. Identifier names cannot start with '@' and may only contain alphanumeric values and '_'. Got: 's1 (id, name)'"
	if code != 400 || out["message"] != want {
		t.Errorf("%d %v", code, out)
	}
}

// VariableSubstitutorTest.shouldThrowOnSQLInjection: a literal must be a
// quoted string, a boolean or a number.
func TestVariablesLiteralValueThatIsNoLiteralIsIllegal(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM s1 (id INT, name STRING) WITH (kafka_topic='t1', partitions=1, value_format='JSON');", nil)
	code, out := ksqlErrVars(t, url, "INSERT INTO s1 VALUES (${injectValues});", map[string]any{"injectValues": "1, 5"})
	if code != 400 || out["message"] != "Illegal argument at Line: 1, Col: 24. Got: '1, 5'" {
		t.Errorf("%d %v", code, out)
	}
}

// VariableSubstitutorTest.shouldSubstituteVariableOnInsert: numbers,
// booleans and quoted strings are literals.
func TestVariablesLiteralValuesOfEveryKindInsert(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM s1 (n INT, b BOOLEAN, d DOUBLE, s STRING) WITH (kafka_topic='t1', partitions=1, value_format='JSON');", nil)
	mustKSQLVars(t, url, "INSERT INTO s1 VALUES (${num}, ${bool}, ${dec}, ${str});", nil,
		map[string]any{"num": "1", "bool": "false", "dec": "0.32", "str": "'john'"})
	rows := queryStreamRows(t, url, "SELECT * FROM s1;", nil, nil)
	sameLines(t, "rows", rows, []string{`[1,false,0.32,"john"]`})
}

// VariableSubstitutorTest.shouldSanitizeStatements: quotes inside a value
// are escaped, so a value cannot close its literal and add a property.
func TestVariablesQuotesInAValueStayInTheLiteral(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM s1 (s STRING) WITH (kafka_topic='t1', partitions=1, value_format='JSON');", nil)
	mustKSQLVars(t, url, "INSERT INTO s1 VALUES ('${v}');", nil, map[string]any{"v": "it's"})
	rows := queryStreamRows(t, url, "SELECT * FROM s1;", nil, nil)
	sameLines(t, "rows", rows, []string{`["it's"]`})
}

// RequestHandler: the request property ksql.variable.substitution.enable
// false leaves references as written.
func TestVariablesDisabledSubstitutionLeavesReferences(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQLVars(t, url, "CREATE STREAM s1 (s STRING) WITH (kafka_topic='t1', partitions=1, value_format='JSON');\nINSERT INTO s1 VALUES ('${v}');",
		map[string]any{"ksql.variable.substitution.enable": false}, map[string]any{"v": "x"})
	rows := queryStreamRows(t, url, "SELECT * FROM s1;", nil, nil)
	sameLines(t, "rows", rows, []string{`["${v}"]`})
}

// KsqlConfig: ksql.variable.substitution.enable set false on the server
// leaves references as written; a request may turn it back on.
func TestVariablesServerConfigDisablesSubstitution(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithVariableSubstitution(false))
	mustKSQLVars(t, url, "CREATE STREAM s1 (s STRING) WITH (kafka_topic='t1', partitions=1, value_format='JSON');\nINSERT INTO s1 VALUES ('${v}');\n", nil, map[string]any{"v": "x"})
	mustKSQLVars(t, url, "INSERT INTO s1 VALUES ('${v}');", map[string]any{"ksql.variable.substitution.enable": "true"}, map[string]any{"v": "y"})
	rows := queryStreamRows(t, url, "SELECT * FROM s1;", nil, nil)
	sameLines(t, "rows", rows, []string{`["${v}"]`, `["y"]`})
}

// RequestHandler reads ksql.variable.substitution.enable from the session
// only as a Boolean, and SET stores the text 'false' (PropertyOverrider):
// over REST a SET in the request does not stop substitution (the guide's
// section "Disable substitution variables" shows the CLI, which
// substitutes on its own side).
func TestVariablesSetInTheRequestDoesNotDisableSubstitution(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM s1 (s STRING) WITH (kafka_topic='t1', partitions=1, value_format='JSON');", nil)
	mustKSQL(t, url, "DEFINE v = 'x';\nSET 'ksql.variable.substitution.enable' = 'false';\nINSERT INTO s1 VALUES ('${v}');", nil)
	rows := queryStreamRows(t, url, "SELECT * FROM s1;", nil, nil)
	sameLines(t, "rows", rows, []string{`["x"]`})
}

// ksqlDB's KsqlRequest takes sessionVariables as Map<String, Object>, so
// Jackson decodes each value (Integer or Long, Double, Boolean, String,
// LinkedHashMap, ArrayList) and VariableSubstitutor uses its toString:
// 1e3 and 2.50 are Doubles, 1000.0 and 2.5; 7 stays an Integer.
func TestVariablesSessionValuesReadAsJavaPrintsWhatJacksonDecodes(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	out := mustKSQLVars(t, url, "SHOW VARIABLES;", nil, map[string]any{
		"big": json.RawMessage(`1e3`), "half": json.RawMessage(`2.50`), "seven": json.RawMessage(`7`),
		"yes": json.RawMessage(`true`), "text": json.RawMessage(`"a b"`),
		"obj": json.RawMessage(`{"k": 1, "l": [1.0, "x"]}`),
	})
	sameLines(t, "variables", variablesOf(t, out[0]), []string{"big=1000.0", "half=2.5", "obj={k=1, l=[1.0, x]}", "seven=7", "text=a b", "yes=true"})
}
