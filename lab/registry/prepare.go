package registry

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// registerRequest is the body of register, lookup and compatibility calls
// (RegisterSchemaRequest; unknown fields are ignored).
type registerRequest struct {
	Schema     *string         `json:"schema"`
	SchemaType *string         `json:"schemaType"`
	References []reference     `json:"references"`
	Version    *int            `json:"version"`
	ID         *int            `json:"id"`
	Metadata   json.RawMessage `json:"metadata"`
	RuleSet    json.RawMessage `json:"ruleSet"`
}

// prepared is a parsed, canonicalised schema ready to be compared,
// checked and stored.
type prepared struct {
	canonical string
	refs      []reference
	schema    *avroSchema
}

func isJSONNull(raw json.RawMessage) bool {
	s := strings.TrimSpace(string(raw))
	return s == "" || s == "null"
}

func refsString(refs []reference) string {
	parts := make([]string, len(refs))
	for i, r := range refs {
		parts[i] = fmt.Sprintf("{name='%s', subject='%s', version=%d}", r.Name, r.Subject, r.Version)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// prepare validates and parses a request's schema against the state (which
// resolves references). The caller holds r.mu.
func (r *Registry) prepare(st *state, req *registerRequest, normalize bool) (*prepared, *apiError) {
	text := ""
	if req.Schema != nil {
		text = *req.Schema
	}
	typ := "AVRO"
	if req.SchemaType != nil && *req.SchemaType != "" {
		typ = *req.SchemaType
	}
	invalid := func(details string) *apiError {
		return errInvalidSchema(fmt.Sprintf("Invalid schema %s with refs %s of type %s, details: %s", text, refsString(req.References), typ, details))
	}
	if typ != "AVRO" {
		// Only the Avro schema provider is loaded, as in a registry whose
		// schema.providers leaves out JSON Schema and Protobuf.
		return nil, errInvalidSchema("Invalid schema type " + typ)
	}
	if !isJSONNull(req.Metadata) || !isJSONNull(req.RuleSet) {
		return nil, invalid("schema metadata and rule sets are not supported by this registry")
	}
	if normalize {
		return nil, invalid("normalize=true is not supported by this registry")
	}
	known := map[string]bool{}
	defined := map[string]*avroSchema{}
	if err := r.resolveRefs(st, req.References, known, defined, 0); err != nil {
		return nil, invalid(err.Error())
	}
	s, err := parseAvro(text, defined)
	if err != nil {
		return nil, invalid(err.Error())
	}
	return &prepared{canonical: canonicalString(s, known), refs: req.References, schema: s}, nil
}

// parseStored parses a stored version (and its references) for checks.
func (r *Registry) parseStored(st *state, v *subjectVersion) (*avroSchema, error) {
	defined := map[string]*avroSchema{}
	if err := r.resolveRefs(st, v.refs, map[string]bool{}, defined, 0); err != nil {
		return nil, err
	}
	return parseAvro(v.schema, defined)
}

// resolveRefs parses referenced schemas, transitively, collecting the named
// types they define (visible to the referencing schema) and the full names
// of their top-level types (written as names in the canonical string).
func (r *Registry) resolveRefs(st *state, refs []reference, known map[string]bool, defined map[string]*avroSchema, depth int) error {
	if depth > 32 {
		return fmt.Errorf("schema references nest too deeply")
	}
	for _, ref := range refs {
		var v *subjectVersion
		if ref.Version == -1 {
			if vs := st.versions(ref.Subject, false); len(vs) > 0 {
				v = vs[len(vs)-1]
			}
		} else {
			v = st.subjects[ref.Subject][ref.Version]
		}
		if v == nil {
			return fmt.Errorf("No schema reference found for subject \"%s\" and version %d", ref.Subject, ref.Version)
		}
		if err := r.resolveRefs(st, v.refs, known, defined, depth+1); err != nil {
			return err
		}
		s, err := parseAvro(v.schema, defined)
		if err != nil {
			return fmt.Errorf("parse reference %s: %w", ref.Name, err)
		}
		if s.named() {
			known[s.name.full()] = true
		}
		collectNamed(s, defined, map[*avroSchema]bool{})
	}
	return nil
}

func collectNamed(s *avroSchema, into map[string]*avroSchema, seen map[*avroSchema]bool) {
	if seen[s] {
		return
	}
	seen[s] = true
	if s.named() {
		into[s.name.full()] = s
	}
	for _, f := range s.fields {
		collectNamed(f.typ, into, seen)
	}
	for _, b := range s.branches {
		collectNamed(b, into, seen)
	}
	if s.items != nil {
		collectNamed(s.items, into, seen)
	}
	if s.values != nil {
		collectNamed(s.values, into, seen)
	}
}

// parseVersion reads a version path segment: 1..2^31-1, "latest" or -1.
func parseVersion(s string) (version int, latest bool, aerr *apiError) {
	t := strings.TrimSpace(s)
	if strings.EqualFold(t, "latest") {
		return 0, true, nil
	}
	n, err := strconv.ParseInt(t, 10, 32)
	if err != nil {
		return 0, false, errInvalidVersion(s)
	}
	if n == -1 {
		return 0, true, nil
	}
	if n <= 0 {
		return 0, false, errInvalidVersion(s)
	}
	return int(n), false, nil
}

// validSubject rejects subjects the registry refuses: empty or holding
// control characters.
func validSubject(s string) bool {
	if strings.TrimSpace(s) == "" {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}
