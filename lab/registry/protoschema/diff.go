package protoschema

import (
	"sort"
	"strconv"
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// Compatibility, after CP 7.9's protobuf/diff package (SchemaDiff,
// MessageSchemaDiff, FieldSchemaDiff, EnumSchemaDiff, Difference at tag
// v7.9.9): the differences between the original (writer) and the update
// (reader) are listed; the update reads the original's data when all of
// them are compatible changes. Differences are listed by name and tag in
// ascending order.

var compatibleChanges = map[string]bool{
	"MESSAGE_ADDED": true, "MESSAGE_MOVED": true, "ENUM_ADDED": true, "ENUM_REMOVED": true,
	"ENUM_CONST_ADDED": true, "ENUM_CONST_CHANGED": true, "ENUM_CONST_REMOVED": true,
	"FIELD_ADDED": true, "FIELD_REMOVED": true, "FIELD_NAME_CHANGED": true,
	"FIELD_STRING_OR_BYTES_LABEL_CHANGED": true, "ONEOF_ADDED": true, "ONEOF_REMOVED": true,
	"ONEOF_FIELD_ADDED": true,
}

type difference struct{ typ, path string }

func (d difference) String() string {
	p := d.path
	desc := ""
	switch d.typ {
	case "PACKAGE_CHANGED":
		desc = "The package at '" + p + "' in the %s schema does not match the package in the %s schema"
	case "MESSAGE_REMOVED":
		desc = "The %s schema is missing a MESSAGE type at path '" + p + "' in the %s schema"
	case "FIELD_KIND_CHANGED":
		desc = "The type of a field at path '" + p + "' in the %s schema does not match the %s schema"
	case "FIELD_SCALAR_KIND_CHANGED":
		desc = "The kind of a SCALAR field at path '" + p + "' in the %s schema does not match its kind in the %s schema"
	case "FIELD_NAMED_TYPE_CHANGED":
		desc = "The type of a MESSAGE field at path '" + p + "' in the %s schema does not match its type in the %s schema"
	case "FIELD_NUMERIC_LABEL_CHANGED":
		desc = "The label for a NUMERIC field at path '" + p + "' in the %s schema does not match its label in the %s schema"
	case "REQUIRED_FIELD_ADDED":
		desc = "A required field  at path '" + p + "' in the %s schema is missing in the %s schema"
	case "REQUIRED_FIELD_REMOVED":
		desc = "The %s schema is missing a required field at path: '" + p + "' in the %s schema"
	case "ONEOF_FIELD_REMOVED":
		desc = "The %s schema is missing a oneof field at path '" + p + "' in the %s schema"
	case "MULTIPLE_FIELDS_MOVED_TO_ONEOF":
		desc = "Multiple fields in the oneof at path '" + p + "' in the %s schema are outside a oneof in the %s schema"
	case "FIELD_MOVED_TO_EXISTING_ONEOF":
		desc = "A field in the oneof at path '" + p + "' in the %s schema is outside an existing oneof in the %s schema"
	}
	return `{errorType:"` + d.typ + `", description:"` + desc + `"}`
}

// Backward lists the incompatible differences of reading data written with
// writer using reader, each with two %s for the reader and writer labels.
func Backward(reader, writer *Schema) []string {
	c := &diffCtx{seen: map[protoreflect.FullName]bool{}}
	if writer.file.Package() != reader.file.Package() {
		c.add("PACKAGE_CHANGED")
	}
	c.types(writer.file.Messages(), reader.file.Messages(), writer.file.Enums(), reader.file.Enums())
	var out []string
	for _, d := range c.diffs {
		if !compatibleChanges[d.typ] {
			out = append(out, d.String())
		}
	}
	return out
}

type diffCtx struct {
	path  []string
	diffs []difference
	seen  map[protoreflect.FullName]bool
}

func (c *diffCtx) add(typ string) {
	c.diffs = append(c.diffs, difference{typ: typ, path: "#/" + strings.Join(c.path, "/")})
}
func (c *diffCtx) push(p string) { c.path = append(c.path, p) }
func (c *diffCtx) pop()          { c.path = c.path[:len(c.path)-1] }

func (c *diffCtx) compatible() bool {
	for _, d := range c.diffs {
		if !compatibleChanges[d.typ] {
			return false
		}
	}
	return true
}

func sortedNames[V any](a, b map[string]V) []string {
	seen := map[string]bool{}
	var out []string
	for k := range a {
		seen[k] = true
		out = append(out, k)
	}
	for k := range b {
		if !seen[k] {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func (c *diffCtx) types(om, um protoreflect.MessageDescriptors, oe, ue protoreflect.EnumDescriptors) {
	type indexed struct {
		md    protoreflect.MessageDescriptor
		index int
	}
	msgs := func(ms protoreflect.MessageDescriptors) map[string]indexed {
		out := map[string]indexed{}
		n := 0
		for i := 0; i < ms.Len(); i++ {
			m := ms.Get(i)
			if m.IsMapEntry() {
				continue
			}
			out[string(m.Name())] = indexed{m, n}
			n++
		}
		return out
	}
	enums := func(es protoreflect.EnumDescriptors) map[string]protoreflect.EnumDescriptor {
		out := map[string]protoreflect.EnumDescriptor{}
		for i := 0; i < es.Len(); i++ {
			out[string(es.Get(i).Name())] = es.Get(i)
		}
		return out
	}
	o, u := msgs(om), msgs(um)
	for _, name := range sortedNames(o, u) {
		c.push(name)
		ov, oOK := o[name]
		uv, uOK := u[name]
		switch {
		case !uOK:
			c.add("MESSAGE_REMOVED")
		case !oOK:
			c.add("MESSAGE_ADDED")
		default:
			c.message(ov.md, uv.md)
			if ov.index != uv.index {
				c.add("MESSAGE_MOVED")
			}
		}
		c.pop()
	}
	oen, uen := enums(oe), enums(ue)
	for _, name := range sortedNames(oen, uen) {
		c.push(name)
		ov, oOK := oen[name]
		uv, uOK := uen[name]
		switch {
		case !uOK:
			c.add("ENUM_REMOVED")
		case !oOK:
			c.add("ENUM_ADDED")
		default:
			c.enum(ov, uv)
		}
		c.pop()
	}
}

func (c *diffCtx) enum(o, u protoreflect.EnumDescriptor) {
	tags := map[string]bool{}
	ob := map[int32]string{}
	ub := map[int32]string{}
	for i := 0; i < o.Values().Len(); i++ {
		v := o.Values().Get(i)
		ob[int32(v.Number())] = string(v.Name())
	}
	for i := 0; i < u.Values().Len(); i++ {
		v := u.Values().Get(i)
		ub[int32(v.Number())] = string(v.Name())
	}
	for _, n := range sortedTags(ob, ub) {
		_ = tags
		c.push(strconv.Itoa(int(n)))
		ov, oOK := ob[n]
		uv, uOK := ub[n]
		switch {
		case !uOK:
			c.add("ENUM_CONST_REMOVED")
		case !oOK:
			c.add("ENUM_CONST_ADDED")
		case ov != uv:
			c.add("ENUM_CONST_CHANGED")
		}
		c.pop()
	}
}

func sortedTags[V any](a, b map[int32]V) []int32 {
	seen := map[int32]bool{}
	var out []int32
	for k := range a {
		seen[k] = true
		out = append(out, k)
	}
	for k := range b {
		if !seen[k] {
			out = append(out, k)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// realOneof is the field's oneof as Wire sees it (proto3 optional fields
// are plain fields there).
func realOneof(f protoreflect.FieldDescriptor) protoreflect.OneofDescriptor {
	if o := f.ContainingOneof(); o != nil && !o.IsSynthetic() {
		return o
	}
	return nil
}

// label is the field's label as Wire's parser records it: none for maps,
// oneof members and proto3 fields declared without one.
func label(f protoreflect.FieldDescriptor) string {
	switch {
	case f.IsMap() || realOneof(f) != nil:
		return ""
	case f.Cardinality() == protoreflect.Repeated:
		return "repeated"
	case f.Cardinality() == protoreflect.Required:
		return "required"
	case f.ParentFile().Syntax() == protoreflect.Proto3:
		if f.HasOptionalKeyword() {
			return "optional"
		}
		return ""
	}
	return "optional"
}

func (c *diffCtx) message(o, u protoreflect.MessageDescriptor) {
	if !c.seen[o.FullName()] {
		c.seen[o.FullName()] = true
		c.messageBody(o, u)
		delete(c.seen, o.FullName())
	}
	c.types(o.Messages(), u.Messages(), o.Enums(), u.Enums())
}

func (c *diffCtx) messageBody(o, u protoreflect.MessageDescriptor) {
	oByTag := map[int32]protoreflect.FieldDescriptor{}
	uByTag := map[int32]protoreflect.FieldDescriptor{}
	oOneofTags := map[int32]bool{}
	for i := 0; i < o.Fields().Len(); i++ {
		f := o.Fields().Get(i)
		if realOneof(f) != nil {
			oOneofTags[int32(f.Number())] = true
			continue
		}
		oByTag[int32(f.Number())] = f
	}
	for i := 0; i < u.Fields().Len(); i++ {
		f := u.Fields().Get(i)
		if realOneof(f) == nil {
			uByTag[int32(f.Number())] = f
		}
	}
	oneofs := func(m protoreflect.MessageDescriptor) map[string]protoreflect.OneofDescriptor {
		out := map[string]protoreflect.OneofDescriptor{}
		for i := 0; i < m.Oneofs().Len(); i++ {
			if od := m.Oneofs().Get(i); !od.IsSynthetic() {
				out[string(od.Name())] = od
			}
		}
		return out
	}
	oo, uo := oneofs(o), oneofs(u)
	for i := 0; i < u.Oneofs().Len(); i++ {
		od := u.Oneofs().Get(i)
		if od.IsSynthetic() {
			continue
		}
		c.push(string(od.Name()))
		moved, existing := 0, 0
		for j := 0; j < od.Fields().Len(); j++ {
			tag := int32(od.Fields().Get(j).Number())
			if _, ok := oByTag[tag]; ok {
				delete(oByTag, tag)
				moved++
			} else if oOneofTags[tag] {
				existing++
			}
		}
		if moved > 1 {
			c.add("MULTIPLE_FIELDS_MOVED_TO_ONEOF")
		} else if moved == 1 && existing > 0 {
			c.add("FIELD_MOVED_TO_EXISTING_ONEOF")
		}
		c.pop()
	}
	for _, name := range sortedNames(oo, uo) {
		c.push(name)
		ov, oOK := oo[name]
		uv, uOK := uo[name]
		switch {
		case !uOK:
			c.add("ONEOF_REMOVED")
		case !oOK:
			c.add("ONEOF_ADDED")
		default:
			c.oneof(ov, uv)
		}
		c.pop()
	}
	for _, tag := range sortedTags(oByTag, uByTag) {
		c.push(strconv.Itoa(int(tag)))
		of, oOK := oByTag[tag]
		uf, uOK := uByTag[tag]
		switch {
		case !uOK:
			if of.Cardinality() == protoreflect.Required {
				c.add("REQUIRED_FIELD_REMOVED")
			} else {
				c.add("FIELD_REMOVED")
			}
		case !oOK:
			if uf.Cardinality() == protoreflect.Required {
				c.add("REQUIRED_FIELD_ADDED")
			} else {
				c.add("FIELD_ADDED")
			}
		default:
			c.field(of, uf)
		}
		c.pop()
	}
}

// oneof is OneOfDiff: fields by tag.
func (c *diffCtx) oneof(o, u protoreflect.OneofDescriptor) {
	ob := map[int32]protoreflect.FieldDescriptor{}
	ub := map[int32]protoreflect.FieldDescriptor{}
	for i := 0; i < o.Fields().Len(); i++ {
		ob[int32(o.Fields().Get(i).Number())] = o.Fields().Get(i)
	}
	for i := 0; i < u.Fields().Len(); i++ {
		ub[int32(u.Fields().Get(i).Number())] = u.Fields().Get(i)
	}
	for _, tag := range sortedTags(ob, ub) {
		c.push(strconv.Itoa(int(tag)))
		of, oOK := ob[tag]
		uf, uOK := ub[tag]
		switch {
		case !uOK:
			c.add("ONEOF_FIELD_REMOVED")
		case !oOK:
			c.add("ONEOF_FIELD_ADDED")
		default:
			c.field(of, uf)
		}
		c.pop()
	}
}

func (c *diffCtx) field(o, u protoreflect.FieldDescriptor) {
	if o.Name() != u.Name() {
		c.add("FIELD_NAME_CHANGED")
	}
	c.labelsAndTypes(label(o), label(u), o, u)
}

func kindOf(f protoreflect.FieldDescriptor) string {
	switch {
	case f.IsMap():
		return "MAP"
	case f.Kind() == protoreflect.MessageKind || f.Kind() == protoreflect.GroupKind:
		return "MESSAGE"
	}
	return "SCALAR"
}

func scalarKind(f protoreflect.FieldDescriptor) string {
	switch f.Kind() {
	case protoreflect.EnumKind, protoreflect.Int32Kind, protoreflect.Int64Kind, protoreflect.Uint32Kind, protoreflect.Uint64Kind, protoreflect.BoolKind:
		return "GENERAL_NUMBER"
	case protoreflect.Sint32Kind, protoreflect.Sint64Kind:
		return "SIGNED_NUMBER"
	case protoreflect.StringKind, protoreflect.BytesKind:
		return "STRING_OR_BYTES"
	case protoreflect.Fixed32Kind, protoreflect.Sfixed32Kind:
		return "FIXED32"
	case protoreflect.Fixed64Kind, protoreflect.Sfixed64Kind:
		return "FIXED64"
	case protoreflect.FloatKind:
		return "FLOAT"
	case protoreflect.DoubleKind:
		return "DOUBLE"
	}
	return "ANY"
}

func (c *diffCtx) labelsAndTypes(ol, ul string, o, u protoreflect.FieldDescriptor) {
	ok, uk := kindOf(o), kindOf(u)
	if ok != uk {
		c.add("FIELD_KIND_CHANGED")
		return
	}
	switch ok {
	case "SCALAR":
		osk, usk := scalarKind(o), scalarKind(u)
		if osk != usk {
			c.add("FIELD_SCALAR_KIND_CHANGED")
			return
		}
		if ol != "" && ul != "" && ol != ul {
			if osk == "STRING_OR_BYTES" {
				c.add("FIELD_STRING_OR_BYTES_LABEL_CHANGED")
			} else {
				c.add("FIELD_NUMERIC_LABEL_CHANGED")
			}
		}
	case "MESSAGE":
		om, um := o.Message(), u.Message()
		oLocal := localName(om)
		uLocal := localName(um)
		if oLocal != uLocal {
			c.add("FIELD_NAMED_TYPE_CHANGED")
			return
		}
		sub := &diffCtx{seen: c.seen, path: strings.Split(oLocal, ".")}
		if !c.seen[om.FullName()] {
			c.seen[om.FullName()] = true
			sub.messageBody(om, um)
			delete(c.seen, om.FullName())
		}
		c.diffs = append(c.diffs, sub.diffs...)
		if !sub.compatible() {
			c.add("FIELD_NAMED_TYPE_CHANGED")
		}
	case "MAP":
		c.labelsAndTypes("", "", o.MapKey(), u.MapKey())
		c.labelsAndTypes("", "", o.MapValue(), u.MapValue())
	}
}

func localName(m protoreflect.MessageDescriptor) string {
	full := string(m.FullName())
	if pkg := string(m.ParentFile().Package()); pkg != "" {
		return strings.TrimPrefix(full, pkg+".")
	}
	return full
}
