package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
)

// GroupSummary is a row of GET /api/groups, from the sampler's last look.
type GroupSummary struct {
	Name         string   `json:"name"`
	State        string   `json:"state"`
	ProtocolType string   `json:"protocol_type"`
	Members      int      `json:"members"`
	Topics       []string `json:"topics"`
	// Lag is the end offset minus the committed offset, summed over the
	// partitions the group has committed.
	Lag   int64  `json:"lag"`
	Error string `json:"error,omitempty"`
}

// GroupMember is a member of GET /api/groups/{group}.
type GroupMember struct {
	MemberID   string `json:"member_id"`
	InstanceID string `json:"instance_id,omitempty"`
	ClientID   string `json:"client_id"`
	Host       string `json:"host"`
	// Assignments are the member's partitions by topic (consumer groups).
	Assignments map[string][]int32 `json:"assignments"`
}

// GroupPartition is one committed or assigned partition of a group.
type GroupPartition struct {
	Topic     string `json:"topic"`
	Partition int32  `json:"partition"`
	// Committed, End and Lag are absent where Kafka has no value, as
	// kafka-consumer-groups --describe prints "-".
	Committed *int64 `json:"committed,omitempty"`
	End       *int64 `json:"end,omitempty"`
	Lag       *int64 `json:"lag,omitempty"`
	MemberID  string `json:"member_id,omitempty"`
	ClientID  string `json:"client_id,omitempty"`
	Host      string `json:"host,omitempty"`
	Error     string `json:"error,omitempty"`
}

// LagSample is the group's total lag at one sample of the sampler.
type LagSample struct {
	At  time.Time `json:"at"`
	Lag int64     `json:"lag"`
}

// GroupDetail is GET /api/groups/{group}.
type GroupDetail struct {
	Name         string           `json:"name"`
	State        string           `json:"state"`
	ProtocolType string           `json:"protocol_type"`
	Protocol     string           `json:"protocol"`
	Coordinator  int32            `json:"coordinator"`
	Members      []GroupMember    `json:"members"`
	Partitions   []GroupPartition `json:"partitions"`
	// History is the total lag at the sampler's recent samples, oldest
	// first.
	History []LagSample `json:"history"`
}

// groupSummaries lists the groups of one sample's lags.
func groupSummaries(lags kadm.DescribedGroupLags) []GroupSummary {
	out := []GroupSummary{}
	for _, l := range lags.Sorted() {
		g := GroupSummary{Name: l.Group, State: l.State, ProtocolType: l.ProtocolType, Members: len(l.Members), Topics: []string{}}
		if err := l.Error(); err != nil {
			g.Error = err.Error()
		}
		for t := range l.Lag {
			g.Topics = append(g.Topics, t)
		}
		sort.Strings(g.Topics)
		g.Lag = totalLag(l.Lag)
		out = append(out, g)
	}
	return out
}

// groupsOf lists the groups that had committed offsets on topic at the
// last sample.
func (sm *sampler) groupsOf(topic string) []string {
	sm.mu.Lock()
	defer sm.mu.Unlock()
	out := []string{}
	for _, g := range sm.groups {
		for _, t := range g.Topics {
			if t == topic {
				out = append(out, g.Name)
				break
			}
		}
	}
	return out
}

// totalLag sums the partitions' known lags.
func totalLag(gl kadm.GroupLag) int64 {
	var n int64
	for _, ps := range gl {
		for _, pl := range ps {
			if pl.Err == nil && pl.Lag > 0 {
				n += pl.Lag
			}
		}
	}
	return n
}

func (s *Server) handleGroups(w http.ResponseWriter, r *http.Request) {
	p, err := s.sampler.latest(r.Context())
	if err != nil {
		writeError(w, http.StatusServiceUnavailable, "the groups have not been sampled yet: %v", err)
		return
	}
	s.sampler.mu.Lock()
	out := s.sampler.groups
	s.sampler.mu.Unlock()
	if out == nil {
		writeError(w, http.StatusBadGateway, "the groups could not be listed at %s: %v", p.SampledAt.Format(time.RFC3339), p.Services["kafka"].Error)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// groupNotFound is kafka-consumer-groups' answer for a group the
// coordinator does not know (ConsumerGroupCommand, Kafka 3.9:
// "Consumer group '" + groupId + "' does not exist.").
func groupNotFound(w http.ResponseWriter, group string) {
	writeError(w, http.StatusNotFound, "Consumer group '%s' does not exist.", group)
}

// describeGroup describes one group with its lag: one DescribeGroups, one
// OffsetFetch and one ListOffsets for the group's partitions.
func (s *Server) describeGroup(ctx context.Context, group string) (kadm.DescribedGroupLag, error) {
	lags, err := s.adm.Lag(ctx, group)
	if err != nil {
		return kadm.DescribedGroupLag{}, err
	}
	l, ok := lags[group]
	if !ok {
		return kadm.DescribedGroupLag{}, kerr.GroupIDNotFound
	}
	return l, l.Error()
}

func (s *Server) handleGroup(w http.ResponseWriter, r *http.Request) {
	group := r.PathValue("group")
	l, err := s.describeGroup(r.Context(), group)
	if errors.Is(err, kerr.GroupIDNotFound) || (err == nil && l.State == "Dead") {
		groupNotFound(w, group)
		return
	}
	if err != nil {
		writeError(w, http.StatusBadGateway, "describe group %s: %v", group, err)
		return
	}
	d := GroupDetail{Name: group, State: l.State, ProtocolType: l.ProtocolType, Protocol: l.Protocol, Coordinator: l.Coordinator.NodeID,
		Members: []GroupMember{}, Partitions: []GroupPartition{}, History: s.sampler.lagHistory(group)}
	for _, m := range l.Members {
		gm := GroupMember{MemberID: m.MemberID, ClientID: m.ClientID, Host: m.ClientHost, Assignments: map[string][]int32{}}
		if m.InstanceID != nil {
			gm.InstanceID = *m.InstanceID
		}
		if a, ok := m.Assigned.AsConsumer(); ok {
			for _, t := range a.Topics {
				ps := append([]int32(nil), t.Partitions...)
				sort.Slice(ps, func(i, j int) bool { return ps[i] < ps[j] })
				gm.Assignments[t.Topic] = ps
			}
		}
		d.Members = append(d.Members, gm)
	}
	for _, ps := range l.Lag {
		for _, pl := range ps {
			gp := GroupPartition{Topic: pl.Topic, Partition: pl.Partition}
			if pl.Commit.At >= 0 && pl.Commit.Topic != "" {
				v := pl.Commit.At
				gp.Committed = &v
			}
			if pl.End.Err == nil {
				v := pl.End.Offset
				gp.End = &v
			}
			if pl.Err == nil && gp.Committed != nil && pl.Lag >= 0 {
				v := pl.Lag
				gp.Lag = &v
			}
			if pl.Err != nil {
				gp.Error = pl.Err.Error()
			}
			if pl.Member != nil {
				gp.MemberID, gp.ClientID, gp.Host = pl.Member.MemberID, pl.Member.ClientID, pl.Member.ClientHost
			}
			d.Partitions = append(d.Partitions, gp)
		}
	}
	sort.Slice(d.Partitions, func(i, j int) bool {
		a, b := d.Partitions[i], d.Partitions[j]
		if a.Topic != b.Topic {
			return a.Topic < b.Topic
		}
		return a.Partition < b.Partition
	})
	writeJSON(w, http.StatusOK, d)
}

// ResetRequest is the body of POST /api/groups/{group}/reset, the
// console's form of kafka-consumer-groups --reset-offsets --execute with
// --to-earliest, --to-latest or --to-offset, on --topic or, without one,
// --all-topics (the topics the group has committed offsets for).
type ResetRequest struct {
	// To is earliest, latest or offset.
	To     string `json:"to"`
	Offset *int64 `json:"offset,omitempty"`
	Topic  string `json:"topic,omitempty"`
}

// ResetOffset is one partition's new committed offset.
type ResetOffset struct {
	Topic     string `json:"topic"`
	Partition int32  `json:"partition"`
	Offset    int64  `json:"offset"`
}

// ResetResult answers POST /api/groups/{group}/reset.
type ResetResult struct {
	Group   string        `json:"group"`
	Offsets []ResetOffset `json:"offsets"`
	// Notes are kafka-consumer-groups' warnings for offsets moved into
	// the log's range.
	Notes []string `json:"notes"`
}

// handleReset resets a group's committed offsets as
// kafka-consumer-groups --reset-offsets --execute does
// (tools/src/main/java/org/apache/kafka/tools/consumer/group/ConsumerGroupCommand.java,
// Kafka 3.9, resetOffsets and checkOffsetsRange): only an Empty or Dead
// group is reset, anything else is refused with the tool's message; an
// offset outside the log is moved to its start or end.
func (s *Server) handleReset(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	group := r.PathValue("group")
	var req ResetRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "the body is not a reset: %v", err)
		return
	}
	switch req.To {
	case "earliest", "latest":
	case "offset":
		if req.Offset == nil {
			writeError(w, http.StatusBadRequest, "a reset to an offset needs the offset")
			return
		}
	default:
		writeError(w, http.StatusBadRequest, "reset to %q: want earliest, latest or offset", req.To)
		return
	}
	described, err := s.adm.DescribeGroups(ctx, group)
	if err == nil {
		err = described.Error()
	}
	state := described[group].State
	if errors.Is(err, kerr.GroupIDNotFound) {
		// A group the coordinator does not know is Dead to the tool.
		state, err = "Dead", nil
	}
	if err != nil {
		writeError(w, http.StatusBadGateway, "describe group %s: %v", group, err)
		return
	}
	if state != "Empty" && state != "Dead" {
		writeError(w, http.StatusConflict, "Assignments can only be reset if the group '%s' is inactive, but the current state is %s.", group, state)
		return
	}
	// The partitions to reset: the topic's, or those the group committed.
	var parts []kadm.Partition
	if req.Topic != "" {
		td, ok := s.topicOr(w, r, req.Topic)
		if !ok {
			return
		}
		for _, p := range td.Partitions.Sorted() {
			parts = append(parts, kadm.Partition{Topic: req.Topic, Partition: p.Partition})
		}
	} else {
		committed, err := s.adm.FetchOffsets(ctx, group)
		if err == nil {
			err = committed.Error()
		}
		if err != nil {
			writeError(w, http.StatusBadGateway, "fetch the offsets of group %s: %v", group, err)
			return
		}
		committed.Each(func(o kadm.OffsetResponse) {
			parts = append(parts, kadm.Partition{Topic: o.Topic, Partition: o.Partition})
		})
	}
	if len(parts) == 0 {
		writeError(w, http.StatusBadRequest, "group %s has no committed offsets to reset; name a topic", group)
		return
	}
	topics := map[string]bool{}
	var names []string
	for _, p := range parts {
		if !topics[p.Topic] {
			topics[p.Topic] = true
			names = append(names, p.Topic)
		}
	}
	starts, err1 := s.listOffsets(ctx, s.adm.ListStartOffsets, names)
	ends, err2 := s.listOffsets(ctx, s.adm.ListEndOffsets, names)
	if err := errors.Join(err1, err2); err != nil {
		writeError(w, http.StatusBadGateway, "list offsets: %v", err)
		return
	}
	res := ResetResult{Group: group, Offsets: []ResetOffset{}, Notes: []string{}}
	to := kadm.Offsets{}
	for _, p := range parts {
		st, sok := starts.Lookup(p.Topic, p.Partition)
		en, eok := ends.Lookup(p.Topic, p.Partition)
		if !sok || !eok || st.Err != nil || en.Err != nil {
			writeError(w, http.StatusBadGateway, "the offsets of %s-%d: %v", p.Topic, p.Partition, errors.Join(st.Err, en.Err))
			return
		}
		var at int64
		switch req.To {
		case "earliest":
			at = st.Offset
		case "latest":
			at = en.Offset
		default:
			at = *req.Offset
			if at > en.Offset {
				res.Notes = append(res.Notes, fmt.Sprintf("New offset (%d) is higher than latest offset for topic partition %s-%d. Value will be set to %d", at, p.Topic, p.Partition, en.Offset))
				at = en.Offset
			} else if at < st.Offset {
				res.Notes = append(res.Notes, fmt.Sprintf("New offset (%d) is lower than earliest offset for topic partition %s-%d. Value will be set to %d", at, p.Topic, p.Partition, st.Offset))
				at = st.Offset
			}
		}
		to.Add(kadm.Offset{Topic: p.Topic, Partition: p.Partition, At: at, LeaderEpoch: -1})
		res.Offsets = append(res.Offsets, ResetOffset{Topic: p.Topic, Partition: p.Partition, Offset: at})
	}
	resp, err := s.adm.CommitOffsets(ctx, group, to)
	if err == nil {
		resp.EachError(func(o kadm.OffsetResponse) {
			if err == nil {
				err = fmt.Errorf("%s-%d: %w", o.Topic, o.Partition, o.Err)
			}
		})
	}
	if err != nil {
		writeError(w, http.StatusBadGateway, "commit the offsets of group %s: %v", group, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}
