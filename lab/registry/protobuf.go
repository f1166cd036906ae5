package registry

import (
	"encoding/base64"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/ctalab/ctalab/lab/registry/protoschema"
)

// isDescriptorBase64 reports whether text is a base64 FileDescriptorProto.
func isDescriptorBase64(text string) bool {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(text))
	if err != nil || len(b) == 0 {
		return false
	}
	return proto.Unmarshal(b, &descriptorpb.FileDescriptorProto{}) == nil
}

// protoSchema is a parsed Protobuf schema (ProtobufSchema).
type protoSchema struct {
	s *protoschema.Schema
}

func (s *protoSchema) schemaType() string { return typeProtobuf }

func protoBackward(reader, writer *protoSchema) []string {
	return protoschema.Backward(reader.s, writer.s)
}

// refTexts maps the import path each reference names to its text.
func refTexts(srcs []refSource) map[string]string {
	deps := map[string]string{}
	for _, src := range flattenRefs(srcs, map[string]bool{}, nil) {
		deps[src.name] = src.text
	}
	return deps
}

func parseProto(text string, srcs []refSource) (*protoSchema, error) {
	// Like ProtobufSchema.toProtoFile (CP 7.9), text that is not a .proto
	// file is tried as a base64 FileDescriptorProto.
	s, err := protoschema.Parse(text, refTexts(srcs))
	if err != nil && isDescriptorBase64(text) {
		s, err = protoschema.ParseDescriptor(text, refTexts(srcs))
	}
	if err != nil {
		return nil, err
	}
	return &protoSchema{s: s}, nil
}

func (p *pendingSchema) parseProtobuf() (*prepared, *apiError) {
	s, err := parseProto(p.text, p.srcs)
	if err != nil {
		return nil, p.invalid(err.Error())
	}
	canonical, refs := s.s.Canonical(), p.refs
	if p.normalize {
		canonical, refs = s.s.Normalized(), sortedRefs(refs)
	}
	return &prepared{typ: typeProtobuf, canonical: canonical, refs: refs, schema: s}, nil
}
