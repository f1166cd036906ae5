package planner

import (
	"slices"

	"github.com/ctalab/ctalab/lab/ksqldb/formats"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
)

// planRegistryStreamChain are the repartitions of a chain of [INNER] or
// LEFT stream-stream joins, each source a stream of its own topic with one
// key column (or with [INNER] or LEFT stream-table steps among them, each
// table of its own topic joined on its key in the chain's key format; a
// first stream-table join rekeying nothing), whose first join rekeys a side (one joined on anything but
// its key, or both where the join's key format forces it; rekeyedSides: a
// format that infers schemas, or sides keyed in other formats) or none,
// a later join rekeying its own sides (LogicalPlanner.prepareSourceForJoin
// plans each join's sides whatever the joins before it rekeyed). The first
// join's rekeyed streams go through <prefix>Join-left-repartition and
// Join-right-repartition, keyed by the join expression in the join's key
// format (joinRepartition: an expression's key named KSQL_COL_0 and copied
// last among the values). A later join whose left expression is in the
// result's equivalence set (JoinTree.joinEquivalenceSet, expressions as
// JoinPlan.equivalent names them) finds the result keyed already; a later
// join on another column or an expression rekeys the result by it (an
// expression's key KSQL_COL_0, copied last among the values) through its
// <prefix>Join-left-repartition, or a stream-table join's
// <prefix>Join-repartition (chainRepartition; historical plan
// multi-joins_-_stream-stream-table_-_full-inner rekeys its FULL OUTER
// result the same way), in the join's key
// format: the chain's first stream's where the right stream is rekeyed
// too (neither side has a preferred key format, so
// JoinNode.resolveKeyFormats takes getDefaultSourceKeyFormat's, the first
// source's of the left input: registrySecondRekeyChain's third join is in
// S1's JSON_SR after a join in S3's AVRO), else the right stream's
// (JoinNode.resolveKeyFormats). A later join's stream goes
// through its <prefix>Join-right-repartition where it is joined on
// anything but its key, or where the join's key format infers schemas or
// is not that stream's, keyed by the join expression in that format
// (PreJoinRepartitionNode). Historical plans
// multi-joins_-_stream-stream-stream_-_SR-enabled_key_format (on keys),
// _-_SR-enabled_key_format_-_rekey (the second join on value columns:
// Join-left-repartition, Join.Left, and Join-right-repartition, Join.Right,
// in JSON_SR) and multi-joins_-_only_viable_in_projection (on ABS(S2.ID)
// and ABS(S3.ID): L_Join.Right and Join.Right keyed KSQL_COL_0); a first
// join on keys followed by one on S2.K rekeys the result as
// multi-joins_-_stream-stream-stream_-_outer-outer rekeys its FULL OUTER
// one (Join-left-repartition, keyed S2_K). A first join that is FULL
// OUTER, on both streams' keys or value columns (each stream rekeyed by
// its column) in a format that infers schemas, or on both keys (neither
// rekeyed) in one that infers none before a later join on an expression
// or one that rekeys its stream (derived topologies
// stream-stream-stream-outer-first-result-rekeyed-on-expression and
// -outer-first-both-rekeyed; planOuterChainRepartition builds the other
// such chains), leaves a
// result keyed by its synthetic key and an empty equivalence set
// (JoinTree.joinEquivalenceSet), so the next join rekeys the result by its
// left column as planOuterChainRepartition does (outerRepartition: the
// values end in the synthetic key), in that join's key format (the right
// stream's where it is joined on its key: PreJoinRepartitionNode.getPreferredKeyFormat
// has none for the side that must be rekeyed); a later stream-stream join
// that rekeys the result again carries the synthetic key where it was
// among the values (outerRepartition). A FULL OUTER step between others,
// on the key the result is keyed by, rekeys only its stream, on another
// column the result too (as a FULL OUTER last step does; a FULL OUTER
// result through outerRepartition), and the stream-stream join after it
// rekeys its result alike (derived topologies
// stream-stream-stream-stream-sr-keys-inner-outer-rekey-inner and
// -outer-outer-inner), a stream-table join after it (or after a join
// past a FULL OUTER first step) through Join-repartition where its table
// needs no rekey (keyed in KAFKA: derived topology
// stream-stream-stream-table-sr-keys-inner-outer-kafka-table), or where
// it is keyed in a format that infers schemas, rekeyed at that step too
// (historical plan
// multi-joins_-_stream-stream-table_-_SR-enabled_key_format_-_rekey_-_differing_internal_key_formats;
// derived topologies stream-stream-stream-table-sr-keys-inner-outer-avro-table
// and -outer-inner-avro-table). A table keyed in another
// format than its join's, or in one that infers schemas, after joins that
// rekey nothing but streams (the first stream-stream join's, a later
// one's) or the result at an earlier step (a stream-stream join after it
// only where nothing is rekeyed between them, where it rekeys nothing
// after a rekey of the result, or where it rekeys a side after a rekey of
// the result or of a later stream made after the table: derived topologies
// stream-stream-stream-table-stream-result-rekeyed-table-key-format-mismatch,
// -later-stream-rekeyed-table-key-format-mismatch and
// stream-stream-table-stream-stream-table-key-format-mismatch-result-rekeyed-after-table), or nothing
// but other such tables (historical plan
// multi-joins_-_stream-table-table_-_table_key_format_mismatch rekeys two;
// a stream-stream join after them whatever it rekeys: derived topologies
// stream-stream-table-table-stream-both-key-format-mismatch and its
// -result-rekeyed, -stream-rekeyed and -both-rekeyed variants),
// or the result at its own step (the join's key format the table's, one
// that infers schemas, the result rekeyed into it through
// <prefix>Join-repartition; historical plan
// multi-joins_-_stream-stream-table_-_SR-enabled_key_format_-_rekey_-_differing_internal_key_formats,
// derived topologies stream-stream-stream-table-sr-keys-result-rekeyed-by-table-join
// and, with a stream-stream join after the table,
// stream-stream-table-stream-sr-keys-result-rekeyed-by-table-join),
// or, in a chain keyed in a format that infers schemas, anything but the
// result before its own step (every source before it forced alike, the
// result rekeyed at its join where it is joined on another column;
// derived topologies stream-table-stream-table-sr-keys-all-rekeyed and
// -all-rekeyed-result-rekeyed-by-table-join, its first stream-table
// join's sides rekeyed as joins_-_stream-table_key-to-key_-_SR-enabled_key_format
// rekeys them; with two such tables before a stream-stream join on the
// key, which rekeys only its stream, forced, derived topology
// stream-table-table-stream-sr-keys-all-rekeyed),
// is rekeyed by its own key into the join's key format
// through its <prefix>RightSourceKeyed-SelectKey-repartition into
// RightSourceKeyed-Materialize (PreJoinRepartitionNode.maybeForceInternalKeyFormat;
// as the historical plan multi-joins_-_stream-stream-table_-_SR-enabled_key_format
// rekeys its table after repartitioned streams), and so after a first
// stream-table join that rekeyed nothing but its stream, or it and later
// streams or the result at an earlier step (the result keyed in its
// table's format or the one that rekey gave it; derived topologies
// stream-table-stream-rekeyed-table-key-format-mismatch-later-stream-rekeyed,
// stream-table-stream-stream-rekeyed-table-key-format-mismatch-result-rekeyed,
// stream-table-stream-table-stream-rekeyed-table-key-format-mismatch,
// and with a stream-stream join after the table
// stream-table-stream-table-stream-rekeyed-then-stream-key-format-mismatch
// and stream-table-table-stream-rekeyed-table-key-format-mismatch; with a
// second such table after a stream-stream join
// stream-table-stream-table-table-stream-rekeyed-both-key-format-mismatch); a first stream-table
// join's table so through <prefix>RightSourceKeyed-SelectKey-repartition
// where the stream is not rekeyed, the stream-stream joins after it
// joining the result as keyed (as after a later table where nothing else
// is rekeyed; a later table keyed otherwise rekeyed alike where the chain
// rekeys nothing but tables), or with the stream, through <prefix>Join-repartition,
// where the join's key format, the table's, infers schemas. A first join's left stream (of a stream-stream or a
// stream-table join) rekeyed on an expression leaves its copy of the key
// (S1_KSQL_COL_0) after its values in the result (historical plan
// multi-joins_-_stream-table-table_-_inner-inner_-_rekey_with_different_expression:
// schemas L_Join.Left and Join.Left), which a later rekey of the result
// carries, computed again from the joined row (chainRepartition), as it
// carries a right stream's copy (S2_KSQL_COL_0 after S2's values;
// historical plan multi-joins_-_only_viable_in_projection, schema
// Join.Left) where the first join rekeys that stream on an expression
// (carryStreamCopies), and as a second rekey of the result carries the
// copy of the first's key where that is an expression (KSQL_COL_0 after
// the values of the sources joined before it, historical plan
// multi-joins_-_stream-table-table_-_inner-inner_-_rekey_with_different_expression:
// schema Join.Left). A RIGHT
// stream-stream step's right stream is Kafka Streams' "this" side
// (StreamStreamJoinBuilder: the stream's leftJoin of the left side), so
// it goes through <prefix>Join-left-repartition and a first step's left
// stream through L_Join-right-repartition (KStreamImplJoin's suffixes;
// historical plan joins_-_stream_stream_right_join_-_rekey_-_JSON); a
// later one on a column the result is keyed by rekeys only its stream,
// and so does a FULL OUTER last step (its stores keyed as its left input,
// the synthetic key naming only its result); one on another column
// rekeys the result too, through <prefix>Join-left-repartition (its left
// side Kafka Streams' "this" one: StreamStreamJoinBuilder's outerJoin),
// unless the first step is FULL OUTER too; a later RIGHT step that
// rekeys the result writes it, Kafka Streams' "other" side, to
// <prefix>Join-right-repartition (KStreamImpl.doJoin's -right suffix),
// a FULL OUTER step's result, or one past such a step, too
// (outerRepartition; derived topologies
// stream-stream-stream-sr-keys-outer-right,
// stream-stream-stream-stream-sr-keys-inner-outer-right and
// -outer-inner-right). A FULL OUTER last step after a FULL OUTER one rekeys
// that one's result through Join-left-repartition alike (historical plan
// multi-joins_-_stream-stream-stream_-_outer-outer, its stream forced
// through Join-right-repartition). A later join's right stream rekeyed on an
// expression leaves its copy of the key after its values in the result,
// which a later rekey of the result carries as it carries the first
// join's right stream's (carryStreamCopies; derived topology
// stream-stream-stream-stream-later-right-rekeyed-on-expression-then-result),
// past a FULL OUTER step too, before the synthetic key where the stream
// was joined at or before that step (JoinParamsFactory.createSchema
// appends the key after the right side's values; derived topology
// stream-stream-stream-stream-outer-right-rekeyed-on-expression-then-result),
// and a rekey of a FULL OUTER result on an expression keeps its copy of
// the key after the synthetic key (StreamSelectKeyBuilder appends it). A
// rekey of the result past a FULL OUTER step carries the copy of an
// earlier rekey on an expression, of the first stream (after its values)
// or of the result (after the values of the sources joined before it),
// before the synthetic key where that rekey came at or before the FULL
// OUTER step (outerRepartition; derived topologies
// stream-stream-stream-stream-rekeyed-on-expression-outer-then-result and
// -outer-result-rekeyed-on-expression-then-result). nil for other chains.
func planRegistryStreamChain(jp *JoinPlan) []JoinRepartition {
	first := jp.Steps[0]
	left, right := jp.Leaves[0], jp.Leaves[1]
	topics := map[string]bool{}
	for k, st := range jp.Steps {
		_, lok := jp.equivalent(st.leftExpr)
		_, rok := jp.equivalent(st.rightExpr)
		rl := jp.Leaves[st.Right]
		// a FULL OUTER stream-stream step of a chain keyed in a format
		// that infers schemas: its result rekeyed by the next join
		// (outerFirst, outerBefore below)
		outer := st.Type == sql.OuterJoin && st.Within != nil
		// a RIGHT stream-stream step (streamRepartitions names a first
		// one's sides; rightStep below a later one's)
		right := st.Type == sql.RightJoin && st.Within != nil
		if st.Right != k+1 || st.ForeignKey || st.Type != sql.InnerJoin && st.Type != sql.LeftJoin && !outer && !right ||
			rl.Source.Table != (st.Within == nil) || rl.Source.Window != nil || topics[rl.Source.Topic] || !lok || !rok ||
			rl.Source.Table && !rl.keyedBy(st.rightExpr) {
			return nil
		}
		topics[rl.Source.Topic] = true
	}
	if left.Source.Table || left.Source.Window != nil || topics[left.Source.Topic] || first.leftLeaf != 0 || !jp.Windowed() {
		return nil
	}
	rekeyLeft, rekeyRight, keyFormat := rekeyedSides(jp, first, left, right)
	outerFirst := first.Type == sql.OuterJoin
	if outerFirst && (!isColumnRef(first.leftExpr) || !isColumnRef(first.rightExpr) ||
		!formats.RegistryFormat(keyFormat) && (rekeyLeft || rekeyRight)) {
		// a FULL OUTER first step on expressions, or one that rekeys a
		// stream in a format that infers no schemas: not built here; in
		// a format that infers schemas, on keys or value columns, both
		// streams are rekeyed alike; in one that infers none, on both
		// keys, neither (chains planOuterChainRepartition does not build:
		// a later join on an expression or one that rekeys its stream)
		return nil
	}
	format := joinFormatSource(left, right, first)
	n := len(jp.Steps)
	var out []JoinRepartition
	if right.Source.Table {
		if rekeyLeft { // the stream through the stream-table join's <L_...>Join-repartition
			out = append(out, joinRepartition(0, left, first.leftExpr, first.LeftKey, "-"+chainPrefix(n-1)+"Join-repartition", keyFormat, left.Alias))
		}
		if rekeyRight {
			// a table keyed otherwise than the stream, or in a format that
			// infers schemas (then with the stream: historical plan
			// joins_-_stream-table_key-to-key_-_SR-enabled_key_format):
			// rekeyed by its own key into the join's key format through
			// <L_...>RightSourceKeyed-SelectKey-repartition into
			// <L_...>RightSourceKeyed-Materialize (historical plan
			// multi-joins_-_stream-table-table_-_table_key_format_mismatch
			// rekeys its inner join's table so)
			ctx := chainPrefix(n-1) + "Right"
			out = append(out, tableSideRepartition(1, right, first.rightExpr, first.RightKey,
				"-"+ctx+"SourceKeyed-SelectKey-repartition", ctx+"SourceKeyed-Materialize", keyFormat))
		}
	} else {
		out = streamRepartitions(first, left, right, rekeyLeft, rekeyRight, keyFormat, "-"+chainPrefix(n-1))
	}
	// a stream rekeyed on an expression: the result carries its key's
	// copy; the first join's left stream's (exprRekeys[0], a stream-stream
	// or stream-table join's), after its values, is computed again when
	// the result is rekeyed (chainRepartition)
	exprRekeys := make([]bool, n)
	exprRekeys[0] = rekeyLeft && !isColumnRef(first.leftExpr)
	// a right stream's, the first join's or a later one's, after its
	// values, is carried by each later rekey of the result
	// (carryStreamCopies), past a FULL OUTER step too (outerRepartition)
	l, _ := jp.equivalent(first.leftExpr)
	r, _ := jp.equivalent(first.rightExpr)
	equiv := map[string]bool{l: true, r: true}
	if outerFirst { // JoinTree.joinEquivalenceSet: none for an OUTER join
		equiv = map[string]bool{}
	}
	for k := 1; k < n; k++ {
		st := jp.Steps[k]
		rl := jp.Leaves[st.Right]
		prefix := chainPrefix(n - 1 - k)
		// a stream-stream step after rekeyed tables finds the joined row
		// as the steps before it laid it out, each table's PrependAlias
		// values where it was joined, whatever it rekeys: nothing, or
		// only its stream (laterStepLayout; derived topologies
		// stream-stream-table-table-stream-both-key-format-mismatch and
		// -stream-rekeyed, and after a rekey of a later stream made after
		// the table
		// stream-stream-table-stream-stream-key-format-mismatch-later-streams-rekeyed-after-table),
		// the result (rekeyedStepLayout; derived topologies
		// stream-stream-table-table-stream-both-key-format-mismatch-result-rekeyed
		// and -both-rekeyed, and after a rekey of the result or of a
		// later stream made after the table
		// stream-stream-table-stream-stream-key-format-mismatch-result-rekeyed-twice-after-table
		// and -later-stream-then-result-rekeyed-after-table), or its
		// stream after a rekey of the result (afterRekeyLayout; derived
		// topology
		// stream-stream-table-stream-stream-key-format-mismatch-stream-rekeyed-after-result-after-table)
		l, _ := jp.equivalent(st.leftExpr)
		r, _ := jp.equivalent(st.rightExpr)
		rekeyStream := !rl.keyedBy(st.rightExpr)
		table := rl.Source.Table
		// a RIGHT stream-stream step: ksqlDB runs it as the right stream's
		// LEFT join of the result (StreamStreamJoinBuilder), so its stream
		// is Kafka Streams' "this" side, repartitioned through
		// <prefix>Join-left-repartition (KStreamImplJoin names a
		// repartition after its side of the Kafka Streams join)
		rightStep := st.Type == sql.RightJoin
		// a FULL OUTER step before this one: the result carries its
		// synthetic key among the values (outerRepartition)
		outerBefore := slices.ContainsFunc(jp.Steps[:k], func(s JoinStep) bool { return s.Type == sql.OuterJoin })
		if !equiv[l] {
			if !rekeyStream { // the join takes the stream's or table's key format
				keyFormat, format = rl.Source.KeyFormat, rl.Source
			} else {
				// both sides rekeyed: neither has a preferred key format,
				// so the join takes the first source's
				// (JoinNode.getDefaultSourceKeyFormat: the first of the
				// left input's sources, the chain's first stream)
				keyFormat, format = jp.Leaves[0].Source.KeyFormat, jp.Leaves[0].Source
			}
			suffix := "-" + prefix + "Join-left-repartition"
			switch {
			case table: // a stream-table join's Joined name: Join-repartition
				suffix = "-" + prefix + "Join-repartition"
			case rightStep:
				// the result is Kafka Streams' "other" side of the
				// stream's LEFT join (KStreamImpl.doJoin's -right suffix;
				// historical plan joins_-_stream_stream_right_join_-_rekey_-_JSON)
				suffix = "-" + prefix + "Join-right-repartition"
			}
			if outerBefore {
				// the FULL OUTER result keeps its synthetic key among the
				// values, where it was through any rekey after the first
				// (JoinParamsFactory.createSchema keeps each side's values)
				// (and each later stream's copy of its key on an
				// expression after that stream's values, before the
				// synthetic key where the stream was joined before it:
				// carryStreamCopies)
				out = append(out, carryStreamCopies(jp, outerRepartition(jp, k, suffix, keyFormat, exprRekeys), out))
			} else {
				out = append(out, carryStreamCopies(jp, chainRepartition(jp, k, suffix, keyFormat, exprRekeys), out))
			}
			equiv = map[string]bool{}
			// rekeyed on an expression: the result carries its key's copy
			// after the values so far, computed again by a later rekey
			// (chainRepartition)
			exprRekeys[k] = !isColumnRef(st.leftExpr)
		}
		forced := formats.RegistryFormat(keyFormat) || rl.Source.KeyFormat != keyFormat || format != nil && !sameKeyFormat(rl.Source, format)
		if table && forced {
			tables := slices.ContainsFunc(out, func(rp JoinRepartition) bool { return rp.Table })
			// a chain keyed in a format that infers schemas that rekeys
			// no result before this table: every source before it is
			// rekeyed into that format (PreJoinRepartitionNode forces
			// each), the result keyed as the first join left it or
			// rekeyed at this table's join (through Join-repartition, in
			// the table's key format)
			registryLeaves := formats.RegistryFormat(keyFormat) && !slices.ContainsFunc(out, func(rp JoinRepartition) bool { return rp.Step > 0 && rp.Step < k })
			// a first join's stream rekeyed (a stream-table join's
			// through <L_...>Join-repartition, or a stream-stream join's
			// side), not a later stream (Step 0, a leaf after the first
			// two) or the result (Step k)
			firstStream := func(rp JoinRepartition) bool { return !rp.Table && rp.Step == 0 && rp.Leaf <= 1 }
			// a first stream-table join's table rekeyed
			firstTable := func(rp JoinRepartition) bool { return rp.Table && rp.Leaf == 1 }
			// a first [INNER] or LEFT stream-stream join that rekeys one
			// of its streams or both, by columns or expressions: the
			// result keyed by the other stream's key, in its format, or
			// by the rekeyed streams' in the first source's
			// (JoinTree.joinEquivalenceSet keeps both sides' expressions
			// of either)
			innerOrLeft := first.Within != nil && (first.Type == sql.InnerJoin || first.Type == sql.LeftJoin)
			if !registryLeaves && tables && slices.ContainsFunc(out, firstStream) &&
				(first.Within != nil && !innerOrLeft || first.Within == nil && slices.ContainsFunc(out, firstTable)) {
				// a table rekeyed after rekeys of another table and of a
				// first stream-stream join's streams but one or both at
				// an [INNER] or LEFT join, or of both sides of a first
				// stream-table join: not built here (after rekeys of
				// tables, a first stream-table join's among them, alone
				// or with later streams or the result, or with that
				// join's stream where its table is joined as keyed, or
				// with one or both streams of a first [INNER] or LEFT
				// stream-stream join rekeyed, into whose key format, the
				// chain's, this table is rekeyed as the historical plan
				// multi-joins_-_stream-table-table_-_table_key_format_mismatch
				// rekeys its second table; derived topologies
				// stream-table-stream-table-both-key-format-mismatch,
				// stream-table-table-stream-both-key-format-mismatch,
				// stream-stream-stream-table-table-later-stream-rekeyed-both-key-format-mismatch,
				// stream-stream-table-stream-table-later-stream-rekeyed-both-key-format-mismatch,
				// stream-table-stream-table-later-stream-rekeyed-both-key-format-mismatch,
				// stream-stream-stream-table-table-result-rekeyed-both-key-format-mismatch,
				// stream-stream-table-stream-table-result-rekeyed-both-key-format-mismatch
				// stream-table-stream-table-result-rekeyed-both-key-format-mismatch
				// stream-table-stream-table-table-stream-rekeyed-both-key-format-mismatch
				// stream-stream-table-stream-table-first-stream-rekeyed-both-key-format-mismatch
				// stream-stream-table-stream-table-first-left-stream-rekeyed-both-key-format-mismatch
				// stream-stream-table-stream-table-first-both-streams-rekeyed-both-key-format-mismatch
				// and stream-stream-table-stream-table-first-left-join-both-streams-rekeyed-both-key-format-mismatch)
				return nil
			}
			// a table keyed otherwise than a chain that rekeys nothing
			// before it but the first join's streams and the result of
			// an earlier step: rekeyed by its own key into the join's key
			// format, the result's (PreJoinRepartitionNode forces it; the
			// historical plan
			// multi-joins_-_stream-stream-table_-_SR-enabled_key_format
			// rekeys its table after both streams; a stream-stream join
			// after it here only where nothing is rekeyed between them
			// or it rekeys nothing, see above)
			out = append(out, tableSideRepartition(st.Right, rl, st.rightExpr, st.RightKey,
				"-"+prefix+"RightSourceKeyed-SelectKey-repartition", prefix+"RightSourceKeyed-Materialize", keyFormat))
			equiv[l], equiv[r] = true, true
			continue
		}
		if !table && (rekeyStream || forced) {
			side := "Join-right-repartition"
			if rightStep {
				side = "Join-left-repartition"
			}
			out = append(out, joinRepartition(st.Right, rl, st.rightExpr, st.RightKey, "-"+prefix+side, keyFormat, rl.Alias))
			// a later stream rekeyed on an expression: its copy is
			// carried by a later rekey of the result (carryStreamCopies)
		}
		equiv[l], equiv[r] = true, true
		if st.Type == sql.OuterJoin {
			// a FULL OUTER step between others: its result is keyed by
			// its synthetic key (JoinTree.joinEquivalenceSet: none)
			equiv = map[string]bool{}
		}
	}
	return out
}
