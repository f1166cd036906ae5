package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// description is one function as DescribeFunctionExecutor describes it.
type description struct {
	name, description, author, version, path, kind string
	variations                                     []variation
}

// variation is one signature: FunctionInfo with its ArgumentInfos.
type variation struct {
	params      []*paramType // the parameter types UdfIndex keys it by
	args        []argument
	returnType  string
	description string
}

type argument struct {
	name, typ, description string
	variadic               bool
}

// generator turns annotated classes into descriptions.
type generator struct {
	classes map[string]*class
	warn    func(format string, args ...any)
}

// internalPath is KsqlScalarFunction.INTERNAL_PATH, the path of the
// functions ksqlDB ships.
const internalPath = "internal"

// describe is a class's function, or nil when it declares none.
func (g *generator) describe(c *class) (*description, error) {
	for _, kind := range []struct{ ann, method, fn string }{
		{"UdfDescription", "Udf", "SCALAR"}, {"UdafDescription", "UdafFactory", "AGGREGATE"}, {"UdtfDescription", "Udtf", "TABLE"},
	} {
		a, ok := c.annotation(kind.ann)
		if !ok {
			continue
		}
		d := &description{path: internalPath, kind: kind.fn}
		var err error
		for _, f := range []struct {
			key string
			dst *string
		}{{"name", &d.name}, {"description", &d.description}, {"author", &d.author}, {"version", &d.version}} {
			if *f.dst, err = g.element(c, a, f.key); err != nil {
				return nil, fmt.Errorf("@%s %s: %w", kind.ann, f.key, err)
			}
		}
		for _, m := range g.methods(c) {
			ma, ok := m.annotation(kind.method)
			if !ok || !m.public {
				continue
			}
			var v variation
			switch kind.fn {
			case "AGGREGATE":
				v, err = g.aggregate(c, m, ma)
			default:
				v, err = g.scalarOrTable(c, m, ma, kind.fn == "TABLE")
			}
			if err != nil {
				var s skipped
				if asSkipped(err, &s) {
					g.warn("%s: %s.%s left out as ksqlDB leaves it out: %s", d.name, c.name, m.name, s.why)
					continue
				}
				return nil, fmt.Errorf("method %s: %w", m.name, err)
			}
			d.variations = append(d.variations, v)
		}
		var err2 error
		if d.variations, err2 = hashMapOrder(d.variations, func(format string, args ...any) {
			g.warn(d.name+": "+format, args...)
		}); err2 != nil {
			return nil, fmt.Errorf("%s: %w", d.name, err2)
		}
		return d, nil
	}
	return nil, nil
}

// methods are a class's methods and its superclass's, as getMethods
// returns public ones of both.
func (g *generator) methods(c *class) []method {
	ms := append([]method(nil), c.methods...)
	if sup, ok := g.classes[c.extends]; ok && c.extends != "" {
		ms = append(ms, g.methods(sup)...)
	}
	return ms
}

// skipped is a method ksqlDB's loader fails on and leaves out.
type skipped struct{ why string }

func (s skipped) Error() string { return s.why }

func asSkipped(err error, s *skipped) bool { return errors.As(err, s) }

// typeVars are the type variables in scope of a method.
func typeVars(c *class, m method) map[string]bool {
	vars := map[string]bool{}
	for _, v := range append(append([]string(nil), c.typeParams...), m.typeParams...) {
		vars[v] = true
	}
	return vars
}

// parameters is FunctionLoaderUtils.createParameters.
func (g *generator) parameters(c *class, m method) ([]*paramType, []argument, error) {
	vars := typeVars(c, m)
	var types []*paramType
	var args []argument
	for i, p := range m.params {
		name, desc, schema := p.name, "", ""
		if a, ok := p.annotation("UdfParameter"); ok {
			v, err := g.element(c, a, "value")
			if err != nil {
				return nil, nil, err
			}
			if v != "" {
				name = v
			}
			if desc, err = g.element(c, a, "description"); err != nil {
				return nil, nil, err
			}
			if schema, err = g.element(c, a, "schema"); err != nil {
				return nil, nil, err
			}
		}
		var t *paramType
		var err error
		if schema != "" {
			t, err = fromSQL(schema)
			if err != nil {
				return nil, nil, err
			}
		} else {
			if p.typ.dims > 0 && len(p.typ.args) > 0 {
				return nil, nil, fmt.Errorf("parameter %s: generic array %s not read by this generator", p.name, p.typ)
			}
			if t, err = fromJava(p.typ, vars, false); err != nil {
				return nil, nil, skipped{err.Error()}
			}
		}
		variadic := i == len(m.params)-1 && m.varargs
		shown := t
		if variadic {
			shown = t.elems[0] // DescribeFunctionExecutor prints a variadic's element type
		}
		types = append(types, t)
		args = append(args, argument{name: name, typ: shown.String(), description: desc, variadic: variadic})
	}
	return types, args, nil
}

// scalarOrTable is a @Udf or @Udtf method (UdfLoader.createFunction,
// UdtfLoader.loadUdtfFromClass).
func (g *generator) scalarOrTable(c *class, m method, a annotation, table bool) (variation, error) {
	types, args, err := g.parameters(c, m)
	if err != nil {
		return variation{}, err
	}
	desc, err := g.element(c, a, "description")
	if err != nil {
		return variation{}, err
	}
	schema, err := g.element(c, a, "schema")
	if err != nil {
		return variation{}, err
	}
	provider, err := g.element(c, a, "schemaProvider")
	if err != nil {
		return variation{}, err
	}
	ret := m.ret
	if table {
		if ret.name != "List" || len(ret.args) != 1 || ret.dims > 0 {
			return variation{}, skipped{"UDTF functions must return a List"}
		}
		ret = ret.args[0]
	}
	var rt *paramType
	if schema != "" {
		if rt, err = fromSQL(schema); err != nil {
			return variation{}, err
		}
	} else {
		if rt, err = fromJava(ret, typeVars(c, m), false); err != nil {
			return variation{}, skipped{err.Error()}
		}
		// handleUdfReturnSchema converts a return type without generics
		// to a SQL type eagerly, which fails for DECIMAL
		if provider == "" && !hasGenerics(rt) && hasDecimal(rt) {
			return variation{}, skipped{rt.String() + " return type is not supported without an explicit schema or schema provider"}
		}
	}
	return variation{params: types, args: args, returnType: rt.String(), description: desc}, nil
}

func hasGenerics(t *paramType) bool {
	if t.kind == "GENERIC" {
		return true
	}
	for _, e := range t.elems {
		if hasGenerics(e) {
			return true
		}
	}
	for _, f := range t.fields {
		if hasGenerics(f.typ) {
			return true
		}
	}
	return false
}

func hasDecimal(t *paramType) bool {
	if t.kind == "DECIMAL" {
		return true
	}
	for _, e := range t.elems {
		if hasDecimal(e) {
			return true
		}
	}
	for _, f := range t.fields {
		if hasDecimal(f.typ) {
			return true
		}
	}
	return false
}

var tupleTypes = map[string]bool{"Pair": true, "Triple": true, "Quadruple": true, "Quintuple": true}

// aggregate is a @UdafFactory method (UdafFactoryInvoker, UdafTypes).
func (g *generator) aggregate(c *class, m method, a annotation) (variation, error) {
	if !m.static {
		return variation{}, skipped{"UDAF factory methods must be static"}
	}
	if (m.ret.name != "Udaf" && m.ret.name != "TableUdaf") || len(m.ret.args) != 3 {
		return variation{}, skipped{"UDAFs must implement Udaf or TableUdaf"}
	}
	vars := typeVars(c, m)
	in := m.ret.args[0]
	inputs := []*javaType{in}
	tuple := tupleTypes[in.name]
	if tuple {
		inputs = append([]*javaType(nil), in.args...)
	}
	variadicCol := -1
	for i, t := range inputs {
		if t.name == "VariadicArgs" {
			if variadicCol >= 0 || m.varargs {
				return variation{}, skipped{"A UDAF and its factory can have at most one variadic argument"}
			}
			variadicCol = i
		}
	}
	if variadicCol >= 0 {
		if !tuple {
			return variation{}, skipped{"Variadic column arguments are only allowed inside tuples"}
		}
		inputs[variadicCol] = inputs[variadicCol].args[0]
	}
	schemas, err := g.elements(c, a, "paramSchema")
	if err != nil {
		return variation{}, err
	}
	var types []*paramType
	var args []argument
	for i, t := range inputs {
		schema := ""
		if i < len(schemas) {
			schema = schemas[i]
		}
		var pt *paramType
		if schema != "" {
			if pt, err = fromSQL(schema); err != nil {
				return variation{}, err
			}
		} else if pt, err = fromJava(t, vars, i == variadicCol); err != nil {
			return variation{}, skipped{err.Error()}
		}
		if i == variadicCol {
			pt = arrayOf(pt)
		}
		types = append(types, pt)
		shown := pt
		if i == variadicCol {
			shown = pt.elems[0]
		}
		args = append(args, argument{name: "val" + strconv.Itoa(i+1), typ: shown.String(), variadic: i == variadicCol})
	}
	lt, la, err := g.parameters(c, m)
	if err != nil {
		return variation{}, err
	}
	types, args = append(types, lt...), append(args, la...)
	desc, err := g.element(c, a, "description")
	if err != nil {
		return variation{}, err
	}
	outSchema, err := g.element(c, a, "returnSchema")
	if err != nil {
		return variation{}, err
	}
	var rt *paramType
	if outSchema != "" {
		if rt, err = fromSQL(outSchema); err != nil {
			return variation{}, err
		}
	} else if rt, err = fromJava(m.ret.args[2], vars, false); err != nil {
		return variation{}, skipped{err.Error()}
	}
	return variation{params: types, args: args, returnType: rt.String(), description: desc}, nil
}

// element is an annotation element's string value ("" when absent, as
// the annotations' defaults are).
func (g *generator) element(c *class, a annotation, key string) (string, error) {
	expr, ok := a.args[key]
	if !ok {
		return "", nil
	}
	return g.eval(c, expr)
}

// elements is a String[] element: {"a", "b"} or a single "a".
func (g *generator) elements(c *class, a annotation, key string) ([]string, error) {
	expr, ok := a.args[key]
	if !ok {
		return nil, nil
	}
	if len(expr) == 0 || expr[0].text != "{" || expr[0].kind != tSym {
		s, err := g.eval(c, expr)
		return []string{s}, err
	}
	var out []string
	var cur []token
	for _, t := range expr[1 : len(expr)-1] {
		if t.kind == tSym && t.text == "," {
			s, err := g.eval(c, cur)
			if err != nil {
				return nil, err
			}
			out, cur = append(out, s), nil
			continue
		}
		cur = append(cur, t)
	}
	if len(cur) > 0 {
		s, err := g.eval(c, cur)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// eval evaluates a constant String expression: literals and constants
// (NAME or Class.NAME) joined with +.
func (g *generator) eval(c *class, expr []token) (string, error) {
	var b strings.Builder
	for i := 0; i < len(expr); {
		t := expr[i]
		switch {
		case t.kind == tString:
			b.WriteString(t.text)
			i++
		case t.kind == tIdent:
			owner, name := c, t.text
			i++
			if i+1 < len(expr) && expr[i].text == "." && expr[i+1].kind == tIdent {
				o, ok := g.classes[name]
				if !ok {
					return "", fmt.Errorf("constant %s.%s: class not read", name, expr[i+1].text)
				}
				owner, name = o, expr[i+1].text
				i += 2
			}
			init, ok := owner.constants[name]
			if !ok {
				return "", fmt.Errorf("constant %s.%s not found", owner.name, name)
			}
			s, err := g.eval(owner, init)
			if err != nil {
				return "", err
			}
			b.WriteString(s)
		default:
			return "", fmt.Errorf("expression %q not read by this generator", t.text)
		}
		if i < len(expr) {
			if expr[i].text != "+" {
				return "", fmt.Errorf("expression operator %q not read by this generator", expr[i].text)
			}
			i++
		}
	}
	return b.String(), nil
}
