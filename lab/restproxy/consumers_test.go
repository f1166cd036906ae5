package restproxy

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"net/http"
	"net/http/httptrace"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// Specs for the v2 consumer API. Shapes and codes follow
// https://docs.confluent.io/platform/7.9/kafka-rest/api.html#consumers and
// kafka-rest's Errors.java and resources/v2/ConsumersResource.java.

const ctV2 = "application/vnd.kafka.v2+json"

func (e *env) createConsumer(group string, body string) (instanceID, baseURI string) {
	e.t.Helper()
	resp := e.do(http.MethodPost, "/consumers/"+group, ctV2, []byte(body))
	if resp.status != http.StatusOK {
		e.t.Fatalf("create consumer: %d %s", resp.status, resp.body)
	}
	var out map[string]string
	resp.json(e.t, &out)
	if len(out) != 2 {
		e.t.Fatalf("create consumer answer %s: want exactly instance_id and base_uri", resp.body)
	}
	return out["instance_id"], out["base_uri"]
}

// pollRecords reads from an instance until n records came back or the
// deadline passes.
func (e *env) pollRecords(path, accept string, n int) []map[string]json.RawMessage {
	e.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var got []map[string]json.RawMessage
	for len(got) < n {
		if time.Now().After(deadline) {
			e.t.Fatalf("read %s: got %d of %d records", path, len(got), n)
		}
		resp := e.do(http.MethodGet, path+"/records?timeout=500", "", nil, "Accept", accept)
		if resp.status != http.StatusOK {
			e.t.Fatalf("read records: %d %s", resp.status, resp.body)
		}
		if resp.contentType != accept {
			e.t.Fatalf("records content type %q, want %q", resp.contentType, accept)
		}
		var page []map[string]json.RawMessage
		resp.json(e.t, &page)
		got = append(got, page...)
	}
	return got
}

func (e *env) produceRaw(topic string, partition int32, kvs ...[2][]byte) {
	e.t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(e.cluster.ListenAddrs()...), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		e.t.Fatalf("new producer: %v", err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, kv := range kvs {
		r := &kgo.Record{Topic: topic, Partition: partition, Key: kv[0], Value: kv[1]}
		if err := cl.ProduceSync(ctx, r).FirstErr(); err != nil {
			e.t.Fatalf("produce: %v", err)
		}
	}
}

func (e *env) wantError(resp response, status, code int, message string) {
	e.t.Helper()
	gotCode, gotMsg := resp.apiErr(e.t)
	if resp.status != status || gotCode != code || gotMsg != message {
		e.t.Fatalf("got %d %d %q, want %d %d %q", resp.status, gotCode, gotMsg, status, code, message)
	}
}

func TestConsumerCreateAnswersInstanceIDAndAbsoluteBaseURI(t *testing.T) {
	e := newEnv(t, envOptions{})
	id, base := e.createConsumer("g1", `{"name":"ci1","format":"binary","auto.offset.reset":"earliest"}`)
	if id != "ci1" || base != e.server.URL+"/consumers/g1/instances/ci1" {
		t.Fatalf("instance_id %q base_uri %q", id, base)
	}
	// Without a name the proxy makes one up: rest-consumer-<uuid>.
	id, base = e.createConsumer("g1", `{}`)
	if !strings.HasPrefix(id, "rest-consumer-") || len(id) != len("rest-consumer-")+36 || !strings.HasSuffix(base, "/instances/"+id) {
		t.Fatalf("generated instance_id %q base_uri %q", id, base)
	}
}

func TestConsumerCreateRefusesTakenNameBadConfigAndSchemaFormatsItCannotRead(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createConsumer("g", `{"name":"dup"}`)
	e.wantError(e.do(http.MethodPost, "/consumers/g", ctV2, []byte(`{"name":"dup"}`)),
		409, 40902, "Consumer with specified consumer ID already exists in the specified consumer group.")
	// The same name in another group is another instance.
	e.createConsumer("other", `{"name":"dup"}`)

	e.wantError(e.do(http.MethodPost, "/consumers/g", ctV2, []byte(`{"format":"xml"}`)), 422, 42200, "Invalid format type.")
	e.wantError(e.do(http.MethodPost, "/consumers/g", ctV2, []byte(`{"auto.offset.reset":"smallest"}`)), 422, 42204,
		"Invalid consumer configuration: Invalid value smallest for configuration auto.offset.reset: String must be one of: latest, earliest, none")
	for _, f := range []string{"jsonschema", "protobuf"} {
		if resp := e.do(http.MethodPost, "/consumers/g", ctV2, []byte(`{"format":"`+f+`"}`)); resp.status != 200 {
			t.Fatalf("%s: %d %s", f, resp.status, resp.body)
		}
	}
}

// ConsumersResource @Consumes and @Produces only the v2 media types.
func TestConsumerResourcesRefuseOtherMediaTypes(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.wantError(e.do(http.MethodPost, "/consumers/g", "application/json", []byte(`{}`)), 415, 415, "HTTP 415 Unsupported Media Type")
	e.wantError(e.do(http.MethodPost, "/consumers/g", "", []byte(`{}`)), 415, 415, "HTTP 415 Unsupported Media Type")
	e.wantError(e.do(http.MethodPost, "/consumers/g", ctV2, []byte(`{}`), "Accept", "application/json"), 406, 406, "HTTP 406 Not Acceptable")
	// Any embedded format's v2 type is accepted on every consumer resource.
	if resp := e.do(http.MethodPost, "/consumers/g", ctJSON, []byte(`{"name":"x"}`), "Accept", ctAvro); resp.status != 200 {
		t.Fatalf("create with embedded types: %d %s", resp.status, resp.body)
	}
}

func TestConsumerUnknownInstanceIsNotFound(t *testing.T) {
	e := newEnv(t, envOptions{})
	for _, c := range []struct{ method, path string }{
		{http.MethodDelete, "/consumers/g/instances/none"},
		{http.MethodPost, "/consumers/g/instances/none/subscription"},
		{http.MethodGet, "/consumers/g/instances/none/records"},
		{http.MethodGet, "/consumers/g/instances/none/assignments"},
	} {
		e.wantError(e.do(c.method, c.path, ctV2, []byte(`{"topics":["t"]}`)), 404, 40403, "Consumer instance not found.")
	}
	e.createConsumer("g", `{"name":"gone"}`)
	if resp := e.do(http.MethodDelete, "/consumers/g/instances/gone", ctV2, nil); resp.status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", resp.status, resp.body)
	}
	e.wantError(e.do(http.MethodDelete, "/consumers/g/instances/gone", ctV2, nil), 404, 40403, "Consumer instance not found.")
}

// ConsumersResource (kafka-rest v7.9.0 resources/v2) takes the bodies of
// subscribe, seekToBeginning, seekToEnd, seekToOffset and assign as
// @Valid @NotNull parameters after UriInfo, the group and the instance:
// a body that is JSON null, or empty, is the null entity, refused by
// Jersey's bean validation before the method looks the instance up, as
// "<method>.arg3 must not be null (was null)" (rest-utils'
// ConstraintViolationExceptionMapper, parameters named as reflection names
// them, as for produce). committedOffsets throws
// partitionNotFoundException for a null body before the lookup too.
func TestConsumerNullBodiesAreRefusedBeforeTheInstanceIsLookedUp(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createConsumer("g", `{"name":"c"}`)
	for _, inst := range []string{"/consumers/g/instances/c", "/consumers/g/instances/none"} {
		for _, c := range []struct{ path, method string }{
			{"/subscription", "subscribe"},
			{"/positions/beginning", "seekToBeginning"},
			{"/positions/end", "seekToEnd"},
			{"/positions", "seekToOffset"},
			{"/assignments", "assign"},
		} {
			for _, body := range []string{`null`, ` null `, ``} {
				e.wantError(e.do(http.MethodPost, inst+c.path, ctV2, []byte(body)), 422, 422, c.method+".arg3 must not be null (was null)")
			}
		}
		e.wantError(e.do(http.MethodGet, inst+"/offsets", ctV2, []byte(`null`)), 404, 40402, "Partition not found.")
	}
}

func TestConsumerSubscribedReadsBinaryRecordsAsAGroupMember(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("bin", 1)
	e.produceRaw("bin", 0, [2][]byte{[]byte("k1"), []byte("hello")}, [2][]byte{nil, []byte{0xff, 0x00}})
	_, base := e.createConsumer("readers", `{"name":"r1","format":"binary","auto.offset.reset":"earliest","auto.commit.enable":"false"}`)
	path := strings.TrimPrefix(base, e.server.URL)
	if resp := e.do(http.MethodPost, path+"/subscription", ctV2, []byte(`{"topics":["bin"]}`)); resp.status != http.StatusNoContent {
		t.Fatalf("subscribe: %d %s", resp.status, resp.body)
	}
	resp := e.do(http.MethodGet, path+"/subscription", "", nil)
	if resp.status != 200 || string(resp.body) != `{"topics":["bin"]}` {
		t.Fatalf("subscription: %d %s", resp.status, resp.body)
	}
	recs := e.pollRecords(path, ctBinary, 2)
	// "aGVsbG8=" is base64 of "hello", "azE=" of "k1", "/wA=" of ff 00.
	want := []string{
		`{"key":"azE=","offset":0,"partition":0,"topic":"bin","value":"aGVsbG8="}`,
		`{"key":null,"offset":1,"partition":0,"topic":"bin","value":"/wA="}`,
	}
	for i, r := range recs {
		b, _ := json.Marshal(r)
		if string(b) != want[i] {
			t.Fatalf("record %d: %s, want %s", i, b, want[i])
		}
	}

	// The instance is a real member of the group.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	groups, err := e.admin.DescribeGroups(ctx, "readers")
	if err != nil {
		t.Fatal(err)
	}
	g := groups["readers"]
	if g.State != "Stable" || len(g.Members) != 1 {
		t.Fatalf("group: state %q members %d", g.State, len(g.Members))
	}

	// Assignments list what the group gave the member.
	resp = e.do(http.MethodGet, path+"/assignments", "", nil)
	if string(resp.body) != `{"partitions":[{"topic":"bin","partition":0}]}` {
		t.Fatalf("assignments: %d %s", resp.status, resp.body)
	}
}

func TestConsumerCommitStoresTheOffsetAfterTheNamedRecord(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("c", 1)
	e.produceRaw("c", 0, [2][]byte{nil, []byte("a")}, [2][]byte{nil, []byte("b")}, [2][]byte{nil, []byte("c")})
	_, base := e.createConsumer("committers", `{"name":"c1","auto.offset.reset":"earliest","auto.commit.enable":"false"}`)
	path := strings.TrimPrefix(base, e.server.URL)
	e.do(http.MethodPost, path+"/subscription", ctV2, []byte(`{"topics":["c"]}`))
	e.pollRecords(path, ctBinary, 3)

	resp := e.do(http.MethodPost, path+"/offsets", ctV2, []byte(`{"offsets":[{"topic":"c","partition":0,"offset":1}]}`))
	if resp.status != 200 {
		t.Fatalf("commit: %d %s", resp.status, resp.body)
	}
	// kafka-rest commits offset+1: the next record to read.
	resp = e.do(http.MethodGet, path+"/offsets", ctV2, []byte(`{"partitions":[{"topic":"c","partition":0}]}`))
	if resp.status != 200 || string(resp.body) != `{"offsets":[{"topic":"c","partition":0,"offset":2,"metadata":""}]}` {
		t.Fatalf("committed: %d %s", resp.status, resp.body)
	}
	// Without a body everything returned so far is committed.
	if resp := e.do(http.MethodPost, path+"/offsets", ctV2, nil); resp.status != 200 {
		t.Fatalf("commit all: %d %s", resp.status, resp.body)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	offs, err := e.admin.FetchOffsets(ctx, "committers")
	if err != nil {
		t.Fatal(err)
	}
	if o, ok := offs.Lookup("c", 0); !ok || o.At != 3 {
		t.Fatalf("group offset %+v, want 3", o)
	}
}

func TestConsumerAutoCommitCommitsOnlyWhatWasReturned(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("ac", 1)
	e.produceRaw("ac", 0, [2][]byte{nil, []byte("a")}, [2][]byte{nil, []byte("b")})
	_, base := e.createConsumer("auto", `{"name":"a1","auto.offset.reset":"earliest"}`)
	path := strings.TrimPrefix(base, e.server.URL)
	e.do(http.MethodPost, path+"/subscription", ctV2, []byte(`{"topics":["ac"]}`))
	e.pollRecords(path, ctBinary, 2)
	// Deleting the instance leaves the group, committing on the way out.
	if resp := e.do(http.MethodDelete, path, ctV2, nil); resp.status != 204 {
		t.Fatalf("delete: %d %s", resp.status, resp.body)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	offs, err := e.admin.FetchOffsets(ctx, "auto")
	if err != nil {
		t.Fatal(err)
	}
	if o, ok := offs.Lookup("ac", 0); !ok || o.At != 2 {
		t.Fatalf("group offset %+v, want 2", o)
	}
}

func TestConsumerAssignAndSeekReReadRecords(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("as", 2)
	e.produceRaw("as", 1, [2][]byte{nil, []byte("x")}, [2][]byte{nil, []byte("y")}, [2][]byte{nil, []byte("z")})
	_, base := e.createConsumer("assigners", `{"name":"m1","format":"binary","auto.offset.reset":"earliest","auto.commit.enable":"false"}`)
	path := strings.TrimPrefix(base, e.server.URL)

	// Seeking a partition that is not assigned is the consumer's IllegalStateException.
	e.wantError(e.do(http.MethodPost, path+"/positions", ctV2, []byte(`{"offsets":[{"topic":"as","partition":1,"offset":0}]}`)),
		409, 40903, "Illegal state: No current assignment for partition as-1")

	if resp := e.do(http.MethodPost, path+"/assignments", ctV2, []byte(`{"partitions":[{"topic":"as","partition":1}]}`)); resp.status != 204 {
		t.Fatalf("assign: %d %s", resp.status, resp.body)
	}
	resp := e.do(http.MethodGet, path+"/assignments", "", nil)
	if string(resp.body) != `{"partitions":[{"topic":"as","partition":1}]}` {
		t.Fatalf("assignments: %s", resp.body)
	}
	// Subscribing on top of an assignment is refused.
	e.wantError(e.do(http.MethodPost, path+"/subscription", ctV2, []byte(`{"topics":["as"]}`)),
		409, 40903, "Illegal state: Subscription to topics, partitions and pattern are mutually exclusive")

	first := e.pollRecords(path, ctBinary, 3)
	if string(first[2]["value"]) != `"eg=="` { // base64 of "z"
		t.Fatalf("third record %s", first[2]["value"])
	}
	if resp := e.do(http.MethodPost, path+"/positions", ctV2, []byte(`{"offsets":[{"topic":"as","partition":1,"offset":2}]}`)); resp.status != 204 {
		t.Fatalf("seek: %d %s", resp.status, resp.body)
	}
	again := e.pollRecords(path, ctBinary, 1)
	if string(again[0]["offset"]) != "2" {
		t.Fatalf("after seek read offset %s, want 2", again[0]["offset"])
	}
	if resp := e.do(http.MethodPost, path+"/positions/beginning", ctV2, []byte(`{"partitions":[{"topic":"as","partition":1}]}`)); resp.status != 204 {
		t.Fatalf("seek to beginning: %d %s", resp.status, resp.body)
	}
	again = e.pollRecords(path, ctBinary, 3)
	if string(again[0]["offset"]) != "0" {
		t.Fatalf("after seek to beginning read offset %s, want 0", again[0]["offset"])
	}
	if resp := e.do(http.MethodPost, path+"/positions/end", ctV2, []byte(`{"partitions":[{"topic":"as","partition":1}]}`)); resp.status != 204 {
		t.Fatalf("seek to end: %d %s", resp.status, resp.body)
	}
	e.produceRaw("as", 1, [2][]byte{nil, []byte("w")})
	again = e.pollRecords(path, ctBinary, 1)
	if string(again[0]["offset"]) != "3" {
		t.Fatalf("after seek to end read offset %s, want 3", again[0]["offset"])
	}
}

func TestConsumerRecordsAcceptMustMatchTheInstanceFormat(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("js", 1)
	e.produceRaw("js", 0, [2][]byte{[]byte(`{"id":7}`), []byte(`{"temp":1.5,"ok":true}`)})
	_, base := e.createConsumer("json-readers", `{"name":"j1","format":"json","auto.offset.reset":"earliest"}`)
	path := strings.TrimPrefix(base, e.server.URL)
	e.do(http.MethodPost, path+"/subscription", ctV2, []byte(`{"topics":["js"]}`))

	for _, accept := range []string{ctBinary, ctAvro, ""} {
		e.wantError(e.do(http.MethodGet, path+"/records", "", nil, "Accept", accept), 406, 40601,
			"The requested embedded data format does not match the deserializer for this consumer instance")
	}
	e.wantError(e.do(http.MethodGet, path+"/records", "", nil, "Accept", "text/html"), 406, 406, "HTTP 406 Not Acceptable")

	recs := e.pollRecords(path, ctJSON, 1)
	if string(recs[0]["key"]) != `{"id":7}` || string(recs[0]["value"]) != `{"temp":1.5,"ok":true}` {
		t.Fatalf("json record %s %s", recs[0]["key"], recs[0]["value"])
	}
}

func TestConsumerAvroRecordsAreDecodedThroughTheRegistry(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic(weatherTopic, 1)
	if resp := e.post(weatherTopic, ctAvro, weatherRequest(1700000000000, 21.5, "sunny")); resp.status != 200 {
		t.Fatalf("produce: %d %s", resp.status, resp.body)
	}
	_, base := e.createConsumer("avro-readers", `{"name":"a1","format":"avro","auto.offset.reset":"earliest"}`)
	path := strings.TrimPrefix(base, e.server.URL)
	e.do(http.MethodPost, path+"/subscription", ctV2, []byte(`{"topics":["`+weatherTopic+`"]}`))
	recs := e.pollRecords(path, ctAvro, 1)
	var key, value map[string]any
	if err := json.Unmarshal(recs[0]["key"], &key); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(recs[0]["value"], &value); err != nil {
		t.Fatal(err)
	}
	if key["timestamp"] != float64(1700000000000) || value["temperature"] != 21.5 || value["status"] != "sunny" {
		t.Fatalf("avro record key %v value %v", key, value)
	}
}

func TestConsumerReadWithoutSubscriptionFails(t *testing.T) {
	e := newEnv(t, envOptions{})
	_, base := e.createConsumer("idle", `{"name":"i1"}`)
	path := strings.TrimPrefix(base, e.server.URL)
	e.wantError(e.do(http.MethodGet, path+"/records", "", nil, "Accept", ctBinary), 500, 500,
		"Consumer is not subscribed to any topics or assigned any partitions")
}

func TestConsumerTopicPatternSubscribesMatchingTopics(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("pat-a", 1)
	e.createTopic("other", 1)
	e.produceRaw("pat-a", 0, [2][]byte{nil, []byte("1")})
	e.produceRaw("other", 0, [2][]byte{nil, []byte("2")})
	_, base := e.createConsumer("patterns", `{"name":"p1","auto.offset.reset":"earliest"}`)
	path := strings.TrimPrefix(base, e.server.URL)
	if resp := e.do(http.MethodPost, path+"/subscription", ctV2, []byte(`{"topic_pattern":"pat-.*"}`)); resp.status != 204 {
		t.Fatalf("subscribe: %d %s", resp.status, resp.body)
	}
	recs := e.pollRecords(path, ctBinary, 1)
	if string(recs[0]["topic"]) != `"pat-a"` {
		t.Fatalf("record from %s", recs[0]["topic"])
	}
	if resp := e.do(http.MethodDelete, path+"/subscription", "", nil); resp.status != 204 {
		t.Fatalf("unsubscribe: %d %s", resp.status, resp.body)
	}
	if resp := e.do(http.MethodGet, path+"/subscription", "", nil); string(resp.body) != `{"topics":[]}` {
		t.Fatalf("after unsubscribe: %s", resp.body)
	}
}

func TestConsumerIdleInstanceExpires(t *testing.T) {
	e := newEnv(t, envOptions{proxy: []Option{WithConsumerInstanceTimeout(500 * time.Millisecond)}})
	e.createTopic("exp", 1)
	e.createConsumer("exp", `{"name":"e1"}`)
	if resp := e.do(http.MethodPost, "/consumers/exp/instances/e1/subscription", ctV2, []byte(`{"topics":["exp"]}`)); resp.status != 204 {
		t.Fatalf("subscribe: %d %s", resp.status, resp.body)
	}
	// Watch the group from the broker's side, without touching the
	// instance: it joins, then leaves when the instance is destroyed.
	joined := false
	deadline := time.Now().Add(20 * time.Second)
	for {
		if time.Now().After(deadline) {
			t.Fatalf("instance did not expire (joined=%v)", joined)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		groups, err := e.admin.DescribeGroups(ctx, "exp")
		cancel()
		if err != nil {
			continue
		}
		n := len(groups["exp"].Members)
		if n > 0 {
			joined = true
		}
		if joined && n == 0 {
			break
		}
	}
	e.wantError(e.do(http.MethodGet, "/consumers/exp/instances/e1/subscription", "", nil), 404, 40403, "Consumer instance not found.")
}

func TestConsumerReadAbandonedByItsClientConsumesNothing(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("abandon", 1)
	e.produceRaw("abandon", 0, [2][]byte{nil, []byte("a")}, [2][]byte{nil, []byte("b")})
	_, base := e.createConsumer("abandoners", `{"name":"a1","auto.offset.reset":"earliest","consumer.request.timeout.ms":5000}`)
	path := strings.TrimPrefix(base, e.server.URL)
	e.do(http.MethodPost, path+"/subscription", ctV2, []byte(`{"topics":["abandon"]}`))

	// This client gives up long before the proxy's 5 s wait is over.
	impatient := &http.Client{Timeout: 300 * time.Millisecond}
	req, _ := http.NewRequest(http.MethodGet, e.server.URL+path+"/records", nil)
	req.Header.Set("Accept", ctBinary)
	if resp, err := impatient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("impatient read answered %d before the wait was over", resp.StatusCode)
	}

	recs := e.pollRecords(path, ctBinary, 2)
	if string(recs[0]["offset"]) != "0" || string(recs[1]["offset"]) != "1" {
		t.Fatalf("records after the abandoned read start at %s", recs[0]["offset"])
	}
}

func TestConsumerRecordTheFormatCannotReadIsAnErrorAndIsNotSkipped(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("poison", 1)
	e.produceRaw("poison", 0, [2][]byte{nil, []byte(`{"ok":1}`)}, [2][]byte{nil, []byte("not json")})
	_, base := e.createConsumer("poisoned", `{"name":"p1","format":"json","auto.offset.reset":"earliest","consumer.request.timeout.ms":500}`)
	path := strings.TrimPrefix(base, e.server.URL)
	e.do(http.MethodPost, path+"/subscription", ctV2, []byte(`{"topics":["poison"]}`))

	// Until both records have been fetched a read may succeed with the
	// first one; once it fails, it keeps failing: the record is not skipped.
	deadline := time.Now().Add(20 * time.Second)
	failures := 0
	for failures < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("saw %d failing reads", failures)
		}
		resp := e.do(http.MethodGet, path+"/records", "", nil, "Accept", ctJSON)
		if resp.status == http.StatusOK {
			if failures > 0 {
				t.Fatalf("read succeeded after a failure: %s", resp.body)
			}
			continue
		}
		code, _ := resp.apiErr(t)
		if resp.status != http.StatusRequestTimeout || code != 40801 {
			t.Fatalf("read: %d %s", resp.status, resp.body)
		}
		failures++
	}
}

// Closing the proxy ends a read waiting out a long consumer.request.timeout.ms
// instead of waiting for it (the test would hang to its timeout otherwise).
func TestCloseEndsWaitingConsumerReads(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("quiet", 1)
	_, base := e.createConsumer("waiters", `{"name":"w1","consumer.request.timeout.ms":600000}`)
	path := strings.TrimPrefix(base, e.server.URL)
	e.do(http.MethodPost, path+"/subscription", ctV2, []byte(`{"topics":["quiet"]}`))

	written := make(chan struct{})
	answered := make(chan int, 1)
	go func() {
		trace := &httptrace.ClientTrace{WroteRequest: func(httptrace.WroteRequestInfo) { close(written) }}
		req, _ := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), trace),
			http.MethodGet, e.server.URL+path+"/records?timeout=600000", nil)
		req.Header.Set("Accept", ctBinary)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			answered <- 0
			return
		}
		resp.Body.Close()
		answered <- resp.StatusCode
	}()
	<-written
	// Wait until the read holds the instance, i.e. is waiting for records.
	inst, apiErr := e.proxy.consumers.get("waiters", "w1")
	if apiErr != nil {
		t.Fatal(apiErr)
	}
	deadline := time.Now().Add(20 * time.Second)
	for inst.mu.TryLock() {
		inst.mu.Unlock()
		if time.Now().After(deadline) {
			t.Fatal("the read never started")
		}
	}
	if err := e.proxy.Close(); err != nil {
		t.Fatal(err)
	}
	if status := <-answered; status == http.StatusOK {
		t.Fatalf("read answered 200 after the proxy closed")
	}
}

func TestConsumerInstancesAreBounded(t *testing.T) {
	e := newEnv(t, envOptions{proxy: []Option{WithMaxConsumerInstances(2)}})
	e.createConsumer("g", `{"name":"one"}`)
	e.createConsumer("g", `{"name":"two"}`)
	resp := e.do(http.MethodPost, "/consumers/g", ctV2, []byte(`{"name":"three"}`))
	if code, _ := resp.apiErr(t); resp.status != http.StatusTooManyRequests || code != 42901 {
		t.Fatalf("third instance: %d %s", resp.status, resp.body)
	}
	// Deleting one makes room again.
	e.do(http.MethodDelete, "/consumers/g/instances/one", ctV2, nil)
	e.createConsumer("g", `{"name":"three"}`)
}

func TestConsumerSeekToTimestampStartsAtTheFirstRecordNotBefore(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("timed", 1)
	cl, err := kgo.NewClient(kgo.SeedBrokers(e.cluster.ListenAddrs()...), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	base := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for i := 0; i < 3; i++ {
		r := &kgo.Record{Topic: "timed", Value: []byte{byte('a' + i)}, Timestamp: base.Add(time.Duration(i) * time.Minute)}
		if err := cl.ProduceSync(ctx, r).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	_, uri := e.createConsumer("timers", `{"name":"t1","auto.offset.reset":"earliest","auto.commit.enable":"false"}`)
	path := strings.TrimPrefix(uri, e.server.URL)
	e.do(http.MethodPost, path+"/assignments", ctV2, []byte(`{"partitions":[{"topic":"timed","partition":0}]}`))
	e.pollRecords(path, ctBinary, 3)
	// 03:05:30 lies between the second (03:05:05) and third (03:06:05) record.
	seek := `{"timestamps":[{"topic":"timed","partition":0,"timestamp":"2026-01-02T03:05:30Z"}]}`
	if resp := e.do(http.MethodPost, path+"/positions", ctV2, []byte(seek)); resp.status != http.StatusNoContent {
		t.Fatalf("seek: %d %s", resp.status, resp.body)
	}
	recs := e.pollRecords(path, ctBinary, 1)
	if string(recs[0]["offset"]) != "2" {
		t.Fatalf("after timestamp seek read offset %s, want 2", recs[0]["offset"])
	}
}

// An Avro record whose array claims 2^31-1 items in six bytes, under a
// schema the registry holds, is a record the consumer cannot read (the
// 40801 answer any undecodable record gets, not skipped), not an
// allocation of 32 GiB that would end the process: the proxy keeps
// answering.
func TestConsumerAvroRecordClaimingMoreItemsThanItHoldsIsAnErrorAndTheProxyLives(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("claims", 1)
	schema := `{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"array","items":"long"}}]}`
	resp := e.post("claims", ctAvro, map[string]any{"value_schema": schema, "records": []map[string]any{{"value": map[string]any{"a": []any{1, 2}}}}})
	if resp.status != http.StatusOK {
		t.Fatalf("produce: %d %s", resp.status, resp.body)
	}
	var produced struct {
		ValueSchemaID int `json:"value_schema_id"`
	}
	resp.json(t, &produced)
	bomb := []byte{0, 0, 0, 0, 0}
	binary.BigEndian.PutUint32(bomb[1:], uint32(produced.ValueSchemaID))
	bomb = binary.AppendVarint(bomb, 1<<31-1) // the block count, then nothing
	e.produceRaw("claims", 0, [2][]byte{nil, bomb})

	_, base := e.createConsumer("claims-readers", `{"name":"c1","format":"avro","auto.offset.reset":"earliest","consumer.request.timeout.ms":500}`)
	path := strings.TrimPrefix(base, e.server.URL)
	e.do(http.MethodPost, path+"/subscription", ctV2, []byte(`{"topics":["claims"]}`))
	deadline := time.Now().Add(20 * time.Second)
	for {
		if time.Now().After(deadline) {
			t.Fatal("no failing read within 20 s")
		}
		resp := e.do(http.MethodGet, path+"/records", "", nil, "Accept", ctAvro)
		if resp.status == http.StatusOK {
			continue // the good record, or nothing fetched yet
		}
		code, msg := resp.apiErr(t)
		if resp.status != http.StatusRequestTimeout || code != 40801 {
			t.Fatalf("read: %d %s", resp.status, resp.body)
		}
		t.Logf("refused: %s", msg)
		break
	}
	if resp := e.do(http.MethodGet, "/topics", "", nil); resp.status != http.StatusOK {
		t.Fatalf("the proxy after the record: %d %s", resp.status, resp.body)
	}
}
