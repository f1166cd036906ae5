package connect

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// A small port of org.apache.kafka.common.config.ConfigDef: typed keys with
// defaults, validators and recommenders, and validateAll, which turns a flat
// string map into one configValue per key with ConfigDef's error wording.

type configType string

const (
	cfgBoolean  configType = "BOOLEAN"
	cfgString   configType = "STRING"
	cfgInt      configType = "INT"
	cfgLong     configType = "LONG"
	cfgList     configType = "LIST"
	cfgClass    configType = "CLASS"
	cfgPassword configType = "PASSWORD"
)

// password hides its value when rendered, as ConfigDef's Password does.
type password string

// configKey is one ConfigDef key.
type configKey struct {
	Name       string
	Type       configType
	Required   bool   // no default value
	Default    any    // parsed default; nil is a null default
	Importance string // HIGH, MEDIUM, LOW
	Doc        string
	Group      string
	Order      int
	// OrderSet makes an Order of 0 count (embedded plugin type keys have
	// order_in_group 0); otherwise 0 means unset, rendered as -1.
	OrderSet   bool
	Width      string // NONE, SHORT, MEDIUM, LONG
	Display    string
	Dependents []string
	// Validator checks a parsed, non-nil value and returns the text that
	// follows "Invalid value V for configuration K: ", or "".
	Validator func(v any) string
	// FullValidator checks a parsed value (nil included) and returns the
	// whole error message, for validators whose ConfigException names a
	// key other than this one (embedded plugin configs).
	FullValidator func(v any) string
	// Recommend lists the recommended values reported by validation.
	Recommend func() []string
}

// configValue is the validation outcome for one key (ConfigValue).
type configValue struct {
	Name        string
	Value       any
	Errors      []string
	Visible     bool
	Recommended []string
}

func (v *configValue) addError(msg string) { v.Errors = append(v.Errors, msg) }

// configDef is an ordered set of keys.
type configDef struct {
	keys   []*configKey
	byName map[string]*configKey
	groups []string
}

func newConfigDef() *configDef { return &configDef{byName: map[string]*configKey{}} }

func (d *configDef) define(k configKey) *configDef {
	if k.Width == "" {
		k.Width = "NONE"
	}
	kk := k
	d.keys = append(d.keys, &kk)
	d.byName[k.Name] = &kk
	if k.Group != "" {
		found := false
		for _, g := range d.groups {
			if g == k.Group {
				found = true
			}
		}
		if !found {
			d.groups = append(d.groups, k.Group)
		}
	}
	return d
}

// merge appends the keys of o that d does not define yet.
func (d *configDef) merge(o *configDef) *configDef {
	out := newConfigDef()
	for _, k := range d.keys {
		out.define(*k)
	}
	for _, k := range o.keys {
		if _, dup := out.byName[k.Name]; !dup {
			out.define(*k)
		}
	}
	return out
}

var listSplit = regexp.MustCompile(`\s*,\s*`)

// parse converts a raw string to the key's type, returning ConfigDef's
// message on failure.
func (k *configKey) parse(raw string) (any, string) {
	invalid := func(reason string) string {
		return fmt.Sprintf("Invalid value %s for configuration %s: %s", raw, k.Name, reason)
	}
	t := strings.TrimSpace(raw)
	switch k.Type {
	case cfgBoolean:
		switch strings.ToLower(t) {
		case "true":
			return true, ""
		case "false":
			return false, ""
		}
		return nil, invalid("Expected value to be either true or false")
	case cfgInt:
		n, err := strconv.ParseInt(t, 10, 32)
		if err != nil {
			return nil, invalid("Not a number of type INT")
		}
		return int32(n), ""
	case cfgLong:
		n, err := strconv.ParseInt(t, 10, 64)
		if err != nil {
			return nil, invalid("Not a number of type LONG")
		}
		return n, ""
	case cfgList:
		if t == "" {
			return []string{}, ""
		}
		return listSplit.Split(t, -1), ""
	case cfgPassword:
		return password(raw), ""
	case cfgClass:
		return t, ""
	default:
		return t, ""
	}
}

// validateAll validates props against every key, like ConfigDef.validateAll.
func (d *configDef) validateAll(props map[string]string) map[string]*configValue {
	out := make(map[string]*configValue, len(d.keys))
	for _, k := range d.keys {
		cv := &configValue{Name: k.Name, Visible: true}
		if k.Recommend != nil {
			cv.Recommended = k.Recommend()
		}
		out[k.Name] = cv
		raw, ok := props[k.Name]
		if !ok {
			if k.Required {
				cv.addError(fmt.Sprintf("Missing required configuration \"%s\" which has no default value.", k.Name))
				continue
			}
			cv.Value = k.Default
		} else {
			v, msg := k.parse(raw)
			if msg != "" {
				cv.addError(msg)
				continue
			}
			cv.Value = v
		}
		if k.Validator != nil && cv.Value != nil {
			if msg := k.Validator(cv.Value); msg != "" {
				cv.addError(fmt.Sprintf("Invalid value %s for configuration %s: %s", valueString(cv.Value, k.Type), k.Name, msg))
			}
		}
		if k.FullValidator != nil {
			if msg := k.FullValidator(cv.Value); msg != "" {
				cv.addError(msg)
			}
		}
	}
	return out
}

// valueString renders a parsed value as ConfigDef.convertToString does.
func valueString(v any, t configType) string {
	switch x := v.(type) {
	case nil:
		return ""
	case password:
		return "[hidden]"
	case []string:
		return strings.Join(x, ",")
	case bool:
		return strconv.FormatBool(x)
	case int32:
		return strconv.FormatInt(int64(x), 10)
	case int64:
		return strconv.FormatInt(x, 10)
	case string:
		return x
	default:
		return fmt.Sprint(x)
	}
}

// Validators with ConfigDef's wording.

func atLeast(min int64) func(any) string {
	return func(v any) string {
		var n int64
		switch x := v.(type) {
		case int32:
			n = int64(x)
		case int64:
			n = x
		}
		if n < min {
			return fmt.Sprintf("Value must be at least %d", min)
		}
		return ""
	}
}

func validString(options ...string) func(any) string {
	return func(v any) string {
		s, _ := v.(string)
		for _, o := range options {
			if s == o {
				return ""
			}
		}
		return "String must be one of: " + strings.Join(options, ", ")
	}
}

func validStringIgnoreCase(options ...string) func(any) string {
	return func(v any) string {
		s, _ := v.(string)
		for _, o := range options {
			if strings.EqualFold(s, o) {
				return ""
			}
		}
		return "String must be one of (case insensitive): " + strings.Join(options, ", ")
	}
}

// Wire shapes of ConfigInfos (rest/entities).

type configInfos struct {
	Name       string       `json:"name"`
	ErrorCount int          `json:"error_count"`
	Groups     []string     `json:"groups"`
	Configs    []configInfo `json:"configs"`
}

type configInfo struct {
	Definition *configKeyInfo   `json:"definition"`
	Value      *configValueInfo `json:"value"`
}

type configKeyInfo struct {
	Name          string   `json:"name"`
	Type          string   `json:"type"`
	Required      bool     `json:"required"`
	DefaultValue  *string  `json:"default_value"`
	Importance    string   `json:"importance"`
	Documentation string   `json:"documentation"`
	Group         *string  `json:"group"`
	OrderInGroup  int      `json:"order_in_group"`
	Width         string   `json:"width"`
	DisplayName   string   `json:"display_name"`
	Dependents    []string `json:"dependents"`
}

type configValueInfo struct {
	Name              string   `json:"name"`
	Value             *string  `json:"value"`
	RecommendedValues []string `json:"recommended_values"`
	Errors            []string `json:"errors"`
	Visible           bool     `json:"visible"`
}

func (k *configKey) info() *configKeyInfo {
	ki := &configKeyInfo{
		Name:          k.Name,
		Type:          string(k.Type),
		Required:      k.Required,
		Importance:    k.Importance,
		Documentation: k.Doc,
		OrderInGroup:  k.Order,
		Width:         k.Width,
		DisplayName:   k.Display,
		Dependents:    append([]string{}, k.Dependents...),
	}
	if ki.DisplayName == "" {
		ki.DisplayName = k.Name
	}
	if k.Group != "" {
		g := k.Group
		ki.Group = &g
	}
	if ki.OrderInGroup == 0 && !k.OrderSet {
		ki.OrderInGroup = -1
	}
	if !k.Required && k.Default != nil {
		s := valueString(k.Default, k.Type)
		ki.DefaultValue = &s
	}
	return ki
}

// result builds ConfigInfos in the order of the definition's keys, like
// AbstractHerder.generateResult.
func (d *configDef) result(name string, values map[string]*configValue) configInfos {
	ci := configInfos{Name: name, Groups: append([]string{}, d.groups...), Configs: []configInfo{}}
	for _, k := range d.keys {
		info := configInfo{Definition: k.info()}
		if cv, ok := values[k.Name]; ok {
			vi := &configValueInfo{
				Name:              cv.Name,
				RecommendedValues: append([]string{}, cv.Recommended...),
				Errors:            append([]string{}, cv.Errors...),
				Visible:           cv.Visible,
			}
			if cv.Value != nil {
				s := valueString(cv.Value, k.Type)
				vi.Value = &s
			}
			info.Value = vi
			ci.ErrorCount += len(cv.Errors)
		}
		ci.Configs = append(ci.Configs, info)
	}
	return ci
}

// errorMessages lists every error in key order.
func (ci configInfos) errorMessages() []string {
	var out []string
	for _, c := range ci.Configs {
		if c.Value != nil {
			out = append(out, c.Value.Errors...)
		}
	}
	return out
}
