package connect

import (
	"sort"
	"strings"

	"github.com/ctalab/ctalab/internal/platform"
)

// Connector plugin identity.
const (
	jdbcSourceClass   = "io.confluent.connect.jdbc.JdbcSourceConnector"
	jdbcSourceVersion = platform.JDBCConnectorVersion
	jdbcTaskClass     = "io.confluent.connect.jdbc.source.JdbcSourceTask"
	// kafkaVersion is AppInfoParser's version of the Kafka build the worker
	// runs, CP's, which GET / and Kafka's own plugins report.
	kafkaVersion = platform.KafkaVersion
)

// Base connector keys (AK 3.9 ConnectorConfig + SourceConnectorConfig),
// the subset this worker understands. Docs are shortened from the originals.
func sourceConnectorConfigDef() *configDef {
	const common = "Common"
	d := newConfigDef()
	d.define(configKey{Name: "name", Type: cfgString, Required: true, Importance: "HIGH", Group: common, Order: 1, Width: "MEDIUM", Display: "Connector name",
		Doc: "Globally unique name to use for this connector.",
		Validator: func(v any) string {
			s, _ := v.(string)
			if s == "" {
				return "String may not be empty"
			}
			for _, r := range s {
				if r < 0x20 || r == 0x7f {
					return "String may not contain control sequences but had the following ASCII chars: " + controlChars(s)
				}
			}
			return ""
		}})
	d.define(configKey{Name: "connector.class", Type: cfgString, Required: true, Importance: "HIGH", Group: common, Order: 2, Width: "LONG", Display: "Connector class",
		Doc: "Name or alias of the class for this connector. Must be a subclass of org.apache.kafka.connect.connector.Connector."})
	d.define(configKey{Name: "tasks.max", Type: cfgInt, Default: int32(1), Importance: "HIGH", Group: common, Order: 3, Width: "SHORT", Display: "Tasks max",
		Doc: "Maximum number of tasks to use for this connector.", Validator: atLeast(1)})
	d.define(configKey{Name: "tasks.max.enforce", Type: cfgBoolean, Default: true, Importance: "LOW", Group: common, Order: 4, Width: "SHORT", Display: "Enforce tasks max",
		Doc: "(Deprecated) Whether to enforce that the tasks.max property is respected by the connector."})
	d.define(configKey{Name: "key.converter", Type: cfgClass, Importance: "LOW", Group: common, Order: 5, Width: "SHORT", Display: "Key converter class",
		Doc: "Converter class used to convert between Kafka Connect format and the serialized form that is written to Kafka."})
	d.define(configKey{Name: "value.converter", Type: cfgClass, Importance: "LOW", Group: common, Order: 6, Width: "SHORT", Display: "Value converter class",
		Doc: "Converter class used to convert between Kafka Connect format and the serialized form that is written to Kafka."})
	d.define(configKey{Name: "header.converter", Type: cfgClass, Default: "org.apache.kafka.connect.storage.SimpleHeaderConverter", Importance: "LOW", Group: common, Order: 7, Width: "SHORT", Display: "Header converter class",
		Doc: "HeaderConverter class used to convert between Kafka Connect format and the serialized form that is written to Kafka."})
	d.define(configKey{Name: "config.action.reload", Type: cfgString, Default: "restart", Importance: "LOW", Group: common, Order: 8, Width: "MEDIUM", Display: "Reload Action",
		Doc:       "The action that Connect should take on the connector when changes in external configuration providers result in a change in the connector's configuration properties.",
		Validator: validStringIgnoreCase("none", "restart")})
	d.define(configKey{Name: "transforms", Type: cfgList, Default: []string{}, Importance: "LOW", Group: "Transforms", Order: 1, Width: "LONG", Display: "Transforms",
		Doc: "Aliases for the transformations to be applied to records.", FullValidator: uniqueAliases("transforms")})
	d.define(configKey{Name: "predicates", Type: cfgList, Default: []string{}, Importance: "LOW", Group: "Predicates", Order: 1, Width: "LONG", Display: "Predicates",
		Doc: "Aliases for the predicates used by transformations.", FullValidator: uniqueAliases("predicates")})
	const eh = "Error Handling"
	d.define(configKey{Name: "errors.retry.timeout", Type: cfgLong, Default: int64(0), Importance: "MEDIUM", Group: eh, Order: 1, Width: "MEDIUM", Display: "Retry Timeout for Errors",
		Doc: "The maximum duration in milliseconds that a failed operation will be reattempted."})
	d.define(configKey{Name: "errors.retry.delay.max.ms", Type: cfgLong, Default: int64(60000), Importance: "MEDIUM", Group: eh, Order: 2, Width: "MEDIUM", Display: "Maximum Delay Between Retries for Errors",
		Doc: "The maximum duration in milliseconds between consecutive retry attempts."})
	d.define(configKey{Name: "errors.tolerance", Type: cfgString, Default: "none", Importance: "MEDIUM", Group: eh, Order: 3, Width: "SHORT", Display: "Error Tolerance",
		Doc: "Behavior for tolerating errors during connector operation.", Validator: validStringIgnoreCase("none", "all")})
	d.define(configKey{Name: "errors.log.enable", Type: cfgBoolean, Default: false, Importance: "MEDIUM", Group: eh, Order: 4, Width: "SHORT", Display: "Log Errors",
		Doc: "If true, write each error and the details of the failed operation and problematic record to the Connect application log."})
	d.define(configKey{Name: "errors.log.include.messages", Type: cfgBoolean, Default: false, Importance: "MEDIUM", Group: eh, Order: 5, Width: "SHORT", Display: "Log Error Details",
		Doc: "Whether to include in the log the Connect record that resulted in a failure."})
	d.define(configKey{Name: "topic.creation.groups", Type: cfgList, Default: []string{}, Importance: "LOW", Group: "Topic Creation", Order: 1, Width: "LONG", Display: "Topic Creation Groups",
		Doc: "Groups of configurations for topics created by source connectors"})
	const eos = "Exactly Once Support"
	d.define(configKey{Name: "exactly.once.support", Type: cfgString, Default: "requested", Importance: "MEDIUM", Group: eos, Order: 1, Width: "SHORT", Display: "Exactly once support",
		Doc: "Permitted values are requested, required.", Validator: validStringIgnoreCase("requested", "required")})
	d.define(configKey{Name: "transaction.boundary", Type: cfgString, Default: "poll", Importance: "MEDIUM", Group: eos, Order: 2, Width: "SHORT", Display: "Transaction Boundary",
		Doc: "Permitted values are: poll, interval, connector.", Validator: validStringIgnoreCase("poll", "interval", "connector")})
	d.define(configKey{Name: "transaction.boundary.interval.ms", Type: cfgLong, Importance: "LOW", Group: eos, Order: 3, Width: "SHORT", Display: "Transaction boundary interval",
		Doc: "If 'transaction.boundary' is set to 'interval', determines the interval for producer transaction commits by connector tasks."})
	d.define(configKey{Name: "offsets.storage.topic", Type: cfgString, Importance: "LOW", Group: "offsets.storage", Order: 1, Width: "LONG", Display: "Offsets topic",
		Doc: "The name of a separate offsets topic to use for this connector."})
	return d
}

func controlChars(s string) string {
	var out []string
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			out = append(out, string(rune('0'+r/100))+string(rune('0'+(r/10)%10))+string(rune('0'+r%10)))
		}
	}
	return strings.Join(out, ", ")
}

// knownConnector resolves a connector.class value (full name, simple name
// or alias) to the JDBC source class, or "".
func knownConnector(class string) string {
	switch strings.TrimSpace(class) {
	case jdbcSourceClass, "JdbcSourceConnector", "JdbcSource":
		return jdbcSourceClass
	}
	return ""
}

var installedHeaderConverters = map[string]bool{
	"org.apache.kafka.connect.storage.SimpleHeaderConverter": true,
	jsonConverterClass: true,
	"org.apache.kafka.connect.storage.StringConverter": true,
}

// javaMapString renders props like java.util.Map.toString, keys sorted.
func javaMapString(props map[string]string) string {
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + props[k]
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// validateWorkerKeys adds the errors the worker itself finds: converter
// classes that are not installed. The converters' settings are validated
// by converterConfigInfos.
func validateWorkerKeys(props map[string]string, values map[string]*configValue) {
	for _, k := range []string{"key.converter", "value.converter"} {
		cls, ok := props[k]
		if !ok {
			continue
		}
		cls = strings.TrimSpace(cls)
		if !converterInstalled(cls) {
			values[k].addError("Invalid value " + cls + " for configuration " + k + ": Class " + cls + " could not be found.")
		}
	}
	if cls, ok := props["header.converter"]; ok {
		cls = strings.TrimSpace(cls)
		if !installedHeaderConverters[cls] {
			values["header.converter"].addError("Invalid value " + cls + " for configuration header.converter: Class " + cls + " could not be found.")
		}
	}
}

// uniqueAliases is ConnectorConfig.aliasValidator: an alias may appear only
// once in transforms or predicates.
func uniqueAliases(key string) func(any) string {
	return func(v any) string {
		l, _ := v.([]string)
		seen := map[string]bool{}
		for _, a := range l {
			if seen[a] {
				return "Invalid value [" + strings.Join(l, ", ") + "] for configuration " + key + ": Duplicate alias provided."
			}
			seen[a] = true
		}
		return ""
	}
}
