package scenarios_test

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ctalab/ctalab/app/topic"
	"github.com/ctalab/ctalab/lab/stack"
)

// A ksqlDB stream-table join over the pipeline's topics, created over REST
// while a weekday replays: the arrivals of one station joined with a table
// of station names built from the transformer's stations table topic. The
// join ksqlDB writes is compared with the same join computed here from the
// raw topics, with the semantics of
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/joins/join-streams-and-tables/
// ("Semantics of Stream-Table Joins"): records are processed in timestamp
// order, and an arrival joins the table as it is at the arrival's timestamp
// (an [INNER] JOIN drops an arrival whose station is not in the table yet).
var _ = Describe("A ksqlDB stream-table join during a weekday replay", Label("ksql"), func() {
	It("enriches each arrival with its station's name as a join of the raw topics does", func(ctx SpecContext) {
		s := newStack(ctx)
		e := s.Endpoints()
		// The replay pauses at noon while the join is created, so that
		// arrivals come both before and after the join exists however fast
		// the machine is.
		const noon = 143
		r := launchStepped(ctx, s, schedule("weekday"), noon)
		r.pausedAt(ctx, noon)
		arrivals := topic.Arrivals("Clark/Lake")
		// The stations table topic is compacted: a station's first record,
		// the one that put it in the table, may be cleaned away later, so
		// every read of the topic is noted.
		seen := stationTimeline{first: map[int32]int64{}, last: map[int32]int64{}, names: map[int32]map[string]bool{}}

		By("waiting for the transformer's stations table topic and the arrivals topic")
		Eventually(func(g Gomega, ctx context.Context) {
			ts := topicsG(g, ctx, e)
			g.Expect(ts).To(HaveKey(topic.StationsTable))
			g.Expect(ts).To(HaveKey(arrivals))
			g.Expect(seen.observe(g, ctx, e)).To(BeNumerically(">", 0))
		}).WithContext(ctx).WithTimeout(2 * time.Minute).Should(Succeed())

		By("waiting, at noon, until the transformed stations table is complete")
		// On a loaded machine the stations may still be loading at noon;
		// the afternoon's arrivals must all come after the last of them.
		waitForTransformedTable(ctx, e)

		By("declaring the stations stream and a table of station names over REST")
		ksql(ctx, e.KSQLDB, `SET 'auto.offset.reset'='earliest';
CREATE STREAM station_changes (station_id INT, station_name STRING, line STRING)
  WITH (KAFKA_TOPIC='`+topic.StationsTable+`', VALUE_FORMAT='JSON');
CREATE TABLE station_names AS
  SELECT station_id, LATEST_BY_OFFSET(station_name) AS station_name FROM station_changes GROUP BY station_id EMIT CHANGES;`)
		By("waiting until STATION_NAMES names every station the stations table topic has")
		Eventually(func(g Gomega, ctx context.Context) {
			want := map[int32]bool{}
			seen.observe(g, ctx, e)
			for id := range seen.first {
				want[id] = true
			}
			got := map[int32]bool{}
			for _, m := range readTopicG(g, ctx, e, "STATION_NAMES") {
				g.Expect(m.Key).To(HaveLen(4), "STATION_NAMES key is a KAFKA INT")
				got[int32(binary.BigEndian.Uint32(m.Key))] = true
			}
			g.Expect(got).To(Equal(want), "STATION_NAMES keys; ksqlDB's queries: %v", ksql(ctx, e.KSQLDB, "SHOW QUERIES;"))
		}).WithContext(ctx).WithTimeout(4 * time.Minute).WithPolling(time.Second).Should(Succeed())

		By("creating the stream-table join while the replay stands at noon")
		ksql(ctx, e.KSQLDB, `SET 'auto.offset.reset'='earliest';
CREATE STREAM clark_lake_arrivals WITH (KAFKA_TOPIC='`+arrivals+`', VALUE_FORMAT='AVRO');
CREATE STREAM clark_lake_enriched WITH (VALUE_FORMAT='JSON') AS
  SELECT a.station_id AS station_id, a.train_id, a.direction, a.line, a.train_status, s.station_name
  FROM clark_lake_arrivals a JOIN station_names s ON a.station_id = s.station_id
  EMIT CHANGES;`)

		By("letting the replay run to its end")
		r.next()
		r.finished(ctx)

		By("joining the raw arrivals and stations table topics independently")
		seen.observe(Default, ctx, e)
		may, must, all := expectedJoin(ctx, e, arrivals, seen)
		Expect(all).To(BeNumerically(">", 100), "the replay produced arrivals at Clark/Lake")
		Expect(len(must)).To(BeNumerically(">=", 50), "the afternoon's arrivals at Clark/Lake came after its station entered the table")

		By("reading CLARK_LAKE_ENRICHED until it holds as many records")
		var got []enriched
		Eventually(func(g Gomega, ctx context.Context) {
			got = got[:0]
			for _, m := range readTopicG(g, ctx, e, "CLARK_LAKE_ENRICHED") {
				g.Expect(m.Key).To(HaveLen(4), "the join's key is the table's KAFKA INT key")
				var v struct {
					TrainID     string `json:"TRAIN_ID"`
					Direction   string `json:"DIRECTION"`
					Line        string `json:"LINE"`
					TrainStatus string `json:"TRAIN_STATUS"`
					StationName string `json:"STATION_NAME"`
				}
				g.Expect(json.Unmarshal(m.Value, &v)).To(Succeed(), "CLARK_LAKE_ENRICHED value %q", m.Value)
				got = append(got, enriched{int32(binary.BigEndian.Uint32(m.Key)), v.TrainID, v.Direction, v.Line, v.TrainStatus, v.StationName, m.Time.UnixMilli()})
			}
			g.Expect(len(got)).To(BeNumerically(">=", len(must)))
		}).WithContext(ctx).WithTimeout(3 * time.Minute).WithPolling(500 * time.Millisecond).Should(Succeed())
		for i, g := range got {
			Expect(seen.names[g.StationID]).To(HaveKey(g.StationName), "record %d names its station with one of the station's names", i)
			got[i].StationName = ""
		}
		// got must run through may in order (nothing joined that could not
		// join, nothing out of order) and hold every arrival of must.
		j, missing := 0, []enriched{}
		mustSet := map[enriched]bool{}
		for _, m := range must {
			mustSet[m] = true
		}
		for _, g := range got {
			for j < len(may) && may[j] != g {
				if mustSet[may[j]] {
					missing = append(missing, may[j])
				}
				j++
			}
			Expect(j).To(BeNumerically("<", len(may)), "joined record %+v is not, in order, an arrival the raw topics join", g)
			j++
		}
		for ; j < len(may); j++ {
			if mustSet[may[j]] {
				missing = append(missing, may[j])
			}
		}
		Expect(missing).To(BeEmpty(), "arrivals timed after every record of their station are joined")
	}, NodeTimeout(20*time.Minute))
})

// enriched is one arrival joined with its station's name, and the
// arrival's timestamp (a stream-table join's output keeps it).
type enriched struct {
	StationID                             int32
	TrainID, Direction, Line, TrainStatus string
	StationName                           string
	Timestamp                             int64
}

// stationRecord is one record of the transformer's stations table topic.
type stationRecord struct {
	id   int32
	name string
	ts   int64
}

func stationRecords(g Gomega, ctx context.Context, e stack.Endpoints) []stationRecord {
	var out []stationRecord
	for _, m := range readTopicG(g, ctx, e, topic.StationsTable) {
		if m.Value == nil {
			continue
		}
		var v struct {
			StationID   int32  `json:"station_id"`
			StationName string `json:"station_name"`
		}
		g.Expect(json.Unmarshal(m.Value, &v)).To(Succeed(), "stations table value %q", m.Value)
		out = append(out, stationRecord{v.StationID, v.StationName, m.Time.UnixMilli()})
	}
	return out
}

// stationTimeline is, per station id, the earliest timestamp of a record
// of it seen in the stations table topic and the names its records give it
// (a station id may be named differently on different lines).
type stationTimeline struct {
	first map[int32]int64
	last  map[int32]int64 // the latest timestamp of a record of it
	names map[int32]map[string]bool
}

// observe reads the stations table topic and notes what it holds; it
// returns the number of stations seen so far.
func (s *stationTimeline) observe(g Gomega, ctx context.Context, e stack.Endpoints) int {
	for _, st := range stationRecords(g, ctx, e) {
		if s.names[st.id] == nil {
			s.names[st.id] = map[string]bool{}
		}
		s.names[st.id][st.name] = true
		if t, ok := s.first[st.id]; !ok || st.ts < t {
			s.first[st.id] = st.ts
		}
		if st.ts > s.last[st.id] {
			s.last[st.id] = st.ts
		}
	}
	return len(s.first)
}

// expectedJoin joins the arrivals topic with the stations seen in the
// stations table topic in timestamp order. An arrival may join when a record
// of its station has a timestamp at or before its own (may), and must when
// every record of its station does (must): the join's table side, the
// compacted STATION_NAMES topic, may have lost a station's earlier updates
// to the cleaner before the join read it, which moves the moment the
// station enters the table up to its last update. The name is left empty:
// which of a station's names the table holds at a moment depends on history
// the compacted topics no longer have, so the spec checks that the name is
// one of the station's.
func expectedJoin(ctx context.Context, e stack.Endpoints, arrivals string, seen stationTimeline) (may, must []enriched, all int) {
	GinkgoHelper()
	msgs := readTopic(ctx, e, arrivals)
	all = len(msgs)
	for i, v := range decodeAvro(ctx, e, msgs) {
		id := v["station_id"].(int32)
		ts := msgs[i].Time.UnixMilli()
		if t, ok := seen.first[id]; !ok || t > ts {
			continue
		}
		r := enriched{id, v["train_id"].(string), v["direction"].(string), v["line"].(string), v["train_status"].(string), "", ts}
		may = append(may, r)
		if seen.last[id] <= ts {
			must = append(must, r)
		}
	}
	return may, must, all
}
