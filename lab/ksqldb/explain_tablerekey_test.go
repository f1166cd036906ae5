package ksqldb

import "testing"

// EXPLAIN of a chain whose first stream-table join rekeys its stream,
// followed by a stream-stream join on the rekeyed column. No historical
// plan of confluentinc/ksql v7.9.0 records one; the topology is
// multi-joins_-_stream-table-stream_-_inner-inner's (the table built first,
// indexes 1 to 4; S1 from 6; the stream-stream join's stores and sink
// after S2) with S1 rekeyed for L_Join as multi-joins_-_stream-table-table_-_inner-inner_-_rekey
// rekeys it (L_LeftSourceKeyed-SelectKey, PrependAliasL_Left and the
// L_Join-repartition's filter and sink in a sub-topology of their own, the
// repartition's source feeding L_Join in the table's). The SelectKey and
// the repartition take four indexes (the rekey plan's S1 at 12 and sink at
// 22 against multi-joins_-_stream-table-table_-_inner-inner's 12 and 18),
// so S2 is at 14, the window stores 19/20 and the sink 23. The runtime
// spec is join_nway_tablerekey_test.go.
var tableRekeyCases = []explainCase{
	{
		name:   "a stream-stream join after a stream-table join that rekeys its stream reads the stream back from L_Join-repartition",
		topics: []string{"s1", "s2", "s3", "t"},
		stmts:  mixedSources + tableRekeyQuery,
		sink:   "OUTPUT", topology: "stream-table-stream-rekeyed-by-first-join.topology",
	},
	{
		name:   "so does one on an expression of the stream's column",
		topics: []string{"s1", "s2", "s3", "t"},
		stmts:  mixedSources + tableRekeyOnExpression,
		sink:   "OUTPUT", topology: "stream-table-stream-rekeyed-by-first-join.topology",
	},
}

func TestExplainOfAChainWhoseFirstStreamTableJoinRekeysBeforeAStreamStreamJoin(t *testing.T) {
	for _, c := range tableRekeyCases {
		t.Run(c.name, func(t *testing.T) { checkExplainCase(t, c) })
	}
}
