package ksqldb

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/linkedin/goavro/v2"
	"github.com/twmb/franz-go/pkg/kgo"
)

func intKey(n int32) []byte { return binary.BigEndian.AppendUint32(nil, uint32(n)) }

func (st *stack) produce(topic string, kvs ...kv) {
	st.t.Helper()
	var recs []*kgo.Record
	for _, x := range kvs {
		recs = append(recs, &kgo.Record{Topic: topic, Key: x.key, Value: x.value})
	}
	if err := st.cl.ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
		st.t.Fatalf("produce %s: %v", topic, err)
	}
}

func values(recs []kv) []string {
	var out []string
	for _, r := range recs {
		if r.value == nil {
			out = append(out, "<tombstone>")
			continue
		}
		out = append(out, string(r.value))
	}
	return out
}

func TestDerivedStreamsFormatsAndFunctions(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM orders (id INT KEY, name STRING, amount DOUBLE, qty INT)
		WITH (KAFKA_TOPIC='orders', PARTITIONS=1, VALUE_FORMAT='JSON');`, nil)
	st.produce("orders",
		kv{intKey(1), []byte(`{"name":"apple","amount":12.5,"qty":3}`)},
		kv{intKey(2), []byte(`{"NAME":"pear","AMOUNT":5,"QTY":1}`)},
		kv{intKey(3), []byte(`{"amount":20,"qty":7}`)},
		kv{intKey(4), []byte(`{not json`)},
	)
	mustKSQL(t, url, `
CREATE STREAM big AS SELECT id, UCASE(name) AS uname, LCASE('ABC') AS l, amount * 2 AS dbl, qty + 1 AS q1, qty / 2 AS half,
  CAST(qty AS STRING) AS qs, COALESCE(name, 'none') AS c, CONCAT(name, '-', CAST(id AS VARCHAR)) AS cc
  FROM orders WHERE amount > 10 AND qty IS NOT NULL EMIT CHANGES;
CREATE STREAM dl WITH (VALUE_FORMAT='DELIMITED') AS SELECT id, name, qty FROM orders;
CREATE STREAM kv WITH (KAFKA_TOPIC='kv_topic', VALUE_FORMAT='KAFKA') AS SELECT id, qty FROM orders;
CREATE STREAM av WITH (VALUE_FORMAT='AVRO') AS SELECT id, name, amount FROM orders;`, map[string]any{"auto.offset.reset": "earliest"})

	big := st.consume("BIG", 2)
	want := []string{
		`{"UNAME":"APPLE","L":"abc","DBL":25.0,"Q1":4,"HALF":1,"QS":"3","C":"apple","CC":"apple-1"}`,
		`{"UNAME":null,"L":"abc","DBL":40.0,"Q1":8,"HALF":3,"QS":"7","C":"none","CC":"-3"}`,
	}
	if got := values(big); !slices.Equal(got, want) {
		t.Errorf("BIG values:\n got %v\nwant %v", got, want)
	}
	if binary.BigEndian.Uint32(big[0].key) != 1 || binary.BigEndian.Uint32(big[1].key) != 3 {
		t.Errorf("BIG keys %x %x", big[0].key, big[1].key)
	}
	if got := values(st.consume("DL", 3)); !slices.Equal(got, []string{"apple,3", "pear,1", ",7"}) {
		t.Errorf("DL values %q", got)
	}
	kvs := st.consume("kv_topic", 3)
	if len(kvs[2].value) != 4 || binary.BigEndian.Uint32(kvs[2].value) != 7 {
		t.Errorf("KAFKA value %x", kvs[2].value)
	}
	avs := st.consume("AV", 3)
	// the sink registered its schema; decode with it
	resp, err := http.Get(st.reg.URL() + "/subjects/AV-value/versions/latest")
	if err != nil {
		t.Fatal(err)
	}
	var sv struct {
		ID     int    `json:"id"`
		Schema string `json:"schema"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&sv)
	resp.Body.Close()
	codec, err := goavro.NewCodec(sv.Schema)
	if err != nil {
		t.Fatalf("AV-value schema %q: %v", sv.Schema, err)
	}
	if avs[0].value[0] != 0 || int(binary.BigEndian.Uint32(avs[0].value[1:5])) != sv.ID {
		t.Fatalf("AV value not in wire format with id %d: %x", sv.ID, avs[0].value)
	}
	native, _, err := codec.NativeFromBinary(avs[0].value[5:])
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(native) != "map[AMOUNT:map[double:12.5] NAME:map[string:apple]]" {
		t.Errorf("AV record %v", native)
	}

	// INSERT INTO a stream with the same schema
	mustKSQL(t, url, `CREATE STREAM all_orders (id INT KEY, name STRING) WITH (KAFKA_TOPIC='all_orders', PARTITIONS=1, VALUE_FORMAT='JSON');
INSERT INTO all_orders SELECT id, name FROM orders;`, earliest())
	if got := values(st.consume("all_orders", 3)); !slices.Equal(got, []string{`{"NAME":"apple"}`, `{"NAME":"pear"}`, `{"NAME":null}`}) {
		t.Errorf("all_orders %v", got)
	}
	code, e := stmtErr(t, url, "INSERT INTO all_orders SELECT id, qty FROM orders;")
	if code != 400 || !contains(fmt.Sprint(e["message"]), "Incompatible schema between results and sink") {
		t.Errorf("incompatible insert: %d %v", code, e)
	}
}

func TestAggregatesHavingAndTableSource(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM orders (id INT KEY, name STRING, amount DOUBLE, qty INT)
		WITH (KAFKA_TOPIC='orders', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE TABLE totals AS SELECT name, SUM(qty) AS total, AVG(amount) AS av, MIN(qty) AS mn, MAX(qty) AS mx,
  LATEST_BY_OFFSET(amount) AS lastamt, AS_VALUE(name) AS n, COUNT(qty) AS cq
  FROM orders GROUP BY name HAVING COUNT(*) < 3 EMIT CHANGES;`, earliest())
	st.produce("orders",
		kv{intKey(1), []byte(`{"name":"a","amount":1.0,"qty":3}`)},
		kv{intKey(2), []byte(`{"name":"a","amount":2.0,"qty":1}`)},
		kv{intKey(3), []byte(`{"name":"b","amount":4.0}`)},
		kv{intKey(4), []byte(`{"name":"a","amount":3.0,"qty":5}`)},
	)
	recs := st.consume("TOTALS", 4)
	want := []string{
		`{"TOTAL":3,"AV":1.0,"MN":3,"MX":3,"LASTAMT":1.0,"N":"a","CQ":1}`,
		`{"TOTAL":4,"AV":1.5,"MN":1,"MX":3,"LASTAMT":2.0,"N":"a","CQ":2}`,
		`{"TOTAL":0,"AV":4.0,"MN":null,"MX":null,"LASTAMT":4.0,"N":"b","CQ":0}`,
		"<tombstone>",
	}
	if got := values(recs); !slices.Equal(got, want) {
		t.Errorf("TOTALS:\n got %v\nwant %v", got, want)
	}
	if string(recs[3].key) != "a" {
		t.Errorf("tombstone key %q", recs[3].key)
	}

	// aggregation over a table subtracts replaced and deleted rows
	mustKSQL(t, url, `CREATE TABLE users (id INT PRIMARY KEY, region STRING) WITH (KAFKA_TOPIC='users', PARTITIONS=1, FORMAT='JSON');
CREATE TABLE per_region AS SELECT region, COUNT(*) AS n FROM users GROUP BY region EMIT CHANGES;`, earliest())
	st.produce("users",
		kv{[]byte("1"), []byte(`{"region":"east"}`)},
		kv{[]byte("2"), []byte(`{"region":"east"}`)},
		kv{[]byte("1"), []byte(`{"region":"west"}`)},
		kv{[]byte("2"), nil},
	)
	out := st.consume("PER_REGION", 5)
	var got []string
	for _, r := range out {
		got = append(got, string(r.key)+"="+string(r.value))
	}
	if !slices.Equal(got, []string{`"east"={"N":1}`, `"east"={"N":2}`, `"east"={"N":1}`, `"west"={"N":1}`, `"east"={"N":0}`}) {
		t.Errorf("PER_REGION %v", got)
	}
	code, e := stmtErr(t, url, "CREATE TABLE m AS SELECT region, MAX(id) AS m FROM users GROUP BY region;")
	if code != 400 || !contains(fmt.Sprint(e["message"]), "MAX cannot be applied to a table source") {
		t.Errorf("MAX over table: %d %v", code, e)
	}
	code, e = stmtErr(t, url, "CREATE TABLE two AS SELECT name, qty, COUNT(*) AS n FROM orders GROUP BY name, qty;")
	if code != 400 || !contains(fmt.Sprint(e["message"]), "The 'KAFKA' format only supports a single field") {
		t.Errorf("multi-key KAFKA: %d %v", code, e)
	}
	// with a JSON source key the same grouping is accepted and keyed by a JSON object
	mustKSQL(t, url, "CREATE TABLE two AS SELECT region, id, COUNT(*) AS n FROM users GROUP BY region, id;", earliest())
	two := st.consume("TWO", 1)
	if string(two[0].key) != `{"REGION":"east","ID":1}` {
		t.Errorf("multi-column JSON key %s", two[0].key)
	}
}
