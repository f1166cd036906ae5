package planner

import (
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/expr"
	"github.com/ctalab/ctalab/lab/ksqldb/formats"
	"github.com/ctalab/ctalab/lab/ksqldb/metastore"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// Joins, as ksqlDB 0.29 / Confluent Platform 7.9 plans and runs them
// (confluentinc/ksql 7.9.0: Analyzer.visitJoinedSource, AstSanitizer,
// LogicalPlanner.buildJoin and verifyJoin, JoinTree, JoinNode; semantics from
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/joins/join-streams-and-tables/).
//
// A join query reads every source's topic. Its input row is the joined row:
// each source's columns (and pseudo columns) side by side, named
// ALIAS_COLUMN as ksqlDB's PreJoinProjectNode names them, followed by one slot
// holding the join key. WHERE, the projection and GROUP BY then run over the
// joined row as over a single source.
//
// This file plans joins; join_exec.go and join_window.go run them, and
// doc.go lists which kinds are built and which are refused. A stream-table
// join's table side is the table's current state by PRIMARY KEY, read from
// the table's topic from the beginning (ksqlDB reads a join's table side with
// auto.offset.reset=earliest) and, after a restart, rebuilt from that topic up
// to the committed offsets, as Kafka Streams restores a source table from its
// topic.

// JoinLeaf is one source of a join.
type JoinLeaf struct {
	Source *metastore.Source
	Alias  string
	Base   int // index of the leaf's first column in the joined row
}

// keyedBy reports whether the leaf is keyed by expr: its single key column
// (a stream joined on anything else is rekeyed, as ksqlDB repartitions it).
func (l *JoinLeaf) keyedBy(expr sql.Expr) bool {
	ref, ok := expr.(*sql.ColumnRef)
	if !ok {
		return false
	}
	keys := l.Source.Schema.Keys()
	return len(keys) == 1 && keys[0].Name == ref.Name
}

// JoinStep is one "<type> JOIN right ON left = right" applied to the joined
// row built so far; leftKey and rightKey evaluate over the joined row.
type JoinStep struct {
	Type              sql.JoinType
	Right             int // leaf index
	leftExpr          sql.Expr
	rightExpr         sql.Expr
	LeftKey, RightKey expr.Compiled
	leftLeaf          int         // the leaf the left expression reads
	Within            *sql.Within // stream-stream joins
	ForeignKey        bool        // a table-table join on a value of the left table
	// Rekeyed: ksqlDB repartitions the stream side by the join expression
	// (a record whose join key is null goes through with a null key)
	Rekeyed bool
	// unloggedLeftKey is LeftKey without the step's processing-log
	// boundary, where LeftKey has one (logForeignKeyFailures)
	unloggedLeftKey *expr.Compiled
}

// LeftLeaf is the leaf the step's left expression reads.
func (st JoinStep) LeftLeaf() int { return st.leftLeaf }

// UnloggedLeftKey is the step's left expression compiled without its
// processing-log boundary: for a second evaluation of a row LeftKey
// evaluates too (a foreign-key join's subscription sender), which must
// neither log again nor leave what it threw pending in the step's
// Failures.
func (st JoinStep) UnloggedLeftKey() expr.Compiled {
	if st.unloggedLeftKey != nil {
		return *st.unloggedLeftKey
	}
	return st.LeftKey
}

// JoinPlan is the planned join of a query.
type JoinPlan struct {
	// defaultKeyFormat replaces NONE where the join keys its rows
	defaultKeyFormat string

	Leaves  []JoinLeaf
	Steps   []JoinStep
	KeySlot int // joined-row index of the join key
	Width   int
	// viable are the projection expressions that carry the result's key
	// (JoinTree.viableKeyColumns), formatted
	viable   []string
	clashing map[string]bool // column names more than one source has
	Pairs    [][2]int        // leaves whose topics must be co-partitioned
	// synthetic: the join's key is a synthetic column, named syntheticName
	// (ColumnNames.generateSyntheticJoinKey), equal to no source column: a
	// FULL OUTER join's, and a join's whose ON criteria are all expressions
	// other than column references
	synthetic     bool
	syntheticName string
}

// fkKeyed reports a join keyed as its left table is: a foreign-key join of
// two tables (JoinKey.isForeignKey of the final join).
func (jp *JoinPlan) fkKeyed() bool { return len(jp.Steps) == 1 && jp.ForeignKey() }

// KeyIndex is the key column a projection expression is of the join's
// result: the left table's key column it reads (its index among them) in
// a foreign-key join of two tables, 0 for any expression equal to another
// join's one key; -1 for none.
func (jp *JoinPlan) KeyIndex(e sql.Expr) int {
	if !jp.isViableKey(e) {
		return -1
	}
	if jp.fkKeyed() {
		q, _ := jp.qualified(e)
		return slices.Index(jp.viable, q)
	}
	return 0
}

// ForeignKey reports a foreign-key table-table join, alone or starting an
// N-way join of tables.
func (jp *JoinPlan) ForeignKey() bool { return len(jp.Steps) > 0 && jp.Steps[0].ForeignKey }

// SendsOldResults reports a join whose result a filter after it sees with
// each key's old result (KTableFilter asks for old values with
// enableSendingOldValues(false)): a primary-key join's merger sends them
// (apache/kafka 3.9 KTableKTableJoinMerger), and so does a chain's, while
// a foreign-key join of two tables is a KTableSource with no queryable
// name, not materialized (ForeignKeyTableTableJoinBuilder passes a
// Materialized without a store name; KTableImpl.doJoinOnForeignKey), so
// its filter gets none and forwards a result it filters out as a
// tombstone whether or not the key had a result (KTableFilter.process).
// A source table (nil: no join) is materialized too.
func (jp *JoinPlan) SendsOldResults() bool { return jp == nil || !jp.fkKeyed() }

// columnNames names a column of the join's result as ksqlDB's filters over
// a join read it once JoinNode rewrote them: ALIAS_NAME (comparison-expression.json
// "invalid where predicate - type mismatch join": "Cannot compare I1_BAR
// (INTEGER) to I2_BAR (STRING)"); nil without a join.
func (jp *JoinPlan) columnNames() func(*sql.ColumnRef) string {
	if jp == nil {
		return nil
	}
	return func(ref *sql.ColumnRef) string {
		q, ok := jp.qualified(ref)
		if !ok {
			return ""
		}
		return strings.ReplaceAll(q, ".", "_")
	}
}

// formatQualified renders a join criterion's side as ksqlDB prints it once
// its analyzer has qualified every column with the source that has it
// (table-table-join.json "Should fail on right non-key attribute for
// inner-join": "Got LEFT_TABLE.ID1 = RIGHT_TABLE.F2."; fk-join.json
// "... (expression)": "CAST(LEFT_TABLE.FOREIGN_KEY AS STRING)").
func (jp *JoinPlan) formatQualified(e sql.Expr) string {
	return sql.FormatWith(e, func(ref *sql.ColumnRef) string {
		if srcs := jp.sourcesHaving(ref.Name); len(srcs) == 1 {
			return srcs[0]
		}
		return ""
	})
}

// typesMismatch is LogicalPlanner.verifyJoinConditionTypes's refusal of a
// criterion whose sides' types differ.
func (jp *JoinPlan) typesMismatch(cmp *sql.Binary, lc, rc expr.Compiled, st JoinStep) error {
	return stmterr.Bad("Invalid join condition: types don't match. Got %s{%s} = %s{%s}.",
		jp.formatQualified(cmp.L), typeOfSide(cmp.L, lc, rc, st), jp.formatQualified(cmp.R), typeOfSide(cmp.R, lc, rc, st))
}

// planForeignKey checks a foreign-key table-table join
// (LogicalPlanner.verifyForeignKeyJoin, JoinNode.TableToTableJoiner). It
// needs no co-partitioning.
func (jp *JoinPlan) planForeignKey(st JoinStep, j sql.JoinedSource, written, leftName, rightName string, cmp *sql.Binary, lc, rc expr.Compiled) (JoinStep, error) {
	if st.Type == sql.OuterJoin {
		return JoinStep{}, stmterr.Bad("Invalid join type: full-outer join not supported for foreign-key table-table join. Got %s %s %s.", leftName, st.Type, rightName)
	}
	if len(jp.Steps) > 0 {
		// either side is a join: only a join of two sources may be on a
		// foreign key, the first of an N-way join
		return JoinStep{}, stmterr.Bad("Invalid join condition: foreign-key table-table joins are not supported as part of n-way joins. Got %s = %s.", jp.formatQualified(cmp.L), jp.formatQualified(cmp.R))
	}
	if st.LeftKey.Type != st.RightKey.Type {
		return JoinStep{}, jp.typesMismatch(cmp, lc, rc, st)
	}
	if jp.Leaves[st.Right].Source.Window != nil {
		return JoinStep{}, stmterr.Bad("Foreign-key table-table joins are not supported on windowed tables.")
	}
	if j.Within != nil {
		return JoinStep{}, stmterr.Bad("A window definition was provided for a Table-Table join. These joins are not windowed. Please drop the window definition (i.e. the WITHIN clause) and try to execute your Table-Table join again.")
	}
	if st.Type == sql.RightJoin {
		return JoinStep{}, stmterr.Bad("RIGHT OUTER JOIN on a foreign key is not supported")
	}
	st.ForeignKey = true
	return st, nil
}

// TableTable reports a table-table join.
func (jp *JoinPlan) TableTable() bool { return jp.Leaves[0].Source.Table }

// Windowed reports a join with a stream-stream step.
func (jp *JoinPlan) Windowed() bool {
	return slices.ContainsFunc(jp.Steps, func(st JoinStep) bool { return st.Within != nil })
}

// inputTopics are the distinct topics a join reads, in leaf order.
func (jp *JoinPlan) inputTopics() []string {
	var out []string
	for _, l := range jp.Leaves {
		if !slices.Contains(out, l.Source.Topic) {
			out = append(out, l.Source.Topic)
		}
	}
	return out
}

// SourceNames are the names of every joined source.
func (jp *JoinPlan) SourceNames() []string {
	out := make([]string, len(jp.Leaves))
	for i, l := range jp.Leaves {
		out[i] = l.Source.Name
	}
	return out
}

// InputTopics are the topics a plan reads.
func (p *Plan) InputTopics() []string {
	if p.Join != nil {
		return p.Join.inputTopics()
	}
	return []string{p.Source.Topic}
}

// TableTopics are the topics read as a join's table side (from the start).
func (p *Plan) TableTopics() map[string]bool {
	out := map[string]bool{}
	if p.Join == nil {
		return out
	}
	for _, l := range p.Join.Leaves {
		if l.Source.Table {
			out[l.Source.Topic] = true
		}
	}
	return out
}

// planJoin plans the sources of a query with joins: the virtual source the
// rest of planning sees, the joined scope and the join plan.
func planJoin(ms *metastore.Store, q *sql.Query, o options) (*metastore.Source, *expr.Scope, *JoinPlan, error) {
	jp := &JoinPlan{clashing: map[string]bool{}, defaultKeyFormat: o.defaultKeyFormat}
	add := func(name, alias string) error {
		src, ok := ms.Sources[name]
		if !ok {
			return missingSource(ms, name)
		}
		for _, l := range jp.Leaves {
			if l.Source.Name == name { // Analyzer.visitAliasedRelation
				if len(jp.Leaves) > 1 {
					return stmterr.Bad("N-way joins do not support multiple occurrences of the same source. Source: '%s'.", name)
				}
				return stmterr.Bad("Can not join '%s' to '%s': self joins are not yet supported.", name, l.Source.Name)
			}
		}
		if alias == "" {
			alias = name
		}
		jp.Leaves = append(jp.Leaves, JoinLeaf{Source: src, Alias: alias})
		return nil
	}
	if err := add(q.From, q.FromAlias); err != nil {
		return nil, nil, nil, err
	}
	for _, j := range q.Joins {
		if err := add(j.Source, j.Alias); err != nil {
			return nil, nil, nil, err
		}
	}
	var kafkaValues []string
	for _, l := range jp.Leaves {
		if l.Source.ValueFormat == formats.Kafka {
			kafkaValues = append(kafkaValues, l.Alias)
		}
	}
	if len(kafkaValues) > 0 { // Analyzer.validate
		return nil, nil, nil, stmterr.Bad("Source(s) %s are using the 'KAFKA' value format. This format does not yet support JOIN.\n%s", strings.Join(kafkaValues, ", "), kafkaValueLimitation)
	}

	// the joined scope: every leaf's columns as ALIAS_COLUMN, then the key slot
	in := &expr.Scope{Qualifiers: map[string]bool{}}
	seen := map[string]int{}
	for i := range jp.Leaves {
		l := &jp.Leaves[i]
		l.Base = len(in.Cols)
		in.Qualifiers[l.Alias] = true
		cols := append(slices.Clone(l.Source.Schema.Cols), expr.PseudoColumns...)
		if l.Source.Window != nil {
			// a windowed stream's rows carry their window bounds after the
			// pseudo columns (as the decoder lays them out)
			cols = append(cols, windowColumns...)
		}
		for _, c := range cols {
			in.Cols = append(in.Cols, types.Column{Name: l.Alias + "_" + c.Name, Type: c.Type})
			in.Origin = append(in.Origin, expr.ColOrigin{Qual: l.Alias, Name: c.Name})
		}
		for _, c := range l.Source.Schema.Cols {
			seen[c.Name]++
		}
		if l.Source.Window != nil {
			for _, c := range windowColumns {
				seen[c.Name]++
			}
		}
	}
	for name, n := range seen {
		if n > 1 {
			jp.clashing[name] = true
		}
	}
	for _, c := range expr.PseudoColumns {
		jp.clashing[c.Name] = true
	}
	if err := jp.checkAmbiguous(q); err != nil {
		return nil, nil, nil, err
	}
	jp.KeySlot = len(in.Cols)
	in.Cols = append(in.Cols, types.Column{Name: "", Type: types.Null})
	in.Origin = append(in.Origin, expr.ColOrigin{})
	jp.Width = len(in.Cols)

	for i, j := range q.Joins { // Analyzer.visitJoin checks every join first
		if _, _, _, _, err := jp.analyzeStep(in, i+1, j); err != nil {
			return nil, nil, nil, err
		}
	}
	resultTable := jp.Leaves[0].Source.Table
	for i, j := range q.Joins {
		st, err := jp.planStep(in, i+1, j, resultTable)
		if err != nil {
			return nil, nil, nil, err
		}
		jp.Steps = append(jp.Steps, st)
		in.Cols[jp.KeySlot].Type = st.LeftKey.Type
	}
	jp.viable = jp.viableKeys()
	if jp.fkKeyed() { // the result is keyed by the left table's key columns
		jp.viable = nil
		for _, k := range jp.Leaves[0].Source.Schema.Keys() {
			jp.viable = append(jp.viable, jp.Leaves[0].Alias+"."+k.Name)
		}
	}
	if last := jp.Steps[len(jp.Steps)-1]; last.Type == sql.OuterJoin || len(jp.viable) == 0 {
		// JoinNode: a FULL OUTER join's key may be either side's, and a
		// join on expressions only has no source column that equals it
		jp.synthetic = true
		jp.syntheticName = syntheticKeyName(jp.Leaves)
		jp.viable = []string{jp.syntheticName}
		in.Cols[jp.KeySlot].Name = jp.syntheticName
		in.Origin[jp.KeySlot] = expr.ColOrigin{Name: jp.syntheticName}
	}

	// the sink's formats: the FROM source's key format
	// (Analyzer.analyzeNonStdOutSink), the default key format in place of
	// NONE (LogicalPlanner.getSinkKeyFormat); the historical plan
	// joins_-_stream-table_value-to-key_-_key_format_mismatch writes a
	// DELIMITED sink though the join's internal key format is KAFKA
	keyFormat := jp.Leaves[0].Source.KeyFormat
	if keyFormat == formats.None {
		keyFormat = jp.defaultKeyFormat
	}
	var cols []types.Column
	for _, c := range in.Cols[:jp.KeySlot] {
		cols = append(cols, types.Column{Name: c.Name, Type: c.Type})
	}
	// a join of windowed streams is windowed as its first stream is; its
	// topic, which sizes the sink topic, is the first source's
	// (TopicCreateInjector: SourceTopicsExtractor's primary source topic)
	src := &metastore.Source{Name: jp.Leaves[0].Source.Name, Table: resultTable, Topic: jp.Leaves[0].Source.Topic,
		KeyFormat: keyFormat, ValueFormat: jp.Leaves[0].Source.ValueFormat, Schema: types.Schema{Cols: cols}, Window: jp.Leaves[0].Source.Window}
	return src, in, jp, nil
}

// kafkaValueLimitation is Analyzer.KAFKA_VALUE_FORMAT_LIMITATION_DETAILS.
const kafkaValueLimitation = "The KAFKA format is primarily intended for use as a key format. It can be used as a value format, but can not be used in any operation that requires a repartition or changelog topic.\n" +
	"Removing this limitation requires enhancements to the core of KSQL. This will come in a future release. Until then, avoid using the KAFKA format for values.\n" +
	"If you have an existing topic with KAFKA formatted values you can duplicate the data and serialize using Avro or JSON with a statement such as: \n" +
	"\n" +
	"'CREATE STREAM <new-stream-name> WITH(VALUE_FORMAT='Avro') AS SELECT * FROM <existing-kafka-formated-stream-name>;'\n" +
	"For more info see https://github.com/confluentinc/ksql/issues/3060"

// sourcesHaving are the aliases of the sources that have a column name.
func (jp *JoinPlan) sourcesHaving(name string) []string {
	var out []string
	for _, l := range jp.Leaves {
		pseudo := slices.ContainsFunc(expr.PseudoColumns, func(c types.Column) bool { return c.Name == name })
		if pseudo || slices.ContainsFunc(l.Source.Schema.Cols, func(c types.Column) bool { return c.Name == name }) {
			out = append(out, l.Alias)
		}
	}
	return out
}

// checkAmbiguous refuses a qualifier that names no source of the join, as
// AstBuilder does while it parses (ParseFailedException, so "Failed to
// prepare statement: "), then unqualified columns more than one source has,
// as AstSanitizer does before anything else (AmbiguousColumnException,
// which EngineContext.prepare wraps: "Exception while preparing statement:
// "); joins.json "Should fail on unknown qualifier -- right join
// attribute" names an unknown qualifier after an ambiguous column.
func (jp *JoinPlan) checkAmbiguous(q *sql.Query) error {
	exprs := []sql.Expr{}
	for _, it := range q.Items {
		exprs = append(exprs, it.Expr)
	}
	for _, j := range q.Joins {
		exprs = append(exprs, j.On)
	}
	exprs = append(append(append(exprs, q.Where), q.GroupBy...), q.Having)
	var err error
	each := func(f func(*sql.ColumnRef)) {
		for _, e := range exprs {
			expr.Walk(e, func(x sql.Expr) {
				if ref, ok := x.(*sql.ColumnRef); ok && err == nil {
					f(ref)
				}
			})
		}
	}
	each(func(ref *sql.ColumnRef) {
		if ref.Qualifier != "" && !slices.ContainsFunc(jp.Leaves, func(l JoinLeaf) bool { return l.Alias == ref.Qualifier }) {
			err = stmterr.Bad("Failed to prepare statement: '%s' is not a valid stream/table name or alias.", ref.Qualifier)
		}
	})
	each(func(ref *sql.ColumnRef) {
		if ref.Qualifier != "" {
			return
		}
		if srcs := jp.sourcesHaving(ref.Name); len(srcs) > 1 {
			var cands []string
			for _, s := range srcs {
				cands = append(cands, s+"."+ref.Name)
			}
			sort.Strings(cands)
			err = stmterr.Bad("Exception while preparing statement: Line: %d, Col: %d: Column '%s' is ambiguous. Could be %s.", ref.P.Line, ref.P.Col, ref.Name, joinOr(cands))
		}
	})
	return err
}

// joinOr joins parts as ksqlDB's GrammaticalJoiner.or: "a, b or c".
func joinOr(parts []string) string {
	if len(parts) <= 1 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " or " + parts[len(parts)-1]
}

// analyzeStep checks the criteria of the join of leaf right (the i-th
// JoinedSource) as ksqlDB's Analyzer does, before any join is planned: an
// equality whose sides each read one source, one of them the joined one.
// It returns the step with its sides compiled, the joined source's on the
// right.
func (jp *JoinPlan) analyzeStep(in *expr.Scope, right int, j sql.JoinedSource) (JoinStep, *sql.Binary, expr.Compiled, expr.Compiled, error) {
	cmp, ok := j.On.(*sql.Binary)
	if !ok || !expr.ComparisonOps[cmp.Op] {
		if ok && (cmp.Op == "AND" || cmp.Op == "OR") && isEquality(cmp.L) && isEquality(cmp.R) {
			return JoinStep{}, nil, expr.Compiled{}, expr.Compiled{}, stmterr.Bad("Invalid join condition: joins on multiple conditions are not yet supported. Got %s.", sql.Format(j.On))
		}
		return JoinStep{}, nil, expr.Compiled{}, expr.Compiled{}, stmterr.Bad("Unsupported join expression: %s", sql.Format(j.On))
	}
	if cmp.Op != "=" {
		return JoinStep{}, nil, expr.Compiled{}, expr.Compiled{}, stmterr.Bad("Only equality join criteria is supported.")
	}
	c := &expr.Compiler{In: in, Clause: "JOIN ON"}
	sideOf := func(e sql.Expr) (expr.Compiled, int, error) {
		ce, err := c.Compile(e)
		if err != nil {
			return expr.Compiled{}, 0, err
		}
		leaves := map[int]bool{}
		expr.Walk(e, func(x sql.Expr) {
			if ref, ok := x.(*sql.ColumnRef); ok {
				if idx, ok := in.LookupJoined(ref); ok {
					leaves[jp.leafAt(idx)] = true
				}
			}
		})
		if len(leaves) != 1 {
			return expr.Compiled{}, 0, stmterr.Bad("Invalid comparison expression '%s' in join '%s'. Each side of the join comparision must contain references from exactly one source.", sql.Format(e), sql.Format(j.On))
		}
		for l := range leaves {
			return ce, l, nil
		}
		return ce, 0, nil
	}
	lc, ll, err := sideOf(cmp.L)
	if err != nil {
		return JoinStep{}, nil, expr.Compiled{}, expr.Compiled{}, err
	}
	rc, rl, err := sideOf(cmp.R)
	if err != nil {
		return JoinStep{}, nil, expr.Compiled{}, expr.Compiled{}, err
	}
	// Analyzer prints the source names as SourceName.toString does,
	// quoted with backticks (multi-joins.json "self join with multiple
	// sources", "criteria that does not use the joined source")
	if ll == rl {
		a := jp.Leaves[ll].Alias
		return JoinStep{}, nil, expr.Compiled{}, expr.Compiled{}, stmterr.Bad("Each side of the join must reference exactly one source and not the same source. Left side references `%s` and right references `%s`", a, a)
	}
	if err := windowingCompatible(jp.Leaves[ll], jp.Leaves[rl]); err != nil {
		return JoinStep{}, nil, expr.Compiled{}, expr.Compiled{}, err
	}
	if ll != right && rl != right {
		return JoinStep{}, nil, expr.Compiled{}, expr.Compiled{}, stmterr.Bad("A join criteria is expected to reference the source (`%s`) in the FROM clause, instead the right source references `%s` and the left source references `%s`",
			jp.Leaves[right].Alias, jp.Leaves[rl].Alias, jp.Leaves[ll].Alias)
	}
	st := JoinStep{Type: j.Type, Right: right, leftExpr: cmp.L, rightExpr: cmp.R, LeftKey: lc, RightKey: rc, leftLeaf: ll}
	if rl != right { // written the other way round: the joined source goes right
		st.leftExpr, st.rightExpr, st.LeftKey, st.RightKey, st.leftLeaf = cmp.R, cmp.L, rc, lc, rl
	}
	return st, cmp, lc, rc, nil
}

// planStep checks and compiles the join of leaf right (the i-th
// JoinedSource) with what the sources before it produce. leftTable tells
// whether that is a table.
func (jp *JoinPlan) planStep(in *expr.Scope, right int, j sql.JoinedSource, leftTable bool) (JoinStep, error) {
	st, cmp, lc, rc, err := jp.analyzeStep(in, right, j)
	if err != nil {
		return JoinStep{}, err
	}
	if st.leftLeaf > right {
		return JoinStep{}, stmterr.Unsupported("a join criteria that references a source joined later")
	}
	for _, side := range []struct {
		e sql.Expr
		t types.Type
	}{{st.leftExpr, st.LeftKey.Type}, {st.rightExpr, st.RightKey.Type}} {
		if q, ok := jp.qualified(side.e); ok && side.t.HasMap() { // KeyUtil / SchemaUtil
			return JoinStep{}, formats.MapKeyError(strings.ReplaceAll(q, ".", "_"), side.t)
		}
	}
	written := jp.formatQualified(cmp.L) + " = " + jp.formatQualified(cmp.R)
	leftName, rightName := jp.Leaves[st.leftLeaf].Source.Name, jp.Leaves[right].Source.Name
	rightLeaf := &jp.Leaves[right]

	// LogicalPlanner.verifyJoin
	switch {
	case !leftTable && rightLeaf.Source.Table:
		if st.Type == sql.OuterJoin {
			return JoinStep{}, stmterr.Bad("Invalid join type: full-outer join not supported for stream-table join. Got %s %s %s.", leftName, st.Type, rightName)
		}
		if !rightLeaf.keyedBy(st.rightExpr) || !isColumn(st.rightExpr, right, jp, in) {
			return JoinStep{}, stmterr.Bad("Invalid join condition: stream-table joins require to join on the table's primary key. Got %s.", written)
		}
		st.Rekeyed = !jp.Leaves[st.leftLeaf].keyedBy(st.leftExpr) || !isColumn(st.leftExpr, st.leftLeaf, jp, in)
		if n := len(jp.Steps); n > 0 && jp.Steps[n-1].Type == sql.OuterJoin {
			// a FULL OUTER join's result is keyed by its synthetic key,
			// which no source column equals: the next join repartitions it
			st.Rekeyed = true
		}
	case leftTable && !rightLeaf.Source.Table:
		return JoinStep{}, stmterr.Bad("Invalid join order: table-stream joins are not supported; only stream-table joins. Got %s %s %s.", leftName, st.Type, rightName)
	case leftTable:
		if !rightLeaf.keyedBy(st.rightExpr) || !isColumn(st.rightExpr, right, jp, in) {
			return JoinStep{}, stmterr.Bad("Invalid join condition: table-table joins require to join on the primary key of the right input table. Got %s.", written)
		}
		if l := &jp.Leaves[st.leftLeaf]; !l.keyedBy(st.leftExpr) || !isColumn(st.leftExpr, st.leftLeaf, jp, in) {
			return jp.planForeignKey(st, j, written, leftName, rightName, cmp, lc, rc)
		}
		if n := len(jp.Steps); n > 0 && jp.Steps[n-1].Type == sql.OuterJoin {
			return JoinStep{}, stmterr.Unsupported("a table-table join after a FULL OUTER join of tables")
		}
		if st.LeftKey.Type != st.RightKey.Type {
			return JoinStep{}, jp.typesMismatch(cmp, lc, rc, st)
		}
		// JoinNode.TableToTableJoiner
		if j.Within != nil {
			return JoinStep{}, stmterr.Bad("A window definition was provided for a Table-Table join. These joins are not windowed. Please drop the window definition (i.e. the WITHIN clause) and try to execute your Table-Table join again.")
		}
		jp.Pairs = append(jp.Pairs, [2]int{0, right})
		return st, nil
	default: // JoinNode.StreamToStreamJoiner
		if err := windowedRekey(jp.Leaves[st.leftLeaf], *rightLeaf, st); err != nil {
			return JoinStep{}, err
		}
		if j.Within == nil {
			return JoinStep{}, stmterr.Bad("Stream-Stream joins must have a WITHIN clause specified. None was provided. To learn about how to specify a WITHIN clause with a stream-stream join, please visit: https://docs.confluent.io/current/ksql/docs/syntax-reference.html#create-stream-as-select")
		}
		if st.LeftKey.Type != st.RightKey.Type {
			return JoinStep{}, jp.typesMismatch(cmp, lc, rc, st)
		}
		if l := jp.Leaves[st.leftLeaf]; l.Source.Window != nil {
			// ksqlDB matches windowed streams by their windowed keys (key
			// and window, joins.json "matching session-windowed") and
			// writes a windowed result; this server does for a join of
			// two windowed streams, not for a chain of joins, and does not
			// repartition them as ksqlDB does where their key format
			// infers schemas ("matching session-windowed - SR-enabled key
			// format" lists Join-left-repartition)
			switch {
			case len(jp.Leaves) > 2:
				return JoinStep{}, stmterr.Unsupported("an N-way join of windowed streams")
			case formats.RegistryFormat(l.Source.KeyFormat) || formats.RegistryFormat(rightLeaf.Source.KeyFormat):
				return JoinStep{}, stmterr.Unsupported("a stream-stream join of windowed streams keyed in a format that infers schemas")
			}
		}
		st.Within = j.Within
		jp.Pairs = append(jp.Pairs, [2]int{0, right})
		return st, nil
	}
	// JoinNode.StreamToTableJoiner
	if j.Within != nil {
		return JoinStep{}, stmterr.Bad("A window definition was provided for a Stream-Table join. These joins are not windowed. Please drop the window definition (ie. the WITHIN clause) and try to execute your join again.")
	}
	if st.Type == sql.RightJoin {
		return JoinStep{}, stmterr.Bad("Invalid join type encountered: %s", st.Type)
	}
	if st.LeftKey.Type != st.RightKey.Type {
		return JoinStep{}, jp.typesMismatch(cmp, lc, rc, st)
	}
	jp.Pairs = append(jp.Pairs, [2]int{0, right})
	return st, nil
}

func typeOfSide(e sql.Expr, lc, rc expr.Compiled, st JoinStep) types.Type {
	if e == st.leftExpr {
		return st.LeftKey.Type
	}
	return st.RightKey.Type
}

func isEquality(e sql.Expr) bool {
	b, ok := e.(*sql.Binary)
	return ok && b.Op == "="
}

// isColumn reports whether e is a plain column of leaf.
func isColumn(e sql.Expr, leaf int, jp *JoinPlan, in *expr.Scope) bool {
	ref, ok := e.(*sql.ColumnRef)
	if !ok {
		return false
	}
	idx, ok := in.LookupJoined(ref)
	return ok && jp.leafAt(idx) == leaf
}

// leafAt is the leaf a joined-row index belongs to.
func (jp *JoinPlan) leafAt(idx int) int {
	for i := len(jp.Leaves) - 1; i >= 0; i-- {
		if idx >= jp.Leaves[i].Base {
			return i
		}
	}
	return 0
}

// qualified formats a join expression as ksqlDB prints it after the
// sanitizer qualified its columns.
func (jp *JoinPlan) qualified(e sql.Expr) (string, bool) {
	ref, ok := e.(*sql.ColumnRef)
	if !ok {
		return "", false
	}
	q := ref.Qualifier
	if q == "" {
		srcs := jp.sourcesHaving(ref.Name)
		if len(srcs) != 1 {
			return "", false
		}
		q = srcs[0]
	}
	return q + "." + ref.Name, true
}

// equivalent is how a chain's equivalence sets name a join expression
// (JoinTree.joinEquivalenceSet holds the expressions themselves): a column
// as qualified answers, any other expression as ksqlDB prints it with
// each column qualified by its source; ok is false where a column is
// ambiguous or unknown.
func (jp *JoinPlan) equivalent(e sql.Expr) (string, bool) {
	if _, col := e.(*sql.ColumnRef); col {
		return jp.qualified(e)
	}
	ok := true
	text := sql.FormatWith(e, func(ref *sql.ColumnRef) string {
		srcs := jp.sourcesHaving(ref.Name)
		if len(srcs) != 1 {
			ok = false
			return ""
		}
		return srcs[0]
	})
	return text, ok
}

// viableKeys are the columns equivalent to the result's key
// (JoinTree.viableKeyColumns and joinEquivalenceSet, for left-deep trees).
func (jp *JoinPlan) viableKeys() []string {
	var out []string
	var equiv map[string]bool
	for i, st := range jp.Steps {
		l, lok := jp.qualified(st.leftExpr)
		r, rok := jp.qualified(st.rightExpr)
		keys := map[string]bool{sql.Format(st.leftExpr): true, sql.Format(st.rightExpr): true}
		if lok {
			keys[l] = true
		}
		if rok {
			keys[r] = true
		}
		next := map[string]bool{}
		if st.Type != sql.OuterJoin {
			maps := []map[string]bool{keys}
			if i > 0 && (equiv[l] || equiv[sql.Format(st.leftExpr)]) {
				maps = append(maps, equiv)
			}
			for _, m := range maps {
				for k := range m {
					next[k] = true
				}
			}
		}
		var viable []string
		if st.Type != sql.OuterJoin {
			viable = append(viable, out...)
			if lok {
				viable = append(viable, l)
			}
			if rok {
				viable = append(viable, r)
			}
		}
		out = out[:0:0]
		for _, v := range viable {
			if next[v] && !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
		equiv = next
	}
	return out
}

// syntheticKeyName is ColumnNames.generateSyntheticJoinKey over the
// sources' columns: ROWKEY, or ROWKEY_n with the smallest n no source
// column takes. A column name is read as a base and a number
// (NUMBERED_COLUMN_PATTERN: ROWKEY is ROWKEY with 0, ROWKEY_1 ROWKEY with
// 1, ROWKEY_1_2 ROWKEY_1 with 2), and the numbers taken with base ROWKEY
// are skipped.
func syntheticKeyName(leaves []JoinLeaf) string {
	taken := map[int]bool{}
	for _, l := range leaves {
		for _, c := range l.Source.Schema.Cols {
			base, n := c.Name, 0
			if i := strings.LastIndexByte(c.Name, '_'); i >= 0 {
				if k, err := strconv.Atoi(c.Name[i+1:]); err == nil && c.Name[i+1:] != "" && strings.Trim(c.Name[i+1:], "0123456789") == "" {
					base, n = c.Name[:i], k
				}
			}
			if base == "ROWKEY" {
				taken[n] = true
			}
		}
	}
	n := 0
	for taken[n] {
		n++
	}
	if n == 0 {
		return "ROWKEY"
	}
	return "ROWKEY_" + strconv.Itoa(n)
}

// isViableKey reports whether a projection expression carries the key.
func (jp *JoinPlan) isViableKey(e sql.Expr) bool {
	if jp.synthetic {
		ref, ok := e.(*sql.ColumnRef)
		return ok && ref.Qualifier == "" && ref.Name == jp.syntheticName
	}
	q, ok := jp.qualified(e)
	return ok && slices.Contains(jp.viable, q)
}

// columnName is the name of a projected column reference in a join: its
// name, or ALIAS_NAME when another source has a column of that name
// (AstSanitizer.visitSingleColumn).
func (jp *JoinPlan) columnName(ref *sql.ColumnRef) string {
	if ref.Qualifier != "" && jp.clashing[ref.Name] {
		return ref.Qualifier + "_" + ref.Name
	}
	return ref.Name
}

// star expands '*' or 'alias.*' over a join: every column of the (matching)
// sources, named ALIAS_NAME.
func (jp *JoinPlan) star(qualifier string, pos sql.Pos) (exprs []sql.Expr, names []string) {
	if jp.synthetic && qualifier == "" { // JoinNode.resolveSelectStar
		exprs = append(exprs, &sql.ColumnRef{Name: jp.syntheticName, P: pos})
		names = append(names, jp.syntheticName)
	}
	for _, l := range jp.Leaves {
		if qualifier != "" && qualifier != l.Alias {
			continue
		}
		// a windowed source's window bounds follow its key (starColumns)
		for _, c := range starColumns(l.Source, false) {
			exprs = append(exprs, &sql.ColumnRef{Qualifier: l.Alias, Name: c.Name, P: pos})
			names = append(names, l.Alias+"_"+c.Name)
		}
	}
	return exprs, names
}

// keyMissing is ksqlDB's error for a join projection without its key
// (PlanNode.throwKeysNotIncludedError for a join expression).
func (jp *JoinPlan) keyMissing(sinkName string) error {
	what := "join expression"
	if len(jp.viable) != 1 {
		what += "s"
	}
	first := ""
	if len(jp.viable) > 0 {
		first = jp.viable[0]
	}
	if jp.fkKeyed() {
		return jp.fkKeysMissing(jp.Leaves[0].Source.Schema.Keys())
	}
	if jp.synthetic {
		return stmterr.Bad("Key missing from projection (ie, SELECT). See https://cnfl.io/2LV7ouS.\nThe query used to build `%s` must include the %s %s in its projection (eg, SELECT %s...).\n%s was added as a synthetic key column because the join criteria did not match any source column. This expression must be included in the projection and may be aliased. ", sinkName, what, first, first, first)
	}
	return stmterr.Bad("Key missing from projection (ie, SELECT). \nThe query used to build `%s` must include the %s %s in its projection (eg, SELECT %s...).", sinkName, what, joinOr(jp.viable), first)
}

// fkKeysMissing is ksqlDB's refusal of a foreign-key join's projection
// without some of the left table's key columns
// (JoinNode.throwMissingKeyColumnForFkJoinException: the alias as
// SourceName prints it, in backticks).
func (jp *JoinPlan) fkKeysMissing(missing []types.Column) error {
	column := "column"
	if len(missing) > 1 {
		column = "columns"
	}
	names := make([]string, len(missing))
	for i, c := range missing {
		names[i] = "`" + c.Name + "`"
	}
	return stmterr.Bad("Primary key %s missing in projection. For foreign-key table-table joins, the projection must include all primary key columns from the left input table (`%s`). Missing %s: %s.",
		column, jp.Leaves[0].Alias, column, strings.Join(names, ", "))
}

// finish lays out the output of a non-aggregate join: the projected column
// that carries the join key is the result's key and reads the join key
// itself (so a LEFT join's unmatched rows keep it); a persistent query
// must project one (JoinNode.validateKeyPresent).
func (jp *JoinPlan) finish(p *Plan, keyOf []int, items []sql.Expr, mode Mode, sinkName string) error {
	if jp.fkKeyed() && len(jp.viable) > 1 {
		return jp.finishKeys(p, keyOf, mode)
	}
	key := jp.keyItem(keyOf, items)
	if key >= 0 && mode == ModePersistent {
		// the key's expression projected more than once
		// (LogicalPlanner's "key in projection more than once")
		k, _ := jp.qualified(items[key])
		var names []string
		for i, e := range items {
			if q, ok := jp.qualified(e); ok && q == k {
				names = append(names, p.Proj[i].col.Name)
			}
		}
		if len(names) > 1 {
			sort.Strings(names)
			and := strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
			return stmterr.Bad("The projection contains a key column (`%s`) more than once, aliased as: %s.", strings.ReplaceAll(k, ".", "_"), and)
		}
	}
	if key >= 0 {
		slot := jp.KeySlot
		p.Proj[key].Expr = expr.Compiled{Type: p.Proj[key].Expr.Type, Eval: func(r []any) any { return r[slot] }}
	}
	if mode == ModePush {
		for i, pc := range p.Proj {
			c := pc.col
			c.Key = i == key
			p.Out.Cols = append(p.Out.Cols, c)
			p.Order = append(p.Order, i)
		}
		return nil
	}
	if key < 0 {
		return jp.keyMissing(sinkName)
	}
	c := p.Proj[key].col
	c.Key = true
	p.Out.Cols = append(p.Out.Cols, c)
	p.Order = append(p.Order, key)
	for i, pc := range p.Proj {
		if i != key {
			p.Out.Cols = append(p.Out.Cols, pc.col)
			p.Order = append(p.Order, i)
		}
	}
	if len(p.Out.Values()) == 0 {
		return stmterr.Bad("The projection contains no value columns.")
	}
	return nil
}

// keyItem is the projected column that is the result's key: of the
// columns equal to the join key, the first in the join's order (the left
// source's before the right's) that the projection has, projected first
// where it is projected more than once; the others equal to it are value
// columns (LogicalPlanner.buildJoinKey; joins.json "stream stream inner
// join all right fields some left" keys its result by TT.ID, the left
// source's, though t.* projects T.ID first). -1: none.
func (jp *JoinPlan) keyItem(keyOf []int, items []sql.Expr) int {
	if jp.synthetic {
		return slices.Index(keyOf, 0)
	}
	for _, v := range jp.viable {
		for i, e := range items {
			if q, ok := jp.qualified(e); ok && keyOf[i] == 0 && q == v {
				return i
			}
		}
	}
	return slices.Index(keyOf, 0)
}

// finishKeys lays out the output of a foreign-key join of a table keyed by
// several columns: every projected key column of the left table is a key
// column of the result, in projection order, each reading its column of
// the joined row; a persistent query must project them all
// (JoinNode.validateKeyPresent).
func (jp *JoinPlan) finishKeys(p *Plan, keyOf []int, mode Mode) error {
	if mode == ModePersistent {
		var missing []types.Column
		for i, k := range jp.Leaves[0].Source.Schema.Keys() {
			if !slices.Contains(keyOf, i) {
				missing = append(missing, k)
			}
		}
		if len(missing) > 0 {
			return jp.fkKeysMissing(missing)
		}
	}
	add := func(i int) {
		c := p.Proj[i].col
		c.Key = keyOf[i] >= 0
		p.Out.Cols = append(p.Out.Cols, c)
		p.Order = append(p.Order, i)
	}
	if mode == ModePush { // a push query's columns stay in projection order
		for i := range p.Proj {
			add(i)
		}
		return nil
	}
	for i := range p.Proj {
		if keyOf[i] >= 0 {
			add(i)
		}
	}
	for i := range p.Proj {
		if keyOf[i] < 0 {
			add(i)
		}
	}
	if len(p.Out.Values()) == 0 {
		return stmterr.Bad("The projection contains no value columns.")
	}
	return nil
}

// Joined are the sources a join query reads besides its first.
func (p *Plan) Joined() []string {
	if p.Join == nil {
		return nil
	}
	return p.Join.SourceNames()[1:]
}

// TableKey is the join expression that reads a table of a table-table
// chain's key.
func (jp *JoinPlan) TableKey(leaf int) expr.Compiled {
	for _, st := range jp.Steps {
		if st.Right == leaf {
			return st.RightKey
		}
	}
	return jp.Steps[0].LeftKey
}

// windowingCompatible refuses a join of the sources a criteria's two sides
// read (left and right as written) whose windowing does not match, as
// Analyzer.throwOnIncompatibleSourceWindowing does: a windowed source
// with one that is not, a session-windowed one with a time-windowed one.
func windowingCompatible(left, right JoinLeaf) error {
	lw, rw := left.Source.Window, right.Source.Window
	switch {
	case lw == nil && rw == nil:
		return nil
	case lw == nil || rw == nil:
		kind := func(w *metastore.WindowInfo) string {
			if w == nil {
				return "not"
			}
			return w.Type
		}
		return stmterr.Bad("Can not join windowed source to non-windowed source.\n`%s` is %s windowed\n`%s` is %s windowed", left.Alias, kind(lw), right.Alias, kind(rw))
	case (lw.Type == sql.Session) != (rw.Type == sql.Session):
		return stmterr.Bad("Incompatible windowed sources.\nLeft source: %s\nRight source: %s\n"+
			"Session windowed sources can only be joined to other session windowed sources, and may still not result in expected behaviour as session bounds must be an exact match for the join to work\n"+
			"Hopping and tumbling windowed sources can only be joined to other hopping and tumbling windowed sources", lw.Type, rw.Type)
	}
	return nil
}

// windowedRekey refuses a stream-stream join that would rekey a windowed
// stream, or change its key format to the join's, as SchemaKStream.selectKey
// does: a windowed side joined on anything but its key, or a right side
// whose key format (with its window) is not the left's, unless its format
// infers schemas from the registry (PreJoinRepartitionNode then forces a
// repartition, which selectKey allows).
func windowedRekey(left, right JoinLeaf, st JoinStep) error {
	const msg = "Implicit repartitioning of windowed sources is not supported. See https://github.com/confluentinc/ksql/issues/4385."
	lw, rw := left.Source.Window, right.Source.Window
	if lw == nil && rw == nil {
		return nil
	}
	if lw != nil && !left.keyedBy(st.leftExpr) || rw != nil && !right.keyedBy(st.rightExpr) {
		return stmterr.Bad(msg)
	}
	if lw != nil && rw != nil && (*lw != *rw || left.Source.KeyFormat != right.Source.KeyFormat) && !formats.RegistryFormat(right.Source.KeyFormat) {
		return stmterr.Bad(msg)
	}
	return nil
}
