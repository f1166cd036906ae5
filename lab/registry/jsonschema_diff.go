package registry

import (
	"math/big"
	"sort"
	"strings"
)

// JSON Schema compatibility, after CP 7.9's json/diff package
// (SchemaDiff, ObjectSchemaDiff, ArraySchemaDiff, CombinedSchemaDiff,
// StringSchemaDiff, NumberSchemaDiff, EnumSchemaDiff, Difference at tag
// v7.9.9): the differences between the original (writer) and the update
// (reader) are listed; the update can read the original's data when every
// difference is one of jsonCompatibleChanges.

var jsonCompatibleChanges = setOf(
	"ID_CHANGED", "DESCRIPTION_CHANGED", "TITLE_CHANGED", "DEFAULT_CHANGED", "SCHEMA_REMOVED", "TYPE_EXTENDED",
	"MAX_LENGTH_INCREASED", "MAX_LENGTH_REMOVED", "MIN_LENGTH_DECREASED", "MIN_LENGTH_REMOVED", "PATTERN_REMOVED",
	"MAXIMUM_INCREASED", "MAXIMUM_REMOVED", "MINIMUM_DECREASED", "MINIMUM_REMOVED",
	"EXCLUSIVE_MAXIMUM_INCREASED", "EXCLUSIVE_MAXIMUM_REMOVED", "EXCLUSIVE_MINIMUM_DECREASED", "EXCLUSIVE_MINIMUM_REMOVED",
	"MULTIPLE_OF_REDUCED", "MULTIPLE_OF_REMOVED",
	"REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED", "REQUIRED_ATTRIBUTE_REMOVED", "DEPENDENCY_ARRAY_NARROWED",
	"DEPENDENCY_ARRAY_REMOVED", "DEPENDENCY_SCHEMA_REMOVED", "MAX_PROPERTIES_INCREASED", "MAX_PROPERTIES_REMOVED",
	"MIN_PROPERTIES_DECREASED", "MIN_PROPERTIES_REMOVED", "ADDITIONAL_PROPERTIES_ADDED", "ADDITIONAL_PROPERTIES_EXTENDED",
	"PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL", "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL",
	"OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL", "PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL",
	"PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL", "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
	"PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
	"MAX_ITEMS_INCREASED", "MAX_ITEMS_REMOVED", "MIN_ITEMS_DECREASED", "MIN_ITEMS_REMOVED", "UNIQUE_ITEMS_REMOVED",
	"ADDITIONAL_ITEMS_ADDED", "ADDITIONAL_ITEMS_EXTENDED", "ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL",
	"ITEM_ADDED_TO_CLOSED_CONTENT_MODEL", "ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL",
	"ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL", "ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
	"ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
	"ENUM_ARRAY_EXTENDED", "COMBINED_TYPE_EXTENDED", "PRODUCT_TYPE_NARROWED", "SUM_TYPE_EXTENDED", "NOT_TYPE_NARROWED",
)

func setOf(xs ...string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}

type jsDiff struct{ typ, path string }

// jsDescription is Difference.error(): the message with %s for the reader
// and writer labels.
func (d jsDiff) description() string {
	p := d.path
	switch d.typ {
	case "MAXIMUM_ADDED", "MINIMUM_ADDED", "EXCLUSIVE_MAXIMUM_ADDED", "EXCLUSIVE_MINIMUM_ADDED", "MULTIPLE_OF_ADDED",
		"MAX_LENGTH_ADDED", "MIN_LENGTH_ADDED", "PATTERN_ADDED", "REQUIRED_ATTRIBUTE_ADDED", "MAX_PROPERTIES_ADDED",
		"MIN_PROPERTIES_ADDED", "DEPENDENCY_ARRAY_ADDED", "DEPENDENCY_SCHEMA_ADDED", "MAX_ITEMS_ADDED", "MIN_ITEMS_ADDED",
		"UNIQUE_ITEMS_ADDED", "ADDITIONAL_ITEMS_REMOVED", "ADDITIONAL_PROPERTIES_REMOVED":
		return "The keyword at path '" + p + "' in the %s schema is not present in the %s schema"
	case "MIN_LENGTH_INCREASED", "MINIMUM_INCREASED", "EXCLUSIVE_MINIMUM_INCREASED", "MIN_PROPERTIES_INCREASED",
		"MULTIPLE_OF_EXPANDED", "MIN_ITEMS_INCREASED":
		return "The value at path '" + p + "' in the %s schema is more than its value in the %s schema"
	case "MAX_LENGTH_DECREASED", "MAXIMUM_DECREASED", "MAX_ITEMS_DECREASED", "EXCLUSIVE_MAXIMUM_DECREASED", "MAX_PROPERTIES_DECREASED":
		return "The value at path '" + p + "' in the %s schema is less than its value in the %s schema"
	case "PATTERN_CHANGED", "MULTIPLE_OF_CHANGED", "DEPENDENCY_ARRAY_CHANGED":
		return "The value at path '" + p + "' is different between the %s and %s schema"
	case "ADDITIONAL_ITEMS_NARROWED", "ENUM_ARRAY_NARROWED", "SUM_TYPE_NARROWED", "ADDITIONAL_PROPERTIES_NARROWED":
		return "An array or combined type at path '" + p + "' has fewer elements in the %s schema than the %s schema"
	case "DEPENDENCY_ARRAY_EXTENDED", "PRODUCT_TYPE_EXTENDED", "SUM_TYPE_EXTENDED", "NOT_TYPE_EXTENDED":
		return "An array or combined type at path '" + p + "' has more elements in the %s schema than the %s schema"
	case "TYPE_CHANGED", "TYPE_NARROWED", "COMBINED_TYPE_CHANGED", "COMBINED_TYPE_SUBSCHEMAS_CHANGED", "ENUM_ARRAY_CHANGED":
		return "A type at path '" + p + "' is different between the %s schema and the %s schema"
	case "PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", "ITEM_ADDED_TO_OPEN_CONTENT_MODEL":
		return "The %s schema has an open content model and has a property or item at path '" + p + "' which is missing in the %s schema"
	case "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL":
		return "The %s schema has an unopen content model and has a required property at path '" + p + "' which is missing in the %s schema"
	case "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", "ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL":
		return "The %s has a closed content model and is missing a property or item present at path '" + p + "' in the %s schema"
	case "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", "ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL":
		return "A property or item is missing in the %s schema but present at path '" + p + "' in the %s schema and is not covered by its partially open content model"
	case "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", "ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL":
		return "The %s schema has a property or item at path '" + p + "' which is missing in the %s schema and is not covered by its partially open content model"
	}
	return ""
}

// jsonBackward lists, as Difference.toString renders them, the
// incompatible differences of reading data written with writer using reader.
func jsonBackward(reader, writer *jsonSchema) ([]string, error) {
	budget := maxCompatSteps
	ctx := &jsCtx{seen: map[*jsNode]bool{}, budget: &budget}
	ctx.compare(writer.root, reader.root)
	if budget < 0 {
		return nil, errCompatTooComplex
	}
	var out []string
	for _, d := range ctx.diffs {
		if !jsonCompatibleChanges[d.typ] {
			out = append(out, `{errorType:"`+d.typ+`", description:"`+d.description()+`'}`)
		}
	}
	return out, nil
}

// jsCtx is the diff Context. budget, shared by every subcontext, bounds
// the comparisons one check makes (combined types compare every pair of
// subschemas); a check that runs out is refused as too complex.
type jsCtx struct {
	seen   map[*jsNode]bool
	path   []string
	diffs  []jsDiff
	budget *int
}

func (c *jsCtx) sub() *jsCtx {
	s := &jsCtx{seen: map[*jsNode]bool{}, path: append([]string(nil), c.path...), budget: c.budget}
	for k := range c.seen {
		s.seen[k] = true
	}
	return s
}

func (c *jsCtx) compatible() bool {
	for _, d := range c.diffs {
		if !jsonCompatibleChanges[d.typ] {
			return false
		}
	}
	return true
}

func (c *jsCtx) add(typ string) {
	c.diffs = append(c.diffs, jsDiff{typ: typ, path: "#/" + strings.Join(c.path, "/")})
}

func (c *jsCtx) addAt(attr, typ string) {
	c.path = append(c.path, attr)
	c.add(typ)
	c.path = c.path[:len(c.path)-1]
}

func (c *jsCtx) push(p string) { c.path = append(c.path, p) }
func (c *jsCtx) pop()          { c.path = c.path[:len(c.path)-1] }

func deref(n *jsNode) *jsNode {
	for i := 0; n != nil && n.class == "ref" && i < 64; i++ {
		n = n.referred
	}
	return n
}

func isEmptyClass(n *jsNode) bool { return n.class == "empty" || n.class == "true" }

func sameClass(a, b *jsNode) bool { return a.class == b.class }

func strPtrEq(a, b *string) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func (c *jsCtx) compare(original, update *jsNode) {
	if *c.budget--; *c.budget < 0 {
		return
	}
	switch {
	case original == nil && update == nil:
		return
	case original == nil:
		c.add("SCHEMA_ADDED")
		return
	case update == nil:
		c.add("SCHEMA_REMOVED")
		return
	}
	original, update = deref(original), deref(update)
	if original.class != "combined" && update.class == "combined" {
		if len(update.subs) == 1 {
			s := c.sub()
			s.compare(original, update.subs[0])
			if s.compatible() {
				c.diffs = append(c.diffs, s.diffs...)
				return
			}
		} else if update.criterion == "anyOf" || update.criterion == "oneOf" {
			for _, sub := range update.subs {
				s := c.sub()
				s.compare(original, sub)
				if s.compatible() {
					c.diffs = append(c.diffs, s.diffs...)
					c.add("SUM_TYPE_EXTENDED")
					return
				}
			}
		}
	} else if original.class == "combined" && update.class != "combined" {
		if len(original.subs) == 1 {
			s := c.sub()
			s.compare(original.subs[0], update)
			if s.compatible() {
				c.diffs = append(c.diffs, s.diffs...)
				return
			}
		} else if original.criterion == "allOf" {
			for _, sub := range original.subs {
				s := c.sub()
				s.compare(sub, update)
				if s.compatible() {
					c.diffs = append(c.diffs, s.diffs...)
					c.add("PRODUCT_TYPE_NARROWED")
					return
				}
			}
		}
	}
	if !sameClass(original, update) {
		if original.class == "false" || isEmptyClass(update) {
			return
		}
		if original.connectType == "bytes" && update.connectType == "bytes" {
			return
		}
		c.add("TYPE_CHANGED")
		return
	}
	if c.seen[original] {
		return
	}
	c.seen[original] = true
	defer delete(c.seen, original)
	if !strPtrEq(original.id, update.id) {
		c.add("ID_CHANGED")
	}
	if !strPtrEq(original.title, update.title) {
		c.add("TITLE_CHANGED")
	}
	if !strPtrEq(original.description, update.description) {
		c.add("DESCRIPTION_CHANGED")
	}
	if (original.def == nil) != (update.def == nil) || (original.def != nil && canonicalJSON(original.def) != canonicalJSON(update.def)) {
		c.add("DEFAULT_CHANGED")
	}
	switch original.class {
	case "string":
		c.compareString(original, update)
	case "number":
		c.compareNumber(original, update)
	case "const", "enum":
		c.compareEnum(original, update)
	case "combined":
		c.compareCombined(original, update)
	case "not":
		// NotSchemaDiff: the negated schemas are compared the other way round.
		c.push("not")
		s := c.sub()
		s.compare(update.not, original.not)
		if s.compatible() {
			c.add("NOT_TYPE_NARROWED")
		} else {
			c.add("NOT_TYPE_EXTENDED")
		}
		c.pop()
	case "object":
		c.compareObject(original, update)
	case "array":
		c.compareArray(original, update)
	}
}

// limit compares an optional bound; smaller and larger name the
// difference when the update's bound is below or above the original's.
func (c *jsCtx) limit(attr string, o, u *big.Rat, added, removed, increased, decreased string) {
	switch {
	case o == nil && u == nil:
	case o == nil:
		c.addAt(attr, added)
	case u == nil:
		c.addAt(attr, removed)
	case o.Cmp(u) < 0:
		c.addAt(attr, increased)
	case o.Cmp(u) > 0:
		c.addAt(attr, decreased)
	}
}

func ratOf(p *int64) *big.Rat {
	if p == nil {
		return nil
	}
	return new(big.Rat).SetInt64(*p)
}

func (c *jsCtx) compareString(o, u *jsNode) {
	c.limit("maxLength", ratOf(o.maxLength), ratOf(u.maxLength), "MAX_LENGTH_ADDED", "MAX_LENGTH_REMOVED", "MAX_LENGTH_INCREASED", "MAX_LENGTH_DECREASED")
	c.limit("minLength", ratOf(o.minLength), ratOf(u.minLength), "MIN_LENGTH_ADDED", "MIN_LENGTH_REMOVED", "MIN_LENGTH_INCREASED", "MIN_LENGTH_DECREASED")
	switch {
	case o.pattern == nil && u.pattern != nil:
		c.addAt("pattern", "PATTERN_ADDED")
	case o.pattern != nil && u.pattern == nil:
		c.addAt("pattern", "PATTERN_REMOVED")
	case o.pattern != nil && *o.pattern != *u.pattern:
		c.addAt("pattern", "PATTERN_CHANGED")
	}
}

func (c *jsCtx) compareNumber(o, u *jsNode) {
	c.limit("maximum", o.maximum, u.maximum, "MAXIMUM_ADDED", "MAXIMUM_REMOVED", "MAXIMUM_INCREASED", "MAXIMUM_DECREASED")
	c.limit("minimum", o.minimum, u.minimum, "MINIMUM_ADDED", "MINIMUM_REMOVED", "MINIMUM_INCREASED", "MINIMUM_DECREASED")
	c.limit("exclusiveMaximum", o.exclusiveMaximum, u.exclusiveMaximum, "EXCLUSIVE_MAXIMUM_ADDED", "EXCLUSIVE_MAXIMUM_REMOVED", "EXCLUSIVE_MAXIMUM_INCREASED", "EXCLUSIVE_MAXIMUM_DECREASED")
	c.limit("exclusiveMinimum", o.exclusiveMinimum, u.exclusiveMinimum, "EXCLUSIVE_MINIMUM_ADDED", "EXCLUSIVE_MINIMUM_REMOVED", "EXCLUSIVE_MINIMUM_INCREASED", "EXCLUSIVE_MINIMUM_DECREASED")
	om, um := o.multipleOf, u.multipleOf
	switch {
	case om == nil && um == nil:
	case om == nil:
		c.addAt("multipleOf", "MULTIPLE_OF_ADDED")
	case um == nil:
		c.addAt("multipleOf", "MULTIPLE_OF_REMOVED")
	case om.Cmp(um) != 0:
		// NumberSchemaDiff compares the int values of the two.
		oi, ui := ratInt(om), ratInt(um)
		switch {
		case oi != 0 && ui%oi == 0:
			c.addAt("multipleOf", "MULTIPLE_OF_EXPANDED")
		case ui != 0 && oi%ui == 0:
			c.addAt("multipleOf", "MULTIPLE_OF_REDUCED")
		default:
			c.addAt("multipleOf", "MULTIPLE_OF_CHANGED")
		}
	}
	if o.requiresInteger != u.requiresInteger {
		if o.requiresInteger {
			c.add("TYPE_EXTENDED")
		} else {
			c.add("TYPE_NARROWED")
		}
	}
}

func ratInt(r *big.Rat) int64 {
	f, _ := r.Float64()
	return int64(f)
}

func containsAll(have, want []string) bool {
	set := setOf(have...)
	for _, w := range want {
		if !set[w] {
			return false
		}
	}
	return true
}

func (c *jsCtx) compareEnum(o, u *jsNode) {
	if containsAll(o.values, u.values) && containsAll(u.values, o.values) {
		return
	}
	attr := "enum"
	if o.class == "const" {
		if o.values[0] != u.values[0] {
			c.addAt("const", "ENUM_ARRAY_CHANGED")
		}
		return
	}
	switch {
	case containsAll(u.values, o.values):
		c.addAt(attr, "ENUM_ARRAY_EXTENDED")
	case containsAll(o.values, u.values):
		c.addAt(attr, "ENUM_ARRAY_NARROWED")
	default:
		c.addAt(attr, "ENUM_ARRAY_CHANGED")
	}
}

func uniqueSubs(subs []*jsNode) []*jsNode {
	seen := map[string]bool{}
	var out []*jsNode
	for _, s := range subs {
		k := s.key()
		if !seen[k] {
			seen[k] = true
			out = append(out, s)
		}
	}
	return out
}

// key is the subschema's identity for de-duplication (JsonSchema equality:
// its canonical text), computed once.
func (n *jsNode) key() string {
	if n.canon == "" {
		if n.src == nil {
			n.canon = n.class
		} else {
			n.canon = n.class + "\x00" + canonicalJSON(n.src)
		}
	}
	return n.canon
}

func (c *jsCtx) compareCombined(o, u *jsNode) {
	changed := false
	if o.criterion != u.criterion {
		single := func(n *jsNode) bool { return len(n.subs) == 1 }
		if u.criterion == "anyOf" || (single(o) && single(u)) || (single(o) && u.criterion == "oneOf") || (single(u) && o.criterion == "allOf") {
			c.add("COMBINED_TYPE_EXTENDED")
		} else {
			c.add("COMBINED_TYPE_CHANGED")
			changed = true
		}
	}
	if changed {
		return
	}
	os, us := uniqueSubs(o.subs), uniqueSubs(u.subs)
	switch {
	case len(os) < len(us):
		if u.criterion == "allOf" {
			c.add("PRODUCT_TYPE_EXTENDED")
		} else {
			c.add("SUM_TYPE_EXTENDED")
		}
	case len(os) > len(us):
		if o.criterion == "anyOf" || o.criterion == "oneOf" {
			c.add("SUM_TYPE_NARROWED")
		} else {
			c.add("PRODUCT_TYPE_NARROWED")
		}
	}
	// Compatible pairs, then a maximum matching of originals to updates.
	edges := make([][]int, len(os))
	diffs := map[[2]int][]jsDiff{}
	for i, osub := range os {
		c.push(o.criterion + "/" + itoa(i))
		for j, usub := range us {
			s := c.sub()
			s.compare(osub, usub)
			if s.compatible() {
				edges[i] = append(edges[i], j)
				diffs[[2]int{i, j}] = s.diffs
			}
		}
		c.pop()
	}
	match := bipartiteMatch(edges, len(us))
	size := 0
	for j, i := range match {
		if i >= 0 {
			size++
			c.diffs = append(c.diffs, diffs[[2]int{i, j}]...)
		}
	}
	if size < min(len(os), len(us)) {
		c.add("COMBINED_TYPE_SUBSCHEMAS_CHANGED")
	}
}

// bipartiteMatch returns, for each right vertex, its matched left vertex or
// -1, for a maximum-cardinality matching (augmenting paths).
func bipartiteMatch(edges [][]int, right int) []int {
	match := make([]int, right)
	for i := range match {
		match[i] = -1
	}
	var try func(i int, seen []bool) bool
	try = func(i int, seen []bool) bool {
		for _, j := range edges[i] {
			if seen[j] {
				continue
			}
			seen[j] = true
			if match[j] < 0 || try(match[j], seen) {
				match[j] = i
				return true
			}
		}
		return false
	}
	for i := range edges {
		try(i, make([]bool, right))
	}
	return match
}

func itoa(i int) string { return big.NewInt(int64(i)).String() }

func isOpenObject(n *jsNode) bool {
	return len(n.patternProps) == 0 && n.addSchema == nil && n.permitsAdd
}

func partialSchema(n *jsNode, key string) *jsNode {
	for _, pp := range n.patternProps {
		if pp.re.MatchString(key) {
			return pp.schema
		}
	}
	return n.addSchema
}

func unionKeys(a, b []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, k := range append(append([]string(nil), a...), b...) {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

func mapKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (c *jsCtx) compareObject(o, u *jsNode) {
	// required
	c.push("required")
	for _, k := range o.propOrder {
		if _, ok := u.props[k]; !ok {
			continue
		}
		c.push(k)
		switch {
		case o.required[k] && !u.required[k]:
			c.add("REQUIRED_ATTRIBUTE_REMOVED")
		case !o.required[k] && u.required[k]:
			if u.props[k].def != nil {
				c.add("REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED")
			} else {
				c.add("REQUIRED_ATTRIBUTE_ADDED")
			}
		}
		c.pop()
	}
	c.pop()
	// properties
	c.push("properties")
	for _, k := range unionKeys(o.propOrder, u.propOrder) {
		c.push(k)
		os, us := o.props[k], u.props[k]
		switch {
		case us == nil:
			if isOpenObject(u) {
				c.add("PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL")
			} else if partial := partialSchema(u, k); partial != nil {
				s := c.sub()
				s.compare(os, partial)
				c.diffs = append(c.diffs, s.diffs...)
				if s.compatible() {
					c.add("PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL")
				} else {
					c.add("PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL")
				}
			} else if deref(os).class == "false" {
				c.add("PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL")
			} else {
				c.add("PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL")
			}
		case os == nil:
			if isOpenObject(o) {
				if isEmptyClass(deref(us)) {
					c.add("PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL")
				} else {
					c.add("PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL")
				}
			} else {
				if partial := partialSchema(o, k); partial != nil {
					s := c.sub()
					s.compare(partial, us)
					c.diffs = append(c.diffs, s.diffs...)
					if s.compatible() {
						c.add("PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL")
					} else {
						c.add("PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL")
					}
				}
				if u.required[k] {
					if us.def != nil {
						c.add("REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL")
					} else {
						c.add("REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL")
					}
				} else {
					c.add("OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL")
				}
			}
		default:
			c.compare(os, us)
		}
		c.pop()
	}
	c.pop()
	// dependencies
	c.push("dependencies")
	for _, k := range unionKeys(mapKeys(o.propDeps), mapKeys(u.propDeps)) {
		c.push(k)
		od, oOK := o.propDeps[k]
		ud, uOK := u.propDeps[k]
		switch {
		case !uOK:
			c.add("DEPENDENCY_ARRAY_REMOVED")
		case !oOK:
			c.add("DEPENDENCY_ARRAY_ADDED")
		case containsAll(od, ud) && containsAll(ud, od):
		case containsAll(ud, od):
			c.add("DEPENDENCY_ARRAY_EXTENDED")
		case containsAll(od, ud):
			c.add("DEPENDENCY_ARRAY_NARROWED")
		default:
			c.add("DEPENDENCY_ARRAY_CHANGED")
		}
		c.pop()
	}
	for _, k := range unionKeys(mapKeys(o.schemaDeps), mapKeys(u.schemaDeps)) {
		c.push(k)
		os, us := o.schemaDeps[k], u.schemaDeps[k]
		switch {
		case us == nil:
			c.add("DEPENDENCY_SCHEMA_REMOVED")
		case os == nil:
			c.add("DEPENDENCY_SCHEMA_ADDED")
		default:
			c.compare(os, us)
		}
		c.pop()
	}
	c.pop()
	// additionalProperties
	c.push("additionalProperties")
	switch {
	case o.permitsAdd != u.permitsAdd:
		if u.permitsAdd {
			c.add("ADDITIONAL_PROPERTIES_ADDED")
		} else {
			c.add("ADDITIONAL_PROPERTIES_REMOVED")
		}
	case o.addSchema == nil && u.addSchema != nil:
		c.add("ADDITIONAL_PROPERTIES_NARROWED")
	case u.addSchema == nil && o.addSchema != nil:
		c.add("ADDITIONAL_PROPERTIES_EXTENDED")
	default:
		c.compare(o.addSchema, u.addSchema)
	}
	c.pop()
	c.limit("maxProperties", ratOf(o.maxProps), ratOf(u.maxProps), "MAX_PROPERTIES_ADDED", "MAX_PROPERTIES_REMOVED", "MAX_PROPERTIES_INCREASED", "MAX_PROPERTIES_DECREASED")
	c.limit("minProperties", ratOf(o.minProps), ratOf(u.minProps), "MIN_PROPERTIES_ADDED", "MIN_PROPERTIES_REMOVED", "MIN_PROPERTIES_INCREASED", "MIN_PROPERTIES_DECREASED")
}

func isOpenArray(n *jsNode) bool { return n.addItemsSchema == nil && n.permitsAddItems }

func (c *jsCtx) compareArray(o, u *jsNode) {
	c.push("items")
	c.compare(o.allItems, u.allItems)
	c.pop()
	n := min(len(o.itemList), len(u.itemList))
	for i := 0; i < n; i++ {
		c.push("items/" + itoa(i))
		c.compare(o.itemList[i], u.itemList[i])
		c.pop()
	}
	for i := n; i < len(o.itemList); i++ {
		c.push("items/" + itoa(i))
		switch {
		case isOpenArray(u):
			c.add("ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL")
		case u.addItemsSchema != nil:
			s := c.sub()
			s.compare(o.itemList[i], u.addItemsSchema)
			c.diffs = append(c.diffs, s.diffs...)
			if s.compatible() {
				c.add("ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL")
			} else {
				c.add("ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL")
			}
		case deref(o.itemList[i]).class == "false":
			c.add("ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL")
		default:
			c.add("ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL")
		}
		c.pop()
	}
	for i := n; i < len(u.itemList); i++ {
		c.push("items/" + itoa(i))
		switch {
		case isOpenArray(o):
			if isEmptyClass(deref(u.itemList[i])) {
				c.add("ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL")
			} else {
				c.add("ITEM_ADDED_TO_OPEN_CONTENT_MODEL")
			}
		case o.addItemsSchema != nil:
			s := c.sub()
			s.compare(o.addItemsSchema, u.itemList[i])
			c.diffs = append(c.diffs, s.diffs...)
			if s.compatible() {
				c.add("ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL")
			} else {
				c.add("ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL")
			}
		default:
			c.add("ITEM_ADDED_TO_CLOSED_CONTENT_MODEL")
		}
		c.pop()
	}
	c.push("additionalItems")
	switch {
	case o.permitsAddItems != u.permitsAddItems:
		if o.permitsAddItems {
			c.add("ADDITIONAL_ITEMS_REMOVED")
		} else {
			c.add("ADDITIONAL_ITEMS_ADDED")
		}
	case o.addItemsSchema == nil && u.addItemsSchema != nil:
		c.add("ADDITIONAL_ITEMS_NARROWED")
	case u.addItemsSchema == nil && o.addItemsSchema != nil:
		c.add("ADDITIONAL_ITEMS_EXTENDED")
	default:
		c.compare(o.addItemsSchema, u.addItemsSchema)
	}
	c.pop()
	c.limit("maxItems", ratOf(o.maxItems), ratOf(u.maxItems), "MAX_ITEMS_ADDED", "MAX_ITEMS_REMOVED", "MAX_ITEMS_INCREASED", "MAX_ITEMS_DECREASED")
	c.limit("minItems", ratOf(o.minItems), ratOf(u.minItems), "MIN_ITEMS_ADDED", "MIN_ITEMS_REMOVED", "MIN_ITEMS_INCREASED", "MIN_ITEMS_DECREASED")
	if o.uniqueItems != u.uniqueItems {
		if o.uniqueItems {
			c.addAt("uniqueItems", "UNIQUE_ITEMS_REMOVED")
		} else {
			c.addAt("uniqueItems", "UNIQUE_ITEMS_ADDED")
		}
	}
}
