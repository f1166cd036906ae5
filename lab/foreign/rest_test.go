package foreign_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/ctalab/ctalab/lab/testtools"
	"github.com/twmb/franz-go/pkg/kgo"
)

// restRun is what testdata/*/rest.* print.
type restRun struct {
	CreateStatus int  `json:"create_status"`
	Listed       bool `json:"listed"`
	Produced     []struct {
		Status      int   `json:"status"`
		ErrorCode   int   `json:"error_code"`
		PartitionID int   `json:"partition_id"`
		Offset      int64 `json:"offset"`
	} `json:"produced"`
	InstanceStatus  int `json:"instance_status"`
	SubscribeStatus int `json:"subscribe_status"`
	Records         []struct {
		Topic     string          `json:"topic"`
		Key       json.RawMessage `json:"key"`
		Value     json.RawMessage `json:"value"`
		Partition int             `json:"partition"`
		Offset    int64           `json:"offset"`
	} `json:"records"`
	CommitStatus int `json:"commit_status"`
	Committed    *struct {
		Status  int `json:"status"`
		Offsets []struct {
			Topic     string `json:"topic"`
			Partition int    `json:"partition"`
			Offset    int64  `json:"offset"`
		} `json:"offsets"`
	} `json:"committed"`
	GroupState  string `json:"group_state"`
	TotalLag    int64  `json:"total_lag"`
	Lags        []lag  `json:"lags"`
	DeleteStat  int    `json:"delete_status"`
	AfterDelete struct {
		Status    int `json:"status"`
		ErrorCode int `json:"error_code"`
	} `json:"after_delete"`
}

type lag struct {
	TopicName     string `json:"topic_name"`
	PartitionID   int    `json:"partition_id"`
	CurrentOffset int64  `json:"current_offset"`
	LogEndOffset  int64  `json:"log_end_offset"`
	Lag           int64  `json:"lag"`
}

// compactJSON is JSON without insignificant spaces (a program may print
// what it decoded with its own spacing).
func compactJSON(b []byte) string {
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		return string(b)
	}
	return buf.String()
}

func randomName(prefix string) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// checkRESTRun holds a program's REST Proxy session to the CP 7.9 API
// reference (https://docs.confluent.io/platform/7.9/kafka-rest/api.html):
// v3 topic creation answers 201 and the topic is listed; each v3 record
// POST answers 200 with error_code 200 and the next offset; a v2 consumer
// instance is created (200), subscribes (204), gets the three records with
// their JSON keys and values, commits everything it got with an empty body
// (200); the v3 group is STABLE with lag 0 (log end 3 - committed 3);
// deleting the instance answers 204, after which it is 404 with 40403.
// A Go client then reads the same three records from the topic.
func checkRESTRun(t *testing.T, client string, got restRun, topic string) {
	t.Helper()
	if got.CreateStatus != 201 || !got.Listed {
		t.Errorf("%s: v3 create %d, listed %v; want 201, listed", client, got.CreateStatus, got.Listed)
	}
	if len(got.Produced) != 3 {
		t.Fatalf("%s: %d v3 records answers, want 3", client, len(got.Produced))
	}
	for i, p := range got.Produced {
		if p.Status != 200 || p.ErrorCode != 200 || p.PartitionID != 0 || p.Offset != int64(i) {
			t.Errorf("%s: v3 record %d answered %+v, want 200, error_code 200, partition 0, offset %d", client, i, p, i)
		}
	}
	if got.InstanceStatus != 200 || got.SubscribeStatus != 204 {
		t.Errorf("%s: v2 create instance %d, subscribe %d; want 200, 204", client, got.InstanceStatus, got.SubscribeStatus)
	}
	if len(got.Records) != 3 {
		t.Fatalf("%s: v2 consumer got %d records, want 3", client, len(got.Records))
	}
	for i, r := range got.Records {
		wantKey, wantValue := `"k`+string(rune('0'+i))+`"`, `{"n":`+string(rune('0'+i))+`}`
		key, value := compactJSON(r.Key), compactJSON(r.Value)
		if r.Topic != topic || r.Partition != 0 || r.Offset != int64(i) || key != wantKey || value != wantValue {
			t.Errorf("%s: v2 record %d = %s/%d@%d %s=%s, want %s/0@%d %s=%s", client, i, r.Topic, r.Partition, r.Offset, key, value, topic, i, wantKey, wantValue)
		}
	}
	if got.CommitStatus != 200 {
		t.Errorf("%s: v2 commit answered %d, want 200", client, got.CommitStatus)
	}
	if got.Committed != nil {
		if got.Committed.Status != 200 || len(got.Committed.Offsets) != 1 || got.Committed.Offsets[0].Offset != 3 {
			t.Errorf("%s: v2 committed offsets %+v, want 200 with offset 3 for partition 0", client, *got.Committed)
		}
	}
	if got.GroupState != "STABLE" || got.TotalLag != 0 {
		t.Errorf("%s: v3 group state %s, total lag %d; want STABLE, 0", client, got.GroupState, got.TotalLag)
	}
	if want := []lag{{topic, 0, 3, 3, 0}}; !reflect.DeepEqual(got.Lags, want) {
		t.Errorf("%s: v3 lags %+v, want %+v", client, got.Lags, want)
	}
	if got.DeleteStat != 204 || got.AfterDelete.Status != 404 || got.AfterDelete.ErrorCode != 40403 {
		t.Errorf("%s: v2 delete %d, then records %+v; want 204, then 404 with 40403", client, got.DeleteStat, got.AfterDelete)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cl, err := kgo.NewClient(kgo.SeedBrokers(pipelineStack(t).Endpoints().Brokers...),
		kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{topic: {0: kgo.NewOffset().AtStart()}}))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var kvs []string
	for len(kvs) < 3 {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatalf("franz-go read %v from %s, want 3 records", kvs, topic)
		}
		fs.EachRecord(func(r *kgo.Record) { kvs = append(kvs, string(r.Key)+"="+string(r.Value)) })
	}
	if want := []string{`"k0"={"n":0}`, `"k1"={"n":1}`, `"k2"={"n":2}`}; !reflect.DeepEqual(kvs, want) {
		t.Errorf("franz-go read %v from %s, want %v", kvs, topic, want)
	}
}

// TestNodeProgramProducesAndConsumesThroughRESTProxyV2AndV3 runs a
// Node.js program that speaks to the REST Proxy with fetch only.
func TestNodeProgramProducesAndConsumesThroughRESTProxyV2AndV3(t *testing.T) {
	node := testtools.Program(t, "node")
	topic, group := randomName("node-rest-"), randomName("node-rest-group-")
	var got restRun
	runJSON(t, &got, nil, node, "testdata/node/rest.js", pipelineStack(t).Endpoints().RESTProxy, topic, group)
	checkRESTRun(t, "node", got, topic)
}

// TestPythonProgramProducesAndConsumesThroughRESTProxyV2AndV3 runs a
// Python program that speaks to the REST Proxy with urllib only, and also
// reads its committed offsets back through v2.
func TestPythonProgramProducesAndConsumesThroughRESTProxyV2AndV3(t *testing.T) {
	py := testtools.Program(t, "/usr/bin/python3")
	topic, group := randomName("python-rest-"), randomName("python-rest-group-")
	var got restRun
	runJSON(t, &got, nil, py, "testdata/python/rest.py", pipelineStack(t).Endpoints().RESTProxy, topic, group)
	if got.Committed == nil {
		t.Fatal("the Python program reported no committed offsets")
	}
	checkRESTRun(t, "python", got, topic)
}
