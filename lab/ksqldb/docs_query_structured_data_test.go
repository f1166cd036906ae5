package ksqldb

import (
	"context"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"
)

// The how-to guide "How to query structured data": the guide's SET and
// CREATE STREAM statements go to /ksql as written and its push queries to
// /query with the SET's property (as the CLI sends it); the rows are the
// guide's output tables in the REST API's JSON form. This server does not
// write ARRAY, MAP or STRUCT columns in AVRO, so the guide's INSERT INTO
// ... VALUES rows are produced to the topic as Avro records, under a schema
// registered for it, with the same values. Not run: the "In action" query
// (no comma after b_1: ksqlDB refuses it as a syntax error, and it reads an
// s1 the guide never declares).
// https://docs.ksqldb.io/en/0.29.0-ksqldb/how-to-guides/query-structured-data/

// produceAvroRows writes Avro values under schema, registered as the
// topic's value subject, with the STRING keys given.
func (st *stack) produceAvroRows(topic, schema string, keys []string, values []map[string]any) {
	st.t.Helper()
	id := registerSchema(st.t, st.reg.URL(), topic+"-value", schema)
	recs := make([]*kgo.Record, len(keys))
	for i, k := range keys {
		recs[i] = &kgo.Record{Topic: topic, Key: []byte(k), Value: wire(st.t, id, schema, values[i])}
	}
	if err := st.cl.ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
		st.t.Fatal(err)
	}
}

const (
	howToStructSchema = `{"type":"record","name":"S2","fields":[{"name":"B","type":{"type":"record","name":"B","fields":[{"name":"C","type":"string"},{"name":"D","type":"int"}]}}]}`
	howToNestedSchema = `{"type":"record","name":"S4","fields":[{"name":"B","type":{"type":"record","name":"B","fields":[` +
		`{"name":"C","type":{"type":"array","items":"int"}},` +
		`{"name":"D","type":{"type":"map","values":{"type":"record","name":"EF","fields":[{"name":"E","type":"string"},{"name":"F","type":"boolean"}]}}}]}}]}`
)

// Section "Structs": b->c and b->d are named for their last identifier.
func TestHowToStructuredDataDereferencesStructFields(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `SET 'auto.offset.reset' = 'earliest';
CREATE STREAM s2 (
    a VARCHAR KEY,
    b STRUCT<
        c VARCHAR,
        d INT
    >
) WITH (
    kafka_topic = 's2',
    partitions = 1,
    value_format = 'avro'
);`, nil)
	st.produceAvroRows("s2", howToStructSchema, []string{"k1", "k2", "k3"}, []map[string]any{
		{"B": map[string]any{"C": "v1", "D": 5}}, {"B": map[string]any{"C": "v2", "D": 6}}, {"B": map[string]any{"C": "v3", "D": 7}},
	})
	want := []string{`["k1",{"C":"v1","D":5},"v1",5]`, `["k2",{"C":"v2","D":6},"v2",6]`, `["k3",{"C":"v3","D":7},"v3",7]`}
	hdr, rows := rawPushRows(t, url, `SELECT a,
       b,
       b->c,
       b->d
FROM s2
EMIT CHANGES LIMIT 3;`, 3)
	if wantHdr := "`A` STRING, `B` STRUCT<`C` STRING, `D` INTEGER>, `C` STRING, `D` INTEGER"; hdr != wantHdr {
		t.Errorf("header %s\nwant   %s", hdr, wantHdr)
	}
	sameLines(t, "b->c, b->d", rows, want)
}

// Section "Structs": b->* (ksqlDB 0.27+) selects every field of the struct,
// giving the same columns as b->c, b->d.
func TestHowToStructuredDataExpandsAllStructFieldsWithArrowStar(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `SET 'auto.offset.reset' = 'earliest';
CREATE STREAM s2 (
    a VARCHAR KEY,
    b STRUCT<
        c VARCHAR,
        d INT
    >
) WITH (
    kafka_topic = 's2',
    partitions = 1,
    value_format = 'avro'
);`, nil)
	st.produceAvroRows("s2", howToStructSchema, []string{"k1", "k2", "k3"}, []map[string]any{
		{"B": map[string]any{"C": "v1", "D": 5}}, {"B": map[string]any{"C": "v2", "D": 6}}, {"B": map[string]any{"C": "v3", "D": 7}},
	})
	want := []string{`["k1",{"C":"v1","D":5},"v1",5]`, `["k2",{"C":"v2","D":6},"v2",6]`, `["k3",{"C":"v3","D":7},"v3",7]`}
	hdr, rows := rawPushRows(t, url, `SELECT a,
       b,
       b->*
FROM s2
EMIT CHANGES LIMIT 3;`, 3)
	if wantHdr := "`A` STRING, `B` STRUCT<`C` STRING, `D` INTEGER>, `C` STRING, `D` INTEGER"; hdr != wantHdr {
		t.Errorf("header %s\nwant   %s", hdr, wantHdr)
	}
	sameLines(t, "b->*", rows, want)
}

// Section "Maps": b['c'] and b['d'] read a map's values by key.
func TestHowToStructuredDataReadsMapValuesByKey(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `SET 'auto.offset.reset' = 'earliest';
CREATE STREAM s3 (
    a VARCHAR KEY,
    b MAP<VARCHAR, INT>
) WITH (
    kafka_topic = 's3',
    partitions = 1,
    value_format = 'avro'
);`, nil)
	st.produceAvroRows("s3", `{"type":"record","name":"S3","fields":[{"name":"B","type":{"type":"map","values":"int"}}]}`, []string{"k1", "k2", "k3"}, []map[string]any{
		{"B": map[string]any{"c": 2, "d": 4}}, {"B": map[string]any{"c": 4, "d": 8}}, {"B": map[string]any{"c": 8, "d": 16}},
	})
	want := []string{`["k1",{"c":2,"d":4},2,4]`, `["k2",{"c":4,"d":8},4,8]`, `["k3",{"c":8,"d":16},8,16]`}
	hdr, rows := rawPushRows(t, url, `SELECT a,
       b,
       b['c'] AS C,
       b['d'] AS D
FROM s3
EMIT CHANGES LIMIT 3;`, 3)
	if wantHdr := "`A` STRING, `B` MAP<STRING, INTEGER>, `C` INTEGER, `D` INTEGER"; hdr != wantHdr {
		t.Errorf("header %s\nwant   %s", hdr, wantHdr)
	}
	sameLines(t, "b['c'], b['d']", rows, want)
}

// Section "Arrays": indexes start at 1, an absent element is null and a
// negative index counts from the end.
func TestHowToStructuredDataIndexesArraysFromOneAndFromTheEnd(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `SET 'auto.offset.reset' = 'earliest';
CREATE STREAM s4 (
    a VARCHAR KEY,
    b ARRAY<INT>
) WITH (
    kafka_topic = 's4',
    partitions = 1,
    value_format = 'avro'
);`, nil)
	st.produceAvroRows("s4", `{"type":"record","name":"S4","fields":[{"name":"B","type":{"type":"array","items":"int"}}]}`, []string{"k1", "k2", "k3"}, []map[string]any{
		{"B": []any{1}}, {"B": []any{2, 3}}, {"B": []any{4, 5, 6}},
	})
	want := []string{`["k1",[1],1,null,null,1]`, `["k2",[2,3],2,3,null,3]`, `["k3",[4,5,6],4,5,6,6]`}
	hdr, rows := rawPushRows(t, url, `SELECT a,
       b,
       b[1] AS b_1,
       b[2] AS b_2,
       b[3] AS b_3,
       b[-1] AS b_minus_1
FROM s4
EMIT CHANGES LIMIT 3;`, 3)
	if wantHdr := "`A` STRING, `B` ARRAY<INTEGER>, `B_1` INTEGER, `B_2` INTEGER, `B_3` INTEGER, `B_MINUS_1` INTEGER"; hdr != wantHdr {
		t.Errorf("header %s\nwant   %s", hdr, wantHdr)
	}
	sameLines(t, "b[1], b[2], b[3], b[-1]", rows, want)
}

// Section "Deeply nested data": the destructuring operators chain, and a
// column is named for the last identifier of its chain (F, E).
func TestHowToStructuredDataChainsDestructuringThroughNestedTypes(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `SET 'auto.offset.reset' = 'earliest';
CREATE STREAM s4 (
    a VARCHAR KEY,
    b STRUCT<
        c ARRAY<INT>,
        d MAP<
            VARCHAR,
            STRUCT<
                e VARCHAR,
                f BOOLEAN
            >
        >
    >
) WITH (
    kafka_topic = 's4',
    partitions = 1,
    value_format = 'avro'
);`, nil)
	ef := func(e string, f bool) map[string]any { return map[string]any{"E": e, "F": f} }
	st.produceAvroRows("s4", howToNestedSchema, []string{"k1", "k2", "k3"}, []map[string]any{
		{"B": map[string]any{"C": []any{5, 10, 15}, "D": map[string]any{"x": ef("v1", true), "y": ef("v2", false)}}},
		{"B": map[string]any{"C": []any{3, 6, 9}, "D": map[string]any{"x": ef("v3", false), "y": ef("v4", false)}}},
		{"B": map[string]any{"C": []any{2, 4, 8}, "D": map[string]any{"x": ef("v5", true), "y": ef("v6", true)}}},
	})
	want := []string{
		`["k1",{"C":[5,10,15],"D":{"x":{"E":"v1","F":true},"y":{"E":"v2","F":false}}},10,true,"v2"]`,
		`["k2",{"C":[3,6,9],"D":{"x":{"E":"v3","F":false},"y":{"E":"v4","F":false}}},6,false,"v4"]`,
		`["k3",{"C":[2,4,8],"D":{"x":{"E":"v5","F":true},"y":{"E":"v6","F":true}}},4,true,"v6"]`,
	}
	hdr, rows := rawPushRows(t, url, `SELECT a,
       b,
       b->c[2] AS c_2,
       b->d['x']->f,
       b->d['y']->e
FROM s4
EMIT CHANGES LIMIT 3;`, 3)
	if wantHdr := "`A` STRING, `B` STRUCT<`C` ARRAY<INTEGER>, `D` MAP<STRING, STRUCT<`E` STRING, `F` BOOLEAN>>>, `C_2` INTEGER, `F` BOOLEAN, `E` STRING"; hdr != wantHdr {
		t.Errorf("header %s\nwant   %s", hdr, wantHdr)
	}
	sameLines(t, "nested destructuring", rows, want)
}
