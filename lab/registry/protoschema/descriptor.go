package protoschema

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/bufbuild/protocompile"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
)

// A schema may also be given as a base64 FileDescriptorProto, as
// confluent-kafka-python's ProtobufSerializer registers it; CP 7.9 turns it
// into Wire's element model (ProtobufSchema.toProtoFile(FileDescriptorProto)
// at tag v7.9.9) before writing the canonical text. That conversion keeps
// type names as the descriptor has them (fully qualified, leading dot),
// map fields as repeated fields of their nested MapEntry messages (written
// with option map_entry = true), every json_name the descriptor carries,
// defaults outside proto3, and a proto3 optional field's synthetic oneof
// as an empty oneof. Options are converted from a fixed list; a descriptor
// with other options is refused here rather than written without them.

// ParseDescriptor compiles a base64 FileDescriptorProto; deps maps import
// paths to the .proto texts of the files they name.
func ParseDescriptor(b64 string, deps map[string]string) (*Schema, error) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(b64))
	if err != nil {
		return nil, err
	}
	fdp := &descriptorpb.FileDescriptorProto{}
	if err := proto.Unmarshal(b, fdp); err != nil {
		return nil, err
	}
	fdp.Name = proto.String(FileName)
	if fdp.GetSyntax() == "editions" {
		return nil, errors.New("editions are not supported")
	}
	files := new(protoregistry.Files)
	if len(fdp.Dependency) > 0 {
		srcs := withBuiltins(deps)
		c := protocompile.Compiler{Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{Accessor: protocompile.SourceAccessorFromMap(srcs)})}
		compiled, err := c.Compile(context.Background(), fdp.Dependency...)
		if err != nil {
			return nil, err
		}
		var register func(fd protoreflect.FileDescriptor) error
		register = func(fd protoreflect.FileDescriptor) error {
			if _, err := files.FindFileByPath(fd.Path()); err == nil {
				return nil
			}
			imps := fd.Imports()
			for i := 0; i < imps.Len(); i++ {
				if err := register(imps.Get(i).FileDescriptor); err != nil {
					return err
				}
			}
			return files.RegisterFile(fd)
		}
		for _, f := range compiled {
			if err := register(f); err != nil {
				return nil, err
			}
		}
	}
	raw := proto.Clone(fdp).(*descriptorpb.FileDescriptorProto)
	if err := toUninterpreted(raw); err != nil {
		return nil, err
	}
	file, err := protodesc.NewFile(fdp, files)
	if err != nil {
		return nil, err
	}
	syntax := fdp.GetSyntax()
	if syntax != "proto2" && syntax != "proto3" {
		syntax = ""
	}
	return &Schema{syntax: syntax, raw: raw, file: file, fromDescriptor: true}, nil
}

// Options CP converts, in its order, by kind.
var fileOptionOrder = []string{"java_package", "java_outer_classname", "java_multiple_files",
	"java_generate_equals_and_hash", "java_string_check_utf8", "optimize_for", "go_package",
	"cc_generic_services", "java_generic_services", "py_generic_services", "php_generic_services",
	"deprecated", "cc_enable_arenas", "objc_class_prefix", "csharp_namespace"}
var messageOptionOrder = []string{"message_set_wire_format", "no_standard_descriptor_accessor", "deprecated", "map_entry"}
var fieldOptionOrder = []string{"ctype", "packed", "jstype", "deprecated"}
var enumOptionOrder = []string{"allow_alias", "deprecated"}
var enumValueOptionOrder = []string{"deprecated"}

// uninterpret moves the listed options of m into uninterpreted options and
// fails on any other option left set.
func uninterpret(m proto.Message, order []string) ([]*descriptorpb.UninterpretedOption, error) {
	if m == nil {
		return nil, nil
	}
	r := m.ProtoReflect()
	if !r.IsValid() {
		return nil, nil
	}
	var out []*descriptorpb.UninterpretedOption
	for _, name := range order {
		fd := r.Descriptor().Fields().ByName(protoreflect.Name(name))
		if fd == nil || !r.Has(fd) {
			continue
		}
		v := r.Get(fd)
		o := &descriptorpb.UninterpretedOption{Name: []*descriptorpb.UninterpretedOption_NamePart{{NamePart: proto.String(name), IsExtension: proto.Bool(false)}}}
		switch fd.Kind() {
		case protoreflect.StringKind:
			o.StringValue = []byte(v.String())
		case protoreflect.BoolKind:
			o.IdentifierValue = proto.String(fmt.Sprint(v.Bool()))
		case protoreflect.EnumKind:
			o.IdentifierValue = proto.String(string(fd.Enum().Values().ByNumber(v.Enum()).Name()))
		default:
			return nil, fmt.Errorf("option %s is not supported in a FileDescriptorProto schema", name)
		}
		out = append(out, o)
		r.Clear(fd)
	}
	var left []string
	r.Range(func(fd protoreflect.FieldDescriptor, _ protoreflect.Value) bool {
		left = append(left, string(fd.Name()))
		return true
	})
	if len(left) > 0 || len(r.GetUnknown()) > 0 {
		return nil, fmt.Errorf("options %v in a FileDescriptorProto schema are not supported by this registry", left)
	}
	return out, nil
}

func toUninterpreted(fdp *descriptorpb.FileDescriptorProto) error {
	opts, err := uninterpret(fdp.Options, fileOptionOrder)
	if err != nil {
		return err
	}
	fdp.Options = &descriptorpb.FileOptions{UninterpretedOption: opts}
	for _, m := range fdp.MessageType {
		if err := messageUninterpreted(m); err != nil {
			return err
		}
	}
	for _, e := range fdp.EnumType {
		if err := enumUninterpreted(e); err != nil {
			return err
		}
	}
	if len(fdp.Extension) > 0 || len(fdp.Service) > 0 {
		return errors.New("extensions and services in a FileDescriptorProto schema are not supported by this registry")
	}
	return nil
}

func messageUninterpreted(m *descriptorpb.DescriptorProto) error {
	opts, err := uninterpret(m.Options, messageOptionOrder)
	if err != nil {
		return err
	}
	m.Options = &descriptorpb.MessageOptions{UninterpretedOption: opts}
	if len(m.Extension) > 0 || len(m.ExtensionRange) > 0 {
		return errors.New("extensions in a FileDescriptorProto schema are not supported by this registry")
	}
	for _, f := range m.Field {
		if f.GetType() == descriptorpb.FieldDescriptorProto_TYPE_GROUP {
			return errors.New("groups in a FileDescriptorProto schema are not supported by this registry")
		}
		opts, err := uninterpret(f.Options, fieldOptionOrder)
		if err != nil {
			return err
		}
		if f.JsonName != nil {
			opts = append(opts, &descriptorpb.UninterpretedOption{
				Name:        []*descriptorpb.UninterpretedOption_NamePart{{NamePart: proto.String("json_name"), IsExtension: proto.Bool(false)}},
				StringValue: []byte(f.GetJsonName()),
			})
		}
		f.Options = &descriptorpb.FieldOptions{UninterpretedOption: opts}
	}
	for _, o := range m.OneofDecl {
		if _, err := uninterpret(o.Options, nil); err != nil {
			return err
		}
	}
	for _, n := range m.NestedType {
		if err := messageUninterpreted(n); err != nil {
			return err
		}
	}
	for _, e := range m.EnumType {
		if err := enumUninterpreted(e); err != nil {
			return err
		}
	}
	return nil
}

func enumUninterpreted(e *descriptorpb.EnumDescriptorProto) error {
	opts, err := uninterpret(e.Options, enumOptionOrder)
	if err != nil {
		return err
	}
	e.Options = &descriptorpb.EnumOptions{UninterpretedOption: opts}
	for _, v := range e.Value {
		opts, err := uninterpret(v.Options, enumValueOptionOrder)
		if err != nil {
			return err
		}
		v.Options = &descriptorpb.EnumValueOptions{UninterpretedOption: opts}
	}
	return nil
}
