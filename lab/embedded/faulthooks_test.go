package embedded_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ctalab/ctalab/lab/broker"
	"github.com/ctalab/ctalab/lab/embedded"
)

var _ = Describe("Fault-test hooks", func() {
	It("uses an already running broker with WithBrokers and leaves it running on Close", func(ctx SpecContext) {
		b, err := broker.Start(ctx)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(b.Close)
		s, err := embedded.Start(ctx, embedded.WithBrokers(b.Addrs()...), embedded.WithoutPostgres())
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Endpoints().Brokers).To(Equal(b.Addrs()))
		Expect(post(ctx, s.Endpoints().SchemaRegistry+"/subjects/t-value/versions", "application/vnd.schemaregistry.v1+json", `{"schema":"\"string\""}`)).
			To(HaveKeyWithValue(200, ContainSubstring(`"id"`)), "the registry keeps its schemas in the given broker")
		Expect(s.Close(ctx)).To(Succeed())
		c, err := net.DialTimeout("tcp", b.Addrs()[0], 5*time.Second)
		Expect(err).NotTo(HaveOccurred(), "the broker still runs after the stack is closed")
		Expect(c.Close()).To(Succeed())
	}, SpecTimeout(2*time.Minute))

	It("restarts ksqlDB on the same port with its statements kept", func(ctx SpecContext) {
		s, err := embedded.Start(ctx, embedded.WithoutPostgres())
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Close)
		url := s.Endpoints().KSQLDB
		ksql := func(stmt string) map[int]string {
			return post(ctx, url+"/ksql", "application/vnd.ksql.v1+json", `{"ksql":"`+stmt+`","streamsProperties":{}}`)
		}
		Expect(ksql("CREATE STREAM kept (id INT) WITH (KAFKA_TOPIC='kept', VALUE_FORMAT='JSON', PARTITIONS=1);")).To(HaveKey(200))
		Expect(s.RestartKSQLDB(ctx)).To(Succeed())
		Expect(s.Endpoints().KSQLDB).To(Equal(url), "same endpoint")
		Expect(ksql("SHOW STREAMS;")).To(HaveKeyWithValue(200, ContainSubstring(`"KEPT"`)), "the command topic is replayed")
		Expect(s.RestartKSQLDB(ctx)).To(Succeed(), "restarts more than once")
		Expect(s.Close(ctx)).To(Succeed())
	}, SpecTimeout(2*time.Minute))
})

// post sends body and returns the answer as {status: body}.
func post(ctx context.Context, url, contentType, body string) map[int]string {
	GinkgoHelper()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(body))
	Expect(err).NotTo(HaveOccurred())
	req.Header.Set("Content-Type", contentType)
	resp, err := http.DefaultClient.Do(req)
	Expect(err).NotTo(HaveOccurred())
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	Expect(err).NotTo(HaveOccurred())
	return map[int]string{resp.StatusCode: string(b)}
}
