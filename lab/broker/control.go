package broker

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/ctalab/ctalab/lab/topicname"
)

// kfake's lowest served versions, where they are above Kafka 3.9's 0: it
// reads and writes only v2 record batches (magic 2), which Produce needs
// from v3 and Fetch from v4, and OffsetForLeaderEpoch below v3.
var kfakeMinVersions = map[int16]int16{0: 3, 1: 4, 23: 3}

// answerOldVersions answers requests at versions Kafka 3.9 advertises but
// kfake cannot serve, which kfake would answer by dropping the connection
// (its checkReqVersion error), leaving a client to reconnect and retry.
//
//   - Fetch v0–3 asks for the message format before v2, which kfake
//     cannot down-convert. Every partition gets UNSUPPORTED_VERSION: what
//     Kafka answers such a fetch when message.downconversion.enable is
//     false (TopicConfig.MESSAGE_DOWNCONVERSION_ENABLE_DOC, apache/kafka
//     3.9 clients/src/main/java/org/apache/kafka/common/config/TopicConfig.java).
//   - Produce v0–2 carries that older message format, which kfake cannot
//     up-convert; every partition gets UNSUPPORTED_VERSION. With acks=0
//     there is no response to carry an error, so the connection is closed,
//     as Kafka closes it after an acks=0 produce fails.
//   - OffsetForLeaderEpoch v0–2: every partition gets UNSUPPORTED_VERSION.
//
// Without SASL on the listener, SaslHandshake and SaslAuthenticate are
// answered ILLEGAL_SASL_STATE, as KafkaApis.handleSaslHandshakeRequest and
// handleSaslAuthenticateRequest do on a PLAINTEXT listener (3.9
// core/src/main/scala/kafka/server/KafkaApis.scala); with SASL, kfake
// authenticates.
//
// A Fetch kfake serves is first sent past the offsets a cleaning removed
// (logStarts.fixFetch), here in the cluster's event loop, where the
// cleaner runs too (cleaner.run): no cleaning can fall between the move
// and kfake's read, as it could if the broker moved the offset when it
// read the request off the wire. A fetch that may wait for records is
// kept, so that a cleaning while it waits moves it too (waitingfetch.go).
func answerOldVersions(c *kfake.Cluster, sasl bool, starts *logStarts) {
	for _, key := range []int16{0, 1, 23} {
		c.ControlKey(key, func(kreq kmsg.Request) (kmsg.Response, error, bool) {
			c.KeepControl()
			if kreq.GetVersion() >= kfakeMinVersions[kreq.Key()] {
				if req, ok := kreq.(*kmsg.FetchRequest); ok && starts != nil {
					starts.fetchRead(req)
				}
				return nil, nil, false
			}
			return unsupportedVersion(kreq)
		})
	}
	if sasl {
		return
	}
	c.ControlKey(17, func(kreq kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		resp := kreq.ResponseKind().(*kmsg.SASLHandshakeResponse)
		resp.ErrorCode = kerr.IllegalSaslState.Code
		return resp, nil, true
	})
	c.ControlKey(36, func(kreq kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		resp := kreq.ResponseKind().(*kmsg.SASLAuthenticateResponse)
		resp.ErrorCode = kerr.IllegalSaslState.Code
		resp.ErrorMessage = kmsg.StringPtr("SaslAuthenticate request received after successful authentication")
		return resp, nil, true
	})
}

func unsupportedVersion(kreq kmsg.Request) (kmsg.Response, error, bool) {
	code := kerr.UnsupportedVersion.Code
	switch req := kreq.(type) {
	case *kmsg.ProduceRequest:
		if req.Acks == 0 {
			return nil, fmt.Errorf("produce v%d with acks=0: record format before v2 is not supported", req.Version), true
		}
		resp := req.ResponseKind().(*kmsg.ProduceResponse)
		for _, t := range req.Topics {
			rt := kmsg.NewProduceResponseTopic()
			rt.Topic = t.Topic
			for _, p := range t.Partitions {
				rp := kmsg.NewProduceResponseTopicPartition()
				rp.Partition = p.Partition
				rp.ErrorCode = code
				rp.BaseOffset = -1
				rp.LogAppendTime = -1
				rt.Partitions = append(rt.Partitions, rp)
			}
			resp.Topics = append(resp.Topics, rt)
		}
		return resp, nil, true
	case *kmsg.FetchRequest:
		resp := req.ResponseKind().(*kmsg.FetchResponse)
		for _, t := range req.Topics {
			rt := kmsg.NewFetchResponseTopic()
			rt.Topic = t.Topic
			for _, p := range t.Partitions {
				rp := kmsg.NewFetchResponseTopicPartition()
				rp.Partition = p.Partition
				rp.ErrorCode = code
				rp.HighWatermark = -1
				rp.LastStableOffset = -1
				rp.LogStartOffset = -1
				rt.Partitions = append(rt.Partitions, rp)
			}
			resp.Topics = append(resp.Topics, rt)
		}
		return resp, nil, true
	case *kmsg.OffsetForLeaderEpochRequest:
		resp := req.ResponseKind().(*kmsg.OffsetForLeaderEpochResponse)
		for _, t := range req.Topics {
			rt := kmsg.NewOffsetForLeaderEpochResponseTopic()
			rt.Topic = t.Topic
			for _, p := range t.Partitions {
				rp := kmsg.NewOffsetForLeaderEpochResponseTopicPartition()
				rp.Partition = p.Partition
				rp.ErrorCode = code
				rp.LeaderEpoch = -1
				rp.EndOffset = -1
				rt.Partitions = append(rt.Partitions, rp)
			}
			resp.Topics = append(resp.Topics, rt)
		}
		return resp, nil, true
	}
	return nil, nil, false
}

// legacyTopics returns the topics stored in dir whose names Kafka would
// refuse: an older version of the broker created them without checking.
// They are loaded and served as they are, so that no data is lost.
func legacyTopics(dir string) ([]string, error) {
	raw, err := os.ReadFile(filepath.Join(dir, "topics.json"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read stored topics: %w", err)
	}
	var stored struct {
		Topics []struct {
			Name string `json:"name"`
		} `json:"topics"`
	}
	if err := json.Unmarshal(raw, &stored); err != nil {
		return nil, fmt.Errorf("read stored topics: %w", err)
	}
	var bad []string
	for _, t := range stored.Topics {
		if !topicname.Valid(t.Name) {
			bad = append(bad, t.Name)
		}
	}
	return bad, nil
}
