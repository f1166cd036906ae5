package connect

import (
	"testing"
	"time"
)

func TestOffsetRecordFormat(t *testing.T) {
	if got, want := string(offsetKey("stations", partitionV1("public.stations"))), `["stations",{"protocol":"1","table":"public.stations"}]`; got != want {
		t.Errorf("key = %s, want %s", got, want)
	}
	id := int64(30001)
	if got, want := string(offsetValue(tableOffset{Incrementing: &id})), `{"incrementing":30001}`; got != want {
		t.Errorf("value = %s, want %s", got, want)
	}
	ts := time.Date(2024, 1, 2, 3, 4, 5, 123456000, time.UTC)
	got := string(offsetValue(tableOffset{Incrementing: &id, Timestamp: &ts}))
	if want := `{"timestamp_nanos":123456000,"incrementing":30001,"timestamp":1704164645123}`; got != want {
		t.Errorf("value = %s, want %s", got, want)
	}
	back, err := parseOffsetValue([]byte(got))
	if err != nil {
		t.Fatal(err)
	}
	if *back.Incrementing != id || !back.Timestamp.Equal(ts) {
		t.Errorf("round trip = %+v", back)
	}
}

func TestCanonicalOffsetKeyIgnoresMapOrder(t *testing.T) {
	a, err := canonicalOffsetKey([]byte(`["stations",{"table":"public.stations","protocol":"1"}]`))
	if err != nil {
		t.Fatal(err)
	}
	b := lookupKey("stations", orderedToMap(partitionV1("public.stations")))
	if a != b {
		t.Errorf("%s != %s", a, b)
	}
	if _, err := canonicalOffsetKey([]byte(`{"x":1}`)); err == nil {
		t.Error("want error for a non-array key")
	}
}

func TestParseTableListRoundTrip(t *testing.T) {
	tables := []tableID{{Schema: "public", Name: "stations"}, {Schema: "we\"ird", Name: "a,b.c"}}
	var quoted []string
	for _, tb := range tables {
		quoted = append(quoted, tb.quoted())
	}
	got, err := parseTableList(joinComma(quoted))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Name != "stations" || got[1].Schema != "we\"ird" || got[1].Name != "a,b.c" {
		t.Errorf("got %+v", got)
	}
}

func TestParseJDBCURL(t *testing.T) {
	cfg, err := parseJDBCURL("jdbc:postgresql://db.example:6543/cta?sslmode=disable&ApplicationName=x", "cta_admin", "chicago", network{})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Host != "db.example" || cfg.Port != 6543 || cfg.Database != "cta" || cfg.User != "cta_admin" || cfg.Password != "chicago" {
		t.Errorf("cfg = %s:%d/%s %s", cfg.Host, cfg.Port, cfg.Database, cfg.User)
	}
	if cfg.TLSConfig != nil {
		t.Error("sslmode=disable not honoured")
	}
	cfg, err = parseJDBCURL("jdbc:postgresql://h/d?user=u2&password=p2", "u", "p", network{})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.User != "u2" || cfg.Password != "p2" || cfg.Port != 5432 {
		t.Errorf("URL credentials should win: %s %s %d", cfg.User, cfg.Password, cfg.Port)
	}
	for raw, want := range map[string]string{
		"postgres://h/d":         "Not a valid JDBC URL: postgres://h/d",
		"jdbc:mysql://h:3306/db": "java.sql.SQLException: No suitable driver found for jdbc:mysql://h:3306/db",
	} {
		if _, err := parseJDBCURL(raw, "", "", network{}); err == nil || err.Error() != want {
			t.Errorf("parseJDBCURL(%s, network{}) = %v, want %s", raw, err, want)
		}
	}
}

// pgjdbc decodes URL parameters with java.net.URLDecoder (Driver.parseURL
// via org.postgresql.util.URLCoder): %XX escapes and '+' for a space. The
// server must receive the decoded text.
func TestJDBCURLParametersAreDecodedAsPgjdbcDecodesThem(t *testing.T) {
	for raw, want := range map[string]map[string]string{
		"jdbc:postgresql://h/d?options=-c%20statement_timeout%3D1":         {"options": "-c statement_timeout=1"},
		"jdbc:postgresql://h/d?options=-c+statement_timeout%3D1":           {"options": "-c statement_timeout=1"},
		"jdbc:postgresql://h/d?ApplicationName=my+app&currentSchema=a%2Cb": {"application_name": "my app", "search_path": "a,b"},
		"jdbc:postgresql://h/d": {"application_name": "PostgreSQL JDBC Driver"},
	} {
		cfg, err := parseJDBCURL(raw, "u", "p", network{})
		if err != nil {
			t.Fatalf("parseJDBCURL(%s, network{}): %v", raw, err)
		}
		for k, v := range want {
			if got := cfg.RuntimeParams[k]; got != v {
				t.Errorf("parseJDBCURL(%s, network{}): startup parameter %s = %q, want %q", raw, k, got, v)
			}
		}
	}
}

func TestStatementQuotesAndBinds(t *testing.T) {
	cols := []column{{Name: `id"; DROP TABLE x; --`, TypName: "int4", NotNull: true}, {Name: "v", TypName: "text", NotNull: true}}
	for i := range cols {
		mapColumn(&cols[i], -1, "none")
	}
	q, err := newQuerier(tableID{Schema: "public", Name: `t"; DROP TABLE stations; --`}, cols, &jdbcConfig{Mode: modeIncrementing, IncColumn: cols[0].Name, ValidateNonNull: true})
	if err != nil {
		t.Fatal(err)
	}
	id := int64(7)
	q.offset.Incrementing = &id
	stmt, args := q.statement(time.Time{}, 0, time.UTC)
	want := `SELECT "id""; DROP TABLE x; --", "v"::text AS "v" FROM "public"."t""; DROP TABLE stations; --" WHERE "public"."t""; DROP TABLE stations; --"."id""; DROP TABLE x; --" > $1 ORDER BY "public"."t""; DROP TABLE stations; --"."id""; DROP TABLE x; --" ASC`
	if stmt != want {
		t.Errorf("statement:\n got %s\nwant %s", stmt, want)
	}
	if len(args) != 1 || args[0] != int64(7) {
		t.Errorf("args = %v", args)
	}
}
