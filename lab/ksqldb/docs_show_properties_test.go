package ksqldb

import (
	"slices"
	"testing"
)

// The reference page "SHOW PROPERTIES", grammar only: it lists the
// configuration settings in effect. A request's own setting (here
// auto.offset.reset in streamsProperties, as SET does in the CLI) is
// listed with its value under its ksql.streams. name and counted among the
// overwritten properties; a value equal to its setting's default is among
// the default properties, the server's own bootstrap.servers is not
// (PropertiesList's properties, overwrittenProperties, defaultProperties),
// each marked editable or not and with its level.
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/show-properties/
func TestDocsShowPropertiesListsTheSettingsInEffect(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	out := mustKSQL(t, url, "SHOW PROPERTIES;", map[string]any{"auto.offset.reset": "latest"})
	if len(out) != 1 || out[0]["@type"] != "properties" {
		t.Fatalf("entities %v", out)
	}
	vals := map[string]string{}
	marks := map[string]string{}
	for _, p := range out[0]["properties"].([]any) {
		m := p.(map[string]any)
		if m["scope"] != "KSQL" {
			t.Errorf("property %v", m)
		}
		if v, ok := m["value"].(string); ok {
			vals[m["name"].(string)] = v
		}
		marks[m["name"].(string)] = jsonOf(t, m["editable"]) + " " + jsonOf(t, m["level"])
	}
	// PropertiesList.Property: level from the listed name, editable from the
	// name KsqlConfigResolver resolves (ksql.streams. stripped)
	for name, want := range map[string]string{
		"ksql.streams.auto.offset.reset":     `true "SERVER"`,
		"ksql.streams.commit.interval.ms":    `true "SERVER"`,
		"ksql.streams.bootstrap.servers":     `false "SERVER"`,
		"ksql.service.id":                    `false "SERVER"`,
		"ksql.query.pull.table.scan.enabled": `true "QUERY"`,
	} {
		if marks[name] != want {
			t.Errorf("%s editable, level: %s, want %s", name, marks[name], want)
		}
	}
	if vals["ksql.streams.auto.offset.reset"] != "latest" {
		t.Errorf("auto.offset.reset %q, want the request's latest", vals["ksql.streams.auto.offset.reset"])
	}
	if vals["ksql.streams.bootstrap.servers"] != st.brokers[0] {
		t.Errorf("bootstrap.servers %q, want %s", vals["ksql.streams.bootstrap.servers"], st.brokers[0])
	}
	over := out[0]["overwrittenProperties"].([]any)
	if len(over) != 1 || over[0] != "ksql.streams.auto.offset.reset" {
		t.Errorf("overwrittenProperties %v", over)
	}
	defs := out[0]["defaultProperties"].([]any)
	if !slices.Contains(defs, any("ksql.streams.auto.offset.reset")) || slices.Contains(defs, any("ksql.streams.bootstrap.servers")) {
		t.Errorf("defaultProperties %v: want auto.offset.reset (latest is the default) and not bootstrap.servers", defs)
	}
}
