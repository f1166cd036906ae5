// Package planner plans the queries of the embedded ksqlDB server. PlanQuery
// takes a parsed query and the metastore and gives a Plan: the input scope,
// WHERE, the aggregation (GROUP BY, HAVING, WINDOW), the projection with its
// table functions, the output schema with its key columns, and a JoinPlan
// or partitionPlan where the query joins or repartitions. It checks what
// ksqlDB's Analyzer, LogicalPlanner and their validators check and refuses
// with their messages; what is not built here is refused as not supported.
//
// By file: plan.go the query (Mode tells a persistent query from a push
// query); windowplan.go the WINDOW and EMIT clauses, with Kafka Streams'
// window sizes and the default grace; partitionby.go PARTITION BY;
// join.go the joins: leaves, steps, viable keys, synthetic key names,
// co-partitioning pairs and foreign-key joins.
//
// EXPLAIN: explain_shape.go builds ksqlDB's execution plan of a Plan (the
// steps from source to sink, their schemas and formats), explain_join.go,
// explain_chain.go, explain_streamchain.go and explain_tablechain.go the
// shapes of joins, and explain_topology.go the Kafka Streams topology
// description, internal topics named as Kafka Streams names them.
package planner
