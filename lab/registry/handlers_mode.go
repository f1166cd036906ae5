package registry

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// Modes, as Confluent Platform 7.9's storage.Mode enum names them
// (core/src/main/java/io/confluent/kafka/schemaregistry/storage/Mode.java).
const (
	modeReadWrite        = "READWRITE"
	modeReadOnly         = "READONLY"
	modeReadOnlyOverride = "READONLY_OVERRIDE"
	modeImport           = "IMPORT"
)

var modes = map[string]bool{modeReadWrite: true, modeReadOnly: true, modeReadOnlyOverride: true, modeImport: true}

// modeInScope is the mode in force for a subject: its own, else the global
// one, else READWRITE (InMemoryCache.mode with returnTopLevelIfNotFound).
// subject "" is the global level.
func (st *state) modeInScope(subject string) string {
	if m, ok := st.modes[subject]; ok && subject != "" {
		return m
	}
	if st.globalMode != "" {
		return st.globalMode
	}
	return modeReadWrite
}

func readOnly(mode string) bool { return mode == modeReadOnly || mode == modeReadOnlyOverride }

// errReadOnly is KafkaSchemaRegistry's refusal of a write to a subject in
// read-only mode, which CP 7.9.4 words with the subject's qualified context
// (QualifiedSubject.qualifiedContextFor: "" for the default context and
// the global level, ":.ctx:" for a subject ":.ctx:s"); the global level
// prints as "null" as Java does.
func errReadOnly(subject string) *apiError {
	context := parseSubject(subject).qualifiedContext()
	if subject == "" {
		subject = "null"
	}
	return errNotPermitted(fmt.Sprintf("Subject %s in context %s is in read-only mode", subject, context))
}

func errInvalidMode() *apiError {
	return &apiError{http.StatusUnprocessableEntity, 42204, "Invalid mode. Valid values are READWRITE, READONLY, and IMPORT."}
}

func errNoSubjectMode(subject string) *apiError {
	return &apiError{http.StatusNotFound, 40409, fmt.Sprintf("Subject '%s' does not have subject-level mode configured", subject)}
}

type modeJSON struct {
	Mode string `json:"mode"`
}

// getMode is GET /mode and GET /mode/{subject}[?defaultToGlobal=true]
// (ModeResource in CP 7.9: the global level always answers, READWRITE when
// never set; a subject without its own mode is 40409 unless
// defaultToGlobal).
func (r *Registry) getMode(q *request, subject string, global bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if global {
		q.ok(modeJSON{r.st.modeInScope("")})
		return
	}
	if m, ok := r.st.modes[subject]; ok {
		q.ok(modeJSON{m})
		return
	}
	if q.boolParam("defaultToGlobal") {
		q.ok(modeJSON{r.st.modeInScope(subject)})
		return
	}
	q.fail(errNoSubjectMode(subject))
}

// putMode is PUT /mode and PUT /mode/{subject}[?force=true]: the body
// {"mode": M} is echoed back. Switching to IMPORT needs the subjects in
// scope to be empty (else 42205 "Cannot import since found existing
// subjects") unless force; their soft-deleted versions are then removed
// permanently, as KafkaSchemaRegistry.setMode does.
func (r *Registry) putMode(q *request, subject string, global bool) {
	var body map[string]json.RawMessage
	if aerr := q.readJSON(&body, r.cfg.maxRequestBytes); aerr != nil {
		q.fail(aerr)
		return
	}
	if !global && !validSubject(subject, true) {
		q.failInvalidSubject()
		return
	}
	var given string
	if raw, ok := body["mode"]; !ok || json.Unmarshal(raw, &given) != nil {
		q.fail(errInvalidMode())
		return
	}
	mode := strings.ToUpper(given)
	if !modes[mode] {
		q.fail(errInvalidMode())
		return
	}
	force := q.boolParam("force")

	r.writeMu.Lock()
	defer r.writeMu.Unlock()
	r.mu.RLock()
	st := r.st
	var recs []storeRecord
	if mode == modeImport && st.modeInScope(subject) != modeImport && !force {
		var inScope []string // the global level covers every subject
		for s := range st.subjects {
			if global || s == subject {
				inScope = append(inScope, s)
			}
		}
		for _, s := range inScope {
			if st.hasSubject(s, false) {
				r.mu.RUnlock()
				q.fail(errNotPermitted("Cannot import since found existing subjects"))
				return
			}
		}
		for _, s := range inScope {
			for _, v := range st.versions(s, true) {
				if len(st.referencedBy(s, v.version)) > 0 {
					r.mu.RUnlock()
					q.fail(errReferenceExists(s, v.version))
					return
				}
				recs = append(recs, schemaTombstone(s, v.version))
			}
		}
		if len(recs) > 0 {
			recs = append(recs, clearSubjectRecord(subject))
		}
	}
	r.mu.RUnlock()
	recs = append(recs, modeRecord(subject, mode))
	if err := r.write(q.Context(), recs...); err != nil {
		q.fail(storeFailure("updating the mode", err))
		return
	}
	q.ok(map[string]string{"mode": given})
}

// deleteMode is DELETE /mode/{subject}: it removes the subject's own mode
// and returns it; 40401 when the subject has none (ModeResource in CP 7.9
// has no DELETE for the global level).
func (r *Registry) deleteMode(q *request, subject string) {
	r.writeMu.Lock()
	defer r.writeMu.Unlock()
	r.mu.RLock()
	old, ok := r.st.modes[subject]
	r.mu.RUnlock()
	if !ok {
		q.fail(errSubjectNotFound(subject))
		return
	}
	if err := r.write(q.Context(), modeTombstone(subject)); err != nil {
		q.fail(storeFailure("deleting the mode", err))
		return
	}
	q.ok(modeJSON{old})
}
