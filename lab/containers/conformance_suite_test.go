package containers_test

import (
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ctalab/ctalab/lab/conformance"
	"github.com/ctalab/ctalab/lab/containers"
	"github.com/ctalab/ctalab/lab/stack"
)

// TestConformance runs the lab's conformance suite, unchanged, on the
// Confluent Platform containers. Without a Docker engine every spec is
// skipped with the reason.
func TestConformance(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Containers stack conformance", Label("containers"))
}

var running *containers.Stack

var _ = BeforeSuite(func(ctx SpecContext) {
	if err := containers.Available(ctx); err != nil {
		Skip("containers stack: " + err.Error())
	}
	s, err := containers.Start(ctx)
	DeferCleanup(func(ctx SpecContext) { Expect(s.Close(ctx)).To(Succeed()) }, NodeTimeout(5*time.Minute))
	Expect(err).NotTo(HaveOccurred(), "start the containers stack")
	running = s
}, NodeTimeout(30*time.Minute))

var _ = conformance.Specs("containers", func() stack.Stack { return running })
