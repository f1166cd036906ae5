package registry

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// incompatibility is one finding of Avro's reader/writer check
// (org.apache.avro.SchemaCompatibility.Incompatibility).
type incompatibility struct {
	typ      string // NAME_MISMATCH, FIXED_SIZE_MISMATCH, MISSING_ENUM_SYMBOLS, READER_FIELD_MISSING_DEFAULT_VALUE, TYPE_MISMATCH, MISSING_UNION_BRANCH
	message  string
	location []string // root token "" first
}

// path is the JSON-pointer location of the finding, without the root token.
func (i incompatibility) path() string {
	parts := make([]string, 0, len(i.location))
	for _, p := range i.location[1:] {
		p = strings.ReplaceAll(p, "~", "~0")
		parts = append(parts, strings.ReplaceAll(p, "/", "~1"))
	}
	return "/" + strings.Join(parts, "/")
}

// difference renders the finding as Confluent's Difference.error() does,
// with the reader and writer labels ("new"/"old") filled in.
func (i incompatibility) difference(reader, writer string) string {
	p := i.path()
	var desc string
	switch i.typ {
	case "FIXED_SIZE_MISMATCH":
		desc = fmt.Sprintf("The size of FIXED type field at path '%s' in the %s schema does not match with the %s schema", p, reader, writer)
	case "TYPE_MISMATCH":
		desc = fmt.Sprintf("The type (path '%s') of a field in the %s schema does not match with the %s schema", p, reader, writer)
	case "NAME_MISMATCH":
		desc = fmt.Sprintf("The name of the schema has changed (path '%s')", p)
	case "MISSING_ENUM_SYMBOLS":
		desc = fmt.Sprintf("The %s schema is missing enum symbols '%s' at path '%s' in the %s schema", reader, i.message, p, writer)
	case "MISSING_UNION_BRANCH":
		desc = fmt.Sprintf("The %s schema is missing a type inside a union field at path '%s' in the %s schema", reader, p, writer)
	case "READER_FIELD_MISSING_DEFAULT_VALUE":
		desc = fmt.Sprintf("The field '%s' at path '%s' in the %s schema has no default value and is missing in the %s schema", i.message, p, reader, writer)
	}
	return "{errorType:'" + i.typ + "', description:'" + desc + "', additionalInfo:'" + i.message + "'}"
}

// compatResult is SchemaCompatibilityResult: compatible when empty.
type compatResult struct {
	inProgress bool
	found      []incompatibility
}

type schemaPair struct{ reader, writer *avroSchema }

// resolver is a port of Avro's ReaderWriterCompatibilityChecker: can data
// written with the writer schema be read with the reader schema?
type resolver struct {
	memo     map[schemaPair]*compatResult
	unions   map[*avroSchema]*unionIndex
	location []string
	steps    int  // pairs calculated, bounded by maxCompatSteps
	pairwise bool // try every reader union branch (a reference for tests)
}

// maxCompatSteps bounds the reader/writer type pairs one check may compare.
// Memoisation and the union index keep real schemas far below it; a schema
// built to exceed it is refused instead of holding the registry busy.
var maxCompatSteps = 1_000_000 // a variable so tests can lower it

// errCompatTooComplex is returned when a check exceeds maxCompatSteps.
var errCompatTooComplex = errors.New("compatibility check needs too many type comparisons; the schema is too complex to check")

// unionIndex finds, for a writer type, the only reader union branches that
// can possibly read it: the same or a promotable unnamed type, or a named
// type of the same kind whose name or alias matches. Every other branch
// fails with TYPE_MISMATCH or NAME_MISMATCH, so skipping them does not
// change the outcome (Avro's ReaderWriterCompatibilityChecker tries each
// branch in turn and stops at the first that can read the writer).
type unionIndex struct {
	unnamed map[kind]*avroSchema
	byName  map[kindName][]*avroSchema // unqualified name
	byAlias map[kindName][]*avroSchema // alias full name
}

type kindName struct {
	kind kind
	name string
}

func newUnionIndex(u *avroSchema) *unionIndex {
	ix := &unionIndex{unnamed: map[kind]*avroSchema{}, byName: map[kindName][]*avroSchema{}, byAlias: map[kindName][]*avroSchema{}}
	for _, b := range u.branches {
		if !b.named() {
			if _, ok := ix.unnamed[b.kind]; !ok {
				ix.unnamed[b.kind] = b
			}
			continue
		}
		k := kindName{b.kind, b.name.name}
		ix.byName[k] = append(ix.byName[k], b)
		for _, a := range b.aliases {
			ka := kindName{b.kind, a.full()}
			ix.byAlias[ka] = append(ix.byAlias[ka], b)
		}
	}
	return ix
}

// readerKinds lists the reader types that can read a writer type: itself
// and its promotions (Avro specification, "Schema Resolution").
var readerKinds = map[kind][]kind{
	kInt:    {kInt, kLong, kFloat, kDouble},
	kLong:   {kLong, kFloat, kDouble},
	kFloat:  {kFloat, kDouble},
	kString: {kString, kBytes},
	kBytes:  {kBytes, kString},
}

func (ix *unionIndex) candidates(writer *avroSchema) []*avroSchema {
	var out []*avroSchema
	if writer.named() {
		seen := map[*avroSchema]bool{}
		for _, b := range ix.byName[kindName{writer.kind, writer.name.name}] {
			seen[b] = true
			out = append(out, b)
		}
		for _, b := range ix.byAlias[kindName{writer.kind, writer.name.full()}] {
			if !seen[b] {
				out = append(out, b)
			}
		}
		return out
	}
	ks, ok := readerKinds[writer.kind]
	if !ok {
		ks = []kind{writer.kind}
	}
	for _, k := range ks {
		if b, ok := ix.unnamed[k]; ok {
			out = append(out, b)
		}
	}
	return out
}

func (r *resolver) unionIndex(u *avroSchema) *unionIndex {
	ix, ok := r.unions[u]
	if !ok {
		ix = newUnionIndex(u)
		r.unions[u] = ix
	}
	return ix
}

// canRead lists why reader cannot read data written with writer; empty
// means it can. A panic-free stand-in for Java's AvroRuntimeException is
// reported as a finding of type AvroRuntimeException.
func canRead(reader, writer *avroSchema) (found []incompatibility, err error) {
	r := &resolver{memo: map[schemaPair]*compatResult{}, unions: map[*avroSchema]*unionIndex{}}
	res, err := r.compatibilityAt("", reader, writer)
	if err != nil {
		return nil, err
	}
	return res.found, nil
}

func (r *resolver) push(token string) { r.location = append(r.location, token) }
func (r *resolver) pop()              { r.location = r.location[:len(r.location)-1] }

func (r *resolver) loc() []string { return append([]string(nil), r.location...) }

func (r *resolver) incompatible(typ, msg string) *compatResult {
	return &compatResult{found: []incompatibility{{typ: typ, message: msg, location: r.loc()}}}
}

func merge(a, b *compatResult) *compatResult {
	if len(b.found) == 0 {
		return a
	}
	if len(a.found) == 0 {
		return b
	}
	return &compatResult{found: append(append([]incompatibility(nil), a.found...), b.found...)}
}

func (r *resolver) compatibilityAt(token string, reader, writer *avroSchema) (*compatResult, error) {
	r.push(token)
	defer r.pop()
	return r.compatibility(reader, writer)
}

func (r *resolver) compatibility(reader, writer *avroSchema) (*compatResult, error) {
	pair := schemaPair{reader, writer}
	if res, ok := r.memo[pair]; ok {
		if res.inProgress {
			return &compatResult{}, nil // recursion: compatible unless proven otherwise
		}
		return res, nil
	}
	r.steps++
	if r.steps > maxCompatSteps {
		return nil, fmt.Errorf("%w (limit %d)", errCompatTooComplex, maxCompatSteps)
	}
	r.memo[pair] = &compatResult{inProgress: true}
	res, err := r.calculate(reader, writer)
	if err != nil {
		return nil, err
	}
	r.memo[pair] = res
	return res, nil
}

func (r *resolver) typeMismatch(reader, writer *avroSchema) *compatResult {
	return r.incompatible("TYPE_MISMATCH", fmt.Sprintf("reader type: %s not compatible with writer type: %s", reader.kind.upper(), writer.kind.upper()))
}

func (r *resolver) calculate(reader, writer *avroSchema) (*compatResult, error) {
	result := &compatResult{}
	if reader.kind == writer.kind {
		switch reader.kind {
		case kNull, kBoolean, kInt, kLong, kFloat, kDouble, kBytes, kString:
			return result, nil
		case kArray:
			return r.compatibilityAt("items", reader.items, writer.items)
		case kMap:
			return r.compatibilityAt("values", reader.values, writer.values)
		case kFixed:
			result = merge(result, r.checkNames(reader, writer))
			r.push("size")
			if reader.size != writer.size {
				result = merge(result, r.incompatible("FIXED_SIZE_MISMATCH", fmt.Sprintf("expected: %d, found: %d", writer.size, reader.size)))
			}
			r.pop()
			return result, nil
		case kEnum:
			result = merge(result, r.checkNames(reader, writer))
			return merge(result, r.checkEnumSymbols(reader, writer)), nil
		case kRecord:
			result = merge(result, r.checkNames(reader, writer))
			fields, err := r.checkRecordFields(reader, writer)
			if err != nil {
				return nil, err
			}
			return merge(result, fields), nil
		case kUnion:
			for i, wb := range writer.branches {
				r.push(fmt.Sprint(i))
				res, err := r.compatibility(reader, wb)
				if err != nil {
					return nil, err
				}
				if len(res.found) > 0 {
					result = merge(result, r.incompatible("MISSING_UNION_BRANCH", "reader union lacking writer type: "+wb.kind.upper()))
				}
				r.pop()
			}
			return result, nil
		}
	}

	if writer.kind == kUnion {
		for i, wb := range writer.branches {
			res, err := r.compatibilityAt(fmt.Sprint(i), reader, wb)
			if err != nil {
				return nil, err
			}
			result = merge(result, res)
		}
		return result, nil
	}

	switch reader.kind {
	case kLong:
		if writer.kind == kInt {
			return result, nil
		}
	case kFloat:
		if writer.kind == kInt || writer.kind == kLong {
			return result, nil
		}
	case kDouble:
		if writer.kind == kInt || writer.kind == kLong || writer.kind == kFloat {
			return result, nil
		}
	case kBytes:
		if writer.kind == kString {
			return result, nil
		}
	case kString:
		if writer.kind == kBytes {
			return result, nil
		}
	case kUnion:
		branches := reader.branches
		if !r.pairwise {
			branches = r.unionIndex(reader).candidates(writer)
		}
		for _, rb := range branches {
			res, err := r.compatibility(rb, writer)
			if err != nil {
				return nil, err
			}
			if len(res.found) == 0 {
				return result, nil
			}
		}
		return merge(result, r.incompatible("MISSING_UNION_BRANCH", "reader union lacking writer type: "+writer.kind.upper())), nil
	}
	return merge(result, r.typeMismatch(reader, writer)), nil
}

// checkNames compares unqualified names; a reader alias naming the writer's
// full name also matches.
func (r *resolver) checkNames(reader, writer *avroSchema) *compatResult {
	r.push("name")
	defer r.pop()
	if reader.name.name == writer.name.name || reader.hasAlias(writer.name.full()) {
		return &compatResult{}
	}
	return r.incompatible("NAME_MISMATCH", "expected: "+writer.name.full())
}

func (r *resolver) checkEnumSymbols(reader, writer *avroSchema) *compatResult {
	r.push("symbols")
	defer r.pop()
	have := map[string]bool{}
	for _, s := range reader.symbols {
		have[s] = true
	}
	var missing []string
	for _, s := range writer.symbols {
		if !have[s] {
			missing = append(missing, s)
		}
	}
	if len(missing) == 0 {
		return &compatResult{}
	}
	if reader.enumDefault != nil && have[*reader.enumDefault] {
		return &compatResult{}
	}
	sort.Strings(missing)
	return r.incompatible("MISSING_ENUM_SYMBOLS", "["+strings.Join(missing, ", ")+"]")
}

// ambiguousFieldError is Java's AvroRuntimeException for a reader field
// whose name and aliases match several writer fields.
type ambiguousFieldError struct{ msg string }

func (e *ambiguousFieldError) Error() string { return e.msg }

func lookupWriterField(writer *avroSchema, rf *avroField) (*avroField, error) {
	var matches []*avroField
	if f := writer.field(rf.name); f != nil {
		matches = append(matches, f)
	}
	for _, a := range rf.aliases {
		if f := writer.field(a); f != nil {
			matches = append(matches, f)
		}
	}
	switch len(matches) {
	case 0:
		return nil, nil
	case 1:
		return matches[0], nil
	}
	return nil, &ambiguousFieldError{msg: fmt.Sprintf("Reader record field %s matches multiple fields in writer record schema %s", rf.name, toJavaString(writer))}
}

func (r *resolver) checkRecordFields(reader, writer *avroSchema) (*compatResult, error) {
	result := &compatResult{}
	r.push("fields")
	defer r.pop()
	for _, rf := range reader.fields {
		r.push(fmt.Sprint(rf.pos))
		wf, err := lookupWriterField(writer, rf)
		if err != nil {
			return nil, err
		}
		switch {
		case wf == nil && rf.def == nil:
			if rf.typ.kind == kEnum && rf.typ.enumDefault != nil {
				res, err := r.compatibilityAt("type", rf.typ, writer)
				if err != nil {
					return nil, err
				}
				result = merge(result, res)
			} else {
				result = merge(result, r.incompatible("READER_FIELD_MISSING_DEFAULT_VALUE", rf.name))
			}
		case wf != nil:
			res, err := r.compatibilityAt("type", rf.typ, wf.typ)
			if err != nil {
				return nil, err
			}
			result = merge(result, res)
		}
		r.pop()
	}
	return result, nil
}

// readMessages runs the reader/writer check and renders Confluent's
// messages, labelling the reader and writer ("new"/"old").
func readMessages(reader, writer *avroSchema, readerLabel, writerLabel string) ([]string, error) {
	found, err := canRead(reader, writer)
	if errors.Is(err, errCompatTooComplex) {
		return nil, err
	}
	if err != nil {
		return []string{"{errorType:'AvroRuntimeException', description:'" + err.Error() + "'}"}, nil
	}
	out := make([]string, 0, len(found))
	for _, f := range found {
		out = append(out, f.difference(readerLabel, writerLabel))
	}
	return out, nil
}

// Compatibility levels, as the registry spells them.
const (
	levelNone               = "NONE"
	levelBackward           = "BACKWARD"
	levelBackwardTransitive = "BACKWARD_TRANSITIVE"
	levelForward            = "FORWARD"
	levelForwardTransitive  = "FORWARD_TRANSITIVE"
	levelFull               = "FULL"
	levelFullTransitive     = "FULL_TRANSITIVE"
)

var levels = map[string]bool{levelNone: true, levelBackward: true, levelBackwardTransitive: true,
	levelForward: true, levelForwardTransitive: true, levelFull: true, levelFullTransitive: true}

// previousSchema is an earlier version a new schema is checked against.
type previousSchema struct {
	version   int
	canonical string
	schema    parsedSchema
}

const maxSchemaSizeForLogging = 10 * 1024

func trailer(p previousSchema) []string {
	old := p.canonical
	oldMsg := "{oldSchema: '" + old + "'}"
	if len(old) > maxSchemaSizeForLogging {
		oldMsg = "{oldSchema: <truncated> '" + old[:maxSchemaSizeForLogging] + "...'}"
	}
	return []string{fmt.Sprintf("{oldSchemaVersion: %d}", p.version), oldMsg}
}

// checkLevel is Confluent's CompatibilityChecker: it checks the new schema
// against the previous ones (oldest first in previous) at the given level.
// Non-transitive levels look at the latest only; transitive levels walk from
// newest to oldest and stop at the first failure. The result is empty when
// compatible; otherwise it ends with the validateFields/compatibility entry.
func checkLevel(level string, next parsedSchema, previous []previousSchema) ([]string, error) {
	if level == levelNone || len(previous) == 0 {
		return nil, nil
	}
	candidates := previous
	transitive := strings.HasSuffix(level, "_TRANSITIVE")
	if !transitive {
		candidates = previous[len(previous)-1:]
	}
	base := strings.TrimSuffix(level, "_TRANSITIVE")
	for i := len(candidates) - 1; i >= 0; i-- {
		p := candidates[i]
		var msgs []string
		strategy := base
		if next.schemaType() != p.schema.schemaType() {
			// SchemaValidatorBuilder.validateLatest/validateAll (CP 7.9).
			msgs = []string{"Incompatible because of different schema type"}
			strategy = ""
		}
		switch strategy {
		case levelBackward:
			m, err := backwardMessages(next, p.schema, "new", "old")
			if err != nil {
				return nil, err
			}
			if len(m) > 0 {
				msgs = append(m, trailer(p)...)
			}
		case levelForward:
			m, err := backwardMessages(p.schema, next, "old", "new")
			if err != nil {
				return nil, err
			}
			if len(m) > 0 {
				msgs = append(m, trailer(p)...)
			}
		case levelFull:
			var err error
			if msgs, err = backwardMessages(p.schema, next, "old", "new"); err != nil {
				return nil, err
			}
			m, err := backwardMessages(next, p.schema, "new", "old")
			if err != nil {
				return nil, err
			}
			if len(m) > 0 {
				msgs = append(append(msgs, m...), trailer(p)...)
			}
		}
		if len(msgs) > 0 {
			return append(msgs, fmt.Sprintf("{validateFields: 'false', compatibility: '%s'}", level)), nil
		}
	}
	return nil, nil
}
