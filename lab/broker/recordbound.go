package broker

import (
	"context"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// The KRaft controller writes the metadata records of one request in one
// atomic batch of at most QuorumController.MAX_RECORDS_PER_USER_OP records
// (MAX_RECORDS_PER_BATCH, 10000, apache/kafka 3.9
// metadata/src/main/java/org/apache/kafka/controller/QuorumController.java),
// collected in a BoundedList that throws BoundedListTooLongException on the
// next one (ReplicationControlManager.createTopics, createPartitions). The
// compose file's Kafka runs KRaft, so a request asking for more partitions
// than that is refused there, where kfake would make every one of them (a
// client asking for two million partitions had the broker hold 1.8 GB and
// make four million files):
//
//   - CreateTopics counts a TopicRecord, one ConfigRecord per config and one
//     PartitionRecord per partition of each new topic; past the bound the
//     exception leaves createTopics (only ApiExceptions are caught per
//     topic), EventHandlerExceptionInfo makes it a PolicyViolationException
//     "Unable to perform excessively large batch operation.", and
//     CreateTopicsRequest.getErrorResponse gives every topic of the request
//     POLICY_VIOLATION with that message; nothing is created.
//   - CreatePartitions counts one PartitionRecord per new partition; there
//     the exception is caught per topic (catch Exception), so the topic whose
//     partitions pass the bound keeps those added before it, the atomic
//     batch commits them, and that topic and every later one that adds
//     partitions are answered UNKNOWN_SERVER_ERROR without a message
//     (ApiError.fromThrowable keeps none for it).
const maxRecordsPerUserOp = 10000

// excessivelyLarge is the PolicyViolationException's message.
const excessivelyLarge = "Unable to perform excessively large batch operation."

// selfAdmin is the broker's admin client of itself, nil when it has none
// (a protocol without the broker) or it is closed.
func (p *protocol) selfAdmin() *kadm.Client {
	if p.codecs == nil {
		return nil
	}
	return p.codecs.adminClient()
}

// selfAskTimeout bounds a question the broker asks itself.
const selfAskTimeout = 10 * time.Second

// partitionCounts asks the cluster how many partitions each of topics has;
// a topic it does not list is absent. It answers nil when it cannot ask.
func (p *protocol) partitionCounts(topics []string) map[string]int32 {
	admin := p.selfAdmin()
	if admin == nil || len(topics) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), selfAskTimeout)
	defer cancel()
	listed, err := admin.ListTopics(ctx, topics...)
	if err != nil {
		return nil
	}
	counts := make(map[string]int32, len(listed))
	for _, t := range listed {
		if t.Err == nil {
			counts[t.Topic] = int32(len(t.Partitions))
		}
	}
	return counts
}

// createTopicsRecords counts the records the controller would write for
// topics, leaving out those that exist (answered TOPIC_ALREADY_EXISTS
// before any record). The cluster is asked only when the count of them
// all passes the bound; when it cannot tell, every topic counts.
func (p *protocol) createTopicsRecords(topics []kmsg.CreateTopicsRequestTopic) int {
	count := func(existing map[string]int32) int {
		n := 0
		for _, t := range topics {
			if _, ok := existing[t.Topic]; ok {
				continue
			}
			configs := map[string]bool{}
			for _, c := range t.Configs {
				configs[c.Name] = true
			}
			n += 1 + len(configs) + int(requestedPartitions(t))
		}
		return n
	}
	n := count(nil)
	if n <= maxRecordsPerUserOp {
		return n
	}
	names := make([]string, len(topics))
	for i, t := range topics {
		names[i] = t.Topic
	}
	return count(p.partitionCounts(names))
}

// refuseExcessiveCreateTopics answers every topic of a CreateTopics request
// POLICY_VIOLATION, as getErrorResponse does: names are the request's
// topics, in its order.
func refuseExcessiveCreateTopics(version int16, names []string) func([]byte) ([]byte, error) {
	return func(body []byte) ([]byte, error) {
		kresp, err := parseResponse(19, version, body)
		if err != nil {
			return nil, err
		}
		resp := kresp.(*kmsg.CreateTopicsResponse)
		resp.Topics = resp.Topics[:0]
		for _, name := range names {
			t := kmsg.NewCreateTopicsResponseTopic()
			t.Topic = name
			t.ErrorCode = kerr.PolicyViolation.Code
			t.ErrorMessage = kmsg.StringPtr(excessivelyLarge)
			t.NumPartitions, t.ReplicationFactor = -1, -1
			resp.Topics = append(resp.Topics, t)
		}
		return appendResponse(resp), nil
	}
}

// boundCreatePartitions trims a CreatePartitions request to the records
// the controller commits: the topic whose new partitions pass the bound
// keeps as many as fit, later ones that add partitions none. counts are
// the topics' partition counts. It returns the trimmed topics, which are
// answered UNKNOWN_SERVER_ERROR.
func boundCreatePartitions(req *kmsg.CreatePartitionsRequest, counts map[string]int32) map[string]bool {
	total := 0
	for _, t := range req.Topics {
		total += int(t.Count)
	}
	if total <= maxRecordsPerUserOp || counts == nil {
		return nil // no topic can add more partitions than it asks for
	}
	left := maxRecordsPerUserOp
	failed := map[string]bool{}
	kept := req.Topics[:0]
	for _, t := range req.Topics {
		current, ok := counts[t.Topic]
		add := int(t.Count - current)
		if !ok || add <= 0 || len(t.Assignment) > 0 && len(t.Assignment) != add {
			kept = append(kept, t) // refused before any record: kfake answers it
			continue
		}
		if add <= left {
			left -= add
			kept = append(kept, t)
			continue
		}
		failed[t.Topic] = true
		if left > 0 {
			t.Count = current + int32(left)
			if len(t.Assignment) > 0 {
				t.Assignment = t.Assignment[:left]
			}
			kept = append(kept, t)
			left = 0
		}
	}
	req.Topics = kept
	return failed
}
