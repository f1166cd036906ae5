package ksqldb

import (
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/metastore"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
)

// Scalable push queries (push v2, KLIP-52). A request turns them on with
// the override ksql.query.push.v2.enabled, or the server with its own;
// QueryExecutor.handleQuery
// (ksqldb-rest-app/src/main/java/io/confluent/ksql/rest/server/query/QueryExecutor.java)
// then runs an eligible push query (ScalablePushUtil.isScalablePushQuery)
// off the writing query's scalable push registry. ksqlDB installs that
// registry only with ksql.query.push.v2.registry.installed=true (QueryBuilder;
// false by default, KsqlConfig.KSQL_QUERY_PUSH_V2_REGISTRY_INSTALLED_DEFAULT)
// and this server installs none, so an eligible query is refused as
// PushPhysicalPlanBuilder refuses it; any other query runs classically.

// pushV2Property is KsqlConfig.KSQL_QUERY_PUSH_V2_ENABLED; the server's own
// value is false unless WithPushV2Enabled sets it.
const pushV2Property = "ksql.query.push.v2.enabled"

// WithPushV2Enabled sets the server's ksql.query.push.v2.enabled, which a
// push query with no override of its own follows
// (ScalablePushUtil.isPushV2Enabled). ksql.query.push.v2.registry.installed
// stays false: an eligible query is refused as without a registry.
// Default: false.
func WithPushV2Enabled(enabled bool) Option { return func(c *config) { c.pushV2 = enabled } }

// errNoScalablePushRegistry is PushPhysicalPlanBuilder's
// IllegalStateException as EngineExecutor.executeScalablePushQuery wraps it:
// a KsqlStatementException without unlogged details, so both /query and
// /query-stream answer the bare message.
var errNoScalablePushRegistry = &scalablePushError{msg: "Scalable push registry cannot be found. " +
	"Make sure that ksql.query.push.v2.registry.installed is set to true."}

// scalablePushError is a scalable push query's KsqlStatementException, whose
// message carries no "Statement:" line on either endpoint.
type scalablePushError struct{ msg string }

func (e *scalablePushError) Error() string { return e.msg }

// scalablePush reports whether ScalablePushUtil.isScalablePushQuery takes
// the push query q over source, given the request's properties (as
// strings) and the server's auto.offset.reset; the caller holds s.mu.
func (s *Server) scalablePush(q *sql.Query, source string, props map[string]string) bool {
	if v, ok := props[pushV2Property]; ok {
		if !strings.EqualFold(strings.TrimSpace(v), "true") {
			return false
		}
	} else if !s.cfg.pushV2 {
		return false
	}
	if !q.EmitChanges || len(q.Joins) > 0 || q.HasGroupBy || q.Window != nil || q.Having != nil || q.HasPartitionBy {
		return false
	}
	if !scalablePushLatest(props, s.cfg.offsetReset) || sinkWriters(s.ms, source) != 1 {
		return false
	}
	var sel []sql.Expr
	for _, it := range q.Items {
		if it.Expr != nil {
			sel = append(sel, it.Expr)
		}
	}
	return disallowedPseudo(sel...) == "" && disallowedPseudo(q.Where) == ""
}

// scalablePushLatest is ScalablePushUtil.isLatest: the request's
// auto.offset.reset, else its ksql.streams.auto.offset.reset, else the
// server's (latest unless configured).
func scalablePushLatest(props map[string]string, server string) bool {
	for _, k := range []string{"auto.offset.reset", "ksql.streams.auto.offset.reset"} {
		if v, ok := props[k]; ok {
			return v == "latest"
		}
	}
	return server == "latest"
}

// sinkWriters counts the persistent queries writing source
// (QueryRegistryImpl.getQueriesWithSink): its create-as query, a source
// table's own query included (registered as CREATE_SOURCE), and its INSERT
// INTO queries.
func sinkWriters(ms *metastore.Store, source string) int {
	n := 0
	for _, q := range ms.Queries {
		if q.Sink == source {
			n++
		}
	}
	return n
}

// uncoercedPushV2 keeps a /query-stream request's override of
// ksql.query.push.v2.enabled from turning scalable push on unless it is
// the JSON boolean true: QueryStreamArgs hands its properties over
// uncoerced and ScalablePushUtil.isPushV2Enabled tests Boolean.TRUE.equals,
// where the old /query body's KsqlRequest.getConfigOverrides coerces a
// string "true" first. It reports whether the override parses as a
// BOOLEAN: a classic push query's planning parses every override
// (EngineExecutor.planQuery: SessionConfig.getConfig(true)), and a
// ConfigException there is an internal error to the endpoint.
func uncoercedPushV2(raw map[string]any, props map[string]string) bool {
	v, ok := raw[pushV2Property]
	if ok && v != true {
		props[pushV2Property] = "false"
	}
	return !ok || parsesAsBoolean(v)
}
