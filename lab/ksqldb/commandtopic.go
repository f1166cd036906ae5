package ksqldb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/lab/ksqldb/restapi"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
)

// command is one record of the command topic.
type command struct {
	Statement         string            `json:"statement"`
	StreamsProperties map[string]string `json:"streamsProperties"`
	OriginalProps     map[string]string `json:"originalProperties"`
	TopicDeleted      bool              `json:"topicDeleted,omitempty"` // DROP ... DELETE TOPIC already done
}

func (s *Server) ensureTopic(ctx context.Context, topic string, partitions int32, replicas int16, configs map[string]*string) error {
	configs = applyTopicDefaults(ctx, configs)
	resp, err := s.adm.CreateTopic(ctx, partitions, replicas, configs, topic)
	if resp.Err != nil && !errors.Is(resp.Err, kerr.TopicAlreadyExists) {
		return topicCreateError(topic, resp.Err, resp.ErrMessage)
	}
	if err != nil && !errors.Is(err, kerr.TopicAlreadyExists) {
		return fmt.Errorf("create topic %s: %w", topic, err)
	}
	return nil
}

// topicCreateError is ksqlDB's answer when the broker refuses a topic:
// KafkaTopicClientImpl.createTopic wraps the cause as "Failed to guarantee
// existence of topic <t>", which KsqlResource answers 500 statement_error
// with ErrorMessageUtil.buildErrorMessage's text (each cause wrapped at 80
// columns by commons-text WordUtils.wrap). confluentinc/ksql,
// ksqldb-engine/.../services/KafkaTopicClientImpl.java.
func topicCreateError(topic string, err error, brokerMsg string) error {
	cause := brokerMsg
	var ke *kerr.Error
	if cause == "" && errors.As(err, &ke) {
		cause = ke.Description
	}
	return &stmterr.Error{Code: 50000, Msg: errorMessageChain("Failed to guarantee existence of topic "+topic, cause)}
}

// errorMessageChain is ErrorMessageUtil.buildErrorMessage's text of an
// exception whose message is msg and whose causes' messages are causes,
// outermost first: each non-empty cause not contained in msg on a line of
// its own after "Caused by: ", wrapped at 80 columns.
func errorMessageChain(msg string, causes ...string) string {
	for _, c := range causes {
		if c != "" && !strings.Contains(msg, c) {
			msg += "\n" + wordWrap("Caused by: "+c, 80, "\n\t")
		}
	}
	return msg
}

// wordWrap breaks s at the last space within width columns, or inside a
// word longer than width, as commons-text WordUtils.wrap(s, width, nl, true).
func wordWrap(s string, width int, nl string) string {
	var b strings.Builder
	for off := 0; off < len(s); {
		if s[off] == ' ' {
			off++
			continue
		}
		if len(s)-off <= width {
			b.WriteString(s[off:])
			break
		}
		end := min(off+width+1, len(s))
		if at := strings.LastIndexByte(s[off:end], ' '); at >= 0 {
			b.WriteString(s[off : off+at])
			off += at + 1
		} else {
			b.WriteString(s[off : off+width])
			off += width
		}
		b.WriteString(nl)
	}
	return b.String()
}

// appendCommand writes a command and returns its offset.
func (s *Server) appendCommand(ctx context.Context, commandID string, c command) (int64, error) {
	b, err := json.Marshal(c)
	if err != nil {
		return 0, fmt.Errorf("encode command: %w", err)
	}
	rec := &kgo.Record{Topic: s.cmdTopic, Partition: 0, Key: []byte(commandID), Value: b}
	if err := s.cl.ProduceSync(ctx, rec).FirstErr(); err != nil {
		return 0, fmt.Errorf("write command topic: %w", err)
	}
	return rec.Offset, nil
}

// replay reads the whole command topic and re-executes it, then starts queries.
func (s *Server) replay(ctx context.Context) error {
	if err := s.ensureTopic(ctx, s.cmdTopic, 1, 1, map[string]*string{"retention.ms": kadm.StringPtr("-1")}); err != nil {
		return err
	}
	ends, err := s.adm.ListEndOffsets(ctx, s.cmdTopic)
	if err != nil {
		return fmt.Errorf("list command topic offsets: %w", err)
	}
	end, ok := ends.Lookup(s.cmdTopic, 0)
	if !ok {
		return fmt.Errorf("list command topic offsets: no answer for %s-0", s.cmdTopic)
	}
	if end.Err != nil {
		return fmt.Errorf("list command topic offsets: %w", end.Err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if end.Offset > 0 {
		rd, err := kgo.NewClient(kafkaOpts(s.cfg.kafka, kgo.SeedBrokers(s.brokers...),
			kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{s.cmdTopic: {0: kgo.NewOffset().AtStart()}}))...)
		if err != nil {
			return fmt.Errorf("read command topic: %w", err)
		}
		defer rd.Close()
		next := int64(0)
		for next < end.Offset {
			fs := rd.PollFetches(ctx)
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("read command topic: %w", err)
			}
			var ferr error
			fs.EachError(func(_ string, _ int32, err error) { ferr = err })
			if ferr != nil {
				return fmt.Errorf("read command topic: %w", ferr)
			}
			for _, r := range fs.Records() {
				next = r.Offset + 1
				s.replayOne(ctx, r)
			}
		}
	}
	for _, qi := range s.ms.SortedQueries() {
		if err := s.startQuery(qi); err != nil {
			s.log.Error("start query after replay", "query", qi.ID, "err", err)
		}
	}
	return nil
}

func (s *Server) replayOne(ctx context.Context, r *kgo.Record) {
	var c command
	if err := json.Unmarshal(r.Value, &c); err != nil {
		s.log.Warn("skip unreadable command", "offset", r.Offset, "err", err)
		return
	}
	stmts, err := sql.Parse(c.Statement)
	if err != nil || len(stmts) != 1 {
		s.log.Warn("skip unparsable command", "offset", r.Offset, "err", err)
		return
	}
	ec := &execCtx{ms: s.ms, replay: true, offset: r.Offset, props: c.StreamsProperties, topicDeleted: c.TopicDeleted}
	if ec.props == nil {
		ec.props = map[string]string{}
	}
	ent, err := s.execute(ctx, ec, stmts[0])
	if err != nil {
		s.log.Warn("replayed command failed", "offset", r.Offset, "statement", c.Statement, "err", err)
		return
	}
	if cs, ok := ent.(*restapi.CurrentStatus); ok {
		s.statuses[cs.CommandID] = cmdStatus{Status: cs.CommandStatus.Status, Message: cs.CommandStatus.Message}
	}
	s.log.Debug("replayed command", "offset", strconv.FormatInt(r.Offset, 10), "statement", c.Statement)
}
