package registry

import (
	"strings"
	"unicode"
)

// Context names as CP 7.9.4's QualifiedSubject spells them: the default
// context ".", and ".__GLOBAL", whose config and mode stand behind every
// context's.
const (
	defaultTenant     = "default"
	defaultContext    = "."
	globalContext     = ".__GLOBAL"
	globalContextName = ":" + globalContext + ":"
)

// qualifiedSubject is a subject name split into its context and the name
// within it, as QualifiedSubject (client, CP 7.9.4) splits it for the
// default tenant: ":.ctx:s" is context ".ctx" and subject "s", ":.ctx"
// the context itself (subject ""), and a name not starting with ":." is a
// subject of the default context. ":*:s" names s in any context.
type qualifiedSubject struct {
	context, subject string
}

func parseSubject(s string) qualifiedSubject {
	switch {
	case strings.HasPrefix(s, ":."):
		if i := strings.Index(s[2:], ":"); i >= 0 {
			return qualifiedSubject{s[1 : i+2], s[i+3:]}
		}
		return qualifiedSubject{s[1:], ""}
	case strings.HasPrefix(s, ":*:"):
		return qualifiedSubject{"*", s[3:]}
	}
	return qualifiedSubject{defaultContext, s}
}

// qualifiedContext is the prefix naming the context in a qualified
// subject: "" for the default context, ":.ctx:" for the others
// (toQualifiedContext).
func (q qualifiedSubject) qualifiedContext() string {
	if q.context == defaultContext {
		return ""
	}
	return ":" + q.context + ":"
}

// String is the subject's normalised name (toQualifiedSubject): ":.:s" is
// "s".
func (q qualifiedSubject) String() string { return q.qualifiedContext() + q.subject }

// normalizeSubject is QualifiedSubject.normalize, which the resources
// apply to a path's subject before they use it.
func normalizeSubject(s string) string { return parseSubject(s).String() }

// isDefaultContext tells whether a config or mode path's subject names the
// default context itself, ":.:" or ":.", which those paths take for the
// top level (QualifiedSubject.isDefaultContext).
func isDefaultContext(s string) bool {
	q := parseSubject(s)
	return q.context == defaultContext && q.subject == ""
}

// validSubject is QualifiedSubject.isValidSubject: no control characters,
// not the names reserved for the global permissions and the empty subject,
// and the global context only in config and mode paths.
func validSubject(s string, configOrMode bool) bool {
	// unicode.IsControl is Guava's CharMatcher.javaIsoControl: U+0000-U+001F
	// and U+007F-U+009F.
	if strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return false
	}
	q := parseSubject(s)
	if q.subject == "__GLOBAL" || q.subject == "__EMPTY" {
		return false
	}
	return configOrMode || q.context != globalContext
}

// subject is the path's subject, normalised.
func (q *request) subject() string { return normalizeSubject(q.PathValue("subject")) }

// scopedSubject is the normalised subject of a config or mode path, or ""
// and true when it names the default context itself (isDefaultContext in
// ConfigResource and ModeResource).
func (q *request) scopedSubject() (string, bool) {
	s := q.PathValue("subject")
	if isDefaultContext(s) {
		return "", true
	}
	return normalizeSubject(s), false
}

// failInvalidSubject refuses the path's subject with 42208, named as the
// request gave it. The resources check a subject before they normalise it;
// normalising keeps its context and name, so checking the normalised one
// decides the same.
func (q *request) failInvalidSubject() { q.fail(errInvalidSubject(q.PathValue("subject"))) }

// inScope tells whether subject s falls under the subject a mode change
// names: every subject for the top level (""), the subject itself, and
// every subject of a context for the context's own name ":.ctx:"
// (InMemoryCache.matchingSubjectPredicate).
func inScope(scope, s string) bool {
	if scope == "" || scope == s {
		return true
	}
	q := parseSubject(scope)
	return q.subject == "" && q.qualifiedContext() == parseSubject(s).qualifiedContext()
}
