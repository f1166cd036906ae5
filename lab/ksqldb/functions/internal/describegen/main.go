// Command describegen writes the table DESCRIBE FUNCTION answers from
// (lab/ksqldb/functions/describe_table.go): each built-in function of
// ksqlDB with its description, author, version and variations, read from
// the annotations of the UDF, UDAF and UDTF classes of confluentinc/ksql.
//
// Usage, from the module root:
//
//	go run ./lab/ksqldb/functions/internal/describegen -repo <git dir of confluentinc/ksql> [-rev v7.9.0] [-out lab/ksqldb/functions/describe_table.go]
//
// It reads the sources with git (git show, git ls-tree), so -repo may be a
// bare clone. What it reproduces of ksqlDB, by upstream file:
//
//   - UdfLoader, UdafLoader, UdtfLoader (ksqldb-engine/.../function): the
//     metadata of a factory (@UdfDescription, @UdafDescription,
//     @UdtfDescription name, description, author, version; path
//     KsqlScalarFunction.INTERNAL_PATH, "internal", for built-ins) and one
//     variation per public @Udf, @UdafFactory (static) or @Udtf method;
//   - FunctionLoaderUtils.createParameters: a parameter's name from
//     @UdfParameter's value or else the Java name (ksqlDB compiles with
//     -parameters), its type from @UdfParameter's schema or else the Java
//     type (UdfUtil.getSchemaFromType), variadic when it is the last
//     parameter of a varargs method;
//   - UdafTypes.getInputSchema: an aggregate's column arguments val1,
//     val2, ... from the Udaf's input type (a Pair, Triple, ... of several,
//     VariadicArgs for a variadic column), then the factory's own
//     parameters;
//   - the ParamType classes' toString (VARCHAR, INT, ARRAY<T>, ...) and
//     hashCode, and UdfIndex's HashMap of variations keyed by their
//     parameter types, whose iteration order DescribeFunctionExecutor
//     lists them in.
//
// A method ksqlDB fails to load (a type UdfUtil cannot infer, a DECIMAL
// return without schema or schema provider, an aggregate factory not
// returning Udaf or TableUdaf) is left out, as UdfLoader logs and skips
// it; the generator reports each on stderr.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"go/format"
	"os"
	"os/exec"
	"sort"
	"strings"
)

const functionDir = "ksqldb-engine/src/main/java/io/confluent/ksql/function/"

// constantsFiles hold constants the annotations refer to outside the
// function classes.
var constantsFiles = []string{"ksqldb-common/src/main/java/io/confluent/ksql/util/KsqlConstants.java"}

func main() {
	repo := flag.String("repo", "", "git directory of confluentinc/ksql (required)")
	rev := flag.String("rev", "v7.9.0", "revision to read")
	out := flag.String("out", "lab/ksqldb/functions/describe_table.go", "file to write")
	flag.Parse()
	if *repo == "" {
		fmt.Fprintln(os.Stderr, "describegen: -repo is required")
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*repo, *rev, *out); err != nil {
		fmt.Fprintln(os.Stderr, "describegen:", err)
		os.Exit(1)
	}
}

func run(repo, rev, out string) error {
	src := gitSource{repo: repo, rev: rev}
	paths, err := src.list(functionDir)
	if err != nil {
		return err
	}
	classes := map[string]*class{}
	var order []string
	for _, p := range append(paths, constantsFiles...) {
		if !strings.HasSuffix(p, ".java") {
			continue
		}
		text, err := src.read(p)
		if err != nil {
			return err
		}
		c, err := parseClass(text)
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		if c != nil {
			classes[c.name] = c
			order = append(order, c.name)
		}
	}
	g := &generator{classes: classes, warn: func(format string, args ...any) {
		fmt.Fprintf(os.Stderr, "describegen: "+format+"\n", args...)
	}}
	descs := map[string]*description{}
	for _, name := range order {
		d, err := g.describe(classes[name])
		if err != nil {
			return fmt.Errorf("class %s: %w", name, err)
		}
		if d == nil {
			continue
		}
		key := strings.ToUpper(d.name)
		if prev, ok := descs[key]; ok {
			return fmt.Errorf("%s is declared by two classes (%s)", key, prev.name)
		}
		descs[key] = d
	}
	code, err := render(descs, rev)
	if err != nil {
		return err
	}
	return os.WriteFile(out, code, 0o644)
}

// gitSource reads files of one revision of a git repository.
type gitSource struct{ repo, rev string }

func (g gitSource) git(args ...string) (string, error) {
	cmd := exec.Command("git", append([]string{"-C", g.repo}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	b, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, stderr.String())
	}
	return string(b), nil
}

func (g gitSource) list(dir string) ([]string, error) {
	s, err := g.git("ls-tree", "-r", "--name-only", g.rev, dir)
	if err != nil {
		return nil, err
	}
	return strings.Fields(s), nil
}

func (g gitSource) read(path string) (string, error) { return g.git("show", g.rev+":"+path) }

// render writes the Go table, sorted by name.
func render(descs map[string]*description, rev string) ([]byte, error) {
	names := make([]string, 0, len(descs))
	for n := range descs {
		names = append(names, n)
	}
	sort.Strings(names)
	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by describegen from confluentinc/ksql %s; DO NOT EDIT.\n", rev)
	b.WriteString("//\n// Regenerate from the module root with\n//\n")
	fmt.Fprintf(&b, "//\tgo run ./lab/ksqldb/functions/internal/describegen -repo <git dir of confluentinc/ksql> -rev %s\n\n", rev)
	b.WriteString("package functions\n\n")
	b.WriteString("// descriptions are the built-in functions as DESCRIBE FUNCTION describes them, by upper-cased name.\n")
	b.WriteString("var descriptions = map[string]Description{\n")
	for _, n := range names {
		d := descs[n]
		fmt.Fprintf(&b, "%q: {Name: %q, Description: %q, Author: %q, Version: %q, Path: %q, Type: %q, Functions: []Variation{\n",
			n, n, d.description, d.author, d.version, d.path, d.kind)
		for _, v := range d.variations {
			b.WriteString("{Arguments: []Argument{")
			for i, a := range v.args {
				if i > 0 {
					b.WriteString(", ")
				}
				fmt.Fprintf(&b, "{Name: %q, Type: %q, Description: %q", a.name, a.typ, a.description)
				if a.variadic {
					b.WriteString(", Variadic: true")
				}
				b.WriteString("}")
			}
			fmt.Fprintf(&b, "}, ReturnType: %q, Description: %q},\n", v.returnType, v.description)
		}
		b.WriteString("}},\n")
	}
	b.WriteString("}\n")
	return format.Source(b.Bytes())
}
