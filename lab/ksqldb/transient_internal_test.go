package ksqldb

import (
	"context"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kmsg"
)

// A transient push query runs in ksqlDB 0.29 as a Kafka Streams application
// of its own (confluentinc/ksql v7.9.0, ksqldb-engine QueryBuilder.
// buildTransientQuery), built from the same physical plan steps as a
// persistent query's (buildQueryImplementation), so a join's stores and
// their changelogs are named and laid out as the persistent query's. Its
// application id is QueryApplicationId.build(config, false, queryId):
// "_confluent-ksql-" + ksql.service.id ("default_") + ksql.transient.prefix
// ("transient_") + the query id (QueryIdUtil: "transient_" + the leftmost
// source's alias + "_" + a random number) + "_" + the time the query was
// built in milliseconds (addTimeSuffix); its internal topics are
// <application id>-<store>-changelog (and -repartition where a side is
// rekeyed), made by Kafka Streams before the query runs with a partition
// per task and the persistent query's configs (the streams properties are
// the persistent query's, buildStreamsProperties, with no standby
// replicas). When the query ends (its LIMIT reached, the client gone,
// /close-query, TERMINATE), TransientQueryMetadata.close closes the
// streams application (KafkaStreams.cleanUp then removes only its local
// state directory) and the engine's CleanupListener (KsqlEngine.
// CleanupListener.onClose) hands QueryCleanupService a QueryCleanupTask
// that deletes every <application id>-...-changelog and -repartition
// topic (KafkaTopicClientImpl.deleteInternalTopics, isInternalTopic),
// their schemas (SchemaRegistryUtil.cleanupInternalTopicSchemas) and the
// application's consumer group. TransientQueryCleanupService
// (ksql.transient.query.cleanup.service.enable, true by default) only
// sweeps, on a schedule, what a transient query that is no longer running
// left behind (a server that died).

// transientApp matches a topic of transient query qid's application, the
// application id its first group.
func transientApp(qid string) *regexp.Regexp {
	return regexp.MustCompile(`^(_confluent-ksql-default_transient_` + regexp.QuoteMeta(qid) + `_[0-9]{13})-`)
}

// transientTopics are the broker's topics of transient query qid's
// application, by name with their partition counts, and the application
// id ("" without any).
func transientTopics(t *testing.T, st *stack, qid string) (string, map[string]int) {
	t.Helper()
	resp, err := kmsg.NewPtrMetadataRequest().RequestWith(context.Background(), st.cl)
	if err != nil {
		t.Fatal(err)
	}
	app, out := "", map[string]int{}
	for _, d := range resp.Topics {
		if d.Topic == nil || d.ErrorCode != 0 {
			continue
		}
		if m := transientApp(qid).FindStringSubmatch(*d.Topic); m != nil {
			app, out[*d.Topic] = m[1], len(d.Partitions)
		}
	}
	return app, out
}

// The stores of a push query's stream-stream join are logged while it runs
// to the changelogs the persistent join has (join_store_test.go: the
// historical plan of joins.json "stream stream inner join",
// KSTREAM-JOINTHIS-0000000008 and KSTREAM-JOINOTHER-0000000009), under
// the transient query's application id, with the same records and
// configs; /close-query deletes them.
func TestATransientStreamStreamJoinLogsItsWindowStoresUntilItIsClosed(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, twoStreams, nil)
	k := intKey(1)
	st.produceJoin(joinRec{"left", 1000, k, []byte(`{"v":"A"}`)}, joinRec{"rs", 2000, k, []byte(`{"v":"a"}`)}, joinRec{"left", 3000, k, []byte(`{"v":"B"}`)})
	_, rd, qid := openQueryStream(t, h2c(), url, "SELECT l.id AS id, l.v AS lv, rs.v AS rv FROM l JOIN rs WITHIN 10 SECONDS ON l.id = rs.id EMIT CHANGES;")
	if !strings.HasPrefix(qid, "transient_L_") {
		t.Errorf("query id %q, want transient_L_<number>", qid)
	}
	for _, want := range []string{`[1,"A","a"]`, `[1,"B","a"]`} {
		if got := readLine(t, rd); got != want {
			t.Errorf("push row %s, want %s", got, want)
		}
	}
	app, topics := transientTopics(t, st, qid)
	this, other := app+"-KSTREAM-JOINTHIS-0000000008-store-changelog", app+"-KSTREAM-JOINOTHER-0000000009-store-changelog"
	if got, want := slices.Sorted(maps.Keys(topics)), []string{other, this}; !slices.Equal(got, want) {
		t.Fatalf("the push query's internal topics %q, want %q", got, want)
	}
	for _, topic := range []string{this, other} {
		if topics[topic] != 1 {
			t.Errorf("%s has %d partitions, want the streams' 1", topic, topics[topic])
		}
		got := topicConfigs(t, st.adm, topic, "cleanup.policy", "retention.ms")
		if got["cleanup.policy"] != "delete" || got["retention.ms"] != "172800000" {
			t.Errorf("%s configs %v, want cleanup.policy delete, retention.ms 172800000", topic, got)
		}
	}
	sameLog(t, this, st.records(this, 2), []string{
		logLine(windowStoreKey(k, 1000, 1), `{"L_V":"A","L_ROWTIME":1000,"L_ROWPARTITION":0,"L_ROWOFFSET":0,"L_ID":1}`, 1000),
		logLine(windowStoreKey(k, 3000, 2), `{"L_V":"B","L_ROWTIME":3000,"L_ROWPARTITION":0,"L_ROWOFFSET":1,"L_ID":1}`, 3000),
	})
	sameLog(t, other, st.records(other, 1), []string{
		logLine(windowStoreKey(k, 2000, 1), `{"RS_V":"a","RS_ROWTIME":2000,"RS_ROWPARTITION":0,"RS_ROWOFFSET":0,"RS_ID":1}`, 2000),
	})
	if r := do(t, http.DefaultClient, http.MethodPost, url+"/close-query", `{"queryId":"`+qid+`"}`, nil); r.code != 200 {
		t.Fatalf("close-query: %d %s", r.code, r.body)
	}
	waitFor(t, func() bool { _, left := transientTopics(t, st, qid); return len(left) == 0 }, "the closed push query's internal topics deleted")
}

// The table a push query's stream-table join reads is materialized in
// KafkaTopic_Right-Reduce, logged to its changelog as the persistent join
// logs it (jointables_test.go), under the transient application id; the
// query's LIMIT ends it and its topics go with it.
func TestATransientStreamTableJoinLogsItsTableStoreUntilItsLimit(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, joinSources, nil)
	st.produceJoin(joinRec{"right", 1, intKey(1), []byte(`{"v":"one"}`)}, joinRec{"left", 2, intKey(1), []byte(`{"v":"x"}`)})
	_, rd, qid := openQueryStream(t, h2c(), url, "SELECT * FROM l LEFT JOIN r ON l.id = r.id EMIT CHANGES LIMIT 2;")
	if got := readLine(t, rd); got != `[1,"x",1,"one"]` {
		t.Errorf("push row %s, want [1,\"x\",1,\"one\"]", got)
	}
	app, topics := transientTopics(t, st, qid)
	table := app + "-KafkaTopic_Right-Reduce-changelog"
	if got := slices.Sorted(maps.Keys(topics)); !slices.Equal(got, []string{table}) {
		t.Fatalf("the push query's internal topics %q, want %q", got, []string{table})
	}
	if topics[table] != 1 {
		t.Errorf("%s has %d partitions, want the table's 1", table, topics[table])
	}
	if got := topicConfigs(t, st.adm, table, "cleanup.policy")["cleanup.policy"]; got != "compact" {
		t.Errorf("%s cleanup.policy %q, want compact", table, got)
	}
	sameLog(t, table, st.records(table, 1), []string{
		logLine(string(intKey(1)), `{"V":"one","ROWPARTITION":0,"ROWOFFSET":0}`, 1),
	})
	st.produceJoin(joinRec{"left", 3, intKey(2), []byte(`{"v":"y"}`)})
	if got := readLine(t, rd); got != `[2,"y",null,null]` {
		t.Errorf("push row %s, want [2,\"y\",null,null]", got)
	}
	waitFor(t, func() bool { _, left := transientTopics(t, st, qid); return len(left) == 0 }, "the push query's internal topics deleted once its LIMIT is reached")
}

// A push query's id names its leftmost source by its alias (QueryIdUtil:
// "transient_" + getLeftmostSourceNode().getAlias() + "_" +
// Math.abs(ThreadLocalRandom.nextLong())), and so do its internal topics.
func TestATransientQueryIdNamesItsLeftmostSourceByItsAlias(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, twoStreams, nil)
	_, _, qid := openQueryStream(t, h2c(), url, "SELECT x.id AS id, x.v AS xv, y.v AS yv FROM l x JOIN rs y WITHIN 10 SECONDS ON x.id = y.id EMIT CHANGES;")
	if !regexp.MustCompile(`^transient_X_[0-9]+$`).MatchString(qid) {
		t.Errorf("query id %q, want transient_X_<number>", qid)
	}
	if app, topics := transientTopics(t, st, qid); len(topics) != 2 {
		t.Errorf("the internal topics of %s: %v, want its two window stores' changelogs", app, slices.Sorted(maps.Keys(topics)))
	}
}

// A push query's topic.<config> settings are the defaults of its internal
// topics as a persistent query's are
// (TestTopicSettingsOfAQueryAreTheDefaultsOfItsInternalTopics): its
// streams properties are built as a persistent query's
// (QueryBuilder.buildStreamsProperties).
func TestATransientJoinsTopicSettingsAreTheDefaultsOfItsInternalTopics(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, joinSources, nil)
	st.produceJoin(joinRec{"right", 1, intKey(1), []byte(`{"v":"one"}`)}, joinRec{"left", 2, intKey(1), []byte(`{"v":"x"}`)})
	_, rd, qid := openQueryStreamWith(t, h2c(), url, "SELECT * FROM l LEFT JOIN r ON l.id = r.id EMIT CHANGES;",
		map[string]any{"auto.offset.reset": "earliest", "ksql.streams.topic.max.message.bytes": "2000000"})
	readLine(t, rd)
	app, _ := transientTopics(t, st, qid)
	table := app + "-KafkaTopic_Right-Reduce-changelog"
	got := topicConfigs(t, st.adm, table, "cleanup.policy", "max.message.bytes")
	if got["cleanup.policy"] != "compact" || got["max.message.bytes"] != "2000000" {
		t.Errorf("%s configs %v, want cleanup.policy compact, max.message.bytes 2000000", table, got)
	}
}
