package avroguard

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/linkedin/goavro/v2"
)

// MaxDepth bounds how many records, arrays, maps and unions a datum may
// nest: far more than Java's Avro reads on a default thread stack, and
// shallow enough for goavro's recursion.
const MaxDepth = 10000

// MaxZeroSizeItems bounds the items of an array whose items take no bytes
// (null, or records of nulls), which the data's length cannot bound.
const MaxZeroSizeItems = 1 << 20

// ErrRefused wraps every refusal of a Guard.
var ErrRefused = errors.New("avro data refused before decoding")

type kind int

const (
	kNull kind = iota
	kBoolean
	kInt
	kFloat
	kDouble
	kBytes
	kRecord
	kEnum
	kArray
	kMap
	kUnion
	kFixed
)

// node is a schema type; records may refer to themselves.
type node struct {
	kind     kind
	children []*node // record fields, union branches, array items, map values
	size     int     // fixed
	zero     bool    // its datum takes no bytes
}

// Guard checks data for one schema; a nil Guard checks nothing.
type Guard struct{ root *node }

var guards sync.Map // *goavro.Codec -> *Guard

// Decode is codec.NativeFromBinary, after the Guard of codec's schema has
// checked buf.
func Decode(codec *goavro.Codec, buf []byte) (any, []byte, error) {
	if err := guardOf(codec).Check(buf); err != nil {
		return nil, nil, err
	}
	return codec.NativeFromBinary(buf)
}

func guardOf(codec *goavro.Codec) *Guard {
	if g, ok := guards.Load(codec); ok {
		return g.(*Guard)
	}
	g, err := For(codec.CanonicalSchema())
	if err != nil {
		// goavro parsed the schema; a form this parser does not follow
		// still gets the walk's bounds on what it does follow
		g = nil
	}
	guards.Store(codec, g)
	return g
}

// For parses an Avro schema (goavro's canonical form, or any schema whose
// names are full names) and answers its Guard, nil when data of the schema
// cannot hold counts or nest without bound (no array, map or recursion).
func For(schema string) (*Guard, error) {
	var v any
	if err := json.Unmarshal([]byte(schema), &v); err != nil {
		return nil, fmt.Errorf("avro schema: %w", err)
	}
	p := parser{named: map[string]*node{}, open: map[*node]bool{}}
	root, err := p.parse(v, "")
	if err != nil {
		return nil, err
	}
	if !p.risky {
		return nil, nil
	}
	markZero(root, map[*node]bool{})
	return &Guard{root: root}, nil
}

type parser struct {
	named map[string]*node
	open  map[*node]bool // records whose fields are being parsed
	risky bool           // an array, a map, or a record inside itself
}

func (p *parser) parse(v any, ns string) (*node, error) {
	switch t := v.(type) {
	case string:
		return p.primitive(t, ns)
	case []any:
		n := &node{kind: kUnion}
		for _, b := range t {
			c, err := p.parse(b, ns)
			if err != nil {
				return nil, err
			}
			n.children = append(n.children, c)
		}
		return n, nil
	case map[string]any:
		typ, _ := t["type"].(string)
		switch typ {
		case "record", "error":
			name := fullName(t, ns)
			n := &node{kind: kRecord}
			p.named[name] = n
			p.open[n] = true
			fields, _ := t["fields"].([]any)
			for _, f := range fields {
				fm, _ := f.(map[string]any)
				c, err := p.parse(fm["type"], namespaceOf(name))
				if err != nil {
					return nil, err
				}
				n.children = append(n.children, c)
			}
			delete(p.open, n)
			return n, nil
		case "enum":
			n := &node{kind: kEnum}
			p.named[fullName(t, ns)] = n
			return n, nil
		case "fixed":
			size, _ := t["size"].(float64)
			n := &node{kind: kFixed, size: int(size)}
			p.named[fullName(t, ns)] = n
			return n, nil
		case "array":
			p.risky = true
			c, err := p.parse(t["items"], ns)
			return &node{kind: kArray, children: []*node{c}}, err
		case "map":
			p.risky = true
			c, err := p.parse(t["values"], ns)
			return &node{kind: kMap, children: []*node{c}}, err
		}
		return p.parse(t["type"], ns)
	}
	return nil, fmt.Errorf("avro schema: unexpected %T", v)
}

func (p *parser) primitive(name, ns string) (*node, error) {
	switch name {
	case "null":
		return &node{kind: kNull}, nil
	case "boolean":
		return &node{kind: kBoolean}, nil
	case "int", "long":
		return &node{kind: kInt}, nil
	case "float":
		return &node{kind: kFloat}, nil
	case "double":
		return &node{kind: kDouble}, nil
	case "bytes", "string":
		return &node{kind: kBytes}, nil
	}
	n := p.named[name]
	if n == nil && ns != "" {
		n = p.named[ns+"."+name]
	}
	if n == nil {
		return nil, fmt.Errorf("avro schema: unknown type %q", name)
	}
	if p.open[n] {
		p.risky = true // a record inside itself
	}
	return n, nil
}

func fullName(t map[string]any, ns string) string {
	name, _ := t["name"].(string)
	if space, ok := t["namespace"].(string); ok && space != "" && !strings.Contains(name, ".") {
		return space + "." + name
	}
	if ns != "" && !strings.Contains(name, ".") {
		return ns + "." + name
	}
	return name
}

func namespaceOf(full string) string {
	if i := strings.LastIndexByte(full, '.'); i >= 0 {
		return full[:i]
	}
	return ""
}

// markZero notes the types whose datum takes no bytes: null, a fixed of
// size 0, a record of such fields. A record met again while its fields are
// looked at takes bytes (it can only end through a union or a collection).
func markZero(n *node, seen map[*node]bool) bool {
	if seen[n] {
		return n.zero
	}
	seen[n] = true
	switch n.kind {
	case kNull:
		n.zero = true
	case kFixed:
		n.zero = n.size == 0
	case kRecord:
		n.zero = true
		for _, c := range n.children {
			if !markZero(c, seen) {
				n.zero = false
			}
		}
	default:
		for _, c := range n.children {
			markZero(c, seen)
		}
	}
	return n.zero
}

// mapKey is a map entry's key, a string.
var mapKey = &node{kind: kBytes}

// frame is a walk's place in one container: the node, and what is left of
// it (fields of a record, items of an array or map block).
type frame struct {
	n    *node
	next int   // next field of a record
	left int64 // items left in the current block of an array or map
}

// Check walks buf as a datum of the Guard's schema, without recursion, and
// refuses it when a count, a length or the nesting is beyond its bounds.
// A nil Guard accepts anything. Data it accepts may still be refused by
// goavro (a bad union index, a short buffer it did not reach).
func (g *Guard) Check(buf []byte) error {
	if g == nil {
		return nil
	}
	refuse := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrRefused, fmt.Sprintf(format, args...))
	}
	pos := 0
	readLong := func() (int64, bool) {
		v, n := binary.Varint(buf[pos:])
		if n <= 0 {
			return 0, false
		}
		pos += n
		return v, true
	}
	// blockStart reads an array's or map's block count (and the byte size
	// after a negative one) and checks it against the bytes left.
	blockStart := func(items *node, isMap bool) (int64, error) {
		count, ok := readLong()
		if !ok {
			return 0, refuse("block count past the end of the data")
		}
		if count < 0 {
			if count == -1<<63 {
				return 0, refuse("block count %d", count)
			}
			count = -count
			if _, ok := readLong(); !ok {
				return 0, refuse("block size past the end of the data")
			}
		}
		left := int64(len(buf) - pos)
		switch {
		case !isMap && items.zero && count > MaxZeroSizeItems:
			return 0, refuse("block of %d items that take no bytes, more than %d", count, MaxZeroSizeItems)
		case (isMap || !items.zero) && count > left:
			return 0, refuse("block count %d with %d bytes left", count, left)
		}
		return count, nil
	}
	var stack []frame
	// enter starts a datum of n: a scalar is read at once, a container
	// pushed.
	enter := func(n *node) error {
		for {
			switch n.kind {
			case kNull:
				return nil
			case kBoolean:
				if pos+1 > len(buf) {
					return refuse("boolean past the end of the data")
				}
				pos++
				return nil
			case kInt, kEnum:
				if _, ok := readLong(); !ok {
					return refuse("number past the end of the data")
				}
				return nil
			case kFloat, kDouble, kFixed:
				size := n.size
				switch n.kind {
				case kFloat:
					size = 4
				case kDouble:
					size = 8
				}
				if pos+size > len(buf) {
					return refuse("%d bytes past the end of the data", size)
				}
				pos += size
				return nil
			case kBytes:
				l, ok := readLong()
				if !ok || l < 0 || l > int64(len(buf)-pos) {
					return refuse("length %d with %d bytes left", l, len(buf)-pos)
				}
				pos += int(l)
				return nil
			case kUnion:
				i, ok := readLong()
				if !ok || i < 0 || i >= int64(len(n.children)) {
					return refuse("union index %d of %d branches", i, len(n.children))
				}
				n = n.children[i] // a union adds no level of its own
				continue
			}
			if len(stack) >= MaxDepth {
				return refuse("data nested deeper than %d levels", MaxDepth)
			}
			f := frame{n: n}
			if n.kind == kArray || n.kind == kMap {
				count, err := blockStart(n.children[0], n.kind == kMap)
				if err != nil || count == 0 {
					return err // an empty array or map ends with its first count
				}
				f.left = count
			}
			stack = append(stack, f)
			return nil
		}
	}
	if err := enter(g.root); err != nil {
		return err
	}
	for len(stack) > 0 {
		f := &stack[len(stack)-1]
		switch f.n.kind {
		case kRecord:
			if f.next == len(f.n.children) {
				stack = stack[:len(stack)-1]
				continue
			}
			c := f.n.children[f.next]
			f.next++
			if err := enter(c); err != nil {
				return err
			}
		case kArray, kMap:
			if f.left == 0 {
				count, err := blockStart(f.n.children[0], f.n.kind == kMap)
				if err != nil {
					return err
				}
				if count == 0 {
					stack = stack[:len(stack)-1]
					continue
				}
				f.left = count
			}
			f.left--
			item := f.n.children[0]
			if f.n.kind == kMap {
				if err := enter(mapKey); err != nil {
					return err
				}
			}
			if err := enter(item); err != nil {
				return err
			}
		}
	}
	return nil
}
