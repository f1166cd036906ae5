package transforms

import (
	"fmt"
	"strings"

	"github.com/ctalab/ctalab/lab/connect/data"
)

// fieldPath is SingleFieldPath (KIP-821): under field.syntax.version=V1 a
// single field name; under V2 dotted steps into nested structs or maps,
// with backticks around names that hold dots ("`foo.bar`.baz") and a
// backslash escaping a backtick followed by a dot.
type fieldPath []string

func parseFieldPath(p string, v2 bool) (fieldPath, error) {
	if !v2 {
		return fieldPath{p}, nil
	}
	var steps []string
	incomplete := func(at int) error {
		return configErr(fmt.Sprintf("Incomplete backtick pair in path: [%s], consider adding a backslash before backtick at position %d to escape it", p, at))
	}
	i := 0
	for i < len(p) {
		if p[i] != '`' {
			j := strings.IndexByte(p[i:], '.')
			if j < 0 {
				steps = append(steps, p[i:])
				break
			}
			steps = append(steps, p[i:i+j])
			i += j + 1
			continue
		}
		open := i
		i++
		start := i
		var name strings.Builder
		for {
			j := strings.IndexByte(p[i:], '`')
			if j < 0 {
				return nil, incomplete(open)
			}
			i += j
			escaped := p[i-1] == '\\'
			if i >= len(p)-1 { // closing backtick at the end of the path
				if escaped {
					return nil, incomplete(open)
				}
				name.WriteString(p[start:i])
				steps = append(steps, name.String())
				i++
				break
			}
			if p[i+1] != '.' { // a backtick inside the name
				i++
				continue
			}
			if escaped { // an escaped backtick before a dot
				name.WriteString(p[start : i-1])
				name.WriteByte('`')
				i++
				start = i
				continue
			}
			name.WriteString(p[start:i])
			steps = append(steps, name.String())
			i += 2
			break
		}
	}
	if p != "" && p[len(p)-1] == '.' {
		steps = append(steps, "")
	}
	if len(steps) == 0 {
		steps = []string{""}
	}
	return steps, nil
}

// fieldFrom finds the field the path names in a schema, or nil.
func (fp fieldPath) fieldFrom(s *data.Schema) *data.Field {
	cur := s
	for k, step := range fp {
		if cur == nil || cur.Type != data.StructType {
			return nil
		}
		i := cur.FieldIndex(step)
		if i < 0 {
			return nil
		}
		if k == len(fp)-1 {
			return &cur.Fields[i]
		}
		cur = &cur.Fields[i].Schema
	}
	return nil
}

// structValue reads the path from a Struct; a missing step gives nil.
func (fp fieldPath) structValue(st *data.Struct) (any, error) {
	cur := st
	for k, step := range fp {
		if cur == nil {
			return nil, nil
		}
		v, ok := cur.Get(step)
		if !ok {
			return nil, nil
		}
		if k == len(fp)-1 {
			return v, nil
		}
		if v == nil {
			return nil, nil
		}
		next, ok := v.(*data.Struct)
		if !ok {
			return nil, dataErr("Only Struct objects supported for [nested field access], found: %s", javaClassName(v))
		}
		cur = next
	}
	return nil, nil
}

// mapValue reads the path from a schemaless Map.
func (fp fieldPath) mapValue(m *data.Map) (any, error) {
	cur := m
	for k, step := range fp {
		v, _ := cur.Get(step)
		if k == len(fp)-1 {
			return v, nil
		}
		if v == nil {
			return nil, nil
		}
		next, ok := v.(*data.Map)
		if !ok {
			return nil, dataErr("Only Map objects supported in absence of schema for [nested field access], found: %s", javaClassName(v))
		}
		cur = next
	}
	return nil, nil
}
