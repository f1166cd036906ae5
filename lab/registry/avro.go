package registry

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// kind is an Avro schema type.
type kind int

const (
	kNull kind = iota
	kBoolean
	kInt
	kLong
	kFloat
	kDouble
	kBytes
	kString
	kRecord
	kEnum
	kArray
	kMap
	kUnion
	kFixed
)

var kindNames = [...]string{"null", "boolean", "int", "long", "float", "double", "bytes", "string", "record", "enum", "array", "map", "union", "fixed"}

// String returns the lower-case Avro type name.
func (k kind) String() string { return kindNames[k] }

// upper returns the Java enum name of the type (Schema.Type), as used in
// compatibility messages.
func (k kind) upper() string { return strings.ToUpper(kindNames[k]) }

var primitives = map[string]kind{
	"null": kNull, "boolean": kBoolean, "int": kInt, "long": kLong,
	"float": kFloat, "double": kDouble, "bytes": kBytes, "string": kString,
}

// qname is an Avro full name split into namespace ("" when none) and name.
type qname struct {
	space, name string
}

func (q qname) full() string {
	if q.space == "" {
		return q.name
	}
	return q.space + "." + q.name
}

// qualified returns the name relative to a default namespace, as Java's
// Name.getQualified does.
func (q qname) qualified(defaultSpace string) string {
	if q.space == "" || q.space == defaultSpace {
		return q.name
	}
	return q.full()
}

// avroSchema is a parsed Avro schema. Named types are shared pointers, so
// recursive schemas form cycles.
type avroSchema struct {
	kind        kind
	name        qname // named types
	doc         *string
	aliases     []qname // named types, in order, without duplicates
	props       []jmember
	isError     bool
	fields      []*avroField
	fieldIndex  map[string]*avroField // fields by name
	symbols     []string
	enumDefault *string
	size        int
	items       *avroSchema // array
	values      *avroSchema // map
	branches    []*avroSchema
}

func (s *avroSchema) named() bool {
	return s.kind == kRecord || s.kind == kEnum || s.kind == kFixed
}

// fullName is Java's Schema.getFullName: the full name of a named type and
// the type name otherwise.
func (s *avroSchema) fullName() string {
	if s.named() {
		return s.name.full()
	}
	return s.kind.String()
}

func (s *avroSchema) field(name string) *avroField {
	if s.fieldIndex != nil {
		return s.fieldIndex[name]
	}
	for _, f := range s.fields {
		if f.name == name {
			return f
		}
	}
	return nil
}

func (s *avroSchema) hasAlias(full string) bool {
	for _, a := range s.aliases {
		if a.full() == full {
			return true
		}
	}
	return false
}

// avroField is a record field.
type avroField struct {
	name    string
	typ     *avroSchema
	doc     *string
	def     *jvalue // nil when the field has no default
	order   string  // "" for ascending, else "descending" or "ignore"
	aliases []string
	props   []jmember
	pos     int
}

// schemaParseError is an invalid schema; the message is what the registry
// reports after "details: ".
type schemaParseError struct{ msg string }

func (e *schemaParseError) Error() string { return e.msg }

func parseErrorf(format string, args ...any) error {
	return &schemaParseError{msg: fmt.Sprintf(format, args...)}
}

var (
	schemaReserved = map[string]bool{"doc": true, "fields": true, "items": true, "name": true, "namespace": true,
		"size": true, "symbols": true, "values": true, "type": true, "aliases": true}
	enumReserved  = map[string]bool{"default": true}
	fieldReserved = map[string]bool{"default": true, "doc": true, "name": true, "order": true, "type": true, "aliases": true}
)

// maxArrayVMLimit is Java Avro's SystemLimitException.MAX_ARRAY_VM_LIMIT
// (Integer.MAX_VALUE - 8), the largest fixed size it accepts.
const maxArrayVMLimit = 1<<31 - 1 - 8

// avroNames is the parser's table of defined named types plus the current
// default namespace.
type avroNames struct {
	types map[string]*avroSchema
	space string
}

func (n *avroNames) lookup(ref string) (*avroSchema, error) {
	if k, ok := primitives[ref]; ok {
		return &avroSchema{kind: k}, nil
	}
	q, err := newName(ref, n.space)
	if err != nil {
		return nil, err
	}
	if s, ok := n.types[q.full()]; ok {
		return s, nil
	}
	q, err = newName(ref, "")
	if err != nil {
		return nil, err
	}
	return n.types[q.full()], nil
}

func (n *avroNames) add(s *avroSchema) error {
	full := s.name.full()
	if _, ok := n.types[full]; ok {
		return parseErrorf("Can't redefine: %s", full)
	}
	n.types[full] = s
	return nil
}

// newName builds a name as Java's Schema.Name does: a dotted name carries
// its own namespace, the simple name is validated, "" namespace means none.
func newName(name, space string) (qname, error) {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		space = name[:i]
		name = name[i+1:]
	}
	if err := validateName(name); err != nil {
		return qname{}, err
	}
	return qname{space: space, name: name}, nil
}

// validateName applies Java Avro's rule: a letter or underscore, then
// letters, digits or underscores (Unicode letters and digits count).
func validateName(name string) error {
	if name == "" {
		return parseErrorf("Empty name")
	}
	for i, r := range name {
		if i == 0 {
			if !unicode.IsLetter(r) && r != '_' {
				return parseErrorf("Illegal initial character: %s", name)
			}
			continue
		}
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' {
			return parseErrorf("Illegal character in: %s", name)
		}
	}
	return nil
}

// parseAvro parses schema text the way the registry's Avro parser does
// (names validated, defaults validated) and returns the schema tree.
// Named types defined by refs (already parsed) are visible to the schema.
func parseAvro(text string, refs map[string]*avroSchema) (*avroSchema, error) {
	root, err := parseJSON([]byte(text))
	if err != nil {
		return nil, &schemaParseError{msg: err.Error()}
	}
	names := &avroNames{types: map[string]*avroSchema{}}
	for k, v := range refs {
		names.types[k] = v
	}
	return parseNode(root, names)
}

// compact renders a JSON node for error messages.
func compact(v *jvalue) string {
	var buf bytes.Buffer
	writeJSON(&buf, v)
	return buf.String()
}

func parseNode(node *jvalue, names *avroNames) (*avroSchema, error) {
	switch node.kind {
	case jString:
		s, err := names.lookup(node.s)
		if err != nil {
			return nil, err
		}
		if s == nil {
			return nil, parseErrorf("Undefined name: %s", compact(node))
		}
		return s, nil
	case jObject:
		return parseObject(node, names)
	case jArray:
		u := &avroSchema{kind: kUnion}
		seen := map[string]bool{}
		for _, e := range node.arr {
			b, err := parseNode(e, names)
			if err != nil {
				return nil, err
			}
			if b.kind == kUnion {
				return nil, parseErrorf("Nested union: %s", compact(node))
			}
			n := b.fullName()
			if seen[n] {
				return nil, parseErrorf("Duplicate in union:%s", n)
			}
			seen[n] = true
			u.branches = append(u.branches, b)
		}
		return u, nil
	default:
		return nil, parseErrorf("Schema not yet supported: %s", compact(node))
	}
}

func optionalText(node *jvalue, key string) *string {
	if s, ok := node.get(key).text(); ok {
		return &s
	}
	return nil
}

func parseObject(node *jvalue, names *avroNames) (*avroSchema, error) {
	typ, ok := node.get("type").text()
	if !ok {
		return nil, parseErrorf("No type: %s", compact(node))
	}
	savedSpace := names.space
	defer func() { names.space = savedSpace }()

	var (
		name qname
		doc  *string
	)
	isNamed := typ == "record" || typ == "error" || typ == "enum" || typ == "fixed"
	if isNamed {
		space := names.space
		if ns := optionalText(node, "namespace"); ns != nil {
			space = *ns
		}
		doc = optionalText(node, "doc")
		n, ok := node.get("name").text()
		if !ok {
			return nil, parseErrorf("No name in schema: %s", compact(node))
		}
		var err error
		if name, err = newName(n, space); err != nil {
			return nil, err
		}
		// NamedSchema's constructor (Java Avro 1.11.4).
		if _, ok := primitives[name.full()]; ok {
			return nil, parseErrorf("Schemas may not be named after primitives: %s", name.full())
		}
		names.space = name.space
	}

	var result *avroSchema
	reserved := schemaReserved
	switch {
	case primitives[typ] != 0 || typ == "null":
		result = &avroSchema{kind: primitives[typ]}
	case typ == "record" || typ == "error":
		result = &avroSchema{kind: kRecord, name: name, doc: doc, isError: typ == "error"}
		if err := names.add(result); err != nil {
			return nil, err
		}
		fieldsNode := node.get("fields")
		if fieldsNode == nil || fieldsNode.kind != jArray {
			return nil, parseErrorf("Record has no fields: %s", compact(node))
		}
		for i, fn := range fieldsNode.arr {
			f, err := parseField(fn, names, i)
			if err != nil {
				return nil, err
			}
			if result.field(f.name) != nil {
				return nil, parseErrorf("Duplicate field %s in record %s", f.name, name.full())
			}
			result.fields = append(result.fields, f)
			if result.fieldIndex == nil {
				result.fieldIndex = map[string]*avroField{}
			}
			result.fieldIndex[f.name] = f
		}
	case typ == "enum":
		reserved = enumReserved
		symbolsNode := node.get("symbols")
		if symbolsNode == nil || symbolsNode.kind != jArray {
			return nil, parseErrorf("Enum has no symbols: %s", compact(node))
		}
		result = &avroSchema{kind: kEnum, name: name, doc: doc}
		seen := map[string]bool{}
		for _, sn := range symbolsNode.arr {
			sym, ok := sn.text()
			if !ok {
				return nil, parseErrorf("Null name")
			}
			if err := validateName(sym); err != nil {
				return nil, err
			}
			if seen[sym] {
				return nil, parseErrorf("Duplicate enum symbol: %s", sym)
			}
			seen[sym] = true
			result.symbols = append(result.symbols, sym)
		}
		if d := node.get("default"); d != nil {
			if ds, ok := d.text(); ok {
				if !seen[ds] {
					return nil, parseErrorf("The Enum Default: %s is not in the enum symbol set: [%s]", ds, strings.Join(result.symbols, ", "))
				}
				result.enumDefault = &ds
			}
		}
		if err := names.add(result); err != nil {
			return nil, err
		}
	case typ == "array":
		itemsNode := node.get("items")
		if itemsNode == nil {
			return nil, parseErrorf("Array has no items type: %s", compact(node))
		}
		items, err := parseNode(itemsNode, names)
		if err != nil {
			return nil, err
		}
		result = &avroSchema{kind: kArray, items: items}
	case typ == "map":
		valuesNode := node.get("values")
		if valuesNode == nil {
			return nil, parseErrorf("Map has no values type: %s", compact(node))
		}
		values, err := parseNode(valuesNode, names)
		if err != nil {
			return nil, err
		}
		result = &avroSchema{kind: kMap, values: values}
	case typ == "fixed":
		sizeNode := node.get("size")
		if sizeNode == nil || !sizeNode.fitsBits(32) {
			return nil, parseErrorf("Invalid or no size: %s", compact(node))
		}
		size := int(sizeNode.float())
		// FixedSchema's constructor checks the size as a byte length
		// (SystemLimitException.checkMaxBytesLength, Avro 1.11.4).
		if size < 0 {
			return nil, parseErrorf("Malformed data. Length is negative: %d", size)
		}
		if size > maxArrayVMLimit {
			return nil, parseErrorf("Cannot read arrays longer than %d bytes in Java library", maxArrayVMLimit)
		}
		result = &avroSchema{kind: kFixed, name: name, doc: doc, size: size}
		if err := names.add(result); err != nil {
			return nil, err
		}
	default:
		// A reference to a defined name written as {"type": "Name"}.
		if s, err := names.lookup(typ); err == nil && s != nil {
			return s, nil
		}
		return nil, parseErrorf("Type not supported: %s", typ)
	}

	for _, m := range node.obj {
		if schemaReserved[m.key] || reserved[m.key] {
			continue
		}
		result.props = append(result.props, m)
	}
	if result.named() {
		aliases, err := parseAliases(node)
		if err != nil {
			return nil, err
		}
		for _, a := range aliases {
			q, err := newName(a, result.name.space)
			if err != nil {
				return nil, err
			}
			if !result.hasAlias(q.full()) {
				result.aliases = append(result.aliases, q)
			}
		}
	}
	return result, nil
}

func parseAliases(node *jvalue) ([]string, error) {
	an := node.get("aliases")
	if an == nil {
		return nil, nil
	}
	if an.kind != jArray {
		return nil, parseErrorf("aliases not an array: %s", compact(node))
	}
	var out []string
	seen := map[string]bool{}
	for _, a := range an.arr {
		s, ok := a.text()
		if !ok {
			return nil, parseErrorf("alias not a string: %s", compact(a))
		}
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out, nil
}

func parseField(fn *jvalue, names *avroNames, pos int) (*avroField, error) {
	if fn.kind != jObject {
		return nil, parseErrorf("No field name: %s", compact(fn))
	}
	name, ok := fn.get("name").text()
	if !ok {
		return nil, parseErrorf("No field name: %s", compact(fn))
	}
	if err := validateName(name); err != nil {
		return nil, err
	}
	typeNode := fn.get("type")
	if typeNode == nil {
		return nil, parseErrorf("No field type: %s", compact(fn))
	}
	if typeNode.kind == jString {
		if s, err := names.lookup(typeNode.s); err != nil || s == nil {
			return nil, parseErrorf("%s is not a defined name. The type of the \"%s\" field must be a defined name or a {\"type\": ...} expression.", compact(typeNode), name)
		}
	}
	typ, err := parseNode(typeNode, names)
	if err != nil {
		return nil, err
	}
	f := &avroField{name: name, typ: typ, doc: optionalText(fn, "doc"), pos: pos}
	if on := fn.get("order"); on != nil {
		o, ok := on.text()
		if !ok {
			return nil, parseErrorf("Invalid order for field %s: %s", name, compact(on))
		}
		switch strings.ToUpper(o) {
		case "ASCENDING":
		case "DESCENDING":
			f.order = "descending"
		case "IGNORE":
			f.order = "ignore"
		default:
			return nil, parseErrorf("No enum constant org.apache.avro.Schema.Field.Order.%s", strings.ToUpper(o))
		}
	}
	if d := fn.get("default"); d != nil {
		if (typ.kind == kFloat || typ.kind == kDouble) && d.kind == jString {
			nd, err := javaParseDouble(d.s)
			if err != nil {
				return nil, parseErrorf("For input string: \"%s\"", d.s)
			}
			d = nd
		}
		if !validDefault(typ, d) {
			return nil, parseErrorf("Invalid default for field %s: %s not a %s", name, compact(d), toJavaString(typ))
		}
		f.def = d
	}
	for _, m := range fn.obj {
		if !fieldReserved[m.key] {
			f.props = append(f.props, m)
		}
	}
	if f.aliases, err = parseAliases(fn); err != nil {
		return nil, err
	}
	return f, nil
}

// javaParseDouble turns a textual float default ("NaN", "Infinity", "1.5")
// into a number node, as the Java parser does with Double.valueOf.
func javaParseDouble(s string) (*jvalue, error) {
	t := strings.TrimSpace(s)
	switch t {
	case "NaN", "+NaN", "-NaN":
		return &jvalue{kind: jNumber, num: "NaN"}, nil
	case "Infinity", "+Infinity":
		return &jvalue{kind: jNumber, num: "+Inf"}, nil
	case "-Infinity":
		return &jvalue{kind: jNumber, num: "-Inf"}, nil
	}
	t = strings.TrimRight(t, "dDfF")
	if t == "" || strings.ContainsAny(t, "xXpP_") {
		return nil, errors.New("not a number")
	}
	if _, err := strconv.ParseFloat(t, 64); err != nil {
		return nil, err
	}
	return &jvalue{kind: jNumber, num: t}, nil
}

// validDefault is Java Avro 1.11's Schema.isValidDefault.
func validDefault(s *avroSchema, d *jvalue) bool {
	if d == nil {
		return false
	}
	switch s.kind {
	case kString, kBytes, kEnum, kFixed:
		return d.kind == jString
	case kInt:
		return d.fitsBits(32)
	case kLong:
		return d.fitsBits(64)
	case kFloat, kDouble:
		return d.kind == jNumber
	case kBoolean:
		return d.kind == jBool
	case kNull:
		return d.kind == jNull
	case kArray:
		if d.kind != jArray {
			return false
		}
		for _, e := range d.arr {
			if !validDefault(s.items, e) {
				return false
			}
		}
		return true
	case kMap:
		if d.kind != jObject {
			return false
		}
		for _, m := range d.obj {
			if !validDefault(s.values, m.val) {
				return false
			}
		}
		return true
	case kUnion:
		return len(s.branches) > 0 && validDefault(s.branches[0], d)
	case kRecord:
		if d.kind != jObject {
			return false
		}
		for _, f := range s.fields {
			v := d.get(f.name)
			if v == nil {
				v = f.def
			}
			if !validDefault(f.typ, v) {
				return false
			}
		}
		return true
	}
	return false
}
