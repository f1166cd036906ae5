package expr

// What a lambda body throws, as ksqlDB's generated code throws it
// (confluentinc/ksql v7.9.0): the body is Java inside a Function,
// BiFunction or TriFunction (LambdaUtil.toJavaCode) that Transform, Filter
// or Reduce apply, so what its own boundaries do not catch leaves the
// invocation function's call through Method.invoke, and
// DynamicFunctionInvoker.eval wraps it: "Failed to invoke function
// <method>", then the InvocationTargetException, then what the body
// threw. Each invocation a failure leaves wraps it once more.

// lambdaMethods are the @Udf methods of the invocation functions as
// Method.toString writes them (type parameters erased;
// ksqldb-engine .../function/udf/lambda/{Transform,Filter,Reduce}.java),
// for an ARRAY and for a MAP.
var lambdaMethods = map[string][2]string{
	"TRANSFORM": {
		"public java.util.List io.confluent.ksql.function.udf.lambda.Transform.transformArray(java.util.List,java.util.function.Function)",
		"public java.util.Map io.confluent.ksql.function.udf.lambda.Transform.transformMap(java.util.Map,java.util.function.BiFunction,java.util.function.BiFunction)",
	},
	"FILTER": {
		"public java.util.List io.confluent.ksql.function.udf.lambda.Filter.filterArray(java.util.List,java.util.function.Function)",
		"public java.util.Map io.confluent.ksql.function.udf.lambda.Filter.filterMap(java.util.Map,java.util.function.BiFunction)",
	},
	"REDUCE": {
		"public java.lang.Object io.confluent.ksql.function.udf.lambda.Reduce.reduceArray(java.util.List,java.lang.Object,java.util.function.BiFunction)",
		"public java.lang.Object io.confluent.ksql.function.udf.lambda.Reduce.reduceMap(java.util.Map,java.lang.Object,io.confluent.ksql.execution.codegen.helpers.TriFunction)",
	},
}

// bodyThrows notes, for the invocation whose lambda body compiled, that an
// evaluation of the body threw a failure (none was pending before it).
func (c *Compiler) bodyThrows(body Compiled) Compiled {
	f, threw := c.Failures, c.bodyThrew
	if f == nil || threw == nil {
		return body
	}
	inner := body.Eval
	body.Eval = func(r []any) any {
		pending := f.thrown != nil
		v := inner(r)
		if !pending && f.thrown != nil {
			*threw = true
		}
		return v
	}
	return body
}

// invocationThrows wraps a failure thrown by the bodies of the invocation
// res (threw noted), or by the invocation collecting a MAP (a
// lambdaFailure with what Java throws), as DynamicFunctionInvoker does;
// what its collection or initial state throws is not wrapped. A body that
// fails later on the NULL its failure left (a lambdaFailure) is the
// failure it threw first, as Java never gets that far; and an invocation
// reached with a failure pending, which Java never reaches, is not
// evaluated.
func (c *Compiler) invocationThrows(name string, isMap bool, threw *bool, res Compiled) Compiled {
	f := c.Failures
	if f == nil {
		return res
	}
	method := lambdaMethods[name][0]
	if isMap {
		method = lambdaMethods[name][1]
	}
	wrap := []string{"Failed to invoke function " + method, "java.lang.reflect.InvocationTargetException"}
	inner := res.Eval
	res.Eval = func(r []any) (v any) {
		if f.thrown != nil {
			return nil
		}
		*threw = false
		defer func() {
			if x := recover(); x != nil {
				lf, ok := x.(lambdaFailure)
				if !ok || f.thrown == nil && lf.thrown == nil {
					panic(x)
				}
				if f.thrown == nil {
					f.thrown = lf.thrown // Collectors.toMap's, in the invocation
				}
				*threw = true
			}
			if *threw {
				*threw = false
				f.thrown = append(append(make([]string, 0, len(wrap)+len(f.thrown)), wrap...), f.thrown...)
				v = nil
			}
		}()
		return inner(r)
	}
	return res
}
