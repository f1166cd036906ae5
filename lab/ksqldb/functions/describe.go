package functions

// What DESCRIBE FUNCTION says of a built-in function, as ksqlDB 0.29's
// DescribeFunctionExecutor (confluentinc/ksql v7.9.0,
// ksqldb-rest-app/.../rest/server/execution/DescribeFunctionExecutor.java)
// builds it from the function's factory: the metadata of its
// @UdfDescription, @UdafDescription or @UdtfDescription and one variation
// per @Udf, @UdafFactory or @Udtf method, in the order UdfIndex holds
// them. describe_table.go holds the data, generated from the annotations
// by internal/describegen.

// Description is a function as DESCRIBE FUNCTION describes it.
type Description struct {
	Name        string // upper-cased
	Description string
	Author      string
	Version     string
	Path        string // "internal" for built-ins (KsqlScalarFunction.INTERNAL_PATH)
	Type        string // SCALAR, AGGREGATE or TABLE (FunctionType)
	Functions   []Variation
}

// Variation is one signature of a function (FunctionInfo).
type Variation struct {
	Arguments   []Argument
	ReturnType  string
	Description string
}

// Argument is one parameter of a variation (ArgumentInfo); a variadic
// one is named by its element type.
type Argument struct {
	Name        string
	Type        string
	Description string
	Variadic    bool
}

// DescribeFunction is the description of the function of that
// upper-cased name; ok is false when ksqlDB has none.
func DescribeFunction(name string) (d Description, ok bool) {
	d, ok = descriptions[name]
	return d, ok
}
