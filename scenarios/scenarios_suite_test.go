package scenarios_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"

	"github.com/ctalab/ctalab/internal/leakcheck"
	"github.com/ctalab/ctalab/lab/stack"
)

func TestScenarios(t *testing.T) {
	RegisterFailHandler(Fail)
	SetDefaultEventuallyTimeout(60 * time.Second)
	SetDefaultEventuallyPollingInterval(100 * time.Millisecond)
	RunSpecs(t, "CTA pipeline scenarios")
}

// boulder marks the specs that replay a schedule on a stack of their own and
// take tens of seconds. Ginkgo hands out higher-priority specs first, so that
// the parallel processes end on the short specs and finish together instead
// of one waiting for the other's last long spec ("boulders first, then
// sand": Ginkgo's docs/index.md, Prioritizing Specs, and the SpecPriority
// decorator).
var boulder = SpecPriority(1)

// suiteStack is the stack every spec of this process shares; specs that
// need a stack of their own (replays, faults) start one with newStack.
var suiteStack stack.Stack

// logger writes to the spec's output, shown when a spec fails or with -v.
func logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(GinkgoWriter, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// The first process builds the lab binary and makes the run's shared
// directory; every process then starts its own stack. The first process's
// cleanup runs once every other process has finished (Ginkgo waits for them
// before it runs an after-suite node on process 1), so it removes what they
// shared.
var _ = SynchronizedBeforeSuite(func(ctx SpecContext) []byte {
	dir, err := os.MkdirTemp("", "ctalab-scenario-run-")
	Expect(err).NotTo(HaveOccurred(), "make the run's shared directory")
	bin, err := gexec.Build("github.com/ctalab/ctalab/lab/cmd/lab")
	Expect(err).NotTo(HaveOccurred(), "build the lab")
	b, err := json.Marshal(sharedRun{Dir: dir, LabBin: bin})
	Expect(err).NotTo(HaveOccurred())
	return b
}, func(ctx SpecContext, shared []byte) {
	Expect(json.Unmarshal(shared, &suiteRun)).To(Succeed())
	labBinaryOnce.Do(func() { labBinary = suiteRun.LabBin })
	s, choice, err := startStack(ctx)
	Expect(err).NotTo(HaveOccurred(), "start the lab stack")
	what := choice.Provider + " (" + choice.Reason + ")"
	if labSecure() {
		what += ", secured (LAB_SECURE=1): SASL_SSL and basic auth, clients configured by the stack's client properties file"
	}
	AddReportEntry("lab stack", what)
	GinkgoWriter.Printf("lab stack: %s\n", what)
	suiteStack = s
	DeferCleanup(func(ctx SpecContext) {
		Expect(s.Close(ctx)).To(Succeed(), "stop the lab stack")
		if GinkgoParallelProcess() == 1 {
			gexec.CleanupBuildArtifacts()
			Expect(os.RemoveAll(suiteRun.Dir)).To(Succeed(), "remove the run's shared directory")
		}
		// Every lab of this process has stopped: a kafka-go pool still
		// running was never closed, and would redial ports that later
		// servers take (it once grew a test process past 17 GB decoding
		// an HTTP answer as Kafka).
		Eventually(leakcheck.KafkaGoPools).WithContext(ctx).WithTimeout(15*time.Second).Should(BeZero(),
			"kafka-go connection pools still running after every lab of this process stopped: some kafka.Transport was not closed")
	}, NodeTimeout(2*time.Minute))
}, NodeTimeout(10*time.Minute))

// newStack starts a stack of the suite's provider for one spec container
// and stops it when the container is done.
func newStack(ctx context.Context) stack.Stack {
	GinkgoHelper()
	s, _, err := startStack(ctx)
	Expect(err).NotTo(HaveOccurred(), "start a stack")
	DeferCleanup(func(ctx SpecContext) {
		By("stopping the stack")
		Expect(s.Close(ctx)).To(Succeed(), "stop the stack")
	}, NodeTimeout(2*time.Minute))
	return s
}
