package scenarios_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"slices"
	"strconv"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ctalab/ctalab/app/sim"
	"github.com/ctalab/ctalab/lab/embedded"
)

// Chaos: the whole lab process (broker, registry, REST Proxy, Connect,
// ksqlDB, PostgreSQL) is killed with SIGKILL several times during a weekday
// replay, at seeded random points of the replay, and restarted on the same
// ports and data dir after a seeded random delay of 0.1 to 10 s. The
// pipeline never stops, and afterwards no acknowledged event is missing
// from any topic and TURNSTILE_SUMMARY and the dashboard count what the
// turnstile topic holds (see delivery_test.go for why repeats are counted,
// not forbidden). It is left out of "make scenarios"; run it with
// "make chaos" (--label-filter=chaos). CHAOS_SEED picks other kill points
// and delays (default 42), CHAOS_KILLS the number of kills (default 10).
var _ = Describe("Chaos during a weekday replay", Label("chaos"), func() {
	It("loses no acknowledged event when the lab is killed with SIGKILL and restarted several times", func(ctx SpecContext) {
		kills := 10
		if v := os.Getenv("CHAOS_KILLS"); v != "" {
			n, err := strconv.Atoi(v)
			Expect(err).NotTo(HaveOccurred(), "CHAOS_KILLS")
			kills = n
		}
		seed := uint64(42)
		if v := os.Getenv("CHAOS_SEED"); v != "" {
			n, err := strconv.ParseUint(v, 10, 64)
			Expect(err).NotTo(HaveOccurred(), "CHAOS_SEED")
			seed = n
		}
		sched := schedule("weekday")
		var total int64
		for _, n := range simulatedEntries(sched) {
			total += int64(n)
		}
		rng := rand.New(rand.NewPCG(seed, seed))
		var at []int64
		for range kills {
			at = append(at, total/10+rng.Int64N(total*8/10))
		}
		slices.Sort(at)
		var delays []time.Duration
		for range kills {
			delays = append(delays, 100*time.Millisecond+time.Duration(rng.Int64N(int64(9900*time.Millisecond))))
		}

		s := startFaultLab(ctx)
		e := s.Endpoints()
		run := launch(ctx, e, sched, launchOptions{pace: sim.Max, dashboard: true})
		for i := range kills {
			By(fmt.Sprintf("waiting until %d turnstile entries are acknowledged", at[i]))
			Eventually(func() int64 { return run.p.ProducerStats().Turnstiles.Acked }).WithContext(ctx).WithTimeout(5 * time.Minute).
				WithPolling(10 * time.Millisecond).Should(BeNumerically(">=", at[i]))
			select {
			case err := <-run.done:
				Fail(fmt.Sprintf("the pipeline stopped: %v", err))
			default:
			}
			By(fmt.Sprintf("kill %d: SIGKILL to the lab, restart after %v", i+1, delays[i].Round(time.Millisecond)))
			s.killAndRestart(ctx, delays[i])
			Expect(s.Endpoints()).To(Equal(e), "the lab comes back on the same endpoints")
		}

		acc := run.expectNoAcknowledgedEventLost(ctx, e, sched, run.dashboard)
		select {
		case err := <-run.done:
			Fail(fmt.Sprintf("the pipeline stopped: %v", err))
		default:
		}
		GinkgoWriter.Printf("chaos seed %d: kills at %v acknowledged turnstile entries, delays %v\n", seed, at, delays)
		for _, d := range acc {
			GinkgoWriter.Println(d)
		}
		// Ten restarts, a weekday replay and reading every topic back take
		// about 15 minutes on a busy 2-core machine; make chaos allows 60.
	}, NodeTimeout(45*time.Minute))
})

// killAndRestart kills the lab process with SIGKILL, waits d, and starts it
// again on the same data dir and ports.
func (s *processStack) killAndRestart(ctx context.Context, d time.Duration) {
	GinkgoHelper()
	Expect(s.cmd.Process.Signal(syscall.SIGKILL)).To(Succeed())
	<-s.done
	// The outage's length is the fault itself, not a wait for a condition.
	time.Sleep(d)
	_, port, err := net.SplitHostPort(s.e.Brokers[0])
	Expect(err).NotTo(HaveOccurred())
	p, err := strconv.Atoi(port)
	Expect(err).NotTo(HaveOccurred())
	bin, err := labExecutable()
	Expect(err).NotTo(HaveOccurred())
	next, err := runLab(ctx, bin, s.dir, p-embedded.StandardPorts.Kafka, nil)
	Expect(err).NotTo(HaveOccurred(), "restart the lab on its data dir")
	s.cmd, s.done, s.e = next.cmd, next.done, next.e
}
