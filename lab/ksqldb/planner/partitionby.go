package planner

import (
	"errors"
	"github.com/ctalab/ctalab/lab/ksqldb/formats"
	"slices"
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/expr"
	"github.com/ctalab/ctalab/lab/ksqldb/metastore"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// partitionPlan is a query's PARTITION BY: the stream is rekeyed by the
// expressions before the projection (LogicalPlanner.buildUserRepartitionNode,
// PartitionByParamsFactory). Each record's new key is what the expressions
// give for it; the producer then places the record by that key, so the sink
// is partitioned by it as ksqlDB's selectKey + sink are.
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/partition-by/
type partitionPlan struct {
	exprs []sql.Expr
	quals []string // each expression with its columns qualified (matching and messages)
	names []string // the key columns of the repartitioned schema
	types []types.Type
	// readsValue marks each expression that reads more than the source's
	// key columns (see Plan.ReadsValue)
	readsValue []bool
	Null       bool // PARTITION BY NULL: no key at all
	qual       func(*sql.ColumnRef) string
	join       bool // the query joins: SELECT * is not expanded here
}

// planPartitionBy checks a query's PARTITION BY clause against its source
// and names its key columns; nil without the clause or when it does not
// change the key (a table partitioned by its own key).
func planPartitionBy(q *sql.Query, src *metastore.Source, in *expr.Scope, jp *JoinPlan) (*partitionPlan, error) {
	if !q.HasPartitionBy {
		return nil, nil
	}
	pp := &partitionPlan{join: jp != nil}
	if jp != nil {
		if src.Table {
			return nil, stmterr.Unsupported("PARTITION BY on a join of tables")
		}
		if err := pp.checkJoinStar(q, jp); err != nil {
			return nil, err
		}
	}
	pp.qual = columnQualifier(q, src, jp)
	c := &expr.Compiler{In: in, Clause: "PARTITION BY"}
	for _, e := range q.PartitionBy {
		ce, err := c.Compile(e)
		if err != nil {
			// Analyzer.throwOnUnknownColumnReference adds why
			var se *stmterr.Error
			if errors.As(err, &se) && strings.HasSuffix(se.Msg, " cannot be resolved.") {
				if ref, ok := firstUnknown(e, in); ok {
					return nil, stmterr.Bad("%s '%s' must be a column in the source schema since PARTITION BY is applied on the input.", se.Msg, ref)
				}
			}
			return nil, err
		}
		pp.exprs = append(pp.exprs, e)
		pp.quals = append(pp.quals, sql.FormatWith(e, pp.qual))
		pp.types = append(pp.types, ce.Type)
		pp.readsValue = append(pp.readsValue, readsValue(e, in, src))
		if lit, ok := e.(*sql.Literal); ok && lit.Kind == sql.NullLit {
			pp.Null = true
		}
	}
	// PartitionByParamsFactory.isPartitionByNull
	if pp.Null {
		if len(pp.exprs) > 1 {
			return nil, stmterr.Bad("Cannot PARTITION BY multiple columns including NULL")
		}
		if src.Table {
			return nil, tableRepartition(src, pp)
		}
		return pp, nil
	}
	// PartitionByParamsFactory.getPartitionByColumnName: a column keeps its
	// name, anything else gets ColumnNames.uniqueAliasFor's (a struct
	// field's name, else KSQL_COL_n not taken by the source).
	aliases := newAliasGenerator(in.Cols)
	for _, e := range pp.exprs {
		if x, ok := e.(*sql.ColumnRef); ok {
			if pp.join { // the joined schema's name, e.g. L_B
				pp.names = append(pp.names, strings.ReplaceAll(sql.FormatWith(x, pp.qual), ".", "_"))
				continue
			}
			pp.names = append(pp.names, x.Name)
			continue
		}
		pp.names = append(pp.names, aliases.uniqueAliasFor(e))
	}
	if src.Table {
		// SchemaKTable.selectKey: a table is only "repartitioned" by its own key
		keys := src.Schema.Keys()
		if len(keys) == 1 && len(pp.exprs) == 1 {
			if ref, ok := pp.exprs[0].(*sql.ColumnRef); ok && ref.Name == keys[0].Name {
				return nil, nil
			}
		}
		return nil, tableRepartition(src, pp)
	}
	if src.Window != nil {
		// SchemaKStream.selectKey: a windowed stream is not rekeyed;
		// partitioned by its own key columns it is passed on as it is
		// (Repartitioning.repartitionNeeded)
		if !byKeyColumns(src, pp.exprs) {
			return nil, stmterr.Bad("Implicit repartitioning of windowed sources is not supported. See https://github.com/confluentinc/ksql/issues/4385.")
		}
		return nil, nil
	}
	for i, t := range pp.types {
		if t.HasMap() { // KeyUtil / SchemaUtil: no map in a key
			return nil, formats.MapKeyError(pp.names[i], t)
		}
	}
	return pp, nil
}

func tableRepartition(src *metastore.Source, pp *partitionPlan) error {
	keys := src.Schema.Keys()
	if len(keys) != 1 {
		return stmterr.Bad("Cannot repartition a TABLE source. If this is a join, joins on tables with multiple columns is not yet supported.")
	}
	exprs := make([]string, len(pp.exprs))
	for i, e := range pp.exprs {
		exprs[i] = sql.Format(e)
	}
	return stmterr.Bad("Cannot repartition a TABLE source. If this is a join, make sure that the criteria uses the TABLE's key column %s instead of [%s]", keys[0].Name, strings.Join(exprs, ", "))
}

// readsValue reports an expression that reads a column other than src's
// key columns (PartitionByParamsFactory's partitionByInvolvesKeyColsOnly).
func readsValue(e sql.Expr, in *expr.Scope, src *metastore.Source) bool {
	reads := false
	expr.Walk(e, func(x sql.Expr) {
		if ref, ok := x.(*sql.ColumnRef); ok {
			if i, ok := in.Lookup(ref); ok && (i >= len(src.Schema.Cols) || !src.Schema.Cols[i].Key) {
				reads = true
			}
		}
	})
	return reads
}

// ReadsValue reports whether the persistent result's column i is a
// PARTITION BY key computed from more than the source's key columns: over
// a record with a null value it is null, as ksqlDB evaluates such an
// expression on the value and any other on the key alone
// (PartitionByParamsFactory.buildExpressionEvaluator).
func (p *Plan) ReadsValue(i int) bool {
	pp := p.Partition
	return pp != nil && !pp.Null && i < len(pp.readsValue) && pp.readsValue[i]
}

// nullValueNPE is the NullPointerException CodeGenSpec.ValueArgumentSpec's
// resolve(GenericRow value) throws on a null value, as HotSpot (JDK 17,
// helpful messages) describes value.get(columnIndex).
const nullValueNPE = `Cannot invoke "io.confluent.ksql.GenericRow.get(int)" because "value" is null`

// KeyOverNullValue is the persistent result's key column i, a PARTITION
// BY key that ReadsValue, for a record with a null value: NULL, the
// PartitionBy step logging the NullPointerException resolving its column
// arguments from the null value throws (PartitionByExpressionEvaluator,
// CompiledExpression.evaluate's catch).
func (p *Plan) KeyOverNullValue(i int) any {
	p.PartitionFailures.Log("Error computing new key from expression "+stepText(p.Partition.exprs[i], p.Join), nullValueNPE)
	return nil
}

// firstUnknown is the first column e refers to that the scope lacks.
func firstUnknown(e sql.Expr, in *expr.Scope) (string, bool) {
	var name string
	expr.Walk(e, func(x sql.Expr) {
		if ref, ok := x.(*sql.ColumnRef); ok && name == "" {
			if _, ok := in.Lookup(ref); !ok {
				name = sql.Format(ref)
			}
		}
	})
	return name, name != ""
}

// starItems expands SELECT * over the repartitioned schema: the new key
// columns, then the source's value columns and its old key columns, less
// the columns that became keys (UserRepartitionNode.resolveSelectStar).
func (pp *partitionPlan) starItems(src *metastore.Source, pos sql.Pos) (exprs []sql.Expr, names []string) {
	moved := map[string]bool{}
	if !pp.Null {
		for i, e := range pp.exprs {
			exprs = append(exprs, e)
			names = append(names, pp.names[i])
			if ref, ok := e.(*sql.ColumnRef); ok {
				moved[ref.Name] = true
			}
		}
	}
	add := func(key bool) {
		for _, c := range src.Schema.Cols {
			if c.Key == key && !moved[c.Name] {
				exprs = append(exprs, &sql.ColumnRef{Name: c.Name, P: pos})
				names = append(names, "")
			}
		}
	}
	add(false)
	add(true)
	return exprs, names
}

// keyIndex tells which partition expression e is, or -1.
func (pp *partitionPlan) keyIndex(e sql.Expr) int {
	if pp.Null {
		return -1
	}
	return slices.Index(pp.quals, sql.FormatWith(e, pp.qual))
}

// persistentOut lays out a persistent query's result: the key columns in
// PARTITION BY order, then the other columns in projection order. Every
// partitioning expression must be projected once (UserRepartitionNode.
// validateKeyPresent, FinalProjectNode).
func (pp *partitionPlan) persistentOut(p *Plan, keyOf []int, sinkName string) error {
	if pp.Null {
		for i, pc := range p.Proj {
			p.Out.Cols = append(p.Out.Cols, pc.col)
			p.Order = append(p.Order, i)
		}
	} else {
		keyPos := make([]int, len(pp.exprs))
		aliases := make([][]string, len(pp.exprs))
		for i := range keyPos {
			keyPos[i] = -1
		}
		for i, k := range keyOf {
			if k >= 0 {
				keyPos[k] = i
				aliases[k] = append(aliases[k], p.Proj[i].col.Name)
			}
		}
		for k, a := range aliases {
			if len(a) > 1 {
				slices.Sort(a)
				return stmterr.Bad("The projection contains a key column (`%s`) more than once, aliased as: %s.\n%s", pp.names[k], joinAnd(a), asValueHint)
			}
		}
		if slices.Contains(keyPos, -1) {
			missing := pp.quals // the message names all of them
			plural := ""
			if len(missing) > 1 {
				plural = "s"
			}
			return &KeysMissingError{Err: stmterr.Bad("Key%s missing from projection (ie, SELECT). \nThe query used to build `%s` must include the partitioning expression%s %s in its projection (eg, SELECT %s...).",
				plural, sinkName, plural, joinAnd(missing), strings.Join(missing, ", "))}
		}
		for _, pos := range keyPos {
			c := p.Proj[pos].col
			c.Key = true
			p.Out.Cols = append(p.Out.Cols, c)
			p.Order = append(p.Order, pos)
		}
		for i, pc := range p.Proj {
			if keyOf[i] < 0 {
				p.Out.Cols = append(p.Out.Cols, pc.col)
				p.Order = append(p.Order, i)
			}
		}
	}
	if len(p.Out.Values()) == 0 {
		return stmterr.Bad("The projection contains no value columns.")
	}
	return nil
}

// joinAnd joins as GrammaticalJoiner.and: "a", "a and b", "a, b and c".
func joinAnd(s []string) string {
	if len(s) < 2 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}

// rekeyedColumns is the schema after the rekey (PartitionByParamsFactory.
// buildSchema): the new key columns, the input's columns (values, pseudo
// columns and key copies, as srcCols lists them after the key) and a copy
// of each synthesized key.
func (pp *partitionPlan) rekeyedColumns(srcCols []types.Column) []types.Column {
	var out []types.Column
	if !pp.Null {
		for i, n := range pp.names {
			out = append(out, types.Column{Name: n, Type: pp.types[i], Key: true})
		}
	}
	for _, c := range srcCols {
		if !c.Key {
			out = append(out, c)
		}
	}
	if !pp.Null {
		for i, n := range pp.names {
			if _, ok := pp.exprs[i].(*sql.ColumnRef); !ok {
				out = append(out, types.Column{Name: n, Type: pp.types[i]})
			}
		}
	}
	return out
}

// byKeyColumns reports whether exprs are src's key columns, in order.
func byKeyColumns(src *metastore.Source, exprs []sql.Expr) bool {
	keys := src.Schema.Keys()
	if len(keys) != len(exprs) {
		return false
	}
	for i, e := range exprs {
		if ref, ok := e.(*sql.ColumnRef); !ok || ref.Name != keys[i].Name {
			return false
		}
	}
	return true
}
