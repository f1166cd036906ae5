package sql

import (
	"regexp"
	"sort"
	"strings"
)

var plainIdent = regexp.MustCompile(`^[A-Z_][A-Z0-9_]*$`)

// QuoteIdent writes a name as ksqlDB's SqlFormatter does: back-quoted when
// it is not a plain upper-case identifier or is a reserved word
// (IdentifierUtil.needsQuotes).
func QuoteIdent(name string) string {
	if plainIdent.MatchString(name) && !reserved[name] {
		return name
	}
	return "`" + strings.ReplaceAll(name, "`", "``") + "`"
}

// FormatCreateSource is the text ksqlDB keeps for a CREATE STREAM|TABLE
// with columns once its injectors ran: the columns as given (names quoted
// where needed, canonical types), the WITH properties upper-cased and
// sorted by name with the key format added (unless FORMAT gives it), formats
// upper-cased. cols are "name TYPE [KEY|PRIMARY KEY]" texts. Seen in the
// stored plans of confluentinc/ksql ksqldb-functional-tests/src/test/
// resources/historical_plans/*/7.1.0_*/plan.json ("statementText").
func FormatCreateSource(cs *CreateSource, cols []string, keyFormat string) string {
	var b strings.Builder
	b.WriteString("CREATE ")
	if cs.OrReplace {
		b.WriteString("OR REPLACE ")
	}
	if cs.SourceOnly {
		b.WriteString("SOURCE ")
	}
	if cs.Table {
		b.WriteString("TABLE ")
	} else {
		b.WriteString("STREAM ")
	}
	if cs.IfNotExists {
		b.WriteString("IF NOT EXISTS ")
	}
	b.WriteString(QuoteIdent(cs.Name))
	b.WriteString(" (" + strings.Join(cols, ", ") + ")")
	props := map[string]string{}
	hasFormat := false
	for _, p := range cs.Props {
		name := strings.ToUpper(p.Name)
		lit, _ := p.Value.(*Literal)
		val := ""
		switch {
		case lit == nil:
			val = Format(p.Value)
		case lit.Kind == StringLit:
			v := lit.Text
			if strings.HasSuffix(name, "FORMAT") && name != "TIMESTAMP_FORMAT" {
				v = strings.ToUpper(v)
			}
			val = "'" + strings.ReplaceAll(v, "'", "''") + "'"
		case lit.Kind == BoolLit:
			val = "false"
			if lit.Bool {
				val = "true"
			}
		default:
			val = lit.Text
		}
		if name == "FORMAT" {
			hasFormat = true
		}
		props[name] = val
	}
	if _, ok := props["KEY_FORMAT"]; !ok && !hasFormat {
		props["KEY_FORMAT"] = "'" + keyFormat + "'"
	}
	names := make([]string, 0, len(props))
	for n := range props {
		names = append(names, n)
	}
	sort.Strings(names)
	for i, n := range names {
		names[i] = n + "=" + props[n]
	}
	b.WriteString(" WITH (" + strings.Join(names, ", ") + ");")
	return b.String()
}
