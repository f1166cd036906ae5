package planner

// chainStreamKeyed reports whether the stream an N-way join with
// stream-stream steps starts from is keyed as its topology needs: by one
// column, or by none where the chain's first join rekeys it (a
// repartition of the stream before the first join). ksqlDB rekeys a
// stream with no key column by its join column with the nodes of a keyed
// stream's rekey (historical plans
// joins_-_streams_with_no_key_columns_(stream-_stream) and
// joins_-_stream-stream_value-to-value_-_keyless), so the chain's topology
// is the one of a keyed stream joined on a value column.
func chainStreamKeyed(plan *Plan) bool {
	stream := plan.Join.Leaves[0].Source
	switch len(stream.Schema.Keys()) {
	case 1:
		return true
	case 0:
		for _, r := range plan.JoinRepartitions {
			if r.Leaf == 0 && r.Step == 0 && !r.Table {
				return true
			}
		}
	}
	return false
}
