package ksqldb

import "testing"

// s1t2t3Cases are multi-joins.json's "stream-table-table - left-left" and
// "... - inner-left" (S1's first record comes before either table has a
// row), each given its inputs as feed says.
func s1t2t3Cases(feed func(*nwayCase)) []nwayCase {
	ddl := `CREATE STREAM S1 (ID INT KEY, V0 BIGINT) WITH (kafka_topic='left', PARTITIONS=1, value_format='JSON');
CREATE TABLE T2 (ID INT PRIMARY KEY, V0 BIGINT) WITH (kafka_topic='right', PARTITIONS=1, value_format='JSON');
CREATE TABLE T3 (ID INT PRIMARY KEY, V0 BIGINT) WITH (kafka_topic='right2', PARTITIONS=1, value_format='JSON');`
	in := []nwayIn{{"left", 0, `{"V0":1}`, 9}, {"right", 0, `{"V0":2}`, 10}, {"left", 0, `{"V0":1}`, 11},
		{"right2", 0, `{"V0":3}`, 12}, {"left", 0, `{"V0":1}`, 13}}
	cs := []nwayCase{{
		upstream: "stream-table-table - left-left",
		ddl:      ddl,
		query:    "CREATE STREAM OUTPUT as SELECT S1.ID, s1.V0, t2.V0, t3.V0 FROM S1 LEFT JOIN T2 ON S1.ID = T2.ID LEFT JOIN T3 ON S1.ID = T3.ID;",
		inputs:   in,
		outputs: []nwayOut{{0, `{"S1_V0":1,"T2_V0":null,"T3_V0":null}`, 9}, {0, `{"S1_V0":1,"T2_V0":2,"T3_V0":null}`, 11},
			{0, `{"S1_V0":1,"T2_V0":2,"T3_V0":3}`, 13}},
	}, {
		upstream: "stream-table-table - inner-left",
		ddl:      ddl,
		query:    "CREATE STREAM OUTPUT as SELECT S1.ID, s1.V0, t2.V0, t3.V0 FROM S1 JOIN T2 ON S1.ID = T2.ID LEFT JOIN T3 ON S1.ID = T3.ID;",
		inputs:   in,
		outputs:  []nwayOut{{0, `{"S1_V0":1,"T2_V0":2,"T3_V0":null}`, 11}, {0, `{"S1_V0":1,"T2_V0":2,"T3_V0":3}`, 13}},
	}}
	for i := range cs {
		feed(&cs[i])
	}
	return cs
}

// Joins read their inputs in the order they come when each is read before
// the next is written, whatever their timestamps: a stream record that comes
// before the table row of a later timestamp misses it, and one that comes
// after a stream record of the same timestamp joins it. The cases of
// confluentinc/ksql 7.9.0 query-validation-tests multi-joins.json
// "stream-table-table - left-left" and "... - inner-left" (the stream's
// first record comes before either table has a row), and joins.json "left
// join - with right join column in projection" (the right record comes
// first, at the left one's timestamp), "on non-STRING value column" (the
// stream's first record, rekeyed, comes before the table row it would
// join).
func TestJoinsReadInputsInTheOrderTheyCome(t *testing.T) {
	for _, c := range append(s1t2t3Cases(func(c *nwayCase) { c.inOrder = true }), []nwayCase{{
		upstream: "left join - with right join column in projection",
		ddl: `CREATE STREAM L (A INT KEY, B INT, C INT) WITH (kafka_topic='LEFT', PARTITIONS=1, value_format='JSON');
CREATE STREAM R (A INT KEY, B INT, C INT) WITH (kafka_topic='RIGHT', PARTITIONS=1, value_format='JSON');`,
		query:   "CREATE STREAM OUTPUT AS SELECT L.*, R.* FROM L LEFT JOIN R WITHIN 10 SECONDS ON ABS(L.A) = R.A;",
		inputs:  []nwayIn{{"RIGHT", 0, `{"B":-1,"C":-2}`, 10}, {"LEFT", 0, `{"B":1,"C":2}`, 10}},
		schema:  "R_A INTEGER KEY, L_A INTEGER, L_B INTEGER, L_C INTEGER, R_B INTEGER, R_C INTEGER",
		outputs: []nwayOut{{0, `{"L_A":0,"L_B":1,"L_C":2,"R_B":-1,"R_C":-2}`, 10}},
		inOrder: true,
	}, {
		upstream: "on non-STRING value column",
		ddl: `CREATE STREAM S (K STRING KEY, SF BIGINT) WITH (kafka_topic='s', PARTITIONS=1, value_format='JSON');
CREATE TABLE T (ID BIGINT PRIMARY KEY, TF INT) WITH (kafka_topic='t', PARTITIONS=1, value_format='JSON');`,
		query:     "CREATE STREAM OUTPUT AS SELECT *, S.ROWTIME, T.ROWTIME FROM S JOIN T ON S.SF = T.ID;",
		inputs:    []nwayIn{{"t", 26589, `{"TF":1}`, 0}, {"s", 1, `{"SF":12589}`, 100}, {"t", 12589, `{"TF":12}`, 200}, {"s", 2, `{"SF":12589}`, 300}},
		keyBytes:  func(n int32) []byte { return longKey(uint64(n)) },
		topicKeys: map[string]func(int32) []byte{"s": func(n int32) []byte { return []byte{'a' - 1 + byte(n)} }},
		outputs:   []nwayOut{{12589, `{"S_K":"b","T_ID":12589,"T_TF":12,"S_ROWTIME":300,"T_ROWTIME":200}`, 300}},
		inOrder:   true,
	}}...) {
		t.Run(c.upstream, func(t *testing.T) { runNway(t, c) })
	}
}
