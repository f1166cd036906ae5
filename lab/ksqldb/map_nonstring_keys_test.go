package ksqldb

import (
	"strings"
	"testing"
)

// A MAP constructor whose keys are not STRING builds its map, so the sink's
// format refuses it in its own words (query-validation-tests json.json
// 'map with non-string keys - C*AS', delimited.json 'MAP - C*AS - value',
// kafka.json 'MAP - C*AS - value').
func TestMapWithNonStringKeysIsRefusedByTheSinkFormat(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM nums (n INT, d DOUBLE) WITH (kafka_topic='nums', partitions=1, value_format='JSON');", nil)
	for _, c := range []struct{ stmt, want string }{
		{"CREATE STREAM j AS SELECT MAP(n := d) FROM nums;", "JSON only supports MAP types with STRING keys"},
		{"CREATE STREAM dl WITH (value_format='DELIMITED') AS SELECT MAP(n := d) FROM nums;", "The 'DELIMITED' format does not support type 'MAP'"},
		{"CREATE STREAM kf WITH (value_format='KAFKA') AS SELECT MAP(n := d) FROM nums;", "The 'KAFKA' format does not support type 'MAP'"},
	} {
		code, body := stmtErr(t, url, c.stmt)
		if msg, _ := body["message"].(string); code != 400 || !strings.Contains(msg, c.want) {
			t.Errorf("%s: %d %v, want a message containing %q", c.stmt, code, body, c.want)
		}
	}
}

// Arithmetic on a MAP with INTEGER keys names its type (rest-query-
// validation-tests push-queries.json 'NULL Arithmetic Behavior - MAP
// addition').
func TestArithmeticOnAnIntegerKeyedMapNamesItsType(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM nums (n INT) WITH (kafka_topic='nums', partitions=1, value_format='JSON');", nil)
	code, body := post(t, url, "/query", "SELECT MAP(1 := 'cat') + NULL FROM nums EMIT CHANGES;", nil)
	want := "Error processing expression: (MAP(1:='cat') + null). Arithmetic on types MAP<INTEGER, STRING> and null are not supported."
	if code != 400 || !strings.Contains(string(body), want) {
		t.Errorf("%d %s, want %q", code, body, want)
	}
}

// A push query may return such a map: MapBuilder fills a new HashMap<>(size)
// (ksqldb-execution codegen/helpers/MapBuilder.java at v7.9.0), which
// iterates by hash bucket, so 17 and 1 (one bucket of four) stay in the
// order they were put, and 3, 2, 1 come back in bucket order. The REST API
// writes each key as its toString, CAST to STRING is AbstractMap.toString,
// and a subscript finds the key by equals.
func TestIntegerKeyedMapsInAPushQuery(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM nums (id STRING KEY, n INT, d DOUBLE) WITH (kafka_topic='nums', partitions=1, value_format='JSON');", nil)
	st.produce("nums", kv{key: []byte(`"a"`), value: []byte(`{"N":17,"D":2.5}`)})
	code, body := post(t, url, "/query", "SELECT MAP(n := 'a', 1 := 'b') AS m, CAST(MAP(3 := d, 2 := d * 2, 1 := NULL) AS STRING) AS s, MAP(n := d)[17] AS hit, MAP(n := d)[1] AS miss, MAP(TRUE := n)[TRUE] AS b FROM nums EMIT CHANGES LIMIT 1;", earliest())
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	for _, want := range []string{
		"`M` MAP<INTEGER, STRING>, `S` STRING, `HIT` DOUBLE, `MISS` DOUBLE, `B` INTEGER",
		`"columns":[{"17":"a","1":"b"},"{1=null, 2=5.0, 3=2.5}",2.5,null,17]`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("response lacks %s: %s", want, body)
		}
	}
}

// CAST converts a map's keys and values and puts them into a new
// HashMap<>(size) (CastEvaluator.castMap), so a cast of STRING keys to
// BIGINT gives a map of BIGINT keys in bucket order (12 before 7 in a
// table of four), and back to STRING their text.
func TestCastOfAMapConvertsItsKeys(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM nums (id STRING KEY, n INT) WITH (kafka_topic='nums', partitions=1, value_format='JSON');", nil)
	st.produce("nums", kv{key: []byte(`"a"`), value: []byte(`{"N":40}`)})
	code, body := post(t, url, "/query", "SELECT CAST(MAP('7' := n, '12' := 1) AS MAP<BIGINT, INT>) AS m, CAST(MAP(7 := n) AS MAP<STRING, STRING>)['7'] AS s FROM nums EMIT CHANGES LIMIT 1;", earliest())
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	for _, want := range []string{
		"`M` MAP<BIGINT, INTEGER>, `S` STRING",
		`"columns":[{"12":1,"7":40},"40"]`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("response lacks %s: %s", want, body)
		}
	}
}

// A key that does not cast makes CastEvaluator.castMap throw (Long.parseLong
// of 'x'), so the whole cast is NULL rather than a map with a NULL key.
func TestCastOfAMapWithAKeyThatDoesNotCastIsNull(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM nums (id STRING KEY, n INT) WITH (kafka_topic='nums', partitions=1, value_format='JSON');", nil)
	st.produce("nums", kv{key: []byte(`"a"`), value: []byte(`{"N":40}`)})
	code, body := post(t, url, "/query", "SELECT CAST(MAP('7' := n, 'x' := 1) AS MAP<BIGINT, INT>) AS m FROM nums EMIT CHANGES LIMIT 1;", earliest())
	if want := `"columns":[null]`; code != 200 || !strings.Contains(string(body), want) {
		t.Errorf("%d %s, want %s", code, body, want)
	}
}

// A persistent query may use such a map inside its expressions, as long as
// no column it writes holds one: the sink gets the values read from it.
func TestIntegerKeyedMapInsideAPersistentQuery(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM nums (id STRING KEY, n INT, d DOUBLE) WITH (kafka_topic='nums', partitions=1, value_format='JSON');", nil)
	mustKSQL(t, url, "CREATE STREAM picked AS SELECT id, MAP(n := d, 2 := 0.5E0)[2] AS two, CAST(MAP(n := d) AS STRING) AS text FROM nums WHERE MAP(n := TRUE)[17];", earliest())
	st.produce("nums",
		kv{key: []byte(`"a"`), value: []byte(`{"N":17,"D":2.5}`)},
		kv{key: []byte(`"b"`), value: []byte(`{"N":3,"D":1.0}`)},
		kv{key: []byte(`"c"`), value: []byte(`{"N":17,"D":-1.0}`)})
	sameLines(t, "PICKED", sinkValues(st, "PICKED", 2), []string{`{"TWO":0.5,"TEXT":"{17=2.5}"}`, `{"TWO":0.5,"TEXT":"{17=-1.0}"}`})
}
