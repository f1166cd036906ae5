package restproxy

import (
	"errors"
	"net/http"

	"github.com/twmb/franz-go/pkg/kerr"
)

type topicResponse struct {
	Name       string              `json:"name"`
	Configs    map[string]*string  `json:"configs"`
	Partitions []partitionResponse `json:"partitions"`
}

type partitionResponse struct {
	Partition int32             `json:"partition"`
	Leader    int32             `json:"leader"`
	Replicas  []replicaResponse `json:"replicas"`
}

type replicaResponse struct {
	Broker int32 `json:"broker"`
	Leader bool  `json:"leader"`
	InSync bool  `json:"in_sync"`
}

// listTopics handles GET /topics: every non-internal topic name, sorted.
func (p *Proxy) listTopics(w http.ResponseWriter, r *http.Request) {
	details, err := p.fetchTopics(r.Context())
	if err != nil {
		writeError(w, newAPIError(http.StatusInternalServerError, codeKafkaError, "%s", err))
		return
	}
	names := details.Names()
	if names == nil {
		names = []string{}
	}
	writeJSON(w, http.StatusOK, names)
}

// getTopic handles GET /topics/{topic}: name, configs and partitions, or
// 404/40401 for a topic the broker does not have.
func (p *Proxy) getTopic(w http.ResponseWriter, r *http.Request, topic string) {
	if !acceptsV2(r.Header.Get("Accept")) {
		writeError(w, httpError(http.StatusNotAcceptable))
		return
	}
	ctx := r.Context()
	details, err := p.fetchTopics(ctx, topic)
	if err != nil {
		writeError(w, newAPIError(http.StatusInternalServerError, codeKafkaError, "%s", err))
		return
	}
	td, ok := details[topic]
	if !ok || errors.Is(td.Err, kerr.UnknownTopicOrPartition) {
		writeError(w, topicNotFound())
		return
	}
	if td.Err != nil {
		writeError(w, newAPIError(http.StatusInternalServerError, codeKafkaError, "%s", td.Err))
		return
	}
	resp := topicResponse{Name: topic, Configs: map[string]*string{}, Partitions: []partitionResponse{}}
	rcs, err := p.admin.DescribeTopicConfigs(ctx, topic)
	if err != nil {
		writeError(w, newAPIError(http.StatusInternalServerError, codeKafkaError, "%s", err))
		return
	}
	for _, rc := range rcs {
		if rc.Err != nil {
			continue
		}
		for _, c := range rc.Configs {
			resp.Configs[c.Key] = c.Value
		}
	}
	for _, pd := range td.Partitions.Sorted() {
		isr := make(map[int32]bool, len(pd.ISR))
		for _, b := range pd.ISR {
			isr[b] = true
		}
		pr := partitionResponse{Partition: pd.Partition, Leader: pd.Leader, Replicas: []replicaResponse{}}
		for _, b := range pd.Replicas {
			pr.Replicas = append(pr.Replicas, replicaResponse{Broker: b, Leader: b == pd.Leader, InSync: isr[b]})
		}
		resp.Partitions = append(resp.Partitions, pr)
	}
	writeJSON(w, http.StatusOK, resp)
}
