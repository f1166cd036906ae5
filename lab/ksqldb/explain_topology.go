package ksqldb

import (
	"fmt"
	"strings"
)

// planStep is one step of a query's execution plan as PlanSummary prints
// it: the operation (PlanSummary's OP_NAME), the step's schema and its
// query context, which names the step's processing logger.
type planStep struct {
	op   string
	cols []column
	ctx  string // "Aggregate.Prepare"; the logger is <query id>.<ctx>
}

// summarizePlan prints steps (sink first, each the only source of the one
// before it) as PlanSummary.summarize does: each level indented by two more
// tabs than its parent.
func summarizePlan(qid string, steps []planStep) string {
	var b strings.Builder
	for i, s := range steps {
		fmt.Fprintf(&b, "%s > [ %s ] | Schema: %s | Logger: %s.%s\n", strings.Repeat("\t", 2*i), s.op, planSchema(s.cols), qid, s.ctx)
	}
	return b.String()
}

// topoNode is one node of a Kafka Streams TopologyDescription.
type topoNode struct {
	kind   string // "Source", "Processor" or "Sink"
	name   string
	stores []string
	topic  string
}

// topology is a TopologyDescription whose sub-topologies are each one chain
// of nodes, source first. Kafka Streams prints a sub-topology's nodes by
// falling size of the sub-tree each roots, which for a chain is its order.
type topology struct {
	subs  [][]topoNode
	index int // Kafka Streams' node index: every processor name takes one
}

// next names a processor as Kafka Streams does when the DSL is given no
// name: the operation then the index, ten digits wide.
func (t *topology) next(prefix string) string {
	n := fmt.Sprintf("%s-%010d", prefix, t.index)
	t.index++
	return n
}

// source starts a new sub-topology reading topic.
func (t *topology) source(name, topic string) {
	t.subs = append(t.subs, []topoNode{{kind: "Source", name: name, topic: topic}})
}

// processor appends a processor to the current sub-topology; a named one
// still takes an index.
func (t *topology) processor(name string, stores ...string) {
	if strings.HasSuffix(name, "-") {
		name = t.next(strings.TrimSuffix(name, "-"))
	} else {
		t.index++
	}
	last := len(t.subs) - 1
	t.subs[last] = append(t.subs[last], topoNode{kind: "Processor", name: name, stores: stores})
}

// internal appends a processor that takes no index where it is built.
func (t *topology) internal(name string) {
	last := len(t.subs) - 1
	t.subs[last] = append(t.subs[last], topoNode{kind: "Processor", name: name})
}

// sink ends the current sub-topology writing to topic.
func (t *topology) sink(name, topic string) {
	last := len(t.subs) - 1
	t.subs[last] = append(t.subs[last], topoNode{kind: "Sink", name: name, topic: topic})
}

// String is TopologyDescription.toString.
func (t *topology) String() string {
	var b strings.Builder
	b.WriteString("Topologies:\n ")
	for i, sub := range t.subs {
		fmt.Fprintf(&b, "  Sub-topology: %d\n", i)
		for j, n := range sub {
			switch n.kind {
			case "Source":
				fmt.Fprintf(&b, "    Source: %s (topics: [%s])\n", n.name, n.topic)
			case "Processor":
				fmt.Fprintf(&b, "    Processor: %s (stores: [%s])\n", n.name, strings.Join(n.stores, ", "))
			case "Sink":
				fmt.Fprintf(&b, "    Sink: %s (topic: %s)\n", n.name, n.topic)
			}
			if j+1 < len(sub) {
				fmt.Fprintf(&b, "      --> %s\n", sub[j+1].name)
			} else if n.kind != "Sink" {
				b.WriteString("      --> none\n")
			}
			if j > 0 {
				fmt.Fprintf(&b, "      <-- %s\n", sub[j-1].name)
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}
