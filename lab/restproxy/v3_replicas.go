package restproxy

import (
	"net/http"
	"sort"
	"strconv"

	"github.com/twmb/franz-go/pkg/kadm"
)

// v3 partition replicas and consumer assignments (kafka-rest resources/v3
// ReplicasResource.java and ConsumerAssignmentsResource.java).

type replicaData struct {
	Kind        string       `json:"kind"`
	Metadata    resourceMeta `json:"metadata"`
	ClusterID   string       `json:"cluster_id"`
	TopicName   string       `json:"topic_name"`
	PartitionID int32        `json:"partition_id"`
	BrokerID    int32        `json:"broker_id"`
	IsLeader    bool         `json:"is_leader"`
	IsInSync    bool         `json:"is_in_sync"`
	Broker      related      `json:"broker"`
}

func (p *Proxy) replicas(c v3ctx) ([]replicaData, *apiError) {
	topic := c.r.PathValue("topic")
	id, err := strconv.ParseInt(c.r.PathValue("partition"), 10, 32)
	if err != nil {
		return nil, notFound()
	}
	td, e := p.describeTopic(c, topic)
	if e != nil {
		return nil, e
	}
	pd, ok := td.Partitions[int32(id)]
	if !ok {
		return nil, notFound()
	}
	isr := map[int32]bool{}
	for _, b := range pd.ISR {
		isr[b] = true
	}
	part := strconv.Itoa(int(pd.Partition))
	out := []replicaData{}
	for _, b := range pd.Replicas {
		broker := strconv.Itoa(int(b))
		out = append(out, replicaData{
			Kind:        "KafkaReplica",
			Metadata:    resourceMeta{Self: c.url("topics", topic, "partitions", part, "replicas", broker), ResourceName: c.crn("topic", topic, "partition", part, "replica", broker)},
			ClusterID:   c.cluster,
			TopicName:   topic,
			PartitionID: pd.Partition,
			BrokerID:    b,
			IsLeader:    b == pd.Leader,
			IsInSync:    isr[b],
			Broker:      related{c.url("brokers", broker)},
		})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].BrokerID < out[j].BrokerID })
	return out, nil
}

func (p *Proxy) listReplicas(w http.ResponseWriter, c v3ctx) {
	data, e := p.replicas(c)
	if e != nil {
		writeV3Error(w, e)
		return
	}
	writeV3(w, http.StatusOK, c.list("KafkaReplicaList", data, "topics", c.r.PathValue("topic"), "partitions", c.r.PathValue("partition"), "replicas"))
}

func (p *Proxy) getReplica(w http.ResponseWriter, c v3ctx) {
	data, e := p.replicas(c)
	if e != nil {
		writeV3Error(w, e)
		return
	}
	for _, d := range data {
		if strconv.Itoa(int(d.BrokerID)) == c.r.PathValue("broker") {
			writeV3(w, http.StatusOK, d)
			return
		}
	}
	writeV3Error(w, notFound())
}

type assignmentData struct {
	Kind            string       `json:"kind"`
	Metadata        resourceMeta `json:"metadata"`
	ClusterID       string       `json:"cluster_id"`
	ConsumerGroupID string       `json:"consumer_group_id"`
	ConsumerID      string       `json:"consumer_id"`
	TopicName       string       `json:"topic_name"`
	PartitionID     int32        `json:"partition_id"`
	Partition       related      `json:"partition"`
	Lag             related      `json:"lag"`
}

// assignments lists what the group gave one member; an unknown member is
// "Consumer <id> does not exist." (ConsumerAssignmentManagerImpl).
func (p *Proxy) assignments(c v3ctx) ([]assignmentData, *apiError) {
	g, e := p.group(c)
	if e != nil {
		return nil, e
	}
	consumer := c.r.PathValue("consumer")
	var member *kadm.DescribedGroupMember
	for i := range g.Members {
		if g.Members[i].MemberID == consumer {
			member = &g.Members[i]
		}
	}
	if member == nil {
		return nil, newAPIError(http.StatusNotFound, http.StatusNotFound, "Consumer %s does not exist.", consumer)
	}
	out := []assignmentData{}
	if a, ok := member.Assigned.AsConsumer(); ok {
		for _, t := range a.Topics {
			for _, part := range t.Partitions {
				ps := strconv.Itoa(int(part))
				out = append(out, assignmentData{
					Kind:            "KafkaConsumerAssignment",
					Metadata:        resourceMeta{Self: c.url("consumer-groups", g.Group, "consumers", consumer, "assignments", t.Topic, "partitions", ps), ResourceName: c.crn("consumer-group", g.Group, "consumer", consumer, "assignment", t.Topic, "partition", ps)},
					ClusterID:       c.cluster,
					ConsumerGroupID: g.Group,
					ConsumerID:      consumer,
					TopicName:       t.Topic,
					PartitionID:     part,
					Partition:       related{c.url("topics", t.Topic, "partitions", ps)},
					Lag:             related{c.url("consumer-groups", g.Group, "lags", t.Topic, "partitions", ps)},
				})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].TopicName != out[j].TopicName {
			return out[i].TopicName < out[j].TopicName
		}
		return out[i].PartitionID < out[j].PartitionID
	})
	return out, nil
}

func (p *Proxy) listAssignments(w http.ResponseWriter, c v3ctx) {
	data, e := p.assignments(c)
	if e != nil {
		writeV3Error(w, e)
		return
	}
	writeV3(w, http.StatusOK, c.list("KafkaConsumerAssignmentList", data, "consumer-groups", c.r.PathValue("group"), "consumers", c.r.PathValue("consumer"), "assignments"))
}

func (p *Proxy) getAssignment(w http.ResponseWriter, c v3ctx) {
	data, e := p.assignments(c)
	if e != nil {
		writeV3Error(w, e)
		return
	}
	for _, d := range data {
		if d.TopicName == c.r.PathValue("topic") && strconv.Itoa(int(d.PartitionID)) == c.r.PathValue("partition") {
			writeV3(w, http.StatusOK, d)
			return
		}
	}
	writeV3Error(w, notFound())
}
