package web

import "sort"

// columns places each node in a column by stage: 0 for nodes with no
// incoming edge, else one more than the furthest predecessor (the longest
// path), stopping after as many rounds as there are nodes so that a cycle
// cannot loop. Nodes are sorted by column, then kind, then name.
func columns(p *Pipeline) {
	col := map[string]int{}
	for i := 0; i < len(p.Nodes); i++ {
		changed := false
		for _, e := range p.Edges {
			if c := col[e.From] + 1; c > col[e.To] {
				col[e.To] = c
				changed = true
			}
		}
		if !changed {
			break
		}
	}
	for i := range p.Nodes {
		p.Nodes[i].Column = col[p.Nodes[i].ID]
	}
	sort.Slice(p.Nodes, func(i, j int) bool {
		a, b := p.Nodes[i], p.Nodes[j]
		if a.Column != b.Column {
			return a.Column < b.Column
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.Name < b.Name
	})
}
