package registry

import (
	"bytes"
	"strconv"
)

// The registry stores and compares Avro schemas in the form Java Avro's
// Schema.toString() produces (what Confluent's AvroSchema.canonicalString
// returns): compact JSON, reserved attributes in a fixed order, doc,
// defaults, aliases, order and custom properties kept, each named type
// written in full once and by name afterwards. It is not the Parsing
// Canonical Form.

// canonicalString renders s as Java's Schema.toString(). Names in known
// (full names of referenced types) are written as references.
func canonicalString(s *avroSchema, known map[string]bool) string {
	w := &javaWriter{known: map[string]bool{}}
	for k := range known {
		w.known[k] = true
	}
	w.write(s)
	return w.buf.String()
}

// toJavaString is canonicalString without references, used in messages.
func toJavaString(s *avroSchema) string { return canonicalString(s, nil) }

type javaWriter struct {
	buf   bytes.Buffer
	known map[string]bool
	space string
}

func (w *javaWriter) key(k string) {
	writeString(&w.buf, k)
	w.buf.WriteByte(':')
}

func (w *javaWriter) strField(k, v string) {
	w.buf.WriteByte(',')
	w.key(k)
	writeString(&w.buf, v)
}

func (w *javaWriter) props(props []jmember) {
	for _, p := range props {
		w.buf.WriteByte(',')
		w.key(p.key)
		writeJSON(&w.buf, p.val)
	}
}

// nameRef writes a reference if the named type was written already.
func (w *javaWriter) nameRef(s *avroSchema) bool {
	full := s.name.full()
	if w.known[full] {
		writeString(&w.buf, s.name.qualified(w.space))
		return true
	}
	w.known[full] = true
	return false
}

func (w *javaWriter) writeName(s *avroSchema) {
	w.strField("name", s.name.name)
	switch {
	case s.name.space != "":
		if s.name.space != w.space {
			w.strField("namespace", s.name.space)
		}
	case w.space != "":
		w.strField("namespace", "")
	}
}

func (w *javaWriter) aliases(s *avroSchema) {
	if len(s.aliases) == 0 {
		return
	}
	w.buf.WriteByte(',')
	w.key("aliases")
	w.buf.WriteByte('[')
	for i, a := range s.aliases {
		if i > 0 {
			w.buf.WriteByte(',')
		}
		writeString(&w.buf, a.qualified(s.name.space))
	}
	w.buf.WriteByte(']')
}

func (w *javaWriter) write(s *avroSchema) {
	switch s.kind {
	case kRecord:
		if w.nameRef(s) {
			return
		}
		saved := w.space
		w.buf.WriteString(`{"type":`)
		if s.isError {
			writeString(&w.buf, "error")
		} else {
			writeString(&w.buf, "record")
		}
		w.writeName(s)
		w.space = s.name.space
		if s.doc != nil {
			w.strField("doc", *s.doc)
		}
		w.buf.WriteByte(',')
		w.key("fields")
		w.buf.WriteByte('[')
		for i, f := range s.fields {
			if i > 0 {
				w.buf.WriteByte(',')
			}
			w.field(f)
		}
		w.buf.WriteByte(']')
		w.props(s.props)
		w.aliases(s)
		w.buf.WriteByte('}')
		w.space = saved
	case kEnum:
		if w.nameRef(s) {
			return
		}
		w.buf.WriteString(`{"type":"enum"`)
		w.writeName(s)
		if s.doc != nil {
			w.strField("doc", *s.doc)
		}
		w.buf.WriteByte(',')
		w.key("symbols")
		w.buf.WriteByte('[')
		for i, sym := range s.symbols {
			if i > 0 {
				w.buf.WriteByte(',')
			}
			writeString(&w.buf, sym)
		}
		w.buf.WriteByte(']')
		if s.enumDefault != nil {
			w.strField("default", *s.enumDefault)
		}
		w.props(s.props)
		w.aliases(s)
		w.buf.WriteByte('}')
	case kFixed:
		if w.nameRef(s) {
			return
		}
		w.buf.WriteString(`{"type":"fixed"`)
		w.writeName(s)
		if s.doc != nil {
			w.strField("doc", *s.doc)
		}
		w.buf.WriteByte(',')
		w.key("size")
		w.buf.WriteString(strconv.Itoa(s.size))
		w.props(s.props)
		w.aliases(s)
		w.buf.WriteByte('}')
	case kArray:
		w.buf.WriteString(`{"type":"array","items":`)
		w.write(s.items)
		w.props(s.props)
		w.buf.WriteByte('}')
	case kMap:
		w.buf.WriteString(`{"type":"map","values":`)
		w.write(s.values)
		w.props(s.props)
		w.buf.WriteByte('}')
	case kUnion:
		w.buf.WriteByte('[')
		for i, b := range s.branches {
			if i > 0 {
				w.buf.WriteByte(',')
			}
			w.write(b)
		}
		w.buf.WriteByte(']')
	default:
		if len(s.props) == 0 {
			writeString(&w.buf, s.kind.String())
			return
		}
		w.buf.WriteString(`{"type":`)
		writeString(&w.buf, s.kind.String())
		w.props(s.props)
		w.buf.WriteByte('}')
	}
}

func (w *javaWriter) field(f *avroField) {
	w.buf.WriteByte('{')
	w.key("name")
	writeString(&w.buf, f.name)
	w.buf.WriteByte(',')
	w.key("type")
	w.write(f.typ)
	if f.doc != nil {
		w.strField("doc", *f.doc)
	}
	if f.def != nil {
		w.buf.WriteByte(',')
		w.key("default")
		writeJSON(&w.buf, f.def)
	}
	if f.order != "" {
		w.strField("order", f.order)
	}
	if len(f.aliases) > 0 {
		w.buf.WriteByte(',')
		w.key("aliases")
		w.buf.WriteByte('[')
		for i, a := range f.aliases {
			if i > 0 {
				w.buf.WriteByte(',')
			}
			writeString(&w.buf, a)
		}
		w.buf.WriteByte(']')
	}
	w.props(f.props)
	w.buf.WriteByte('}')
}
