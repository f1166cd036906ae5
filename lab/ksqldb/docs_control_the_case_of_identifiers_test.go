package ksqldb

import (
	"testing"
)

// The how-to guide "Control the case of identifiers": the guide's SET and
// CREATE STREAM statements go to /ksql as written and its push query to
// /query with the SET's property; the rows are the guide's output table in
// the REST API's JSON form. This server does not write STRUCT columns in
// AVRO, so the guide's INSERT INTO ... VALUES rows are produced to the
// topic as Avro records with the same values.
// https://docs.ksqldb.io/en/0.29.0-ksqldb/how-to-guides/control-the-case-of-identifiers/

// Section "In action": back-quoted names keep their case in the stream's
// schema.
func TestHowToIdentifierCaseBackticksKeepTheCaseOfNames(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM `s1` (\n    `foo` VARCHAR KEY,\n    `BAR` INT,\n    `Baz` VARCHAR\n) WITH (\n    kafka_topic = 's1',\n    partitions = 1,\n    value_format = 'avro'\n);", nil)
	desc := mustKSQL(t, url, "DESCRIBE `s1`;", nil)
	src, _ := desc[0]["sourceDescription"].(map[string]any)
	var names []string
	for _, f := range src["fields"].([]any) {
		names = append(names, f.(map[string]any)["name"].(string))
	}
	sameLines(t, "fields of `s1`", names, []string{"foo", "BAR", "Baz"})
	if src["name"] != "s1" {
		t.Errorf("name %v, want s1", src["name"])
	}
}

// Section "Backticks": back-quoted names, struct fields included, keep
// their case in the result's header; qux, declared without backticks, is
// QUX and may be written in any case.
func TestHowToIdentifierCaseBackticksKeepTheCaseOfResultColumns(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "SET 'auto.offset.reset' = 'earliest';\n"+
		"CREATE STREAM `s2` (\n    `foo` VARCHAR KEY,\n    `BAR` INT,\n    `Baz` VARCHAR,\n    `grault` STRUCT<\n        `Corge` VARCHAR,\n        `garply` INT\n    >,\n    qux INT\n) WITH (\n    kafka_topic = 's2',\n    partitions = 1,\n    value_format = 'avro'\n);", nil)
	schema := `{"type":"record","name":"S2","fields":[{"name":"BAR","type":"int"},{"name":"Baz","type":"string"},` +
		`{"name":"grault","type":{"type":"record","name":"G","fields":[{"name":"Corge","type":"string"},{"name":"garply","type":"int"}]}},{"name":"QUX","type":"int"}]}`
	row := func(bar int, baz, corge string, garply, qux int) map[string]any {
		return map[string]any{"BAR": bar, "Baz": baz, "grault": map[string]any{"Corge": corge, "garply": garply}, "QUX": qux}
	}
	st.produceAvroRows("s2", schema, []string{"k1", "k2", "k3"}, []map[string]any{
		row(1, "x", "v1", 5, 2), row(3, "y", "v2", 6, 4), row(5, "z", "v3", 8, 6),
	})
	hdr, rows := rawPushRows(t, url, "SELECT `foo`,\n       `BAR`,\n       `Baz`,\n       `grault`->`Corge`,\n       `grault`->`garply`,\n       qux,\n       QUX AS qux2\nFROM `s2`\nEMIT CHANGES LIMIT 3;", 3)
	if want := "`foo` STRING, `BAR` INTEGER, `Baz` STRING, `Corge` STRING, `garply` INTEGER, `QUX` INTEGER, `QUX2` INTEGER"; hdr != want {
		t.Errorf("header %s\nwant   %s", hdr, want)
	}
	sameLines(t, "s2", rows, []string{`["k1",1,"x","v1",5,2,2]`, `["k2",3,"y","v2",6,4,4]`, `["k3",5,"z","v3",8,6,6]`})
}
