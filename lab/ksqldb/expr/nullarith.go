package expr

import (
	"fmt"
	"slices"

	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// Arithmetic on a NULL, as ksqlDB evaluates it (confluentinc/ksql v7.9.0
// ksqldb-execution). The code SqlToJavaVisitor generates for persistent
// and push queries computes (left op right) on the operands' boxed values,
// each a cast of what its expression produced; Janino unboxes the left
// one before it evaluates the right one, so a NULL operand throws a
// NullPointerException there, whose message is HotSpot's helpful one
// (JDK 17, bytecodeUtils.cpp): "Cannot invoke \"java.lang.Integer.intValue()\""
// (or Long.longValue(), Double.doubleValue()) and where the null came
// from (nullOrigin). String + String is Java's concatenation, where a NULL
// is "null" (confluentinc/ksql#9136). Inside a lambda body the exception
// ends the invocation (lambda_failures.go). ksqlDB's interpreter, which
// evaluates pull queries and INSERT VALUES (Compiler.Interpreted), takes
// all of these to NULL (interpreter/terms/ArithmeticBinaryTerm.java).
// DECIMAL arithmetic is a BigDecimal call on the left operand
// (decimalNPEs): both operands are evaluated, then a null left one is the
// call's receiver and a null right one fails inside the JDK's method. A
// CAST's value is its anonymous Supplier's, <class>.get() as Janino names
// the class (anonclass.go). An operand whose origin this server does not
// write as HotSpot does (such a class whose number it does not know)
// makes the value NULL with no entry.

// unboxing is the method Janino unboxes a value of type t with.
var unboxing = map[types.Type]string{
	types.Integer: "java.lang.Integer.intValue()",
	types.Bigint:  "java.lang.Long.longValue()",
	types.Double:  "java.lang.Double.doubleValue()",
}

// The methods whose results the generated code casts to an operand:
// arguments.get (a column; CodeGenUtil.argumentAccessor), Kudf.evaluate
// (a function call; visitFunctionCall) and the searched CASE's helper
// (visitSearchedCaseExpression), as HotSpot writes a method: its class's
// name, short for java.lang.Object and java.lang.String, and its erased
// parameter types.
const (
	columnOrigin = "java.util.Map.get(Object)"
	callOrigin   = "io.confluent.ksql.function.udf.Kudf.evaluate(Object[])"
	caseOrigin   = "io.confluent.ksql.execution.codegen.helpers.SearchedCaseFunction.searchedCaseFunction(java.util.List, java.util.function.Supplier)"
	// a DECIMAL operand of DOUBLE arithmetic: CastEvaluator's
	// nonNullSafeCode("%s.doubleValue()") through NullSafe.generateApply
	nullSafeOrigin = "io.confluent.ksql.execution.codegen.helpers.NullSafe.apply(Object, java.util.function.Function)"
)

// decimalCastOrigin is the DecimalUtil.cast overload an INT or BIGINT
// operand of DECIMAL arithmetic is cast with (CastEvaluator.castToDecimal),
// null for a null.
var decimalCastOrigin = map[types.Type]string{
	types.Integer: "io.confluent.ksql.util.DecimalUtil.cast(java.lang.Integer, int, int)",
	types.Bigint:  "io.confluent.ksql.util.DecimalUtil.cast(java.lang.Long, int, int)",
}

// decimalMethods are the BigDecimal methods visitArithmeticBinary and
// visitArithmeticUnary call (DECIMAL_OPERATOR_NAME), and
// decimalArgumentNPE what each throws for a null argument: JDK 17's
// helpful message for the first use of its parameter (java.math.BigDecimal
// is compiled with its local variable table; remainder reaches it through
// divideAndRemainder, divideToIntegralValue and compareMagnitude).
var (
	decimalMethods = map[string]string{
		"+": "add(java.math.BigDecimal, java.math.MathContext)", "-": "subtract(java.math.BigDecimal, java.math.MathContext)",
		"*": "multiply(java.math.BigDecimal, java.math.MathContext)", "/": "divide(java.math.BigDecimal, java.math.MathContext)",
		"%": "remainder(java.math.BigDecimal, java.math.MathContext)",
	}
	decimalArgumentNPE = map[string]string{
		"+": `Cannot invoke "java.math.BigDecimal.signum()" because "augend" is null`,
		"-": `Cannot invoke "java.math.BigDecimal.negate()" because "subtrahend" is null`,
		"*": `Cannot read field "scale" because "multiplicand" is null`,
		"/": `Cannot read field "scale" because "divisor" is null`,
		"%": `Cannot read field "intCompact" because "val" is null`,
	}
	decimalUnaryMethods = map[string]string{"-": "negate(java.math.MathContext)", "+": "plus(java.math.MathContext)"}
)

// nullOrigin is what HotSpot says the null unboxed from operand e came
// from: the return value of the method whose result the operand is, the
// local a lambda's argument is (the lambda's apply method declares one
// after its arg1..argN parameters, and Janino writes no local variable
// table: "<localN>"), or nothing for a conditional (a dereference or a
// subscript: x == null ? null : x.get(...)), whose two branches leave no
// single origin. ok is false where this server does not know it.
func (c *Compiler) nullOrigin(e sql.Expr) (origin string, ok bool) {
	if c.Agg != nil {
		key := sql.Format(e)
		for _, g := range c.Agg.GroupKeys {
			if g == key {
				return returned(columnOrigin), true
			}
		}
	}
	switch x := e.(type) {
	case *sql.ColumnRef:
		if v, ok := c.lambdaArg(x); ok {
			if v.first != c.lambdas[len(c.lambdas)-1].first {
				return "", false // an enclosing lambda's, captured
			}
			return fmt.Sprintf(` because "<local%d>" is null`, v.slot), true
		}
		return returned(columnOrigin), true
	case *sql.FuncCall:
		if IsAggregate(x.Name) {
			return returned(columnOrigin), true // KSQL_AGG_VARIABLE_<n>
		}
		return returned(callOrigin), true
	case *sql.Case:
		if x.Operand == nil {
			return returned(caseOrigin), true
		}
	case *sql.Deref, *sql.Subscript:
		return "", true
	case *sql.Cast:
		return c.castOrigin(x)
	}
	return "", false
}

func returned(method string) string {
	return ` because the return value of "` + method + `" is null`
}

// nullOperands makes the operands of an arithmetic operator x do what
// compiled code does with a NULL: in order, each that is NULL throws its
// NullPointerException, where its message is known, and the operands
// after it are not evaluated; hit reports, for the evaluation under way,
// that one was NULL. Interpreted expressions, and those that neither log
// failures nor sit in a lambda body, keep their operands.
func (c *Compiler) nullOperands(x sql.Expr, ops []Compiled) (out []Compiled, hit *bool) {
	if c.Interpreted || c.Failures == nil && len(c.lambdas) == 0 {
		return ops, nil
	}
	var exprs []sql.Expr
	var op string
	switch x := x.(type) {
	case *sql.Binary:
		exprs, op = []sql.Expr{x.L, x.R}, x.Op
	case *sql.Unary:
		exprs, op = []sql.Expr{x.X}, x.Op
	}
	isDecimal := func(t types.Type) bool { return t.Kind() == types.KindDecimal }
	if len(ops) == 2 && (isDecimal(ops[0].Type) || isDecimal(ops[1].Type)) && ops[0].Type != types.Double && ops[1].Type != types.Double {
		return c.decimalNullOperands(op, exprs, ops)
	}
	npes := make([]string, len(ops)) // "": unknown
	for i, o := range ops {
		switch {
		case isDecimal(o.Type) && len(ops) == 1:
			if origin, known := c.nullOrigin(exprs[i]); known {
				npes[i] = `Cannot invoke "java.math.BigDecimal.` + decimalUnaryMethods[op] + `"` + origin
			}
		case isDecimal(o.Type):
			// DOUBLE arithmetic: whatever the DECIMAL's origin,
			// NullSafe.apply returns its null
			npes[i] = `Cannot invoke "java.lang.Double.doubleValue()"` + returned(nullSafeOrigin)
		default:
			if unbox, ok := unboxing[o.Type]; ok {
				if origin, known := c.nullOrigin(exprs[i]); known {
					npes[i] = `Cannot invoke "` + unbox + `"` + origin
				}
			}
		}
	}
	var f *Failures
	if slices.ContainsFunc(npes, func(s string) bool { return s != "" }) {
		f = c.thrower() // a failing site
	}
	hit = new(bool)
	out = make([]Compiled, len(ops))
	for i, o := range ops {
		npe, known := npes[i], npes[i] != ""
		inner, first := o.Eval, i == 0
		out[i] = Compiled{Type: o.Type, Eval: func(row []any) any {
			if first {
				*hit = false
			} else if *hit {
				return nil
			}
			v := inner(row)
			if v == nil {
				*hit = true
				if known {
					f.throw(npe)
				}
			}
			return v
		}}
	}
	return out, hit
}

// decimalNullOperands is nullOperands for DECIMAL arithmetic, the BigDecimal
// call (left.<method>(right, new MathContext(...))): both operands are
// evaluated, then a null left one throws as the receiver, an INT or
// BIGINT one the null DecimalUtil.cast returned, and a null right one
// throws inside the method.
func (c *Compiler) decimalNullOperands(op string, exprs []sql.Expr, ops []Compiled) (out []Compiled, hit *bool) {
	leftNPE := ""
	origin, known := returned(decimalCastOrigin[ops[0].Type]), true
	if decimalCastOrigin[ops[0].Type] == "" {
		origin, known = c.nullOrigin(exprs[0])
	}
	if known {
		leftNPE = `Cannot invoke "java.math.BigDecimal.` + decimalMethods[op] + `"` + origin
	}
	rightNPE := decimalArgumentNPE[op]
	f := c.thrower()
	hit = new(bool)
	var left any // the left operand's value in the evaluation under way
	l, r := ops[0].Eval, ops[1].Eval
	out = []Compiled{
		{Type: ops[0].Type, Eval: func(row []any) any {
			*hit = false
			left = l(row)
			return left
		}},
		{Type: ops[1].Type, Eval: func(row []any) any {
			v := r(row)
			switch {
			case left == nil:
				*hit = true
				if leftNPE != "" {
					f.throw(leftNPE)
				}
			case v == nil:
				*hit = true
				f.throw(rightNPE)
			}
			return v
		}},
	}
	return out, hit
}

// A NULL BOOLEAN unboxed, as ksqlDB evaluates AND, OR, NOT and a
// searched CASE's WHEN (confluentinc/ksql v7.9.4 ksqldb-execution): the
// compiled code is Java's && and || over the operands' boxed Booleans and
// (!x) (SqlToJavaVisitor.visitLogicalBinaryExpression,
// visitNotExpression), the interpreter's terms the same over
// Term.getValue (interpreter/terms/LogicalBinaryTerms.java, NotTerm.java),
// so an operand the evaluation reaches (the right one only where the left
// does not decide) throws a NullPointerException where it is NULL, not
// SQL's three-valued logic; SearchedCaseFunction unboxes each WHEN's
// Supplier<Boolean> in a stream filter, compiled or interpreted.

const (
	booleanUnboxing = `Cannot invoke "java.lang.Boolean.booleanValue()"`
	// the interpreter's operands are each a Term's value
	termOrigin = "io.confluent.ksql.execution.interpreter.terms.Term.getValue(io.confluent.ksql.execution.interpreter.TermEvaluationContext)"
	// SearchedCaseFunction's filter, clause -> clause.operand.get()
	whenNPE = booleanUnboxing + ` because the return value of "java.util.function.Supplier.get()" is null`
)

// booleanNPE is what unboxing operand e when NULL throws, "" where this
// server does not know its origin.
func (c *Compiler) booleanNPE(e sql.Expr) string {
	if c.Interpreted {
		return booleanUnboxing + returned(termOrigin)
	}
	if origin, known := c.nullOrigin(e); known {
		return booleanUnboxing + origin
	}
	return ""
}

// logical compiles AND (and), OR or, with one operand, NOT over the
// compiled operands ops of the expressions exprs, as Java evaluates them:
// left to right, each operand reached unboxed, a NULL one throwing
// (booleanNPE, NULL with no entry where its origin is unknown), the
// right operand not evaluated once the left one decides. In a lambda
// body the exception ends the invocation (strictArithmetic).
func (c *Compiler) logical(op string, exprs []sql.Expr, ops []Compiled) Compiled {
	npes := make([]string, len(exprs))
	var f *Failures
	for i, e := range exprs {
		if npes[i] = c.booleanNPE(e); npes[i] != "" && f == nil {
			f = c.thrower() // a failing site
		}
	}
	hit := new(bool)
	unboxed := func(i int, row []any) (v, ok bool) {
		x := ops[i].Eval(row)
		if x == nil {
			*hit = true
			if npes[i] != "" {
				f.throw(npes[i])
			}
			return false, false
		}
		return x.(bool), true
	}
	var eval evalFn
	switch op {
	case "NOT":
		eval = func(row []any) any {
			*hit = false
			if v, ok := unboxed(0, row); ok {
				return !v
			}
			return nil
		}
	default:
		and := op == "AND"
		eval = func(row []any) any {
			*hit = false
			a, ok := unboxed(0, row)
			if !ok {
				return nil
			}
			if a != and { // FALSE AND x, TRUE OR x
				return a
			}
			if b, ok := unboxed(1, row); ok {
				return b
			}
			return nil
		}
	}
	return c.strictArithmetic(Compiled{Type: types.Boolean, Eval: eval}, hit)
}

// strictArithmetic ends a lambda body's evaluation where its arithmetic,
// logic or CASE met a NULL operand Java unboxes (hit), as the exception
// compiled Java throws ends the invocation.
func (c *Compiler) strictArithmetic(res Compiled, hit *bool) Compiled {
	if hit == nil || len(c.lambdas) == 0 {
		return res
	}
	inner := res.Eval
	return Compiled{Type: res.Type, Eval: func(row []any) any {
		v := inner(row)
		if *hit {
			panic(lambdaFailure{why: "null operand"})
		}
		return v
	}}
}

// javaConcat is String + String in compiled code, where a NULL is
// "null"; interpreted, a NULL operand makes it NULL.
func javaConcat(a, b any, interpreted bool) any {
	if interpreted && (a == nil || b == nil) {
		return nil
	}
	text := func(v any) string {
		if v == nil {
			return "null"
		}
		return v.(string)
	}
	return text(a) + text(b)
}
