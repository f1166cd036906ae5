package embedded_test

import (
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ctalab/ctalab/lab/conformance"
	"github.com/ctalab/ctalab/lab/embedded"
	"github.com/ctalab/ctalab/lab/stack"
)

func TestEmbedded(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Embedded stack")
}

var running *embedded.Stack

var _ = BeforeSuite(func(ctx SpecContext) {
	var err error
	running, err = embedded.Start(ctx, embedded.WithLogger(slog.New(slog.NewTextHandler(GinkgoWriter, &slog.HandlerOptions{Level: slog.LevelWarn}))))
	Expect(err).NotTo(HaveOccurred(), "start the embedded stack")
	DeferCleanup(func(ctx SpecContext) {
		Expect(running.Close(ctx)).To(Succeed())
	}, NodeTimeout(60*time.Second))
}, NodeTimeout(120*time.Second))

// The embedded stack declares every feature.
var _ = conformance.Specs("embedded", conformance.All(), func() stack.Stack { return running })

var _ = Describe("Embedded stack", func() {
	It("reports every service's endpoint and time to ready", func() {
		e := running.Endpoints()
		Expect(e.Brokers).To(HaveLen(1))
		for _, u := range []string{e.SchemaRegistry, e.RESTProxy, e.Connect, e.KSQLDB} {
			Expect(u).To(HavePrefix("http://127.0.0.1:"))
		}
		Expect(e.Postgres).To(HavePrefix("postgres://cta_admin:chicago@127.0.0.1:"))
		Expect(e.PostgresFromConnect).To(HavePrefix("jdbc:postgresql://127.0.0.1:"))
		Expect(running.ReadyAfter()).To(HaveKey("kafka"))
		Expect(running.ReadyAfter()).To(HaveKey("postgres"))
	})

	It("serves ksqlDB's HTTP API over HTTP/2 with prior knowledge, as ksqlDB's Java client speaks it", func(ctx SpecContext) {
		p := new(http.Protocols)
		p.SetUnencryptedHTTP2(true)
		cl := &http.Client{Transport: &http.Transport{Protocols: p}}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, running.Endpoints().KSQLDB+"/info", nil)
		Expect(err).NotTo(HaveOccurred())
		resp, err := cl.Do(req)
		Expect(err).NotTo(HaveOccurred())
		defer resp.Body.Close()
		Expect(resp.ProtoMajor).To(Equal(2))
		Expect(resp.StatusCode).To(Equal(http.StatusOK))
	}, SpecTimeout(30*time.Second))

	// ksql.connect.url is the stack's Kafka Connect worker, so ksqlDB's
	// connector statements reach it (ksqlDB's default, localhost:8083,
	// would not be the worker on another port).
	It("sends ksqlDB's connector statements to the stack's Kafka Connect worker", func(ctx SpecContext) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, running.Endpoints().KSQLDB+"/ksql", strings.NewReader(`{"ksql":"DROP CONNECTOR IF EXISTS `+"`not-there`"+`;"}`))
		Expect(err).NotTo(HaveOccurred())
		req.Header.Set("Content-Type", "application/vnd.ksql.v1+json")
		resp, err := http.DefaultClient.Do(req)
		Expect(err).NotTo(HaveOccurred())
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.StatusCode).To(Equal(http.StatusOK), string(body))
		Expect(string(body)).To(ContainSubstring(`"message":"Connector 'not-there' does not exist."`))
	}, SpecTimeout(30*time.Second))

	It("refuses to start on a taken port with a message naming the port", func(ctx SpecContext) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(ln.Close)
		port := ln.Addr().(*net.TCPAddr).Port
		s, err := embedded.Start(ctx, embedded.WithPorts(embedded.Ports{RESTProxy: port}), embedded.WithoutPostgres())
		Expect(s).To(BeNil())
		Expect(err).To(MatchError(ContainSubstring("REST Proxy on port %d", port)))
	}, SpecTimeout(30*time.Second))
})
