package restproxy

import (
	"errors"
	"fmt"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
)

// validationMessage renders a JSON Schema validation failure the way the
// everit validator CP 7.9 uses for draft-07 schemas words its
// ValidationException messages, for the common cases: "#/path: required
// key [k] not found", "#/path: expected type: T, found: U", and
// "#: N schema violations found" when there are several. Other failures
// keep the Go validator's wording after the location.
func validationMessage(err error) string {
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return err.Error()
	}
	leaves := leafErrors(ve)
	if len(leaves) > 1 {
		return fmt.Sprintf("#: %d schema violations found", len(leaves))
	}
	if len(leaves) == 0 {
		return err.Error()
	}
	leaf := leaves[0]
	loc := "#"
	if len(leaf.InstanceLocation) > 0 {
		loc += "/" + strings.Join(leaf.InstanceLocation, "/")
	}
	switch k := leaf.ErrorKind.(type) {
	case *kind.Required:
		return fmt.Sprintf("%s: required key [%s] not found", loc, strings.Join(k.Missing, ", "))
	case *kind.Type:
		want := make([]string, len(k.Want))
		for i, w := range k.Want {
			want[i] = everitType(w)
		}
		return fmt.Sprintf("%s: expected type: %s, found: %s", loc, strings.Join(want, " or "), everitType(k.Got))
	}
	return loc + ": " + strings.TrimSpace(leaf.Error())
}

// everitType names a JSON type as everit's messages do (Java class names).
func everitType(t string) string {
	switch t {
	case "string":
		return "String"
	case "integer":
		return "Integer"
	case "number":
		return "Number"
	case "boolean":
		return "Boolean"
	case "object":
		return "JSONObject"
	case "array":
		return "JSONArray"
	case "null":
		return "Null"
	}
	return t
}

func leafErrors(ve *jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(ve.Causes) == 0 {
		return []*jsonschema.ValidationError{ve}
	}
	var out []*jsonschema.ValidationError
	for _, c := range ve.Causes {
		out = append(out, leafErrors(c)...)
	}
	return out
}
