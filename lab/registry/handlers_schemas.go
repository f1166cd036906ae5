package registry

import (
	"fmt"
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
	q.ok(out)
}

// getIDSubjects is GET /schemas/ids/{id}/subjects.
func (r *Registry) getIDSubjects(q *request, id int) {
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
	q.ok(out)
}

// Limits of GET /schemas: schema.search.default.limit and
// schema.search.max.limit both default to 1000 in CP 7.9
// (SchemaRegistryConfig.java); a limit outside 1..max means the default.
const schemaSearchLimit = 1000

// listSchemas is GET /schemas?subjectPrefix=&deleted=&latestOnly=&offset=&limit=
// (SchemasResource.getSchemas in CP 7.9): versions of the subjects starting
// with the prefix, sorted by subject then version, soft-deleted ones only
// with deleted=true, only each subject's last one with latestOnly=true,
// then paged.
func (r *Registry) listSchemas(q *request) {
	query := q.URL.Query()
	offset, ok1 := intParam(query.Get("offset"), 0)
	limit, ok2 := intParam(query.Get("limit"), -1)
	if !ok1 || !ok2 {
		// Jersey answers 404 when a query parameter does not convert.
		q.fail(errHTTP(http.StatusNotFound))
		return
	}
	if offset < 0 {
		// Stream.skip throws IllegalArgumentException, which rest-utils'
		// generic mapper turns into a 500 carrying the exception message.
		q.fail(&apiError{http.StatusInternalServerError, http.StatusInternalServerError, strconv.Itoa(offset)})
		return
	}
	if limit <= 0 || limit > schemaSearchLimit {
		limit = schemaSearchLimit
	}
	deleted, latestOnly := q.boolParam("deleted"), q.boolParam("latestOnly")
	prefix := query.Get("subjectPrefix")

	r.mu.RLock()
	defer r.mu.RUnlock()
	out := []schemaEntity{}
	skipped := 0
	for _, s := range r.st.subjectNames(prefix, deleted, false) {
		vs := r.st.versions(s, deleted)
		if latestOnly && len(vs) > 0 {
			vs = vs[len(vs)-1:]
		}
		for _, v := range vs {
			if skipped < offset {
				skipped++
				continue
			}
			if len(out) == limit {
				q.ok(out)
				return
			}
			out = append(out, entity(v))
		}
	}
	q.ok(out)
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
