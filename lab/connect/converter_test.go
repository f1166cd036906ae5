package connect

import (
	"math/big"
	"testing"
)

// stationsColumns describes the stations table (as lab/seed creates it) as
// the catalog reports it.
func stationsColumns(t *testing.T) []column {
	t.Helper()
	defs := []struct {
		name, typ string
		notNull   bool
	}{
		{"stop_id", "int4", true},
		{"direction_id", "varchar", true},
		{"stop_name", "varchar", true},
		{"station_name", "varchar", true},
		{"station_descriptive_name", "varchar", true},
		{"station_id", "int4", true},
		{"order", "int4", false},
		{"red", "bool", true},
		{"blue", "bool", true},
		{"green", "bool", true},
	}
	var cols []column
	for _, d := range defs {
		c := column{Name: d.name, TypName: d.typ, NotNull: d.notNull}
		if !mapColumn(&c, -1, "none") {
			t.Fatalf("type %s not mapped", d.typ)
		}
		c.Schema.Optional = !c.NotNull
		cols = append(cols, c)
	}
	return cols
}

func austin() []any {
	return []any{int32(30001), "E", "Austin (O'Hare-bound)", "Austin", "Austin (Blue Line)", int32(40010), int32(29), false, true, false}
}

func TestJSONConverterStationsEnvelope(t *testing.T) {
	q, err := newQuerier(tableID{Schema: "public", Name: "stations"}, stationsColumns(t), &jdbcConfig{Mode: modeIncrementing, IncColumn: "stop_id", TopicPrefix: "org.chicago.cta.", ValidateNonNull: true})
	if err != nil {
		t.Fatalf("newQuerier: %v", err)
	}
	if q.topic != "org.chicago.cta.stations" {
		t.Errorf("topic = %q", q.topic)
	}
	conv := &jsonConverter{schemasEnable: true}
	got := string(conv.fromConnectData(q.value, &structValue{Schema: q.value, Values: austin()}))
	want := `{"schema":{"type":"struct","fields":[` +
		`{"type":"int32","optional":false,"field":"stop_id"},` +
		`{"type":"string","optional":false,"field":"direction_id"},` +
		`{"type":"string","optional":false,"field":"stop_name"},` +
		`{"type":"string","optional":false,"field":"station_name"},` +
		`{"type":"string","optional":false,"field":"station_descriptive_name"},` +
		`{"type":"int32","optional":false,"field":"station_id"},` +
		`{"type":"int32","optional":true,"field":"order"},` +
		`{"type":"boolean","optional":false,"field":"red"},` +
		`{"type":"boolean","optional":false,"field":"blue"},` +
		`{"type":"boolean","optional":false,"field":"green"}],` +
		`"optional":false,"name":"stations"},` +
		`"payload":{"stop_id":30001,"direction_id":"E","stop_name":"Austin (O'Hare-bound)","station_name":"Austin","station_descriptive_name":"Austin (Blue Line)","station_id":40010,"order":29,"red":false,"blue":true,"green":false}}`
	if got != want {
		t.Errorf("envelope:\n got %s\nwant %s", got, want)
	}
	plain := &jsonConverter{schemasEnable: false}
	got = string(plain.fromConnectData(q.value, &structValue{Schema: q.value, Values: austin()}))
	want = `{"stop_id":30001,"direction_id":"E","stop_name":"Austin (O'Hare-bound)","station_name":"Austin","station_descriptive_name":"Austin (Blue Line)","station_id":40010,"order":29,"red":false,"blue":true,"green":false}`
	if got != want {
		t.Errorf("payload:\n got %s\nwant %s", got, want)
	}
	if k := conv.fromConnectData(nil, nil); k != nil {
		t.Errorf("null key serialised as %q, want nil", k)
	}
}

func TestJSONConverterNullOptionalField(t *testing.T) {
	cols := stationsColumns(t)
	q, err := newQuerier(tableID{Schema: "public", Name: "stations"}, cols, &jdbcConfig{Mode: modeBulk})
	if err != nil {
		t.Fatalf("newQuerier: %v", err)
	}
	v := austin()
	v[6] = nil
	got := string((&jsonConverter{}).fromConnectData(q.value, &structValue{Schema: q.value, Values: v}))
	if want := `"order":null`; !contains(got, want) {
		t.Errorf("%s does not contain %s", got, want)
	}
}

func contains(s, sub string) bool { return len(sub) == 0 || indexOf(s, sub) >= 0 }

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

func TestJSONConverterLogicalTypes(t *testing.T) {
	c := column{Name: "price", TypName: "numeric"}
	mapColumn(&c, (10<<16|2)+4, "none") // numeric(10,2)
	var b = new(jsonConverter)
	b.schemasEnable = true
	got := string(b.fromConnectData(&c.Schema, decimalValue{Unscaled: big.NewInt(12345), Scale: 2}))
	want := `{"schema":{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2","connect.decimal.precision":"10"}},"payload":"MDk="}`
	if got != want {
		t.Errorf("decimal:\n got %s\nwant %s", got, want)
	}
	if got := string(twosComplement(big.NewInt(-1))); got != "\xff" {
		t.Errorf("twosComplement(-1) = %x", got)
	}
	if got := twosComplement(big.NewInt(128)); len(got) != 2 || got[0] != 0 || got[1] != 0x80 {
		t.Errorf("twosComplement(128) = %x", got)
	}
	if got := twosComplement(big.NewInt(-129)); len(got) != 2 || got[0] != 0xff || got[1] != 0x7f {
		t.Errorf("twosComplement(-129) = %x", got)
	}
	if got := decimalString(decimalValue{Unscaled: big.NewInt(-5), Scale: 3}); got != "-0.005" {
		t.Errorf("decimalString = %s", got)
	}
}

func TestJavaDouble(t *testing.T) {
	cases := []struct {
		f    float64
		bits int
		want string
	}{
		{1, 64, "1.0"},
		{0.5, 64, "0.5"},
		{123.25, 64, "123.25"},
		{1e7, 64, "1.0E7"},
		{1.5e-4, 64, "1.5E-4"},
		{0.001, 64, "0.001"},
		{-2.5, 64, "-2.5"},
		{9999999, 64, "9999999.0"},
		{0.1, 32, "0.1"},
	}
	for _, c := range cases {
		if got := javaDouble(c.f, c.bits); got != c.want {
			t.Errorf("javaDouble(%v) = %s, want %s", c.f, got, c.want)
		}
	}
}
