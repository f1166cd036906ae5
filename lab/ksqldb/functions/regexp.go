package functions

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/ctalab/ctalab/lab/ksqldb/javaregex"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// The regular expression functions: confluentinc/ksql v7.9.0
// ksqldb-engine .../udf/string/{RegexpExtract,RegexpExtractAll,
// RegexpReplace,RegexpSplitToArray}.java. Each refuses a pattern as
// Pattern.compile does (javaregex), then runs it with Go's RE2.

const regexpUDF = "io.confluent.ksql.function.udf.string."

// compiledRegexp is a pattern compiled: RE2's program, or what
// Pattern.compile throws, or neither where Java takes a pattern RE2 does
// not (err is RE2's refusal then).
type compiledRegexp struct {
	re     *regexp.Regexp
	thrown error
	err    error
}

var regexpCache sync.Map // pattern -> compiledRegexp

func compileRegexp(pattern string) compiledRegexp {
	if v, ok := regexpCache.Load(pattern); ok {
		return v.(compiledRegexp)
	}
	var c compiledRegexp
	if c.thrown = javaregex.Check(pattern); c.thrown == nil {
		c.re, c.err = regexp.Compile(pattern)
	}
	regexpCache.Store(pattern, c)
	return c
}

// javaRegexp is Pattern.compile(pattern) for a UDF that wraps its
// PatternSyntaxException in KsqlFunctionException "Invalid regular
// expression pattern: <pattern>" (wrap) or lets it out: the program, or
// what the UDF throws. A pattern Java takes and RE2 cannot run has
// neither; the UDF's value is NULL then (refused when it is a literal,
// regexpArg).
func javaRegexp(pattern string, wrap bool) (*regexp.Regexp, []string) {
	c := compileRegexp(pattern)
	var se *javaregex.SyntaxError
	switch {
	case c.thrown == nil:
		return c.re, nil
	case wrap && errors.As(c.thrown, &se):
		return nil, threw("Invalid regular expression pattern: "+pattern, c.thrown.Error())
	}
	return nil, threw(c.thrown.Error())
}

// regexpArg refuses a literal pattern, argument i, that Java takes and
// RE2 does not run (a back reference, a look-around, a possessive
// quantifier, ...).
func regexpArg(i int) func(args []sql.Expr) error {
	return func(args []sql.Expr) error {
		pattern, ok := stringLiteral(args, i)
		if !ok {
			return nil
		}
		if c := compileRegexp(pattern); c.err != nil {
			return stmterr.Unsupported("regular expression '" + pattern + "' (" + c.err.Error() + ")")
		}
		return nil
	}
}

// regexpGroup is what the REGEXP_EXTRACT functions do first: NULL for a
// NULL argument (ok false), then the pattern compiled (its
// PatternSyntaxException wrapped or not), NULL (ok false) for a group
// past the pattern's.
func regexpGroup(a []any, wrap bool) (re *regexp.Regexp, g int, ok bool, thrown []string) {
	if len(a) < 3 {
		a = append(a, int32(0))
	}
	if a[0] == nil || a[1] == nil || a[2] == nil {
		return nil, 0, false, nil
	}
	if re, thrown = javaRegexp(a[0].(string), wrap); re == nil {
		return nil, 0, false, thrown
	}
	g = int(a[2].(int32))
	return re, g, g <= re.NumSubexp(), nil
}

// noGroup is Matcher.group's IndexOutOfBoundsException for a negative
// group, thrown once a match is found.
func noGroup(g int) []string { return threw(fmt.Sprintf("No group %d", g)) }

// regexpExtract is RegexpExtract: the group of the first match, NULL when
// nothing matches.
func regexpExtract(a []any) (any, []string) {
	re, g, ok, thrown := regexpGroup(a, false)
	if !ok {
		return nil, thrown
	}
	s := a[1].(string)
	m := re.FindStringSubmatchIndex(s)
	switch {
	case m == nil:
		return nil, nil
	case g < 0:
		return nil, noGroup(g)
	case m[2*g] < 0:
		return nil, nil
	}
	return s[m[2*g]:m[2*g+1]], nil
}

// regexpExtractAll is RegexpExtractAll: the group of every match, its
// PatternSyntaxException wrapped.
func regexpExtractAll(a []any) (any, []string) {
	re, g, ok, thrown := regexpGroup(a, true)
	if !ok {
		return nil, thrown
	}
	s := a[1].(string)
	out := []any{}
	for _, m := range re.FindAllStringSubmatchIndex(s, -1) {
		switch {
		case g < 0:
			return nil, noGroup(g)
		case m[2*g] < 0:
			out = append(out, nil)
		default:
			out = append(out, s[m[2*g]:m[2*g+1]])
		}
	}
	return out, nil
}

// regexpReplace is RegexpReplace: String.replaceAll.
func regexpReplace(a []any) (any, []string) {
	if a[0] == nil || a[1] == nil || a[2] == nil {
		return nil, nil
	}
	re, thrown := javaRegexp(a[1].(string), true)
	if re == nil {
		return nil, thrown
	}
	return javaReplaceAll(re, a[0].(string), a[2].(string))
}

// javaReplaceAll is Matcher.replaceAll (JDK 17): the text with each match
// replaced by the replacement as appendExpandedReplacement expands it for
// that match, or what the expansion throws. A backslash takes the next
// character as it is; $ takes a group: ${name}, or a number, its first digit always
// and each further digit while the number stays within the pattern's
// groups; a group that did not take part adds nothing.
func javaReplaceAll(re *regexp.Regexp, text, replacement string) (any, []string) {
	matches := re.FindAllStringSubmatchIndex(text, -1)
	if len(matches) == 0 {
		return text, nil
	}
	r := []rune(replacement)
	var out strings.Builder
	last := 0
	for _, m := range matches {
		out.WriteString(text[last:m[0]])
		last = m[1]
		for i := 0; i < len(r); {
			c := r[i]
			switch c {
			case '\\':
				if i++; i == len(r) {
					return nil, threw("character to be escaped is missing")
				}
				out.WriteRune(r[i])
				i++
				continue
			case '$':
			default:
				out.WriteRune(c)
				i++
				continue
			}
			if i++; i == len(r) {
				return nil, threw("Illegal group reference: group index is missing")
			}
			var group int
			if r[i] == '{' {
				j := i + 1
				for j < len(r) && (r[j] >= 'a' && r[j] <= 'z' || r[j] >= 'A' && r[j] <= 'Z' || r[j] >= '0' && r[j] <= '9') {
					j++
				}
				name := string(r[i+1 : j])
				switch {
				case name == "":
					return nil, threw("named capturing group has 0 length name")
				case j == len(r) || r[j] != '}':
					return nil, threw("named capturing group is missing trailing '}'")
				case name[0] >= '0' && name[0] <= '9':
					return nil, threw("capturing group name {" + name + "} starts with digit character")
				}
				if group = re.SubexpIndex(name); group < 0 {
					return nil, threw("No group with name {" + name + "}")
				}
				i = j + 1
			} else {
				if r[i] < '0' || r[i] > '9' {
					return nil, threw("Illegal group reference")
				}
				group = int(r[i] - '0')
				for i++; i < len(r) && r[i] >= '0' && r[i] <= '9' && group*10+int(r[i]-'0') <= re.NumSubexp(); i++ {
					group = group*10 + int(r[i]-'0')
				}
				if group > re.NumSubexp() {
					return nil, noGroup(group) // Matcher.start
				}
			}
			if m[2*group] >= 0 {
				out.WriteString(text[m[2*group]:m[2*group+1]])
			}
		}
	}
	out.WriteString(text[last:])
	return out.String(), nil
}

// regexpSplit is RegexpSplitToArray: Guava's Splitter.on(pattern) keeps
// every empty piece; a pattern matching the empty string splits as
// Pattern.split does, into characters without a trailing empty piece.
func regexpSplit(a []any) (any, []string) {
	if a[0] == nil || a[1] == nil {
		return nil, nil
	}
	s := a[0].(string)
	re, thrown := javaRegexp(a[1].(string), true)
	switch {
	case re == nil:
		return nil, thrown
	case !re.MatchString(""):
		return strings2any(re.Split(s, -1)), nil
	case s == "":
		return []any{""}, nil
	}
	return strings2any(strings.Split(s, "")), nil
}

func init() {
	str := types.String
	list := types.ArrayOf(types.String)
	extract := "public java.lang.String " + regexpUDF + "RegexpExtract.regexpExtract(java.lang.String,java.lang.String"
	extractAll := "public java.util.List " + regexpUDF + "RegexpExtractAll.regexpExtractAll(java.lang.String,java.lang.String"
	register(&UDF{name: "regexp_extract", Validate: regexpArg(0), overloads: []Overload{
		throwing(Overload{Params: []Param{p(str, "pattern"), p(str, "input")}, Ret: str, Throwing: regexpExtract, Method: extract + ")"}),
		throwing(Overload{Params: []Param{p(str, "pattern"), p(str, "input"), p(types.Integer, "group")}, Ret: str, Throwing: regexpExtract, Method: extract + ",java.lang.Integer)"}),
	}})
	register(&UDF{name: "regexp_extract_all", Validate: regexpArg(0), overloads: []Overload{
		throwing(Overload{Params: []Param{p(str, "pattern"), p(str, "input")}, Ret: list, Throwing: regexpExtractAll, Method: extractAll + ")"}),
		throwing(Overload{Params: []Param{p(str, "pattern"), p(str, "input"), p(types.Integer, "group")}, Ret: list, Throwing: regexpExtractAll, Method: extractAll + ",java.lang.Integer)"}),
	}})
	register(&UDF{name: "regexp_replace", Validate: regexpArg(1), overloads: []Overload{
		throwing(Overload{Params: []Param{p(str, "str"), p(str, "regexp"), p(str, "newStr")}, Ret: str, Throwing: regexpReplace,
			Method: "public java.lang.String " + regexpUDF + "RegexpReplace.regexpReplace(java.lang.String,java.lang.String,java.lang.String)"}),
	}})
	register(&UDF{name: "regexp_split_to_array", Validate: regexpArg(1), overloads: []Overload{
		throwing(Overload{Params: []Param{p(str, "string"), p(str, "regexp")}, Ret: list, Throwing: regexpSplit,
			Method: "public java.util.List " + regexpUDF + "RegexpSplitToArray.regexpSplit(java.lang.String,java.lang.String)"}),
	}})
}
