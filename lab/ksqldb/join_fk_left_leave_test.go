package ksqldb

import (
	"testing"
)

// In a LEFT JOIN of two tables on a foreign key, a left row that leaves
// the right row its foreign key pointed at gets its new result alone: CP
// 7.9.4's Kafka Streams unsubscribes the old key with
// DELETE_KEY_NO_PROPAGATE, which is not answered, so a left row whose
// foreign key changes gets no result with a null right side in between,
// and a deleted left row one tombstone; an update that keeps its foreign
// key one result (confluentinc/kafka v7.9.4-ccs KAFKA-18713:
// SubscriptionSendProcessorSupplier.leftJoinInstructions,
// ResponseJoinProcessorSupplier; confluentinc/ksql v7.9.4
// query-validation-tests fk-join.json "Should support left join with left
// value-column expression", the deletes at 18000 and 19000, which v7.9.0
// expected twice).
func TestForeignKeyLeftJoinResultsOfALeftRowLeavingItsRightRow(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE TABLE orders (id BIGINT PRIMARY KEY, item VARCHAR, shop BIGINT) WITH (kafka_topic='orders', PARTITIONS=1, value_format='JSON');
CREATE TABLE shops (sid BIGINT PRIMARY KEY, town VARCHAR) WITH (kafka_topic='shops', PARTITIONS=1, value_format='JSON');`, nil)
	l := func(ts int64, id uint64, v string) joinRec { return joinRec{"orders", ts, longKey(id), joinValue(v)} }
	r := func(ts int64, id uint64, v string) joinRec { return joinRec{"shops", ts, longKey(id), joinValue(v)} }
	st.produceJoin(r(1, 7, `{"TOWN":"ely"}`), r(2, 8, `{"TOWN":"rye"}`),
		l(3, 1, `{"ITEM":"pen","SHOP":7}`), l(4, 1, `{"ITEM":"ink","SHOP":7}`), l(5, 1, `{"ITEM":"ink","SHOP":8}`),
		l(6, 2, `{"ITEM":"cup","SHOP":9}`), l(7, 1, `{"ITEM":"ink","SHOP":null}`), l(8, 2, ""), l(9, 1, ""), l(10, 3, ""))
	mustKSQL(t, url, "CREATE TABLE out AS SELECT id, sid, item, town FROM orders LEFT JOIN shops ON shop = sid;", earliest())
	want := []joinRec{
		{ts: 3, key: longKey(1), value: []byte(`{"SID":7,"ITEM":"pen","TOWN":"ely"}`)},
		{ts: 4, key: longKey(1), value: []byte(`{"SID":7,"ITEM":"ink","TOWN":"ely"}`)},
		{ts: 5, key: longKey(1), value: []byte(`{"SID":8,"ITEM":"ink","TOWN":"rye"}`)},
		{ts: 6, key: longKey(2), value: []byte(`{"SID":null,"ITEM":"cup","TOWN":null}`)},
		{ts: 7, key: longKey(1), value: []byte(`{"SID":null,"ITEM":"ink","TOWN":null}`)},
		{ts: 8, key: longKey(2)},
		{ts: 9, key: longKey(1)},
	}
	st.expectJoined("OUT", want)
}
