package broker

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/ctalab/ctalab/lab/javanum"
)

// topicConfigDef is one topic config Kafka 3.9 defines: its name, type and
// the check its validator makes of a parsed value (nil for none).
type topicConfigDef struct {
	name  string
	typ   kmsg.ConfigType
	check func(name string, v any) error
	// value is the topic's value when it sets none: the broker's
	// (KafkaConfig.extractLogConfigMap), at the broker configs' defaults.
	value string
	// server is the broker config that stands for it
	// (ServerTopicConfigSynonyms.TOPIC_CONFIG_SYNONYMS), "" for none.
	server string
	// serverDefault is whether server has a default (KafkaConfig's
	// staticDefaultConfigs hold it, with value): log.roll.ms,
	// log.roll.jitter.ms, log.flush.interval.ms and log.retention.ms have
	// none, their defaults coming from later synonyms.
	serverDefault bool
}

// topicConfigDefs are the topic configs of Kafka 3.9's LogConfig, in the
// order it defines them, which is the order ConfigDef.parse checks them in
// (apache/kafka 3.9 storage/src/main/java/org/apache/kafka/storage/internals/log/LogConfig.java,
// the static CONFIG block; values when unset from the defaults there and in
// server-common/.../config/ServerLogConfigs.java, server/.../config/ServerConfigs.java,
// storage/.../log/CleanerConfig.java and RemoteLogManagerConfig.java;
// broker synonyms from server-common/.../config/ServerTopicConfigSynonyms.java;
// validators from clients/.../config/ConfigDef.java,
// clients/.../record/CompressionType.java,
// server-common/.../record/BrokerCompressionType.java,
// server-common/.../common/MetadataVersionValidator.java and
// storage/.../log/ThrottledReplicaListValidator.java).
var topicConfigDefs = []topicConfigDef{
	{"segment.bytes", kmsg.ConfigTypeInt, atLeast(14), "1073741824", "log.segment.bytes", true}, // LegacyRecord.RECORD_OVERHEAD_V0
	{"segment.ms", kmsg.ConfigTypeLong, atLeast(1), "604800000", "log.roll.ms", false},
	{"segment.jitter.ms", kmsg.ConfigTypeLong, atLeast(0), "0", "log.roll.jitter.ms", false},
	{"segment.index.bytes", kmsg.ConfigTypeInt, atLeast(4), "10485760", "log.index.size.max.bytes", true},
	{"flush.messages", kmsg.ConfigTypeLong, atLeast(1), "9223372036854775807", "log.flush.interval.messages", true},
	{"flush.ms", kmsg.ConfigTypeLong, atLeast(0), "9223372036854775807", "log.flush.interval.ms", false},
	{"retention.bytes", kmsg.ConfigTypeLong, nil, "-1", "log.retention.bytes", true},
	{"retention.ms", kmsg.ConfigTypeLong, atLeast(-1), "604800000", "log.retention.ms", false},
	{"max.message.bytes", kmsg.ConfigTypeInt, atLeast(0), "1048588", "message.max.bytes", true},
	{"index.interval.bytes", kmsg.ConfigTypeInt, atLeast(0), "4096", "log.index.interval.bytes", true},
	{"delete.retention.ms", kmsg.ConfigTypeLong, atLeast(0), "86400000", "log.cleaner.delete.retention.ms", true},
	{"min.compaction.lag.ms", kmsg.ConfigTypeLong, atLeast(0), "0", "log.cleaner.min.compaction.lag.ms", true},
	{"max.compaction.lag.ms", kmsg.ConfigTypeLong, atLeast(1), "9223372036854775807", "log.cleaner.max.compaction.lag.ms", true},
	{"file.delete.delay.ms", kmsg.ConfigTypeLong, atLeast(0), "60000", "log.segment.delete.delay.ms", true},
	{"min.cleanable.dirty.ratio", kmsg.ConfigTypeDouble, between(0, 1), "0.5", "log.cleaner.min.cleanable.ratio", true},
	{"cleanup.policy", kmsg.ConfigTypeList, validList("compact", "delete"), "delete", "log.cleanup.policy", true},
	{"unclean.leader.election.enable", kmsg.ConfigTypeBoolean, nil, "false", "unclean.leader.election.enable", true},
	{"min.insync.replicas", kmsg.ConfigTypeInt, atLeast(1), "1", "min.insync.replicas", true},
	{"compression.type", kmsg.ConfigTypeString, validString("uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"), "producer", "compression.type", true},
	{"compression.gzip.level", kmsg.ConfigTypeInt, gzipLevel, "-1", "compression.gzip.level", true},
	{"compression.lz4.level", kmsg.ConfigTypeInt, between(1, 17), "9", "compression.lz4.level", true},
	{"compression.zstd.level", kmsg.ConfigTypeInt, between(-131072, 22), "3", "compression.zstd.level", true},
	{"preallocate", kmsg.ConfigTypeBoolean, nil, "false", "log.preallocate", true},
	{"message.format.version", kmsg.ConfigTypeString, metadataVersion, "3.0-IV1", "log.message.format.version", true},
	{"message.timestamp.type", kmsg.ConfigTypeString, validString("CreateTime", "LogAppendTime"), "CreateTime", "log.message.timestamp.type", true},
	{"message.timestamp.difference.max.ms", kmsg.ConfigTypeLong, atLeast(0), "9223372036854775807", "log.message.timestamp.difference.max.ms", true},
	{"message.timestamp.before.max.ms", kmsg.ConfigTypeLong, atLeast(0), "9223372036854775807", "log.message.timestamp.before.max.ms", true},
	{"message.timestamp.after.max.ms", kmsg.ConfigTypeLong, atLeast(0), "9223372036854775807", "log.message.timestamp.after.max.ms", true},
	{"leader.replication.throttled.replicas", kmsg.ConfigTypeList, throttledReplicas, "", "", false},
	{"follower.replication.throttled.replicas", kmsg.ConfigTypeList, throttledReplicas, "", "", false},
	{"message.downconversion.enable", kmsg.ConfigTypeBoolean, nil, "true", "log.message.downconversion.enable", true},
	{"remote.storage.enable", kmsg.ConfigTypeBoolean, nil, "false", "", false},
	{"local.retention.ms", kmsg.ConfigTypeLong, atLeast(-2), "-2", "log.local.retention.ms", true},
	{"local.retention.bytes", kmsg.ConfigTypeLong, atLeast(-2), "-2", "log.local.retention.bytes", true},
	{"remote.log.copy.disable", kmsg.ConfigTypeBoolean, nil, "false", "", false},
	{"remote.log.delete.on.disable", kmsg.ConfigTypeBoolean, nil, "false", "", false},
}

func topicConfigDefFor(name string) (topicConfigDef, bool) {
	for _, d := range topicConfigDefs {
		if d.name == name {
			return d, true
		}
	}
	return topicConfigDef{}, false
}

// configError is a ConfigException's message: "Invalid value V for
// configuration N" and, when there is one, ": " and the reason.
func configError(name string, value any, reason string) error {
	msg := "Invalid value " + javaString(value) + " for configuration " + name
	if reason != "" {
		msg += ": " + reason
	}
	return fmt.Errorf("%s", msg)
}

// javaString prints a parsed config value as Java's toString does.
func javaString(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		return v
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return javanum.FormatDouble(v)
	case bool:
		return strconv.FormatBool(v)
	case []string:
		return "[" + strings.Join(v, ", ") + "]"
	}
	return fmt.Sprint(v)
}

// commaWithWhitespace is ConfigDef.COMMA_WITH_WHITESPACE.
var commaWithWhitespace = regexp.MustCompile(`\s*,\s*`)

// parseConfigValue is ConfigDef.parseType for a value given as a string.
func parseConfigValue(name, raw string, typ kmsg.ConfigType) (any, error) {
	trimmed := strings.TrimSpace(raw)
	notNumber := func() error { return configError(name, raw, "Not a number of type "+configTypeName(typ)) }
	switch typ {
	case kmsg.ConfigTypeBoolean:
		switch strings.ToLower(trimmed) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
		return nil, configError(name, raw, "Expected value to be either true or false")
	case kmsg.ConfigTypeString, kmsg.ConfigTypePassword:
		return trimmed, nil
	case kmsg.ConfigTypeInt, kmsg.ConfigTypeShort, kmsg.ConfigTypeLong:
		bits := map[kmsg.ConfigType]int{kmsg.ConfigTypeInt: 32, kmsg.ConfigTypeShort: 16, kmsg.ConfigTypeLong: 64}[typ]
		n, err := strconv.ParseInt(trimmed, 10, bits)
		if err != nil {
			return nil, notNumber()
		}
		return n, nil
	case kmsg.ConfigTypeDouble:
		f, ok := parseJavaDouble(trimmed)
		if !ok {
			return nil, notNumber()
		}
		return f, nil
	case kmsg.ConfigTypeList:
		if trimmed == "" {
			return []string{}, nil
		}
		return commaWithWhitespace.Split(trimmed, -1), nil
	}
	return nil, fmt.Errorf("config %s: type %v not parsed here", name, typ)
}

// parseJavaDouble is Double.parseDouble for the decimal forms: an
// optional f/d suffix, and infinity and NaN only as "Infinity" and "NaN".
func parseJavaDouble(s string) (float64, bool) {
	if strings.ContainsAny(s, "_xXpP") {
		return 0, false
	}
	body := strings.TrimLeft(s, "+-")
	switch strings.ToLower(body) {
	case "infinity", "nan":
		if body != "Infinity" && body != "NaN" {
			return 0, false
		}
	case "inf":
		return 0, false
	default:
		if n := len(s); n > 1 && strings.ContainsAny(s[n-1:], "dDfF") {
			s = s[:n-1]
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

// configTypeName is the name of ConfigDef.Type a value is parsed as.
func configTypeName(typ kmsg.ConfigType) string {
	switch typ {
	case kmsg.ConfigTypeBoolean:
		return "BOOLEAN"
	case kmsg.ConfigTypeString:
		return "STRING"
	case kmsg.ConfigTypeInt:
		return "INT"
	case kmsg.ConfigTypeShort:
		return "SHORT"
	case kmsg.ConfigTypeLong:
		return "LONG"
	case kmsg.ConfigTypeDouble:
		return "DOUBLE"
	case kmsg.ConfigTypeList:
		return "LIST"
	case kmsg.ConfigTypeClass:
		return "CLASS"
	case kmsg.ConfigTypePassword:
		return "PASSWORD"
	}
	return "UNKNOWN"
}

func number(v any) float64 {
	switch v := v.(type) {
	case int64:
		return float64(v)
	case float64:
		return v
	}
	return math.NaN()
}

// atLeast is ConfigDef.Range.atLeast.
func atLeast(min int64) func(string, any) error {
	return func(name string, v any) error {
		if number(v) < float64(min) {
			return configError(name, v, "Value must be at least "+strconv.FormatInt(min, 10))
		}
		return nil
	}
}

// between is ConfigDef.Range.between.
func between(min, max int64) func(string, any) error {
	return func(name string, v any) error {
		if err := atLeast(min)(name, v); err != nil {
			return err
		}
		if number(v) > float64(max) {
			return configError(name, v, "Value must be no more than "+strconv.FormatInt(max, 10))
		}
		return nil
	}
}

// validString is ConfigDef.ValidString.in.
func validString(valid ...string) func(string, any) error {
	return func(name string, v any) error {
		s, _ := v.(string)
		for _, ok := range valid {
			if s == ok {
				return nil
			}
		}
		return configError(name, v, "String must be one of: "+strings.Join(valid, ", "))
	}
}

// validList is ConfigDef.ValidList.in: each entry must be a valid string.
func validList(valid ...string) func(string, any) error {
	each := validString(valid...)
	return func(name string, v any) error {
		list, _ := v.([]string)
		for _, s := range list {
			if err := each(name, s); err != nil {
				return err
			}
		}
		return nil
	}
}

// gzipLevel is CompressionType.GZIP.levelValidator: Deflater's levels 1
// to 9, or its default -1.
func gzipLevel(name string, v any) error {
	if n := v.(int64); n > 9 || (n < 1 && n != -1) {
		return configError(name, v, "Value must be between 1 and 9 or equal to -1")
	}
	return nil
}

var replicaEntry = regexp.MustCompile(`^([0-9]+:[0-9]+)?$`)

// throttledReplicas is ThrottledReplicaListValidator.
func throttledReplicas(name string, v any) error {
	list, _ := v.([]string)
	all := true
	for _, s := range list {
		all = all && replicaEntry.MatchString(strings.TrimSpace(s))
	}
	if all || strings.Join(list, "") == "*" {
		return nil
	}
	return configError(name, v, name+" must be the literal '*' or a list of replicas in the following format: [partitionId]:[brokerId],[partitionId]:[brokerId],...")
}

// metadataVersions are the keys MetadataVersion.fromVersionString finds
// in 3.9 (server-common/.../common/MetadataVersion.java, IBP_VERSIONS):
// every version string, and the release of each production version (up
// to 3.9).
var metadataVersions = func() map[string]bool {
	m := map[string]bool{}
	for _, r := range []string{"0.8.0", "0.8.1", "0.8.2", "0.9.0"} {
		m[r] = true
	}
	ivs := []struct {
		release string
		n       int
	}{
		{"0.10.0", 2}, {"0.10.1", 3}, {"0.10.2", 1}, {"0.11.0", 3}, {"1.0", 1}, {"1.1", 1},
		{"2.0", 2}, {"2.1", 3}, {"2.2", 2}, {"2.3", 2}, {"2.4", 2}, {"2.5", 1}, {"2.6", 1},
		{"2.7", 3}, {"2.8", 2}, {"3.0", 2}, {"3.1", 1}, {"3.2", 1}, {"3.3", 4}, {"3.4", 1},
		{"3.5", 3}, {"3.6", 3}, {"3.7", 5}, {"3.8", 1}, {"3.9", 1}, {"4.0", 2},
	}
	for _, iv := range ivs {
		for i := 0; i < iv.n; i++ {
			m[iv.release+"-IV"+strconv.Itoa(i)] = true
		}
		if iv.release != "4.0" { // not a production version in 3.9
			m[iv.release] = true
		}
	}
	return m
}()

// metadataVersion is MetadataVersionValidator: fromVersionString keeps
// three dot-separated parts of a "0." version, two of any other.
func metadataVersion(name string, v any) error {
	s, _ := v.(string)
	parts := strings.Split(s, ".")
	keep := 2
	if strings.HasPrefix(s, "0.") {
		keep = 3
	}
	key := s
	if keep < len(parts) {
		key = strings.Join(parts[:keep], ".")
	}
	if !metadataVersions[key] {
		return configError(name, s, "Version "+s+" is not a valid version")
	}
	return nil
}

// validateTopicConfigs checks the configs a topic is to have as Kafka 3.9's
// controller does before it writes them (ControllerConfigurationValidator
// .validate, then LogConfig.validate), and returns its INVALID_CONFIG
// message, or "" when they are valid. set are the configs given, in the
// request's order, a nil value for a config given none; existing are the
// topic's configs kept from before. The broker's own log configs are their
// defaults, which pass every check, so only the topic's are checked.
func validateTopicConfigs(set []kmsg.CreateTopicsRequestTopicConfig, existing map[string]string) string {
	var nulls []string
	for _, c := range set {
		if c.Value == nil {
			nulls = append(nulls, c.Name)
		}
	}
	if len(nulls) > 0 {
		return "Null value not supported for topic configs: " + strings.Join(nulls, ",")
	}
	all := make(map[string]string, len(existing)+len(set))
	for k, v := range existing {
		all[k] = v
	}
	for _, c := range set {
		if _, ok := topicConfigDefFor(c.Name); !ok {
			return "Unknown topic config name: " + c.Name
		}
		all[c.Name] = *c.Value
	}
	parsed := make(map[string]any, len(all))
	for _, d := range topicConfigDefs {
		raw, ok := all[d.name]
		if !ok {
			continue
		}
		v, err := parseConfigValue(d.name, raw, d.typ)
		if err == nil && d.check != nil {
			err = d.check(d.name, v)
		}
		if err != nil {
			return err.Error()
		}
		parsed[d.name] = v
	}
	// LogConfig.validateValues, with the broker's defaults (0 and
	// Long.MAX_VALUE) where the topic sets neither.
	minLag, maxLag := int64(0), int64(math.MaxInt64)
	if v, ok := parsed["min.compaction.lag.ms"]; ok {
		minLag = v.(int64)
	}
	if v, ok := parsed["max.compaction.lag.ms"]; ok {
		maxLag = v.(int64)
	}
	if minLag > maxLag {
		return fmt.Sprintf("conflict topic config setting min.compaction.lag.ms (%d) > max.compaction.lag.ms (%d)", minLag, maxLag)
	}
	// validateRemoteStorageOnlyIfSystemEnabled: the broker runs without
	// remote.log.storage.system.enable.
	if on, _ := parsed["remote.storage.enable"].(bool); on {
		return "Tiered Storage functionality is disabled in the broker. Topic cannot be configured with remote log storage."
	}
	return ""
}
