package registry

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// schemaEntity is the Schema response of lookup and version reads.
type schemaEntity struct {
	Subject    string      `json:"subject"`
	Version    int         `json:"version"`
	ID         int         `json:"id"`
	References []reference `json:"references,omitempty"`
	Schema     string      `json:"schema"`
}

func entity(v *subjectVersion) schemaEntity {
	return schemaEntity{Subject: v.subject, Version: v.version, ID: v.id, References: v.refs, Schema: v.schema}
}

// storeFailure turns a write error into the registry's 500 responses.
func storeFailure(op string, err error) *apiError {
	if errors.Is(err, context.DeadlineExceeded) {
		return errTimeout(fmt.Sprintf("Write to the Kafka store timed out while %s", op))
	}
	return errStore(fmt.Sprintf("Error while %s in the backend Kafka store: %v", op, err))
}

// register is POST /subjects/{subject}/versions.
func (r *Registry) register(q *request, subject string) {
	var req registerRequest
	if aerr := q.readJSON(&req, r.cfg.maxRequestBytes); aerr != nil {
		q.fail(aerr)
		return
	}
	if !validSubject(subject) {
		q.fail(errInvalidSubject(subject))
		return
	}
	if req.ID != nil && *req.ID > 0 {
		q.fail(errNotPermitted(fmt.Sprintf("Subject %s is not in import mode", subject)))
		return
	}

	r.writeMu.Lock()
	defer r.writeMu.Unlock()

	r.mu.RLock()
	st := r.st
	p, aerr := r.prepare(st, &req, q.boolParam("normalize"))
	if aerr != nil {
		r.mu.RUnlock()
		q.fail(aerr)
		return
	}
	key := identity(p.canonical, p.refs)
	id, known := st.hashes[key]
	if known {
		for _, v := range st.versions(subject, false) {
			if v.id == id {
				r.mu.RUnlock()
				q.ok(map[string]int{"id": id})
				return
			}
		}
	}
	newVersion := st.nextVersion(subject)
	if req.Version != nil && *req.Version > 0 && *req.Version != newVersion {
		r.mu.RUnlock()
		q.fail(errNotPermitted(fmt.Sprintf("Version %d is not one more than the latest version %d of subject %s", *req.Version, newVersion-1, subject)))
		return
	}
	level := st.level(subject, r.cfg.defaultLevel)
	var previous []previousSchema
	for _, v := range st.versions(subject, false) {
		s, err := r.parseStored(st, v)
		if err != nil {
			r.mu.RUnlock()
			q.fail(errStore(fmt.Sprintf("Error while parsing stored schema %s/%d: %v", subject, v.version, err)))
			return
		}
		previous = append(previous, previousSchema{version: v.version, canonical: v.schema, schema: s})
	}
	if msgs := checkLevel(level, p.schema, previous); len(msgs) > 0 {
		r.mu.RUnlock()
		q.fail(errIncompatible(subject, "["+strings.Join(msgs, ", ")+"]"))
		return
	}
	if !known {
		id = st.maxID + 1
	}
	var stale []int // soft-deleted versions of the same schema, tombstoned once it is back
	for _, v := range st.versions(subject, true) {
		if v.deleted && v.id == id {
			stale = append(stale, v.version)
		}
	}
	r.mu.RUnlock()

	sv := &subjectVersion{subject: subject, version: newVersion, id: id, schema: p.canonical, refs: p.refs}
	if err := r.write(q.Context(), schemaRecord(sv)); err != nil {
		q.fail(storeFailure("registering the schema", err))
		return
	}
	if len(stale) > 0 {
		recs := make([]storeRecord, len(stale))
		for i, v := range stale {
			recs[i] = schemaTombstone(subject, v)
		}
		if err := r.write(q.Context(), recs...); err != nil {
			r.log.Warn("tombstone re-registered schema versions", "subject", subject, "err", err)
		}
	}
	r.log.Debug("registered schema", "subject", subject, "version", newVersion, "id", id)
	q.ok(map[string]int{"id": id})
}

// lookup is POST /subjects/{subject}.
func (r *Registry) lookup(q *request, subject string) {
	var req registerRequest
	if aerr := q.readJSON(&req, r.cfg.maxRequestBytes); aerr != nil {
		q.fail(aerr)
		return
	}
	deleted := q.boolParam("deleted")
	r.mu.RLock()
	defer r.mu.RUnlock()
	if !r.st.hasSubject(subject, deleted) {
		q.fail(errSubjectNotFound(subject))
		return
	}
	p, aerr := r.prepare(r.st, &req, q.boolParam("normalize"))
	if aerr != nil {
		q.fail(aerr)
		return
	}
	if id, ok := r.st.hashes[identity(p.canonical, p.refs)]; ok {
		vs := r.st.versions(subject, deleted)
		for i := len(vs) - 1; i >= 0; i-- {
			if vs[i].id == id {
				q.ok(entity(vs[i]))
				return
			}
		}
	}
	q.fail(errSchemaNotFound())
}

// listSubjects is GET /subjects.
func (r *Registry) listSubjects(q *request) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	q.ok(r.st.subjectNames(q.URL.Query().Get("subjectPrefix"), q.boolParam("deleted"), q.boolParam("deletedOnly")))
}

// listVersions is GET /subjects/{subject}/versions.
func (r *Registry) listVersions(q *request, subject string) {
	deleted, deletedOnly := q.boolParam("deleted"), q.boolParam("deletedOnly")
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := []int{}
	for _, v := range r.st.versions(subject, deleted || deletedOnly) {
		if !deletedOnly || v.deleted {
			out = append(out, v.version)
		}
	}
	if len(out) == 0 {
		q.fail(errSubjectNotFound(subject))
		return
	}
	q.ok(out)
}

// findVersion resolves a version (or latest) of a subject.
func (st *state) findVersion(subject string, version int, latest, includeDeleted bool) *subjectVersion {
	if latest {
		vs := st.versions(subject, includeDeleted)
		if len(vs) == 0 {
			return nil
		}
		return vs[len(vs)-1]
	}
	v := st.subjects[subject][version]
	if v == nil || (v.deleted && !includeDeleted) {
		return nil
	}
	return v
}

// getVersion is GET /subjects/{subject}/versions/{version}[/schema].
func (r *Registry) getVersion(q *request, subject, vstr string, raw bool) {
	version, latest, aerr := parseVersion(vstr)
	if aerr != nil {
		q.fail(aerr)
		return
	}
	deleted := q.boolParam("deleted")
	r.mu.RLock()
	defer r.mu.RUnlock()
	v := r.st.findVersion(subject, version, latest, deleted)
	if v == nil {
		if !r.st.hasSubject(subject, deleted) {
			q.fail(errSubjectNotFound(subject))
		} else {
			q.fail(errVersionNotFound(version))
		}
		return
	}
	if raw {
		q.w.Header().Set("Content-Type", q.respType)
		q.w.WriteHeader(http.StatusOK)
		_, _ = q.w.Write([]byte(v.schema))
		return
	}
	q.ok(entity(v))
}

// referencedBy is GET /subjects/{subject}/versions/{version}/referencedby.
func (r *Registry) referencedBy(q *request, subject, vstr string) {
	version, latest, aerr := parseVersion(vstr)
	if aerr != nil {
		q.fail(aerr)
		return
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	v := r.st.findVersion(subject, version, latest, true)
	if v == nil {
		if !r.st.hasSubject(subject, true) {
			q.fail(errSubjectNotFound(subject))
		} else {
			q.fail(errVersionNotFound(version))
		}
		return
	}
	q.ok(r.st.referencedBy(subject, v.version))
}

// deleteSubject is DELETE /subjects/{subject}[?permanent=true].
func (r *Registry) deleteSubject(q *request, subject string) {
	permanent := q.boolParam("permanent")
	r.writeMu.Lock()
	defer r.writeMu.Unlock()

	r.mu.RLock()
	st := r.st
	if !st.hasSubject(subject, true) {
		r.mu.RUnlock()
		q.fail(errSubjectNotFound(subject))
		return
	}
	if !permanent && !st.hasSubject(subject, false) {
		r.mu.RUnlock()
		q.fail(errSubjectSoftDeleted(subject))
		return
	}
	targets := st.versions(subject, permanent)
	var recs []storeRecord
	deleted := []int{}
	for _, v := range targets {
		if len(st.referencedBy(subject, v.version)) > 0 {
			r.mu.RUnlock()
			q.fail(errReferenceExists(subject, v.version))
			return
		}
		if permanent && !v.deleted {
			r.mu.RUnlock()
			q.fail(errSubjectNotSoftDeleted(subject))
			return
		}
		deleted = append(deleted, v.version)
		if permanent {
			recs = append(recs, schemaTombstone(subject, v.version))
		}
	}
	if !permanent {
		recs = append(recs, deleteSubjectRecord(subject, deleted[len(deleted)-1]))
		if _, ok := st.configs[subject]; ok {
			recs = append(recs, configTombstone(subject))
		}
	}
	r.mu.RUnlock()

	if err := r.write(q.Context(), recs...); err != nil {
		q.fail(storeFailure("deleting the subject", err))
		return
	}
	q.ok(deleted)
}

// deleteVersion is DELETE /subjects/{subject}/versions/{version}[?permanent=true].
func (r *Registry) deleteVersion(q *request, subject, vstr string) {
	version, latest, aerr := parseVersion(vstr)
	if aerr != nil {
		q.fail(aerr)
		return
	}
	permanent := q.boolParam("permanent")
	r.writeMu.Lock()
	defer r.writeMu.Unlock()

	r.mu.RLock()
	st := r.st
	if !st.hasSubject(subject, true) {
		r.mu.RUnlock()
		q.fail(errSubjectNotFound(subject))
		return
	}
	v := st.findVersion(subject, version, latest, true)
	if latest && !permanent {
		v = st.findVersion(subject, 0, true, false)
	}
	if v == nil {
		r.mu.RUnlock()
		q.fail(errVersionNotFound(version))
		return
	}
	if !permanent && v.deleted {
		r.mu.RUnlock()
		q.fail(errVersionSoftDeleted(subject, v.version))
		return
	}
	if permanent && !v.deleted {
		r.mu.RUnlock()
		q.fail(errVersionNotSoftDeleted(subject, v.version))
		return
	}
	if len(st.referencedBy(subject, v.version)) > 0 {
		r.mu.RUnlock()
		q.fail(errReferenceExists(subject, v.version))
		return
	}
	var recs []storeRecord
	if permanent {
		recs = append(recs, schemaTombstone(subject, v.version))
	} else {
		soft := *v
		soft.deleted = true
		recs = append(recs, schemaRecord(&soft))
		if len(st.versions(subject, false)) == 1 { // the last live version goes: so does the subject's config
			if _, ok := st.configs[subject]; ok {
				recs = append(recs, configTombstone(subject))
			}
		}
	}
	n := v.version
	r.mu.RUnlock()

	if err := r.write(q.Context(), recs...); err != nil {
		q.fail(storeFailure("deleting the schema version", err))
		return
	}
	q.ok(n)
}
