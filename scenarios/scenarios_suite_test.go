package scenarios_test

import (
	"context"
	"log/slog"
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

var _ = BeforeSuite(func(ctx SpecContext) {
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
		gexec.CleanupBuildArtifacts()
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
