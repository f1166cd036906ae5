package ksqldb

import (
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/expr"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// pullScan is how a pull query on a table reads its store
// (PullPhysicalPlan.PullPhysicalPlanType).
type pullScan int

const (
	pullTableScan pullScan = iota // every row of every partition
	pullKeyLookup                 // the rows of the keys its WHERE pins
	pullRangeScan                 // the rows of a key range
)

// pullOptions are the request's pull-query planner switches
// (PullQueryConfigPlannerOptions): a request property overrides the
// server's setting, true by default for both.
type pullOptions struct {
	tableScans, rangeScans bool
}

// pullOptionsOf reads ksql.query.pull.table.scan.enabled and
// ksql.query.pull.range.scan.enabled from a request's properties.
func pullOptionsOf(props map[string]string) pullOptions {
	on := func(name string) bool { return !strings.EqualFold(strings.TrimSpace(props[name]), "false") }
	return pullOptions{tableScans: on("ksql.query.pull.table.scan.enabled"), rangeScans: on("ksql.query.pull.range.scan.enabled")}
}

// windowBoundOps are the comparisons a WINDOWSTART or WINDOWEND bound may
// use (QueryFilterNode.VALID_WINDOW_BOUND_COMPARISONS).
var windowBoundOps = map[string]string{"=": "EQUAL", ">": "GREATER_THAN", ">=": "GREATER_THAN_OR_EQUAL", "<": "LESS_THAN", "<=": "LESS_THAN_OR_EQUAL"}

// comparisonTypes names a comparison operator as ComparisonExpression.Type does.
var comparisonTypes = map[string]string{"=": "EQUAL", "<>": "NOT_EQUAL", "<": "LESS_THAN", "<=": "LESS_THAN_OR_EQUAL",
	">": "GREATER_THAN", ">=": "GREATER_THAN_OR_EQUAL", "IS DISTINCT FROM": "IS_DISTINCT_FROM"}

// planPullScan is what QueryFilterNode and PullPhysicalPlanBuilder's
// getPlanType decide for a pull query on a table with schema sch: the
// WHERE clause, rewritten in disjunctive normal form (PullQueryRewriter),
// either pins every key column of each disjunct with '=' (a key lookup),
// bounds a single STRING or BYTES key of a single disjunct (a range scan),
// or needs a table scan; with table scans disabled, what would need one
// is refused with QueryFilterNode's messages. Some refusals hold whatever
// the switches: unsupported expressions, window bound misuse, NULL or
// unconvertible key values. reads is the predicate a row the key lookup
// or range scan reads satisfies (see pullWhere.reads), nil for a table
// scan.
func planPullScan(where sql.Expr, sch types.Schema, windowed bool, opts pullOptions) (scan pullScan, reads sql.Expr, err error) {
	scan = pullTableScan
	if where != nil {
		a := &pullWhere{sch: sch, windowed: windowed, opts: opts}
		if scan, err = a.plan(where); err != nil {
			return 0, nil, err
		}
		if scan != pullTableScan {
			reads = a.reads
		}
	}
	return scan, reads, nil
}

// requireTableScan is PullPhysicalPlanBuilder's last word on a scan: a
// range scan is a table scan when range scans are disabled or the table is
// windowed, and a table scan is refused when table scans are disabled.
func requireTableScan(scan pullScan, windowed bool, opts pullOptions) error {
	if scan == pullRangeScan && (!opts.rangeScans || windowed) {
		scan = pullTableScan
	}
	if scan == pullTableScan && !opts.tableScans {
		return stmterr.Bad("Query requires table scan to be enabled. Table scans can be enabled by setting ksql.query.pull.table.scan.enabled=true")
	}
	return nil
}

// pullWhere analyses one WHERE clause.
type pullWhere struct {
	sch      types.Schema
	windowed bool
	opts     pullOptions
	// reads is what a row the data source operator reads satisfies: for a
	// key lookup, a disjunct's key equalities and, windowed, its window
	// bounds, ORed over the disjuncts (KeyedTableLookupOperator,
	// KsMaterializedWindowTable.get's windowStart and windowEnd bounds);
	// for a range scan, its key at or past the bound, whichever side the
	// column is on, as the store's range includes its endpoint
	// (KeyedTableLookupOperator.getMatIterator)
	reads sql.Expr
}

func (a *pullWhere) plan(where sql.Expr) (pullScan, error) {
	disjuncts := splitOr(pullRewrite(where))
	for _, d := range disjuncts {
		tableScan, err := a.validate(d)
		if err != nil {
			return 0, err
		}
		if tableScan {
			return pullTableScan, nil // QueryFilterNode extracts no key then
		}
	}
	var kinds []string // each disjunct's constraint: "" for none, else its operator
	var reads []sql.Expr
	for _, d := range disjuncts {
		k, read, err := a.constraint(d)
		if err != nil {
			return 0, err
		}
		reads = append(reads, read)
		if a.windowed {
			if err := checkWindowBounds(d); err != nil {
				return 0, err
			}
		}
		kinds = append(kinds, k)
	}
	// PullPhysicalPlanBuilder.getPlanType
	allEqual := true
	for _, k := range kinds {
		if k == "" {
			return pullTableScan, nil
		}
		allEqual = allEqual && k == "="
	}
	a.reads = nil
	for _, r := range reads {
		if a.reads == nil {
			a.reads = r
		} else {
			a.reads = &sql.Binary{Op: "OR", L: a.reads, R: r}
		}
	}
	if allEqual {
		return pullKeyLookup, nil
	}
	if len(kinds) == 1 {
		return pullRangeScan, nil
	}
	return pullTableScan, nil
}

// keyCols is the schema's key columns as LogicalSchema.key() prints them.
func (a *pullWhere) keyCols() string {
	var parts []string
	for _, c := range a.sch.Keys() {
		parts = append(parts, "`"+c.Name+"` "+c.Type.String()+" KEY")
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// keyIndex is the position of name among the key columns, or -1.
func (a *pullWhere) keyIndex(name string) int {
	for i, c := range a.sch.Keys() {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// validate is QueryFilterNode.Validator over one disjunct: it reports
// whether the disjunct needs a table scan, or the refusal when table scans
// are disabled.
func (a *pullWhere) validate(d sql.Expr) (bool, error) {
	v := &pullValidator{a: a, seen: map[int]bool{}}
	if err := v.process(d); err != nil {
		return false, err
	}
	if v.tableScan {
		return true, nil
	}
	if !v.keyed {
		if a.opts.tableScans {
			return true, nil
		}
		return false, invalidWhere("WHERE clause missing key column for disjunct: "+sql.Format(d), a.windowed)
	}
	if keys := a.sch.Keys(); len(v.seen) != len(keys) {
		if a.opts.tableScans {
			return true, nil
		}
		var seen []string
		for i, c := range keys {
			if v.seen[i] {
				seen = append(seen, "`"+c.Name+"`")
			}
		}
		return false, invalidWhere("Multi-column sources must specify every key in the WHERE clause. Specified: ["+
			strings.Join(seen, ", ")+"] Expected: "+a.keyCols(), a.windowed)
	}
	return false, nil
}

// pullValidator walks one disjunct as QueryFilterNode.Validator does.
type pullValidator struct {
	a         *pullWhere
	seen      map[int]bool
	keyed     bool
	tableScan bool
}

// scanOr needs a table scan, or refuses with err when they are disabled.
func (v *pullValidator) scanOr(err error) error {
	if v.a.opts.tableScans {
		v.tableScan = true
		return nil
	}
	return err
}

func (v *pullValidator) process(e sql.Expr) error {
	switch x := e.(type) {
	case *sql.Binary:
		switch x.Op {
		case "AND", "OR":
			if x.Op == "OR" {
				if err := v.scanOr(invalidWhere("Only AND expressions are supported: "+sql.Format(x), false)); err != nil {
					return err
				}
			}
			if err := v.process(x.L); err != nil {
				return err
			}
			return v.process(x.R)
		}
		if _, ok := comparisonTypes[x.Op]; ok {
			return v.comparison(x)
		}
	case *sql.Like:
		if !x.Not {
			return v.like(x)
		}
	}
	return invalidWhere("Unsupported expression in WHERE clause: "+sql.Format(e), false)
}

func (v *pullValidator) comparison(x *sql.Binary) error {
	col, other := columnSide(x)
	if col == nil {
		return v.scanOr(invalidWhere("A comparison must directly reference a key column", v.a.windowed))
	}
	if hasColumnRef(other) {
		return v.scanOr(invalidWhere("A comparison must be between a key column and a resolvable expression", v.a.windowed))
	}
	if col.Name == "WINDOWSTART" || col.Name == "WINDOWEND" {
		if _, ok := windowBoundOps[x.Op]; !ok {
			return invalidWhere("Unsupported "+col.Name+" bounds: "+comparisonTypes[x.Op], true)
		}
		if !v.a.windowed {
			return invalidWhere("Cannot use WINDOWSTART/WINDOWEND on non-windowed source", false)
		}
		return nil
	}
	i := v.a.keyIndex(col.Name)
	if i < 0 {
		return nil
	}
	if x.Op == "<>" || x.Op == "IS DISTINCT FROM" {
		if err := v.scanOr(invalidWhere("Bound on key columns '"+v.a.keyCols()+"' must currently be '='", v.a.windowed)); err != nil {
			return err
		}
	}
	if v.seen[i] && !v.a.opts.tableScans {
		return invalidWhere("A comparison condition on the key column cannot be combined with other comparisons such as an IN predicate", v.a.windowed)
	}
	v.seen[i] = true
	v.keyed = true
	return nil
}

func (v *pullValidator) like(x *sql.Like) error {
	ref, ok := x.X.(*sql.ColumnRef)
	if !ok {
		return v.scanOr(invalidWhere("Like condition must be between strings", v.a.windowed))
	}
	var col *types.Column
	for i := range v.a.sch.Cols {
		if v.a.sch.Cols[i].Name == ref.Name {
			col = &v.a.sch.Cols[i]
		}
	}
	if col == nil {
		return invalidWhere("Like condition on non-existent column "+ref.Name, v.a.windowed)
	}
	if col.Type.Kind() != types.KindString {
		return invalidWhere("The column type for Like condition must be VARCHAR. The column type is "+col.Type.BaseName(), v.a.windowed)
	}
	if lit, ok := x.Pattern.(*sql.Literal); !ok || (lit.Kind != sql.StringLit && lit.Kind != sql.NullLit) {
		return invalidWhere("Like condition on non-string pattern", v.a.windowed)
	}
	return nil
}

// constraint is QueryFilterNode.KeyValueExtractor over one disjunct: the
// operator of its key constraint ("" for none, a table scan), or the
// refusal of a NULL or unconvertible key value, and what a row the
// constraint reads satisfies (see pullWhere.reads).
func (a *pullWhere) constraint(d sql.Expr) (string, sql.Expr, error) {
	keys := a.sch.Keys()
	ops := map[int]string{}
	chosen := map[int]*sql.Binary{}
	var bounds []sql.Expr // the disjunct's window bounds
	var err error
	walkConjuncts(d, func(x *sql.Binary) {
		if err != nil {
			return
		}
		col, other := columnSide(x)
		if col == nil {
			return
		}
		if col.Name == "WINDOWSTART" || col.Name == "WINDOWEND" {
			bounds = append(bounds, x)
		}
		i := a.keyIndex(col.Name)
		if i < 0 {
			return
		}
		if err = checkKeyValue(other, keys[i], x); err != nil {
			return
		}
		// setMostSelectiveConstraint: an equality wins, else the first bound
		if ops[i] == "=" {
			return
		}
		if _, had := ops[i]; !had || x.Op == "=" {
			ops[i], chosen[i] = x.Op, x
		}
	})
	if err != nil || len(ops) == 0 {
		return "", nil, err
	}
	if len(ops) > 1 {
		for _, op := range ops {
			if op != "=" {
				return "", nil, nil
			}
		}
		return "=", lookupReads(chosen, len(keys), bounds), nil
	}
	op, ok := ops[0]
	if !ok {
		return "", nil, nil
	}
	if op == "=" {
		return op, lookupReads(chosen, len(keys), bounds), nil
	}
	switch k := keys[0].Type.Kind(); {
	case (k == types.KindString || k == types.KindBytes) && (op == "<" || op == "<=" || op == ">" || op == ">="):
		// the constraint's type is the comparison's, whichever side the
		// column is on; the range includes its endpoint
		col, other := columnSide(chosen[0])
		incl := map[string]string{"<": "<=", "<=": "<=", ">": ">=", ">=": ">="}[op]
		return op, &sql.Binary{Op: incl, L: col, R: other, P: chosen[0].P}, nil
	}
	return "", nil, nil
}

// lookupReads is what a row a key lookup reads for one disjunct
// satisfies: the key equalities chosen for its n key columns, and the
// disjunct's window bounds.
func lookupReads(chosen map[int]*sql.Binary, n int, bounds []sql.Expr) sql.Expr {
	var out sql.Expr
	for i := range n {
		out = andOf(out, chosen[i])
	}
	for _, b := range bounds {
		out = andOf(out, b)
	}
	return out
}

// andOf is l AND r, or r where l is nil.
func andOf(l, r sql.Expr) sql.Expr {
	if l == nil {
		return r
	}
	return &sql.Binary{Op: "AND", L: l, R: r}
}

// checkKeyValue is QueryFilterNode's resolveKey for a literal compared with
// key column col: NULL is refused, and so is a value DefaultSqlValueCoercer
// STRICT cannot convert to the column's type. Other expressions resolve at
// lookup.
func checkKeyValue(other sql.Expr, col types.Column, cmp *sql.Binary) error {
	lit, ok := other.(*sql.Literal)
	if !ok {
		return nil
	}
	if lit.Kind == sql.NullLit {
		return stmterr.Bad("Primary key columns can not be NULL: %s", sql.Format(cmp))
	}
	k := col.Type.Kind()
	numeric := k == types.KindInteger || k == types.KindBigint || k == types.KindDouble || k == types.KindDecimal
	var fits bool
	switch lit.Kind {
	case sql.StringLit:
		fits = k == types.KindString
	case sql.BoolLit:
		fits = k == types.KindBoolean
	case sql.IntLit:
		fits = numeric
	case sql.DecimalLit:
		fits = k == types.KindDecimal || k == types.KindDouble
	case sql.DoubleLit:
		fits = k == types.KindDouble
	default:
		fits = true
	}
	if fits {
		return nil
	}
	text := lit.Text
	if lit.Kind == sql.BoolLit {
		text = "false"
		if lit.Bool {
			text = "true"
		}
	}
	return stmterr.Bad("'%s' can not be converted to the type of the key column: %s %s KEY", text, col.Name, col.Type)
}

// checkWindowBounds is QueryFilterNode.WindowBoundsExtractor over one
// disjunct: at most one bound of each kind on WINDOWSTART and on
// WINDOWEND, and an equality alone.
func checkWindowBounds(d sql.Expr) error {
	type bounds struct{ eq, upper, lower bool }
	seen := map[string]*bounds{"WINDOWSTART": {}, "WINDOWEND": {}}
	var err error
	walkConjuncts(d, func(x *sql.Binary) {
		if err != nil {
			return
		}
		col, _ := columnSide(x)
		if col == nil || (col.Name != "WINDOWSTART" && col.Name != "WINDOWEND") {
			return
		}
		b := seen[col.Name]
		ok := true
		op := x.Op
		if _, inverted := x.R.(*sql.ColumnRef); inverted {
			if flip, ok := map[string]string{"<": ">", "<=": ">=", ">": "<", ">=": "<="}[op]; ok {
				op = flip
			}
		}
		switch op {
		case "=":
			ok, b.eq = !b.eq, true
		case "<", "<=":
			ok, b.upper = !b.upper, true
		case ">", ">=":
			ok, b.lower = !b.lower, true
		}
		if b.eq && (b.upper || b.lower) {
			err = invalidWhere("`"+sql.Format(x)+"` cannot be combined with other "+col.Name+" bounds", true)
			return
		}
		if !ok {
			kind := map[string]string{"=": "EQUAL", "<": "LESS_THAN", "<=": "LESS_THAN", ">": "GREATER_THAN", ">=": "GREATER_THAN"}[op]
			err = invalidWhere("Duplicate "+col.Name+" bounds on: "+kind, true)
		}
	})
	return err
}

// walkConjuncts calls f with each comparison of a conjunction.
func walkConjuncts(e sql.Expr, f func(*sql.Binary)) {
	x, ok := e.(*sql.Binary)
	if !ok {
		return
	}
	if x.Op == "AND" || x.Op == "OR" {
		walkConjuncts(x.L, f)
		walkConjuncts(x.R, f)
		return
	}
	if _, cmp := comparisonTypes[x.Op]; cmp {
		f(x)
	}
}

// columnSide is a comparison's column reference, the right side's first
// (getColumnRefSideOrNull), and the other side.
func columnSide(x *sql.Binary) (*sql.ColumnRef, sql.Expr) {
	if r, ok := x.R.(*sql.ColumnRef); ok {
		return r, x.L
	}
	if l, ok := x.L.(*sql.ColumnRef); ok {
		return l, x.R
	}
	return nil, nil
}

// hasColumnRef reports a column reference anywhere in e.
func hasColumnRef(e sql.Expr) bool {
	found := false
	expr.Walk(e, func(x sql.Expr) {
		if _, ok := x.(*sql.ColumnRef); ok {
			found = true
		}
	})
	return found
}

// invalidWhere is QueryFilterNode.invalidWhereClauseException.
func invalidWhere(msg string, windowed bool) error {
	extra := ""
	if windowed {
		extra = "\n - (optionally) limits the time bounds of the windowed table." +
			"\n\t Bounds on [`WINDOWSTART`, `WINDOWEND`] are supported" +
			"\n\t Supported operators are [EQUAL, GREATER_THAN, GREATER_THAN_OR_EQUAL, LESS_THAN, LESS_THAN_OR_EQUAL]"
	}
	return stmterr.Bad("%s", msg+"."+pullQueryHelp+
		"\nPull queries require a WHERE clause that:"+
		"\n - includes a key equality expression, e.g. `SELECT * FROM X WHERE <key-column> = Y;`."+
		"\n - in the case of a multi-column key, is a conjunction of equality expressions that cover all key columns."+
		"\n - to support range expressions, e.g.,  SELECT * FROM X WHERE <key-column> < Y;`, range scans need to be enabled by setting ksql.query.pull.range.scan.enabled=true"+
		extra+
		"\nIf more flexible queries are needed, , table scans can be enabled by setting ksql.query.pull.table.scan.enabled=true.")
}
