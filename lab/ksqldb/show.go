package ksqldb

import (
	"context"
	"fmt"
	"regexp"
	"sort"

	"github.com/ctalab/ctalab/lab/ksqldb/metastore"
	"github.com/ctalab/ctalab/lab/ksqldb/restapi"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

func parseOne(text string) (sql.Parsed, error) {
	stmts, err := sql.Parse(text)
	if err != nil {
		return sql.Parsed{}, err
	}
	if len(stmts) != 1 {
		return sql.Parsed{}, fmt.Errorf("expected one statement, got %d", len(stmts))
	}
	return stmts[0], nil
}

func selectOf(p sql.Parsed) *sql.Query {
	switch st := p.Stmt.(type) {
	case *sql.CreateSource:
		return st.Query
	case *sql.InsertInto:
		return st.Query
	case *sql.QueryStatement:
		return st.Query
	}
	return nil
}

func (s *Server) queryState(id string) string {
	if rq := s.running[id]; rq != nil {
		return rq.status()
	}
	return "RUNNING"
}

func (s *Server) runningInfo(qi *metastore.Query) restapi.RunningQueryInfo {
	st := s.queryState(qi.ID)
	sinks, topics := []string{qi.Sink}, []string{qi.SinkTopic}
	if qi.SourceTable { // a source table's query has no sink
		sinks, topics = []string{}, []string{}
	}
	return restapi.RunningQueryInfo{QueryString: qi.Statement, Sinks: sinks, SinkKafkaTopic: topics,
		ID: qi.ID, StatusCount: map[string]int{st: 1}, QueryType: "PERSISTENT", State: st}
}

func sourceInfoOf(src *metastore.Source) restapi.SourceInfo {
	return restapi.SourceInfo{Type: src.Kind(), Name: src.Name, Topic: src.Topic, KeyFormat: src.KeyFormat, ValueFormat: src.ValueFormat, IsWindowed: src.Window != nil}
}

func (s *Server) execShow(ctx context.Context, ec *execCtx, p sql.Parsed, st *sql.Show) (any, error) {
	switch st.What {
	case "VARIABLES":
		return ec.execVariable(p)
	case "TYPES":
		return showTypes(ec.ms, p), nil
	case "FUNCTIONS":
		return showFunctions(p), nil
	case "STREAMS", "TABLES":
		if st.Extended {
			var descs []restapi.SourceDescription
			var warns []restapi.Warning
			for _, src := range ec.ms.SortedSources(st.What == "TABLES") {
				d, err := s.describe(ctx, ec.ms, src, true, &warns)
				if err != nil {
					return nil, err
				}
				descs = append(descs, d)
			}
			return &restapi.SourceDescriptionList{Type: "source_descriptions", StatementText: p.Text, SourceDescriptions: nonNil(descs), Warnings: nonNil(warns)}, nil
		}
		infos := []restapi.SourceInfo{}
		for _, src := range ec.ms.SortedSources(st.What == "TABLES") {
			infos = append(infos, sourceInfoOf(src))
		}
		if st.What == "STREAMS" {
			return &restapi.StreamsList{Type: "streams", StatementText: p.Text, Streams: infos, Warnings: []restapi.Warning{}}, nil
		}
		return &restapi.TablesList{Type: "tables", StatementText: p.Text, Tables: infos, Warnings: []restapi.Warning{}}, nil
	case "QUERIES":
		if st.Extended {
			return s.showQueriesExtended(ec, p)
		}
		qs := []restapi.RunningQueryInfo{}
		for _, qi := range ec.ms.SortedQueries() {
			qs = append(qs, s.runningInfo(qi))
		}
		return &restapi.QueriesList{Type: "queries", StatementText: p.Text, Queries: qs, Warnings: []restapi.Warning{}}, nil
	case "TOPICS":
		td, err := s.liveTopics(ctx)
		if err != nil {
			return nil, fmt.Errorf("list topics: %w", err)
		}
		topics := []restapi.TopicInfo{}
		for name, d := range td {
			if d.err != nil || d.internal || (!st.All && hiddenTopic(name)) {
				continue
			}
			topics = append(topics, restapi.TopicInfo{Name: name, ReplicaInfo: append([]int{}, d.partitions...)})
		}
		sort.Slice(topics, func(i, j int) bool { return topics[i].Name < topics[j].Name })
		return &restapi.TopicsList{Type: "kafka_topics", StatementText: p.Text, Topics: topics, Warnings: []restapi.Warning{}}, nil
	case "PROPERTIES":
		return s.properties(p, ec.props), nil
	}
	return nil, stmterr.Unsupported("SHOW " + st.What)
}

// hiddenTopics is ksqlDB's hidden-topic pattern: its own "_confluent-ksql-"
// prefix joined with the default of ksql.hidden.topics, matched against
// the whole name. confluentinc/ksql ksqldb-common/.../util/KsqlConfig.java
// (KSQL_HIDDEN_TOPICS_DEFAULT) and .../util/ReservedInternalTopics.java.
var hiddenTopics = regexp.MustCompile(`^(?:_confluent-ksql-.*|_confluent.*|__confluent.*|_schemas|__consumer_offsets|__transaction_state|connect-configs|connect-offsets|connect-status|connect-statuses)$`)

func hiddenTopic(name string) bool { return hiddenTopics.MatchString(name) }

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func (s *Server) execDescribe(ctx context.Context, ec *execCtx, p sql.Parsed, st *sql.Describe) (any, error) {
	var warns []restapi.Warning
	if st.List != "" {
		var descs []restapi.SourceDescription
		for _, src := range ec.ms.SortedSources(st.List == "TABLES") {
			d, err := s.describe(ctx, ec.ms, src, st.Extended, &warns)
			if err != nil {
				return nil, err
			}
			descs = append(descs, d)
		}
		return &restapi.SourceDescriptionList{Type: "source_descriptions", StatementText: p.Text, SourceDescriptions: nonNil(descs), Warnings: nonNil(warns)}, nil
	}
	src, ok := ec.ms.Sources[st.Name]
	if !ok {
		return nil, stmterr.Bad("Could not find STREAM/TABLE '%s' in the Metastore%s", st.Name, ec.ms.Alternatives(st.Name, ""))
	}
	d, err := s.describe(ctx, ec.ms, src, st.Extended, &warns)
	if err != nil {
		return nil, err
	}
	return &restapi.SourceDescriptionEntity{Type: "sourceDescription", StatementText: p.Text, SourceDescription: d, Warnings: nonNil(warns)}, nil
}

func (s *Server) describe(ctx context.Context, ms *metastore.Store, src *metastore.Source, extended bool, warns *[]restapi.Warning) (restapi.SourceDescription, error) {
	d := restapi.SourceDescription{Name: src.Name, ReadQueries: []restapi.RunningQueryInfo{}, WriteQueries: []restapi.RunningQueryInfo{},
		Fields: []restapi.FieldInfo{}, Type: src.Kind(), Extended: extended, KeyFormat: src.KeyFormat, ValueFormat: src.ValueFormat,
		Topic: src.Topic, Statement: src.Statement, QueryOffsetSummaries: []any{}, SourceConstraints: nonNil(ms.Constraints(src.Name)),
		ClusterStatistics: []any{}, ClusterErrorStats: []any{}}
	if src.Window != nil {
		wt := src.Window.Type
		d.WindowType = &wt
	}
	d.Timestamp = src.Timestamp
	for _, c := range src.Schema.Cols {
		f := restapi.FieldInfo{Name: c.Name, Schema: schemaInfo(c.Type)}
		switch {
		case c.Key:
			f.Type = "KEY"
		case c.Header:
			f.Type = "HEADER"
			if c.OneHeader {
				f.HeaderKey = c.HeaderKey
			}
		}
		d.Fields = append(d.Fields, f)
	}
	readers, writers := ms.ReadersWriters(src.Name)
	for _, id := range readers {
		d.ReadQueries = append(d.ReadQueries, s.runningInfo(ms.Queries[id]))
	}
	for _, id := range writers {
		d.WriteQueries = append(d.WriteQueries, s.runningInfo(ms.Queries[id]))
	}
	// the topic is described with and without EXTENDED; a failure is a
	// warning, not an error (ListSourceExecutor.describeSource)
	if tm, err := s.topicMetaOnce(ctx, src.Topic); err != nil || !tm.exists {
		if err != nil {
			s.log.Warn("describe source topic", "topic", src.Topic, "err", err)
		}
		*warns = append(*warns, restapi.Warning{Message: "Error from Kafka: Failed to Describe Kafka Topic(s): [" + src.Topic + "]"})
	} else {
		d.Partitions, d.Replication = tm.partitions, tm.replicas
	}
	if extended {
		if n := s.processLogs.Load(); n > 0 {
			d.ErrorStats = fmt.Sprintf("failed-messages: %d", n)
		}
	}
	return d, nil
}

// schemaInfo is the REST API's SchemaInfo of a type: complex types carry
// their member schema (ARRAY, MAP values) or fields (STRUCT).
func schemaInfo(t types.Type) restapi.FieldSchema {
	switch t.Kind() {
	case types.KindArray:
		m := schemaInfo(t.Elem)
		return restapi.FieldSchema{Type: "ARRAY", MemberSchema: &m}
	case types.KindMap:
		m := schemaInfo(t.Elem)
		return restapi.FieldSchema{Type: "MAP", MemberSchema: &m}
	case types.KindStruct:
		fs := make([]restapi.FieldInfo, len(t.Fields))
		for i, f := range t.Fields {
			fs[i] = restapi.FieldInfo{Name: f.Name, Schema: schemaInfo(f.Type)}
		}
		return restapi.FieldSchema{Type: "STRUCT", Fields: fs}
	case types.KindDecimal:
		// EntityUtil.visitDecimal: the base type, SqlDecimal.toParametersMap
		return restapi.FieldSchema{Type: "DECIMAL", Parameters: map[string]int{"precision": t.Precision, "scale": t.Scale}}
	}
	return restapi.FieldSchema{Type: t.DescribeName()}
}
