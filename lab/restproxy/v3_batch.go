package restproxy

import (
	"encoding/json"
	"net/http"
)

// POST /v3/clusters/{cluster}/topics/{topic}/records:batch, as kafka-rest's
// resources/v3/ProduceBatchAction.java serves it: up to
// api.v3.produce.batch.maximum.entries (default 10) entries with distinct
// string ids, answered 207 Multi-Status with the successes and failures,
// each in entry order.

const produceBatchMaxEntries = 10

type v3BatchRequest struct {
	Entries []v3BatchEntry `json:"entries"`
}

type v3BatchEntry struct {
	ID json.RawMessage `json:"id"`
	v3ProduceRecord
}

type v3BatchSuccess struct {
	ID          string             `json:"id"`
	ClusterID   string             `json:"cluster_id"`
	TopicName   string             `json:"topic_name"`
	PartitionID int32              `json:"partition_id"`
	Offset      int64              `json:"offset"`
	Timestamp   string             `json:"timestamp"`
	Key         *v3ProduceDataInfo `json:"key,omitempty"`
	Value       *v3ProduceDataInfo `json:"value,omitempty"`
}

type v3BatchFailure struct {
	ID        string `json:"id"`
	ErrorCode int    `json:"error_code"`
	Message   string `json:"message"`
}

// produceBatchErrorCode is Errors.PRODUCE_BATCH_EXCEPTION_ERROR_CODE.
const produceBatchErrorCode = 42208

func batchError(msg string) *apiError {
	return newAPIError(http.StatusUnprocessableEntity, produceBatchErrorCode, "%s", msg)
}

func (p *Proxy) produceBatchV3(w http.ResponseWriter, c v3ctx) {
	body, e := p.readBody(w, c.r)
	if e != nil {
		writeV3Error(w, e)
		return
	}
	req, e := decodeBatchRequest(body)
	if e != nil {
		writeV3Error(w, e)
		return
	}
	if req == nil {
		writeV3Error(w, batchError("Request body is empty. Data is required."))
		return
	}
	ids := make([]string, len(req.Entries))
	seen := map[string]bool{}
	for i, e := range req.Entries {
		var id string
		_ = json.Unmarshal(e.ID, &id) // a string: bindBatchEntry checked it
		if seen[id] {
			writeV3Error(w, batchError("Batch entry IDs are not distinct."))
			return
		}
		seen[id] = true
		ids[i] = id
	}
	if len(req.Entries) == 0 {
		writeV3Error(w, batchError("Empty batch."))
		return
	}
	if len(req.Entries) > produceBatchMaxEntries {
		writeV3Error(w, batchError("Too many entries in batch."))
		return
	}
	topic := c.r.PathValue("topic")
	successes, failures := []v3BatchSuccess{}, []v3BatchFailure{}
	for i, e := range req.Entries {
		res, apiErr := p.produceOne(c, topic, e.v3ProduceRecord)
		if apiErr != nil {
			failures = append(failures, v3BatchFailure{ID: ids[i], ErrorCode: apiErr.Code, Message: apiErr.Message})
			continue
		}
		successes = append(successes, v3BatchSuccess{
			ID: ids[i], ClusterID: res.ClusterID, TopicName: res.TopicName, PartitionID: res.PartitionID,
			Offset: res.Offset, Timestamp: res.Timestamp, Key: res.Key, Value: res.Value,
		})
	}
	writeV3(w, http.StatusMultiStatus, map[string]any{"successes": successes, "failures": failures})
}
