package ksqldb

import (
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
)

// propNewQueryPlanner switches a persistent query to ksqlDB's experimental
// second planner (KsqlConfig.KSQL_NEW_QUERY_PLANNER_ENABLED), which plans
// a projection of column references differently: a key column left out of
// the projection is dropped rather than refused (EngineExecutor.planQuery).
const propNewQueryPlanner = "ksql.new.query.planner.enabled"

// checkQueryPlanner refuses a persistent query planned by the experimental
// planner, which this server does not have.
func checkQueryPlanner(ec *execCtx) error {
	if strings.EqualFold(strings.TrimSpace(ec.props[propNewQueryPlanner]), "true") {
		return stmterr.Unsupported("the new query planner (" + propNewQueryPlanner + "=true)")
	}
	return nil
}
