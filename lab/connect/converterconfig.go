package connect

import (
	"sort"
	"strings"

	"github.com/ctalab/ctalab/lab/connect/data"
)

// Converter settings in config validation, as Connect 3.9 reports them
// (apache/kafka 3.9 connect/runtime/src/main/java/org/apache/kafka/connect/
// runtime/AbstractHerder.java, validateConverterConfig and
// prefixedConfigInfos): for each of header.converter, key.converter and
// value.converter that the connector config names, with a class that
// loaded, the converter's own ConfigDef validates the settings under
// "<key>." plus converter.type; each of its keys becomes an entry named
// "<key>.<setting>" after the connector's entries, and an entry with errors
// counts once in error_count.

// converterTypeKey is ConverterConfig.newConfigDef (apache/kafka 3.9
// connect/api/src/main/java/org/apache/kafka/connect/storage/ConverterConfig.java).
func converterTypeKey() configKey {
	return configKey{Name: "converter.type", Type: cfgString, Required: true, Importance: "LOW",
		Doc: "How this converter will be used.", Validator: validString("key", "value", "header")}
}

// converterConfigDef is Converter.config() (or HeaderConverter.config()) of
// an installed converter class. The Schema Registry converters of CP 7.9
// (confluentinc/schema-registry 7.9.x AvroConverter.java,
// JsonSchemaConverter.java) and SimpleHeaderConverter answer an empty
// ConfigDef.
func converterConfigDef(class string) *configDef {
	d := newConfigDef()
	switch class {
	case jsonConverterClass:
		// JsonConverterConfig (connect/json/.../JsonConverterConfig.java).
		d.define(converterTypeKey())
		d.define(configKey{Name: "schemas.enable", Type: cfgBoolean, Default: true, Importance: "HIGH",
			Doc: "Include schemas within each of the serialized values and keys.", Group: "Schemas", Order: 0, OrderSet: true, Width: "MEDIUM", Display: "Enable Schemas"})
		d.define(configKey{Name: "schemas.cache.size", Type: cfgInt, Default: int32(1000), Importance: "HIGH",
			Doc: "The maximum number of schemas that can be cached in this converter instance.", Group: "Schemas", Order: 1, Width: "MEDIUM", Display: "Schema Cache Size"})
		d.define(configKey{Name: "decimal.format", Type: cfgString, Default: "BASE64", Validator: validStringIgnoreCase("BASE64", "NUMERIC"), Importance: "LOW",
			Doc:   "Controls which format this converter will serialize decimals in. This value is case insensitive and can be either 'BASE64' (default) or 'NUMERIC'",
			Group: "Serialization", Order: 0, OrderSet: true, Width: "MEDIUM", Display: "Decimal Format"})
		d.define(configKey{Name: "replace.null.with.default", Type: cfgBoolean, Default: true, Importance: "LOW",
			Doc:   "Whether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used.",
			Group: "Serialization", Order: 1, Width: "MEDIUM", Display: "Replace null with default"})
	case stringConverterClass:
		// StringConverterConfig (connect/api/.../storage/StringConverterConfig.java).
		d.define(converterTypeKey())
		d.define(configKey{Name: "converter.encoding", Type: cfgString, Default: "UTF-8", Importance: "HIGH",
			Doc: "The name of the Java character set to use for encoding strings as byte arrays.", Width: "MEDIUM", Display: "Encoding"})
	case byteArrayConverterClass,
		"org.apache.kafka.connect.converters.DoubleConverter",
		"org.apache.kafka.connect.converters.FloatConverter",
		"org.apache.kafka.connect.converters.IntegerConverter",
		"org.apache.kafka.connect.converters.LongConverter",
		"org.apache.kafka.connect.converters.ShortConverter":
		// ByteArrayConverter and NumberConverterConfig: converter.type only.
		d.define(converterTypeKey())
	}
	return d
}

// converterConfigInfos validates the converters the connector config names
// and returns their entries, groups and error count, for appending to the
// connector's result (AbstractHerder.mergeConfigInfos: header, key, value).
func converterConfigInfos(props map[string]string, values map[string]*configValue) ([]configInfo, []string, int) {
	var infos []configInfo
	var groups []string
	errorCount := 0
	for _, prefix := range []string{"header.converter", "key.converter", "value.converter"} {
		cls, ok := props[prefix]
		if cv := values[prefix]; !ok || cv == nil || len(cv.Errors) > 0 {
			continue
		}
		cls = strings.TrimSpace(cls)
		def := converterConfigDef(cls)
		settings := map[string]string{}
		for k, v := range props {
			if rest, ok := strings.CutPrefix(k, prefix+"."); ok {
				settings[rest] = v
			}
		}
		if _, ok := settings["converter.type"]; !ok {
			settings["converter.type"] = strings.TrimSuffix(prefix, ".converter")
		}
		vals := def.validateAll(settings)
		// Settings this worker does not build are refused under their
		// own key; Connect would accept them.
		if prefix != "header.converter" {
			_, issues := configureConverter(props, prefix, nil, network{})
			for _, is := range issues {
				if !is.Unbuilt {
					continue
				}
				cv := vals[is.Key]
				if cv == nil {
					cv = &configValue{Name: is.Key, Value: settings[is.Key], Visible: true}
					vals[is.Key] = cv
				}
				cv.addError(is.Msg)
			}
		}
		// ConfigDef.validate lists its values from a java.util.HashMap
		// filled in key order; refused settings outside the ConfigDef
		// follow.
		order := data.NewHashMap(-1)
		for _, k := range def.keys {
			order.Put(k.Name, nil)
		}
		names := make([]string, 0, len(vals))
		for _, e := range order.Entries() {
			names = append(names, e.Key)
		}
		var outside []string
		for k := range vals {
			if def.byName[k] == nil {
				outside = append(outside, k)
			}
		}
		sort.Strings(outside)
		names = append(names, outside...)
		for _, name := range names {
			cv := vals[name]
			info := configInfo{}
			typ := configType("")
			if k := def.byName[name]; k != nil {
				pk := *k
				if pk.Display == "" {
					pk.Display = k.Name // ConfigDef's short define names the display after the key
				}
				pk.Name = prefix + "." + k.Name
				info.Definition = pk.info()
				typ = k.Type
				if k.Group != "" && !containsString(groups, k.Group) {
					groups = append(groups, k.Group)
				}
			}
			vi := &configValueInfo{Name: prefix + "." + name, RecommendedValues: append([]string{}, cv.Recommended...),
				Errors: append([]string{}, cv.Errors...), Visible: cv.Visible}
			if cv.Value != nil {
				s := valueString(cv.Value, typ)
				vi.Value = &s
			}
			info.Value = vi
			if len(cv.Errors) > 0 {
				errorCount++
			}
			infos = append(infos, info)
		}
	}
	return infos, groups, errorCount
}

func containsString(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}
