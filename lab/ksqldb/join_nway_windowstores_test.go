package ksqldb

import (
	"fmt"
	"testing"
)

// An N-way join with several stream-stream steps keeps, for each step, its
// two window stores, each logged by Kafka Streams to a changelog named
// after the store as the topology numbers it (KStreamImplJoin names the
// stores KSTREAM-JOINTHIS / -OUTERTHIS and KSTREAM-JOINOTHER / -OUTEROTHER
// after the step's processor numbers). The historical plans of
// query-validation-tests multi-joins.json 'stream-stream-stream - left-left',
// 'stream-stream-stream - inner-inner - different windows' and 'scoped
// include all columns' list the four changelogs of their two steps.

// threeStreams are three streams keyed alike, one partition each.
const threeStreams = `CREATE STREAM s1 (id INT KEY, v0 BIGINT) WITH (KAFKA_TOPIC='s1', VALUE_FORMAT='JSON', PARTITIONS=1);
CREATE STREAM s2 (id INT KEY, v0 BIGINT) WITH (KAFKA_TOPIC='s2', VALUE_FORMAT='JSON', PARTITIONS=1);
CREATE STREAM s3 (id INT KEY, v0 BIGINT) WITH (KAFKA_TOPIC='s3', VALUE_FORMAT='JSON', PARTITIONS=1);`

func TestEachStreamStreamStepOfAChainLogsItsWindowStoresToTheirOwnChangelogs(t *testing.T) {
	for _, c := range []struct {
		name, joins string
		stores      []string
	}{
		{"left-left", "s1 LEFT JOIN s2 WITHIN 5 SECONDS ON s1.id = s2.id LEFT JOIN s3 WITHIN 10 SECONDS ON s1.id = s3.id",
			[]string{"KSTREAM-JOINTHIS-0000000008-store", "KSTREAM-OUTEROTHER-0000000009-store", "KSTREAM-JOINTHIS-0000000016-store", "KSTREAM-OUTEROTHER-0000000017-store"}},
		{"inner-inner", "s1 JOIN s2 WITHIN 5 SECONDS ON s1.id = s2.id JOIN s3 WITHIN 10 SECONDS ON s1.id = s3.id",
			[]string{"KSTREAM-JOINTHIS-0000000008-store", "KSTREAM-JOINOTHER-0000000009-store", "KSTREAM-JOINTHIS-0000000016-store", "KSTREAM-JOINOTHER-0000000017-store"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			st := newStack(t)
			_, url := st.serve()
			mustKSQL(t, url, threeStreams, nil)
			mustKSQL(t, url, "CREATE STREAM output AS SELECT s2.id, s1.v0, s2.v0 AS v2, s3.v0 AS v3 FROM "+c.joins+";", earliest())
			id := queryWriting(t, url, "OUTPUT")
			// each step's each side holds one record: the second step's
			// left side holds the first step's result
			st.produceJoin(joinRec{"s1", 1000, kafkaInt(1), []byte(`{"V0":10}`)},
				joinRec{"s2", 2000, kafkaInt(1), []byte(`{"V0":20}`)},
				joinRec{"s3", 3000, kafkaInt(1), []byte(`{"V0":30}`)})
			st.records("OUTPUT", 1)
			for _, store := range c.stores {
				topic := queryTopic(id, "-"+store+"-changelog")
				waitFor(t, func() bool { return distinctKeys(t, st, topic) >= 1 }, fmt.Sprintf("an entry in %s", topic))
			}
			noPrivateJoinLog(t, st, id)
		})
	}
}

// The state a chain's stream-stream steps log is what a restarted server
// restores: a record of the third stream after the restart still joins the
// first two's result from before it.
func TestAChainOfStreamStreamStepsRestoresFromItsWindowStoreChangelogs(t *testing.T) {
	st := newStack(t)
	srv, url := st.serve()
	mustKSQL(t, url, threeStreams, nil)
	mustKSQL(t, url, "CREATE STREAM output AS SELECT s1.id, s1.v0, s2.v0 AS v2, s3.v0 AS v3 FROM s1 JOIN s2 WITHIN 5 SECONDS ON s1.id = s2.id JOIN s3 WITHIN 10 SECONDS ON s1.id = s3.id;", earliest())
	st.produceJoin(joinRec{"s1", 1000, kafkaInt(1), []byte(`{"V0":10}`)},
		joinRec{"s2", 2000, kafkaInt(1), []byte(`{"V0":20}`)},
		joinRec{"s3", 3000, kafkaInt(1), []byte(`{"V0":30}`)})
	st.records("OUTPUT", 1)
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	st.serve()
	st.produceJoin(joinRec{"s3", 4000, kafkaInt(1), []byte(`{"V0":31}`)})
	if got := recordAt(t, st.records("OUTPUT", 2), 4000); string(got.Value) != `{"S1_V0":10,"V2":20,"V3":31}` {
		t.Errorf("OUTPUT after the restart: %s, want {\"S1_V0\":10,\"V2\":20,\"V3\":31}", got.Value)
	}
}
