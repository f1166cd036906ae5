// Package functions is the scalar function library of the embedded ksqlDB
// server: every function of ksqlDB 0.29's scalar-functions reference
// (https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/scalar-functions/),
// as the UDF classes of confluentinc/ksql's ksqldb-engine declare them.
//
// Scalars holds the functions of fixed signatures by upper-case name, each
// a UDF with its overloads; Resolve picks an overload for the argument
// types as ksqlDB's UdfIndex does (an exact fit, else the fewest implicit
// casts) and refuses the rest with its message. Generics holds the
// functions generic over an element type (ARRAY_*, MAP_*, ENTRIES,
// TO_JSON_STRING, ...), which derive their result type from the argument
// types. A function sees NULL arguments and returns nil where the UDF
// throws or returns null, as ksqlDB logs the error and goes on with NULL.
//
// catalog.go lists every function of ksqlDB 0.29 with its kind and
// category (SHOW FUNCTIONS); describe.go describes each as DESCRIBE
// FUNCTION does, from describe_table.go, which internal/describegen
// generates from the UDF, UDAF and UDTF classes' annotations. The files are by family: string.go (with string_bytes.go and
// string_split.go), math.go and trig.go, collections.go, json.go, url.go,
// encode.go, mask.go, geo.go, time.go and temporal.go (the date-time
// functions). The expression compiler (the parent package) calls them; the
// functions that take lambdas, time units or read their arguments lazily
// (COALESCE, IFNULL, NULLIF) are compiled there.
package functions
