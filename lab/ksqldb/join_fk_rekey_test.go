package ksqldb

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// A foreign-key join whose right table is keyed by a STRUCT in a format of
// the schema registry rekeys that table by its own key into the left
// table's key format before the join (LogicalPlanner.shouldRepartitionFKJoin,
// confluentinc/ksql v7.9.0; historical plan
// fk-join_-_Should_repartition_RHS_if_the_key_format_comes_from_Schema_Registry,
// whose statements, inputs and outputs these are): through
// RightSourceKeyed-SelectKey-repartition into RightSourceKeyed-Materialize,
// keyed in AVRO under the left table's key name LeftTableKey (the plan's
// internalFormats), the subscription topics numbered after that step
// (REGISTRATION-0000000018, RESPONSE-0000000026, STATE-STORE-0000000022:
// the plan's topology) and no KafkaTopic_Right-Reduce store.
const (
	fkStructKeySources = `
CREATE TABLE left_table (l_id BIGINT PRIMARY KEY, name VARCHAR, foreign_key STRUCT<val BIGINT>) WITH (kafka_topic='left_topic', format='AVRO', partitions=%d);
CREATE TABLE right_table (r_id STRUCT<val BIGINT> PRIMARY KEY, f1 INTEGER) WITH (kafka_topic='right_topic', format='AVRO', partitions=%d);`
	fkStructKeyQuery = `CREATE TABLE output AS SELECT l_id, r_id, name, f1 FROM left_table JOIN right_table ON foreign_key = r_id;`

	fkRekeyRegistration = "-KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-0000000018-topic"
	fkRekeyResponse     = "-KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-0000000026-topic"
	fkRekeyStoreLog     = "-KTABLE-FK-JOIN-SUBSCRIPTION-STATE-STORE-0000000022-changelog"
	// the plan's keySchema of RightSourceKeyed-SelectKey-repartition and
	// RightSourceKeyed-Materialize-changelog
	fkRekeyKeySchema = `{"type":"record","name":"LeftTableKey","namespace":"io.confluent.ksql.avro_schemas",` +
		`"fields":[{"name":"VAL","type":["null","long"],"default":null}],"connect.name":"io.confluent.ksql.avro_schemas.LeftTableKey"}`
)

// startFKStructKeyJoin declares the tables with the given partition
// counts and starts the join, answering its query id.
func startFKStructKeyJoin(t *testing.T, st *stack, url string, leftParts, rightParts int) string {
	t.Helper()
	mustKSQL(t, url, fmt.Sprintf(fkStructKeySources, leftParts, rightParts), nil)
	mustKSQL(t, url, fkStructKeyQuery, earliest())
	id := queryWriting(t, url, "OUTPUT")
	waitTopic(t, st, queryTopic(id, fkRekeyRegistration))
	return id
}

func TestAForeignKeyJoinRekeysARightTableKeyedByAnAvroStructIntoTheLeftKeyFormat(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	id := startFKStructKeyJoin(t, st, url, 1, 1)
	reg := st.reg.URL()
	lk, _ := latestSchema(t, reg, "left_topic-key")
	lv, lvs := latestSchema(t, reg, "left_topic-value")
	rk, rks := latestSchema(t, reg, "right_topic-key")
	rv, rvs := latestSchema(t, reg, "right_topic-value")
	structBranch := "io.confluent.ksql.avro_schemas.KsqlDataSourceSchema_FOREIGN_KEY"
	for n := int64(0); n < 3; n++ {
		st.produceJoin(joinRec{"right_topic", 10000, avroWire(t, rk, rks, map[string]any{"VAL": map[string]any{"long": n}}),
			avroWire(t, rv, rvs, map[string]any{"F1": map[string]any{"int": int32(n)}})})
	}
	st.records(queryTopic(id, "-RightSourceKeyed-Materialize-changelog"), 3)
	for n, name := range []string{"zero", "bar", "foo"} {
		st.produceJoin(joinRec{"left_topic", 11000, avroLong(lk, int64(n)), avroWire(t, lv, lvs, map[string]any{
			"NAME": map[string]any{"string": name}, "FOREIGN_KEY": map[string]any{structBranch: map[string]any{"VAL": map[string]any{"long": int64(n)}}}})})
	}

	// showAvro shows records as key value @time (decodeAvroRecord's
	// plain JSON, its fields in name order), and each key schema's name
	showAvro := func(topic string, n int) (lines []string, keyNames []string) {
		for _, r := range st.records(topic, n) {
			ks, k := decodeAvroRecord(t, reg, r.Key)
			_, v := decodeAvroRecord(t, reg, r.Value)
			lines = append(lines, fmt.Sprintf("%s %s @%d", k, v, r.Timestamp.UnixMilli()))
			keyNames = append(keyNames, avroSchemaName(ks))
		}
		return lines, keyNames
	}
	// read here: a stack's reads fail the test they were made for
	output, _ := showAvro("OUTPUT", 3)
	type shown struct{ lines, keyNames []string }
	logs := map[string]shown{}
	for _, suffix := range []string{"-RightSourceKeyed-SelectKey-repartition", "-RightSourceKeyed-Materialize-changelog"} {
		lines, names := showAvro(queryTopic(id, suffix), 3)
		logs[suffix] = shown{lines, names}
	}
	registrations := st.records(queryTopic(id, fkRekeyRegistration), 3)
	st.records(queryTopic(id, fkRekeyResponse), 3)
	st.records(queryTopic(id, fkRekeyStoreLog), 3)
	t.Run("the output rows are the plan's", func(t *testing.T) {
		sameShownInAnyOrder(t, "OUTPUT", output, []string{
			`0 {"F1":0,"NAME":"zero","R_ID":{"VAL":0}} @11000`,
			`1 {"F1":1,"NAME":"bar","R_ID":{"VAL":1}} @11000`,
			`2 {"F1":2,"NAME":"foo","R_ID":{"VAL":2}} @11000`,
		})
	})
	rekeyed := func(n int) string {
		return fmt.Sprintf(`{"VAL":%d} {"F1":%d,"ROWOFFSET":%d,"ROWPARTITION":0,"ROWTIME":10000,"R_ID":{"VAL":%d}} @10000`, n, n, n, n)
	}
	for _, suffix := range []string{"-RightSourceKeyed-SelectKey-repartition", "-RightSourceKeyed-Materialize-changelog"} {
		t.Run(suffix[1:]+" holds the right rows keyed in the left key format", func(t *testing.T) {
			topic := queryTopic(id, suffix)
			got, names := logs[suffix].lines, logs[suffix].keyNames
			sameShown(t, topic, got, []string{rekeyed(0), rekeyed(1), rekeyed(2)})
			for _, n := range names {
				if n != "io.confluent.ksql.avro_schemas.LeftTableKey" {
					t.Errorf("%s key schema %s, want LeftTableKey", topic, n)
				}
			}
			if _, schema := latestSchema(t, reg, topic+"-key"); !sameJSON(t, schema, fkRekeyKeySchema) {
				t.Errorf("%s-key holds %s, want %s", topic, schema, fkRekeyKeySchema)
			}
		})
	}
	t.Run("the subscriptions are keyed by the rekeyed key serde", func(t *testing.T) {
		topic := queryTopic(id, fkRekeyRegistration)
		for _, r := range registrations {
			if ks, _ := decodeAvroRecord(t, reg, r.Key); avroSchemaName(ks) != "io.confluent.ksql.avro_schemas.LeftTableKey" {
				t.Errorf("%s key schema %s, want LeftTableKey", topic, ks)
			}
		}
		if _, schema := latestSchema(t, reg, topic+"-key"); !sameJSON(t, schema, fkRekeyKeySchema) {
			t.Errorf("%s-key holds %s, want %s", topic, schema, fkRekeyKeySchema)
		}
	})
	t.Run("the right table has no store of its own", func(t *testing.T) {
		for _, suffix := range []string{"-KafkaTopic_Right-Reduce-changelog", fkRegistrationTopic, fkResponseTopic, fkSubscriptionLog} {
			if _, ok := topicExists(t, st, queryTopic(id, suffix)); ok {
				t.Errorf("the join also has %s", suffix)
			}
		}
	})
}

// The repartition topic and the registration topic are read by one
// sub-topology and co-partitioned (KTableImpl.doJoinOnForeignKey copartitions
// the subscription source with the foreign-key table's source nodes, here
// the repartition's): both repartition topics, they take the larger of the
// counts Kafka Streams computes for them, each the largest of its writing
// sub-topology's source topics (apache/kafka 3.9.0-rc3,
// RepartitionTopics.computePartitionCount,
// CopartitionedTopicsEnforcer.enforce), so the left table's here; the
// response topic is co-partitioned with the left table, and the right
// sub-topology's stores have a partition per task of it.
func TestAForeignKeyJoinThatRekeysItsRightTablePartitionsItsTopicsAsKafkaStreams(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	id := startFKStructKeyJoin(t, st, url, 3, 1)
	samePartitions(t, st, id, map[string]int{
		"-RightSourceKeyed-SelectKey-repartition": 3, "-RightSourceKeyed-Materialize-changelog": 3,
		fkRekeyRegistration: 3, fkRekeyStoreLog: 3, fkRekeyResponse: 3,
		"-KafkaTopic_Left-Reduce-changelog": 3, "-Project-Last-changelog": 3,
	})
}

// On a restart the rekeyed right table's store is restored from its
// changelog, RightSourceKeyed-Materialize-changelog (a logged store, as
// Kafka Streams restores it): a left row that subscribes after the restart
// is answered with the right row written before it
// (SubscriptionJoinProcessorSupplier looks the store up), and joined.
func TestAForeignKeyJoinAnswersFromItsRekeyedRightTableAfterARestart(t *testing.T) {
	st := newStack(t)
	srv, url := st.serve()
	id := startFKStructKeyJoin(t, st, url, 1, 1)
	reg := st.reg.URL()
	lk, _ := latestSchema(t, reg, "left_topic-key")
	lv, lvs := latestSchema(t, reg, "left_topic-value")
	rk, rks := latestSchema(t, reg, "right_topic-key")
	rv, rvs := latestSchema(t, reg, "right_topic-value")
	st.produceJoin(joinRec{"right_topic", 1000, avroWire(t, rk, rks, map[string]any{"VAL": map[string]any{"long": int64(0)}}),
		avroWire(t, rv, rvs, map[string]any{"F1": map[string]any{"int": int32(5)}})})
	st.records(queryTopic(id, "-RightSourceKeyed-Materialize-changelog"), 1)
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	st.serve()
	st.produceJoin(joinRec{"left_topic", 2000, avroLong(lk, 1), avroWire(t, lv, lvs, map[string]any{
		"NAME":        map[string]any{"string": "a"},
		"FOREIGN_KEY": map[string]any{"io.confluent.ksql.avro_schemas.KsqlDataSourceSchema_FOREIGN_KEY": map[string]any{"VAL": map[string]any{"long": int64(0)}}}})})

	// read here: a stack's reads fail the test they were made for
	r := st.records(queryTopic(id, fkRekeyResponse), 1)[0]
	out := st.records("OUTPUT", 1)[0]
	t.Run("the subscription is answered with the right row", func(t *testing.T) {
		// the response wrapper: its version, the left value's hash, the
		// right value
		at := 1 + len(fkHash(""))
		if len(r.Value) <= at {
			t.Fatalf("response %x carries no right row", r.Value)
		}
		_, v := decodeAvroRecord(t, reg, r.Value[at:])
		want := `{"RIGHT_TABLE_F1":5,"RIGHT_TABLE_ROWTIME":1000,"RIGHT_TABLE_ROWPARTITION":0,"RIGHT_TABLE_ROWOFFSET":0,"RIGHT_TABLE_R_ID":{"VAL":0}}`
		if !sameJSON(t, v, want) {
			t.Errorf("response right row %s, want %s", v, want)
		}
	})
	t.Run("the left row is joined", func(t *testing.T) {
		_, k := decodeAvroRecord(t, reg, out.Key)
		_, v := decodeAvroRecord(t, reg, out.Value)
		sameShown(t, "OUTPUT", []string{fmt.Sprintf("%s %s @%d", k, v, out.Timestamp.UnixMilli())}, []string{`1 {"F1":5,"NAME":"a","R_ID":{"VAL":0}} @2000`})
	})
}

// A push query's foreign-key join is planned as the persistent one
// (ksqlDB builds a transient query's topology from the same logical
// plan): its right table keyed by an AVRO STRUCT is rekeyed through the
// transient application's RightSourceKeyed-SelectKey-repartition, and the
// join answers with the right row.
func TestATransientForeignKeyJoinRekeysARightTableKeyedByAnAvroStruct(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, fmt.Sprintf(fkStructKeySources, 1, 1), nil)
	reg := st.reg.URL()
	lk, _ := latestSchema(t, reg, "left_topic-key")
	lv, lvs := latestSchema(t, reg, "left_topic-value")
	rk, rks := latestSchema(t, reg, "right_topic-key")
	rv, rvs := latestSchema(t, reg, "right_topic-value")
	st.produceJoin(joinRec{"right_topic", 10000, avroWire(t, rk, rks, map[string]any{"VAL": map[string]any{"long": int64(0)}}),
		avroWire(t, rv, rvs, map[string]any{"F1": map[string]any{"int": int32(7)}})},
		joinRec{"left_topic", 11000, avroLong(lk, 1), avroWire(t, lv, lvs, map[string]any{
			"NAME":        map[string]any{"string": "zero"},
			"FOREIGN_KEY": map[string]any{"io.confluent.ksql.avro_schemas.KsqlDataSourceSchema_FOREIGN_KEY": map[string]any{"VAL": map[string]any{"long": int64(0)}}}})})
	_, rd, qid := openQueryStream(t, h2c(), url, "SELECT l_id, r_id, name, f1 FROM left_table JOIN right_table ON foreign_key = r_id EMIT CHANGES LIMIT 2;")
	if got := readLine(t, rd); got != `[1,{"VAL":0},"zero",7]` {
		t.Errorf("push row %s, want [1,{\"VAL\":0},\"zero\",7]", got)
	}
	app, topics := transientTopics(t, st, qid)
	for _, suffix := range []string{"-RightSourceKeyed-SelectKey-repartition", "-RightSourceKeyed-Materialize-changelog", fkRekeyRegistration, fkRekeyResponse} {
		if _, ok := topics[app+suffix]; !ok {
			t.Errorf("the push query has no %s (its topics: %v)", suffix, topics)
		}
	}
	st.produceJoin(joinRec{"right_topic", 12000, avroWire(t, rk, rks, map[string]any{"VAL": map[string]any{"long": int64(0)}}),
		avroWire(t, rv, rvs, map[string]any{"F1": map[string]any{"int": int32(8)}})})
	if got := readLine(t, rd); got != `[1,{"VAL":0},"zero",8]` {
		t.Errorf("push row %s, want [1,{\"VAL\":0},\"zero\",8]", got)
	}
}

// A right table keyed by a STRUCT in JSON_SR is rekeyed alike
// (shouldRepartitionFKJoin takes AVRO, PROTOBUF and JSON_SR keys): through
// RightSourceKeyed-SelectKey-repartition into RightSourceKeyed-Materialize,
// in the left table's JSON_SR, before the join answers.
func TestAForeignKeyJoinRekeysARightTableKeyedByAJsonSRStruct(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, strings.ReplaceAll(fmt.Sprintf(fkStructKeySources, 1, 1), "format='AVRO'", "format='JSON_SR'"), nil)
	mustKSQL(t, url, fkStructKeyQuery, earliest())
	id := queryWriting(t, url, "OUTPUT")
	waitTopic(t, st, queryTopic(id, fkRekeyRegistration))
	reg := st.reg.URL()
	lk, _ := latestSchema(t, reg, "left_topic-key")
	lv, _ := latestSchema(t, reg, "left_topic-value")
	rk, _ := latestSchema(t, reg, "right_topic-key")
	rv, _ := latestSchema(t, reg, "right_topic-value")
	st.produceJoin(joinRec{"right_topic", 10000, jsonSRWire(rk, `{"VAL":0}`), jsonSRWire(rv, `{"F1":7}`)})
	st.records(queryTopic(id, "-RightSourceKeyed-Materialize-changelog"), 1)
	st.produceJoin(joinRec{"left_topic", 11000, jsonSRWire(lk, `1`), jsonSRWire(lv, `{"NAME":"zero","FOREIGN_KEY":{"VAL":0}}`)})

	rekeyed := st.records(queryTopic(id, "-RightSourceKeyed-SelectKey-repartition"), 1)[0]
	out := st.records("OUTPUT", 1)[0]
	if got := jsonSRText(rekeyed.Key); !sameJSON(t, got, `{"VAL":0}`) {
		t.Errorf("repartition key %s, want {\"VAL\":0}", got)
	}
	if got, want := jsonSRText(out.Key)+" "+jsonSRText(out.Value), `1 {"R_ID":{"VAL":0},"NAME":"zero","F1":7}`; got != want {
		t.Errorf("OUTPUT %s, want %s", got, want)
	}
}

// avroSchemaName is the full name of an AVRO named schema's text.
func avroSchemaName(schema string) string {
	var s struct{ Name, Namespace string }
	if json.Unmarshal([]byte(schema), &s) != nil || s.Namespace == "" {
		return s.Name
	}
	return s.Namespace + "." + s.Name
}
