package ksqldb

import "testing"

// A window store counts its sequence numbers for as long as it is open
// (RocksDBWindowStore's seqnum, bumped by every put where duplicates are
// kept; ChangeLoggingWindowBytesStore logs each put under it; apache/kafka
// 3.9.0-rc3). A rebalance does not reopen it: Kafka Streams' cooperative
// assignor keeps a task on its thread, and at_least_once aborts nothing.
// Here a batch whose commit the group's rebalance failed is read again
// after the state is restored from the changelog: its puts are logged
// under the numbers they had, not numbered from 1 again.
func TestAWindowStoreCountsOnAcrossABatchReadAgainAfterARebalance(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, twoStreams, nil)
	ents := mustKSQL(t, url, "CREATE STREAM j AS SELECT l.id AS id, l.v AS lv, rs.v AS rv FROM l JOIN rs WITHIN 10 SECONDS ON l.id = rs.id;", earliest())
	group := st.stableGroup(ents)
	k := intKey(1)
	st.produceInOrder(group, joinRec{"left", 1000, k, []byte(`{"v":"A"}`)})

	// the next commit fails: the batch is read again
	st.loseMemberAtNextCommit(group, func() {
		st.produceJoin(joinRec{"left", 2000, k, []byte(`{"v":"B"}`)})
	})
	st.produceInOrder(group, joinRec{"left", 3000, k, []byte(`{"v":"C"}`)})

	id := queryWriting(t, url, "J")
	this := queryTopic(id, "-KSTREAM-JOINTHIS-0000000008-store-changelog")
	sameLog(t, this, st.records(this, 3), []string{
		logLine(windowStoreKey(k, 1000, 1), `{"L_V":"A","L_ROWTIME":1000,"L_ROWPARTITION":0,"L_ROWOFFSET":0,"L_ID":1}`, 1000),
		logLine(windowStoreKey(k, 2000, 2), `{"L_V":"B","L_ROWTIME":2000,"L_ROWPARTITION":0,"L_ROWOFFSET":1,"L_ID":1}`, 2000),
		logLine(windowStoreKey(k, 3000, 3), `{"L_V":"C","L_ROWTIME":3000,"L_ROWPARTITION":0,"L_ROWOFFSET":2,"L_ID":1}`, 3000),
	})
}
