package planner

import (
	"github.com/ctalab/ctalab/lab/ksqldb/formats"
	"github.com/ctalab/ctalab/lab/ksqldb/metastore"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
)

// checkKafkaGroupBy refuses a GROUP BY clause over a source whose values
// are in the KAFKA format, as the Analyzer's validate does once it has
// seen the clause: an aggregation without one is not refused for it, a
// join is refused for its sources' formats already (see planJoin).
func checkKafkaGroupBy(q *sql.Query, src *metastore.Source, jp *JoinPlan) error {
	if len(q.GroupBy) == 0 || jp != nil || src.ValueFormat != formats.Kafka {
		return nil
	}
	alias := src.Name
	if q.FromAlias != "" {
		alias = q.FromAlias
	}
	return stmterr.Bad("Source(s) %s are using the 'KAFKA' value format. This format does not yet support GROUP BY.\n%s", alias, kafkaValueLimitation)
}
