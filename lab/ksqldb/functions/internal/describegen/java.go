package main

import (
	"fmt"
	"strings"
)

// A small reader of Java source: enough of the language to find a class's
// annotations, its static final String constants and its annotated
// methods with their signatures. It does not read method bodies beyond
// skipping them.

// tokKind is the kind of a Java token.
type tokKind int

const (
	tIdent tokKind = iota
	tString
	tChar
	tNumber
	tSym
	tEOF
)

type token struct {
	kind tokKind
	text string // a string literal's value, unescaped
}

// tokenize splits Java source into tokens, dropping comments.
func tokenize(src string) ([]token, error) {
	var out []token
	i := 0
	for i < len(src) {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
			i++
		case strings.HasPrefix(src[i:], "//"):
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case strings.HasPrefix(src[i:], "/*"):
			end := strings.Index(src[i+2:], "*/")
			if end < 0 {
				return nil, fmt.Errorf("unterminated comment")
			}
			i += end + 4
		case c == '"' || c == '\'':
			s, n, err := unquote(src[i:])
			if err != nil {
				return nil, err
			}
			k := tString
			if c == '\'' {
				k = tChar
			}
			out = append(out, token{kind: k, text: s})
			i += n
		case isIdentStart(c):
			j := i
			for j < len(src) && (isIdentStart(src[j]) || (src[j] >= '0' && src[j] <= '9')) {
				j++
			}
			out = append(out, token{kind: tIdent, text: src[i:j]})
			i = j
		case c >= '0' && c <= '9':
			j := i
			for j < len(src) && (isIdentStart(src[j]) || (src[j] >= '0' && src[j] <= '9') || src[j] == '.') {
				j++
			}
			out = append(out, token{kind: tNumber, text: src[i:j]})
			i = j
		default:
			out = append(out, token{kind: tSym, text: string(c)})
			i++
		}
	}
	return append(out, token{kind: tEOF}), nil
}

func isIdentStart(c byte) bool {
	return c == '_' || c == '$' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80
}

// unquote reads a Java string or char literal at the start of s, returning
// its value and the length of the literal.
func unquote(s string) (string, int, error) {
	q := s[0]
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; c {
		case q:
			return b.String(), i + 1, nil
		case '\n':
			return "", 0, fmt.Errorf("newline in literal")
		case '\\':
			i++
			if i >= len(s) {
				return "", 0, fmt.Errorf("unterminated literal")
			}
			switch e := s[i]; e {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case '0':
				b.WriteByte(0)
			case '\\', '\'', '"':
				b.WriteByte(e)
			default:
				return "", 0, fmt.Errorf("escape \\%c not read by this generator", e)
			}
		default:
			b.WriteByte(c)
		}
	}
	return "", 0, fmt.Errorf("unterminated literal")
}

// annotation is one annotation as written: its name and its arguments'
// expressions as tokens, by element name ("value" for a lone argument).
type annotation struct {
	name string
	args map[string][]token
}

// param is one parameter of a Java method.
type param struct {
	annotations []annotation
	typ         *javaType
	varargs     bool
	name        string
}

// method is an annotated method of a class.
type method struct {
	annotations []annotation
	typeParams  []string
	static      bool
	public      bool
	varargs     bool
	ret         *javaType
	name        string
	params      []param
}

// class is a top-level Java class with what the generator needs of it.
type class struct {
	name        string
	annotations []annotation
	typeParams  []string
	extends     string
	methods     []method
	constants   map[string][]token // static final String fields' initializers
}

func (m method) annotation(name string) (annotation, bool) {
	return findAnnotation(m.annotations, name)
}
func (c class) annotation(name string) (annotation, bool) { return findAnnotation(c.annotations, name) }
func (p param) annotation(name string) (annotation, bool) { return findAnnotation(p.annotations, name) }

func findAnnotation(as []annotation, name string) (annotation, bool) {
	for _, a := range as {
		if a.name == name {
			return a, true
		}
	}
	return annotation{}, false
}

// reader walks a token list.
type reader struct {
	toks []token
	i    int
}

func (r *reader) peek() token        { return r.toks[r.i] }
func (r *reader) peekAt(n int) token { return r.toks[min(r.i+n, len(r.toks)-1)] }
func (r *reader) next() token {
	t := r.toks[r.i]
	if t.kind != tEOF {
		r.i++
	}
	return t
}
func (r *reader) is(sym string) bool { t := r.peek(); return t.kind != tString && t.text == sym }

func (r *reader) expect(sym string) error {
	if !r.is(sym) {
		return fmt.Errorf("expected %q, found %q", sym, r.peek().text)
	}
	r.next()
	return nil
}

// skipBalanced skips from an opening bracket to just after its match.
func (r *reader) skipBalanced(open, close string) error {
	depth := 0
	for {
		t := r.next()
		if t.kind == tEOF {
			return fmt.Errorf("unbalanced %s", open)
		}
		if t.kind == tSym && t.text == open {
			depth++
		} else if t.kind == tSym && t.text == close {
			depth--
			if depth == 0 {
				return nil
			}
		}
	}
}

// parseClass reads the top-level class of a Java file.
func parseClass(src string) (*class, error) {
	toks, err := tokenize(src)
	if err != nil {
		return nil, err
	}
	r := &reader{toks: toks}
	var anns []annotation
	for r.peek().kind != tEOF {
		switch {
		case r.is("package") || r.is("import"):
			for !r.is(";") {
				r.next()
			}
			r.next()
		case r.is("@") && r.peekAt(1).text != "interface":
			a, err := r.annotation()
			if err != nil {
				return nil, err
			}
			anns = append(anns, a)
		case r.is("class"):
			r.next()
			c := &class{name: r.next().text, annotations: anns, constants: map[string][]token{}}
			if r.is("<") {
				if c.typeParams, err = r.typeParams(); err != nil {
					return nil, err
				}
			}
			for !r.is("{") {
				if r.is("extends") {
					r.next()
					c.extends = r.peek().text
				}
				r.next()
			}
			if err := r.classBody(c); err != nil {
				return nil, fmt.Errorf("class %s: %w", c.name, err)
			}
			return c, nil
		case r.is("interface") || r.is("enum"):
			return nil, nil
		default:
			r.next()
		}
	}
	return nil, nil
}

// annotation reads @Name or @Name(args).
func (r *reader) annotation() (annotation, error) {
	r.next() // @
	name := r.next().text
	for r.is(".") { // a qualified annotation name
		r.next()
		name = r.next().text
	}
	a := annotation{name: name, args: map[string][]token{}}
	if !r.is("(") {
		return a, nil
	}
	r.next()
	for !r.is(")") {
		key := "value"
		if r.peek().kind == tIdent && r.peekAt(1).text == "=" {
			key = r.next().text
			r.next()
		}
		var expr []token
		depth := 0
		for {
			t := r.peek()
			if t.kind == tEOF {
				return a, fmt.Errorf("unterminated annotation @%s", name)
			}
			if t.kind == tSym && depth == 0 && (t.text == "," || t.text == ")") {
				break
			}
			if t.kind == tSym && (t.text == "(" || t.text == "{") {
				depth++
			}
			if t.kind == tSym && (t.text == ")" || t.text == "}") {
				depth--
			}
			expr = append(expr, r.next())
		}
		a.args[key] = expr
		if r.is(",") {
			r.next()
		}
	}
	r.next()
	return a, nil
}

// typeParams reads <T extends X, U> and returns the variables' names.
func (r *reader) typeParams() ([]string, error) {
	var names []string
	depth := 0
	expectName := true
	for {
		t := r.next()
		switch {
		case t.kind == tEOF:
			return nil, fmt.Errorf("unterminated type parameters")
		case t.text == "<":
			depth++
			if depth == 1 {
				expectName = true
			}
		case t.text == ">":
			depth--
			if depth == 0 {
				return names, nil
			}
		case t.text == "," && depth == 1:
			expectName = true
		case t.kind == tIdent && depth == 1 && expectName:
			names = append(names, t.text)
			expectName = false
		}
	}
}

var modifiers = map[string]bool{"public": true, "private": true, "protected": true, "static": true,
	"final": true, "abstract": true, "synchronized": true, "native": true, "transient": true,
	"volatile": true, "default": true, "strictfp": true}

// classBody reads the members of a class body, from its "{" to its "}".
func (r *reader) classBody(c *class) error {
	if err := r.expect("{"); err != nil {
		return err
	}
	for !r.is("}") {
		if r.peek().kind == tEOF {
			return fmt.Errorf("unterminated class body")
		}
		if r.is(";") {
			r.next()
			continue
		}
		var anns []annotation
		static, final, public := false, false, false
		for {
			if r.is("@") {
				a, err := r.annotation()
				if err != nil {
					return err
				}
				anns = append(anns, a)
				continue
			}
			if t := r.peek(); t.kind == tIdent && modifiers[t.text] {
				static = static || t.text == "static"
				final = final || t.text == "final"
				public = public || t.text == "public"
				r.next()
				continue
			}
			break
		}
		switch {
		case r.is("{"): // an initializer block
			if err := r.skipBalanced("{", "}"); err != nil {
				return err
			}
			continue
		case r.is("class") || r.is("interface") || r.is("enum"):
			for !r.is("{") {
				r.next()
			}
			if err := r.skipBalanced("{", "}"); err != nil {
				return err
			}
			continue
		}
		var tparams []string
		if r.is("<") {
			var err error
			if tparams, err = r.typeParams(); err != nil {
				return err
			}
		}
		if r.peek().kind == tIdent && r.peekAt(1).text == "(" { // a constructor
			r.next()
			if err := r.skipBalanced("(", ")"); err != nil {
				return err
			}
			if err := r.skipMethodRest(); err != nil {
				return err
			}
			continue
		}
		typ, err := r.javaType()
		if err != nil {
			return err
		}
		name := r.next().text
		if r.is("(") {
			m := method{annotations: anns, typeParams: tparams, static: static, public: public, ret: typ, name: name}
			if m.params, err = r.params(); err != nil {
				return fmt.Errorf("method %s: %w", name, err)
			}
			m.varargs = len(m.params) > 0 && m.params[len(m.params)-1].varargs
			if err := r.skipMethodRest(); err != nil {
				return err
			}
			c.methods = append(c.methods, m)
			continue
		}
		// a field: name [= init] ; (a declaration of several names keeps
		// them all in the first one's initializer, which no constant the
		// annotations use has)
		var init []token
		if r.is("=") {
			r.next()
			depth := 0
			for {
				t := r.peek()
				if t.kind == tEOF {
					return fmt.Errorf("unterminated field %s", name)
				}
				if t.kind == tSym && depth == 0 && t.text == ";" {
					break
				}
				if t.kind == tSym && (t.text == "(" || t.text == "{" || t.text == "[") {
					depth++
				}
				if t.kind == tSym && (t.text == ")" || t.text == "}" || t.text == "]") {
					depth--
				}
				init = append(init, r.next())
			}
		}
		if static && final && typ.name == "String" && len(typ.args) == 0 && typ.dims == 0 && init != nil {
			c.constants[name] = init
		}
		if err := r.expect(";"); err != nil {
			return fmt.Errorf("field %s: %w", name, err)
		}
	}
	r.next()
	return nil
}

// skipMethodRest skips a method's throws clause and its body (or ";").
func (r *reader) skipMethodRest() error {
	for !r.is("{") && !r.is(";") {
		if r.peek().kind == tEOF {
			return fmt.Errorf("unterminated method")
		}
		r.next()
	}
	if r.is(";") {
		r.next()
		return nil
	}
	return r.skipBalanced("{", "}")
}

// params reads a parameter list from "(" to ")".
func (r *reader) params() ([]param, error) {
	if err := r.expect("("); err != nil {
		return nil, err
	}
	var ps []param
	for !r.is(")") {
		var p param
		for {
			if r.is("@") {
				a, err := r.annotation()
				if err != nil {
					return nil, err
				}
				p.annotations = append(p.annotations, a)
				continue
			}
			if r.is("final") {
				r.next()
				continue
			}
			break
		}
		typ, err := r.javaType()
		if err != nil {
			return nil, err
		}
		p.typ = typ
		if r.is(".") {
			for range 3 {
				if err := r.expect("."); err != nil {
					return nil, err
				}
			}
			p.varargs = true
			p.typ.dims++ // a varargs parameter is an array
		}
		p.name = r.next().text
		ps = append(ps, p)
		if r.is(",") {
			r.next()
		}
	}
	r.next()
	return ps, nil
}

// javaType is a Java type as written: a (simple) name, its type
// arguments and its array dimensions. A wildcard is named "?".
type javaType struct {
	name string
	args []*javaType
	dims int
}

func (t *javaType) String() string {
	s := t.name
	if len(t.args) > 0 {
		parts := make([]string, len(t.args))
		for i, a := range t.args {
			parts[i] = a.String()
		}
		s += "<" + strings.Join(parts, ", ") + ">"
	}
	return s + strings.Repeat("[]", t.dims)
}

// javaType reads a type: Name[.Name]*[<args>][[]]*.
func (r *reader) javaType() (*javaType, error) {
	t := r.next()
	if t.kind != tIdent && t.text != "?" {
		return nil, fmt.Errorf("expected a type, found %q", t.text)
	}
	jt := &javaType{name: t.text}
	if t.text == "?" {
		if r.is("extends") || r.is("super") {
			r.next()
			if _, err := r.javaType(); err != nil {
				return nil, err
			}
		}
		return jt, nil
	}
	for r.is(".") && r.peekAt(1).kind == tIdent {
		r.next()
		jt.name = r.next().text
	}
	if r.is("<") {
		r.next()
		for !r.is(">") {
			a, err := r.javaType()
			if err != nil {
				return nil, err
			}
			jt.args = append(jt.args, a)
			if r.is(",") {
				r.next()
			}
		}
		r.next()
	}
	for r.is("[") && r.peekAt(1).text == "]" {
		r.next()
		r.next()
		jt.dims++
	}
	return jt, nil
}
