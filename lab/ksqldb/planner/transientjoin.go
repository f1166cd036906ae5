package planner

import (
	"slices"

	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// TransientJoinPlan is a push query's join plan as ksqlDB builds the
// query's Kafka Streams topology: QueryBuilder.buildTransientQuery
// (confluentinc/ksql v7.9.0) builds a transient query's steps with the
// builders of a persistent query's (buildQueryImplementation; neither
// SourceBuilder nor StreamStreamJoinBuilder nor StreamTableJoinBuilder
// tells the two apart), so its stores, their changelogs and their layouts
// are the persistent plan's, and so are the repartitions of the sources it
// rekeys (JoinRepartitions). ok only where this server keeps those
// internal topics for a push query: a join of two sources over two
// topics, windowed only where both are streams, rekeying what the
// persistent join rekeys (a table side by its own key too, through
// <Side>SourceKeyed-SelectKey-repartition into
// <Side>SourceKeyed-Materialize): a stream with a stream or a table, or
// two tables (primary-key or foreign-key from a table keyed by one
// column; aggregated, as PlanTransient lays it out, as is the
// aggregation of a stream-table join), whose transient
// projection's Project-Last store is keyed by the join's key
// (TransientProjectKey); a chain of stream-table or table-table joins
// (transientChainPlan), of tables from a foreign-key join
// (transientFKChainPlan; a chain of tables aggregated too, as
// PlanTransient lays it out), with stream-stream steps
// (transientStreamChainPlan); each rekeying a result between two joins
// as PlanTransient lays it out. Every other push join keeps its state in
// memory only.
func TransientJoinPlan(plan *Plan) (*Plan, bool) {
	jp := plan.Join
	if jp == nil || plan.Persistent {
		return nil, false
	}
	if len(jp.Steps) > 1 && jp.ForeignKey() {
		return transientFKChainPlan(plan)
	}
	if len(jp.Steps) > 1 && jp.Windowed() {
		return transientStreamChainPlan(plan)
	}
	if len(jp.Steps) > 1 {
		return transientChainPlan(plan)
	}
	if len(jp.Steps) != 1 || len(jp.Leaves) != 2 {
		return nil, false
	}
	st := jp.Steps[0]
	left, right := jp.Leaves[0], jp.Leaves[1]
	if st.leftLeaf != 0 || left.Source.Topic == right.Source.Topic {
		return nil, false
	}
	if (left.Source.Window != nil || right.Source.Window != nil) && (st.Within == nil || left.Source.Table || right.Source.Table) {
		return nil, false // only a stream-stream join's window stores hold windowed rows
	}
	if st.ForeignKey && !left.Source.Table {
		return nil, false
	}
	if left.Source.Table && (plan.Agg != nil && plan.PrepareLast == nil || len(left.Source.Schema.Keys()) != 1) {
		return nil, false // an aggregation PlanTransient did not lay out
	}
	as := *plan
	as.Persistent = true
	as.JoinRepartitions = planJoinRepartitions(&as)
	return &as, true
}

// transientChainPlan is TransientJoinPlan for a chain of joins: one of
// stream-table or primary-key table-table joins (chainRekeysOf) that
// rekeys nothing, or what the first stage of its topology rekeys (the
// stream before the innermost join, through L_..._Join-repartition, and
// tables keyed unlike the chain, through
// <L_...>RightSourceKeyed-SelectKey-repartition), or a result between two
// joins (through the later join's <L_...>Join-repartition, as
// PlanTransient lays it out), whose stores are its tables' KafkaTopic_<L_ per level><Side>-Reduce
// or <L_...><Side>SourceKeyed-Materialize, and a chain of tables'
// Project-Last, keyed by the join's key (TransientProjectKey), or,
// aggregated, its aggregation's stores and repartition as PlanTransient
// lays them out.
func transientChainPlan(plan *Plan) (*Plan, bool) {
	jp := plan.Join
	if _, ok := chainRekeysOf(jp); !ok {
		return nil, false
	}
	if jp.TableTable() && plan.Agg != nil && plan.PrepareLast == nil {
		return nil, false // an aggregation PlanTransient did not lay out
	}
	return persistentStages(plan)
}

// transientStreamChainPlan is TransientJoinPlan for a chain with
// stream-stream steps: one from a stream, every source over a topic of
// its own and not windowed, no step a foreign-key one, rekeying what the
// persistent chain rekeys (planJoinRepartitions: a source through the
// first stage, pushrekey.go; a result between two steps, a FULL OUTER
// one's too, as PlanTransient lays it out). Its stores are each
// stream-stream step's window stores and each table's
// KafkaTopic_<L_ per level>Right-Reduce, where the persistent chain keeps
// them in ksqlDB's layout (newPushStores: runningQuery.useWindowLogs).
func transientStreamChainPlan(plan *Plan) (*Plan, bool) {
	jp := plan.Join
	if jp.Leaves[0].Source.Table {
		return nil, false
	}
	topics := map[string]bool{}
	for _, l := range jp.Leaves {
		if l.Source.Window != nil || topics[l.Source.Topic] {
			return nil, false
		}
		topics[l.Source.Topic] = true
	}
	if slices.ContainsFunc(jp.Steps, func(st JoinStep) bool { return st.ForeignKey }) {
		return nil, false
	}
	return persistentStages(plan)
}

// transientFKChainPlan is TransientJoinPlan for a chain of tables that
// starts with a foreign-key join (the only place ksqlDB allows one), as
// PlanTransient lays it out: every table over a topic of its own, the
// left one keyed by one column, rekeying nothing, aggregated only as
// PlanTransient lays it out. Its stores are its tables'
// KafkaTopic_<L_ per level><Side>-Reduce, the foreign-key join's output
// store (ForeignKeyStore) and subscription store and topics, and its
// projection's Project-Last or its aggregation's stores.
func transientFKChainPlan(plan *Plan) (*Plan, bool) {
	as, ok := fkChainStores(plan)
	if !ok || !plan.LogsFKStore {
		return nil, false
	}
	return as, true
}

// fkChainStores is the persistent plan of push chain plan starting with a
// foreign-key join, false where its shape is not transientFKChainPlan's.
func fkChainStores(plan *Plan) (*Plan, bool) {
	jp := plan.Join
	if plan.Agg != nil && plan.PrepareLast == nil || len(jp.Leaves[0].Source.Schema.Keys()) != 1 {
		return nil, false
	}
	topics := map[string]bool{}
	for _, l := range jp.Leaves {
		if !l.Source.Table || l.Source.Window != nil || topics[l.Source.Topic] {
			return nil, false
		}
		topics[l.Source.Topic] = true
	}
	as := *plan
	as.Persistent = true
	if as.JoinRepartitions = planJoinRepartitions(&as); len(as.JoinRepartitions) > 0 {
		return nil, false
	}
	return &as, true
}

// sameStages reports whether the persistent plan's repartitions past the
// first join's sides (rps) are the push plan's (push).
func sameStages(rps, push []JoinRepartition) bool {
	return slices.EqualFunc(stagesOf(rps), push, func(a, b JoinRepartition) bool { return a.Suffix == b.Suffix })
}

// TransientProjectKey is the key column of the Project-Last store of push
// query q's table-table join (plan): FinalProjectNode keeps the join's key
// as the key of a transient query's schema, whatever the projection holds
// ("Transient queries return key columns in the value":
// builder.keyColumns(parentSchema.key())), and ProjectNode hands its name
// to the TableSelect step, whose Selection names the store's key after it
// (confluentinc/ksql v7.9.0). So it is the join's key as the join names it
// (joinKeyName), of the left key's type, a foreign-key join's the left
// table's.
func TransientProjectKey(plan *Plan, q *sql.Query) types.Column {
	jp := plan.Join
	t := plan.In.Cols[jp.KeySlot].Type
	if jp.fkKeyed() {
		t = jp.Leaves[0].Source.Schema.Keys()[0].Type
	}
	return types.Column{Name: joinKeyName(jp, q), Type: t, Key: true}
}

// PlanTransient lays out, on push query q's plan, what its processor
// hands the internal topics of ksqlDB's topology that it writes and
// reads back at once (a persistent query's main thread does so too):
// an aggregation's of a table-table join or a chain of them
// (planTransientAggregate), the
// repartitions of a chain's result between two joins
// (planTransientStages), and the output store of a chain's foreign-key
// join (LogsFKStore). Other plans are left as they are.
func PlanTransient(plan *Plan, q *sql.Query) {
	if plan.Persistent || plan.Join == nil {
		return
	}
	planTransientAggregate(plan, q)
	planTransientStages(plan)
	if len(plan.Join.Steps) > 1 && plan.Join.ForeignKey() {
		_, plan.LogsFKStore = fkChainStores(plan)
	}
}

// planTransientStages gives a push chain of joins that rekeys a result
// between two joins (transientChainPlan, transientStreamChainPlan) the
// persistent chain's repartitions of those results (JoinRepartition.Step
// past 0), whose rows its processor hands out as it joins them
// (operators.OutRow.Stage); the repartitions before the first join are
// the first stage's (see pushrekey.go), aggregated or not.
func planTransientStages(plan *Plan) {
	jp := plan.Join
	if len(jp.Steps) < 2 {
		return
	}
	if _, ok := chainRekeysOf(jp); !ok && !jp.Windowed() {
		return
	}
	as := *plan
	as.Persistent = true
	plan.JoinRepartitions = stagesOf(planJoinRepartitions(&as))
}

// stagesOf are the repartitions of rps past the first join's sides.
func stagesOf(rps []JoinRepartition) []JoinRepartition {
	var out []JoinRepartition
	for _, r := range rps {
		if r.Step > 0 {
			out = append(out, r)
		}
	}
	return out
}

// planTransientAggregate gives push query q's aggregation of a
// table-table join (plan) the persistent aggregation's repartition and
// store layouts (Repartition, AggStore, PrepareLast): buildTransientQuery
// builds its Aggregate-Prepare, -GroupBy and -Aggregate steps as a
// persistent query's (the historical plan group-by_-_on_join), with the
// Prepare step materialized in Aggregate-Prepare-Last, the rows written
// through Aggregate-GroupBy-repartition and the aggregate kept in
// Aggregate-Aggregate-Materialize; so does a chain of tables' (primary-key
// or from a foreign-key join), whose result has no materialization either
// (TableSelectBuilder's forceMaterialize). An aggregation of a join of a
// stream with tables (alone or chained) gets the persistent stream
// aggregation's: its Aggregate-Aggregate-Materialize store and, grouped by
// anything but the result's key, Aggregate-GroupBy-repartition (no Prepare
// store: StreamSelectBuilder materializes nothing), and so does one of a
// join with stream-stream steps, the steps' window stores first in its
// topology, as in the persistent query's (aggregate_streamjoin_store_test.go).
// A plan whose layout this server does not plan is left as it is (its
// state kept in memory).
func planTransientAggregate(plan *Plan, q *sql.Query) {
	if plan.Agg == nil {
		return
	}
	jp := plan.Join
	as := *plan
	as.Persistent = true
	var err error
	if as.Repartition, err = planRepartition(q, &as); err != nil || as.Repartition == nil && jp.TableTable() {
		return // no layout of the persistent aggregation's: kept in memory
	}
	if as.AggStore, err = planAggStore(q, &as); err != nil || as.AggStore == nil {
		return
	}
	plan.Repartition, plan.AggStore = as.Repartition, as.AggStore
	if jp.TableTable() {
		plan.PrepareLast = planPrepareLast(q, &as)
	}
}

// persistentStages is plan as the persistent query lays it out, where its
// repartition stages are the ones PlanTransient laid out for the push
// query; false where the persistent chain rekeys a result between two
// joins that PlanTransient did not.
func persistentStages(plan *Plan) (*Plan, bool) {
	as := *plan
	as.Persistent = true
	as.JoinRepartitions = planJoinRepartitions(&as)
	if !sameStages(as.JoinRepartitions, plan.JoinRepartitions) {
		return nil, false
	}
	return &as, true
}
