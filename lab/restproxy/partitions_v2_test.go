package restproxy

import (
	"net/http"
	"testing"
)

// Specs for the v2 partition and broker resources
// (https://docs.confluent.io/platform/7.9/kafka-rest/api.html#partitions-v2,
// #brokers-v2).

func TestV2PartitionsBrokersAndProduceToPartition(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("parts", 2)

	if resp := e.do(http.MethodGet, "/brokers", "", nil); resp.status != 200 || string(resp.body) != `{"brokers":[0]}` {
		t.Fatalf("brokers: %d %s", resp.status, resp.body)
	}
	resp := e.do(http.MethodGet, "/topics/parts/partitions/1", "", nil)
	if resp.status != 200 || string(resp.body) != `{"partition":1,"leader":0,"replicas":[{"broker":0,"leader":true,"in_sync":true}]}` {
		t.Fatalf("partition: %d %s", resp.status, resp.body)
	}
	var list []partitionResponse
	e.do(http.MethodGet, "/topics/parts/partitions", "", nil).json(t, &list)
	if len(list) != 2 || list[0].Partition != 0 || list[1].Partition != 1 {
		t.Fatalf("partitions: %+v", list)
	}

	resp = e.do(http.MethodPost, "/topics/parts/partitions/1", ctBinary, []byte(`{"records":[{"value":"YQ=="},{"value":"Yg=="}]}`))
	if resp.status != 200 || string(resp.body) != `{"offsets":[{"partition":1,"offset":0,"error_code":null,"error":null},{"partition":1,"offset":1,"error_code":null,"error":null}],"key_schema_id":null,"value_schema_id":null}` {
		t.Fatalf("produce to partition: %d %s", resp.status, resp.body)
	}
	if got := e.endOffsets("parts"); got[0] != 0 || got[1] != 2 {
		t.Fatalf("end offsets %v", got)
	}
	if resp := e.do(http.MethodGet, "/topics/parts/partitions/1/offsets", "", nil); string(resp.body) != `{"beginning_offset":0,"end_offset":2}` {
		t.Fatalf("offsets: %d %s", resp.status, resp.body)
	}

	e.wantError(e.do(http.MethodGet, "/topics/parts/partitions/7", "", nil), 404, 40402, "Partition not found.")
	e.wantError(e.do(http.MethodGet, "/topics/none/partitions", "", nil), 404, 40403, "This server does not host this topic-partition.")
}
