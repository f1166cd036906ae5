package expr

import "testing"

// A lambda's body is generated Java inside the invocation function's call
// (LambdaUtil.toJavaCode; confluentinc/ksql v7.9.0 ksqldb-execution
// .../codegen/helpers/LambdaUtil.java): what it throws and no nested
// boundary of the body catches leaves Transform, Filter or Reduce through
// Method.invoke, so DynamicFunctionInvoker wraps it as any UDF's failure,
// "Failed to invoke function <method>" (Method.toString, type parameters
// erased; ksqldb-engine .../function/udf/lambda/{Transform,Filter,Reduce}.java)
// and the InvocationTargetException, once for each invocation it leaves.
// A boundary inside the body (a CAST, a call argument that is a call)
// catches as anywhere else (SqlToJavaVisitor.evaluateOrReturnNull), and the
// invocation goes on.
func TestLambdaBodyFailuresLeaveThroughTheInvocation(t *testing.T) {
	const ite = "java.lang.reflect.InvocationTargetException"
	const transformArray = "Failed to invoke function public java.util.List io.confluent.ksql.function.udf.lambda.Transform.transformArray(java.util.List,java.util.function.Function)"
	const transformMap = "Failed to invoke function public java.util.Map io.confluent.ksql.function.udf.lambda.Transform.transformMap(java.util.Map,java.util.function.BiFunction,java.util.function.BiFunction)"
	const filterArray = "Failed to invoke function public java.util.List io.confluent.ksql.function.udf.lambda.Filter.filterArray(java.util.List,java.util.function.Function)"
	const filterMap = "Failed to invoke function public java.util.Map io.confluent.ksql.function.udf.lambda.Filter.filterMap(java.util.Map,java.util.function.BiFunction)"
	const reduceArray = "Failed to invoke function public java.lang.Object io.confluent.ksql.function.udf.lambda.Reduce.reduceArray(java.util.List,java.lang.Object,java.util.function.BiFunction)"
	const reduceMap = "Failed to invoke function public java.lang.Object io.confluent.ksql.function.udf.lambda.Reduce.reduceMap(java.util.Map,java.lang.Object,io.confluent.ksql.execution.codegen.helpers.TriFunction)"
	checkLogged(t, []loggedCase{
		{"TRANSFORM(ARRAY[A, 0], X => A / X)", row("A", int32(4)), nil,
			[]string{"Error computing expression TRANSFORM(ARRAY[A, 0], (X) => (A / X)) for column X with index 0: [" + transformArray + " " + ite + " / by zero]"}},
		{"TRANSFORM(MAP('k' := A), (K, V) => K, (K, V) => V % 0)", row("A", int32(4)), nil,
			[]string{"Error computing expression TRANSFORM(MAP('k':=A), (K, V) => K, (K, V) => (V % 0)) for column X with index 0: [" + transformMap + " " + ite + " / by zero]"}},
		{"FILTER(ARRAY[A], X => X / 0 > 1)", row("A", int32(4)), nil,
			[]string{"Error computing expression FILTER(ARRAY[A], (X) => ((X / 0) > 1)) for column X with index 0: [" + filterArray + " " + ite + " / by zero]"}},
		{"FILTER(MAP('k' := A), (K, V) => V / 0 > 1)", row("A", int32(4)), nil,
			[]string{"Error computing expression FILTER(MAP('k':=A), (K, V) => ((V / 0) > 1)) for column X with index 0: [" + filterMap + " " + ite + " / by zero]"}},
		{"REDUCE(ARRAY[A], 0, (Q, X) => Q + X / 0)", row("A", int32(4)), nil,
			[]string{"Error computing expression REDUCE(ARRAY[A], 0, (Q, X) => (Q + (X / 0))) for column X with index 0: [" + reduceArray + " " + ite + " / by zero]"}},
		{"REDUCE(MAP('k' := A), 0, (Q, K, V) => Q + V / 0)", row("A", int32(4)), nil,
			[]string{"Error computing expression REDUCE(MAP('k':=A), 0, (Q, K, V) => (Q + (V / 0))) for column X with index 0: [" + reduceMap + " " + ite + " / by zero]"}},
		// each invocation the failure leaves wraps it once more
		{"TRANSFORM(ARRAY[ARRAY[A]], X => TRANSFORM(X, Y => Y / 0))", row("A", int32(4)), nil,
			[]string{"Error computing expression TRANSFORM(ARRAY[ARRAY[A]], (X) => TRANSFORM(X, (Y) => (Y / 0))) for column X with index 0: [" + transformArray + " " + ite + " " + transformArray + " " + ite + " / by zero]"}},
		// a call argument of the body that is a call catches what it throws
		{"TRANSFORM(ARRAY[A], X => ABS(ABS(X / 0)))", row("A", int32(4)), "[null]",
			[]string{"Error processing ABS: [/ by zero]"}},
		// a CAST in the body catches, and the invocation goes on
		{"FILTER(ARRAY[S, '2'], X => CAST(X AS INTEGER) > 1)", row("S", "x"), "[2]",
			[]string{`Error processing INTEGER: [For input string: "x"]`}},
		// what the collection argument throws is not the invocation's
		{"TRANSFORM(ARRAY[A / 0], X => X)", row("A", int32(4)), "[null]",
			[]string{"Error processing array item: [/ by zero]"}},
		{"TRANSFORM(ARRAY[A, 2], X => X / 2)", row("A", int32(4)), "[2, 1]", nil},
	})
}

// DECIMAL arithmetic is BigDecimal's with a MathContext of the result
// type's precision and RoundingMode.UNNECESSARY, then setScale to its
// scale (SqlToJavaVisitor.visitArithmeticBinary; confluentinc/ksql v7.9.0
// ksqldb-execution .../codegen/SqlToJavaVisitor.java; result types from
// ksqldb-common .../schema/Operator.java and SqlDecimal.divide/modulus):
// a quotient that needs more digits than the precision, or more decimals
// than the scale, throws ArithmeticException "Rounding necessary" (so
// 1.0 / 3 is NULL, confluentinc/ksql#9874); remainder(divisor, mc) throws
// BigDecimal.divideToIntegralValue's "Division by zero" and "Division
// undefined" for a zero divisor, and "Division impossible" where the
// integer quotient needs more digits than the precision (java.math.BigDecimal,
// JDK 17). Each is uncaught below the column.
func TestDecimalArithmeticFailureMessages(t *testing.T) {
	checkLogged(t, []loggedCase{
		{"CAST(A AS DECIMAL(4, 1)) / 3", row("A", int32(1)), nil,
			[]string{"Error computing expression (CAST(A AS DECIMAL(4, 1)) / 3) for column X with index 0: [Rounding necessary]"}},
		// 9.765625E-8 fits DECIMAL(9, 9)'s precision, not its scale
		{"CAST(S AS DECIMAL(4, 4)) / CAST(T AS DECIMAL(4, 0))", row("S", "0.0001", "T", "1024"), nil,
			[]string{"Error computing expression (CAST(S AS DECIMAL(4, 4)) / CAST(T AS DECIMAL(4, 0))) for column X with index 0: [Rounding necessary]"}},
		{"CAST(S AS DECIMAL(4, 4)) / CAST(T AS DECIMAL(4, 0))", row("S", "0.0001", "T", "1000"), "0.000000100", nil},
		{"CAST(A AS DECIMAL(4, 1)) % 0", row("A", int32(3)), nil,
			[]string{"Error computing expression (CAST(A AS DECIMAL(4, 1)) % 0) for column X with index 0: [Division by zero]"}},
		{"CAST(A AS DECIMAL(4, 1)) % 0", row("A", int32(0)), nil,
			[]string{"Error computing expression (CAST(A AS DECIMAL(4, 1)) % 0) for column X with index 0: [Division undefined]"}},
		// DECIMAL(3, 2): 9999 needs four digits
		{"CAST(S AS DECIMAL(4, 2)) % CAST(T AS DECIMAL(3, 2))", row("S", "99.99", "T", "0.01"), nil,
			[]string{"Error computing expression (CAST(S AS DECIMAL(4, 2)) % CAST(T AS DECIMAL(3, 2))) for column X with index 0: [Division impossible]"}},
		// 9900 truncates to three digits without loss
		{"CAST(S AS DECIMAL(4, 2)) % CAST(T AS DECIMAL(3, 2))", row("S", "99.00", "T", "0.01"), "0.00", nil},
		{"CAST(S AS DECIMAL(4, 2)) % CAST(T AS DECIMAL(3, 2))", row("S", "7.50", "T", "2.00"), "1.50", nil},
		{"CAST(A AS DECIMAL(4, 1)) / 0.5", row("A", int32(3)), "6.000000", nil}, // DECIMAL(10, 6)
	})
}

