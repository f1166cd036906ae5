package expr

import (
	"fmt"
	"testing"

	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// The code ksqlDB compiles for persistent and push queries does
// arithmetic on the operands' boxed values, each a cast of what its
// expression produced: a column is ((java.lang.Integer)
// arguments.get("var0")), a call ((Integer) <Kudf>.evaluate(...)), a
// searched CASE ((Integer) SearchedCaseFunction.searchedCaseFunction(...)),
// a dereference or subscript a conditional (x == null ? null : x.get(...)),
// a lambda argument a local of the lambda's apply method, declared after
// its arg1..argN parameters (confluentinc/ksql v7.9.0 ksqldb-execution
// .../codegen/SqlToJavaVisitor.java: visitArithmeticBinary,
// visitArithmeticUnary, visitFunctionCall, visitSearchedCaseExpression,
// visitDereferenceExpression, visitSubscriptExpression; CodeGenUtil.argumentAccessor;
// helpers/LambdaUtil.toJavaCode). Janino unboxes the left operand with
// intValue(), longValue() or doubleValue() before it evaluates the right
// one, so a NULL operand throws a NullPointerException, uncaught below the
// column. Its message is HotSpot's helpful one (JDK 17, on by default;
// openjdk src/hotspot/share/interpreter/bytecodeUtils.cpp): "Cannot invoke
// \"<class>.<method>()\"", then where the null came from: " because the
// return value of \"<class>.<method>(<parameters>)\" is null" for a
// call's result (java.lang.Object and java.lang.String written short), "
// because \"<localN>\" is null" for a local of a class compiled without a
// local variable table (Janino's default, SimpleCompiler debugVars), and
// nothing after a conditional, whose two branches leave no single origin.
func TestCompiledArithmeticOnANullThrowsWhatJavaThrows(t *testing.T) {
	npe := func(box, from string) string {
		unbox := map[string]string{"I": "java.lang.Integer.intValue()", "L": "java.lang.Long.longValue()", "D": "java.lang.Double.doubleValue()"}[box]
		msg := `Cannot invoke "` + unbox + `"`
		switch from {
		case "":
		case "<local2>", "<local4>":
			msg += ` because "` + from + `" is null`
		default:
			msg += ` because the return value of "` + from + `" is null`
		}
		return msg
	}
	const mapGet = "java.util.Map.get(Object)"
	const kudf = "io.confluent.ksql.function.udf.Kudf.evaluate(Object[])"
	const searchedCase = "io.confluent.ksql.execution.codegen.helpers.SearchedCaseFunction.searchedCaseFunction(java.util.List, java.util.function.Supplier)"
	col := func(text, cause string) string {
		return fmt.Sprintf("Error computing expression %s for column X with index 0: [%s]", text, cause)
	}
	const ite = "java.lang.reflect.InvocationTargetException"
	checkLogged(t, []loggedCase{
		{"A + 1", row(), nil, []string{col("(A + 1)", npe("I", mapGet))}},
		{"1 + B", row(), nil, []string{col("(1 + B)", npe("L", mapGet))}},
		{"D * A", row("A", int32(2)), nil, []string{col("(D * A)", npe("D", mapGet))}},
		{"A - B", row("A", int32(1)), nil, []string{col("(A - B)", npe("L", mapGet))}},
		{"A / B", row("B", int64(0)), nil, []string{col("(A / B)", npe("I", mapGet))}},
		{"-A", row(), nil, []string{col("-A", npe("I", mapGet))}},
		{"ABS(A) + 1", row(), nil, []string{col("(ABS(A) + 1)", npe("I", kudf))}},
		{"(CASE WHEN A > 1 THEN A END) + 1", row("A", int32(0)), nil, []string{col("((CASE WHEN (A > 1) THEN A END) + 1)", npe("I", searchedCase))}},
		{"ARRAY[A][2] + 1", row("A", int32(0)), nil, []string{col("(ARRAY[A][2] + 1)", npe("I", ""))}},
		// the left operand throws first; the right is never evaluated
		{"A + ABS(CAST(S AS INTEGER))", row("S", "x"), nil, []string{col("(A + ABS(CAST(S AS INTEGER)))", npe("I", mapGet))}},
		// a comparison's null check evaluates its operands
		{"A + 1 > 2", row(), nil, []string{col("((A + 1) > 2)", npe("I", mapGet))}},
		{"A + 1", row("A", int32(1)), "2", nil},
		// a lambda's argument is a local of its apply method
		{"TRANSFORM(ARRAY[A, 1], X => X + 1)", row(), nil, []string{col("TRANSFORM(ARRAY[A, 1], (X) => (X + 1))",
			"Failed to invoke function public java.util.List io.confluent.ksql.function.udf.lambda.Transform.transformArray(java.util.List,java.util.function.Function) "+ite+" "+npe("I", "<local2>"))}},
		{"REDUCE(ARRAY[A], 0, (Q, X) => Q + X)", row(), nil, []string{col("REDUCE(ARRAY[A], 0, (Q, X) => (Q + X))",
			"Failed to invoke function public java.lang.Object io.confluent.ksql.function.udf.lambda.Reduce.reduceArray(java.util.List,java.lang.Object,java.util.function.BiFunction) "+ite+" "+npe("I", "<local4>"))}},
		{"TRANSFORM(ARRAY[1], X => X + A)", row(), nil, []string{col("TRANSFORM(ARRAY[1], (X) => (X + A))",
			"Failed to invoke function public java.util.List io.confluent.ksql.function.udf.lambda.Transform.transformArray(java.util.List,java.util.function.Function) "+ite+" "+npe("I", mapGet))}},
		// String + String is Java's concatenation: a NULL is "null"
		// (confluentinc/ksql#9136)
		{"S + 'x'", row(), "nullx", nil},
	})
}

// ksqlDB's interpreter, which evaluates pull queries' expressions
// (ksql.query.pull.interpreter.enabled, true by default; QueryProjectNode,
// QueryFilterNode) and INSERT VALUES' (GenericExpressionResolver), takes
// arithmetic with a NULL operand, string concatenation too, to NULL
// (confluentinc/ksql v7.9.0 ksqldb-execution
// .../interpreter/terms/ArithmeticBinaryTerm.java), lambda bodies included.
func TestInterpretedArithmeticOnANullIsNull(t *testing.T) {
	checkLoggedWith(t, func(c *Compiler) { c.Interpreted = true }, []loggedCase{
		{"A + 1", row(), nil, nil},
		{"-A", row(), nil, nil},
		{"S + 'x'", row(), nil, nil},
		{"TRANSFORM(ARRAY[A, 1], X => X + 1)", row(), "[null, 2]", nil},
	})
}

// DECIMAL arithmetic compiles to a BigDecimal call on the left operand,
// the right one its argument: (left.add(right, new MathContext(p,
// RoundingMode.UNNECESSARY)).setScale(s)), subtract, multiply, divide,
// remainder, and -x is x.negate(new MathContext(p, ...)); an INT or
// BIGINT operand is DecimalUtil.cast((Integer) or (Long) x, 10 or 19, 0),
// which is null for a null; in DOUBLE arithmetic a DECIMAL operand is
// ((Double) NullSafe.apply(x, val -> val.doubleValue())), unboxed as any
// Double (confluentinc/ksql v7.9.0 ksqldb-execution
// .../codegen/SqlToJavaVisitor.java visitArithmeticBinary,
// visitArithmeticMinus; .../codegen/helpers/CastEvaluator.java
// castToDecimal, nonNullSafeCode; helpers/NullSafe.java; ksqldb-common
// .../util/DecimalUtil.java cast). So both operands are evaluated, then a
// null left one is the receiver HotSpot names, and a null right one is
// met inside the JDK 17 method, whose own helpful message names its
// parameter: add reads augend.signum(), subtract subtrahend.negate(),
// multiply multiplicand.scale, divide divisor.scale, remainder
// (divideToIntegralValue's compareMagnitude) val.intCompact. The texts
// are what JDK 17.0.15 prints for these calls (java.math.BigDecimal
// compiled with its local variable table).
func TestCompiledDecimalArithmeticOnANullThrowsWhatJavaThrows(t *testing.T) {
	col := func(text, cause string) string {
		return fmt.Sprintf("Error computing expression %s for column X with index 0: [%s]", text, cause)
	}
	invoke := func(method, from string) string {
		return `Cannot invoke "java.math.BigDecimal.` + method + `" because the return value of "` + from + `" is null`
	}
	const mapGet = "java.util.Map.get(Object)"
	const castInt = "io.confluent.ksql.util.DecimalUtil.cast(java.lang.Integer, int, int)"
	const castLong = "io.confluent.ksql.util.DecimalUtil.cast(java.lang.Long, int, int)"
	const withContext = "(java.math.BigDecimal, java.math.MathContext)"
	const nullSafe = `Cannot invoke "java.lang.Double.doubleValue()" because the return value of "io.confluent.ksql.execution.codegen.helpers.NullSafe.apply(Object, java.util.function.Function)" is null`
	m := types.MustDecimal("1.50")
	checkLogged(t, []loggedCase{
		{"M + 1", row(), nil, []string{col("(M + 1)", invoke("add"+withContext, mapGet))}},
		{"M * M", row(), nil, []string{col("(M * M)", invoke("multiply"+withContext, mapGet))}},
		{"M / B", row("B", int64(2)), nil, []string{col("(M / B)", invoke("divide"+withContext, mapGet))}},
		{"A + M", row("M", m), nil, []string{col("(A + M)", invoke("add"+withContext, castInt))}},
		{"B - M", row("M", m), nil, []string{col("(B - M)", invoke("subtract"+withContext, castLong))}},
		{"-M", row(), nil, []string{col("-M", invoke("negate(java.math.MathContext)", mapGet))}},
		// a null right operand is met inside the method
		{"M + A", row("M", m), nil, []string{col("(M + A)", `Cannot invoke "java.math.BigDecimal.signum()" because "augend" is null`)}},
		{"M - A", row("M", m), nil, []string{col("(M - A)", `Cannot invoke "java.math.BigDecimal.negate()" because "subtrahend" is null`)}},
		{"M * A", row("M", m), nil, []string{col("(M * A)", `Cannot read field "scale" because "multiplicand" is null`)}},
		{"M / A", row("M", m), nil, []string{col("(M / A)", `Cannot read field "scale" because "divisor" is null`)}},
		{"M % A", row("M", m), nil, []string{col("(M % A)", `Cannot read field "intCompact" because "val" is null`)}},
		{"M + CAST(S AS DECIMAL(4, 2))", row("M", m), nil, []string{col("(M + CAST(S AS DECIMAL(4, 2)))", `Cannot invoke "java.math.BigDecimal.signum()" because "augend" is null`)}},
		// the right operand is evaluated before the left one is invoked on
		{"M + ABS(CAST(S AS INTEGER))", row("S", "x"), nil, []string{`Error processing INTEGER: [For input string: "x"]`,
			col("(M + ABS(CAST(S AS INTEGER)))", invoke("add"+withContext, mapGet))}},
		// in DOUBLE arithmetic a DECIMAL is NullSafe.apply's Double
		{"D + M", row("D", 1.0), nil, []string{col("(D + M)", nullSafe)}},
		{"M + D", row("D", 1.0), nil, []string{col("(M + D)", nullSafe)}},
		{"D + CAST(S AS DECIMAL(4, 2))", row("D", 1.0), nil, []string{col("(D + CAST(S AS DECIMAL(4, 2)))", nullSafe)}},
		// a lambda's DECIMAL argument is a local of its apply method
		{"TRANSFORM(ARRAY[M], X => X + 1)", row(), nil, []string{col("TRANSFORM(ARRAY[M], (X) => (X + 1))",
			"Failed to invoke function public java.util.List io.confluent.ksql.function.udf.lambda.Transform.transformArray(java.util.List,java.util.function.Function) java.lang.reflect.InvocationTargetException "+
				`Cannot invoke "java.math.BigDecimal.add(java.math.BigDecimal, java.math.MathContext)" because "<local2>" is null`)}},
		{"M + 1", row("M", m), "2.50", nil},
	})
}
