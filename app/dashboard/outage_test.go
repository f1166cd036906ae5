package dashboard

import (
	"fmt"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/sr/srfake"
)

// A broker outage while the dashboard reads dozens of partitions is one
// outage: one Warn line when Kafka stops answering and one Info line when it
// answers again, however many readers notice it and whatever they still
// hold in their buffers (issue: "a clear log line per outage and one when it
// ends").
func TestABrokerOutageIsLoggedOnceWhenItGoesAndOnceWhenItComesBack(t *testing.T) {
	dir := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	startCluster := func() *kfake.Cluster {
		c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.Ports(port), kfake.AllowAutoTopicCreation(), kfake.DefaultNumPartitions(1), kfake.DataDir(dir))
		if err != nil {
			t.Fatalf("start the broker on port %d: %v", port, err)
		}
		return c
	}
	c := startCluster()
	reg := srfake.New()
	t.Cleanup(reg.Close)
	s := newStackOn(t, c.ListenAddrs(), reg.URL())
	s.stationsTable()
	// Enough records on enough partitions that readers still hold fetched
	// batches when the broker goes.
	for i := 0; i < 40; i++ {
		name := fmt.Sprintf("stop_%02d", i)
		msgs := make([]kafka.Message, 0, 2000)
		for j := 0; j < cap(msgs); j++ {
			msgs = append(msgs, s.arrivalMsg(name, int64(1000+j), "blue", 40010, "BL001", "a", "in_service", nil, nil))
		}
		s.write(msgs...)
	}

	var logs lockedBuffer
	srv, err := New(Config{Brokers: c.ListenAddrs(), SchemaRegistry: reg.URL(), Listen: "127.0.0.1:0", DiscoveryInterval: 100 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	d := startServer(t, srv)
	where := c.ListenAddrs()[0]
	gone := `level=WARN msg="Kafka unreachable at ` + where + `, retrying"`
	back := `level=INFO msg="Kafka reachable again at ` + where + `"`
	// The broker goes while the readers are busy: some partitions read,
	// none finished.
	eventually(t, "reading under way", func() bool {
		parts, _, _, _ := srv.consumers.view()
		for _, p := range parts {
			if p.pos > 0 {
				return true
			}
		}
		return false
	})
	c.Close()
	eventually(t, "the outage's Warn line", func() bool { return logs.count(gone) > 0 })
	// The outage lasts two seconds, long enough for every reader to meet it.
	time.Sleep(2 * time.Second)
	c = startCluster()
	t.Cleanup(c.Close)
	eventually(t, "the recovery's Info line", func() bool { return logs.count(back) > 0 })
	d.waitReady()
	if n, m := logs.count(gone), logs.count(back); n != 1 || m != 1 {
		t.Errorf("%d Warn and %d Info lines for one outage, want one each; the log:\n%s", n, m, logs.String())
	}
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
