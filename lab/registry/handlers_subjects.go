package registry

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// schemaEntity is the Schema response of lookup and version reads.
// schemaType is omitted for Avro (SchemaTypeConverter in CP 7.9).
type schemaEntity struct {
	Subject    string      `json:"subject"`
	Version    int         `json:"version"`
	ID         int         `json:"id"`
	SchemaType string      `json:"schemaType,omitempty"`
	References []reference `json:"references,omitempty"`
	Schema     string      `json:"schema"`
}

func entity(v *subjectVersion) schemaEntity {
	return schemaEntity{Subject: v.subject, Version: v.version, ID: v.id, SchemaType: storedType(v.typ), References: v.refs, Schema: v.schema}
}

// storeFailure turns a write error into the registry's 500 responses.
func storeFailure(op string, err error) *apiError {
	if errors.Is(err, context.DeadlineExceeded) {
		return errTimeout(fmt.Sprintf("Write to the Kafka store timed out while %s", op))
	}
	return errStore(fmt.Sprintf("Error while %s in the backend Kafka store: %v", op, err))
}

// register is POST /subjects/{subject}/versions (KafkaSchemaRegistry.register
// in CP 7.9). The compatibility check, the expensive part, runs without any
// registry-wide lock: the inputs are copied under the read lock, checked,
// and the result is committed only if the subject, its level and mode did
// not change meanwhile (else the check runs again).
func (r *Registry) register(q *request, subject string) {
	var req registerRequest
	if aerr := q.readJSON(&req, r.cfg.maxRequestBytes); aerr != nil {
		q.fail(aerr)
		return
	}
	if !validSubject(subject, false) {
		q.failInvalidSubject()
		return
	}
	// Registrations to one subject take turns, so they do not invalidate
	// each other's checks; other subjects are not held up.
	unlock := r.subjectMu.lock(subject)
	defer unlock()
	for attempt := 0; ; attempt++ {
		done, aerr := r.tryRegister(q, subject, &req)
		if aerr != nil {
			q.fail(aerr)
			return
		}
		if done {
			return
		}
		if attempt == maxRegisterAttempts {
			q.fail(errStore(fmt.Sprintf("Error while registering the schema: subject %s kept changing during %d compatibility checks", subject, maxRegisterAttempts)))
			return
		}
	}
}

// maxRegisterAttempts bounds how often a registration re-runs its check
// because the subject, its level or its mode changed (by a delete, config
// or mode request) while it was checking.
const maxRegisterAttempts = 5

// subjectSnapshot is what a registration's decision depends on; a
// registration commits only if it is unchanged.
func (st *state) subjectSnapshot(subject, defaultLevel string) string {
	var b strings.Builder
	b.WriteString(st.level(subject, defaultLevel))
	b.WriteByte('|')
	b.WriteString(st.modeInScope(subject))
	for _, v := range st.versions(subject, true) {
		fmt.Fprintf(&b, "|%d:%d:%t", v.version, v.id, v.deleted)
	}
	return b.String()
}

// tryRegister makes one attempt; done=false means the subject changed
// during the check and the caller should try again.
func (r *Registry) tryRegister(q *request, subject string, req *registerRequest) (done bool, aerr *apiError) {
	importID := -1
	if req.ID != nil {
		importID = *req.ID
	}
	r.mu.RLock()
	st := r.st
	mode := st.modeInScope(subject)
	switch {
	case readOnly(mode):
		r.mu.RUnlock()
		return false, errReadOnly(subject)
	case importID >= 0 && mode != modeImport:
		r.mu.RUnlock()
		return false, errNotPermitted(fmt.Sprintf("Subject %s is not in import mode", subject))
	case importID < 0 && mode != modeReadWrite:
		r.mu.RUnlock()
		return false, errNotPermitted(fmt.Sprintf("Subject %s is not in read-write mode", subject))
	}
	pending, aerr := r.gather(st, req, q.boolParam("normalize"))
	if aerr != nil {
		r.mu.RUnlock()
		return false, aerr
	}
	snapshot := st.subjectSnapshot(subject, r.cfg.defaultLevel)
	level := st.level(subject, r.cfg.defaultLevel)
	var stored []storedSource
	if mode != modeImport {
		stored = st.storedSources(st.versions(subject, false))
	}
	r.mu.RUnlock()

	// Parsing and checking run without the lock.
	p, aerr := pending.parse()
	if aerr != nil {
		return false, aerr
	}
	key := identity(p.typ, p.canonical, p.refs)
	r.mu.RLock()
	if v := r.st.underSubject(subject, key, false); v != nil && (importID < 0 || importID == v.id) && (req.Version == nil || *req.Version == 0) {
		r.mu.RUnlock()
		q.ok(map[string]int{"id": v.id})
		return true, nil
	}
	r.mu.RUnlock()
	previous, aerr := parseStored(subject, stored)
	if aerr != nil {
		return false, aerr
	}

	if r.checkHook != nil {
		r.checkHook(subject)
	}
	msgs, err := checkLevel(level, p.schema, previous)
	if err != nil {
		return false, errInvalidSchema(fmt.Sprintf("Invalid schema %s with refs %s of type %s, details: %v", p.canonical, refsString(p.refs), p.typ, err))
	}
	if len(msgs) > 0 {
		return false, errIncompatible(subject, "["+strings.Join(msgs, ", ")+"]")
	}

	r.writeMu.Lock()
	defer r.writeMu.Unlock()
	r.mu.RLock()
	st = r.st
	if st.subjectSnapshot(subject, r.cfg.defaultLevel) != snapshot {
		r.mu.RUnlock()
		return false, nil
	}
	newVersion := st.nextVersion(subject)
	if req.Version != nil && *req.Version > 0 && *req.Version != newVersion {
		if mode != modeImport {
			r.mu.RUnlock()
			return false, errInvalidSchema("Version is not one more than previous version")
		}
		newVersion = *req.Version
	}
	id, known := st.hashes[key]
	switch {
	case importID >= 0:
		if old := st.byID(importID); old != nil && old.ident() != key {
			r.mu.RUnlock()
			return false, errNotPermitted(fmt.Sprintf("Overwrite new schema with id %d is not permitted.", importID))
		}
		id = importID
	case !known:
		id = st.maxID + 1
	}
	var stale []int // soft-deleted versions of the same schema, tombstoned once it is back
	for _, v := range st.versions(subject, true) {
		if v.deleted && v.id == id && v.version < newVersion {
			stale = append(stale, v.version)
		}
	}
	// The first registration in a context records the context.
	ctx := parseSubject(subject).context
	newContext := ctx != defaultContext && !st.contexts[ctx]
	r.mu.RUnlock()

	recs := make([]storeRecord, 0, len(stale)+2)
	if newContext {
		recs = append(recs, contextRecord(ctx))
	}
	for _, v := range stale {
		recs = append(recs, schemaTombstone(subject, v))
	}
	sv := &subjectVersion{subject: subject, version: newVersion, id: id, typ: storedType(p.typ), schema: p.canonical, refs: p.refs}
	recs = append(recs, schemaRecord(sv))
	if err := r.write(q.Context(), recs...); err != nil {
		return false, storeFailure("registering the schema", err)
	}
	r.log.Debug("registered schema", "subject", subject, "version", newVersion, "id", id)
	q.ok(map[string]int{"id": id})
	return true, nil
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
	// The subject, else the subject of that name in each recorded context
	// (lookUpSchemaUnderSubjectUsingContexts); not found there, 40401 when
	// the subject itself has no version.
	var candidates []string
	for _, s := range r.st.subjectsUsingContexts(subject) {
		if r.st.hasSubject(s, deleted) {
			candidates = append(candidates, s)
		}
	}
	if len(candidates) == 0 {
		r.mu.RUnlock()
		q.fail(errSubjectNotFound(subject))
		return
	}
	pending, aerr := r.gather(r.st, &req, q.boolParam("normalize"))
	r.mu.RUnlock()
	if aerr != nil {
		q.fail(aerr)
		return
	}
	p, aerr := pending.parse() // without the lock
	if aerr != nil {
		q.fail(aerr)
		return
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, s := range candidates {
		if v := r.st.underSubject(s, identity(p.typ, p.canonical, p.refs), deleted); v != nil {
			q.ok(entity(v))
			return
		}
	}
	if !r.st.hasSubject(subject, deleted) {
		q.fail(errSubjectNotFound(subject))
		return
	}
	q.fail(errSchemaNotFound())
}

// listSubjects is GET /subjects.
func (r *Registry) listSubjects(q *request) {
	p, ok := pageQuery(q, unlimited)
	if !ok {
		return
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	if out, ok := page(q, p, r.st.subjectNames(q.URL.Query().Get("subjectPrefix"), q.boolParam("deleted"), q.boolParam("deletedOnly"))); ok {
		q.ok(out)
	}
}

// listVersions is GET /subjects/{subject}/versions: a subject with no
// version, soft-deleted ones counted with deleted or deletedOnly, is not
// found; otherwise its versions, deleted ones too with deleted, those
// alone with deletedOnly (an empty list when there is none), paged
// (SubjectVersionsResource.listVersions, v7.9.4).
func (r *Registry) listVersions(q *request, subject string) {
	p, ok := pageQuery(q, unlimited)
	if !ok {
		return
	}
	deleted, deletedOnly := q.boolParam("deleted"), q.boolParam("deletedOnly")
	r.mu.RLock()
	defer r.mu.RUnlock()
	vs := r.st.versions(subject, deleted || deletedOnly)
	if len(vs) == 0 {
		q.fail(errSubjectNotFound(subject))
		return
	}
	out := []int{}
	for _, v := range vs {
		if !deletedOnly || v.deleted {
			out = append(out, v.version)
		}
	}
	if out, ok = page(q, p, out); ok {
		q.ok(out)
	}
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
	r.mu.RLock()
	defer r.mu.RUnlock()
	v := r.st.versionUsingContexts(q, subject, version, latest, q.boolParam("deleted"))
	if v == nil {
		return
	}
	text, aerr := r.st.formatted(v, q.URL.Query().Get("format"))
	if aerr != nil {
		q.fail(aerr)
		return
	}
	if raw {
		q.w.Header().Set("Content-Type", q.respType)
		q.w.WriteHeader(http.StatusOK)
		_, _ = q.w.Write([]byte(text))
		return
	}
	e := entity(v)
	e.Schema = text
	q.ok(e)
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
	if v := r.st.versionUsingContexts(q, subject, version, latest, true); v != nil {
		q.ok(r.st.referencedBy(v.subject, v.version))
	}
}

// versionUsingContexts is SubjectVersionsResource.getSchemaByVersion's
// read (KafkaSchemaRegistry.getUsingContexts): the subject's version, else
// the version of the first subject of that name in a recorded context that
// has it; without one, it fails the request with 40401 when the subject
// has no version, else 40402.
func (st *state) versionUsingContexts(q *request, subject string, version int, latest, deleted bool) *subjectVersion {
	for _, s := range st.subjectsUsingContexts(subject) {
		if v := st.findVersion(s, version, latest, deleted); v != nil {
			return v
		}
	}
	if !st.hasSubject(subject, deleted) {
		q.fail(errSubjectNotFound(subject))
	} else {
		q.fail(errVersionNotFound(version))
	}
	return nil
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
	if readOnly(st.modeInScope(subject)) {
		r.mu.RUnlock()
		q.fail(errReadOnly(subject))
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
		// KafkaSchemaRegistry.deleteSubject (CP 7.9): the subject's mode
		// and config go with it.
		recs = append(recs, deleteSubjectRecord(subject, deleted[len(deleted)-1]))
		if _, ok := st.modes[subject]; ok {
			recs = append(recs, modeTombstone(subject))
		}
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
	if readOnly(st.modeInScope(subject)) {
		r.mu.RUnlock()
		q.fail(errReadOnly(subject))
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
		if len(st.versions(subject, false)) == 1 { // the last live version goes: so do the subject's mode and config
			if _, ok := st.modes[subject]; ok {
				recs = append(recs, modeTombstone(subject))
			}
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
