package protoschema

import (
	"embed"
	"io/fs"
	"strings"
)

// The registry resolves some imports itself, without a reference:
// ProtobufSchema.KNOWN_DEPENDENCIES (confluentinc/schema-registry v7.9.9
// protobuf-provider/.../protobuf/ProtobufSchema.java). The google/protobuf
// files come with the compiler (protocompile.WithStandardImports); the
// files under builtin/ are the others this registry knows, the ones
// ksqlDB's PROTOBUF schemas import for DATE, TIME and DECIMAL columns and
// confluent/meta.proto, which declares the (confluent.field_meta) option
// carrying a DECIMAL's precision and scale.
//
//go:embed builtin
var builtinFS embed.FS

// builtinFiles maps each built-in import path to its text.
var builtinFiles = func() map[string]string {
	files := map[string]string{}
	err := fs.WalkDir(builtinFS, "builtin", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := builtinFS.ReadFile(path)
		if err != nil {
			return err
		}
		files[strings.TrimPrefix(path, "builtin/")] = string(b)
		return nil
	})
	if err != nil {
		panic("protoschema: read the built-in files: " + err.Error())
	}
	return files
}()

// withBuiltins is deps with the built-in files added under the import
// paths deps does not name.
func withBuiltins(deps map[string]string) map[string]string {
	out := make(map[string]string, len(deps)+len(builtinFiles))
	for k, v := range builtinFiles {
		out[k] = v
	}
	for k, v := range deps {
		out[k] = v
	}
	return out
}
