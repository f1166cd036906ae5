package registry

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
)

// schemaString is the response of GET /schemas/ids/{id}. schemaType is
// omitted for Avro, as the real registry does.
type schemaString struct {
	SchemaType string      `json:"schemaType,omitempty"`
	Schema     string      `json:"schema"`
	References []reference `json:"references,omitempty"`
	MaxID      *int        `json:"maxId,omitempty"`
}

// getSchemaByID is GET /schemas/ids/{id}. Soft-deleted schemas stay
// readable by id.
func (r *Registry) getSchemaByID(q *request, id int) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	v := r.st.byID(id)
	if v == nil {
		q.fail(errSchemaIDNotFound(id))
		return
	}
	text, aerr := r.st.formatted(v, q.URL.Query().Get("format"))
	if aerr != nil {
		q.fail(aerr)
		return
	}
	out := schemaString{SchemaType: storedType(v.typ), Schema: text, References: v.refs}
	if q.boolParam("fetchMaxId") {
		maxID := r.st.maxID
		out.MaxID = &maxID
	}
	q.ok(out)
}

// getRawSchemaByID is GET /schemas/ids/{id}/schema: the schema text itself.
func (r *Registry) getRawSchemaByID(q *request, id int) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	v := r.st.byID(id)
	if v == nil {
		q.fail(errSchemaIDNotFound(id))
		return
	}
	text, aerr := r.st.formatted(v, q.URL.Query().Get("format"))
	if aerr != nil {
		q.fail(aerr)
		return
	}
	q.w.Header().Set("Content-Type", q.respType)
	q.w.WriteHeader(http.StatusOK)
	_, _ = q.w.Write([]byte(text))
}

// formatted is ParsedSchema.formattedString: the stored text, or for
// Protobuf with format=serialized the base64 FileDescriptorProto
// (ProtobufSchema.formattedString in CP 7.9). Formats a type does not
// know give the stored text, as CP does. The caller holds r.mu.
func (st *state) formatted(v *subjectVersion, format string) (string, *apiError) {
	if v.typeName() != typeProtobuf || strings.TrimSpace(format) != "serialized" {
		return v.schema, nil
	}
	srcs, err := st.refSources(append([]reference(nil), v.refs...), 0, map[string]bool{})
	var s *protoSchema
	if err == nil {
		s, err = parseProto(v.schema, srcs)
	}
	if err != nil {
		return "", errStore(fmt.Sprintf("Error while parsing stored schema %s/%d: %v", v.subject, v.version, err))
	}
	return s.s.Serialized(), nil
}

type subjectVersionJSON struct {
	Subject string `json:"subject"`
	Version int    `json:"version"`
}

// getIDVersions is GET /schemas/ids/{id}/versions.
func (r *Registry) getIDVersions(q *request, id int) {
	p, ok := pageQuery(q, unlimited)
	if !ok {
		return
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.st.byID(id) == nil {
		q.fail(errSchemaIDNotFound(id))
		return
	}
	out := []subjectVersionJSON{}
	for _, v := range r.st.usages(id, q.boolParam("deleted")) {
		out = append(out, subjectVersionJSON{Subject: v.subject, Version: v.version})
	}
	if out, ok = page(q, p, out); ok {
		q.ok(out)
	}
}

// getIDSubjects is GET /schemas/ids/{id}/subjects.
func (r *Registry) getIDSubjects(q *request, id int) {
	p, ok := pageQuery(q, unlimited)
	if !ok {
		return
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.st.byID(id) == nil {
		q.fail(errSchemaIDNotFound(id))
		return
	}
	out := []string{}
	for _, v := range r.st.usages(id, q.boolParam("deleted")) {
		if len(out) == 0 || out[len(out)-1] != v.subject {
			out = append(out, v.subject)
		}
	}
	if out, ok = page(q, p, out); ok {
		q.ok(out)
	}
}

// Limits of GET /schemas: schema.search.default.limit and
// schema.search.max.limit both default to 1000 in CP 7.9
// (SchemaRegistryConfig.java); a limit outside 1..max means the default.
const schemaSearchLimit = 1000

// unlimited is the default and maximum limit of the other lists
// (subject.search.*, subject.version.search.* and context.search.*
// limits: Integer.MAX_VALUE by default in CP 7.9.4).
const unlimited = math.MaxInt32

// pagination is a list's offset and limit query parameters (CP 7.9.4's
// list resources: @DefaultValue("0") offset, @DefaultValue("-1") limit,
// the limit normalised by KafkaSchemaRegistry.normalizeLimit).
type pagination struct{ offset, limit int }

// pageQuery reads offset and limit; a limit outside 1..max is the
// default, which is max here. A value that is not an int answers 404, as
// Jersey does for a query parameter it cannot convert, and returns false.
func pageQuery(q *request, max int) (pagination, bool) {
	query := q.URL.Query()
	offset, ok1 := intParam(query.Get("offset"), 0)
	limit, ok2 := intParam(query.Get("limit"), -1)
	if !ok1 || !ok2 {
		q.fail(errHTTP(http.StatusNotFound))
		return pagination{}, false
	}
	if limit <= 0 || limit > max {
		limit = max
	}
	return pagination{offset, limit}, true
}

// page is s skipped by the offset and cut to the limit, as the resources'
// Stream.skip(offset).limit(limit); a negative offset is Stream.skip's
// IllegalArgumentException, which rest-utils' generic mapper answers 500
// with the exception's message, the offset: page answers that and
// returns false.
func page[T any](q *request, p pagination, s []T) ([]T, bool) {
	if p.offset < 0 {
		q.fail(&apiError{http.StatusInternalServerError, http.StatusInternalServerError, strconv.Itoa(p.offset)})
		return nil, false
	}
	s = s[min(p.offset, len(s)):]
	return s[:min(p.limit, len(s))], true
}

// listSchemas is GET /schemas?subjectPrefix=&deleted=&latestOnly=&offset=&limit=
// (SchemasResource.getSchemas in CP 7.9): versions of the subjects starting
// with the prefix, sorted by subject then version, soft-deleted ones only
// with deleted=true, only each subject's last one with latestOnly=true,
// then paged.
func (r *Registry) listSchemas(q *request) {
	p, ok := pageQuery(q, schemaSearchLimit)
	if !ok {
		return
	}
	deleted, latestOnly := q.boolParam("deleted"), q.boolParam("latestOnly")
	prefix := q.URL.Query().Get("subjectPrefix")

	r.mu.RLock()
	defer r.mu.RUnlock()
	out := []schemaEntity{}
	for _, s := range r.st.subjectNames(prefix, deleted, false) {
		vs := r.st.versions(s, deleted)
		if latestOnly && len(vs) > 0 {
			vs = vs[len(vs)-1:]
		}
		for _, v := range vs {
			out = append(out, entity(v))
		}
	}
	if out, ok = page(q, p, out); ok {
		q.ok(out)
	}
}

// intParam parses an int query parameter; "" gives def.
func intParam(s string, def int) (int, bool) {
	if s == "" {
		return def, true
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 32)
	if err != nil {
		return 0, false
	}
	return int(n), true
}
