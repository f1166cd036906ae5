package planner

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ctalab/ctalab/internal/javamap"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// planStep is one step of a query's execution plan as PlanSummary prints
// it: the operation (PlanSummary's OP_NAME), the step's schema, the query
// context that names the step's processing logger, and the steps it reads.
type planStep struct {
	op      string
	cols    []types.Column
	ctx     string // "Aggregate.Prepare"; the logger is <query id>.<ctx>
	sources []*planStep
}

// chainPlan links steps, the source first, each the only source of the
// next, and returns the last.
func chainPlan(steps ...*planStep) *planStep {
	for i := 1; i < len(steps); i++ {
		steps[i].sources = []*planStep{steps[i-1]}
	}
	return steps[len(steps)-1]
}

// SummarizePlan prints a plan from its sink step as PlanSummary.summarize
// does: each step's sources below it, indented by two more tabs.
func SummarizePlan(qid string, s *planStep) string {
	var b strings.Builder
	var print func(s *planStep, indent string)
	print = func(s *planStep, indent string) {
		fmt.Fprintf(&b, "%s > [ %s ] | Schema: %s | Logger: %s.%s\n", indent, s.op, planSchema(s.cols), qid, s.ctx)
		for _, src := range s.sources {
			print(src, indent+"\t\t")
		}
	}
	print(s, "")
	return b.String()
}

// topoNode is one node of a Kafka Streams topology.
type topoNode struct {
	kind   string // "Source", "Processor" or "Sink"
	name   string
	stores []string
	topic  string
	preds  []string // in the order the DSL connected them
}

// topology is the Kafka Streams topology of one query, built node by node
// in the order the DSL adds them, and printed as TopologyDescription does.
type topology struct {
	subs  [][]*topoNode
	cur   int    // the sub-topology nodes are added to
	index int    // Kafka Streams' node index
	last  string // the node processor and sink connect to
}

// next names a node as Kafka Streams does when the DSL is given no name:
// the operation then the index, ten digits wide.
func (t *topology) next(prefix string) string {
	n := fmt.Sprintf("%s-%010d", prefix, t.index)
	t.index++
	return n
}

// sub starts a new sub-topology; the nodes added next belong to it.
func (t *topology) sub() {
	t.subs = append(t.subs, nil)
	t.cur = len(t.subs) - 1
}

// use makes the nodes added next belong to sub-topology i.
func (t *topology) use(i int) { t.cur = i }

func (t *topology) add(n *topoNode) {
	t.subs[t.cur] = append(t.subs[t.cur], n)
	t.last = n.name
}

// source adds a source of the current sub-topology reading topic.
func (t *topology) source(name, topic string) {
	t.add(&topoNode{kind: "Source", name: name, topic: topic})
}

// tableSource adds the source of a table as ksqlDB 0.29 reads one: a
// stream source, the KTABLE-SOURCE, the transform that materializes it in
// store (<context>-Reduce) and the transform that adds its pseudo columns.
// The store's name takes the index before the source's. A table that is
// not materialized where it is read (store "": a table ksqlDB rekeys before
// a join) still takes that index.
func (t *topology) tableSource(topic, store string) {
	var stores []string
	if store != "" {
		stores = []string{store}
	}
	t.index++
	t.source(t.next("KSTREAM-SOURCE"), topic)
	t.processor("KTABLE-SOURCE-")
	t.processor("KTABLE-TRANSFORMVALUES-", stores...)
	t.processor("KTABLE-TRANSFORMVALUES-")
}

// processor adds a processor reading the last node added. A name ending
// in "-" is a prefix that takes the next index; a full name still takes
// one, as ksqlDB's named steps do.
func (t *topology) processor(name string, stores ...string) {
	if strings.HasSuffix(name, "-") {
		name = t.next(strings.TrimSuffix(name, "-"))
	} else {
		t.index++
	}
	t.internal(name, stores...)
}

// internal adds a processor reading the last node added, taking no index.
func (t *topology) internal(name string, stores ...string) {
	t.add(&topoNode{kind: "Processor", name: name, stores: stores, preds: []string{t.last}})
}

// join adds a processor reading preds, taking no index.
func (t *topology) join(name string, preds []string, stores ...string) {
	t.add(&topoNode{kind: "Processor", name: name, stores: stores, preds: preds})
}

// sink adds a sink reading the last node added.
func (t *topology) sink(name, topic string) {
	t.add(&topoNode{kind: "Sink", name: name, topic: topic, preds: []string{t.last}})
}

// sinkFrom adds a sink reading preds.
func (t *topology) sinkFrom(name, topic string, preds ...string) {
	t.add(&topoNode{kind: "Sink", name: name, topic: topic, preds: preds})
}

// String is TopologyDescription.toString.
func (t *topology) String() string {
	var b strings.Builder
	b.WriteString("Topologies:\n ")
	for i, sub := range t.subs {
		fmt.Fprintf(&b, "  Sub-topology: %d\n", i)
		for _, n := range describeSub(sub) {
			switch n.kind {
			case "Source":
				fmt.Fprintf(&b, "    Source: %s (topics: [%s])\n      --> %s\n", n.name, n.topic, names(n.succs))
			case "Processor":
				fmt.Fprintf(&b, "    Processor: %s (stores: [%s])\n      --> %s\n      <-- %s\n", n.name, strings.Join(n.stores, ", "), names(n.succs), names(n.preds))
			case "Sink":
				fmt.Fprintf(&b, "    Sink: %s (topic: %s)\n      <-- %s\n", n.name, n.topic, names(n.preds))
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

// described is a node as InternalTopologyBuilder.describeSubtopology
// connects it: size is the number of nodes of the sub-tree it roots, and
// preds and succs are TreeSets ordered by size (larger first), then name.
type described struct {
	*topoNode
	size         int
	preds, succs []*described
}

// less is InternalTopologyBuilder's NodeComparator.
func (a *described) less(b *described) bool {
	if a.size != b.size {
		return a.size > b.size
	}
	return a.name < b.name
}

// insert adds n to a TreeSet that compares with sizes as they are when n
// is added; sizes that grow later do not reorder the set.
func insert(set []*described, n *described) []*described {
	i := sort.Search(len(set), func(i int) bool { return n.less(set[i]) })
	return append(set[:i], append([]*described{n}, set[i:]...)...)
}

func names(set []*described) string {
	if len(set) == 0 {
		return "none"
	}
	out := make([]string, len(set))
	for i, n := range set {
		out[i] = n.name
	}
	return strings.Join(out, ", ")
}

// describeSub connects a sub-topology's nodes as describeSubtopology does
// (apache/kafka streams/.../processor/internals/InternalTopologyBuilder.java):
// in the iteration order of a java.util.HashMap keyed by node name, each
// node to its predecessors, adding the node's size to each predecessor and
// its ancestors so far. It returns the nodes ordered by NodeComparator.
func describeSub(sub []*topoNode) []*described {
	byName := map[string]*described{}
	order := make([]*described, len(sub))
	for i, n := range sub {
		order[i] = &described{topoNode: n, size: 1}
		byName[n.name] = order[i]
	}
	var grow func(n *described, delta int)
	grow = func(n *described, delta int) {
		n.size += delta
		for _, p := range n.preds {
			grow(p, delta)
		}
	}
	for _, n := range javaHashOrder(order) {
		for _, pn := range n.topoNode.preds {
			p := byName[pn]
			n.preds = insert(n.preds, p)
			p.succs = insert(p.succs, n)
			grow(p, n.size)
		}
	}
	out := append([]*described(nil), order...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].less(out[j]) })
	return out
}

// javaHashOrder orders nodes as a java.util.HashMap of their names, filled
// in this order, iterates them.
func javaHashOrder(nodes []*described) []*described {
	m := javamap.NewDefault[*described, struct{}](func(n *described) (int32, any) { return javamap.String(n.name) })
	for _, n := range nodes {
		m.Put(n, struct{}{})
	}
	out, _ := m.Entries()
	return out
}

// javaHashSetOrder orders names as a java.util.HashSet that they were
// added to in this order iterates them (a processor's stores).
func javaHashSetOrder(names ...string) []string {
	m := javamap.NewDefault[string, struct{}](javamap.String)
	for _, n := range names {
		m.Put(n, struct{}{})
	}
	out, _ := m.Entries()
	return out
}

// planSchema is LogicalSchema.toString as PlanSummary prints it: names
// quoted only where needed.
func planSchema(cols []types.Column) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = sql.QuoteIdent(c.Name) + " " + planType(c.Type)
		if c.Key {
			parts[i] += " KEY"
		}
	}
	return strings.Join(parts, ", ")
}

// planType is a type as PlanSummary prints it: a STRUCT's field names
// quoted only where needed too, as its FormatOptions.of(IdentifierUtil::needsQuotes)
// hands them to SqlStruct.toString (confluentinc/ksql v7.9.0; the
// fk-join_-_Should_repartition_RHS_if_the_key_format_comes_from_Schema_Registry
// plan's STRUCT<VAL BIGINT> columns).
func planType(t types.Type) string {
	if t.Info == nil {
		return t.String()
	}
	switch t.Kind() {
	case types.KindStruct:
		if len(t.Fields) == 0 {
			return t.String()
		}
		parts := make([]string, len(t.Fields))
		for i, f := range t.Fields {
			parts[i] = sql.QuoteIdent(f.Name) + " " + planType(f.Type)
		}
		return "STRUCT<" + strings.Join(parts, ", ") + ">"
	case types.KindArray:
		return "ARRAY<" + planType(t.Elem) + ">"
	case types.KindMap:
		return "MAP<" + planType(t.Key) + ", " + planType(t.Elem) + ">"
	}
	return t.String()
}

// SourceOrder is the order EXPLAIN lists a query's sources in:
// QueryDescriptionFactory collects the query plan's source names, sorted
// (QueryPlan keeps them in an ImmutableSortedSet), into a
// Collectors.toSet() HashSet, whose iteration order QueryDescription's
// ImmutableSet.copyOf keeps (confluentinc/ksql v7.9.0).
func SourceOrder(names []string) []string {
	sorted := append([]string(nil), names...)
	sort.Strings(sorted)
	return javaHashSetOrder(sorted...)
}
