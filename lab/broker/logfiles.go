package broker

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strconv"

	"github.com/twmb/franz-go/pkg/kmsg"
)

// A new partition's log starts at offset 0: kfake names its first segment
// and that segment's index after it.
const (
	firstSegment = "0.dat"
	firstIndex   = "0.idx"
)

// partDirName is the directory kfake keeps a partition's segments in,
// under partitions/ of the data dir; parsePartDir reads it back.
func partDirName(topic string, partition int32) string {
	return url.PathEscape(topic) + "-" + strconv.FormatInt(int64(partition), 10)
}

// prepareLogsAfter returns the response fix that gives every partition of
// the topics a CreateTopics request created its log directory and an empty
// first segment before the client hears of the topic, as Kafka's
// LogManager.getOrCreateLog and LogLoader do when a partition is created.
// kfake makes them only when the partition's first batch is stored, on the
// loop that serves every client: a tick's arrivals, the first records of a
// dozen topics, waited there tens of milliseconds for the file system.
// Here the files are made on the creating client's connection instead;
// kfake opens them on the first batch as it opens any segment, in append
// mode. Topics auto-created by Metadata and partitions added by
// CreatePartitions keep kfake's way.
func (p *protocol) prepareLogsAfter(req *kmsg.CreateTopicsRequest) func([]byte) ([]byte, error) {
	if p.logDir == "" || req.ValidateOnly {
		return nil
	}
	asked := make(map[string]int32, len(req.Topics))
	for _, t := range req.Topics {
		asked[t.Topic] = requestedPartitions(t)
	}
	version := req.Version
	return func(body []byte) ([]byte, error) {
		kresp, err := parseResponse(19, version, body)
		if err != nil {
			return nil, err
		}
		for _, t := range kresp.(*kmsg.CreateTopicsResponse).Topics {
			n, ok := asked[t.Topic]
			if !ok || t.ErrorCode != 0 {
				continue
			}
			if version >= 5 && t.NumPartitions > 0 { // the answer says how many from v5 on
				n = t.NumPartitions
			}
			if err := createLogs(p.logDir, t.Topic, n); err != nil {
				// kfake makes what is missing on the first batch.
				p.log().Warn("prepare a created topic's log", "topic", t.Topic, "err", err)
			}
		}
		return body, nil
	}
}

// requestedPartitions is how many partitions kfake gives a topic of a
// CreateTopics request: one per replica assignment, else NumPartitions,
// else (-1) the broker's default.
func requestedPartitions(t kmsg.CreateTopicsRequestTopic) int32 {
	switch {
	case len(t.ReplicaAssignment) > 0:
		return int32(len(t.ReplicaAssignment))
	case t.NumPartitions > 0:
		return t.NumPartitions
	}
	return DefaultPartitions
}

// createLogs makes the log directory and the empty first segment and index
// of partitions 0 to n-1 of topic, keeping whatever is there already.
func createLogs(dataDir, topic string, n int32) error {
	var errs []error
	for p := range n {
		dir := filepath.Join(dataDir, "partitions", partDirName(topic, p))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			errs = append(errs, err)
			continue
		}
		for _, name := range []string{firstSegment, firstIndex} {
			f, err := os.OpenFile(filepath.Join(dir, name), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
			if err == nil {
				err = f.Close()
			}
			if err != nil {
				errs = append(errs, err)
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("create the log of %s: %w", topic, err)
	}
	return nil
}

func (p *protocol) log() *slog.Logger {
	if p.logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return p.logger
}
