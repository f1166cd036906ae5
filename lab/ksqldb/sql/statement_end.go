package sql

// statementStarts are the words a statement begins with (SqlBase.g4
// statement; SyntaxErrorValidator's commands).
var statementStarts = wordSet("SELECT CREATE INSERT DESCRIBE PRINT EXPLAIN SHOW LIST TERMINATE PAUSE RESUME DROP SET DEFINE UNDEFINE UNSET ASSERT ALTER")

// errStatementEnd reports a statement that does not end where the grammar
// lets it end, as ksqlDB's ANTLR error strategy and SyntaxErrorValidator
// word it. A single extra token before ';' is deleted by the recovery,
// which then expects ';' alone ("extraneous input"), and a reserved word
// there is named as one (SyntaxErrorValidator.isKeywordError). At the end
// of the text, or at a word that begins a statement, the recovery takes
// ';' to be missing (singleTokenInsertion). Otherwise the expectation is
// taken from the first optional clause the statement skipped
// (DefaultErrorStrategy.sync keeps it): after a query without EMIT or
// LIMIT that is every clause and operator that could go on, too many to
// name, and after EMIT it is LIMIT or ';'.
func (p *parser) errStatementEnd(st Statement) error {
	t := p.peek()
	if t.Kind != EOF && p.peekAt(1).Kind == Symbol && p.peekAt(1).Text == ";" {
		if t.Kind == Ident && reserved[t.Upper()] {
			return p.errAt(t, "\"%s\" is a reserved keyword and it can't be used as an identifier."+
				" You can use it as an identifier by escaping it as '%s' ", t.Text, t.Text)
		}
		return p.errExpected("';'")
	}
	if t.Kind == EOF || t.Kind == Ident && statementStarts[t.Upper()] {
		// what may follow the missing ';': the end, or another statement
		return p.errAt(t, "missing ';' at %s", t.describe())
	}
	q := EndingQuery(st)
	if q == nil || q.Limit != nil || q.LimitNotInteger {
		return p.errExpected("';'")
	}
	if q.EmitChanges || q.EmitFinal {
		return p.errAt(t, "Expecting {';', 'LIMIT'}")
	}
	return p.errAt(t, "")
}

// EndingQuery is the query a statement ends with, if it ends with one: a
// SELECT, CREATE ... AS SELECT or INSERT INTO ... SELECT.
func EndingQuery(st Statement) *Query {
	switch st := st.(type) {
	case *QueryStatement:
		return st.Query
	case *CreateSource:
		return st.Query
	case *InsertInto:
		return st.Query
	}
	return nil
}
