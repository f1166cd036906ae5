package ksqldb

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/lab/ksqldb/expr"
	"github.com/ctalab/ctalab/lab/ksqldb/formats"
	"github.com/ctalab/ctalab/lab/ksqldb/metastore"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// execInsertValues is INSERT INTO ... VALUES: one record written straight to
// the target's topic in its key and value formats. Nothing goes to the
// command topic; a request's validation pass builds the record without
// producing it. Checks and messages follow confluentinc/ksql
// ksqldb-rest-app/.../execution/InsertValuesExecutor.java (getDataSource,
// buildRecord) and ksqldb-engine/.../engine/generic/GenericRecordFactory.java;
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/insert-values/
func (s *Server) execInsertValues(ctx context.Context, ec *execCtx, st *sql.InsertValues) (any, error) {
	if len(st.Columns) > 0 && len(st.Columns) != len(st.Values) {
		// the InsertValues node counts named columns and values as the
		// statement is prepared
		return nil, stmterr.Bad("Failed to prepare statement: Expected number columns and values to match: %d, %d", len(st.Columns), len(st.Values))
	}
	for _, v := range st.Values {
		var bad string
		expr.Walk(v, func(x sql.Expr) {
			if ref, ok := x.(*sql.ColumnRef); ok && bad == "" && ref.Qualifier != "" && ref.Qualifier != st.Target {
				bad = ref.Qualifier
			}
		})
		if bad != "" {
			// AstBuilder.throwOnUnknownNameOrAlias
			return nil, stmterr.Bad("Failed to prepare statement: '%s' is not a valid stream/table name or alias.", bad)
		}
	}
	src, ok := ec.ms.Sources[st.Target]
	if !ok {
		// the name as SourceName.toString prints it, in backquotes
		return nil, stmterr.Bad("Cannot insert values into an unknown stream/table: `%s`%s", st.Target, ec.ms.Alternatives(st.Target, ""))
	}
	if s.readOnlyTopic(src.Topic) {
		return nil, stmterr.Bad("Cannot insert values into read-only topic: %s", src.Topic)
	}
	if src.SourceOnly {
		return nil, stmterr.Bad("Cannot insert values into read-only %s: %s", strings.ToLower(src.Kind()), src.Name)
	}
	if err := checkInsertHeaders(src, st.Columns); err != nil {
		return nil, err
	}
	rec, err := s.insertValuesRecord(ctx, ec, src, st)
	if err != nil {
		return nil, stmterr.Bad("Failed to insert values into '%s'. %s", st.Target, err.Error())
	}
	if ec.sandbox || ec.replay {
		return nil, nil
	}
	// the Java producer's default partitioner: murmur2 of the serialised key
	tm, err := s.topicMetaOnce(ctx, src.Topic)
	if err != nil || !tm.exists || tm.partitions == 0 {
		s.log.Warn("insert values: describe topic", "topic", src.Topic, "err", err)
		return nil, stmterr.Bad("Failed to insert values into '%s'.", st.Target)
	}
	if rec.Key != nil {
		rec.Partition = int32(kgo.StickyKeyPartitioner(nil).ForTopic(src.Topic).Partition(rec, tm.partitions))
	} else {
		rec.Partition = int32(time.Now().UnixNano() % int64(tm.partitions))
	}
	if err := s.cl.ProduceSync(ctx, rec).FirstErr(); err != nil {
		s.log.Warn("insert values: produce", "topic", src.Topic, "err", err)
		return nil, stmterr.Bad("Failed to insert values into '%s'.", st.Target)
	}
	return nil, nil
}

// insertValuesRecord builds the record of GenericRecordFactory.build: the
// named (or all key then value) columns get the values, ROWTIME sets the
// timestamp, a table needs every key column.
func (s *Server) insertValuesRecord(ctx context.Context, ec *execCtx, src *metastore.Source, st *sql.InsertValues) (*kgo.Record, error) {
	cols := st.Columns
	if len(cols) == 0 {
		for _, c := range src.Schema.Keys() {
			cols = append(cols, c.Name)
		}
		for _, c := range src.Schema.Values() {
			cols = append(cols, c.Name)
		}
	}
	if len(cols) != len(st.Values) {
		vals := make([]string, len(st.Values))
		for i, v := range st.Values {
			vals[i] = sql.Format(v)
		}
		return nil, fmt.Errorf("Expected a value for each column. Expected Columns: [%s]. Got [%s]",
			strings.Join(st.Columns, ", "), strings.Join(vals, ", "))
	}
	types := map[string]types.Type{}
	for _, c := range src.Schema.Cols {
		types[c.Name] = c.Type
	}
	for _, c := range expr.PseudoColumns {
		types[c.Name] = c.Type
	}
	values := map[string]any{}
	for i, name := range cols {
		t, ok := types[name]
		if !ok {
			// a ColumnName prints in backquotes (FormatOptions.none)
			return nil, fmt.Errorf("Column name `%s` does not exist.", name)
		}
		if name == "ROWPARTITION" || name == "ROWOFFSET" {
			return nil, fmt.Errorf("Inserting into column `%s` is not allowed.", name)
		}
		v, err := constantValue(st.Values[i], name, t)
		if err != nil {
			return nil, err
		}
		values[name] = v
	}
	if src.Table {
		var missing []string
		for _, c := range src.Schema.Keys() {
			if _, ok := values[c.Name]; !ok {
				missing = append(missing, c.Name)
			}
		}
		if len(missing) > 0 {
			return nil, fmt.Errorf("Value for primary key column(s) %s is required for tables", strings.Join(missing, ", "))
		}
	}
	ts := time.Now()
	if v, ok := values["ROWTIME"]; ok && v != nil {
		ts = time.UnixMilli(v.(int64))
	}
	keyCols, valCols := src.Schema.Keys(), src.Schema.Values()
	keys := make([]any, len(keyCols))
	for i, c := range keyCols {
		keys[i] = values[c.Name]
	}
	vals := make([]any, len(valCols))
	for i, c := range valCols {
		vals[i] = values[c.Name]
	}
	keySerde := formats.NewSerde(src.KeyFormat, keyCols, true, src.Topic, s.reg).AvroKeyFor(src.Name).WithSchemaFullName(src.KeyFullName).WithSchemaID(src.KeySchemaID).WithDelimiter(src.KeyDelimiter).WithProtobufNullable(src.KeyProtoNullable)
	valSerde := formats.NewSerde(src.ValueFormat, valCols, false, src.Topic, s.reg).WithSchemaID(src.ValueSchemaID).WithDelimiter(src.ValueDelimiter).WithAvroFullName(src.ValueAvroName).WithSchemaFullName(src.ValueFullName).WithProtobufNullable(src.ValueProtoNullable)
	if src.UnwrapValue {
		valSerde.Unwrap = true
	}
	if !ec.sandbox && !ec.replay {
		if err := keySerde.PrepareSink(ctx); err != nil {
			return nil, fmt.Errorf("Could not serialize key: %w", err)
		}
		if err := valSerde.PrepareSink(ctx); err != nil {
			return nil, fmt.Errorf("Could not serialize value: %w", err)
		}
	} else {
		return &kgo.Record{Topic: src.Topic, Timestamp: ts}, nil
	}
	kb, err := keySerde.Encode(keys)
	if err != nil {
		return nil, fmt.Errorf("Could not serialize key: %w", err)
	}
	vb, err := valSerde.Encode(vals)
	if err != nil {
		return nil, fmt.Errorf("Could not serialize value: %w", err)
	}
	return &kgo.Record{Topic: src.Topic, Key: kb, Value: vb, Timestamp: ts}, nil
}

// constantValue evaluates a column-free expression and coerces it to the
// column's type as ksqlDB's strict coercer does (coerceStrict).
// GenericExpressionResolver: "Expected type %s for field %s but got %s(%s)".
func constantValue(e sql.Expr, field string, t types.Type) (any, error) {
	// GenericExpressionResolver evaluates with the interpreter and a
	// processing logger that throws what is logged: a value whose
	// expression throws fails the statement with the logged message,
	// which it supplies as "" (IGNORED_MSG)
	f := &expr.Failures{Step: "insert value"}
	c := &expr.Compiler{In: &expr.Scope{}, Clause: "insert value", Interpreted: true, Failures: f}
	ce, err := c.CompileLean(e)
	if err != nil {
		return nil, err
	}
	v := f.Boundary("", ce).Eval(nil)
	if len(f.Take()) > 0 {
		return nil, errors.New("")
	}
	out, ok, err := coerceStrict(v, ce.Type, t)
	if err != nil {
		return nil, err
	}
	if ok {
		return out, nil
	}
	base := ce.Type.String()
	if i := strings.IndexAny(base, "<("); i > 0 {
		base = base[:i]
	}
	return nil, fmt.Errorf("Expected type %s for field %s but got %s(%s)", t, field, base, types.Format(v))
}

// coerceStrict is DefaultSqlValueCoercer.STRICT: the same type, a number
// widened (INTEGER to BIGINT, DECIMAL or DOUBLE, BIGINT to DECIMAL or
// DOUBLE, DECIMAL to DOUBLE), a string read as a temporal value, or a
// complex value coerced item by item: an ARRAY's elements, a MAP's keys
// and values, a STRUCT's fields by name (a field the value lacks is null,
// one the type lacks is dropped). ok is false when the value does not
// coerce; err is a temporal text that does not parse.
func coerceStrict(v any, from, to types.Type) (out any, ok bool, err error) {
	if v == nil {
		return nil, true, nil
	}
	if from == to {
		return v, true, nil
	}
	if out, ok, err := types.CoerceStringToTemporal(v, to); ok {
		return out, err == nil, err
	}
	switch to.Kind() {
	case types.KindDecimal:
		if from == types.Integer || from == types.Bigint || from.Kind() == types.KindDecimal {
			// coerceToDecimal: ensureFit(new BigDecimal(String.valueOf(v)))
			d, err := types.DecimalOf(types.Format(v), to)
			return d, err == nil, nil
		}
	case types.KindBigint:
		if from == types.Integer {
			return expr.CastValue(v, from, to), true, nil
		}
	case types.KindDouble:
		if from == types.Integer || from == types.Bigint || from.Kind() == types.KindDecimal {
			return expr.CastValue(v, from, to), true, nil
		}
	case types.KindArray:
		items, isList := v.([]any)
		if from.Kind() != types.KindArray || !isList {
			return nil, false, nil
		}
		outItems := make([]any, len(items))
		for i, item := range items {
			if outItems[i], ok, err = coerceStrict(item, from.Elem, to.Elem); !ok || err != nil {
				return nil, ok, err
			}
		}
		return outItems, true, nil
	case types.KindMap:
		m, isMap := v.(*types.KeyedMap)
		if from.Kind() != types.KindMap || !isMap {
			return nil, false, nil
		}
		if from.Key != types.String || to.Key != types.String {
			return nil, false, nil
		}
		// DefaultSqlValueCoercer.coerceMap: a new HashMap<>(), each entry
		// put in the source map's order
		outMap := types.NewDefaultHashMap()
		for i, k := range m.Keys {
			item, ok, err := coerceStrict(m.Vals[i], from.Elem, to.Elem)
			if !ok || err != nil {
				return nil, ok, err
			}
			outMap.Put(k, item)
		}
		return outMap.Map(), true, nil
	case types.KindStruct:
		sv, isStruct := v.(*types.StructVal)
		if from.Kind() != types.KindStruct || !isStruct {
			return nil, false, nil
		}
		vals := make([]any, len(to.Fields))
		for i, f := range to.Fields {
			for j, g := range from.Fields {
				if g.Name == f.Name && j < len(sv.Vals) {
					if vals[i], ok, err = coerceStrict(sv.Vals[j], g.Type, f.Type); !ok || err != nil {
						return nil, ok, err
					}
				}
			}
		}
		return &types.StructVal{Type: to, Vals: vals}, true, nil
	}
	return nil, false, nil
}
