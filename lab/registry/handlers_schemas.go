package registry

import (
	"net/http"
)

// schemaString is the response of GET /schemas/ids/{id}. schemaType is
// omitted for Avro, as the real registry does.
type schemaString struct {
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
	out := schemaString{Schema: v.schema, References: v.refs}
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
	q.w.Header().Set("Content-Type", q.respType)
	q.w.WriteHeader(http.StatusOK)
	_, _ = q.w.Write([]byte(v.schema))
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
