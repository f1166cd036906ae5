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

// ownMode is the mode stored for subject ("" the top level).
func (st *state) ownMode(subject string) (string, bool) {
	if subject == "" {
		return st.globalMode, st.globalMode != ""
	}
	m, ok := st.modes[subject]
	return m, ok
}

// lookupMode is InMemoryCache.mode (CP 7.9.4): the subject's own mode;
// in scope, else its context's (the top level's for the default context),
// else the .__GLOBAL context's, else READWRITE. Out of scope, a subject
// without its own mode has none ("") but for the top level and the
// .__GLOBAL context, which answer READWRITE.
func (st *state) lookupMode(subject string, inScope bool) string {
	if m, ok := st.ownMode(subject); ok {
		return m
	}
	q := parseSubject(subject)
	if !inScope {
		if subject == "" || q.context == globalContext {
			return modeReadWrite
		}
		return ""
	}
	if m, ok := st.ownMode(q.qualifiedContext()); ok {
		return m
	}
	if m, ok := st.modes[globalContextName]; ok {
		return m
	}
	return modeReadWrite
}

// modeOf is KafkaSchemaRegistry.getMode (inScope false) and getModeInScope
// (inScope true): the top level's mode when it is READONLY_OVERRIDE, else
// the subject's. subject "" is the top level.
func (st *state) modeOf(subject string, inScope bool) string {
	if top := st.lookupMode("", inScope); top == modeReadOnlyOverride {
		return top
	}
	return st.lookupMode(subject, inScope)
}

// modeInScope is the mode in force for a subject (getModeInScope).
func (st *state) modeInScope(subject string) string { return st.modeOf(subject, true) }

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
// (ModeResource.getMode in CP 7.9.4, subject "" the top level): the mode
// KafkaSchemaRegistry.getMode answers, or getModeInScope with
// defaultToGlobal; a subject without one is 40409.
func (r *Registry) getMode(q *request, subject string) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if m := r.st.modeOf(subject, q.boolParam("defaultToGlobal")); m != "" {
		q.ok(modeJSON{m})
		return
	}
	q.fail(errNoSubjectMode(subject))
}

// putMode is PUT /mode and PUT /mode/{subject}[?force=true]: the body
// {"mode": M} is echoed back. Switching to IMPORT needs the subjects in
// scope (every one for the top level, a context's own for ":.ctx:") to be
// empty (else 42205 "Cannot import since found existing
// subjects") unless force; their soft-deleted versions are then removed
// permanently, as KafkaSchemaRegistry.setMode does.
func (r *Registry) putMode(q *request, subject string) {
	var body map[string]json.RawMessage
	if aerr := q.readJSON(&body, r.cfg.maxRequestBytes); aerr != nil {
		q.fail(aerr)
		return
	}
	if !validSubject(subject, true) {
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
		var covered []string // the top level covers every subject, a context its own
		for s := range st.subjects {
			if inScope(subject, s) {
				covered = append(covered, s)
			}
		}
		for _, s := range covered {
			if st.hasSubject(s, false) {
				r.mu.RUnlock()
				q.fail(errNotPermitted("Cannot import since found existing subjects"))
				return
			}
		}
		for _, s := range covered {
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
// and answers the mode getMode found, which is the top level's when that
// is READONLY_OVERRIDE; 40401 when there is none (ModeResource in CP 7.9
// has no DELETE for the global level).
func (r *Registry) deleteMode(q *request, subject string) {
	r.writeMu.Lock()
	defer r.writeMu.Unlock()
	r.mu.RLock()
	old := r.st.modeOf(subject, false)
	r.mu.RUnlock()
	if old == "" {
		q.fail(errSubjectNotFound(subject))
		return
	}
	if err := r.write(q.Context(), modeTombstone(subject)); err != nil {
		q.fail(storeFailure("deleting the mode", err))
		return
	}
	q.ok(modeJSON{old})
}
