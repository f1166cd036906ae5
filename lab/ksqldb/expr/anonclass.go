package expr

import (
	"strconv"

	"github.com/ctalab/ctalab/lab/ksqldb/sql"
)

// The anonymous classes of the Java ksqlDB compiles for an expression
// (confluentinc/ksql v7.9.4 ksqldb-execution .../codegen/SqlToJavaVisitor.java,
// helpers/CastEvaluator.java, helpers/LambdaUtil.java), named as Janino
// 3.1.10 names them: CodeGenRunner cooks each expression as an
// ExpressionEvaluator, class SC, and an anonymous class is named after the
// class whose body holds it, SC$<n> for the nth of SC's own in the order
// the code writes them, SC$<n>$<m> for one inside another. A NULL a CAST's
// Supplier returns is "the return value of <class>.get()" in HotSpot's
// NullPointerException (nullOrigin).
//
// The classes the code writes: a CAST's Supplier (visitCast through
// evaluateOrReturnNull), around its operand; a lambda's Function,
// BiFunction or TriFunction (LambdaUtil.toJavaCode), around its body; a
// searched CASE's Supplier for each WHEN and THEN and for its default,
// NULL without ELSE (buildSupplierCode); the Supplier around a call's
// argument that is a call or a dereference, and around each ARRAY item,
// MAP key and value and STRUCT field (evaluateOrReturnNull); the CAST of
// an argument of another type than its parameter's (convertArgument); and
// the NullSafe Function after a DECIMAL operand of DOUBLE arithmetic
// (CastEvaluator.nonNullSafeCode). The last three this server learns only
// once what they hold is compiled, so a class compiled inside what one of
// them may hold, or after a DECIMAL left operand in the same arithmetic,
// is not named here: its number is not known.

// anonClass is a class of the code being compiled: SC, or an anonymous
// class in it.
type anonClass struct {
	name  string
	n     int  // the anonymous classes its body holds, so far
	known bool // its name is Janino's
}

// anonymous opens the next anonymous class in the body of the class being
// compiled; the expressions compiled until close are in its body.
func (c *Compiler) anonymous() (cls *anonClass, close func()) {
	outer := c.anon
	if outer == nil { // an expression not compiled from the top (Compile)
		outer = &anonClass{name: "SC"}
		c.anon = outer
	}
	outer.n++
	cls = &anonClass{name: outer.name + "$" + strconv.Itoa(outer.n), known: outer.known && c.unsure == 0}
	c.anon = cls
	return cls, func() { c.anon = outer }
}

// compileIn compiles e in the body of the next anonymous class.
func (c *Compiler) compileIn(e sql.Expr) (Compiled, *anonClass, error) {
	cls, close := c.anonymous()
	defer close()
	ce, err := c.Compile(e)
	return ce, cls, err
}

// counted counts n anonymous classes of the class being compiled that
// this server learns of after compiling what they hold or follow.
func (c *Compiler) counted(n int) {
	if c.anon != nil {
		c.anon.n += n
	}
}

// compileUnsure compiles es where a class the code writes around each, or
// after it, may be learnt of only later (counted), so that the classes
// compiled in them are not named.
func (c *Compiler) compileUnsure(es []sql.Expr) ([]Compiled, error) {
	c.unsure++
	defer func() { c.unsure-- }()
	return c.compileAll(es)
}

// castOrigin is where HotSpot says the NULL CAST x returned came from:
// its Supplier's get(), where its class's name is known.
func (c *Compiler) castOrigin(x *sql.Cast) (string, bool) {
	if cls := c.casts[x]; cls != nil && cls.known {
		return returned(cls.name + ".get()"), true
	}
	return "", false
}

// compileArgs compiles the arguments of a call: one that is a call or a
// dereference in the body of its Supplier (visitFunctionCall's
// evaluateOrReturnNull), the rest in the class being compiled, unsure
// where the call may convert them (convertArgument's CAST around one,
// counted once the overload is known: convertedArgs).
func (c *Compiler) compileArgs(es []sql.Expr, converts bool) ([]Compiled, error) {
	out := make([]Compiled, len(es))
	if converts {
		c.unsure++
		defer func() { c.unsure-- }()
	}
	for i, e := range es {
		var err error
		switch e.(type) {
		case *sql.FuncCall, *sql.Deref:
			out[i], _, err = c.compileIn(e)
		default:
			out[i], err = c.Compile(e)
		}
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
