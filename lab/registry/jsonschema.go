package registry

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// JSON Schema support, as CP 7.9's json-schema-provider
// (json-schema-provider/.../json/JsonSchema.java at tag v7.9.9):
//
//   - The stored (canonical) form is the schema re-serialised by Jackson:
//     compact, members in their original order, a repeated key keeping its
//     first position and its last value, integers as written and other
//     numbers as exact BigDecimals (USE_BIG_DECIMAL_FOR_FLOATS, so 1.50
//     stays 1.50 and 1e2 becomes 1E+2).
//   - normalize=true sorts every object's members by key (SortingNodeFactory)
//     and sorts and de-duplicates the references.
//   - References are documents named by reference name; $ref resolves a
//     name (optionally with a #fragment) relative to the schema's $id.
//   - A schema without $schema is draft-07.

// jsonSchema is a parsed JSON Schema: its document and the
// documents its references name.
type jsonSchema struct {
	root *jsNode
}

func (s *jsonSchema) schemaType() string { return typeJSON }

func (p *pendingSchema) parseJSONSchema() (*prepared, *apiError) {
	s, canonical, err := parseJSONSchema(p.text, p.srcs, p.normalize)
	if err != nil {
		return nil, p.invalid(err.Error())
	}
	refs := p.refs
	if p.normalize {
		refs = sortedRefs(refs)
	}
	return &prepared{typ: typeJSON, canonical: canonical, refs: refs, schema: s}, nil
}

// sortedRefs sorts references by name, subject, version and drops
// duplicates (SchemaReference.compareTo in CP 7.9).
func sortedRefs(refs []reference) []reference {
	out := append([]reference(nil), refs...)
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		if a.Subject != b.Subject {
			return a.Subject < b.Subject
		}
		return a.Version < b.Version
	})
	dedup := out[:0]
	for i, r := range out {
		if i == 0 || r != out[i-1] {
			dedup = append(dedup, r)
		}
	}
	return dedup
}

// jsonSchemaBase is the base URI schemas without an $id are loaded under,
// so that references by relative name resolve against it.
const jsonSchemaBase = "https://schema-registry.invalid/"

func parseJSONSchema(text string, srcs []refSource, normalize bool) (*jsonSchema, string, error) {
	doc, err := parseJSON([]byte(text))
	if err != nil {
		return nil, "", fmt.Errorf("Invalid JSON %s: %w", text, err)
	}
	if doc.kind != jObject && doc.kind != jBool {
		return nil, "", fmt.Errorf("Invalid JSON Schema: a schema is an object or a boolean, not %s", compact(doc))
	}
	if normalize {
		doc = sortMembers(doc)
	}
	var buf bytes.Buffer
	writeJacksonJSON(&buf, doc)
	canonical := buf.String()

	// The validator's compile time grows with the square of the number of
	// subschemas; a schema with more than maxJSONSchemaObjects objects is
	// refused rather than holding a core for minutes.
	objects := countObjects(doc)
	for _, src := range srcs {
		if d, err := parseJSON([]byte(src.text)); err == nil {
			objects += countObjects(d)
		}
	}
	if objects > maxJSONSchemaObjects {
		return nil, "", fmt.Errorf("the schema and its references hold %d JSON objects, more than the %d this registry compiles", objects, maxJSONSchemaObjects)
	}

	// Validate against the meta-schema and resolve every $ref.
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft7)
	c.UseLoader(noLoader{})
	base := jsonSchemaBase + "schema.json"
	if id, ok := doc.get("$id").text(); ok && id != "" {
		if u, err := url.Parse(id); err == nil && u.IsAbs() {
			base = id
		}
	}
	docs := map[string]*jvalue{}
	for _, src := range flattenRefs(srcs, map[string]bool{}, nil) {
		d, err := parseJSON([]byte(src.text))
		if err != nil {
			return nil, "", fmt.Errorf("reference %s is not valid JSON: %w", src.name, err)
		}
		u := resolveURL(base, src.name)
		docs[u] = d
		if err := c.AddResource(u, toAny(d)); err != nil {
			return nil, "", fmt.Errorf("reference %s: %w", src.name, err)
		}
	}
	docs[base] = doc
	if err := c.AddResource(base, toAny(doc)); err != nil {
		return nil, "", err
	}
	if _, err := c.Compile(base); err != nil {
		return nil, "", fmt.Errorf("Invalid JSON Schema: %s", strings.ReplaceAll(err.Error(), jsonSchemaBase, ""))
	}
	b := &jsBuilder{docs: docs, built: map[*jvalue]*jsNode{}}
	root, err := b.build(doc, base)
	if err != nil {
		return nil, "", err
	}
	return &jsonSchema{root: root}, canonical, nil
}

// maxJSONSchemaObjects bounds the objects of a JSON Schema and its
// references.
const maxJSONSchemaObjects = 20000

func countObjects(v *jvalue) int {
	n := 0
	if v.kind == jObject {
		n++
		for _, m := range v.obj {
			n += countObjects(m.val)
		}
	}
	for _, e := range v.arr {
		n += countObjects(e)
	}
	return n
}

// noLoader refuses to fetch anything: schemas are resolved only from
// their references, never from the network or the local disk.
type noLoader struct{}

func (noLoader) Load(u string) (any, error) {
	return nil, fmt.Errorf("no schema reference found for %s", strings.TrimPrefix(u, jsonSchemaBase))
}

func resolveURL(base, ref string) string {
	b, err := url.Parse(base)
	if err != nil {
		return ref
	}
	r, err := url.Parse(ref)
	if err != nil {
		return ref
	}
	return b.ResolveReference(r).String()
}

// sortMembers copies v with every object's members sorted by key.
func sortMembers(v *jvalue) *jvalue {
	switch v.kind {
	case jArray:
		out := &jvalue{kind: jArray}
		for _, e := range v.arr {
			out.arr = append(out.arr, sortMembers(e))
		}
		return out
	case jObject:
		out := &jvalue{kind: jObject}
		for _, m := range v.obj {
			out.obj = append(out.obj, jmember{key: m.key, val: sortMembers(m.val)})
		}
		sort.SliceStable(out.obj, func(i, j int) bool { return out.obj[i].key < out.obj[j].key })
		return out
	}
	return v
}

// writeJacksonJSON is writeJSON with non-integer numbers written as Java's
// BigDecimal.toString writes the literal's exact value.
func writeJacksonJSON(buf *bytes.Buffer, v *jvalue) {
	writeJSONNumbers(buf, v, func(buf *bytes.Buffer, v *jvalue) { buf.WriteString(bigDecimalString(v.num)) })
}

// bigDecimalString renders a JSON number literal as
// java.math.BigDecimal(literal).toString() does.
func bigDecimalString(lit string) string {
	neg := strings.HasPrefix(lit, "-")
	lit = strings.TrimPrefix(lit, "-")
	mant, exp := lit, 0
	if i := strings.IndexAny(lit, "eE"); i >= 0 {
		mant = lit[:i]
		e, err := strconv.Atoi(strings.TrimPrefix(lit[i+1:], "+"))
		if err != nil {
			return lit
		}
		exp = e
	}
	scale := 0
	if i := strings.IndexByte(mant, '.'); i >= 0 {
		scale = len(mant) - i - 1
		mant = mant[:i] + mant[i+1:]
	}
	scale -= exp
	unscaled, ok := new(big.Int).SetString(mant, 10)
	if !ok {
		return lit
	}
	if neg {
		unscaled.Neg(unscaled)
	}
	digits := new(big.Int).Abs(unscaled).String()
	sign := ""
	if unscaled.Sign() < 0 {
		sign = "-"
	}
	adjusted := -scale + (len(digits) - 1)
	if scale >= 0 && adjusted >= -6 {
		if scale == 0 {
			return sign + digits
		}
		if len(digits) > scale {
			return sign + digits[:len(digits)-scale] + "." + digits[len(digits)-scale:]
		}
		return sign + "0." + strings.Repeat("0", scale-len(digits)) + digits
	}
	out := digits[:1]
	if len(digits) > 1 {
		out += "." + digits[1:]
	}
	out += "E"
	if adjusted > 0 {
		out += "+"
	}
	return sign + out + strconv.Itoa(adjusted)
}

// toAny converts a JSON value for the validator.
func toAny(v *jvalue) any {
	switch v.kind {
	case jNull:
		return nil
	case jBool:
		return v.b
	case jNumber:
		return json.Number(v.num)
	case jString:
		return v.s
	case jArray:
		out := make([]any, len(v.arr))
		for i, e := range v.arr {
			out[i] = toAny(e)
		}
		return out
	}
	out := make(map[string]any, len(v.obj))
	for _, m := range v.obj {
		out[m.key] = toAny(m.val)
	}
	return out
}

// jsNode is a schema in the shape the everit loader gives it, which the
// JSON Schema compatibility rules (json/diff/*.java) are written against.
type jsNode struct {
	class string // true, false, empty, ref, enum, const, not, combined, object, array, string, number, boolean, null
	src   *jvalue

	id, title, description *string
	def                    *jvalue
	connectType            string

	// string
	maxLength, minLength *int64
	pattern              *string
	// number
	maximum, minimum, exclusiveMaximum, exclusiveMinimum, multipleOf *big.Rat
	requiresInteger                                                  bool
	// object
	propOrder    []string
	props        map[string]*jsNode
	required     map[string]bool
	permitsAdd   bool
	addSchema    *jsNode
	patternProps []patternProp
	maxProps     *int64
	minProps     *int64
	propDeps     map[string][]string
	schemaDeps   map[string]*jsNode
	// array
	allItems        *jsNode
	itemList        []*jsNode
	permitsAddItems bool
	addItemsSchema  *jsNode
	maxItems        *int64
	minItems        *int64
	uniqueItems     bool
	// enum, const
	values []string
	// combined, not
	criterion string // allOf, anyOf, oneOf
	subs      []*jsNode
	not       *jsNode
	// ref
	referred *jsNode

	canon string // key(), once computed
}

type patternProp struct {
	re     *regexp.Regexp
	schema *jsNode
}

type jsBuilder struct {
	docs  map[string]*jvalue
	built map[*jvalue]*jsNode
	depth int
}

func (b *jsBuilder) build(v *jvalue, base string) (*jsNode, error) {
	if n, ok := b.built[v]; ok {
		return n, nil
	}
	b.depth++
	defer func() { b.depth-- }()
	if b.depth > maxNestingDepth {
		return nil, errNestingDepth(b.depth)
	}
	n := &jsNode{src: v}
	b.built[v] = n
	if v.kind == jBool {
		n.class = "false"
		if v.b {
			n.class = "true"
		}
		return n, nil
	}
	if v.kind != jObject {
		return nil, fmt.Errorf("Invalid JSON Schema: a schema is an object or a boolean, not %s", compact(v))
	}
	if id, ok := v.get("$id").text(); ok {
		n.id = &id
		base = resolveURL(base, id)
	}
	if t, ok := v.get("title").text(); ok {
		n.title = &t
	}
	if d, ok := v.get("description").text(); ok {
		n.description = &d
	}
	n.def = v.get("default")
	n.connectType, _ = v.get("connect.type").text()

	if ref, ok := v.get("$ref").text(); ok {
		n.class = "ref"
		target, err := b.resolveRef(base, ref)
		if err != nil {
			return nil, err
		}
		if n.referred, err = b.build(target.v, target.base); err != nil {
			return nil, err
		}
		return n, nil
	}

	var parts []*jsNode
	add := func(p *jsNode) { parts = append(parts, p) }
	if e := v.get("enum"); e != nil && e.kind == jArray {
		p := &jsNode{class: "enum", src: v}
		for _, x := range e.arr {
			p.values = append(p.values, canonicalJSON(x))
		}
		add(p)
	}
	if c := v.get("const"); c != nil {
		add(&jsNode{class: "const", src: v, values: []string{canonicalJSON(c)}})
	}
	if nv := v.get("not"); nv != nil {
		sub, err := b.build(nv, base)
		if err != nil {
			return nil, err
		}
		add(&jsNode{class: "not", src: v, not: sub})
	}
	for _, crit := range []string{"allOf", "anyOf", "oneOf"} {
		if arr := v.get(crit); arr != nil && arr.kind == jArray {
			p := &jsNode{class: "combined", src: v, criterion: crit}
			for _, e := range arr.arr {
				sub, err := b.build(e, base)
				if err != nil {
					return nil, err
				}
				p.subs = append(p.subs, sub)
			}
			add(p)
		}
	}
	typed, err := b.typed(v, base)
	if err != nil {
		return nil, err
	}
	if typed != nil {
		add(typed)
	}
	switch len(parts) {
	case 0:
		n.class = "empty"
	case 1:
		p := parts[0]
		id, title, desc, def, ct := n.id, n.title, n.description, n.def, n.connectType
		*n = *p
		n.id, n.title, n.description, n.def, n.connectType = id, title, desc, def, ct
	default:
		// Several keywords make several schemas: everit combines them
		// with a synthetic allOf.
		n.class, n.criterion, n.subs = "combined", "allOf", parts
	}
	return n, nil
}

var typeClasses = map[string]string{"string": "string", "number": "number", "integer": "number",
	"boolean": "boolean", "null": "null", "object": "object", "array": "array"}

var objectKeywords = []string{"properties", "required", "additionalProperties", "patternProperties", "maxProperties", "minProperties", "dependencies", "propertyNames"}
var arrayKeywords = []string{"items", "additionalItems", "maxItems", "minItems", "uniqueItems", "contains"}
var stringKeywords = []string{"maxLength", "minLength", "pattern", "format"}
var numberKeywords = []string{"maximum", "minimum", "exclusiveMaximum", "exclusiveMinimum", "multipleOf"}

func hasAny(v *jvalue, keys []string) bool {
	for _, k := range keys {
		if v.get(k) != nil {
			return true
		}
	}
	return false
}

// typed builds the type-specific schema of an object: from "type" (one
// type, or an anyOf of several) or, without it, from the keywords present.
func (b *jsBuilder) typed(v *jvalue, base string) (*jsNode, error) {
	t := v.get("type")
	var names []string
	explicit := t != nil
	switch {
	case t == nil:
		for _, c := range []struct {
			name string
			keys []string
		}{{"object", objectKeywords}, {"array", arrayKeywords}, {"string", stringKeywords}, {"number", numberKeywords}} {
			if hasAny(v, c.keys) {
				names = append(names, c.name)
			}
		}
	case t.kind == jString:
		names = []string{t.s}
	case t.kind == jArray:
		for _, e := range t.arr {
			names = append(names, e.s)
		}
	}
	var out []*jsNode
	for _, name := range names {
		p, err := b.ofType(v, base, name, explicit)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	switch {
	case len(out) == 0:
		return nil, nil
	case len(out) == 1 && (t == nil || t.kind == jString):
		return out[0], nil
	}
	return &jsNode{class: "combined", src: v, criterion: "anyOf", subs: out}, nil
}

func intKeyword(v *jvalue, key string) *int64 {
	x := v.get(key)
	if x == nil || x.kind != jNumber {
		return nil
	}
	r, ok := new(big.Rat).SetString(x.num)
	if !ok {
		return nil
	}
	f, _ := r.Float64()
	n := int64(f)
	return &n
}

func ratKeyword(v *jvalue, key string) *big.Rat {
	x := v.get(key)
	if x == nil || x.kind != jNumber {
		return nil
	}
	r, ok := new(big.Rat).SetString(x.num)
	if !ok {
		return nil
	}
	return r
}

func (b *jsBuilder) ofType(v *jvalue, base, name string, explicit bool) (*jsNode, error) {
	class, ok := typeClasses[name]
	if !ok {
		return nil, fmt.Errorf("Invalid JSON Schema: unknown type %q", name)
	}
	n := &jsNode{class: class, src: v}
	switch class {
	case "string":
		n.maxLength, n.minLength = intKeyword(v, "maxLength"), intKeyword(v, "minLength")
		if p, ok := v.get("pattern").text(); ok {
			n.pattern = &p
		}
	case "number":
		n.requiresInteger = name == "integer"
		n.maximum, n.minimum = ratKeyword(v, "maximum"), ratKeyword(v, "minimum")
		n.exclusiveMaximum, n.exclusiveMinimum = ratKeyword(v, "exclusiveMaximum"), ratKeyword(v, "exclusiveMinimum")
		n.multipleOf = ratKeyword(v, "multipleOf")
	case "object":
		n.props, n.required = map[string]*jsNode{}, map[string]bool{}
		if ps := v.get("properties"); ps != nil && ps.kind == jObject {
			for _, m := range ps.obj {
				sub, err := b.build(m.val, base)
				if err != nil {
					return nil, err
				}
				n.propOrder = append(n.propOrder, m.key)
				n.props[m.key] = sub
			}
		}
		if rs := v.get("required"); rs != nil && rs.kind == jArray {
			for _, r := range rs.arr {
				n.required[r.s] = true
			}
		}
		n.permitsAdd = true
		if ap := v.get("additionalProperties"); ap != nil {
			if ap.kind == jBool {
				n.permitsAdd = ap.b
			} else {
				sub, err := b.build(ap, base)
				if err != nil {
					return nil, err
				}
				n.addSchema = sub
			}
		}
		if pp := v.get("patternProperties"); pp != nil && pp.kind == jObject {
			for _, m := range pp.obj {
				re, err := regexp.Compile(m.key)
				if err != nil {
					return nil, fmt.Errorf("Invalid JSON Schema: pattern %q: %w", m.key, err)
				}
				sub, err := b.build(m.val, base)
				if err != nil {
					return nil, err
				}
				n.patternProps = append(n.patternProps, patternProp{re: re, schema: sub})
			}
		}
		n.maxProps, n.minProps = intKeyword(v, "maxProperties"), intKeyword(v, "minProperties")
		n.propDeps, n.schemaDeps = map[string][]string{}, map[string]*jsNode{}
		if ds := v.get("dependencies"); ds != nil && ds.kind == jObject {
			for _, m := range ds.obj {
				if m.val.kind == jArray {
					var names []string
					for _, e := range m.val.arr {
						names = append(names, e.s)
					}
					n.propDeps[m.key] = names
					continue
				}
				sub, err := b.build(m.val, base)
				if err != nil {
					return nil, err
				}
				n.schemaDeps[m.key] = sub
			}
		}
	case "array":
		if it := v.get("items"); it != nil {
			if it.kind == jArray {
				for _, e := range it.arr {
					sub, err := b.build(e, base)
					if err != nil {
						return nil, err
					}
					n.itemList = append(n.itemList, sub)
				}
			} else {
				sub, err := b.build(it, base)
				if err != nil {
					return nil, err
				}
				n.allItems = sub
			}
		}
		n.permitsAddItems = true
		if ai := v.get("additionalItems"); ai != nil {
			if ai.kind == jBool {
				n.permitsAddItems = ai.b
			} else {
				sub, err := b.build(ai, base)
				if err != nil {
					return nil, err
				}
				n.addItemsSchema = sub
			}
		}
		n.maxItems, n.minItems = intKeyword(v, "maxItems"), intKeyword(v, "minItems")
		if u := v.get("uniqueItems"); u != nil && u.kind == jBool {
			n.uniqueItems = u.b
		}
	}
	_ = explicit
	return n, nil
}

type refTarget struct {
	v    *jvalue
	base string
}

// resolveRef finds the schema a $ref names: a JSON pointer into this or a
// referenced document.
func (b *jsBuilder) resolveRef(base, ref string) (refTarget, error) {
	abs := resolveURL(base, ref)
	docURL, frag, _ := strings.Cut(abs, "#")
	doc, ok := b.docs[docURL]
	if !ok {
		return refTarget{}, fmt.Errorf("Unresolved $ref '%s'", ref)
	}
	cur := doc
	if frag != "" {
		frag, _ = url.PathUnescape(frag)
		for _, tok := range strings.Split(strings.TrimPrefix(frag, "/"), "/") {
			tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
			switch cur.kind {
			case jObject:
				cur = cur.get(tok)
			case jArray:
				i, err := strconv.Atoi(tok)
				if err != nil || i < 0 || i >= len(cur.arr) {
					cur = nil
				} else {
					cur = cur.arr[i]
				}
			default:
				cur = nil
			}
			if cur == nil {
				return refTarget{}, fmt.Errorf("Unresolved $ref '%s'", ref)
			}
		}
	}
	return refTarget{v: cur, base: docURL}, nil
}

func canonicalJSON(v *jvalue) string {
	var buf bytes.Buffer
	writeJacksonJSON(&buf, v)
	return buf.String()
}
