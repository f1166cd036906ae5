package connect

import (
	"slices"
	"strings"
	"testing"
)

// Connect 3.9 validates a converter named in the connector config against
// the converter's own ConfigDef (AbstractHerder.validateConverterConfig,
// apache/kafka 3.9 connect/runtime/src/main/java/org/apache/kafka/connect/
// runtime/AbstractHerder.java): the settings under "<converter key>." with
// converter.type filled in, each reported as its own entry named
// "<converter key>.<setting>" (prefixedConfigInfos), after the connector's
// entries and in the order of ConfigDef.validate, a java.util.HashMap's
// values. The converter class entry itself carries no setting's error.

// findConfig returns the entry named name, or nil.
func findConfig(ci configInfos, name string) *configInfo {
	for i := range ci.Configs {
		if c := ci.Configs[i]; c.Definition != nil && c.Definition.Name == name || c.Value != nil && c.Value.Name == name {
			return &ci.Configs[i]
		}
	}
	return nil
}

func configNames(ci configInfos) []string {
	var out []string
	for _, c := range ci.Configs {
		if c.Definition != nil {
			out = append(out, c.Definition.Name)
		} else if c.Value != nil {
			out = append(out, c.Value.Name)
		}
	}
	return out
}

func TestValidateReportsAJsonConverterSettingUnderItsPrefixedKey(t *testing.T) {
	db := newTestDB(t, sharedPostgres(t))
	b := startBroker(t)
	wk := startWorker(t, b)
	cfg := referenceConfig(db)
	cfg["name"] = "stations"
	cfg["value.converter.schemas.enable"] = "maybe"
	r := wk.do(t, "PUT", "/connector-plugins/io.confluent.connect.jdbc.JdbcSourceConnector/config/validate", cfg)
	var ci configInfos
	r.json(t, &ci)
	want := "Invalid value maybe for configuration schemas.enable: Expected value to be either true or false"
	if r.code != 200 || ci.ErrorCount != 1 || !slices.Equal(ci.errorMessages(), []string{want}) {
		t.Fatalf("validate = %d, %d errors: %q", r.code, ci.ErrorCount, ci.errorMessages())
	}
	if c := findConfig(ci, "value.converter.schemas.enable"); c == nil || c.Value == nil || !slices.Equal(c.Value.Errors, []string{want}) {
		t.Errorf("value.converter.schemas.enable = %+v", c)
	}
	if c := findConfig(ci, "value.converter"); c == nil || c.Value == nil || len(c.Value.Errors) != 0 {
		t.Errorf("value.converter = %+v", c)
	}
}

// JsonConverterConfig (apache/kafka 3.9 connect/json/.../JsonConverterConfig.java)
// defines converter.type (ConverterConfig.newConfigDef: no default, one of
// key, value, header), then schemas.enable and schemas.cache.size in group
// "Schemas", decimal.format and replace.null.with.default in group
// "Serialization". java.util.HashMap with 16 buckets visits them by bucket
// (h ^ h>>>16) & 15 of String.hashCode: decimal.format 1, converter.type 4,
// schemas.cache.size 7, replace.null.with.default 13, schemas.enable 15
// (worked out by hand from the hash function, not by this package).
func TestValidateListsEveryJsonConverterSettingAfterTheConnectorsOwn(t *testing.T) {
	db := newTestDB(t, sharedPostgres(t))
	b := startBroker(t)
	wk := startWorker(t, b)
	cfg := referenceConfig(db)
	cfg["name"] = "stations"
	r := wk.do(t, "PUT", "/connector-plugins/io.confluent.connect.jdbc.JdbcSourceConnector/config/validate", cfg)
	var ci configInfos
	r.json(t, &ci)
	if r.code != 200 || ci.ErrorCount != 0 {
		t.Fatalf("validate = %d, %d errors: %q", r.code, ci.ErrorCount, ci.errorMessages())
	}
	names := configNames(ci)
	settings := []string{"decimal.format", "converter.type", "schemas.cache.size", "replace.null.with.default", "schemas.enable"}
	var want []string
	for _, p := range []string{"key.converter.", "value.converter."} {
		for _, s := range settings {
			want = append(want, p+s)
		}
	}
	if len(names) < len(want) || !slices.Equal(names[len(names)-len(want):], want) {
		t.Fatalf("last configs = %q, want %q", names[max(0, len(names)-len(want)):], want)
	}
	if i := slices.Index(names, "connection.url"); i < 0 || i > len(names)-len(want) {
		t.Errorf("connector entries do not come first: %q", names)
	}
	// prefixedConfigInfos adds each value's group as it walks them, so
	// decimal.format brings "Serialization" before schemas.cache.size
	// brings "Schemas".
	if n := len(ci.Groups); n < 2 || ci.Groups[n-2] != "Serialization" || ci.Groups[n-1] != "Schemas" {
		t.Errorf("groups = %q", ci.Groups)
	}

	ty := findConfig(ci, "key.converter.converter.type")
	if ty == nil || ty.Definition == nil || ty.Value == nil {
		t.Fatalf("key.converter.converter.type = %+v", ty)
	}
	if d := ty.Definition; d.Type != "STRING" || !d.Required || d.DefaultValue != nil || d.Importance != "LOW" || d.Documentation != "How this converter will be used." ||
		d.Group != nil || d.OrderInGroup != -1 || d.Width != "NONE" || d.DisplayName != "converter.type" {
		t.Errorf("converter.type definition = %+v", *d)
	}
	if v := ty.Value; v.Value == nil || *v.Value != "key" || v.Name != "key.converter.converter.type" || len(v.Errors) != 0 || !v.Visible {
		t.Errorf("converter.type value = %+v", *v)
	}

	se := findConfig(ci, "value.converter.schemas.enable")
	if se == nil || se.Definition == nil || se.Value == nil {
		t.Fatalf("value.converter.schemas.enable = %+v", se)
	}
	if d := se.Definition; d.Type != "BOOLEAN" || d.Required || d.DefaultValue == nil || *d.DefaultValue != "true" || d.Importance != "HIGH" ||
		d.Group == nil || *d.Group != "Schemas" || d.OrderInGroup != 0 || d.Width != "MEDIUM" || d.DisplayName != "Enable Schemas" {
		t.Errorf("schemas.enable definition = %+v", *d)
	}
	if v := se.Value; v.Value == nil || *v.Value != "false" {
		t.Errorf("schemas.enable value = %+v", *v)
	}
	df := findConfig(ci, "value.converter.decimal.format")
	if df == nil || df.Definition == nil || df.Value == nil || df.Definition.Group == nil || *df.Definition.Group != "Serialization" ||
		df.Definition.DefaultValue == nil || *df.Definition.DefaultValue != "BASE64" || df.Value.Value == nil || *df.Value.Value != "BASE64" {
		t.Errorf("value.converter.decimal.format = %+v", df)
	}
}

// CP 7.9's AvroConverter does not override Converter.config(), whose
// default is an empty ConfigDef (apache/kafka 3.9 connect/api/.../storage/
// Converter.java; confluentinc/schema-registry 7.9.x avro-converter/.../
// AvroConverter.java), so validation finds nothing to check: the missing
// schema.registry.url only shows when the task configures the converter
// and fails (Worker.startTask).
func TestAvroConverterWithoutRegistryURLValidatesAndItsTaskFails(t *testing.T) {
	db := newTestDB(t, sharedPostgres(t))
	b := startBroker(t)
	wk := startWorker(t, b)
	cfg := referenceConfig(db)
	cfg["value.converter"] = avroConverterClass
	delete(cfg, "value.converter.schemas.enable")
	cfg["name"] = "stations"
	r := wk.do(t, "PUT", "/connector-plugins/io.confluent.connect.jdbc.JdbcSourceConnector/config/validate", cfg)
	var ci configInfos
	r.json(t, &ci)
	if r.code != 200 || ci.ErrorCount != 0 {
		t.Fatalf("validate = %d, %d errors: %q", r.code, ci.ErrorCount, ci.errorMessages())
	}
	for _, n := range configNames(ci) {
		if strings.HasPrefix(n, "value.converter.") {
			t.Errorf("unexpected entry %s for a converter with an empty ConfigDef", n)
		}
	}

	if r := wk.do(t, "POST", "/connectors", map[string]any{"name": "stations", "config": cfg}); r.code != 201 {
		t.Fatalf("create = %d %s", r.code, r.body)
	}
	eventually(t, "task FAILED on the missing schema.registry.url", func() string {
		r := wk.do(t, "GET", "/connectors/stations/status", nil)
		var st connectorStateInfo
		r.json(t, &st)
		if r.code != 200 || st.Connector.State != "RUNNING" || len(st.Tasks) != 1 || st.Tasks[0].State != "FAILED" ||
			!strings.Contains(st.Tasks[0].Trace, `Missing required configuration "schema.registry.url" which has no default value.`) {
			return string(r.body)
		}
		return ""
	})
}

// A setting this worker's converter cannot honour is refused at
// validation under the setting's own prefixed key, not the class key.
func TestValidateRefusesAnUnbuiltStringConverterEncodingUnderItsKey(t *testing.T) {
	db := newTestDB(t, sharedPostgres(t))
	b := startBroker(t)
	wk := startWorker(t, b)
	cfg := referenceConfig(db)
	cfg["name"] = "stations"
	cfg["value.converter"] = stringConverterClass
	cfg["value.converter.converter.encoding"] = "UTF-16"
	delete(cfg, "value.converter.schemas.enable")
	r := wk.do(t, "PUT", "/connector-plugins/io.confluent.connect.jdbc.JdbcSourceConnector/config/validate", cfg)
	var ci configInfos
	r.json(t, &ci)
	want := "Invalid value UTF-16 for configuration converter.encoding: this worker's StringConverter writes UTF-8 only"
	if r.code != 200 || ci.ErrorCount != 1 || !slices.Equal(ci.errorMessages(), []string{want}) {
		t.Fatalf("validate = %d, %d errors: %q", r.code, ci.ErrorCount, ci.errorMessages())
	}
	c := findConfig(ci, "value.converter.converter.encoding")
	if c == nil || c.Definition == nil || c.Definition.DefaultValue == nil || *c.Definition.DefaultValue != "UTF-8" || c.Value == nil || !slices.Equal(c.Value.Errors, []string{want}) {
		t.Errorf("value.converter.converter.encoding = %+v", c)
	}
}

// The header converter is validated the same way, with converter.type
// "header" (ConverterType.HEADER), and its entries come before the key
// and value converters' (AbstractHerder.mergeConfigInfos).
func TestValidateReportsTheHeaderConverterSettingsBeforeTheKeyConverters(t *testing.T) {
	db := newTestDB(t, sharedPostgres(t))
	b := startBroker(t)
	wk := startWorker(t, b)
	cfg := referenceConfig(db)
	cfg["name"] = "stations"
	cfg["header.converter"] = jsonConverterClass
	cfg["header.converter.schemas.enable"] = "nope"
	r := wk.do(t, "PUT", "/connector-plugins/io.confluent.connect.jdbc.JdbcSourceConnector/config/validate", cfg)
	var ci configInfos
	r.json(t, &ci)
	want := "Invalid value nope for configuration schemas.enable: Expected value to be either true or false"
	if r.code != 200 || ci.ErrorCount != 1 || !slices.Equal(ci.errorMessages(), []string{want}) {
		t.Fatalf("validate = %d, %d errors: %q", r.code, ci.ErrorCount, ci.errorMessages())
	}
	names := configNames(ci)
	h, k := slices.Index(names, "header.converter.schemas.enable"), slices.Index(names, "key.converter.decimal.format")
	if h < 0 || k < 0 || h > k {
		t.Errorf("header.converter.schemas.enable at %d, key.converter.decimal.format at %d", h, k)
	}
	if c := findConfig(ci, "header.converter.converter.type"); c == nil || c.Value == nil || c.Value.Value == nil || *c.Value.Value != "header" {
		t.Errorf("header.converter.converter.type = %+v", c)
	}
}
