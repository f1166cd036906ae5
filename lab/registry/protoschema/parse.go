package protoschema

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/bufbuild/protocompile"
	"github.com/bufbuild/protocompile/ast"
	"github.com/bufbuild/protocompile/parser"
	"github.com/bufbuild/protocompile/reporter"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
)

// MaxNesting bounds how deeply blocks may nest in a schema, so that the
// compiler's and formatter's recursion stays shallow whatever the text.
const MaxNesting = 1000

// braceDepth is the deepest nesting of braces outside string literals and
// comments.
func braceDepth(text string) int {
	depth, deepest := 0, 0
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case c == '"' || c == '\'':
			for i++; i < len(text) && text[i] != c && text[i] != '\n'; i++ {
				if text[i] == '\\' {
					i++
				}
			}
		case c == '/' && i+1 < len(text) && text[i+1] == '/':
			for i < len(text) && text[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < len(text) && text[i+1] == '*':
			end := strings.Index(text[i+2:], "*/")
			if end < 0 {
				return deepest
			}
			i += end + 3
		case c == '{' || c == '<' || c == '[':
			depth++
			if depth > deepest {
				deepest = depth
			}
		case c == '}' || c == '>' || c == ']':
			depth--
		}
	}
	return deepest
}

var mapEntryOption = regexp.MustCompile(`(?m)^[ \t]*option map_entry = true;[ \t]*\n`)

// FileName is the name the schema itself is compiled under, as
// ProtobufSchema.DEFAULT_NAME in CP 7.9.
const FileName = "default"

// Schema is a compiled Protobuf schema.
type Schema struct {
	syntax string                            // as declared, "" when absent
	raw    *descriptorpb.FileDescriptorProto // as written (unlinked)
	file   protoreflect.FileDescriptor       // linked

	fromDescriptor bool // given as a FileDescriptorProto (descriptor.go)
}

// File is the linked file descriptor.
func (s *Schema) File() protoreflect.FileDescriptor { return s.file }

// Parse compiles text; deps maps import paths to the texts of the files
// they name.
func Parse(text string, deps map[string]string) (*Schema, error) {
	// Text written from a FileDescriptorProto keeps its map entry
	// messages with an explicit map_entry option, which Wire reads and
	// protoc refuses; they are compiled as plain nested messages.
	text = mapEntryOption.ReplaceAllString(text, "")
	if d := braceDepth(text); d > MaxNesting {
		return nil, fmt.Errorf("declarations nest %d deep, more than the %d this registry compiles", d, MaxNesting)
	}
	var errs []string
	h := reporter.NewHandler(reporter.NewReporter(func(err reporter.ErrorWithPos) error {
		errs = append(errs, err.Error())
		return nil
	}, nil))
	fileAST, err := parser.Parse(FileName, strings.NewReader(text), h)
	if err == nil {
		_, err = parser.ResultFromAST(fileAST, true, h)
	}
	if err != nil {
		return nil, joinErrs(errs, err)
	}
	res, err := parser.ResultFromAST(fileAST, false, reporter.NewHandler(nil))
	if err != nil {
		return nil, err
	}
	s := &Schema{raw: res.FileDescriptorProto()}
	if fileAST.Syntax != nil {
		s.syntax = fileAST.Syntax.Syntax.AsString()
	}
	if fileAST.Edition != nil {
		return nil, errors.New("editions are not supported")
	}
	srcs := map[string]string{FileName: withMetaImport(text, fileAST, s.raw)}
	for k, v := range withBuiltins(deps) {
		if k != FileName {
			srcs[k] = v
		}
	}
	errs = nil
	c := protocompile.Compiler{
		Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{Accessor: protocompile.SourceAccessorFromMap(srcs)}),
		Reporter: reporter.NewReporter(func(err reporter.ErrorWithPos) error {
			errs = append(errs, err.Error())
			return nil
		}, nil),
	}
	files, err := c.Compile(context.Background(), FileName)
	if err != nil {
		return nil, joinErrs(errs, err)
	}
	s.file = files[0]
	return s, nil
}

// metaFile is the file that declares the confluent.*_meta options.
const metaFile = "confluent/meta.proto"

// withMetaImport is text with an import of confluent/meta.proto added on
// the syntax statement's line when it sets a (confluent.*) option without
// importing that file: CP reads those options without resolving them
// (ProtobufSchema.findMeta), as ksqlDB's DECIMAL schemas write them. The
// schema's own text, and so its canonical form, keeps the imports written.
func withMetaImport(text string, fileAST *ast.FileNode, raw *descriptorpb.FileDescriptorProto) string {
	if !strings.Contains(text, "(confluent.") || slices.Contains(raw.Dependency, metaFile) {
		return text
	}
	at := 0
	if fileAST.Syntax != nil {
		// the statement ends at its semicolon
		end := fileAST.NodeInfo(fileAST.Syntax).End().Offset
		at = end + strings.IndexByte(text[end:], ';') + 1
	}
	return text[:at] + " import \"" + metaFile + "\";" + text[at:]
}

func joinErrs(errs []string, err error) error {
	if len(errs) == 0 {
		return err
	}
	return errors.New(strings.Join(errs, "; "))
}

// Serialized is format=serialized: the file's FileDescriptorProto in
// standard base64.
func (s *Schema) Serialized() string {
	fdp := protodesc.ToFileDescriptorProto(s.file)
	fdp.SourceCodeInfo = nil
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(fdp)
	if err != nil {
		return ""
	}
	return base64.StdEncoding.EncodeToString(b)
}

// FirstMessage is the first message the file declares, the one
// KafkaProtobufSerializer and the REST Proxy use for a schema by default.
func (s *Schema) FirstMessage() (protoreflect.MessageDescriptor, error) {
	if s.file.Messages().Len() == 0 {
		return nil, fmt.Errorf("schema declares no message")
	}
	return s.file.Messages().Get(0), nil
}

// MessageNamed is the top-level message of the file whose full name
// (package-qualified) is name.
func (s *Schema) MessageNamed(name string) (protoreflect.MessageDescriptor, bool) {
	md := s.file.Messages().ByName(protoreflect.FullName(name).Name())
	return md, md != nil && string(md.FullName()) == name
}

// MessageIndexes is the path of top-level and nested message indexes of
// md in its file, as the wire format's message-index array carries it.
func MessageIndexes(md protoreflect.MessageDescriptor) []int {
	var out []int
	for d := protoreflect.Descriptor(md); ; {
		out = append([]int{d.Index()}, out...)
		p := d.Parent()
		if _, ok := p.(protoreflect.MessageDescriptor); !ok {
			break
		}
		d = p
	}
	return out
}

// MessageByIndexes resolves a message-index path.
func (s *Schema) MessageByIndexes(idx []int) (protoreflect.MessageDescriptor, error) {
	if len(idx) == 0 {
		return s.FirstMessage()
	}
	msgs := s.file.Messages()
	var md protoreflect.MessageDescriptor
	for _, i := range idx {
		if i < 0 || i >= msgs.Len() {
			return nil, fmt.Errorf("message index %v out of range", idx)
		}
		md = msgs.Get(i)
		msgs = md.Messages()
	}
	return md, nil
}
