package protoschema

import (
	"errors"
	"strings"
)

// An option set to a message literal ({ ... }) is kept by Wire as a map of
// its fields in written order, a field written more than once becoming a
// list, and written back by OptionElement.toSchema one entry per line:
// "name: value", entries but the last ending in a comma, nested maps and
// lists opening on the entry's line and indented by two spaces
// (square/wire OptionElement.kt and OptionReader.kt, as CP 7.9 uses them).

// optionMap is a message literal's fields in written order.
type optionMap struct {
	keys []string
	vals []any // a scalar token (string), *optionMap or []any
}

func (m *optionMap) add(key string, v any) {
	for i, k := range m.keys {
		if k != key {
			continue
		}
		if list, ok := m.vals[i].([]any); ok {
			m.vals[i] = append(list, v)
		} else {
			m.vals[i] = []any{m.vals[i], v}
		}
		return
	}
	m.keys = append(m.keys, key)
	m.vals = append(m.vals, v)
}

// aggregateTokens splits an uninterpreted option's aggregate value (its
// tokens as the compiler keeps them) into tokens.
func aggregateTokens(s string) ([]string, error) {
	var toks []string
	for i := 0; i < len(s); {
		switch c := s[i]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '"' || c == '\'':
			j := i + 1
			for ; j < len(s) && s[j] != c; j++ {
				if s[j] == '\\' {
					j++
				}
			}
			if j >= len(s) {
				return nil, errors.New("unterminated string in option value")
			}
			toks = append(toks, s[i:j+1])
			i = j + 1
		case strings.IndexByte(":[]{}<>,;", c) >= 0:
			toks = append(toks, string(c))
			i++
		default:
			j := i
			for j < len(s) && strings.IndexByte(" \t\n\r:[]{}<>,;\"'", s[j]) < 0 {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		}
	}
	return toks, nil
}

type optionParser struct {
	toks []string
	pos  int
}

func (p *optionParser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

func (p *optionParser) next() string {
	t := p.peek()
	p.pos++
	return t
}

// fields reads entries up to the closing token (none at the top level).
func (p *optionParser) fields(closing string) (*optionMap, error) {
	m := &optionMap{}
	for {
		switch t := p.peek(); {
		case t == closing:
			p.pos++
			return m, nil
		case t == "":
			return nil, errors.New("unexpected end of option value")
		}
		key := p.next()
		if key == "[" { // an extension or Any type URL: [a.b.c]
			var name strings.Builder
			for t := p.next(); t != "]"; t = p.next() {
				if t == "" {
					return nil, errors.New("unterminated extension name in option value")
				}
				name.WriteString(t)
			}
			key = "[" + name.String() + "]"
		}
		if p.peek() == ":" {
			p.pos++
		}
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		m.add(key, v)
		if t := p.peek(); t == "," || t == ";" {
			p.pos++
		}
	}
}

func (p *optionParser) value() (any, error) {
	switch t := p.next(); t {
	case "{":
		return p.fields("}")
	case "<":
		return p.fields(">")
	case "[":
		list := []any{}
		for p.peek() != "]" {
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			list = append(list, v)
			if p.peek() == "," {
				p.pos++
			} else if p.peek() != "]" {
				return nil, errors.New("malformed list in option value")
			}
		}
		p.pos++
		return list, nil
	case "-":
		return "-" + p.next(), nil
	case "", "]", "}", ">", ",", ";", ":":
		return nil, errors.New("malformed option value")
	default:
		return t, nil
	}
}

// wireOptionMap writes an aggregate option value as Wire writes a map
// option: "{", the entries indented, "}".
func wireOptionMap(aggregate string) (string, error) {
	toks, err := aggregateTokens(aggregate)
	if err != nil {
		return "", err
	}
	p := &optionParser{toks: toks}
	m, err := p.fields("")
	if err != nil {
		return "", err
	}
	return wireMap(m), nil
}

func wireMap(m *optionMap) string {
	var sb strings.Builder
	sb.WriteString("{\n")
	for i, k := range m.keys {
		line := k + ": " + wireValue(m.vals[i])
		if i < len(m.keys)-1 {
			line += ","
		}
		indent(&sb, line)
	}
	sb.WriteString("}")
	return sb.String()
}

func wireValue(v any) string {
	switch x := v.(type) {
	case *optionMap:
		return wireMap(x)
	case []any:
		var sb strings.Builder
		sb.WriteString("[\n")
		for i, e := range x {
			line := wireValue(e)
			if i < len(x)-1 {
				line += ","
			}
			indent(&sb, line)
		}
		sb.WriteString("]")
		return sb.String()
	}
	return v.(string)
}
