package functions

import (
	"errors"
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/javatime"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
)

// fastDateLetters are the letters commons-lang3 3.5's FastDatePrinter
// knows (parsePattern), ksqlDB 7.9's lang3.version.
const fastDateLetters = "GyYMdhHmsSEuDFwWakKXzZ"

// fastDatePatternError is the message of the IllegalArgumentException
// FastDateFormat.getInstance throws for pattern (commons-lang3 3.5), ""
// when it takes it: its FastDatePrinter, built first, refuses a run of a
// letter it does not know ("Illegal pattern component: <run>") or more
// than three X ("invalid number of X"), reading text outside quotes up to
// the next letter (parseToken); then its FastDateParser an open quote
// (StrategyParser.literal: "Unterminated quote").
func fastDatePatternError(pattern string) string {
	isLetter := func(c rune) bool { return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' }
	p := []rune(pattern)
	quoted := false // the parser's activeQuote
	for i := 0; i < len(p); {
		c := p[i]
		if !quoted && isLetter(c) {
			j := i
			for j < len(p) && p[j] == c {
				j++
			}
			switch run := string(p[i:j]); {
			case !strings.ContainsRune(fastDateLetters, c):
				return "Illegal pattern component: " + run
			case c == 'X' && len(run) > 3:
				return "invalid number of X"
			}
			i = j
			continue
		}
		if c == '\'' {
			if i+1 < len(p) && p[i+1] == '\'' {
				i += 2 // an escaped quote
				continue
			}
			quoted = !quoted
		}
		i++
	}
	if quoted {
		return "Unterminated quote"
	}
	return ""
}

// parseDatePattern is PARSE_DATE's check of a literal pattern: one
// FastDateFormat refuses fails row by row, as in ksqlDB; one it takes and
// this server does not read (javatime, which reads it as DateTimeFormatter
// would) is refused as not supported.
func parseDatePattern(args []sql.Expr) error {
	pattern, ok := stringLiteral(args, 1)
	if !ok || fastDatePatternError(pattern) != "" {
		return nil
	}
	if _, err := javatime.Compile(pattern); err != nil {
		var ip *javatime.InvalidPatternError
		if errors.As(err, &ip) {
			return stmterr.Unsupported("date pattern '" + pattern + "' (" + ip.Msg + ")")
		}
		return stmterr.Unsupported("date-time pattern '" + pattern + "' (" + err.Error() + ")")
	}
	return nil
}
