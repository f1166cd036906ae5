package web

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
)

// Pipeline is the live topology: GET /api/pipeline.
type Pipeline struct {
	SampledAt time.Time `json:"sampled_at"`
	// Services tells which endpoint answered at the last sample.
	Services map[string]Service `json:"services"`
	Nodes    []Node             `json:"nodes"`
	Edges    []Edge             `json:"edges"`
	// Problems are the views that could not be read at the last sample.
	Problems []string `json:"problems"`
}

// Service is one endpoint's reachability.
type Service struct {
	URL   string `json:"url"`
	Up    bool   `json:"up"`
	Error string `json:"error,omitempty"`
}

// Node is a box of the pipeline view.
type Node struct {
	ID   string `json:"id"`
	Kind string `json:"kind"` // producer, connector, topic, group, query, dashboard
	Name string `json:"name"`
	// Column is the node's stage: 0 for nodes nothing feeds, else one more
	// than the furthest node feeding it.
	Column int    `json:"column"`
	State  string `json:"state,omitempty"`
	// Topic nodes: partitions, the sum of the partitions' end offsets at
	// SampledAt, and the write rate.
	Partitions int    `json:"partitions,omitempty"`
	EndOffset  *int64 `json:"end_offset,omitempty"`
	Rate       *Rate  `json:"rate,omitempty"`
	// Group nodes: members and total lag.
	Members int    `json:"members,omitempty"`
	Lag     *int64 `json:"lag,omitempty"`
	// Detail is a one-line description (a query's statement, a
	// connector's class).
	Detail string `json:"detail,omitempty"`
}

// Edge is a flow of records between two nodes.
type Edge struct {
	From string `json:"from"`
	To   string `json:"to"`
	// Rate is the records per second along the edge: the topic's end offset
	// delta for writes, the committed offset (or consumed count) delta for
	// reads.
	Rate *Rate `json:"rate,omitempty"`
	// Lag is the end offset minus the committed offset, summed over
	// partitions (consumer groups and ksqlDB queries).
	Lag *int64 `json:"lag,omitempty"`
}

// Rate is a count delta over a window: PerSecond = (To-From)/Seconds.
type Rate struct {
	PerSecond float64 `json:"per_second"`
	From      int64   `json:"from"`
	To        int64   `json:"to"`
	Seconds   float64 `json:"seconds"`
}

// sample is what one tick reads that rates are computed from.
type sample struct {
	at       time.Time
	ends     map[string]int64            // topic -> sum of end offsets
	commits  map[string]map[string]int64 // group -> topic -> sum of committed offsets
	consumed map[string]int64            // dashboard: topic -> records consumed
	lags     map[string]int64            // group -> total lag
}

type sampler struct {
	s *Server

	mu      sync.Mutex
	history []sample // oldest first, spanning at most historySpan
	snap    *Pipeline
	groups  []GroupSummary // at the last sample Kafka answered
	ready   chan struct{}
	once    sync.Once
}

// historySpan is how long writes count as recent: a topic written within
// it gets a producer node when no connector or query explains the writes.
const historySpan = 2 * time.Minute

func newSampler(s *Server) *sampler { return &sampler{s: s, ready: make(chan struct{})} }

func (sm *sampler) run(ctx context.Context) {
	t := time.NewTicker(sm.s.interval)
	defer t.Stop()
	for {
		sm.tick(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// latest returns the last snapshot, waiting for the first one.
func (sm *sampler) latest(ctx context.Context) (*Pipeline, error) {
	select {
	case <-sm.ready:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	sm.mu.Lock()
	defer sm.mu.Unlock()
	return sm.snap, nil
}

func (s *Server) handlePipeline(w http.ResponseWriter, r *http.Request) {
	p, err := s.sampler.latest(r.Context())
	if err != nil {
		writeError(w, http.StatusServiceUnavailable, "the pipeline has not been sampled yet: %v", err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

func (s *Server) handleServices(w http.ResponseWriter, r *http.Request) {
	p, err := s.sampler.latest(r.Context())
	if err != nil {
		writeError(w, http.StatusServiceUnavailable, "the services have not been probed yet: %v", err)
		return
	}
	writeJSON(w, http.StatusOK, p.Services)
}

// tick samples the cluster and the REST services and builds a snapshot.
func (sm *sampler) tick(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	s := sm.s
	now := time.Now()
	p := &Pipeline{SampledAt: now.UTC(), Services: map[string]Service{}, Problems: []string{}}
	cur := sample{at: now, ends: map[string]int64{}, commits: map[string]map[string]int64{}, consumed: map[string]int64{}, lags: map[string]int64{}}

	// The REST views are read concurrently with Kafka.
	var wg sync.WaitGroup
	var conns []connectorInfo
	var connErr error
	var ks ksqlView
	var ksErr error
	var dash map[string]int64
	var dashErr error
	if s.ep.Connect != "" {
		wg.Add(1)
		go func() { defer wg.Done(); conns, connErr = s.connectors(ctx) }()
	}
	if s.ep.KSQLDB != "" {
		wg.Add(1)
		go func() { defer wg.Done(); ks, ksErr = s.ksqlTopology(ctx) }()
	}
	if s.ep.Dashboard != "" {
		wg.Add(1)
		go func() { defer wg.Done(); dash, dashErr = s.dashboardConsumed(ctx) }()
	}
	var regErr error
	if s.ep.SchemaRegistry != "" {
		wg.Add(1)
		go func() { defer wg.Done(); regErr = s.probe(ctx, s.registryHTTP, s.ep.SchemaRegistry+"/subjects") }()
	}

	topics, kerr := s.listTopics(ctx)
	var ends kadm.ListedOffsets
	var lags kadm.DescribedGroupLags
	if kerr == nil {
		ends, kerr = s.listOffsets(ctx, s.adm.ListEndOffsets, topics.Names())
	}
	if kerr == nil {
		var groups kadm.ListedGroups
		if groups, kerr = s.adm.ListGroups(ctx); kerr == nil {
			lags, kerr = s.adm.Lag(ctx, groups.Groups()...)
		}
	}
	wg.Wait()

	p.Services["kafka"] = service(strings.Join(s.ep.Brokers, ","), kerr)
	if s.ep.SchemaRegistry != "" {
		p.Services["schema-registry"] = service(s.ep.SchemaRegistry, regErr)
	}
	if s.ep.Connect != "" {
		p.Services["connect"] = service(s.ep.Connect, connErr)
	}
	if s.ep.KSQLDB != "" {
		p.Services["ksqldb"] = service(s.ep.KSQLDB, ksErr)
	}
	if s.ep.Dashboard != "" {
		p.Services["dashboard"] = service(s.ep.Dashboard, dashErr)
	}
	for name, sv := range p.Services {
		if !sv.Up {
			p.Problems = append(p.Problems, name+": "+sv.Error)
		}
	}
	sort.Strings(p.Problems)

	partitions := map[string]int{}
	if kerr == nil {
		for _, t := range topics.Sorted() {
			partitions[t.Topic] = len(t.Partitions)
		}
		ends.Each(func(o kadm.ListedOffset) {
			if o.Err == nil {
				cur.ends[o.Topic] += o.Offset
			}
		})
		for g, l := range lags {
			if l.Error() != nil {
				continue
			}
			m := map[string]int64{}
			for t, ps := range l.Lag {
				for _, pl := range ps {
					if pl.Commit.At >= 0 {
						m[t] += pl.Commit.At
					}
				}
			}
			cur.commits[g] = m
			cur.lags[g] = totalLag(l.Lag)
		}
	}
	for t, n := range dash {
		cur.consumed[t] = n
	}

	sm.mu.Lock()
	defer sm.mu.Unlock()
	if kerr == nil {
		sm.history = append(sm.history, cur)
		sm.groups = groupSummaries(lags)
	}
	for len(sm.history) > 1 && now.Sub(sm.history[0].at) > historySpan {
		sm.history = sm.history[1:]
	}
	if kerr != nil && sm.snap != nil {
		// Keep the last topology, marked stale by the Kafka service's state.
		prev := *sm.snap
		prev.Services, prev.Problems, prev.SampledAt = p.Services, p.Problems, p.SampledAt
		sm.snap = &prev
	} else {
		b := &builder{p: p, s: s, history: sm.history, window: s.window, partitions: partitions, lags: lags}
		b.build(conns, ks, dash)
		sm.snap = p
	}
	sm.once.Do(func() { close(sm.ready) })
}

// lagHistory is the group's total lag at each recent sample, oldest first.
func (sm *sampler) lagHistory(group string) []LagSample {
	sm.mu.Lock()
	defer sm.mu.Unlock()
	out := []LagSample{}
	for _, h := range sm.history {
		if v, ok := h.lags[group]; ok {
			out = append(out, LagSample{At: h.at.UTC(), Lag: v})
		}
	}
	return out
}

func service(u string, err error) Service {
	if err != nil {
		return Service{URL: u, Up: false, Error: err.Error()}
	}
	return Service{URL: u, Up: true}
}

// internalTopic reports topics the pipeline view leaves out: Kafka's and
// the platform's own (a leading underscore: __consumer_offsets, _schemas,
// _confluent-ksql-*) and Kafka Connect's storage topics.
func internalTopic(t string) bool {
	if strings.HasPrefix(t, "_") {
		return true
	}
	for _, suf := range []string{"-configs", "-offsets", "-status"} {
		if strings.Contains(t, "connect") && strings.HasSuffix(t, suf) {
			return true
		}
	}
	return false
}

type builder struct {
	p          *Pipeline
	s          *Server
	history    []sample
	window     time.Duration
	partitions map[string]int
	lags       kadm.DescribedGroupLags
	nodes      map[string]*Node
}

// rate is the delta of get over the rate window: from the oldest sample
// within it (or the oldest there is) to the newest.
func (b *builder) rate(get func(sample) (int64, bool)) *Rate {
	if len(b.history) < 2 {
		return nil
	}
	last := b.history[len(b.history)-1]
	to, ok := get(last)
	if !ok {
		return nil
	}
	for _, first := range b.history[:len(b.history)-1] {
		if last.at.Sub(first.at) > b.window {
			continue
		}
		from, ok := get(first)
		if !ok {
			continue
		}
		secs := last.at.Sub(first.at).Seconds()
		return &Rate{PerSecond: float64(to-from) / secs, From: from, To: to, Seconds: secs}
	}
	return nil
}

func (b *builder) topicRate(t string) *Rate {
	return b.rate(func(s sample) (int64, bool) { v, ok := s.ends[t]; return v, ok })
}

// recentlyWritten reports whether t's end offset moved within the history.
func (b *builder) recentlyWritten(t string) bool {
	if len(b.history) < 2 {
		return false
	}
	// A topic created within the history counts from 0.
	return b.history[len(b.history)-1].ends[t] > b.history[0].ends[t]
}

func (b *builder) node(n Node) *Node {
	if old, ok := b.nodes[n.ID]; ok {
		return old
	}
	b.nodes[n.ID] = &n
	return &n
}

func (b *builder) topic(t string) string {
	id := "topic:" + t
	if _, ok := b.nodes[id]; !ok {
		n := b.node(Node{ID: id, Kind: "topic", Name: t, Partitions: b.partitions[t], Rate: b.topicRate(t)})
		if len(b.history) > 0 {
			if v, ok := b.history[len(b.history)-1].ends[t]; ok {
				n.EndOffset = &v
			}
		}
	}
	return id
}

func (b *builder) edge(e Edge) { b.p.Edges = append(b.p.Edges, e) }

func (b *builder) build(conns []connectorInfo, ks ksqlView, dash map[string]int64) {
	b.nodes = map[string]*Node{}
	written := map[string]bool{}
	for t := range b.partitions {
		if !internalTopic(t) {
			b.topic(t)
		}
	}
	for _, c := range conns {
		id := "connector:" + c.Name
		b.node(Node{ID: id, Kind: "connector", Name: c.Name, State: c.State, Detail: c.Class})
		for _, t := range c.Topics {
			written[t] = true
			b.edge(Edge{From: id, To: b.topic(t), Rate: b.topicRate(t)})
		}
	}
	queryGroups := map[string]string{} // consumer group -> query node
	for _, q := range ks.queries {
		id := "query:" + q.ID
		b.node(Node{ID: id, Kind: "query", Name: q.ID, State: q.State, Detail: q.QueryString})
		for g := range b.lags {
			if strings.HasSuffix(g, "query_"+q.ID) {
				queryGroups[g] = id
			}
		}
		for _, t := range q.SinkKafkaTopics {
			written[t] = true
			b.edge(Edge{From: id, To: b.topic(t), Rate: b.topicRate(t)})
		}
	}
	// Consumer groups, and the ksqlDB queries' groups as their reads.
	groupNames := make([]string, 0, len(b.lags))
	for g := range b.lags {
		groupNames = append(groupNames, g)
	}
	sort.Strings(groupNames)
	for _, g := range groupNames {
		l := b.lags[g]
		if l.Error() != nil || l.ProtocolType == "connect" {
			continue
		}
		to, isQuery := queryGroups[g]
		if !isQuery {
			if strings.HasPrefix(g, "_") {
				continue
			}
			to = "group:" + g
			total := l.Lag.Total()
			b.node(Node{ID: to, Kind: "group", Name: g, State: l.State, Members: len(l.Members), Lag: &total})
		}
		topics := make([]string, 0, len(l.Lag))
		for t := range l.Lag {
			if !internalTopic(t) { // a query's group also reads its repartition topic
				topics = append(topics, t)
			}
		}
		sort.Strings(topics)
		for _, t := range topics {
			var lag int64
			for _, pl := range l.Lag[t] {
				if pl.Lag > 0 {
					lag += pl.Lag
				}
			}
			g, t := g, t
			r := b.rate(func(s sample) (int64, bool) { v, ok := s.commits[g][t]; return v, ok })
			b.edge(Edge{From: b.topic(t), To: to, Rate: r, Lag: &lag})
		}
	}
	// Queries' sources as ksqlDB describes them, where no group told.
	for _, q := range ks.queries {
		id := "query:" + q.ID
		for _, t := range ks.sources[q.ID] {
			if !b.hasEdge("topic:"+t, id) {
				b.edge(Edge{From: b.topic(t), To: id})
			}
		}
	}
	if dash != nil {
		b.node(Node{ID: "dashboard", Kind: "dashboard", Name: "dashboard", Detail: b.s.ep.Dashboard})
		topics := make([]string, 0, len(dash))
		for t := range dash {
			topics = append(topics, t)
		}
		sort.Strings(topics)
		for _, t := range topics {
			t := t
			b.edge(Edge{From: b.topic(t), To: "dashboard", Rate: b.rate(func(s sample) (int64, bool) { v, ok := s.consumed[t]; return v, ok })})
		}
	}
	// Producers: topics written recently that no connector or query writes.
	for t := range b.partitions {
		if internalTopic(t) || written[t] || !b.recentlyWritten(t) {
			continue
		}
		id := "producer:" + t
		b.node(Node{ID: id, Kind: "producer", Name: "producer of " + t})
		b.edge(Edge{From: id, To: b.topic(t), Rate: b.topicRate(t)})
	}
	for _, n := range b.nodes {
		b.p.Nodes = append(b.p.Nodes, *n)
	}
	columns(b.p)
}

func (b *builder) hasEdge(from, to string) bool {
	for _, e := range b.p.Edges {
		if e.From == from && e.To == to {
			return true
		}
	}
	return false
}

func (s *Server) probe(ctx context.Context, hc *http.Client, u string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode >= 300 {
		return fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return nil
}

// getJSON GETs u into v.
func (s *Server) getJSON(ctx context.Context, hc *http.Client, u string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode >= 300 {
		return fmt.Errorf("GET %s: %s: %s", u, resp.Status, bytes.TrimSpace(body))
	}
	return json.Unmarshal(body, v)
}

type connectorInfo struct {
	Name, State, Class string
	Topics             []string
}

// connectors reads Connect's GET /connectors?expand=status&expand=info and
// each connector's active topics (GET /connectors/{name}/topics), as
// https://docs.confluent.io/platform/7.9/connect/references/restapi.html
// documents them.
func (s *Server) connectors(ctx context.Context) ([]connectorInfo, error) {
	var all map[string]struct {
		Status struct {
			Connector struct {
				State string `json:"state"`
			} `json:"connector"`
			Tasks []struct {
				State string `json:"state"`
			} `json:"tasks"`
		} `json:"status"`
		Info struct {
			Config map[string]string `json:"config"`
		} `json:"info"`
	}
	if err := s.getJSON(ctx, s.connectHTTP, s.ep.Connect+"/connectors?expand=status&expand=info", &all); err != nil {
		return nil, err
	}
	var out []connectorInfo
	for name, c := range all {
		state := c.Status.Connector.State
		for _, t := range c.Status.Tasks {
			if t.State != "RUNNING" {
				state += ", a task " + t.State
				break
			}
		}
		ci := connectorInfo{Name: name, State: state, Class: c.Info.Config["connector.class"]}
		var topics map[string]struct {
			Topics []string `json:"topics"`
		}
		if err := s.getJSON(ctx, s.connectHTTP, s.ep.Connect+"/connectors/"+url.PathEscape(name)+"/topics", &topics); err == nil {
			ci.Topics = topics[name].Topics
		}
		sort.Strings(ci.Topics)
		out = append(out, ci)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

type runningQuery struct {
	ID              string   `json:"id"`
	QueryString     string   `json:"queryString"`
	State           string   `json:"state"`
	Sinks           []string `json:"sinks"`
	SinkKafkaTopics []string `json:"sinkKafkaTopics"`
}

type ksqlView struct {
	queries []runningQuery
	sources map[string][]string // query id -> the topics of the sources it reads
}

// ksql posts statements to ksqlDB's /ksql endpoint and returns its entities.
func (s *Server) ksql(ctx context.Context, stmts string) ([]json.RawMessage, error) {
	body, _ := json.Marshal(map[string]any{"ksql": stmts, "streamsProperties": map[string]string{}})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.ep.KSQLDB+"/ksql", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/vnd.ksql.v1+json")
	req.Header.Set("Accept", "application/vnd.ksql.v1+json")
	resp, err := s.ksqlHTTP.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("ksqlDB answered %s to %q: %s", resp.Status, stmts, bytes.TrimSpace(b))
	}
	var out []json.RawMessage
	return out, json.Unmarshal(b, &out)
}

// ksqlTopology reads the running queries (SHOW QUERIES) and, for their
// sources, each stream's and table's read queries (DESCRIBE), as
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-rest-api/ksql-endpoint/
// documents the answers.
func (s *Server) ksqlTopology(ctx context.Context) (ksqlView, error) {
	v := ksqlView{sources: map[string][]string{}}
	ents, err := s.ksql(ctx, "SHOW QUERIES; SHOW STREAMS; SHOW TABLES;")
	if err != nil {
		return v, err
	}
	type source struct {
		Name  string `json:"name"`
		Topic string `json:"topic"`
	}
	var sources []source
	for _, e := range ents {
		var ent struct {
			Queries []runningQuery `json:"queries"`
			Streams []source       `json:"streams"`
			Tables  []source       `json:"tables"`
		}
		if err := json.Unmarshal(e, &ent); err != nil {
			return v, fmt.Errorf("ksqlDB answer: %w", err)
		}
		v.queries = append(v.queries, ent.Queries...)
		sources = append(sources, ent.Streams...)
		sources = append(sources, ent.Tables...)
	}
	if len(v.queries) == 0 || len(sources) == 0 {
		return v, nil
	}
	var stmts strings.Builder
	for _, src := range sources {
		fmt.Fprintf(&stmts, "DESCRIBE `%s`; ", strings.ReplaceAll(src.Name, "`", "``"))
	}
	ents, err = s.ksql(ctx, stmts.String())
	if err != nil {
		return v, err
	}
	for _, e := range ents {
		var d struct {
			SourceDescription struct {
				Topic       string `json:"topic"`
				ReadQueries []struct {
					ID string `json:"id"`
				} `json:"readQueries"`
			} `json:"sourceDescription"`
		}
		if json.Unmarshal(e, &d) != nil {
			continue
		}
		for _, q := range d.SourceDescription.ReadQueries {
			v.sources[q.ID] = append(v.sources[q.ID], d.SourceDescription.Topic)
		}
	}
	return v, nil
}

// dashboardConsumed reads the CTA dashboard's records consumed per topic
// from its Prometheus text /metrics.
func (s *Server) dashboardConsumed(ctx context.Context) (map[string]int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.ep.Dashboard+"/metrics", nil)
	if err != nil {
		return nil, err
	}
	resp, err := s.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET /metrics: %s", resp.Status)
	}
	out := map[string]int64{}
	sc := bufio.NewScanner(io.LimitReader(resp.Body, 4<<20))
	const prefix = `ctalab_dashboard_records_consumed_total{topic="`
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, prefix) {
			continue
		}
		rest := line[len(prefix):]
		end := strings.Index(rest, `"}`)
		if end < 0 {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSpace(rest[end+2:]), 10, 64)
		if err != nil {
			continue
		}
		out[rest[:end]] = n
	}
	return out, sc.Err()
}
