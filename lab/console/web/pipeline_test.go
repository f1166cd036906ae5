package web

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
)

const (
	turnstileTopic = "org.chicago.cta.station.turnstile.v1"
	weatherTopic   = "org.chicago.cta.weather.v1"
	stationsTopic  = "org.chicago.cta.stations"
	tableTopic     = "org.chicago.cta.stations.table.v1"
	summaryTopic   = "TURNSTILE_SUMMARY"
	arrivalsPrefix = "org.chicago.cta.station.arrivals."
	transformGroup = "stations-stream"
)

func (p *Pipeline) node(id string) *Node {
	for i := range p.Nodes {
		if p.Nodes[i].ID == id {
			return &p.Nodes[i]
		}
	}
	return nil
}

func (p *Pipeline) edge(from, to string) *Edge {
	for i := range p.Edges {
		if p.Edges[i].From == from && p.Edges[i].To == to {
			return &p.Edges[i]
		}
	}
	return nil
}

func (p *Pipeline) edgesOfKind(fromPrefix, to string) []Edge {
	var out []Edge
	for _, e := range p.Edges {
		if strings.HasPrefix(e.From, fromPrefix) && (to == "" || e.To == to) {
			out = append(out, e)
		}
	}
	return out
}

// ctaTopologyMissing tells what of the CTA pipeline's topology, as the
// seed's architecture draws it, p does not show yet.
func ctaTopologyMissing(p *Pipeline) string {
	var missing []string
	for _, tp := range []string{turnstileTopic, weatherTopic, stationsTopic, tableTopic, summaryTopic} {
		if p.node("topic:"+tp) == nil {
			missing = append(missing, "topic "+tp)
		}
	}
	if len(p.edgesOfKind("producer:"+arrivalsPrefix, "")) == 0 {
		missing = append(missing, "a producer writing an arrivals topic")
	}
	for _, tp := range []string{turnstileTopic, weatherTopic} {
		if p.edge("producer:"+tp, "topic:"+tp) == nil {
			missing = append(missing, "producer -> "+tp)
		}
	}
	if len(p.edgesOfKind("connector:", "topic:"+stationsTopic)) == 0 {
		missing = append(missing, "connector -> "+stationsTopic)
	}
	if p.edge("topic:"+stationsTopic, "group:"+transformGroup) == nil {
		missing = append(missing, stationsTopic+" -> group "+transformGroup)
	}
	var query string
	for _, e := range p.edgesOfKind("query:", "topic:"+summaryTopic) {
		query = e.From
	}
	if query == "" {
		missing = append(missing, "ksqlDB query -> "+summaryTopic)
	} else if p.edge("topic:"+turnstileTopic, query) == nil {
		missing = append(missing, turnstileTopic+" -> "+query)
	}
	for _, tp := range []string{weatherTopic, tableTopic, summaryTopic} {
		if p.edge("topic:"+tp, "dashboard") == nil {
			missing = append(missing, tp+" -> dashboard")
		}
	}
	if len(missing) > 0 {
		return "the pipeline view lacks: " + strings.Join(missing, "; ")
	}
	return ""
}

func TestPipelineShowsTheCTATopologyDiscoveredFromTheStack(t *testing.T) {
	var p Pipeline
	eventually(t, 2*time.Minute, func() string {
		p = Pipeline{}
		if code := get(t, "/api/pipeline", &p); code != 200 {
			return fmt.Sprintf("GET /api/pipeline: %d", code)
		}
		return ctaTopologyMissing(&p)
	})
	// Stages: sources, then topics, then their readers.
	conn := p.edgesOfKind("connector:", "topic:"+stationsTopic)[0].From
	if c, tp, g := p.node(conn).Column, p.node("topic:"+stationsTopic).Column, p.node("group:"+transformGroup).Column; !(c < tp && tp < g) {
		t.Errorf("columns connector %d, topic %d, group %d: want increasing along the flow", c, tp, g)
	}
	for _, n := range p.Nodes {
		if strings.HasPrefix(n.Name, "_") {
			t.Errorf("the pipeline shows the internal topic or group %s", n.Name)
		}
	}
}

func TestPipelineRatesAgreeWithTheTopicsEndOffsets(t *testing.T) {
	adm := kadm.NewClient(kafkaClient(t))
	var p Pipeline
	eventually(t, 2*time.Minute, func() string {
		before := endOffsets(t, adm)
		listed := time.Now()
		// A snapshot sampled after the first listing.
		for {
			p = Pipeline{} // decoding into a used value would keep its old fields
			if code := get(t, "/api/pipeline", &p); code != 200 {
				return fmt.Sprintf("GET /api/pipeline: %d", code)
			}
			if p.SampledAt.After(listed) {
				break
			}
			if time.Since(listed) > 30*time.Second {
				return "the pipeline was not sampled again within 30 s"
			}
			time.Sleep(50 * time.Millisecond)
		}
		after := endOffsets(t, adm)
		n := p.node("topic:" + turnstileTopic)
		if n == nil || n.Rate == nil || n.EndOffset == nil {
			return "no turnstile topic with a rate yet"
		}
		for _, n := range p.Nodes {
			if n.Kind != "topic" || n.EndOffset == nil {
				continue
			}
			if *n.EndOffset < before[n.Name] || *n.EndOffset > after[n.Name] {
				t.Fatalf("topic %s: end offset %d, but kadm listed %d before and %d after the sample", n.Name, *n.EndOffset, before[n.Name], after[n.Name])
			}
			if n.Rate != nil {
				if n.Rate.To != *n.EndOffset {
					t.Fatalf("topic %s: the rate runs to %d, the end offset is %d", n.Name, n.Rate.To, *n.EndOffset)
				}
				if want := float64(n.Rate.To-n.Rate.From) / n.Rate.Seconds; math.Abs(n.Rate.PerSecond-want) > 1e-9 {
					t.Fatalf("topic %s: %v/s over %+v, want %v", n.Name, n.Rate.PerSecond, n.Rate, want)
				}
			}
		}
		if n.Rate.PerSecond <= 0 {
			return fmt.Sprintf("the turnstile topic's rate is %v while the replay writes it", n.Rate.PerSecond)
		}
		e := p.edge("producer:"+turnstileTopic, "topic:"+turnstileTopic)
		if e == nil || e.Rate == nil || *e.Rate != *n.Rate {
			return fmt.Sprintf("the producer's edge %+v does not carry the topic's rate %+v", e, n.Rate)
		}
		return ""
	})
}

func TestPipelineGroupEdgeLagIsEndMinusCommittedAndNeverNegative(t *testing.T) {
	var p Pipeline
	eventually(t, 2*time.Minute, func() string {
		p = Pipeline{}
		get(t, "/api/pipeline", &p)
		if e := p.edge("topic:"+stationsTopic, "group:"+transformGroup); e == nil || e.Lag == nil {
			return "no transformer group edge with a lag yet"
		}
		return ""
	})
	e := p.edge("topic:"+stationsTopic, "group:"+transformGroup)
	n := p.node("group:" + transformGroup)
	if *e.Lag < 0 || n.Lag == nil || *n.Lag < *e.Lag {
		t.Fatalf("edge lag %d, group lag %v: want 0 <= edge lag <= group lag", *e.Lag, n.Lag)
	}
}
