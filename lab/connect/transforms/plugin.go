package transforms

import (
	"regexp"
	"sort"
	"strings"
)

// Kind tells transformations from predicates.
type Kind string

// Plugin kinds, as GET /connector-plugins names them.
const (
	KindTransformation Kind = "transformation"
	KindPredicate      Kind = "predicate"
)

// ConfigKey is one key of a plugin's ConfigDef.
type ConfigKey struct {
	Name       string
	Type       string // BOOLEAN, STRING, INT, LONG, LIST
	Required   bool   // ConfigDef.NO_DEFAULT_VALUE
	Default    any    // parsed default; nil is a null default
	Importance string // HIGH, MEDIUM, LOW
	Doc        string
	// Validate checks a parsed value and returns the whole error message
	// (or ""). name is the key without the alias prefix, which is what an
	// embedded ConfigDef validator sees.
	Validate func(name string, v any) string
}

// Config is a plugin's parsed config values by unprefixed key.
type Config map[string]any

func (c Config) str(k string) (string, bool) {
	s, ok := c[k].(string)
	return s, ok
}

func (c Config) list(k string) []string {
	l, _ := c[k].([]string)
	return l
}

// Plugin is one installed transformation or predicate class.
type Plugin struct {
	Class  string
	Kind   Kind
	Config []ConfigKey

	newTransformation func(Config) (Transformation, error)
	newPredicate      func(Config) (Predicate, error)
}

// NewTransformation configures an instance of a transformation plugin.
func (p *Plugin) NewTransformation(c Config) (Transformation, error) {
	if p.newTransformation == nil {
		return nil, &Error{Class: "java.lang.ClassCastException", Msg: "class " + p.Class + " cannot be cast to class org.apache.kafka.connect.transforms.Transformation"}
	}
	return p.newTransformation(c)
}

// NewPredicate configures an instance of a predicate plugin.
func (p *Plugin) NewPredicate(c Config) (Predicate, error) {
	if p.newPredicate == nil {
		return nil, &Error{Class: "java.lang.ClassCastException", Msg: "class " + p.Class + " cannot be cast to class org.apache.kafka.connect.transforms.predicates.Predicate"}
	}
	return p.newPredicate(c)
}

const (
	pkg     = "org.apache.kafka.connect.transforms."
	predPkg = "org.apache.kafka.connect.transforms.predicates."
)

var registry = map[string]*Plugin{}

func register(p *Plugin) { registry[p.Class] = p }

// registerKV registers the $Key and $Value variants of a transformation.
func registerKV(name string, keys []ConfigKey, mk func(operand, Config) (Transformation, error)) {
	register(&Plugin{Class: pkg + name + "$Key", Kind: KindTransformation, Config: keys,
		newTransformation: func(c Config) (Transformation, error) { return mk(onKey, c) }})
	register(&Plugin{Class: pkg + name + "$Value", Kind: KindTransformation, Config: keys,
		newTransformation: func(c Config) (Transformation, error) { return mk(onValue, c) }})
}

// Lookup finds a plugin by class name or by its alias: the simple class
// name, which Connect's plugin scanner accepts when it is unambiguous (so
// not for the nested Key and Value classes).
func Lookup(class string) (*Plugin, bool) {
	class = strings.TrimSpace(class)
	if p, ok := registry[class]; ok {
		return p, true
	}
	if strings.ContainsAny(class, ".$") {
		return nil, false
	}
	for _, p := range registry {
		if !strings.Contains(p.Class, "$") && p.Class[strings.LastIndex(p.Class, ".")+1:] == class {
			return p, true
		}
	}
	return nil, false
}

// AbstractBase reports whether class names the abstract base of a $Key and
// $Value pair (ExtractField, Cast, ...) and returns the concrete classes,
// which Connect suggests when such a base is configured.
func AbstractBase(class string) ([]string, bool) {
	class = strings.TrimSpace(class)
	k, okK := registry[class+"$Key"]
	v, okV := registry[class+"$Value"]
	if !okK || !okV {
		return nil, false
	}
	return []string{k.Class, v.Class}, true
}

// Plugins lists the installed plugins of a kind, by class name.
func Plugins(kind Kind) []*Plugin {
	var out []*Plugin
	for _, p := range registry {
		if p.Kind == kind {
			out = append(out, p)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Class < out[j].Class })
	return out
}

// Shared validators, worded as Kafka's.

// nonEmptyList is org.apache.kafka.connect.transforms.util.NonEmptyListValidator.
func nonEmptyList(name string, v any) string {
	if l, _ := v.([]string); len(l) == 0 {
		return invalid(name, v, "Empty list")
	}
	return ""
}

// nonEmptyString is ConfigDef.NonEmptyString.
func nonEmptyString(name string, v any) string {
	if s, _ := v.(string); s == "" {
		if v == nil {
			return ""
		}
		return invalid(name, v, "String must be non-empty")
	}
	return ""
}

// validRegex is org.apache.kafka.connect.transforms.util.RegexValidator.
func validRegex(name string, v any) string {
	s, _ := v.(string)
	if _, err := compileJavaRegex(s); err != nil {
		return invalid(name, v, "Invalid regex: "+err.Error())
	}
	return ""
}

// compileJavaRegex compiles a java.util.regex pattern. The RE2 syntax Go
// accepts is a subset of Java's; patterns outside it (backreferences,
// lookaround, possessive quantifiers) are refused with the parse error.
func compileJavaRegex(s string) (*regexp.Regexp, error) {
	return regexp.Compile(s)
}

// fullMatch compiles a pattern for Matcher.matches(): the whole input.
func fullMatch(s string) (*regexp.Regexp, error) {
	if _, err := compileJavaRegex(s); err != nil {
		return nil, err
	}
	return regexp.Compile(`^(?:` + s + `)$`)
}

func caseInsensitiveIn(options ...string) func(string, any) string {
	return func(name string, v any) string {
		s, _ := v.(string)
		for _, o := range options {
			if strings.EqualFold(s, o) {
				return ""
			}
		}
		return invalid(name, v, "String must be one of (case insensitive): "+strings.Join(options, ", "))
	}
}

const replaceNullDoc = "Whether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used."

func replaceNullKey() ConfigKey {
	return ConfigKey{Name: "replace.null.with.default", Type: "BOOLEAN", Default: true, Importance: "MEDIUM", Doc: replaceNullDoc}
}
