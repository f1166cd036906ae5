package ksqldb

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"github.com/ctalab/ctalab/lab/javanum"
	"github.com/ctalab/ctalab/lab/ksqldb/formats"
)

// decodeOverrides decodes the properties object of a request body (the
// member named field) as Jackson decodes it into a Map of Objects: each
// number keeps its literal as a json.Number (a Double for a number with a
// fraction or an exponent, else an Integer or Long), an object is a
// formats.JSONObject in the order written (a LinkedHashMap), an array a
// []any (formats.ReadJSONTree). It answers nil when the body has no such
// object; the body has already been decoded once, so it is JSON.
func decodeOverrides(body []byte, field string) map[string]any {
	var members map[string]json.RawMessage
	if json.Unmarshal(body, &members) != nil || len(members[field]) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(members[field]))
	dec.UseNumber()
	v, err := formats.ReadJSONTree(dec)
	obj, ok := v.(*formats.JSONObject)
	if err != nil || !ok {
		return nil
	}
	return obj.Vals
}

// immutableProperties are the names LocalPropertyValidator refuses to let
// a request override (ImmutableProperties.java, confluentinc/ksql v7.9.0,
// less the client SSL names).
var immutableProperties = map[string]bool{
	"bootstrap.servers": true, "ksql.extension.dir": true, "ksql.query.persistent.active.limit": true,
	"ksql.pull.queries.enable": true, "ksql.hidden.topics": true, "ksql.readonly.topics": true,
	"ksql.source.table.materialization.enabled": true, "ksql.headers.columns.enabled": true,
}

// offsetResetValues are ConsumerConfig's auto.offset.reset choices
// (apache/kafka 3.9: in(Utils.enumOptions(OffsetResetStrategy.class))).
var offsetResetValues = []string{"latest", "earliest", "none"}

// parsesAsBoolean reports whether v is a value Kafka's ConfigDef.parseType
// takes for a BOOLEAN config: a boolean, or a string "true" or "false" in
// any case around spaces (null too: no value).
func parsesAsBoolean(v any) bool {
	switch v := v.(type) {
	case nil, bool:
		return true
	case string:
		t := strings.TrimSpace(v)
		return strings.EqualFold(t, "true") || strings.EqualFold(t, "false")
	}
	return false
}

// overrideString is the string PropertiesUtil.coerceType hands the parser:
// String.valueOf of the value Jackson decoded (a list joined with commas).
// See javaString for how each kind prints.
func overrideString(v any) string {
	if list, ok := v.([]any); ok {
		parts := make([]string, len(list))
		for i, e := range list {
			parts[i] = javaString(e)
		}
		return strings.Join(parts, ",")
	}
	if v == nil {
		return fmt.Sprint(v)
	}
	return javaString(v)
}

// javaString is String.valueOf of a value as Jackson decodes it untyped:
// a number as Integer, Long or Double print it, a list as
// AbstractCollection.toString ([a, b]), an object as AbstractMap.toString
// ({name=value, ...}), null as "null".
func javaString(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case json.Number:
		lit := string(v)
		if strings.ContainsAny(lit, ".eE") {
			if f, err := strconv.ParseFloat(lit, 64); err == nil || math.IsInf(f, 0) {
				return javanum.FormatDouble(f)
			}
			return lit
		}
		if n, ok := new(big.Int).SetString(lit, 10); ok {
			return n.String()
		}
		return lit
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1e15 {
			return strconv.FormatInt(int64(v), 10)
		}
		return javanum.FormatDouble(v)
	case []any:
		parts := make([]string, len(v))
		for i, e := range v {
			parts[i] = javaString(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case *formats.JSONObject:
		parts := make([]string, len(v.Keys))
		for i, k := range v.Keys {
			parts[i] = k + "=" + javaString(v.Vals[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return fmt.Sprint(v)
}

// parseConfigValue is ConfigItem.Resolved.parseValue for a string value:
// ConfigDef.parseType (apache/kafka 3.9), then the key's validator where
// this server has it (the ValidStrings of auto.offset.reset and
// processing.guarantee). It returns the
// ConfigException's message, "" when the value parses. A CLASS value is
// not looked up.
func parseConfigValue(ck *configKey, v string) string {
	t := strings.TrimSpace(v)
	invalid := func(value, msg string) string {
		return "Invalid value " + value + " for configuration " + ck.name + ": " + msg
	}
	var err error
	switch ck.typ {
	case typeBoolean:
		if !strings.EqualFold(t, "true") && !strings.EqualFold(t, "false") {
			return invalid(v, "Expected value to be either true or false")
		}
	case typeInt:
		_, err = strconv.ParseInt(t, 10, 32)
	case typeShort:
		_, err = strconv.ParseInt(t, 10, 16)
	case typeLong:
		_, err = strconv.ParseInt(t, 10, 64)
	case typeDouble:
		_, err = strconv.ParseFloat(t, 64)
	case typeString:
		if ck.name == "auto.offset.reset" && !slices.Contains(offsetResetValues, t) {
			return invalid(t, "String must be one of: "+strings.Join(offsetResetValues, ", "))
		}
		if ck.name == "processing.guarantee" && !slices.Contains(guaranteeValues, t) {
			return invalid(t, "String must be one of: "+strings.Join(guaranteeValues, ", "))
		}
	}
	if err != nil {
		return invalid(v, "Not a number of type "+typeName(ck.typ))
	}
	return ""
}

// typeName is ConfigDef.Type's name.
func typeName(t configType) string {
	return map[configType]string{typeInt: "INT", typeShort: "SHORT", typeLong: "LONG", typeDouble: "DOUBLE"}[t]
}

// coerceOverride types one override as LocalPropertyParser.parse does:
// the name resolved (KsqlConfigResolver; a name it does not resolve is
// left as it is here), the value parsed, then LocalPropertyValidator. It
// returns the cause's message, "" when the override is fine.
func coerceOverride(name string, v any) string {
	if v == nil {
		return ""
	}
	ck := resolveKey(name)
	if ck == nil {
		return ""
	}
	str := overrideString(v)
	if msg := parseConfigValue(ck, str); msg != "" {
		return msg
	}
	if immutableProperties[ck.name] {
		return fmt.Sprintf("Cannot override property '%s'", ck.name)
	}
	if ck.name == "auto.offset.reset" && strings.EqualFold(strings.TrimSpace(str), "none") {
		return "'none' is not valid for this property within KSQL"
	}
	return ""
}

// allParse reports whether every override the resolver knows parses as
// its key's type and passes its validator, as
// KsqlConfig.cloneWithPropertyOverwrite parses the overrides of a query it
// plans (no LocalPropertyValidator there).
func allParse(raw map[string]any) bool {
	for k, v := range raw {
		if ck := resolveKey(k); ck != nil && v != nil && parseConfigValue(ck, overrideString(v)) != "" {
			return false
		}
	}
	return true
}

// isOffsetReset reports whether name sets the consumers' auto.offset.reset.
func isOffsetReset(name string) bool {
	ck := resolveKey(name)
	return ck != nil && ck.name == "auto.offset.reset"
}

// coerceOverrides types the old request body's overrides as
// KsqlRequest.getConfigOverrides does (PropertiesUtil.coerceTypes): a name
// the resolver does not know is a propertyNotFoundError; a value the
// parser refuses is a KsqlException whose message names it, caused by the
// ConfigException (or IllegalArgumentException), which the old endpoints
// answer as a bad request with ErrorMessageUtil.buildErrorMessage's text
// (the cause wrapped at 80 columns). Overrides are tried in name order (a
// HashMap's order upstream).
func coerceOverrides(raw map[string]any) error {
	for _, k := range slices.Sorted(maps.Keys(raw)) {
		if !resolvesStrictly(k) {
			return &propertyNotFoundError{name: k}
		}
		v := raw[k]
		if cause := coerceOverride(k, v); cause != "" {
			return &badRequestError{head: fmt.Sprintf("Failed to coerce type of value '%s' for key '%s'", javaString(v), k), cause: cause}
		}
	}
	return nil
}

// ParseLocalProperty checks a property as the ksql CLI's SET does before
// it keeps it (LocalProperties.set, LocalPropertyParser.parse,
// confluentinc/ksql v7.9.0): a name KsqlConfigResolver does not resolve
// strictly is refused with PropertyNotFoundException's message, a value
// its key's type or validator does not take with the ConfigException's,
// and LocalPropertyValidator's refusals with theirs.
func ParseLocalProperty(name, value string) error {
	if !resolvesStrictly(name) {
		return &propertyNotFoundError{name: name}
	}
	if cause := coerceOverride(name, value); cause != "" {
		return errors.New(cause)
	}
	return nil
}

// badRequestError is a KsqlException the old endpoints answer with
// Errors.badRequest: 400, generic error 40000. head is the exception's
// own message, cause its cause's.
type badRequestError struct{ head, cause string }

func (e *badRequestError) Error() string {
	return e.head + "\n" + wordWrap("Caused by: "+e.cause, 80, "\n\t")
}

// propertyNotFoundError is LocalPropertyParser's PropertyNotFoundException:
// a request property KsqlConfigResolver.resolve(name, true) does not
// resolve. It is an IllegalArgumentException, not a KsqlException, so each
// endpoint answers it with its catch-all (500, 50000).
type propertyNotFoundError struct{ name string }

func (e *propertyNotFoundError) Error() string {
	return "Not recognizable as ksql, streams, consumer, or producer property: '" + e.name + "'"
}

// requestConfigNames are KsqlRequestConfig's keys, the only request.ksql.
// names the resolver knows (confluentinc/ksql v7.9.0).
var requestConfigNames = []string{
	"request.ksql.query.pull.skip.forwarding", "request.ksql.internal.request",
	"request.ksql.debug.request", "request.ksql.query.pull.partition",
	"request.ksql.query.push.skip.forwarding", "request.ksql.query.push.continuation.token",
	"request.ksql.query.push.catchup.consumer.group",
}

// internalStreamsNames are the Kafka Streams internal settings the
// resolver keeps without a key (KsqlConfigResolver.isInternalStreamsConfig).
var internalStreamsNames = []string{
	"__emit.interval.ms.kstreams.outer.join.spurious.results.fix__",
	"__emit.interval.ms.kstreams.windowed.aggregation__",
}

// resolvesStrictly reports whether KsqlConfigResolver.resolve(name, true)
// finds name, as LocalPropertyParser.parse asks it to: ksqlDB's legacy
// script property; a KsqlRequestConfig key for a request.ksql. name; a
// KsqlConfig key, or any ksql.functions. name, for a ksql. name other than
// ksql.streams.; else, the ksql.streams. prefix dropped, a consumer. or
// producer. key of that client, a consumer, producer or streams key, an
// internal streams setting (bare or behind consumer. or producer.), or a
// topic. setting of Kafka's topic configs.
func resolvesStrictly(name string) bool {
	switch {
	case strings.EqualFold(name, "ksql.run.script.statements"):
		return true
	case strings.HasPrefix(name, "request.ksql."):
		return slices.Contains(requestConfigNames, name)
	case strings.HasPrefix(name, "ksql.") && !strings.HasPrefix(name, ksqlStreamsPrefix):
		return findKey(ksqlConfigKeys, name) != nil || strings.HasPrefix(name, ksqlFunctionsPrefix)
	}
	if ck, _ := resolveStreamsKey(name); ck != nil {
		return true
	}
	key := strings.TrimPrefix(name, ksqlStreamsPrefix)
	for _, p := range []string{"consumer.", "producer.", ""} {
		if rest, ok := strings.CutPrefix(key, p); ok && slices.Contains(internalStreamsNames, rest) {
			return true
		}
	}
	rest, ok := strings.CutPrefix(key, topicPrefix)
	return ok && topicConfigNames[rest]
}

// errInternalQuery is how ServerUtils.handleEndpointException answers an
// exception that is neither a KsqlStatementException nor a KsqlApiException
// (nor a rate limit): 500, generic error 50000, the cause kept from the
// client.
var errInternalQuery = &internalQueryError{}

type internalQueryError struct{}

func (*internalQueryError) Error() string {
	return "The server encountered an internal error when processing the query. Please consult the server logs for more information."
}
