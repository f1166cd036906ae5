package ksqldb

import (
	"testing"
)

// Stream records with a null join key meet a join as Kafka Streams 3.9
// (the version under Confluent Platform 7.9) treats them; ksqlDB passes
// them on to the join unfiltered (confluentinc/ksql v7.9.0: SourceBuilder's
// transformers give a null key null key columns, StreamStreamJoinBuilder
// and StreamTableJoinBuilder call KStream#join, #leftJoin and #outerJoin
// directly, and StreamSelectKeyBuilder's rekeying adds no filter).
//
// apache/kafka 3.9.0, streams/src/main/java/org/apache/kafka/streams/kstream/internals:
//   - KStreamKStreamJoin.process moves the join's shared stream time on
//     with every record, then forwards at once, padded with nulls, a record
//     with a null key and a value on an outer side (KIP-962), and skips
//     (StreamStreamJoinUtil.skipRecord) any other record with a null key;
//   - KStreamJoinWindow puts no record with a null key in its window store;
//   - KStreamKTableJoinProcessor forwards a LEFT JOIN's record with a null
//     key and a value padded with nulls, and skips it in an inner join;
//   - KStreamImpl.createRepartitionedSource's filter passes every record
//     ((k, v) -> true), so a stream rekeyed by a join expression that is
//     null reaches the join with a null key.

// nullKeyInputs are a null-key record on each side (left "n", right "m")
// at 1000, then a left and a right record of key 1 that join.
func nullKeyInputs() []joinRec {
	return []joinRec{
		{"left", 1000, nil, []byte(`{"v":"n"}`)}, {"rs", 1000, nil, []byte(`{"v":"m"}`)},
		{"left", 2000, intKey(1), []byte(`{"v":"A"}`)}, {"rs", 2500, intKey(1), []byte(`{"v":"a"}`)},
	}
}

func TestStreamStreamJoinsPassANullKeyRecordOfAnOuterSideOnAtOnce(t *testing.T) {
	joined := joinRec{ts: 2500, key: intKey(1), value: []byte(`{"LV":"A","RV":"a"}`)}
	leftNull := joinRec{ts: 1000, value: []byte(`{"LV":"n","RV":null}`)}
	rightNull := joinRec{ts: 1000, value: []byte(`{"LV":null,"RV":"m"}`)}
	for _, c := range []struct {
		name, query string
		want        []joinRec
	}{
		{"a LEFT JOIN with a GRACE PERIOD pads the left one at once and skips the right one",
			graceLeftJoin,
			[]joinRec{leftNull, joined}},
		{"a LEFT JOIN without a GRACE PERIOD pads the left one and skips the right one",
			"SELECT l.id AS id, l.v AS lv, rs.v AS rv FROM l LEFT JOIN rs WITHIN 10 SECONDS ON l.id = rs.id",
			[]joinRec{leftNull, {ts: 2000, key: intKey(1), value: []byte(`{"LV":"A","RV":null}`)}, joined}},
		{"a RIGHT JOIN pads the right one at once and skips the left one",
			"SELECT rs.id AS id, l.v AS lv, rs.v AS rv FROM l RIGHT JOIN rs WITHIN 10 SECONDS GRACE PERIOD 1 SECOND ON l.id = rs.id",
			[]joinRec{rightNull, joined}},
		{"a FULL OUTER JOIN pads both at once",
			"SELECT ROWKEY AS id, l.v AS lv, rs.v AS rv FROM l FULL OUTER JOIN rs WITHIN 10 SECONDS GRACE PERIOD 1 SECOND ON l.id = rs.id",
			[]joinRec{leftNull, rightNull, joined}},
		{"an INNER JOIN skips both",
			"SELECT l.id AS id, l.v AS lv, rs.v AS rv FROM l JOIN rs WITHIN 10 SECONDS GRACE PERIOD 1 SECOND ON l.id = rs.id",
			[]joinRec{joined}},
	} {
		t.Run(c.name, func(t *testing.T) {
			st, group := startTwoStreamJoin(t, c.query)
			st.produceInOrder(group, nullKeyInputs()...)
			st.expectJoined("J", c.want)
		})
	}
}

// KStreamKStreamJoin.process advances the shared stream time before it
// looks at the key: a left record that joins nothing and whose window had
// closed by that time goes out at once, the one still waiting for its
// window does not.
func TestANullKeyRecordMovesAStreamStreamJoinsStreamTimeOn(t *testing.T) {
	st, group := startTwoStreamJoin(t, graceLeftJoin)
	st.produceInOrder(group,
		joinRec{"left", 1000, intKey(1), []byte(`{"v":"A"}`)},
		joinRec{"left", 60000, nil, []byte(`{"v":"n"}`)},
		joinRec{"left", 2000, intKey(2), []byte(`{"v":"B"}`)})
	st.expectJoined("J", []joinRec{
		{ts: 60000, value: []byte(`{"LV":"n","RV":null}`)},
		{ts: 2000, key: intKey(2), value: []byte(`{"LV":"B","RV":null}`)},
	})
}

// A stream rekeyed by a join expression that is null reaches the join with
// a null key: a LEFT JOIN pads it at once, to a table or to a stream.
func TestARekeyedLeftJoinPadsANullJoinKey(t *testing.T) {
	const vs = `CREATE STREAM vs (k STRING KEY, rid INT, v STRING) WITH (KAFKA_TOPIC='vs', PARTITIONS=1, VALUE_FORMAT='JSON');`
	for _, c := range []struct{ name, ddl, query, right string }{
		{"to a table", joinSources + vs, "SELECT vs.rid AS id, vs.v AS lv, r.v AS rv FROM vs LEFT JOIN r ON vs.rid = r.id", "right"},
		{"to a stream", twoStreams + vs, "SELECT vs.rid AS id, vs.v AS lv, rs.v AS rv FROM vs LEFT JOIN rs WITHIN 10 SECONDS GRACE PERIOD 1 SECOND ON vs.rid = rs.id", "rs"},
	} {
		t.Run(c.name, func(t *testing.T) {
			st := newStack(t)
			_, url := st.serve()
			mustKSQL(t, url, c.ddl, nil)
			group := st.stableGroup(mustKSQL(t, url, "CREATE STREAM j AS "+c.query+";", earliest()))
			st.produceInOrder(group,
				joinRec{c.right, 1000, intKey(1), []byte(`{"v":"one"}`)},
				joinRec{"vs", 2000, []byte("x"), []byte(`{"rid":null,"v":"null key"}`)},
				joinRec{"vs", 3000, []byte("y"), []byte(`{"rid":1,"v":"keyed"}`)})
			st.expectJoined("J", []joinRec{
				{ts: 2000, value: []byte(`{"LV":"null key","RV":null}`)},
				{ts: 3000, key: intKey(1), value: []byte(`{"LV":"keyed","RV":"one"}`)},
			})
		})
	}
}

// KStreamKTableJoinProcessor skips a null-key stream record in an inner
// join and pads it in a LEFT JOIN.
func TestAStreamTableJoinSkipsANullKeyUnlessLeft(t *testing.T) {
	for _, c := range []struct {
		name, join string
		want       []joinRec
	}{
		{"an INNER JOIN skips it", "JOIN", []joinRec{{ts: 3000, key: intKey(1), value: []byte(`{"LV":"keyed","RV":"one"}`)}}},
		{"a LEFT JOIN pads it", "LEFT JOIN", []joinRec{
			{ts: 2000, value: []byte(`{"LV":"null key","RV":null}`)},
			{ts: 3000, key: intKey(1), value: []byte(`{"LV":"keyed","RV":"one"}`)},
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			st := newStack(t)
			_, url := st.serve()
			mustKSQL(t, url, joinSources, nil)
			group := st.stableGroup(mustKSQL(t, url, "CREATE STREAM j AS SELECT l.id AS id, l.v AS lv, r.v AS rv FROM l "+c.join+" r ON l.id = r.id;", earliest()))
			st.produceInOrder(group,
				joinRec{"right", 1000, intKey(1), []byte(`{"v":"one"}`)},
				joinRec{"left", 2000, nil, []byte(`{"v":"null key"}`)},
				joinRec{"left", 3000, intKey(1), []byte(`{"v":"keyed"}`)})
			st.expectJoined("J", c.want)
		})
	}
}

// graceLeftJoin is a LEFT JOIN of twoStreams' streams with a GRACE PERIOD.
const graceLeftJoin = "SELECT l.id AS id, l.v AS lv, rs.v AS rv FROM l LEFT JOIN rs WITHIN 10 SECONDS GRACE PERIOD 1 SECOND ON l.id = rs.id"

// startTwoStreamJoin creates twoStreams and CREATE STREAM j AS query from
// the earliest offsets, and returns the stack and the join's consumer
// group, for produceInOrder.
func startTwoStreamJoin(t *testing.T, query string) (*stack, string) {
	t.Helper()
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, twoStreams, nil)
	return st, st.stableGroup(mustKSQL(t, url, "CREATE STREAM j AS "+query+";", earliest()))
}
