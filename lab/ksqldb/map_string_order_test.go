package ksqldb

import (
	"strings"
	"testing"
)

// The keys below hash (String.hashCode, spread) into these buckets of a
// table of eight: banana 0, apple 1, cherry 1, kiwi 2, fig 5. apple and
// cherry share a bucket, so the order they were put in decides theirs.

// A JSON source's map is the HashMap KsqlJsonDeserializer fills
// (enforceKeyAndValueTypeForMap at v7.9.0: new HashMap<>(size), in
// document order), so MAP_KEYS, MAP_VALUES, ENTRIES unsorted, CAST to
// STRING and the REST API's JSON all give its bucket order, and within a
// bucket the document's; ENTRIES sorted orders by key (Entries.entries).
// The same facts drive query-validation-tests reduce-map.json 'reduce map
// with double'.
func TestJSONDecodedStringMapIteratesInHashMapOrder(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM fruit (id STRING KEY, m MAP<STRING, INT>) WITH (kafka_topic='fruit', partitions=1, value_format='JSON');", nil)
	st.produce("fruit",
		kv{key: []byte(`"fwd"`), value: []byte(`{"M":{"kiwi":4,"apple":5,"fig":3,"banana":6,"cherry":6}}`)},
		kv{key: []byte(`"rev"`), value: []byte(`{"M":{"cherry":6,"banana":6,"fig":3,"apple":5,"kiwi":4}}`)})
	code, body := post(t, url, "/query", "SELECT m, MAP_KEYS(m) AS k, MAP_VALUES(m) AS v, CAST(m AS STRING) AS s, ENTRIES(m, false) AS e, ENTRIES(m, true) AS es FROM fruit EMIT CHANGES LIMIT 2;", earliest())
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	for _, want := range []string{
		`"columns":[{"banana":6,"apple":5,"cherry":6,"kiwi":4,"fig":3},["banana","apple","cherry","kiwi","fig"],[6,5,6,4,3],"{banana=6, apple=5, cherry=6, kiwi=4, fig=3}",[{"K":"banana","V":6},{"K":"apple","V":5},{"K":"cherry","V":6},{"K":"kiwi","V":4},{"K":"fig","V":3}],[{"K":"apple","V":5},{"K":"banana","V":6},{"K":"cherry","V":6},{"K":"fig","V":3},{"K":"kiwi","V":4}]]`,
		`"columns":[{"banana":6,"cherry":6,"apple":5,"kiwi":4,"fig":3},["banana","cherry","apple","kiwi","fig"],[6,6,5,4,3],"{banana=6, cherry=6, apple=5, kiwi=4, fig=3}"`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("response lacks %s: %s", want, body)
		}
	}
}

// A JSON sink writes a map's members in its iteration order (Connect's
// JsonConverter fills an ObjectNode from the map's entries).
func TestJSONSinkWritesAStringMapInHashMapOrder(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM fruit (id STRING KEY, m MAP<STRING, INT>) WITH (kafka_topic='fruit', partitions=1, value_format='JSON');", nil)
	mustKSQL(t, url, "CREATE STREAM copied AS SELECT id, m FROM fruit;", earliest())
	st.produce("fruit", kv{key: []byte(`"rev"`), value: []byte(`{"M":{"cherry":6,"banana":6,"fig":3,"apple":5,"kiwi":4}}`)})
	sameLines(t, "sink", sinkValues(st, "COPIED", 1), []string{`{"M":{"banana":6,"cherry":6,"apple":5,"kiwi":4,"fig":3}}`})
}

// Maps the functions build iterate as upstream's HashMaps do: the MAP
// constructor's new HashMap<>(size) (MapBuilder), AS_MAP's
// new HashMap<>(keys.size()), MAP_UNION's new HashMap<>() sized by its
// first putAll (HashMap.putMapEntries), SPLIT_TO_MAP's Collectors.toMap
// (a new HashMap<>()).
func TestFunctionBuiltStringMapsIterateInHashMapOrder(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM ticks (id STRING KEY, n INT) WITH (kafka_topic='ticks', partitions=1, value_format='JSON');", nil)
	st.produce("ticks", kv{key: []byte(`"a"`), value: []byte(`{"N":1}`)})
	code, body := post(t, url, "/query", "SELECT MAP_KEYS(MAP('cherry' := n, 'apple' := 2, 'banana' := 3)) AS ctor, "+
		"MAP_KEYS(MAP('apple' := n, 'cherry' := 2, 'banana' := 3)) AS ctor2, "+
		"MAP_KEYS(AS_MAP(ARRAY['cherry', 'apple'], ARRAY[n, 2])) AS asmap, "+
		"MAP_KEYS(MAP_UNION(MAP('kiwi' := n), MAP('cherry' := 2, 'apple' := 3))) AS u, "+
		"MAP_KEYS(SPLIT_TO_MAP('cherry=1/apple=2/kiwi=3', '/', '=')) AS sp "+
		"FROM ticks EMIT CHANGES LIMIT 1;", earliest())
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	want := `"columns":[["banana","cherry","apple"],["banana","apple","cherry"],["cherry","apple"],["cherry","apple","kiwi"],["apple","cherry","kiwi"]]`
	if !strings.Contains(string(body), want) {
		t.Errorf("response lacks %s: %s", want, body)
	}
}

// HISTOGRAM's map is read back from the state store for each record (the
// JSON deserializer's new HashMap<>(size), in the stored order) and then
// counts the value (HistogramUdaf.aggregate's merge), so its order is that
// of the maps so rebuilt.
func TestHistogramIteratesInHashMapOrder(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM picks (id STRING KEY, f STRING) WITH (kafka_topic='picks', partitions=1, value_format='JSON');", nil)
	mustKSQL(t, url, "CREATE TABLE counts AS SELECT id, HISTOGRAM(f) AS h FROM picks GROUP BY id;", earliest())
	for _, f := range []string{"cherry", "kiwi", "apple", "cherry", "fig"} {
		st.produce("picks", kv{key: []byte(`"p"`), value: []byte(`{"F":"` + f + `"}`)})
	}
	sameLines(t, "sink", sinkValues(st, "COUNTS", 5), []string{
		`{"H":{"cherry":1}}`,
		`{"H":{"kiwi":1,"cherry":1}}`,
		`{"H":{"apple":1,"cherry":1,"kiwi":1}}`,
		`{"H":{"apple":1,"cherry":2,"kiwi":1}}`,
		`{"H":{"fig":1,"apple":1,"cherry":2,"kiwi":1}}`,
	})
}
