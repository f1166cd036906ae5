package restproxy

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
)

// API v2 partition and broker resources (kafka-rest resources/v2
// PartitionsResource.java, ProduceToPartitionAction.java, BrokersResource.java).

func (p *Proxy) partitionRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /brokers", p.v2Only(p.listBrokersV2))
	mux.HandleFunc("GET /topics/{topic}/partitions", p.v2Only(p.listPartitionsV2))
	mux.HandleFunc("GET /topics/{topic}/partitions/{partition}", p.v2Only(p.getPartitionV2))
	mux.HandleFunc("GET /topics/{topic}/partitions/{partition}/offsets", p.v2Only(p.getPartitionOffsetsV2))
	mux.HandleFunc("POST /topics/{topic}/partitions/{partition}", p.produceToPartition)
}

func (p *Proxy) listBrokersV2(w http.ResponseWriter, r *http.Request) {
	meta, err := p.admin.Metadata(r.Context())
	if err != nil {
		writeError(w, kafkaAPIError(err, ""))
		return
	}
	ids := []int32{}
	for _, b := range meta.Brokers {
		ids = append(ids, b.NodeID)
	}
	writeJSON(w, http.StatusOK, map[string][]int32{"brokers": ids})
}

// localTopic describes a topic for the partition resources. For an unknown
// topic Kafka's Admin.describeTopics fails with
// UnknownTopicOrPartitionException, which KafkaExceptionMapper answers
// 404/40403.
func (p *Proxy) localTopic(w http.ResponseWriter, r *http.Request) (kadm.TopicDetail, bool) {
	topic := r.PathValue("topic")
	details, err := p.fetchTopics(r.Context(), topic)
	if err != nil {
		writeError(w, kafkaAPIError(err, ""))
		return kadm.TopicDetail{}, false
	}
	td, ok := details[topic]
	if !ok || errorsIsUnknownTopic(td.Err) {
		writeError(w, kafkaAPIError(kerr.UnknownTopicOrPartition, ""))
		return kadm.TopicDetail{}, false
	}
	if td.Err != nil {
		writeError(w, kafkaAPIError(td.Err, ""))
		return kadm.TopicDetail{}, false
	}
	return td, true
}

func errorsIsUnknownTopic(err error) bool {
	return errors.Is(err, kerr.UnknownTopicOrPartition)
}

func partitionResponseOf(pd kadm.PartitionDetail) partitionResponse {
	isr := make(map[int32]bool, len(pd.ISR))
	for _, b := range pd.ISR {
		isr[b] = true
	}
	pr := partitionResponse{Partition: pd.Partition, Leader: pd.Leader, Replicas: []replicaResponse{}}
	for _, b := range pd.Replicas {
		pr.Replicas = append(pr.Replicas, replicaResponse{Broker: b, Leader: b == pd.Leader, InSync: isr[b]})
	}
	return pr
}

func (p *Proxy) listPartitionsV2(w http.ResponseWriter, r *http.Request) {
	td, ok := p.localTopic(w, r)
	if !ok {
		return
	}
	out := []partitionResponse{}
	for _, pd := range td.Partitions.Sorted() {
		out = append(out, partitionResponseOf(pd))
	}
	writeJSON(w, http.StatusOK, out)
}

// pathPartition parses {partition}; Jersey answers 404 for a path
// parameter that is not an int.
func pathPartition(w http.ResponseWriter, r *http.Request) (int32, bool) {
	n, err := strconv.ParseInt(r.PathValue("partition"), 10, 32)
	if err != nil {
		writeError(w, httpError(http.StatusNotFound))
		return 0, false
	}
	return int32(n), true
}

func (p *Proxy) partitionDetail(w http.ResponseWriter, r *http.Request) (kadm.PartitionDetail, bool) {
	id, ok := pathPartition(w, r)
	if !ok {
		return kadm.PartitionDetail{}, false
	}
	td, ok := p.localTopic(w, r)
	if !ok {
		return kadm.PartitionDetail{}, false
	}
	pd, found := td.Partitions[id]
	if !found {
		writeError(w, newAPIError(http.StatusNotFound, 40402, "Partition not found."))
		return kadm.PartitionDetail{}, false
	}
	return pd, true
}

func (p *Proxy) getPartitionV2(w http.ResponseWriter, r *http.Request) {
	if pd, ok := p.partitionDetail(w, r); ok {
		writeJSON(w, http.StatusOK, partitionResponseOf(pd))
	}
}

func (p *Proxy) getPartitionOffsetsV2(w http.ResponseWriter, r *http.Request) {
	pd, ok := p.partitionDetail(w, r)
	if !ok {
		return
	}
	topic := r.PathValue("topic")
	starts, err := p.admin.ListStartOffsets(r.Context(), topic)
	if err != nil {
		writeError(w, kafkaAPIError(err, ""))
		return
	}
	ends, err := p.admin.ListEndOffsets(r.Context(), topic)
	if err != nil {
		writeError(w, kafkaAPIError(err, ""))
		return
	}
	s, sok := starts.Lookup(topic, pd.Partition)
	e, eok := ends.Lookup(topic, pd.Partition)
	if !sok || !eok || s.Err != nil || e.Err != nil {
		writeError(w, newAPIError(http.StatusNotFound, 40402, "Partition not found."))
		return
	}
	writeJSON(w, http.StatusOK, map[string]int64{"beginning_offset": s.Offset, "end_offset": e.Offset})
}

func (p *Proxy) produceToPartition(w http.ResponseWriter, r *http.Request) {
	id, ok := pathPartition(w, r)
	if !ok {
		return
	}
	p.produceTo(w, r, r.PathValue("topic"), &id)
}
