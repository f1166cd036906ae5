package formats

// Entry order of proto3 map fields. protobuf-java's DynamicMessage holds a
// map field as the list of its entry messages, in the order they were
// parsed or added, and writes them in that order; ProtobufData reads them
// into a new HashMap<>() in that order and writes a Connect map's entries in
// its iteration order (confluentinc/schema-registry v7.9.0
// ProtobufData.toConnectData and fromConnectData, case MAP). Go's dynamicpb
// holds a map field as a Go map, with no order, so a schema's map fields are
// read and written through a copy of its descriptors whose entry messages
// are plain nested messages: the same bytes, entries kept as a list. An
// entry message then also leaves a key or value out when it is the proto3
// default, as DynamicMessage.Builder.setField clears such a field.

import (
	"fmt"
	"sync"

	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
)

// protoListed caches protoMapsAsLists by message descriptor.
var protoListed sync.Map

// protoMapsAsLists is md from a copy of its file, and the files it imports,
// in which no message is a map entry, so its map fields are lists of
// entries; md itself when its file cannot be copied.
func protoMapsAsLists(md protoreflect.MessageDescriptor) protoreflect.MessageDescriptor {
	if x, ok := protoListed.Load(md); ok {
		return x.(protoreflect.MessageDescriptor)
	}
	out := md
	reg := new(protoregistry.Files)
	if _, err := protoFileAsLists(md.ParentFile(), reg); err == nil {
		if d, err := reg.FindDescriptorByName(md.FullName()); err == nil {
			if m, ok := d.(protoreflect.MessageDescriptor); ok {
				out = m
			}
		}
	}
	protoListed.Store(md, out)
	return out
}

// protoFileAsLists copies fd and its imports into reg, each message's
// map_entry option cleared.
func protoFileAsLists(fd protoreflect.FileDescriptor, reg *protoregistry.Files) (protoreflect.FileDescriptor, error) {
	if f, err := reg.FindFileByPath(fd.Path()); err == nil {
		return f, nil
	}
	imports := fd.Imports()
	for i := 0; i < imports.Len(); i++ {
		if _, err := protoFileAsLists(imports.Get(i).FileDescriptor, reg); err != nil {
			return nil, err
		}
	}
	fdp := protodesc.ToFileDescriptorProto(fd)
	for _, m := range fdp.MessageType {
		protoClearMapEntries(m)
	}
	f, err := protodesc.NewFile(fdp, reg)
	if err != nil {
		return nil, fmt.Errorf("copy %s: %w", fd.Path(), err)
	}
	if err := reg.RegisterFile(f); err != nil {
		return nil, fmt.Errorf("copy %s: %w", fd.Path(), err)
	}
	return f, nil
}

// protoClearMapEntries clears the map_entry option of m and its nested
// messages.
func protoClearMapEntries(m *descriptorpb.DescriptorProto) {
	if m.Options != nil && m.Options.MapEntry != nil {
		m.Options.MapEntry = nil
	}
	for _, n := range m.NestedType {
		protoClearMapEntries(n)
	}
}
