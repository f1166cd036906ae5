package ksqldb

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/restapi"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
)

// SHOW PROPERTIES as ksqlDB 0.29 answers it (confluentinc/ksql v7.9.0
// ListPropertiesExecutor): the properties are
// KsqlConfig.getAllConfigPropsWithSecretsObfuscated of the server's
// configuration with the request's settings applied
// (SessionConfig.getConfig(true), KsqlConfig.cloneWithPropertyOverwrite);
// overwrittenProperties are those whose value differs from the server's
// own, defaultProperties those whose value equals the default of the
// ConfigDef key KsqlConfigResolver resolves the name to. The keys and
// defaults are the data of propertydefs.go.

const (
	ksqlStreamsPrefix   = "ksql.streams."
	ksqlFunctionsPrefix = "ksql.functions."
	topicPrefix         = "topic."   // StreamsConfig.TOPIC_PREFIX
	hiddenValue         = "[hidden]" // Password.toString
)

// serverOriginals are the settings this server's configuration gives
// KsqlConfig, as the compose file's KSQL_* environment gives them to
// ksqldb-server (ksql-server.properties through env_to_props), with this
// server's own values.
func (s *Server) serverOriginals() map[string]string {
	o := map[string]string{
		"bootstrap.servers":                 strings.Join(s.brokers, ","),
		"cache.max.bytes.buffering":         "0",
		"ksql.service.id":                   s.cfg.serviceID,
		"ksql.schema.registry.url":          s.reg.URL,
		"ksql.connect.url":                  s.cfg.connectURL,
		"ksql.internal.topic.replicas":      "1",
		"ksql.variable.substitution.enable": strconv.FormatBool(s.cfg.substitution),
		pushV2Property:                      strconv.FormatBool(s.cfg.pushV2),
	}
	if s.cfg.offsetResetSet {
		o[ksqlStreamsPrefix+"auto.offset.reset"] = s.cfg.offsetReset
	}
	if s.cfg.sessionTimeoutSet {
		o[ksqlStreamsPrefix+"session.timeout.ms"] = strconv.FormatInt(s.cfg.sessionTimes.Milliseconds(), 10)
	}
	if s.cfg.guaranteeSet {
		o[ksqlStreamsPrefix+"processing.guarantee"] = s.cfg.guarantee
	}
	if s.cfg.connectCredentials != nil {
		o[connectAuthSourceProperty] = connectAuthSourceFile
		o[connectAuthFileProperty] = *s.cfg.connectCredentials
	}
	return o
}

// streamsValue is one entry of KsqlConfig's streams settings: its value as
// given and the key it resolved to (nil when it resolved to none, which is
// then not listed).
type streamsValue struct {
	raw string
	key *configKey
}

// ksqlConfigView is a KsqlConfig: its originals and its streams settings,
// keyed by the name without ksql.streams.
type ksqlConfigView struct {
	originals map[string]string
	streams   map[string]streamsValue
}

// newKsqlConfigView is the KsqlConfig constructor: streamsConfigDefaults,
// then the originals without ksql.streams., then those with it stripped
// (originalsWithPrefixOverride).
func newKsqlConfigView(originals map[string]string) ksqlConfigView {
	c := ksqlConfigView{originals: maps.Clone(originals), streams: map[string]streamsValue{}}
	c.applyStreams(ksqlStreamsDefaults)
	plain := map[string]string{}
	prefixed := map[string]string{}
	for k, v := range originals {
		if strings.HasPrefix(k, ksqlStreamsPrefix) && len(k) > len(ksqlStreamsPrefix) {
			prefixed[strings.TrimPrefix(k, ksqlStreamsPrefix)] = v
		} else {
			plain[k] = v
		}
	}
	maps.Copy(plain, prefixed)
	c.applyStreams(plain)
	return c
}

// withOverrides is KsqlConfig.cloneWithPropertyOverwrite.
func (c ksqlConfigView) withOverrides(overrides map[string]string) ksqlConfigView {
	out := ksqlConfigView{originals: maps.Clone(c.originals), streams: maps.Clone(c.streams)}
	maps.Copy(out.originals, overrides)
	out.applyStreams(overrides)
	return out
}

// applyStreams is KsqlConfig.applyStreamsConfig: each name that is no ksql.
// name once ksql.streams. is stripped and that KsqlConfigResolver does not
// refuse replaces the setting of that name.
func (c ksqlConfigView) applyStreams(props map[string]string) {
	for name, v := range props {
		key := strings.TrimPrefix(name, ksqlStreamsPrefix)
		if strings.HasPrefix(key, "ksql.") {
			continue
		}
		ck, known := resolveStreamsKey(name)
		if !known {
			continue
		}
		c.streams[key] = streamsValue{raw: v, key: ck}
	}
}

// listed is getAllConfigPropsWithSecretsObfuscated: every KsqlConfig key
// with its value, ksql.functions. settings hidden, then each resolved
// streams setting under ksql.streams., then each original
// ksql.streams.topic. setting of a topic config's name with its value as
// given (getKsqlStreamTopicConfigProps; the resolver leaves these
// unresolved).
func (c ksqlConfigView) listed() map[string]*string {
	out := map[string]*string{}
	for k := range c.originals {
		if strings.HasPrefix(k, ksqlFunctionsPrefix) {
			out[k] = ptr(hiddenValue)
		}
	}
	for i := range ksqlConfigKeys {
		ck := &ksqlConfigKeys[i]
		if v, ok := c.originals[ck.name]; ok {
			out[ck.name] = ck.convert(v)
		} else {
			out[ck.name] = ck.def
		}
	}
	for k, sv := range c.streams {
		if sv.key != nil {
			out[ksqlStreamsPrefix+k] = sv.key.convert(sv.raw)
		}
	}
	for k, v := range c.originals {
		if name, ok := strings.CutPrefix(k, ksqlStreamsPrefix+topicPrefix); ok && topicConfigNames[name] {
			out[k] = ptr(v)
		}
	}
	return out
}

// resolveStreamsKey is KsqlConfigResolver.resolveStreamsConfig: the key of
// the consumer. or producer. name, else of the consumer, producer or
// streams setting of that name. known is false for a ksql.streams. name no
// ConfigDef has (Optional.empty); a name it keeps without a key is known
// but unresolved.
func resolveStreamsKey(name string) (ck *configKey, known bool) {
	key := strings.TrimPrefix(name, ksqlStreamsPrefix)
	if rest, ok := strings.CutPrefix(key, "consumer."); ok {
		if ck := findKey(consumerConfigKeys, rest); ck != nil {
			return ck, true
		}
	}
	if rest, ok := strings.CutPrefix(key, "producer."); ok {
		if ck := findKey(producerConfigKeys, rest); ck != nil {
			return ck, true
		}
	}
	for _, keys := range [][]configKey{consumerConfigKeys, producerConfigKeys, streamsConfigKeys} {
		if ck := findKey(keys, key); ck != nil {
			return ck, true
		}
	}
	if strings.HasPrefix(name, ksqlStreamsPrefix) && !strings.HasPrefix(key, "consumer.") &&
		!strings.HasPrefix(key, "producer.") && !strings.HasPrefix(key, topicPrefix) {
		return nil, false
	}
	return nil, true
}

// resolveKey is KsqlConfigResolver.resolve for a listed name: a KsqlConfig
// key for a ksql. name (not ksql.streams.), else the streams key; nil when
// it resolves to none.
func resolveKey(name string) *configKey {
	if strings.HasPrefix(name, "ksql.") && !strings.HasPrefix(name, ksqlStreamsPrefix) {
		return findKey(ksqlConfigKeys, name)
	}
	ck, _ := resolveStreamsKey(name)
	return ck
}

func findKey(keys []configKey, name string) *configKey {
	for i := range keys {
		if keys[i].name == name {
			return &keys[i]
		}
	}
	return nil
}

// convert is ConfigItem.Resolved.convertToString: the value parsed as
// ConfigDef.parseType parses it, written back as convertToString writes it
// (a password hidden). A value the type does not parse is written as given.
func (ck *configKey) convert(raw string) *string {
	v := strings.TrimSpace(raw)
	switch ck.typ {
	case typeBoolean:
		if strings.EqualFold(v, "true") || strings.EqualFold(v, "false") {
			v = strings.ToLower(v)
		}
	case typeShort, typeInt, typeLong:
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			v = strconv.FormatInt(n, 10)
		}
	case typeDouble:
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			v = strconv.FormatFloat(f, 'f', -1, 64)
			if !strings.Contains(v, ".") {
				v += ".0"
			}
		}
	case typeList:
		if v != "" {
			parts := strings.Split(v, ",")
			for i, p := range parts {
				parts[i] = strings.TrimSpace(p)
			}
			v = strings.Join(parts, ",")
		}
	case typePassword:
		v = hiddenValue
	}
	return &v
}

// isDefault is ConfigItem.Resolved.isDefaultValue: the value equals the
// key's default (a required key has none; a hidden password equals no
// default).
func (ck *configKey) isDefault(v *string) bool {
	switch {
	case ck.required:
		return false
	case v == nil || ck.def == nil:
		return v == nil && ck.def == nil
	case ck.typ == typePassword:
		return false
	}
	return *ck.convert(*v) == *ck.def
}

func (s *Server) properties(p sql.Parsed, overrides map[string]string) *restapi.PropertiesList {
	server := newKsqlConfigView(s.serverOriginals())
	engine := server.listed()
	merged := server.withOverrides(overrides).listed()
	names := slices.Sorted(maps.Keys(merged))
	props := make([]restapi.Property, 0, len(names))
	over, defs := []string{}, []string{}
	for _, n := range names {
		v := merged[n]
		props = append(props, restapi.Property{Name: n, Scope: "KSQL", Value: v, Editable: editableProperty(n), Level: propertyLevel(n)})
		if !sameValue(engine[n], v) {
			over = append(over, n)
		}
		if ck := resolveKey(n); ck != nil && ck.isDefault(v) {
			defs = append(defs, n)
		}
	}
	return &restapi.PropertiesList{Type: "properties", StatementText: p.Text, Properties: props,
		OverwrittenProperties: over, DefaultProperties: defs, Warnings: []restapi.Warning{}}
}

func sameValue(a, b *string) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}
