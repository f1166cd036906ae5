package protoschema

import (
	"sort"
	"strconv"
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
)

// The canonical text, as ProtobufSchemaUtils.toString(FormatContext, ...)
// writes Wire's ProtoFileElement in CP 7.9 (protobuf-provider/.../protobuf/
// ProtobufSchemaUtils.java at tag v7.9.9): syntax, package, imports, file
// options, messages then enums, extends, services; inside a message:
// reserved, options, fields, oneofs, extension ranges, extends, nested
// messages then nested enums; two-space indents, no comments. Normalized
// (normalize=true) it also sorts fields, oneofs and enum constants by
// number, sorts imports, writes type names fully qualified with a leading
// dot, and writes a syntax line only for proto3.

const maxTag = 536870911

type formatter struct {
	s         *Schema
	normalize bool
}

// Canonical is the text the registry stores for the schema.
func (s *Schema) Canonical() string { return (&formatter{s: s}).file() }

// Normalized is the text stored for normalize=true.
func (s *Schema) Normalized() string { return (&formatter{s: s, normalize: true}).file() }

func indent(sb *strings.Builder, text string) {
	lines := strings.Split(text, "\n")
	if len(lines) > 1 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	for _, l := range lines {
		sb.WriteString("  ")
		sb.WriteString(l)
		sb.WriteByte('\n')
	}
}

func (f *formatter) file() string {
	fd := f.s.raw
	var sb strings.Builder
	if f.s.syntax != "" && (!f.normalize || f.s.syntax == "proto3") {
		sb.WriteString("syntax = \"" + f.s.syntax + "\";\n")
	}
	if fd.Package != nil {
		sb.WriteString("package " + fd.GetPackage() + ";\n")
	}
	if len(fd.Dependency) > 0 {
		sb.WriteByte('\n')
		public := map[int32]bool{}
		for _, i := range fd.PublicDependency {
			public[i] = true
		}
		var imports, pub []string
		for i, d := range fd.Dependency {
			if public[int32(i)] {
				pub = append(pub, d)
			} else {
				imports = append(imports, d)
			}
		}
		if f.normalize {
			imports, pub = sortedUnique(imports), sortedUnique(pub)
		}
		for _, d := range imports {
			sb.WriteString("import \"" + d + "\";\n")
		}
		for _, d := range pub {
			sb.WriteString("import public \"" + d + "\";\n")
		}
	}
	if opts := fd.GetOptions().GetUninterpretedOption(); len(opts) > 0 {
		sb.WriteByte('\n')
		for _, o := range opts {
			sb.WriteString("option " + optionString(o) + ";\n")
		}
	}
	if len(fd.MessageType) > 0 || len(fd.EnumType) > 0 {
		sb.WriteByte('\n')
		for _, m := range fd.MessageType {
			sb.WriteString(f.message(m, fd.GetPackage()+"."+m.GetName()))
		}
		for _, e := range fd.EnumType {
			sb.WriteString(f.enum(e))
		}
	}
	if len(fd.Extension) > 0 {
		sb.WriteByte('\n')
		sb.WriteString(f.extends(fd.Extension, nil))
	}
	if len(fd.Service) > 0 {
		sb.WriteByte('\n')
		for _, s := range fd.Service {
			sb.WriteString(f.service(s))
		}
	}
	return sb.String()
}

func sortedUnique(xs []string) []string {
	out := append([]string(nil), xs...)
	sort.Strings(out)
	uniq := out[:0]
	for i, x := range out {
		if i == 0 || x != out[i-1] {
			uniq = append(uniq, x)
		}
	}
	return uniq
}

func (f *formatter) service(s *descriptorpb.ServiceDescriptorProto) string {
	var sb strings.Builder
	sb.WriteString("service " + s.GetName() + " {")
	if opts := s.GetOptions().GetUninterpretedOption(); len(opts) > 0 {
		sb.WriteByte('\n')
		for _, o := range opts {
			indent(&sb, "option "+optionString(o)+";\n")
		}
	}
	if len(s.Method) > 0 {
		sb.WriteByte('\n')
		for _, m := range s.Method {
			var r strings.Builder
			r.WriteString("rpc " + m.GetName() + " (")
			if m.GetClientStreaming() {
				r.WriteString("stream ")
			}
			r.WriteString(f.typeName(m.GetInputType(), nil) + ") returns (")
			if m.GetServerStreaming() {
				r.WriteString("stream ")
			}
			r.WriteString(f.typeName(m.GetOutputType(), nil) + ")")
			if opts := m.GetOptions().GetUninterpretedOption(); len(opts) > 0 {
				r.WriteString(" {\n")
				for _, o := range opts {
					indent(&r, "option "+optionString(o)+";\n")
				}
				r.WriteByte('}')
			}
			r.WriteString(";\n")
			indent(&sb, r.String())
		}
	}
	sb.WriteString("}\n")
	return sb.String()
}

func (f *formatter) enum(e *descriptorpb.EnumDescriptorProto) string {
	var sb strings.Builder
	sb.WriteString("enum " + e.GetName() + " {")
	reserved := reservedLines(e.ReservedRange, e.ReservedName, true)
	if len(reserved) > 0 {
		sb.WriteByte('\n')
		for _, r := range reserved {
			indent(&sb, r)
		}
	}
	opts := e.GetOptions().GetUninterpretedOption()
	if len(reserved) == 0 && (len(opts) > 0 || len(e.Value) > 0) {
		sb.WriteByte('\n')
	}
	for _, o := range opts {
		indent(&sb, "option "+optionString(o)+";\n")
	}
	values := e.Value
	if f.normalize {
		values = append([]*descriptorpb.EnumValueDescriptorProto(nil), values...)
		sort.SliceStable(values, func(i, j int) bool {
			if values[i].GetNumber() != values[j].GetNumber() {
				return values[i].GetNumber() < values[j].GetNumber()
			}
			return values[i].GetName() < values[j].GetName()
		})
	}
	for _, v := range values {
		line := v.GetName() + " = " + strconv.Itoa(int(v.GetNumber()))
		var os []string
		for _, o := range v.GetOptions().GetUninterpretedOption() {
			os = append(os, optionString(o))
		}
		if len(os) > 0 {
			line += " " + optionList(os)
		}
		indent(&sb, line+";\n")
	}
	sb.WriteString("}\n")
	return sb.String()
}

// reservedLines writes reserved numbers and names; enum ranges are
// inclusive, message ranges exclusive at the end.
func reservedLines[R interface {
	GetStart() int32
	GetEnd() int32
}](ranges []R, names []string, inclusive bool) []string {
	var out []string
	if len(ranges) > 0 {
		var parts []string
		for _, r := range ranges {
			end := r.GetEnd()
			if !inclusive {
				end--
			}
			parts = append(parts, rangeString(r.GetStart(), end))
		}
		out = append(out, "reserved "+strings.Join(parts, ", ")+";\n")
	}
	if len(names) > 0 {
		var parts []string
		for _, n := range names {
			parts = append(parts, "\""+n+"\"")
		}
		out = append(out, "reserved "+strings.Join(parts, ", ")+";\n")
	}
	return out
}

func rangeString(start, end int32) string {
	if start == end {
		return strconv.Itoa(int(start))
	}
	last := strconv.Itoa(int(end))
	if end >= maxTag {
		last = "max"
	}
	return strconv.Itoa(int(start)) + " to " + last
}

func (f *formatter) isMapEntry(msg *descriptorpb.DescriptorProto, typeName string) *descriptorpb.DescriptorProto {
	name := typeName
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	for _, n := range msg.NestedType {
		if n.GetName() == name && n.GetOptions().GetMapEntry() {
			return n
		}
	}
	return nil
}

func (f *formatter) message(m *descriptorpb.DescriptorProto, fullName string) string {
	var sb strings.Builder
	sb.WriteString("message " + m.GetName() + " {")
	reserved := reservedLines(m.ReservedRange, m.ReservedName, false)
	if len(reserved) > 0 {
		sb.WriteByte('\n')
		for _, r := range reserved {
			indent(&sb, r)
		}
	}
	if opts := m.GetOptions().GetUninterpretedOption(); len(opts) > 0 {
		sb.WriteByte('\n')
		for _, o := range opts {
			indent(&sb, "option "+optionString(o)+";\n")
		}
	}
	var plain []*descriptorpb.FieldDescriptorProto
	oneofFields := make([][]*descriptorpb.FieldDescriptorProto, len(m.OneofDecl))
	for _, fd := range m.Field {
		if fd.OneofIndex != nil && !fd.GetProto3Optional() {
			oneofFields[fd.GetOneofIndex()] = append(oneofFields[fd.GetOneofIndex()], fd)
			continue
		}
		plain = append(plain, fd)
	}
	if len(plain) > 0 {
		sb.WriteByte('\n')
		if f.normalize {
			sortByNumber(plain)
		}
		for _, fd := range plain {
			indent(&sb, f.field(m, fd, fullName, false))
		}
	}
	type oneof struct {
		name   string
		fields []*descriptorpb.FieldDescriptorProto
		opts   []*descriptorpb.UninterpretedOption
	}
	var oneofs []oneof
	for i, o := range m.OneofDecl {
		if len(oneofFields[i]) == 0 && isSyntheticOneof(m, int32(i)) && !f.s.fromDescriptor {
			continue
		}
		oneofs = append(oneofs, oneof{o.GetName(), oneofFields[i], o.GetOptions().GetUninterpretedOption()})
	}
	if f.normalize {
		kept := oneofs[:0]
		for _, o := range oneofs {
			if len(o.fields) > 0 {
				o.fields = append([]*descriptorpb.FieldDescriptorProto(nil), o.fields...)
				sortByNumber(o.fields)
				kept = append(kept, o)
			}
		}
		oneofs = kept
		sort.SliceStable(oneofs, func(i, j int) bool { return oneofs[i].fields[0].GetNumber() < oneofs[j].fields[0].GetNumber() })
	}
	if len(oneofs) > 0 {
		sb.WriteByte('\n')
		for _, o := range oneofs {
			var ob strings.Builder
			ob.WriteString("oneof " + o.name + " {")
			if len(o.opts) > 0 {
				ob.WriteByte('\n')
				for _, op := range o.opts {
					indent(&ob, "option "+optionString(op)+";\n")
				}
			}
			if len(o.fields) > 0 {
				ob.WriteByte('\n')
				for _, fd := range o.fields {
					indent(&ob, f.field(m, fd, fullName, true))
				}
			}
			ob.WriteString("}\n")
			indent(&sb, ob.String())
		}
	}
	if len(m.ExtensionRange) > 0 {
		sb.WriteByte('\n')
		var parts []string
		for _, r := range m.ExtensionRange {
			parts = append(parts, rangeString(r.GetStart(), r.GetEnd()-1))
		}
		indent(&sb, "extensions "+strings.Join(parts, ", ")+";\n")
	}
	if len(m.Extension) > 0 {
		sb.WriteByte('\n')
		indent(&sb, f.extends(m.Extension, m))
	}
	var nested []*descriptorpb.DescriptorProto
	for _, n := range m.NestedType {
		if f.s.fromDescriptor || !isMapEntryProto(n) {
			nested = append(nested, n)
		}
	}
	if len(nested) > 0 || len(m.EnumType) > 0 {
		sb.WriteByte('\n')
		for _, n := range nested {
			indent(&sb, f.message(n, fullName+"."+n.GetName()))
		}
		for _, e := range m.EnumType {
			indent(&sb, f.enum(e))
		}
	}
	sb.WriteString("}\n")
	return sb.String()
}

// isMapEntryProto reports a map's entry message, marked map_entry by the
// parser (as an uninterpreted option in descriptor mode).
func isMapEntryProto(n *descriptorpb.DescriptorProto) bool {
	return n.GetOptions().GetMapEntry()
}

func isSyntheticOneof(m *descriptorpb.DescriptorProto, idx int32) bool {
	for _, fd := range m.Field {
		if fd.OneofIndex != nil && fd.GetOneofIndex() == idx && fd.GetProto3Optional() {
			return true
		}
	}
	return false
}

func sortByNumber(fs []*descriptorpb.FieldDescriptorProto) {
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].GetNumber() < fs[j].GetNumber() })
}

func (f *formatter) extends(fields []*descriptorpb.FieldDescriptorProto, m *descriptorpb.DescriptorProto) string {
	var sb strings.Builder
	for i := 0; i < len(fields); {
		j := i
		for j < len(fields) && fields[j].GetExtendee() == fields[i].GetExtendee() {
			j++
		}
		sb.WriteString("extend " + f.typeName(fields[i].GetExtendee(), nil) + " {\n")
		group := fields[i:j]
		if f.normalize {
			group = append([]*descriptorpb.FieldDescriptorProto(nil), group...)
			sortByNumber(group)
		}
		for _, fd := range group {
			indent(&sb, f.field(m, fd, "", false))
		}
		sb.WriteString("}\n")
		i = j
	}
	return sb.String()
}

var scalarNames = map[descriptorpb.FieldDescriptorProto_Type]string{
	descriptorpb.FieldDescriptorProto_TYPE_DOUBLE: "double", descriptorpb.FieldDescriptorProto_TYPE_FLOAT: "float",
	descriptorpb.FieldDescriptorProto_TYPE_INT64: "int64", descriptorpb.FieldDescriptorProto_TYPE_UINT64: "uint64",
	descriptorpb.FieldDescriptorProto_TYPE_INT32: "int32", descriptorpb.FieldDescriptorProto_TYPE_FIXED64: "fixed64",
	descriptorpb.FieldDescriptorProto_TYPE_FIXED32: "fixed32", descriptorpb.FieldDescriptorProto_TYPE_BOOL: "bool",
	descriptorpb.FieldDescriptorProto_TYPE_STRING: "string", descriptorpb.FieldDescriptorProto_TYPE_BYTES: "bytes",
	descriptorpb.FieldDescriptorProto_TYPE_UINT32: "uint32", descriptorpb.FieldDescriptorProto_TYPE_SFIXED32: "sfixed32",
	descriptorpb.FieldDescriptorProto_TYPE_SFIXED64: "sfixed64", descriptorpb.FieldDescriptorProto_TYPE_SINT32: "sint32",
	descriptorpb.FieldDescriptorProto_TYPE_SINT64: "sint64",
}

// typeName writes a type reference: as written, or, normalized, resolved
// to its full name with a leading dot.
func (f *formatter) typeName(written string, field protoreflect.FieldDescriptor) string {
	if !f.normalize {
		return written
	}
	if field != nil {
		switch {
		case field.Message() != nil:
			return "." + string(field.Message().FullName())
		case field.Enum() != nil:
			return "." + string(field.Enum().FullName())
		}
	}
	if d, err := f.s.findDescriptor(written); err == nil {
		return "." + string(d.FullName())
	}
	return written
}

// linkedField finds the linked descriptor of a field of message fullName.
func (f *formatter) linkedField(fullName string, number int32) protoreflect.FieldDescriptor {
	d, err := f.s.findDescriptor("." + fullName)
	if err != nil {
		return nil
	}
	md, ok := d.(protoreflect.MessageDescriptor)
	if !ok {
		return nil
	}
	return md.Fields().ByNumber(protoreflect.FieldNumber(number))
}

func (f *formatter) scalarOrType(m *descriptorpb.DescriptorProto, fd *descriptorpb.FieldDescriptorProto, linked protoreflect.FieldDescriptor) string {
	if n, ok := scalarNames[fd.GetType()]; ok && fd.TypeName == nil {
		return n
	}
	return f.typeName(fd.GetTypeName(), linked)
}

func (f *formatter) field(m *descriptorpb.DescriptorProto, fd *descriptorpb.FieldDescriptorProto, fullName string, inOneof bool) string {
	var linked protoreflect.FieldDescriptor
	if f.normalize && fullName != "" {
		linked = f.linkedField(strings.TrimPrefix(fullName, "."), fd.GetNumber())
	}
	label := ""
	switch fd.GetLabel() {
	case descriptorpb.FieldDescriptorProto_LABEL_REPEATED:
		label = "repeated"
	case descriptorpb.FieldDescriptorProto_LABEL_REQUIRED:
		label = "required"
	case descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL:
		if fd.GetProto3Optional() || (f.s.syntax != "proto3" && !inOneof) {
			label = "optional"
		}
	}
	typ := ""
	if m != nil && fd.TypeName != nil && !f.s.fromDescriptor {
		if entry := f.isMapEntry(m, fd.GetTypeName()); entry != nil && fd.GetLabel() == descriptorpb.FieldDescriptorProto_LABEL_REPEATED {
			var k, v *descriptorpb.FieldDescriptorProto
			for _, e := range entry.Field {
				switch e.GetNumber() {
				case 1:
					k = e
				case 2:
					v = e
				}
			}
			if k != nil && v != nil {
				var vl protoreflect.FieldDescriptor
				if linked != nil && linked.IsMap() {
					vl = linked.MapValue()
				}
				typ = "map<" + f.scalarOrType(entry, k, nil) + ", " + f.scalarOrType(entry, v, vl) + ">"
				label = ""
			}
		}
	}
	if typ == "" {
		typ = f.scalarOrType(m, fd, linked)
	}
	var sb strings.Builder
	if label != "" {
		sb.WriteString(label + " ")
	}
	sb.WriteString(typ + " " + fd.GetName() + " = " + strconv.Itoa(int(fd.GetNumber())))
	// Wire keeps default and json_name apart from the other options;
	// the formatter writes them last, in that order. (The parser fills in
	// the json_name every field gets, so only a written one counts.)
	var opts []string
	var jsonName string
	for _, o := range fd.GetOptions().GetUninterpretedOption() {
		if len(o.Name) == 1 && !o.Name[0].GetIsExtension() && o.Name[0].GetNamePart() == "json_name" {
			jsonName = optionString(o)
			continue
		}
		opts = append(opts, optionString(o))
	}
	if fd.DefaultValue != nil {
		opts = append(opts, "default = "+defaultString(fd))
	}
	if jsonName != "" {
		opts = append(opts, jsonName)
	}
	if len(opts) > 0 {
		sb.WriteString(" " + optionList(opts))
	}
	sb.WriteString(";\n")
	return sb.String()
}

func defaultString(fd *descriptorpb.FieldDescriptorProto) string {
	if fd.GetType() == descriptorpb.FieldDescriptorProto_TYPE_STRING {
		return "\"" + escape(fd.GetDefaultValue()) + "\""
	}
	return fd.GetDefaultValue()
}

// optionList is appendOptions: one option in brackets on the line, more
// one per line.
func optionList(opts []string) string {
	if len(opts) == 1 {
		return "[" + opts[0] + "]"
	}
	var sb strings.Builder
	sb.WriteString("[\n")
	for i, o := range opts {
		if i < len(opts)-1 {
			o += ","
		}
		indent(&sb, o)
	}
	sb.WriteString("]")
	return sb.String()
}

func optionString(o *descriptorpb.UninterpretedOption) string {
	var name []string
	for _, p := range o.Name {
		if p.GetIsExtension() {
			name = append(name, "("+p.GetNamePart()+")")
		} else {
			name = append(name, p.GetNamePart())
		}
	}
	n := strings.Join(name, ".")
	switch {
	case o.IdentifierValue != nil:
		return n + " = " + o.GetIdentifierValue()
	case o.PositiveIntValue != nil:
		return n + " = " + strconv.FormatUint(o.GetPositiveIntValue(), 10)
	case o.NegativeIntValue != nil:
		return n + " = " + strconv.FormatInt(o.GetNegativeIntValue(), 10)
	case o.DoubleValue != nil:
		return n + " = " + strconv.FormatFloat(o.GetDoubleValue(), 'g', -1, 64)
	case o.StringValue != nil:
		return n + " = \"" + escape(string(o.GetStringValue())) + "\""
	case o.AggregateValue != nil:
		if m, err := wireOptionMap(o.GetAggregateValue()); err == nil {
			return n + " = " + m
		}
		return n + " = {\n  " + o.GetAggregateValue() + "\n}"
	}
	return n
}

// escape is ProtobufSchemaUtils.escapeChars.
func escape(s string) string {
	var sb strings.Builder
	for _, r := range s {
		switch r {
		case '\a':
			sb.WriteString(`\a`)
		case '\b':
			sb.WriteString(`\b`)
		case '\f':
			sb.WriteString(`\f`)
		case '\n':
			sb.WriteString(`\n`)
		case '\r':
			sb.WriteString(`\r`)
		case '\t':
			sb.WriteString(`\t`)
		case '\v':
			sb.WriteString(`\v`)
		case '\\':
			sb.WriteString(`\\`)
		case '\'':
			sb.WriteString(`\'`)
		case '"':
			sb.WriteString(`\"`)
		default:
			sb.WriteRune(r)
		}
	}
	return sb.String()
}

// findDescriptor finds a type by full name (leading dot) in the file or
// its imports; names without a leading dot are looked up relative to the
// package.
func (s *Schema) findDescriptor(name string) (protoreflect.Descriptor, error) {
	full := strings.TrimPrefix(name, ".")
	if !strings.HasPrefix(name, ".") && s.file.Package() != "" {
		full = string(s.file.Package()) + "." + full
	}
	if d := findIn(s.file, protoreflect.FullName(full), map[string]bool{}); d != nil {
		return d, nil
	}
	if d := findIn(s.file, protoreflect.FullName(strings.TrimPrefix(name, ".")), map[string]bool{}); d != nil {
		return d, nil
	}
	return nil, errNotFound
}

type notFound struct{}

func (notFound) Error() string { return "type not found" }

var errNotFound = notFound{}

func findIn(fd protoreflect.FileDescriptor, name protoreflect.FullName, seen map[string]bool) protoreflect.Descriptor {
	if seen[fd.Path()] {
		return nil
	}
	seen[fd.Path()] = true
	var walk func(msgs protoreflect.MessageDescriptors, enums protoreflect.EnumDescriptors) protoreflect.Descriptor
	walk = func(msgs protoreflect.MessageDescriptors, enums protoreflect.EnumDescriptors) protoreflect.Descriptor {
		for i := 0; i < enums.Len(); i++ {
			if enums.Get(i).FullName() == name {
				return enums.Get(i)
			}
		}
		for i := 0; i < msgs.Len(); i++ {
			m := msgs.Get(i)
			if m.FullName() == name {
				return m
			}
			if d := walk(m.Messages(), m.Enums()); d != nil {
				return d
			}
		}
		return nil
	}
	if d := walk(fd.Messages(), fd.Enums()); d != nil {
		return d
	}
	imps := fd.Imports()
	for i := 0; i < imps.Len(); i++ {
		if d := findIn(imps.Get(i).FileDescriptor, name, seen); d != nil {
			return d
		}
	}
	return nil
}
