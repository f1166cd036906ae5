package containers_test

import (
	"context"
	"os"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ctalab/ctalab/lab/conformance"
	"github.com/ctalab/ctalab/lab/containers"
	"github.com/ctalab/ctalab/lab/stack"
)

// features are what the Confluent Platform containers serve: everything but
// a restart on the same state, which this provider does not offer.
var features = func() conformance.Features {
	f := conformance.All()
	f.RestartDurability = false
	return f
}()

// TestConformance runs the lab's conformance suite, unchanged, on the
// Confluent Platform containers, when LAB_STACK=containers asks for them (a
// Docker engine alone does not: the stack takes about 3 GB and image
// pulls). Otherwise, or without a Docker engine, the test is skipped with
// the reason and every feature is reported skipped; a run that selects no
// spec fails instead of passing empty.
func TestConformance(t *testing.T) {
	reason := ""
	if v := os.Getenv("LAB_STACK"); v != "containers" {
		reason = "containers stack: not asked for (LAB_STACK is not set; LAB_STACK=containers runs it)"
		if v != "" {
			reason = "containers stack: not asked for (LAB_STACK=" + v + "; LAB_STACK=containers runs it)"
		}
	} else {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		if err := containers.Available(ctx); err != nil {
			reason = "containers stack: LAB_STACK=containers, but " + err.Error()
		}
		cancel()
	}
	if reason != "" {
		if perr := conformance.PrintSummary("containers", conformance.Skipped("containers", features, reason)); perr != nil {
			t.Error(perr)
		}
		t.Skip(reason)
	}
	RegisterFailHandler(Fail)
	suite, reporter := GinkgoConfiguration()
	suite.FailOnEmpty = true
	RunSpecs(t, "Containers stack conformance", Label("containers"), suite, reporter)
}

var running *containers.Stack

var _ = BeforeSuite(func(ctx SpecContext) {
	s, err := containers.Start(ctx)
	DeferCleanup(func(ctx SpecContext) { Expect(s.Close(ctx)).To(Succeed()) }, NodeTimeout(5*time.Minute))
	Expect(err).NotTo(HaveOccurred(), "start the containers stack")
	running = s
}, NodeTimeout(30*time.Minute))

var _ = conformance.Specs("containers", features, func() stack.Stack { return running })
