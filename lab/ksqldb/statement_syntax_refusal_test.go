package ksqldb

import "testing"

// Statements the server's grammar does not have are syntax errors as
// SyntaxErrorValidator words them: RUN SCRIPT (a CLI and test-grammar
// command) is an unknown statement, with the closest command suggested, and
// ASSERT VALUES (test grammar only) leaves no alternative of ASSERT viable.
// query-validation-tests asserts.json "should not parse RUN SCRIPT",
// "should not parse ASSERT".
func TestTestGrammarStatementsAreSyntaxErrors(t *testing.T) {
	refusals(t, "", [][2]string{
		{"RUN SCRIPT 'x.sql';", "line 1:1: Syntax Error\nUnknown statement 'RUN'\nDid you mean 'PRINT'?"},
		{"ASSERT VALUES foo (id INT) VALUES (1);", "line 1:8: Syntax Error\nSyntax error at or near 'VALUES' at line 1:8"},
		{"ASSERT NOT TOPIC foo;", "line 1:12: Syntax Error\nSyntax error at or near 'TOPIC' at line 1:12"},
		{"SELEKT * FROM x;", "line 1:1: Syntax Error\nUnknown statement 'SELEKT'\nDid you mean 'SELECT'?"},
	})
}
