package expr

import (
	"slices"
	"sync/atomic"

	"github.com/ctalab/ctalab/lab/ksqldb/formats"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// Aggregates are the aggregate functions: every one of ksqlDB 0.29's.
var Aggregates = map[string]bool{
	"COUNT": true, "SUM": true, "MIN": true, "MAX": true, "AVG": true,
	"LATEST_BY_OFFSET": true, "EARLIEST_BY_OFFSET": true, "COUNT_DISTINCT": true,
	"COLLECT_LIST": true, "COLLECT_SET": true, "HISTOGRAM": true, "TOPK": true, "TOPKDISTINCT": true,
	"STDDEV_SAMPLE": true, "STDDEV_SAMP": true, "CORRELATION": true, "SUM_LIST": true, "ATTR": true,
}

func IsAggregate(name string) bool { return Aggregates[name] }

// Undoable aggregates may consume a table source (their effect can be subtracted).
// (TableUdaf in ksqlDB: COLLECT_LIST and HISTOGRAM have undo too).
var Undoable = map[string]bool{"COUNT": true, "SUM": true, "AVG": true, "COLLECT_LIST": true, "HISTOGRAM": true,
	"STDDEV_SAMPLE": true, "STDDEV_SAMP": true, "CORRELATION": true, "SUM_LIST": true, "ATTR": true}

// AggPlan describes the grouping and aggregate calls of an aggregate query.
// An aggregated row is laid out as [group values..., aggregate results...].
type AggPlan struct {
	GroupKeys  []string
	GroupTypes []types.Type
	GroupEval  []Compiled
	// GroupFailures collects what GroupEval throws, for the GroupBy
	// step's logger; nil where none of them can fail or the shape does
	// not log them (see failures.go)
	GroupFailures *Failures
	Calls         []*AggCall
	Window        *WindowSpec // WINDOW clause; nil when not windowed
}

type AggCall struct {
	Name      string
	star      bool
	arg       Compiled
	argExpr   sql.Expr   // what arg computes (see Arg)
	arg2      Compiled   // CORRELATION's y
	extra     []Compiled // TOPK's other columns, kept alongside each value
	Result    types.Type
	Key       string
	keepNulls bool // EARLIEST/LATEST_BY_OFFSET(x, false): NULL values count
	K         int  // TOPK / TOPKDISTINCT's k; EARLIEST/LATEST_BY_OFFSET's n (0: one value, not an ARRAY)
	limit     int  // COLLECT_LIST / COLLECT_SET: the most values kept (see Configure)
}

func (p *AggPlan) register(fc *sql.FuncCall, in *Scope) (Compiled, error) {
	key := sql.Format(fc)
	for i, c := range p.Calls {
		if c.Key == key {
			idx := len(p.GroupKeys) + i
			return Compiled{Type: c.Result, Eval: func(r []any) any { return r[idx] }}, nil
		}
	}
	call := &AggCall{Name: fc.Name, Key: key, limit: noLimit}
	// AstBuilder.visitFunctionCall: COUNT(*) and COUNT() are the same call,
	// one with no arguments, and count every row.
	if fc.Name == "COUNT" && len(fc.Args) == 0 {
		fc = &sql.FuncCall{Name: fc.Name, Star: true, P: fc.P}
	}
	switch {
	case fc.Star:
		if fc.Name != "COUNT" {
			return Compiled{}, stmterr.Bad("Function %s does not accept '*' as an argument", fc.Name)
		}
		call.star = true
		call.Result = types.Bigint
	default:
		args := fc.Args
		if (fc.Name == "TOPK" || fc.Name == "TOPKDISTINCT") && len(args) >= 2 {
			var err error
			if args, err = call.topkArgs(fc, args, in); err != nil {
				return Compiled{}, err
			}
		} else if fc.Name == "TOPK" || fc.Name == "TOPKDISTINCT" {
			return Compiled{}, stmterr.Bad("Function '%s' does not accept %d parameters.", fc.Name, len(fc.Args))
		}
		if fc.Name == "LATEST_BY_OFFSET" || fc.Name == "EARLIEST_BY_OFFSET" {
			var err error
			if args, err = byOffsetInitArgs(fc, call, args); err != nil {
				return Compiled{}, err
			}
		}
		if fc.Name == "CORRELATION" {
			// CorrelationUdaf: two columns of one type, DOUBLE, INTEGER or
			// BIGINT, matched without casts
			if len(args) != 2 {
				return Compiled{}, stmterr.Bad("Function '%s' does not accept %d parameters.", fc.Name, len(fc.Args))
			}
			if HasAggregate(args[1]) {
				return Compiled{}, stmterr.Bad("Aggregate functions can not be nested: %s", key)
			}
			y, err := (&Compiler{In: in, Clause: "SELECT"}).Compile(args[1])
			if err != nil {
				return Compiled{}, err
			}
			call.arg2 = y
			args = args[:1]
		}
		if len(args) != 1 {
			return Compiled{}, stmterr.Bad("Function '%s' does not accept %d parameters.", fc.Name, len(fc.Args))
		}
		if HasAggregate(args[0]) {
			return Compiled{}, stmterr.Bad("Aggregate functions can not be nested: %s", key)
		}
		ac := &Compiler{In: in, Clause: "SELECT"}
		arg, err := ac.Compile(args[0])
		if err != nil {
			return Compiled{}, err
		}
		call.arg, call.argExpr = arg, args[0]
		switch fc.Name {
		case "COUNT", "COUNT_DISTINCT":
			call.Result = types.Bigint
		case "SUM", "MIN", "MAX":
			// DecimalSumKudaf, MaxKudaf and MinKudaf take DECIMAL too, typed
			// as their argument; MaxKudaf and MinKudaf also DATE, TIME,
			// TIMESTAMP, STRING and BYTES
			numeric := arg.Type == types.Integer || arg.Type == types.Bigint || arg.Type == types.Double || arg.Type.Kind() == types.KindDecimal
			ordered := arg.Type.Temporal() || arg.Type == types.String || arg.Type == types.Bytes
			if !numeric && (fc.Name == "SUM" || !ordered) {
				return Compiled{}, stmterr.Bad("Function '%s' does not accept parameters (%s).", fc.Name, arg.Type)
			}
			call.Result = arg.Type
		case "ATTR":
			// Attr: any type T, the result of type T
			if arg.Type == types.Null {
				return Compiled{}, stmterr.Bad("Function 'ATTR' does not accept parameters (%s).", types.NullName(arg.Type))
			}
			call.Result = arg.Type
		case "SUM_LIST":
			// ListSumUdaf: ARRAY<DOUBLE>, ARRAY<INTEGER> or ARRAY<BIGINT>,
			// summed in the element type
			if arg.Type.Kind() != types.KindArray || (arg.Type.Elem != types.Integer && arg.Type.Elem != types.Bigint && arg.Type.Elem != types.Double) {
				return Compiled{}, stmterr.Bad("Function 'SUM_LIST' does not accept parameters (%s).", types.NullName(arg.Type))
			}
			call.Result = arg.Type.Elem
		case "CORRELATION":
			if arg.Type != call.arg2.Type || (arg.Type != types.Integer && arg.Type != types.Bigint && arg.Type != types.Double) {
				return Compiled{}, stmterr.Bad("Function 'CORRELATION' does not accept parameters (%s, %s).", types.NullName(arg.Type), types.NullName(call.arg2.Type))
			}
			call.Result = types.Double
		case "STDDEV_SAMPLE", "STDDEV_SAMP":
			// Integer, Long and Double overloads, matched without casts
			if arg.Type != types.Integer && arg.Type != types.Bigint && arg.Type != types.Double {
				return Compiled{}, stmterr.Bad("Function '%s' does not accept parameters (%s).", fc.Name, types.NullName(arg.Type))
			}
			call.Result = types.Double
		case "AVG":
			// AverageUdaf has Integer, Long and Double overloads only, and
			// an aggregate's overload is found without implicit casts
			// (UdafAggregateFunctionFactory: UdfIndex without them), so a
			// DECIMAL matches none
			if arg.Type != types.Integer && arg.Type != types.Bigint && arg.Type != types.Double {
				return Compiled{}, stmterr.Bad("Function 'AVG' does not accept parameters (%s).", arg.Type)
			}
			call.Result = types.Double
		case "LATEST_BY_OFFSET", "EARLIEST_BY_OFFSET":
			if arg.Type == types.Null {
				return Compiled{}, stmterr.Bad("Function '%s' does not accept parameters (%s).", fc.Name, arg.Type)
			}
			call.Result = arg.Type
			if call.K > 0 {
				call.Result = types.ArrayOf(arg.Type)
			}
		case "COLLECT_LIST", "COLLECT_SET":
			if arg.Type == types.Null {
				return Compiled{}, stmterr.Bad("Function '%s' does not accept parameters (%s).", fc.Name, types.NullName(arg.Type))
			}
			call.Result = types.ArrayOf(arg.Type)
		case "HISTOGRAM": // HistogramUdaf: STRING values only
			if arg.Type != types.String {
				return Compiled{}, stmterr.Bad("Function 'HISTOGRAM' does not accept parameters (%s).", types.NullName(arg.Type))
			}
			call.Result = types.MapOf(types.String, types.Bigint)
		case "TOPK", "TOPKDISTINCT":
			if err := call.topkType(arg.Type); err != nil {
				return Compiled{}, err
			}
		}
	}
	p.Calls = append(p.Calls, call)
	idx := len(p.GroupKeys) + len(p.Calls) - 1
	return Compiled{Type: call.Result, Eval: func(r []any) any { return r[idx] }}, nil
}

// HasAggregate reports an aggregate call anywhere in e.
func HasAggregate(e sql.Expr) bool { return len(AggregateCalls(e)) > 0 }

// AggregateCalls are the aggregate function calls in e, outermost first,
// in source order.
func AggregateCalls(e sql.Expr) []*sql.FuncCall {
	var calls []*sql.FuncCall
	Walk(e, func(x sql.Expr) {
		if fc, ok := x.(*sql.FuncCall); ok && IsAggregate(fc.Name) {
			calls = append(calls, fc)
		}
	})
	return calls
}

// ReadsRowtime reports an aggregate call without arguments, COUNT(*) or
// COUNT(): AggregateAnalyzer gives it ROWTIME as its argument.
func ReadsRowtime(fc *sql.FuncCall) bool {
	return IsAggregate(fc.Name) && (fc.Star || len(fc.Args) == 0)
}

func Walk(e sql.Expr, f func(sql.Expr)) {
	if e == nil {
		return
	}
	f(e)
	for _, c := range Children(e) {
		Walk(c, f)
	}
}

// Children are the expressions e is made of, in source order; some may be
// nil (a CASE without operand or ELSE).
func Children(e sql.Expr) []sql.Expr {
	switch x := e.(type) {
	case *sql.FuncCall:
		return x.Args
	case *sql.Binary:
		return []sql.Expr{x.L, x.R}
	case *sql.Unary:
		return []sql.Expr{x.X}
	case *sql.IsNull:
		return []sql.Expr{x.X}
	case *sql.Between:
		return []sql.Expr{x.X, x.Lo, x.Hi}
	case *sql.InList:
		return append([]sql.Expr{x.X}, x.List...)
	case *sql.Like:
		return []sql.Expr{x.X, x.Pattern}
	case *sql.Cast:
		return []sql.Expr{x.X}
	case *sql.Lambda:
		return []sql.Expr{x.Body}
	case *sql.ArrayCtor:
		return x.Elems
	case *sql.MapCtor:
		out := make([]sql.Expr, 0, 2*len(x.Keys))
		for i := range x.Keys {
			out = append(out, x.Keys[i], x.Values[i])
		}
		return out
	case *sql.StructCtor:
		return x.Values
	case *sql.Subscript:
		return []sql.Expr{x.X, x.Index}
	case *sql.Deref:
		return []sql.Expr{x.X}
	case *sql.Case:
		out := []sql.Expr{x.Operand}
		for _, w := range x.Whens {
			out = append(out, w.Cond, w.Result)
		}
		return append(out, x.Else)
	}
	return nil
}

// latestSeq and earliestSeq number the values LATEST_BY_OFFSET and
// EARLIEST_BY_OFFSET take, in the order they take them, as the UDAFs'
// static sequences do (LatestByOffset.sequence, EarliestByOffset.sequence;
// starting again at each start of the server, as a JVM's do): a state's I
// is the sequence of its value plus one, 0 for none. Merging sessions
// compares them.
var latestSeq, earliestSeq atomic.Int64

// AggState is the running state of one aggregate call; the aggregate
// store holds it as the UDAF's intermediate value (aggregate_store.go).
type AggState struct {
	N      int64
	I      int64
	F      float64
	M2     float64  // STDDEV_SAMPLE, STDDEV_SAMP
	Counts []int32  // ATTR: the count of each value in V
	Q      []int64  // EARLIEST/LATEST_BY_OFFSET(x, n): the sequence of each value in V
	Corr   corrSums // CORRELATION
	R      []int32  // COUNT_DISTINCT: the HyperLogLog registers, nil for none set
	V      any
}

// Add folds a row into s (sign 1, the UDAF's aggregate) or takes it out
// (sign -1, its undo). It fails only where the UDAF throws: a DECIMAL SUM
// that overflows its precision (DecimalSumKudaf.aggregate), s unchanged.
func (c *AggCall) Add(s *AggState, row []any, sign int64) error {
	if !c.star && sign > 0 && c.Name == "SUM" && c.arg.Type.Kind() == types.KindDecimal {
		v := c.arg.Eval(row)
		if v == nil {
			return nil
		}
		sum, err := types.DecimalSum(c.Result, s.V, v)
		if err != nil {
			return err
		}
		s.V = sum
		s.N++
		return nil
	}
	c.add(s, row, sign)
	return nil
}

// add is Add for the UDAFs that do not throw.
func (c *AggCall) add(s *AggState, row []any, sign int64) {
	if c.star {
		s.N += sign
		return
	}
	v := c.arg.Eval(row)
	switch c.Name {
	case "COUNT":
		if v != nil {
			s.N += sign
		}
	case "SUM", "AVG":
		if v == nil {
			return
		}
		if c.arg.Type.Kind() == types.KindDecimal {
			s.V = types.DecimalAdd(c.Result, s.V, v, sign) // DecimalSumKudaf.undo
			s.N += sign
			return
		}
		if c.arg.Type == types.Double {
			s.F += float64(sign) * types.ToFloat(v)
		} else {
			s.I += sign * types.ToInt(v)
		}
		s.N += sign
	case "STDDEV_SAMPLE", "STDDEV_SAMP":
		c.addStddev(s, v, sign)
	case "CORRELATION":
		c.addCorrelation(s, row, sign)
	case "SUM_LIST":
		c.addSumList(s, v, sign)
	case "ATTR":
		updateAttr(s, v, int32(sign))
	case "MIN":
		if v != nil && (s.V == nil || types.Compare(v, s.V) < 0) {
			s.V = v
		}
	case "MAX":
		if v != nil && (s.V == nil || types.Compare(v, s.V) > 0) {
			s.V = v
		}
	case "LATEST_BY_OFFSET", "EARLIEST_BY_OFFSET":
		if c.K > 0 {
			c.addByOffsetN(s, v)
			return
		}
		if c.Name == "EARLIEST_BY_OFFSET" {
			if (v != nil || c.keepNulls) && s.N == 0 {
				s.V = v
				s.N = 1
				s.I = earliestSeq.Add(1)
			}
			return
		}
		if v != nil || c.keepNulls {
			s.V = v
			s.I = latestSeq.Add(1)
		}
	case "COLLECT_LIST":
		// CollectListUdaf: every value, NULLs included, up to the limit
		// (ksql.functions.collect_list.limit, unlimited by default); undo
		// removes the last equal entry, if any (none when the value came
		// past the limit)
		list, _ := s.V.([]any)
		if sign > 0 {
			if len(list) < c.limit {
				s.V = append(list, v)
			}
		} else {
			for i := len(list) - 1; i >= 0; i-- {
				if types.EqualOrBothNull(list[i], v) {
					s.V = slices.Delete(slices.Clone(list), i, i+1)
					break
				}
			}
		}
	case "COLLECT_SET":
		list, _ := s.V.([]any)
		if len(list) < c.limit && !slices.ContainsFunc(list, func(e any) bool { return types.EqualOrBothNull(e, v) }) {
			s.V = append(list, v)
		}
	case "HISTOGRAM":
		// HistogramUdaf: at most 1000 distinct values; undo decrements
		if v == nil {
			return
		}
		s.V = histogramAdd(s.V, v.(string), sign)
	case "TOPK", "TOPKDISTINCT":
		if v == nil {
			return
		}
		list, _ := s.V.([]any)
		if c.Name == "TOPKDISTINCT" && slices.ContainsFunc(list, func(e any) bool { return types.Compare(e, v) == 0 }) {
			return
		}
		list = append(slices.Clone(list), c.topkEntry(v, row))
		slices.SortStableFunc(list, c.topkOrder)
		if len(list) > c.K {
			list = list[:c.K]
		}
		s.V = list
	case "COUNT_DISTINCT":
		// CountDistinct.aggregate: a NULL is not counted
		if v != nil {
			s.R = hllOffer(s.R, v)
		}
	}
}

func (c *AggCall) Value(s AggState) any {
	switch c.Name {
	case "COUNT":
		return s.N
	case "COUNT_DISTINCT":
		return hllCardinality(s.R) // CountDistinct.map
	case "COLLECT_LIST", "COLLECT_SET", "TOPK", "TOPKDISTINCT":
		list, _ := s.V.([]any)
		return append([]any{}, list...)
	case "LATEST_BY_OFFSET", "EARLIEST_BY_OFFSET":
		if c.K > 0 {
			list, _ := s.V.([]any)
			return append([]any{}, list...)
		}
	case "HISTOGRAM":
		if m, _ := s.V.(*types.KeyedMap); m != nil {
			return m
		}
		return types.NewDefaultHashMap().Map() // Maps.newHashMap()
	case "SUM":
		if c.Result.Kind() == types.KindDecimal {
			if s.V == nil {
				return types.DecimalFromInt(0) // DecimalSumKudaf.initialize: BigDecimal.ZERO
			}
			return s.V
		}
		switch c.Result {
		case types.Double:
			return s.F
		case types.Integer:
			return int32(s.I)
		}
		return s.I
	case "STDDEV_SAMPLE", "STDDEV_SAMP":
		return c.stddevResult(s)
	case "CORRELATION":
		return correlationResult(s)
	case "SUM_LIST":
		return c.sumListResult(s)
	case "ATTR":
		return attrResult(s)
	case "AVG":
		if s.N == 0 {
			return 0.0
		}
		// AverageUdaf.map: the sum, in the argument's type (an INTEGER
		// sum wraps as Java's int does), over the count as a double
		switch c.arg.Type {
		case types.Double:
			return s.F / float64(s.N)
		case types.Integer:
			return float64(int32(s.I)) / float64(s.N)
		}
		return float64(s.I) / float64(s.N)
	}
	return s.V
}

// EncodeTexts are values as their texts (JSON for complex values), nil for
// null: how a stream-stream join's window records in this server's own
// layout hold a row.
func EncodeTexts(vals []any) []*string {
	out := make([]*string, len(vals))
	for i, v := range vals {
		if b, ok := formats.AppendJSONComplex(nil, v); ok {
			s := string(b)
			out[i] = &s
		} else if v != nil {
			s := types.Format(v)
			out[i] = &s
		}
	}
	return out
}
