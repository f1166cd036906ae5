package ksqldb

import (
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/sql"
)

func (c *compiler) compileCall(x *sql.FuncCall) (compiled, error) {
	if x.Star {
		return compiled{}, badStatement("Function %s does not accept '*' as an argument", x.Name)
	}
	args := make([]compiled, len(x.Args))
	for i, a := range x.Args {
		ca, err := c.compile(a)
		if err != nil {
			return compiled{}, err
		}
		args[i] = ca
	}
	want := func(n int, types ...sqlType) error {
		if len(args) != n {
			return badStatement("Function '%s' does not accept parameters (%s).", x.Name, argTypes(args))
		}
		for i, a := range args {
			ok := a.t == tNull
			for _, t := range types {
				if a.t == t {
					ok = true
				}
			}
			if !ok {
				return badStatement("Function '%s' does not accept parameters (%s).", x.Name, argTypes(args))
			}
			_ = i
		}
		return nil
	}
	switch x.Name {
	case "UCASE", "LCASE", "TRIM":
		if err := want(1, tString); err != nil {
			return compiled{}, err
		}
		f := map[string]func(string) string{"UCASE": strings.ToUpper, "LCASE": strings.ToLower, "TRIM": strings.TrimSpace}[x.Name]
		a := args[0]
		return compiled{t: tString, eval: func(r []any) any {
			v := a.eval(r)
			if v == nil {
				return nil
			}
			return f(v.(string))
		}}, nil
	case "LEN":
		if err := want(1, tString); err != nil {
			return compiled{}, err
		}
		a := args[0]
		return compiled{t: tInteger, eval: func(r []any) any {
			v := a.eval(r)
			if v == nil {
				return nil
			}
			return int32(len([]rune(v.(string))))
		}}, nil
	case "CONCAT":
		if len(args) == 0 {
			return compiled{}, badStatement("Function 'CONCAT' does not accept parameters ().")
		}
		for _, a := range args {
			if a.t != tString && a.t != tNull {
				return compiled{}, badStatement("Function 'CONCAT' does not accept parameters (%s).", argTypes(args))
			}
		}
		return compiled{t: tString, eval: func(r []any) any {
			var b strings.Builder
			for _, a := range args {
				if v := a.eval(r); v != nil {
					b.WriteString(v.(string))
				}
			}
			return b.String()
		}}, nil
	case "COALESCE", "IFNULL":
		if len(args) == 0 || (x.Name == "IFNULL" && len(args) != 2) {
			return compiled{}, badStatement("Function '%s' does not accept parameters (%s).", x.Name, argTypes(args))
		}
		t := tNull
		for _, a := range args {
			if a.t == tNull {
				continue
			}
			if t == tNull {
				t = a.t
			} else if t != a.t {
				return compiled{}, badStatement("Function '%s' does not accept parameters (%s).", x.Name, argTypes(args))
			}
		}
		return compiled{t: t, eval: func(r []any) any {
			for _, a := range args {
				if v := a.eval(r); v != nil {
					return v
				}
			}
			return nil
		}}, nil
	case "AS_VALUE":
		if len(args) != 1 {
			return compiled{}, badStatement("Function 'AS_VALUE' does not accept parameters (%s).", argTypes(args))
		}
		return args[0], nil
	case "ABS":
		if err := want(1, tInteger, tBigint, tDouble); err != nil {
			return compiled{}, err
		}
		a := args[0]
		return compiled{t: a.t, eval: func(r []any) any {
			v := a.eval(r)
			if compareValues(v, int32(0)) < 0 {
				return negate(v)
			}
			return v
		}}, nil
	}
	return compiled{}, unsupported("function " + x.Name)
}

func argTypes(args []compiled) string {
	parts := make([]string, len(args))
	for i, a := range args {
		parts[i] = a.t.String()
	}
	return strings.Join(parts, ", ")
}
