package ksqldb

import (
	"context"
	"fmt"
	"maps"

	"github.com/ctalab/ctalab/lab/ksqldb/metastore"
	"github.com/ctalab/ctalab/lab/ksqldb/planner"
	"github.com/ctalab/ctalab/lab/ksqldb/restapi"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
)

// queryDescription is the REST API's QueryDescription
// (confluentinc/ksql ksqldb-rest-model/.../entity/QueryDescription.java).
type queryDescription struct {
	ID                   string              `json:"id"`
	StatementText        string              `json:"statementText"`
	WindowType           *string             `json:"windowType"`
	Fields               []restapi.FieldInfo `json:"fields"`
	Sources              []string            `json:"sources"`
	Sinks                []string            `json:"sinks"`
	Topology             string              `json:"topology"`
	ExecutionPlan        string              `json:"executionPlan"`
	OverriddenProperties map[string]string   `json:"overriddenProperties"`
	KsqlHostQueryStatus  map[string]string   `json:"ksqlHostQueryStatus"`
	QueryType            string              `json:"queryType"`
	QueryErrors          []any               `json:"queryErrors"`
	TasksMetadata        []any               `json:"tasksMetadata"`
	State                string              `json:"state"`
	ConsumerGroupID      string              `json:"consumerGroupId"`
}

type queryDescriptionEntity struct {
	Type             string            `json:"@type"`
	StatementText    string            `json:"statementText"`
	QueryDescription queryDescription  `json:"queryDescription"`
	Warnings         []restapi.Warning `json:"warnings"`
}

// execExplain is EXPLAIN <query id> (ExplainExecutor.explainQuery). The
// execution plan is PlanSummary's text; the topology is what Kafka Streams
// prints for the query ksqlDB 0.29 builds. Both are known for queries that
// project, filter, flatten (table functions, FlatMap) or PARTITION BY a
// stream, read a table, aggregate a stream or table (explain_shape.go), or
// join a stream to a table or to a stream (explain_join.go); other joins
// are refused.
// Shapes: docs/developer-guide/ksqldb-reference/show-queries.md (SINK,
// PROJECT, SOURCE; topology with KSTREAM-TRANSFORMVALUES and Project),
// ksqldb-functional-tests/.../historical_plans/project-filter_-_CSAS_with_custom_Kafka_topic_name/7.1.0_1633126017028/topology
// (WhereFilter), ksqldb-engine/.../planner/plan/PlanSummary.java (indentation).
func (s *Server) execExplain(_ context.Context, ec *execCtx, p sql.Parsed, st *sql.Explain) (any, error) {
	qi, ok := ec.ms.Queries[st.QueryID]
	if !ok {
		return nil, stmterr.Bad("Query with id:%s does not exist, use SHOW QUERIES to view the full set of queries.", st.QueryID)
	}
	d, err := s.describeQuery(ec, qi, "EXPLAIN")
	if err != nil {
		return nil, err
	}
	return &queryDescriptionEntity{Type: "queryDescription", StatementText: p.Text, QueryDescription: d, Warnings: []restapi.Warning{}}, nil
}

// showQueriesExtended is SHOW QUERIES EXTENDED: a queryDescription per
// persistent query (ListQueriesExecutor, QueryDescriptionList).
func (s *Server) showQueriesExtended(ec *execCtx, p sql.Parsed) (any, error) {
	descs := []queryDescription{}
	for _, qi := range ec.ms.SortedQueries() {
		d, err := s.describeQuery(ec, qi, "SHOW QUERIES EXTENDED")
		if err != nil {
			return nil, err
		}
		descs = append(descs, d)
	}
	return &queryDescriptionList{Type: "query_descriptions", StatementText: p.Text, QueryDescriptions: descs, Warnings: []restapi.Warning{}}, nil
}

type queryDescriptionList struct {
	Type              string             `json:"@type"`
	StatementText     string             `json:"statementText"`
	QueryDescriptions []queryDescription `json:"queryDescriptions"`
	Warnings          []restapi.Warning  `json:"warnings"`
}

func (s *Server) describeQuery(ec *execCtx, qi *metastore.Query, what string) (queryDescription, error) {
	q, err := queryOf(qi)
	if err != nil {
		return queryDescription{}, fmt.Errorf("explain %s: %w", qi.ID, err)
	}
	plan, err := planOfQuery(ec.ms, qi, q)
	if err != nil {
		return queryDescription{}, err
	}
	sink := ec.ms.Sources[qi.Sink]
	if sink == nil {
		return queryDescription{}, fmt.Errorf("explain %s: sink %s does not exist", qi.ID, qi.Sink)
	}
	// a source table's query materializes the table and writes no topic
	// (EngineExecutor.sourceTablePlan): no sink step, node or name
	sinkName, sinks := qi.Sink, []string{qi.Sink}
	if qi.SourceTable {
		sinkName, sinks = "", []string{}
	}
	sh, err := planner.ExplainShape(what, q, plan, sinkName, sink.Topic)
	if err != nil {
		return queryDescription{}, err
	}
	if sinkName != "" && !qi.Insert && sink.Timestamp != "" {
		sh.ApplyTimestamp(sinkName, sink.Topic)
	}

	fields := []restapi.FieldInfo{}
	for _, c := range plan.Out.Cols {
		f := restapi.FieldInfo{Name: c.Name, Schema: schemaInfo(c.Type)}
		if c.Key {
			f.Type = "KEY"
		}
		fields = append(fields, f)
	}
	ri := s.runningInfo(qi)
	// the server does not know the host:port it is reached at, so the
	// per-host status map stays empty (a known difference)
	hosts := map[string]string{}
	sources := []string{plan.Source.Name}
	if plan.Join != nil {
		sources = planner.SourceOrder(plan.Join.SourceNames())
	}
	d := queryDescription{ID: qi.ID, StatementText: qi.Statement, WindowType: sh.WindowType, Fields: fields, Sources: sources,
		Sinks: sinks, Topology: sh.Topo.String(), ExecutionPlan: planner.SummarizePlan(qi.ID, sh.Plan),
		OverriddenProperties: maps.Clone(qi.Props), KsqlHostQueryStatus: hosts, QueryType: "PERSISTENT",
		QueryErrors: []any{}, TasksMetadata: []any{}, State: ri.State, ConsumerGroupID: s.appID(qi.ID)}
	if d.OverriddenProperties == nil {
		d.OverriddenProperties = map[string]string{}
	}
	return d, nil
}
