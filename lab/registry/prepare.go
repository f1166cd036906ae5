package registry

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
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
	typ       string // AVRO, JSON or PROTOBUF
	canonical string
	refs      []reference
	schema    parsedSchema
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

// pendingSchema is a request's schema with the texts of everything it
// references, copied from the state under the read lock so that parsing,
// the costly part, can run without it.
type pendingSchema struct {
	text, typ string
	refs      []reference
	srcs      []refSource
	normalize bool
}

// refSource is a referenced version's text and, before it, the sources of
// its own references.
type refSource struct {
	name    string
	subject string
	version int
	text    string
	deps    []refSource
}

func (p *pendingSchema) invalid(details string) *apiError {
	return errInvalidSchema(fmt.Sprintf("Invalid schema %s with refs %s of type %s, details: %s", p.text, refsString(p.refs), p.typ, details))
}

// gather validates a request and copies the sources its references need.
// The caller holds r.mu.
func (r *Registry) gather(st *state, req *registerRequest, normalize bool) (*pendingSchema, *apiError) {
	p := &pendingSchema{typ: "AVRO", refs: req.References}
	if req.Schema != nil {
		p.text = *req.Schema
	}
	if req.SchemaType != nil && *req.SchemaType != "" {
		p.typ = *req.SchemaType
	}
	if !schemaTypes[p.typ] {
		// KafkaSchemaRegistry.parseSchema: "Invalid schema type " + type.
		return nil, errInvalidSchema("Invalid schema type " + p.typ)
	}
	if !isJSONNull(req.Metadata) || !isJSONNull(req.RuleSet) {
		return nil, p.invalid("schema metadata and rule sets are not supported by this registry")
	}
	if normalize && p.typ == typeAvro {
		return nil, p.invalid("normalize=true is not supported by this registry for AVRO schemas")
	}
	p.normalize = normalize
	p.refs = append([]reference(nil), req.References...)
	srcs, err := st.refSources(p.refs, 0, map[string]bool{})
	if err != nil {
		return nil, p.invalid(err.Error())
	}
	p.srcs = srcs
	return p, nil
}

// parse parses the schema and its references; no lock is needed.
func (p *pendingSchema) parse() (*prepared, *apiError) {
	switch p.typ {
	case typeJSON:
		return p.parseJSONSchema()
	case typeProtobuf:
		return p.parseProtobuf()
	}
	known := map[string]bool{}
	defined := map[string]*avroSchema{}
	if err := parseRefSources(p.srcs, known, defined); err != nil {
		return nil, p.invalid(err.Error())
	}
	s, err := parseAvro(p.text, defined)
	if err != nil {
		return nil, p.invalid(err.Error())
	}
	return &prepared{typ: typeAvro, canonical: canonicalString(s, known), refs: p.refs, schema: s}, nil
}

// storedSource is a stored version copied for parsing outside the lock.
type storedSource struct {
	typ     string
	version int
	text    string
	srcs    []refSource
	err     error // a reference that no longer resolves
}

// storedSources copies the given versions. The caller holds r.mu.
func (st *state) storedSources(vs []*subjectVersion) []storedSource {
	out := make([]storedSource, len(vs))
	for i, v := range vs {
		srcs, err := st.refSources(append([]reference(nil), v.refs...), 0, map[string]bool{})
		out[i] = storedSource{typ: v.typeName(), version: v.version, text: v.schema, srcs: srcs, err: err}
	}
	return out
}

// parseStored parses stored versions for checks; no lock is needed.
func parseStored(subject string, srcs []storedSource) ([]previousSchema, *apiError) {
	out := make([]previousSchema, 0, len(srcs))
	for _, src := range srcs {
		err := src.err
		var s parsedSchema
		if err == nil {
			s, err = parseStoredSchema(src)
		}
		if err != nil {
			return nil, errStore(fmt.Sprintf("Error while parsing stored schema %s/%d: %v", subject, src.version, err))
		}
		out = append(out, previousSchema{version: src.version, canonical: src.text, schema: s})
	}
	return out, nil
}

// refSources copies, transitively, the versions references name. Like
// AbstractSchemaProvider.resolveReferences (CP 7.9) each reference name is
// followed once, so shared references cost nothing more; a reference to
// version -1 is resolved to the latest version and rewritten in refs. The
// caller holds r.mu.
func (st *state) refSources(refs []reference, depth int, visited map[string]bool) ([]refSource, error) {
	if depth > 32 {
		return nil, fmt.Errorf("schema references nest too deeply")
	}
	var out []refSource
	for i, ref := range refs {
		var v *subjectVersion
		if ref.Version == -1 {
			if vs := st.versions(ref.Subject, false); len(vs) > 0 {
				v = vs[len(vs)-1]
			}
		} else {
			v = st.subjects[ref.Subject][ref.Version]
		}
		if v == nil {
			return nil, fmt.Errorf("No schema reference found for subject \"%s\" and version %d", ref.Subject, ref.Version)
		}
		refs[i].Version = v.version
		if visited[ref.Name] {
			continue
		}
		visited[ref.Name] = true
		deps, err := st.refSources(append([]reference(nil), v.refs...), depth+1, visited)
		if err != nil {
			return nil, err
		}
		out = append(out, refSource{name: ref.Name, subject: v.subject, version: v.version, text: v.schema, deps: deps})
	}
	return out, nil
}

// parseRefSources parses referenced schemas, dependencies first, collecting
// the named types they define (visible to the referencing schema) and the
// full names of their top-level types (written as names in the canonical
// string).
func parseRefSources(srcs []refSource, known map[string]bool, defined map[string]*avroSchema) error {
	for _, src := range srcs {
		if err := parseRefSources(src.deps, known, defined); err != nil {
			return err
		}
		s, err := parseAvro(src.text, defined)
		if err != nil {
			return fmt.Errorf("parse reference %s: %w", src.name, err)
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
