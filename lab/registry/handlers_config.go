package registry

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// configResponse is the Config entity of GET and DELETE: the level is
// named compatibilityLevel here but compatibility in PUT bodies.
type configResponse struct {
	CompatibilityLevel string `json:"compatibilityLevel"`
}

// getConfig is GET /config and GET /config/{subject}[?defaultToGlobal=true]
// (ConfigResource in CP 7.9.4, subject "" the top level): the config
// KafkaSchemaRegistry.getConfig answers, or getConfigInScope with
// defaultToGlobal; a subject without one is 40408.
func (r *Registry) getConfig(q *request, subject string) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	l, ok := r.st.config(subject, q.boolParam("defaultToGlobal"))
	if !ok {
		q.fail(errNoSubjectConfig(subject))
		return
	}
	if l == "" {
		l = r.cfg.defaultLevel
	}
	q.ok(configResponse{l})
}

// putConfig is PUT /config and PUT /config/{subject}: the body is
// {"compatibility": LEVEL}. CP 7.9.4 stores the request over the stored
// config (ConfigValue.update): an absent level keeps the stored one, a
// null one clears it, and with no stored config either makes a config
// without a level. It answers the config it stored
// (ConfigUpdateRequest(config), NON_NULL): {} when it has no level.
func (r *Registry) putConfig(q *request, subject string) {
	var body map[string]json.RawMessage
	if aerr := q.readJSON(&body, r.cfg.maxRequestBytes); aerr != nil {
		q.fail(aerr)
		return
	}
	for k, v := range body {
		switch k {
		case "compatibility":
		default:
			if s := strings.TrimSpace(string(v)); s != "null" && s != "false" && s != `""` {
				q.fail(&apiError{http.StatusUnprocessableEntity, 42203,
					fmt.Sprintf("Config field %q is not supported by this registry; only compatibility can be set", k)})
				return
			}
		}
	}
	raw, given := body["compatibility"]
	level := ""
	if given && strings.TrimSpace(string(raw)) != "null" {
		var name string
		if err := json.Unmarshal(raw, &name); err != nil {
			q.fail(errInvalidCompatibility())
			return
		}
		level = strings.ToUpper(name)
		if !levels[level] {
			q.fail(errInvalidCompatibility())
			return
		}
	}
	if subject != "" && !validSubject(subject, true) {
		q.failInvalidSubject()
		return
	}
	r.writeMu.Lock()
	defer r.writeMu.Unlock()
	r.mu.RLock()
	ro := readOnly(r.st.modeInScope(subject))
	if !given {
		level = r.st.configs[subject]
	}
	r.mu.RUnlock()
	if ro {
		q.fail(errReadOnly(subject))
		return
	}
	if err := r.write(q.Context(), configRecord(subject, level)); err != nil {
		q.fail(storeFailure("updating the compatibility level", err))
		return
	}
	stored := map[string]string{}
	if level != "" {
		stored["compatibility"] = level
	}
	q.ok(stored)
}

// deleteConfig is DELETE /config and DELETE /config/{subject}: it removes
// the config and answers the one KafkaSchemaRegistry.getConfig found.
func (r *Registry) deleteConfig(q *request, subject string) {
	r.writeMu.Lock()
	defer r.writeMu.Unlock()
	// ConfigResource looks the config up first (40401), then the store
	// refuses a subject in read-only mode (42205).
	r.mu.RLock()
	old, ok := r.st.config(subject, false)
	if !ok {
		r.mu.RUnlock()
		q.fail(errSubjectNotFound(subject))
		return
	}
	if old == "" {
		old = r.cfg.defaultLevel
	}
	ro := readOnly(r.st.modeInScope(subject))
	r.mu.RUnlock()
	if ro {
		q.fail(errReadOnly(subject))
		return
	}
	if err := r.write(q.Context(), configTombstone(subject)); err != nil {
		q.fail(storeFailure("deleting the compatibility level", err))
		return
	}
	q.ok(configResponse{old})
}

// compatibilityResponse is {"is_compatible": b} plus messages with verbose.
type compatibilityResponse struct {
	IsCompatible bool      `json:"is_compatible"`
	Messages     *[]string `json:"messages,omitempty"`
}

// checkCompatibility is POST /compatibility/subjects/{subject}/versions[/{version}].
func (r *Registry) checkCompatibility(q *request, subject, vstr string, one bool) {
	var req registerRequest
	if aerr := q.readJSON(&req, r.cfg.maxRequestBytes); aerr != nil {
		q.fail(aerr)
		return
	}
	verbose := q.boolParam("verbose")
	version, latest := 0, true
	if one {
		var aerr *apiError
		if version, latest, aerr = parseVersion(vstr); aerr != nil {
			q.fail(aerr)
			return
		}
	}
	// The schemas are copied under the read lock, then parsed and checked
	// without it, so a slow check holds up no other request.
	r.mu.RLock()
	st := r.st
	var against []*subjectVersion
	switch {
	case !one:
		against = st.versions(subject, false)
	default:
		v := st.findVersion(subject, version, latest, false)
		if v == nil && !latest {
			r.mu.RUnlock()
			q.fail(errVersionNotFound(version))
			return
		}
		if v != nil {
			against = []*subjectVersion{v}
		}
	}
	pending, aerr := r.gather(st, &req, q.boolParam("normalize"))
	stored := st.storedSources(against)
	level := st.level(subject, r.cfg.defaultLevel)
	r.mu.RUnlock()
	var p *prepared
	if aerr == nil {
		p, aerr = pending.parse()
	}
	if aerr != nil {
		if verbose && aerr.code == 42201 {
			msgs := []string{aerr.msg}
			q.ok(compatibilityResponse{IsCompatible: false, Messages: &msgs})
			return
		}
		q.fail(aerr)
		return
	}
	previous, aerr := parseStored(subject, stored)
	if aerr != nil {
		q.fail(aerr)
		return
	}
	// Against one version the level's transitivity makes no difference;
	// against all versions it applies as it does on register.
	msgs, err := checkLevel(level, p.schema, previous)
	if err != nil {
		q.fail(errInvalidSchema(fmt.Sprintf("Invalid schema %s with refs %s of type %s, details: %v", p.canonical, refsString(p.refs), p.typ, err)))
		return
	}
	resp := compatibilityResponse{IsCompatible: len(msgs) == 0}
	if verbose {
		if msgs == nil {
			msgs = []string{}
		}
		resp.Messages = &msgs
	}
	q.ok(resp)
}
