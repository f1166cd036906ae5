package ksqldb

import "testing"

// EXPLAIN of chains that mix stream-stream and stream-table joins, whose
// first join rekeys nothing and whose later join rekeys a side. No
// historical plan of confluentinc/ksql v7.9.0 records one, so the
// topologies are derived as in explain_laterrekey_test.go (build order:
// a stream-table join builds its table, then its left side, then the
// join; a stream-stream join its left side, then its right, then the
// join; a rekeyed side's SelectKey burns one index, its repartition's
// filter, sink and source three):
//   - a stream-table join on a column after a stream-stream join on keys
//     is the historical plan multi-joins_-_stream-stream-table_-_full-inner's
//     topology with an inner first join: its FULL OUTER result is rekeyed
//     the same way (LeftSourceKeyed-SelectKey, Join-repartition, the joins
//     before it in a sub-topology of their own, read back in the table's),
//     so the file is that plan's topology with KStreamImplJoin's names of
//     an inner join and the topics renamed: stores 14/15 past the table's
//     0 to 5, sink 24;
//   - a stream-stream join on a column of its stream after a stream-table
//     join on keys is multi-joins_-_stream-table-stream_-_inner-inner's
//     topology with S2 rekeyed in a sub-topology of its own, printed after
//     the join's as multi-joins_-_only_viable_in_projection prints its
//     rekeyed streams: S2's SelectKey and Join-right-repartition make every
//     index from S2's on four higher (stores 19/20, sink 23);
//   - a stream-stream join after the rekeying stream-table join of the
//     first case, on the rekeyed column, is the first case's topology
//     (the stream-stream join, its SelectKey and the L_Join-repartition in
//     sub-topology 1; the table, the repartition's source and L_Join in
//     sub-topology 0) with S3 and the join over L_Join after it in
//     sub-topology 0, as multi-joins_-_stream-table-stream_-_inner-inner
//     puts a stream-stream join after a stream-table one: S3's source 22,
//     stores 27/28, sink 31.
//
// The runtime spec of these chains is join_nway_mixedrekey_test.go.
var mixedRekeyCases = []explainCase{
	{
		name:   "a stream-table join after a stream-stream join on keys rekeys the result in the stream-stream join's sub-topology",
		topics: []string{"s1", "s2", "s3", "t"},
		stmts: mixedSources + "CREATE STREAM output AS SELECT s1.k, s1.v0, s2.v0, t.v0 FROM s1 JOIN s2 WITHIN 10 SECONDS ON s1.id = s2.id " +
			"JOIN t ON s1.k = t.id;",
		sink: "OUTPUT", topology: "stream-stream-table-rekeyed-by-table-join.topology",
	},
	{
		name:   "a stream-stream join after a stream-table join on keys rekeys its stream in a sub-topology of its own",
		topics: []string{"s1", "s2", "s3", "t"},
		stmts: mixedSources + "CREATE STREAM output AS SELECT s1.id, s1.v0, t.v0, s2.v0 FROM s1 JOIN t ON s1.id = t.id " +
			"JOIN s2 WITHIN 10 SECONDS ON s1.id = s2.k;",
		sink: "OUTPUT", topology: "stream-table-stream-later-join-rekeys-stream.topology",
	},
	{
		name:   "a stream-stream join after a rekeying stream-table join joins the result in the table's sub-topology",
		topics: []string{"s1", "s2", "s3", "t"},
		stmts: mixedSources + "CREATE STREAM output AS SELECT s1.k, s1.v0, s2.v0, t.v0, s3.v0 FROM s1 JOIN s2 WITHIN 10 SECONDS ON s1.id = s2.id " +
			"JOIN t ON s1.k = t.id JOIN s3 WITHIN 10 SECONDS ON s1.k = s3.id;",
		sink: "OUTPUT", topology: "stream-stream-table-stream-rekeyed-by-table-join.topology",
	},
}

func TestExplainOfChainsMixingStreamAndTableJoinsThatRekeyAfterTheirFirstJoin(t *testing.T) {
	for _, c := range mixedRekeyCases {
		t.Run(c.name, func(t *testing.T) { checkExplainCase(t, c) })
	}
}
