package ksqldb

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"sort"
	"strconv"
	"strings"

	"github.com/ctalab/ctalab/lab/javanum"
	"github.com/ctalab/ctalab/lab/ksqldb/restapi"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
)

// substitutionProperty turns variable substitution off for a /ksql request
// when its streamsProperties set it to false (KsqlConfig,
// ksql.variable.substitution.enable, default true). A SET of it inside the
// request does not count: ksqlDB's RequestHandler only reads a Boolean, and
// SET stores the text.
const substitutionProperty = "ksql.variable.substitution.enable"

// sessionVars are the variables of one request: those of the request's
// sessionVariables field and its DEFINEs. On /ksql names compare without
// case, keep the spelling they were first given and list in
// case-insensitive order (SessionProperties' TreeMap with
// String.CASE_INSENSITIVE_ORDER); /query and /query-stream compare them
// exactly (QueryEndpoint collects them into a HashMap).
type sessionVars struct {
	foldCase bool
	enabled  bool
	m        map[string]variable
}

type variable struct{ name, value string }

// newSessionVars takes the request field's values as ksqlDB does, by the
// string form (Object.toString) of what Jackson decodes them to.
func newSessionVars(foldCase, enabled bool, initial map[string]json.RawMessage) *sessionVars {
	v := &sessionVars{foldCase: foldCase, enabled: enabled, m: map[string]variable{}}
	for name, value := range initial {
		v.set(name, jsonValueString(value))
	}
	return v
}

// jsonValueString is the text Java's toString gives for the value Jackson
// decodes a JSON value to: a string as it is; an integer as written (an
// Integer, Long or BigInteger); any other number as a Double
// (Double.toString: 1e3 is 1000.0); true, false and null as written; an
// object as a LinkedHashMap ({a=1, b=x}) and an array as an ArrayList
// ([1, x]).
func jsonValueString(raw json.RawMessage) string {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var b strings.Builder
	if err := writeJavaString(&b, dec); err != nil {
		return string(raw) // the request body was valid JSON; not reached
	}
	return b.String()
}

func writeJavaString(b *strings.Builder, dec *json.Decoder) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case string:
		b.WriteString(t)
	case json.Number:
		if !strings.ContainsAny(t.String(), ".eE") {
			b.WriteString(t.String())
			return nil
		}
		f, err := t.Float64()
		if err != nil {
			return err
		}
		b.WriteString(javanum.FormatDouble(f))
	case bool:
		b.WriteString(strconv.FormatBool(t))
	case nil:
		b.WriteString("null")
	case json.Delim:
		open, end := "[", json.Delim(']')
		if t == '{' {
			open, end = "{", '}'
		}
		b.WriteString(open)
		for i := 0; dec.More(); i++ {
			if i > 0 {
				b.WriteString(", ")
			}
			if t == '{' {
				key, err := dec.Token()
				if err != nil {
					return err
				}
				b.WriteString(fmt.Sprint(key))
				b.WriteByte('=')
			}
			if err := writeJavaString(b, dec); err != nil {
				return err
			}
		}
		if _, err := dec.Token(); err != nil {
			return err
		}
		b.WriteString(string(end))
	}
	return nil
}

func (v *sessionVars) key(name string) string {
	if v.foldCase {
		return strings.ToUpper(name)
	}
	return name
}

func (v *sessionVars) clone() *sessionVars {
	return &sessionVars{foldCase: v.foldCase, enabled: v.enabled, m: maps.Clone(v.m)}
}

func (v *sessionVars) set(name, value string) {
	k := v.key(name)
	if old, ok := v.m[k]; ok {
		name = old.name
	}
	v.m[k] = variable{name: name, value: value}
}

func (v *sessionVars) lookup(name string) (string, bool) {
	x, ok := v.m[v.key(name)]
	return x.value, ok
}

// prepare substitutes a statement's variable references and parses the
// result again (EngineContext.prepare): nothing is substituted while
// substitution is off or no variable is defined. It then refuses what
// AstBuilder refuses as it builds the statement (notIntegerClause).
func (v *sessionVars) prepare(p sql.Parsed) (sql.Parsed, error) {
	p, err := v.substitute(p)
	if err != nil {
		return p, err
	}
	return p, notIntegerClause(p.Stmt)
}

// substitute replaces the statement's variable references with their values
// and parses the result.
func (v *sessionVars) substitute(p sql.Parsed) (sql.Parsed, error) {
	if v == nil || !v.enabled || len(v.m) == 0 {
		if len(p.Vars) > 0 {
			return p, stmterr.Unsupported(fmt.Sprintf("a variable reference with no variable to substitute (${%s})", p.Vars[0].Name))
		}
		return p, nil
	}
	text, err := sql.Substitute(p, v.lookup)
	if err != nil {
		return p, err
	}
	if text == p.Text {
		return p, nil
	}
	stmts, err := sql.Parse(text)
	if err != nil {
		return p, err
	}
	if len(stmts) != 1 {
		return p, stmterr.Bad("Expected exactly one KSQL statement; found %d instead", len(stmts))
	}
	return stmts[0], nil
}

// execVariable runs DEFINE, UNDEFINE and SHOW VARIABLES (VariableExecutor,
// ListVariablesExecutor): DEFINE answers no entity, UNDEFINE of a name never
// defined answers a warning.
func (ec *execCtx) execVariable(p sql.Parsed) (any, error) {
	if ec.vars == nil {
		ec.vars = newSessionVars(true, true, nil)
	}
	switch st := p.Stmt.(type) {
	case *sql.DefineVariable:
		ec.vars.set(st.Name, st.Value)
		return nil, nil
	case *sql.UndefineVariable:
		k := ec.vars.key(st.Name)
		if _, ok := ec.vars.m[k]; !ok {
			return &restapi.WarningEntity{Type: "warning_entity", StatementText: p.Text,
				Message:  fmt.Sprintf("Cannot undefine variable '%s' which was never defined", st.Name),
				Warnings: []restapi.Warning{}}, nil
		}
		delete(ec.vars.m, k)
		return nil, nil
	}
	list := &restapi.VariablesList{Type: "variables", StatementText: p.Text, Variables: []restapi.VariableEntry{}, Warnings: []restapi.Warning{}}
	for _, x := range ec.vars.m {
		list.Variables = append(list.Variables, restapi.VariableEntry{Name: x.name, Value: x.value})
	}
	sort.Slice(list.Variables, func(i, j int) bool {
		return strings.ToUpper(list.Variables[i].Name) < strings.ToUpper(list.Variables[j].Name)
	})
	return list, nil
}
