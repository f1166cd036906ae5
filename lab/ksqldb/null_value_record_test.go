package ksqldb

import (
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"
)

// A sink's value that its format serializes as null is a null record (a
// tombstone), not empty bytes and not the JSON text "null". ksqlDB 0.29
// serializes a value column written alone through UnwrappedSerializer,
// which hands the format's serializer the column's value: for JSON (and
// JSON_SR, AVRO) a KsqlConnectSerializer, which returns null for a null
// (ksqldb-serde .../serde/connect/KsqlConnectSerializer.java,
// .../serde/unwrapped/UnwrappedSerializer.java). The KAFKA format's
// RowSerializer hands its one column to Kafka's IntegerSerializer,
// LongSerializer, DoubleSerializer or StringSerializer, each of which
// returns null for a null (.../serde/kafka/KafkaSerdeFactory.java). query-validation-tests json.json
// "serialize anonymous primitive - value" expects null for {"FOO": null}.
// DELIMITED, by contrast, prints the row: a null column is an empty line,
// empty bytes (KsqlDelimitedSerializer).
func TestAValueItsFormatSerializesAsNullIsANullRecord(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	st.createTopic("input_topic", 1)
	produceRecords(t, st,
		&kgo.Record{Topic: "input_topic", Key: []byte(`"a"`), Value: []byte(`{"FOO":true,"BAR":1}`)},
		&kgo.Record{Topic: "input_topic", Key: []byte(`"b"`), Value: []byte(`{"FOO":null,"BAR":null}`)})
	mustKSQL(t, url, `CREATE STREAM INPUT (K STRING KEY, FOO BOOLEAN, BAR INT) WITH (kafka_topic='input_topic', format='JSON');
CREATE STREAM UNWRAPPED WITH (WRAP_SINGLE_VALUE=false) AS SELECT K, FOO FROM INPUT;
CREATE STREAM KAFKAVAL WITH (VALUE_FORMAT='KAFKA') AS SELECT K, BAR FROM INPUT;
CREATE STREAM DELIM WITH (VALUE_FORMAT='DELIMITED') AS SELECT K, BAR FROM INPUT;`, earliest())
	for _, c := range []struct {
		topic string
		want  [2][]byte // the values of "a" and "b"; nil is a null record
	}{
		{"UNWRAPPED", [2][]byte{[]byte("true"), nil}},
		{"KAFKAVAL", [2][]byte{{0, 0, 0, 1}, nil}},
		{"DELIM", [2][]byte{[]byte("1"), {}}},
	} {
		recs := st.records(c.topic, 2)
		for i, r := range recs {
			if (r.Value == nil) != (c.want[i] == nil) || string(r.Value) != string(c.want[i]) {
				t.Errorf("%s record %d: value %q (null %v), want %q (null %v)", c.topic, i, r.Value, r.Value == nil, c.want[i], c.want[i] == nil)
			}
		}
	}
}

// A key column written alone that is null is a null key, as a null value
// column written alone is a null value (UnwrappedSerializer, then
// KsqlConnectSerializer for JSON): query-validation-tests none.json
// "inherited in CSAS - PARTITION BY" partitions by a column that is null
// and expects a null key.
func TestANullKeyColumnWrittenAloneIsANullKey(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	st.createTopic("input_topic", 1)
	produceRecords(t, st,
		&kgo.Record{Topic: "input_topic", Value: []byte(`{"FOO":10}`)},
		&kgo.Record{Topic: "input_topic", Value: []byte(`{"FOO":11,"BAR":2}`)})
	mustKSQL(t, url, `CREATE STREAM INPUT (FOO INT, BAR INT) WITH (kafka_topic='input_topic', key_format='NONE', value_format='JSON');
CREATE STREAM OUTPUT WITH (KEY_FORMAT='JSON') AS SELECT * FROM INPUT PARTITION BY BAR;`, earliest())
	recs := st.records("OUTPUT", 2)
	if recs[0].Key != nil {
		t.Errorf("key of the record whose BAR is null: %q, want a null key", recs[0].Key)
	}
	if string(recs[1].Key) != "2" {
		t.Errorf("key of the record whose BAR is 2: %q, want 2", recs[1].Key)
	}
}
