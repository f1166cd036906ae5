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

// AND and OR compile to Java's && and || over the operands' boxed
// Booleans, NOT to (!x) (confluentinc/ksql v7.9.4 ksqldb-execution
// .../codegen/SqlToJavaVisitor.java visitLogicalBinaryExpression,
// formatBinaryExpression, visitNotExpression): Janino unboxes each
// operand with booleanValue() as it reaches it, so a NULL operand the
// evaluation reaches throws a NullPointerException, not SQL's
// three-valued logic, and an operand after the one that decides is never
// evaluated (FALSE AND NULL is false, TRUE OR NULL true). The messages are
// what JDK 17.0.15 prints for javac-compiled code of the same shape
// (((Boolean) m.get("F")) && ...; a throwaway program in /tmp, not kept).
func TestCompiledLogicOnANullThrowsWhatJavaThrows(t *testing.T) {
	const boolNPE = `Cannot invoke "java.lang.Boolean.booleanValue()"`
	const mapGet = boolNPE + ` because the return value of "java.util.Map.get(Object)" is null`
	const kudf = boolNPE + ` because the return value of "io.confluent.ksql.function.udf.Kudf.evaluate(Object[])" is null`
	col := func(text, cause string) string {
		return fmt.Sprintf("Error computing expression %s for column X with index 0: [%s]", text, cause)
	}
	checkLogged(t, []loggedCase{
		{"F AND true", row(), nil, []string{col("(F AND true)", mapGet)}},
		{"true AND F", row(), nil, []string{col("(true AND F)", mapGet)}},
		{"false AND F", row(), "false", nil},
		{"F OR false", row(), nil, []string{col("(F OR false)", mapGet)}},
		{"F OR true", row(), nil, []string{col("(F OR true)", mapGet)}},
		{"true OR F", row(), "true", nil},
		{"false OR F", row(), nil, []string{col("(false OR F)", mapGet)}},
		{"NOT F", row(), nil, []string{col("(NOT F)", mapGet)}},
		{"F AND true", row("F", true), "true", nil},
		// the left operand throws first; the right is never evaluated
		{"F AND (CAST(S AS INTEGER) > 0)", row("S", "x"), nil, []string{col("(F AND (CAST(S AS INTEGER) > 0))", mapGet)}},
		{"(A > 0) OR IS_JSON_STRING(S) OR F", row("A", int32(0), "S", "x"), nil, []string{col("(((A > 0) OR IS_JSON_STRING(S)) OR F)", mapGet)}},
		{"NULLIF(F, true) AND true", row("F", true), nil, []string{col("(NULLIF(F, true) AND true)", kudf)}},
		// a lambda's argument is a local of its apply method
		{"FILTER(ARRAY[F], X => X OR true)", row(), nil, []string{col("FILTER(ARRAY[F], (X) => (X OR true))",
			"Failed to invoke function public java.util.List io.confluent.ksql.function.udf.lambda.Filter.filterArray(java.util.List,java.util.function.Function) java.lang.reflect.InvocationTargetException "+
				boolNPE+` because "<local2>" is null`)}},
	})
}

// ksqlDB's interpreter (pull queries, INSERT VALUES) evaluates AND, OR and
// NOT as Java does too: (Boolean) left.getValue(context) &&
// (Boolean) right.getValue(context), !((Boolean) term.getValue(context))
// (confluentinc/ksql v7.9.4 ksqldb-execution .../interpreter/terms/LogicalBinaryTerms.java,
// NotTerm.java), so a NULL operand it reaches throws, the null being the
// return value of Term.getValue whatever the operand. The message is what
// JDK 17.0.15 prints for those classes compiled by javac (a throwaway
// program in /tmp, not kept).
func TestInterpretedLogicOnANullThrowsWhatJavaThrows(t *testing.T) {
	const npe = `Cannot invoke "java.lang.Boolean.booleanValue()" because the return value of "io.confluent.ksql.execution.interpreter.terms.Term.getValue(io.confluent.ksql.execution.interpreter.TermEvaluationContext)" is null`
	col := func(text string) string {
		return fmt.Sprintf("Error computing expression %s for column X with index 0: [%s]", text, npe)
	}
	checkLoggedWith(t, func(c *Compiler) { c.Interpreted = true }, []loggedCase{
		{"F AND true", row(), nil, []string{col("(F AND true)")}},
		{"false AND F", row(), "false", nil},
		{"true OR F", row(), "true", nil},
		{"false OR F", row(), nil, []string{col("(false OR F)")}},
		{"NOT F", row(), nil, []string{col("(NOT F)")}},
		// arithmetic on a NULL is NULL in the interpreter: a comparison
		// over it is false
		{"((A + 1) > 0) OR F", row(), nil, []string{col("(((A + 1) > 0) OR F)")}},
	})
}

// A searched CASE's WHEN is a Supplier<Boolean> that SearchedCaseFunction
// unboxes in its stream's filter (clause -> clause.operand.get()), and the
// interpreter's SearchedCaseTerm hands it the same Suppliers
// (confluentinc/ksql v7.9.4 ksqldb-execution .../codegen/helpers/SearchedCaseFunction.java,
// .../interpreter/terms/SearchedCaseTerm.java): a NULL WHEN that is
// reached throws, compiled or interpreted, the null the return value of
// Supplier.get(). The message is what JDK 17.0.15 prints for that filter
// compiled by javac (a throwaway program in /tmp, not kept).
func TestSearchedCaseOnANullConditionThrowsWhatJavaThrows(t *testing.T) {
	const npe = `Cannot invoke "java.lang.Boolean.booleanValue()" because the return value of "java.util.function.Supplier.get()" is null`
	cases := []loggedCase{
		{"CASE WHEN F THEN 1 ELSE 2 END", row(), nil, []string{"Error computing expression (CASE WHEN F THEN 1 ELSE 2 END) for column X with index 0: [" + npe + "]"}},
		{"CASE WHEN A > 0 THEN 1 WHEN F THEN 2 END", row("A", int32(1)), "1", nil},
		{"CASE WHEN F THEN 1 ELSE 2 END", row("F", false), "2", nil},
	}
	checkLogged(t, cases)
	checkLoggedWith(t, func(c *Compiler) { c.Interpreted = true }, cases)
}

// A CAST compiles to an anonymous Supplier whose get() catches what the
// cast throws, (new Supplier<T>() {...}).get() (SqlToJavaVisitor.visitCast,
// evaluateOrReturnNull; confluentinc/ksql v7.9.4 ksqldb-execution), so a
// NULL it returns and arithmetic or logic unboxes is "the return value of
// <class>.get()". Janino 3.1.10 (ksqlDB 7.9's; CodeGenRunner cooks an
// ExpressionEvaluator, class SC) names an anonymous class after the class
// whose body holds it, SC$<n> for the nth of the expression's own in the
// order the code writes them, SC$<n>$<m> for one inside another: a CAST's,
// an argument's CAST (convertArgument), a call argument that is a call
// (evaluateOrReturnNull), an ARRAY item, each WHEN and THEN and the
// default of a searched CASE (buildSupplierCode, a default of null too),
// a lambda's Function (LambdaUtil.toJavaCode) and a DECIMAL operand's
// NullSafe Function in DOUBLE arithmetic (CastEvaluator.nonNullSafeCode).
// The names are what Janino 3.1.10, built from its v3.1.10 sources, gives
// code of those shapes on JDK 17.0.15 (a throwaway program in /tmp, not
// kept).
func TestCompiledArithmeticOnANullCastThrowsWhatJavaThrows(t *testing.T) {
	npe := func(unbox, class string) string {
		return `Cannot invoke "java.lang.` + unbox + `()" because the return value of "` + class + `.get()" is null`
	}
	col := func(text, cause string) string {
		return fmt.Sprintf("Error computing expression %s for column X with index 0: [%s]", text, cause)
	}
	checkLogged(t, []loggedCase{
		{"CAST(S AS INTEGER) + 1", row(), nil, []string{col("(CAST(S AS INTEGER) + 1)", npe("Integer.intValue", "SC$1"))}},
		{"A + CAST(S AS INTEGER)", row("A", int32(1)), nil, []string{col("(A + CAST(S AS INTEGER))", npe("Integer.intValue", "SC$1"))}},
		{"CAST(T AS INTEGER) + CAST(S AS INTEGER)", row("T", "5"), nil, []string{col("(CAST(T AS INTEGER) + CAST(S AS INTEGER))", npe("Integer.intValue", "SC$2"))}},
		// a CAST's own classes are inside it
		{"CAST(CAST(T AS INTEGER) AS BIGINT) + CAST(S AS BIGINT)", row("T", "5"), nil,
			[]string{col("(CAST(CAST(T AS INTEGER) AS BIGINT) + CAST(S AS BIGINT))", npe("Long.longValue", "SC$2"))}},
		{"ABS(CAST(T AS INTEGER)) + CAST(S AS INTEGER)", row("T", "5"), nil,
			[]string{col("(ABS(CAST(T AS INTEGER)) + CAST(S AS INTEGER))", npe("Integer.intValue", "SC$2"))}},
		// a searched CASE's WHEN, THEN and default Suppliers
		{"(CASE WHEN A > 0 THEN 1 ELSE 2 END) + CAST(S AS INTEGER)", row("A", int32(1)), nil,
			[]string{col("((CASE WHEN (A > 0) THEN 1 ELSE 2 END) + CAST(S AS INTEGER))", npe("Integer.intValue", "SC$4"))}},
		{"(CASE WHEN A > 0 THEN 1 END) + CAST(S AS INTEGER)", row("A", int32(1)), nil,
			[]string{col("((CASE WHEN (A > 0) THEN 1 END) + CAST(S AS INTEGER))", npe("Integer.intValue", "SC$4"))}},
		// FROM_UNIXTIME takes a BIGINT: the INTEGER argument is a CAST
		{"FROM_UNIXTIME(A) IS NULL OR CAST(S AS BOOLEAN)", row("A", int32(1)), nil,
			[]string{col("((FROM_UNIXTIME(A) IS NULL) OR CAST(S AS BOOLEAN))", npe("Boolean.booleanValue", "SC$2"))}},
		// a DECIMAL in DOUBLE arithmetic is NullSafe.apply(x, new Function() {...})
		{"(D + M) IS NULL OR CAST(S AS BOOLEAN)", row("D", 1.0, "M", types.MustDecimal("1.50")), nil,
			[]string{col("(((D + M) IS NULL) OR CAST(S AS BOOLEAN))", npe("Boolean.booleanValue", "SC$2"))}},
		// an ARRAY item's Supplier, then the lambda's Function, which holds the CAST
		{"TRANSFORM(ARRAY[1], X => CAST(S AS INTEGER) + X)", row(), nil, []string{col("TRANSFORM(ARRAY[1], (X) => (CAST(S AS INTEGER) + X))",
			"Failed to invoke function public java.util.List io.confluent.ksql.function.udf.lambda.Transform.transformArray(java.util.List,java.util.function.Function) java.lang.reflect.InvocationTargetException "+
				npe("Integer.intValue", "SC$2$1"))}},
	})
}
