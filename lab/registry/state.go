package registry

import (
	"encoding/json"
	"maps"
	"slices"
	"sort"
	"strings"
)

// reference is a schema reference: a named type defined by another
// subject's version.
type reference struct {
	Name    string `json:"name"`
	Subject string `json:"subject"`
	Version int    `json:"version"`
}

// subjectVersion is one registered version of a subject.
type subjectVersion struct {
	subject string
	version int
	id      int
	typ     string // "" or AVRO for Avro, JSON, PROTOBUF
	schema  string // canonical string
	refs    []reference
	deleted bool
}

// state is everything the registry knows, rebuilt from the `_schemas`
// topic. It is only changed by apply, which the log reader calls.
type state struct {
	subjects   map[string]map[int]*subjectVersion
	ids        map[int]map[*subjectVersion]bool // id -> the versions holding it
	hashes     map[string]int                   // schema identity (canonical + references) -> id
	maxID      int
	configs    map[string]string // subject ("" the top level) -> its config's level, "" when it has none
	modes      map[string]string // subject -> mode
	globalMode string            // global mode, "" when not set
	contexts   map[string]bool   // contexts with a CONTEXT record, ".ctx"
}

func newState() *state {
	return &state{
		subjects: map[string]map[int]*subjectVersion{},
		ids:      map[int]map[*subjectVersion]bool{},
		hashes:   map[string]int{},
		configs:  map[string]string{},
		modes:    map[string]string{},
		contexts: map[string]bool{},
	}
}

// identity is what makes two registrations the same schema: the canonical
// string and the references (Confluent hashes the same inputs with MD5).
// The schema type is part of it for JSON Schema and Protobuf.
func identity(typ, canonical string, refs []reference) string {
	if typ != "" && typ != typeAvro {
		canonical = typ + "\x00" + canonical
	}
	if len(refs) == 0 {
		return canonical
	}
	b, _ := json.Marshal(refs)
	return canonical + "\x00" + string(b)
}

// typeName is the version's schema type, AVRO when none is recorded.
func (v *subjectVersion) typeName() string {
	if v.typ == "" {
		return typeAvro
	}
	return v.typ
}

// ident is the version's schema identity.
func (v *subjectVersion) ident() string { return identity(v.typ, v.schema, v.refs) }

// underSubject is the latest of a subject's versions that holds the schema
// identified by key, nil if none does (deleted versions count when
// includeDeleted). It is KafkaSchemaRegistry.lookUpSchemaUnderSubject: the
// subject's own version and id, whatever other ids the same schema text was
// imported under elsewhere.
func (st *state) underSubject(subject, key string, includeDeleted bool) *subjectVersion {
	vs := st.versions(subject, includeDeleted)
	for i := len(vs) - 1; i >= 0; i-- {
		if vs[i].ident() == key {
			return vs[i]
		}
	}
	return nil
}

// versions returns a subject's versions in ascending order.
func (st *state) versions(subject string, includeDeleted bool) []*subjectVersion {
	var out []*subjectVersion
	for _, v := range st.subjects[subject] {
		if includeDeleted || !v.deleted {
			out = append(out, v)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out
}

func (st *state) hasSubject(subject string, includeDeleted bool) bool {
	return len(st.versions(subject, includeDeleted)) > 0
}

// nextVersion is one more than every version ever kept, deleted included.
func (st *state) nextVersion(subject string) int {
	n := 1
	for v := range st.subjects[subject] {
		if v >= n {
			n = v + 1
		}
	}
	return n
}

// byID returns one version holding the schema with the given id,
// preferring undeleted ones.
func (st *state) byID(id int) *subjectVersion {
	var found *subjectVersion
	for v := range st.ids[id] {
		if found == nil || (found.deleted && !v.deleted) ||
			(found.deleted == v.deleted && (v.subject < found.subject || (v.subject == found.subject && v.version < found.version))) {
			found = v
		}
	}
	return found
}

// usages lists the (subject, version) pairs of an id, sorted.
func (st *state) usages(id int, includeDeleted bool) []*subjectVersion {
	var out []*subjectVersion
	for v := range st.ids[id] {
		if includeDeleted || !v.deleted {
			out = append(out, v)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].subject != out[j].subject {
			return out[i].subject < out[j].subject
		}
		return out[i].version < out[j].version
	})
	return out
}

func (st *state) index(v *subjectVersion) {
	m := st.ids[v.id]
	if m == nil {
		m = map[*subjectVersion]bool{}
		st.ids[v.id] = m
	}
	m[v] = true
}

// unindex forgets a version that is replaced or removed; when no version
// holds its id any more, its schema identity is forgotten too.
func (st *state) unindex(v *subjectVersion) {
	m := st.ids[v.id]
	delete(m, v)
	if len(m) > 0 {
		return
	}
	delete(st.ids, v.id)
	if key := v.ident(); st.hashes[key] == v.id {
		delete(st.hashes, key)
	}
}

// subjectNames lists subjects with at least one version passing the filter.
func (st *state) subjectNames(prefix string, includeDeleted, deletedOnly bool) []string {
	out := []string{}
	for s, vs := range st.subjects {
		if !strings.HasPrefix(s, prefix) {
			continue
		}
		for _, v := range vs {
			if (deletedOnly && v.deleted) || (!deletedOnly && (includeDeleted || !v.deleted)) {
				out = append(out, s)
				break
			}
		}
	}
	sort.Strings(out)
	return out
}

// contextNames lists the default context, then the recorded ones in
// name order (KafkaSchemaRegistry.listContexts, which reads them in the
// store's key order).
func (st *state) contextNames() []string {
	return append([]string{defaultContext}, slices.Sorted(maps.Keys(st.contexts))...)
}

// subjectsUsingContexts lists the subjects KafkaSchemaRegistry's
// *UsingContexts reads try in turn: the subject, then, for a subject of
// the default context, the subject of that name in each recorded context.
func (st *state) subjectsUsingContexts(subject string) []string {
	out := []string{subject}
	if parseSubject(subject).context != defaultContext {
		return out
	}
	for _, ctx := range st.contextNames()[1:] {
		out = append(out, qualifiedSubject{ctx, subject}.String())
	}
	return out
}

// config is InMemoryCache.config (CP 7.9.4): the subject's own config; in
// scope, else its context's (the top level's for the default context),
// else the .__GLOBAL context's, else the server's default. Out of scope, a
// subject without its own config has none (ok false) but for the top level
// and the .__GLOBAL context, which stand at the server's default. level ""
// is the server's default: a config stored without a level stands for it,
// never for a level further up (populateCompatibilityLevel). Subject "" is
// the top level.
func (st *state) config(subject string, inScope bool) (level string, ok bool) {
	if l, ok := st.configs[subject]; ok {
		return l, true
	}
	q := parseSubject(subject)
	if !inScope {
		return "", subject == "" || q.context == globalContext
	}
	if l, ok := st.configs[q.qualifiedContext()]; ok {
		return l, true
	}
	if l, ok := st.configs[globalContextName]; ok {
		return l, true
	}
	return "", true
}

// level is the compatibility level in force for a subject
// (getConfigInScope).
func (st *state) level(subject, defaultLevel string) string {
	if l, _ := st.config(subject, true); l != "" {
		return l
	}
	return defaultLevel
}

// referencedBy lists the ids of schemas that reference subject/version.
func (st *state) referencedBy(subject string, version int) []int {
	ids := map[int]bool{}
	for _, vs := range st.subjects {
		for _, v := range vs {
			for _, r := range v.refs {
				if r.Subject == subject && r.Version == version && !v.deleted {
					ids[v.id] = true
				}
			}
		}
	}
	out := []int{}
	for id := range ids {
		out = append(out, id)
	}
	sort.Ints(out)
	return out
}

// putVersion records a schema value read from the log. A value whose id is
// already bound to another schema is refused, as the real registry's
// store handler does.
func (st *state) putVersion(v *subjectVersion) bool {
	if old := st.byID(v.id); old != nil && old.ident() != v.ident() {
		return false
	}
	vs := st.subjects[v.subject]
	if vs == nil {
		vs = map[int]*subjectVersion{}
		st.subjects[v.subject] = vs
	}
	if old, ok := vs[v.version]; ok {
		st.unindex(old)
	}
	vs[v.version] = v
	st.index(v)
	st.hashes[v.ident()] = v.id
	if v.id > st.maxID {
		st.maxID = v.id
	}
	return true
}

// removeVersion applies a tombstone for a schema key. When no version
// holds the id any more, the schema is forgotten.
func (st *state) removeVersion(subject string, version int) {
	vs := st.subjects[subject]
	v, ok := vs[version]
	if !ok {
		return
	}
	delete(vs, version)
	if len(vs) == 0 {
		delete(st.subjects, subject)
	}
	st.unindex(v)
}

// deleteSubject marks every version up to and including version deleted.
func (st *state) deleteSubject(subject string, upTo int) {
	for n, v := range st.subjects[subject] {
		if n <= upTo {
			v.deleted = true
		}
	}
}
