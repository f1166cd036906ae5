package restproxy

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/ctalab/ctalab/lab/topicname"
)

// v3 topics and partitions (kafka-rest resources/v3 TopicsResource.java,
// PartitionsResource.java); their configs are v3_configs.go's.

type topicData struct {
	Kind                   string       `json:"kind"`
	Metadata               resourceMeta `json:"metadata"`
	ClusterID              string       `json:"cluster_id"`
	TopicName              string       `json:"topic_name"`
	IsInternal             bool         `json:"is_internal"`
	ReplicationFactor      int          `json:"replication_factor"`
	PartitionsCount        int          `json:"partitions_count"`
	Partitions             related      `json:"partitions"`
	Configs                related      `json:"configs"`
	PartitionReassignments related      `json:"partition_reassignments"`
	AuthorizedOperations   []string     `json:"authorized_operations"`
}

func (c v3ctx) topicData(name string, internal bool, replication, partitions int) topicData {
	return topicData{
		Kind:                   "KafkaTopic",
		Metadata:               resourceMeta{Self: c.url("topics", name), ResourceName: c.crn("topic", name)},
		ClusterID:              c.cluster,
		TopicName:              name,
		IsInternal:             internal,
		ReplicationFactor:      replication,
		PartitionsCount:        partitions,
		Partitions:             related{c.url("topics", name, "partitions")},
		Configs:                related{c.url("topics", name, "configs")},
		PartitionReassignments: related{c.url("topics", name, "partitions", "-", "reassignment")},
		AuthorizedOperations:   []string{},
	}
}

func (c v3ctx) topicDetail(td kadm.TopicDetail) topicData {
	rf := 0
	if ps := td.Partitions.Sorted(); len(ps) > 0 {
		rf = len(ps[0].Replicas)
	}
	return c.topicData(td.Topic, td.IsInternal, rf, len(td.Partitions))
}

// describeTopic returns one topic, or the 404/40403 Kafka's admin client
// raises for an unknown one.
func (p *Proxy) describeTopic(c v3ctx, topic string) (kadm.TopicDetail, *apiError) {
	details, err := p.fetchTopics(requestContext(c), topic)
	if err != nil {
		return kadm.TopicDetail{}, kafkaAPIError(err, "")
	}
	td, ok := details[topic]
	if !ok {
		return kadm.TopicDetail{}, kafkaAPIError(kerr.UnknownTopicOrPartition, "")
	}
	if td.Err != nil {
		return kadm.TopicDetail{}, kafkaAPIError(td.Err, "")
	}
	return td, nil
}

func (p *Proxy) listTopicsV3(w http.ResponseWriter, c v3ctx) {
	details, err := p.fetchTopics(requestContext(c)) // Admin.listTopics() leaves internal topics out
	if err != nil {
		writeV3Error(w, kafkaAPIError(err, ""))
		return
	}
	data := []topicData{}
	for _, td := range details.Sorted() {
		if td.Err != nil {
			continue
		}
		data = append(data, c.topicDetail(td))
	}
	writeV3(w, http.StatusOK, c.list("KafkaTopicList", data, "topics"))
}

func (p *Proxy) getTopicV3(w http.ResponseWriter, c v3ctx) {
	td, e := p.describeTopic(c, c.r.PathValue("topic"))
	if e != nil {
		writeV3Error(w, e)
		return
	}
	writeV3(w, http.StatusOK, c.topicDetail(td))
}

type createTopicRequest struct {
	TopicName          *string `json:"topic_name"`
	PartitionsCount    *int32  `json:"partitions_count"`
	ReplicationFactor  *int16  `json:"replication_factor"`
	ReplicasAssignment []struct {
		PartitionID int32   `json:"partition_id"`
		BrokerIDs   []int32 `json:"broker_ids"`
	} `json:"replicas_assignments"`
	Configs []struct {
		Name  string  `json:"name"`
		Value *string `json:"value"`
	} `json:"configs"`
	ValidateOnly *bool `json:"validate_only"`
}

// createTopicV3 handles POST /v3/clusters/{cluster}/topics: 201 with the
// topic and a Location header, or 200 for validate_only.
func (p *Proxy) createTopicV3(w http.ResponseWriter, c v3ctx) {
	var req *createTopicRequest
	if e := p.decodeBody(w, c.r, &req); e != nil {
		writeV3Error(w, e)
		return
	}
	if req == nil {
		writeV3Error(w, newAPIError(http.StatusUnprocessableEntity, 42206, "Payload error. Request body is empty. Data is required."))
		return
	}
	if req.TopicName == nil {
		writeV3Error(w, newAPIError(http.StatusUnprocessableEntity, 42206, "Payload error. Request body is empty. Data is required."))
		return
	}
	name := *req.TopicName
	if !topicname.Valid(name) {
		writeV3Error(w, newAPIError(http.StatusUnprocessableEntity, 42206, "Payload error. Invalid topic name."))
		return
	}
	creq := kmsg.NewPtrCreateTopicsRequest()
	creq.TimeoutMillis = 30000
	creq.ValidateOnly = req.ValidateOnly != nil && *req.ValidateOnly
	t := kmsg.NewCreateTopicsRequestTopic()
	t.Topic, t.NumPartitions, t.ReplicationFactor = name, -1, -1
	if req.PartitionsCount != nil {
		t.NumPartitions = *req.PartitionsCount
	}
	if req.ReplicationFactor != nil {
		t.ReplicationFactor = *req.ReplicationFactor
	}
	if len(req.ReplicasAssignment) > 0 {
		t.NumPartitions, t.ReplicationFactor = -1, -1
		for _, a := range req.ReplicasAssignment {
			ra := kmsg.NewCreateTopicsRequestTopicReplicaAssignment()
			ra.Partition, ra.Replicas = a.PartitionID, a.BrokerIDs
			t.ReplicaAssignment = append(t.ReplicaAssignment, ra)
		}
	}
	for _, cfg := range req.Configs {
		tc := kmsg.NewCreateTopicsRequestTopicConfig()
		tc.Name, tc.Value = cfg.Name, cfg.Value
		t.Configs = append(t.Configs, tc)
	}
	creq.Topics = append(creq.Topics, t)
	resp, err := creq.RequestWith(requestContext(c), p.client)
	if err != nil {
		writeV3Error(w, kafkaAPIError(err, ""))
		return
	}
	if len(resp.Topics) != 1 {
		writeV3Error(w, httpError(http.StatusInternalServerError))
		return
	}
	rt := resp.Topics[0]
	if err := kerr.ErrorForCode(rt.ErrorCode); err != nil {
		msg := ""
		if rt.ErrorMessage != nil {
			msg = *rt.ErrorMessage
		}
		if errors.Is(err, kerr.TopicAlreadyExists) && msg == "" {
			msg = "Topic '" + name + "' already exists."
		}
		writeV3Error(w, kafkaAPIError(err, msg))
		return
	}
	p.client.PurgeTopicsFromClient(name) // drop any cached "unknown topic"
	p.adminCl.PurgeTopicsFromClient(name)
	rf := int(rt.ReplicationFactor)
	if req.ReplicationFactor != nil {
		rf = int(*req.ReplicationFactor)
	}
	data := c.topicData(name, false, rf, int(rt.NumPartitions))
	w.Header().Set("Location", data.Metadata.Self)
	status := http.StatusCreated
	if creq.ValidateOnly {
		status = http.StatusOK
	}
	writeV3(w, status, data)
}

func (p *Proxy) deleteTopicV3(w http.ResponseWriter, c v3ctx) {
	topic := c.r.PathValue("topic")
	resp, err := p.admin.DeleteTopics(requestContext(c), topic)
	if err != nil {
		writeV3Error(w, kafkaAPIError(err, ""))
		return
	}
	if r, ok := resp[topic]; ok && r.Err != nil {
		writeV3Error(w, kafkaAPIError(r.Err, r.ErrMessage))
		return
	}
	// The client caches topic metadata briefly; what this proxy deleted
	// must be gone from its next answer.
	p.client.PurgeTopicsFromClient(topic)
	p.adminCl.PurgeTopicsFromClient(topic)
	w.WriteHeader(http.StatusNoContent)
}

type partitionData struct {
	Kind        string       `json:"kind"`
	Metadata    resourceMeta `json:"metadata"`
	ClusterID   string       `json:"cluster_id"`
	TopicName   string       `json:"topic_name"`
	PartitionID int32        `json:"partition_id"`
	Leader      *related     `json:"leader,omitempty"`
	Replicas    related      `json:"replicas"`
	Reassign    related      `json:"reassignment"`
}

func (c v3ctx) partitionData(topic string, pd kadm.PartitionDetail) partitionData {
	id := strconv.Itoa(int(pd.Partition))
	d := partitionData{
		Kind:        "KafkaPartition",
		Metadata:    resourceMeta{Self: c.url("topics", topic, "partitions", id), ResourceName: c.crn("topic", topic, "partition", id)},
		ClusterID:   c.cluster,
		TopicName:   topic,
		PartitionID: pd.Partition,
		Replicas:    related{c.url("topics", topic, "partitions", id, "replicas")},
		Reassign:    related{c.url("topics", topic, "partitions", id, "reassignment")},
	}
	if pd.Leader >= 0 {
		d.Leader = &related{c.url("topics", topic, "partitions", id, "replicas", strconv.Itoa(int(pd.Leader)))}
	}
	return d
}

func (p *Proxy) listPartitions(w http.ResponseWriter, c v3ctx) {
	topic := c.r.PathValue("topic")
	td, e := p.describeTopic(c, topic)
	if e != nil {
		writeV3Error(w, e)
		return
	}
	data := []partitionData{}
	for _, pd := range td.Partitions.Sorted() {
		data = append(data, c.partitionData(topic, pd))
	}
	writeV3(w, http.StatusOK, c.list("KafkaPartitionList", data, "topics", topic, "partitions"))
}

func (p *Proxy) getPartition(w http.ResponseWriter, c v3ctx) {
	topic := c.r.PathValue("topic")
	id, err := strconv.ParseInt(c.r.PathValue("partition"), 10, 32)
	if err != nil {
		writeV3Error(w, notFound())
		return
	}
	td, e := p.describeTopic(c, topic)
	if e != nil {
		writeV3Error(w, e)
		return
	}
	pd, ok := td.Partitions[int32(id)]
	if !ok {
		writeV3Error(w, notFound())
		return
	}
	writeV3(w, http.StatusOK, c.partitionData(topic, pd))
}
