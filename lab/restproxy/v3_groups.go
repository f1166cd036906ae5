package restproxy

import (
	"errors"
	"net/http"
	"sort"
	"strconv"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
)

// v3 consumer groups, their consumers and lags (kafka-rest resources/v3
// ConsumerGroupsResource.java, ConsumersResource.java, ConsumerLagsResource.java,
// ConsumerGroupLagSummariesResource.java and the managers in controllers/).

type groupData struct {
	Kind              string       `json:"kind"`
	Metadata          resourceMeta `json:"metadata"`
	ClusterID         string       `json:"cluster_id"`
	ConsumerGroupID   string       `json:"consumer_group_id"`
	IsSimple          bool         `json:"is_simple"`
	PartitionAssignor string       `json:"partition_assignor"`
	State             string       `json:"state"`
	Coordinator       related      `json:"coordinator"`
	Consumers         related      `json:"consumers"`
	LagSummary        related      `json:"lag_summary"`
}

// groupState names a group state as Kafka's ConsumerGroupState enum does.
func groupState(s string) string {
	switch s {
	case "Stable":
		return "STABLE"
	case "Empty":
		return "EMPTY"
	case "Dead":
		return "DEAD"
	case "PreparingRebalance":
		return "PREPARING_REBALANCE"
	case "CompletingRebalance":
		return "COMPLETING_REBALANCE"
	}
	return "UNKNOWN"
}

func (c v3ctx) groupData(g kadm.DescribedGroup) groupData {
	return groupData{
		Kind:              "KafkaConsumerGroup",
		Metadata:          resourceMeta{Self: c.url("consumer-groups", g.Group), ResourceName: c.crn("consumer-group", g.Group)},
		ClusterID:         c.cluster,
		ConsumerGroupID:   g.Group,
		IsSimple:          g.ProtocolType == "",
		PartitionAssignor: g.Protocol,
		State:             groupState(g.State),
		Coordinator:       related{c.url("brokers", strconv.Itoa(int(g.Coordinator.NodeID)))},
		Consumers:         related{c.url("consumer-groups", g.Group, "consumers")},
		LagSummary:        related{c.url("consumer-groups", g.Group, "lag-summary")},
	}
}

// describeGroups describes groups, leaving out what Kafka's admin client
// reports for an unknown id (a dead group without a protocol type), as
// kafka-rest's ConsumerGroupManagerImpl does.
func (p *Proxy) describeGroups(c v3ctx, ids ...string) ([]kadm.DescribedGroup, *apiError) {
	described, err := p.admin.DescribeGroups(requestContext(c), ids...)
	if err != nil && !errors.Is(err, kerr.GroupIDNotFound) {
		return nil, kafkaAPIError(err, "")
	}
	var out []kadm.DescribedGroup
	for _, g := range described.Sorted() {
		if errors.Is(g.Err, kerr.GroupIDNotFound) {
			continue
		}
		if g.Err != nil {
			return nil, kafkaAPIError(g.Err, g.ErrMessage)
		}
		if g.ProtocolType == "" && g.State == "Dead" {
			continue
		}
		out = append(out, g)
	}
	return out, nil
}

func (p *Proxy) group(c v3ctx) (kadm.DescribedGroup, *apiError) {
	gs, e := p.describeGroups(c, c.r.PathValue("group"))
	if e != nil {
		return kadm.DescribedGroup{}, e
	}
	if len(gs) == 0 {
		return kadm.DescribedGroup{}, notFound()
	}
	return gs[0], nil
}

func (p *Proxy) listGroups(w http.ResponseWriter, c v3ctx) {
	listed, err := p.admin.ListGroups(requestContext(c))
	if err != nil {
		writeV3Error(w, kafkaAPIError(err, ""))
		return
	}
	data := []groupData{}
	if names := listed.Groups(); len(names) > 0 {
		gs, e := p.describeGroups(c, names...)
		if e != nil {
			writeV3Error(w, e)
			return
		}
		for _, g := range gs {
			data = append(data, c.groupData(g))
		}
	}
	writeV3(w, http.StatusOK, c.list("KafkaConsumerGroupList", data, "consumer-groups"))
}

func (p *Proxy) getGroup(w http.ResponseWriter, c v3ctx) {
	g, e := p.group(c)
	if e != nil {
		writeV3Error(w, e)
		return
	}
	writeV3(w, http.StatusOK, c.groupData(g))
}

type consumerData struct {
	Kind            string       `json:"kind"`
	Metadata        resourceMeta `json:"metadata"`
	ClusterID       string       `json:"cluster_id"`
	ConsumerGroupID string       `json:"consumer_group_id"`
	ConsumerID      string       `json:"consumer_id"`
	InstanceID      *string      `json:"instance_id"`
	ClientID        string       `json:"client_id"`
	Assignments     related      `json:"assignments"`
}

func (c v3ctx) consumerData(group string, m kadm.DescribedGroupMember) consumerData {
	return consumerData{
		Kind:            "KafkaConsumer",
		Metadata:        resourceMeta{Self: c.url("consumer-groups", group, "consumers", m.MemberID), ResourceName: c.crn("consumer-group", group, "consumer", m.MemberID)},
		ClusterID:       c.cluster,
		ConsumerGroupID: group,
		ConsumerID:      m.MemberID,
		InstanceID:      m.InstanceID,
		ClientID:        m.ClientID,
		Assignments:     related{c.url("consumer-groups", group, "consumers", m.MemberID, "assignments")},
	}
}

func (p *Proxy) listGroupConsumers(w http.ResponseWriter, c v3ctx) {
	g, e := p.group(c)
	if e != nil {
		writeV3Error(w, e)
		return
	}
	data := []consumerData{}
	for _, m := range g.Members {
		data = append(data, c.consumerData(g.Group, m))
	}
	sort.Slice(data, func(i, j int) bool { return data[i].ConsumerID < data[j].ConsumerID })
	writeV3(w, http.StatusOK, c.list("KafkaConsumerList", data, "consumer-groups", g.Group, "consumers"))
}

func (p *Proxy) getGroupConsumer(w http.ResponseWriter, c v3ctx) {
	g, e := p.group(c)
	if e != nil {
		writeV3Error(w, e)
		return
	}
	for _, m := range g.Members {
		if m.MemberID == c.r.PathValue("consumer") {
			writeV3(w, http.StatusOK, c.consumerData(g.Group, m))
			return
		}
	}
	writeV3Error(w, notFound())
}

type lagData struct {
	Kind            string       `json:"kind"`
	Metadata        resourceMeta `json:"metadata"`
	ClusterID       string       `json:"cluster_id"`
	ConsumerGroupID string       `json:"consumer_group_id"`
	TopicName       string       `json:"topic_name"`
	PartitionID     int32        `json:"partition_id"`
	ConsumerID      string       `json:"consumer_id"`
	InstanceID      *string      `json:"instance_id"`
	ClientID        string       `json:"client_id"`
	CurrentOffset   int64        `json:"current_offset"`
	LogEndOffset    int64        `json:"log_end_offset"`
	Lag             int64        `json:"lag"`
}

// lags computes, for every partition the group has committed an offset
// for, the committed offset, the end offset and their difference, with
// the member the partition is assigned to ("" when none).
func (p *Proxy) lags(c v3ctx) ([]lagData, *apiError) {
	groupName := c.r.PathValue("group")
	gs, e := p.describeGroups(c, groupName)
	if e != nil {
		return nil, e
	}
	if len(gs) == 0 {
		return nil, newAPIError(http.StatusNotFound, http.StatusNotFound, "Consumer Group %s could not be found.", groupName)
	}
	g := gs[0]
	owner := map[topicPartition]kadm.DescribedGroupMember{}
	for _, m := range g.Members {
		if a, ok := m.Assigned.AsConsumer(); ok {
			for _, t := range a.Topics {
				for _, part := range t.Partitions {
					owner[topicPartition{t.Topic, part}] = m
				}
			}
		}
	}
	ctx := requestContext(c)
	committed, err := p.admin.FetchOffsets(ctx, groupName)
	if err != nil && !errors.Is(err, kerr.GroupIDNotFound) {
		return nil, kafkaAPIError(err, "")
	}
	var topics []string
	seen := map[string]bool{}
	committed.Each(func(o kadm.OffsetResponse) {
		if o.Err == nil && o.At >= 0 && !seen[o.Topic] {
			seen[o.Topic] = true
			topics = append(topics, o.Topic)
		}
	})
	if len(topics) == 0 {
		return nil, newAPIError(http.StatusNotFound, http.StatusNotFound, "Consumer group offsets could not be found.")
	}
	ends, err := p.admin.ListCommittedOffsets(ctx, topics...) // read_committed, as kafka-rest asks
	if err != nil {
		return nil, kafkaAPIError(err, "")
	}
	out := []lagData{}
	committed.Each(func(o kadm.OffsetResponse) {
		if o.Err != nil || o.At < 0 {
			return
		}
		end, ok := ends.Lookup(o.Topic, o.Partition)
		if !ok || end.Err != nil {
			return
		}
		part := strconv.Itoa(int(o.Partition))
		d := lagData{
			Kind:            "KafkaConsumerLag",
			Metadata:        resourceMeta{Self: c.url("consumer-groups", groupName, "lags", o.Topic, "partitions", part), ResourceName: c.crn("consumer-group", groupName, "lag", o.Topic, "partition", part)},
			ClusterID:       c.cluster,
			ConsumerGroupID: groupName,
			TopicName:       o.Topic,
			PartitionID:     o.Partition,
			CurrentOffset:   o.At,
			LogEndOffset:    end.Offset,
			Lag:             end.Offset - o.At,
		}
		if m, ok := owner[topicPartition{o.Topic, o.Partition}]; ok {
			d.ConsumerID, d.InstanceID, d.ClientID = m.MemberID, m.InstanceID, m.ClientID
		}
		out = append(out, d)
	})
	sort.Slice(out, func(i, j int) bool {
		if out[i].TopicName != out[j].TopicName {
			return out[i].TopicName < out[j].TopicName
		}
		return out[i].PartitionID < out[j].PartitionID
	})
	return out, nil
}

func (p *Proxy) listLags(w http.ResponseWriter, c v3ctx) {
	data, e := p.lags(c)
	if e != nil {
		writeV3Error(w, e)
		return
	}
	writeV3(w, http.StatusOK, c.list("KafkaConsumerLagList", data, "consumer-groups", c.r.PathValue("group"), "lags"))
}

func (p *Proxy) getLag(w http.ResponseWriter, c v3ctx) {
	data, e := p.lags(c)
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

type lagSummaryData struct {
	Kind              string       `json:"kind"`
	Metadata          resourceMeta `json:"metadata"`
	ClusterID         string       `json:"cluster_id"`
	ConsumerGroupID   string       `json:"consumer_group_id"`
	MaxLagConsumerID  string       `json:"max_lag_consumer_id"`
	MaxLagInstanceID  *string      `json:"max_lag_instance_id"`
	MaxLagClientID    string       `json:"max_lag_client_id"`
	MaxLagTopicName   string       `json:"max_lag_topic_name"`
	MaxLagPartitionID int32        `json:"max_lag_partition_id"`
	MaxLag            int64        `json:"max_lag"`
	TotalLag          int64        `json:"total_lag"`
	MaxLagConsumer    related      `json:"max_lag_consumer"`
	MaxLagPartition   related      `json:"max_lag_partition"`
}

func (p *Proxy) getLagSummary(w http.ResponseWriter, c v3ctx) {
	data, e := p.lags(c)
	if e != nil {
		writeV3Error(w, e)
		return
	}
	if len(data) == 0 {
		writeV3Error(w, newAPIError(http.StatusNotFound, http.StatusNotFound, "Consumer group offsets could not be found."))
		return
	}
	group := c.r.PathValue("group")
	var total int64
	max := data[0]
	for _, d := range data {
		total += d.Lag
		if d.Lag > max.Lag {
			max = d
		}
	}
	part := strconv.Itoa(int(max.PartitionID))
	writeV3(w, http.StatusOK, lagSummaryData{
		Kind:              "KafkaConsumerGroupLagSummary",
		Metadata:          resourceMeta{Self: c.url("consumer-groups", group, "lag-summary"), ResourceName: c.crn("consumer-group", group, "lag-summary", "")},
		ClusterID:         c.cluster,
		ConsumerGroupID:   group,
		MaxLagConsumerID:  max.ConsumerID,
		MaxLagInstanceID:  max.InstanceID,
		MaxLagClientID:    max.ClientID,
		MaxLagTopicName:   max.TopicName,
		MaxLagPartitionID: max.PartitionID,
		MaxLag:            max.Lag,
		TotalLag:          total,
		MaxLagConsumer:    related{c.url("consumer-groups", group, "consumers", max.ConsumerID)},
		MaxLagPartition:   related{c.url("topics", max.TopicName, "partitions", part)},
	})
}
