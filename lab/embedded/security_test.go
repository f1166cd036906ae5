package embedded_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/clientconf"
	"github.com/ctalab/ctalab/lab/embedded"
	"github.com/ctalab/ctalab/lab/testtools"
)

var _ = Describe("Secured stack", Ordered, func() {
	var (
		secured *embedded.Stack
		cfg     clientconf.Config
	)
	BeforeAll(func(ctx SpecContext) {
		var err error
		secured, err = embedded.Start(ctx, embedded.WithSecurity(), embedded.WithoutPostgres(),
			embedded.WithLogger(slog.New(slog.NewTextHandler(GinkgoWriter, &slog.HandlerOptions{Level: slog.LevelWarn}))))
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func(ctx SpecContext) { Expect(secured.Close(ctx)).To(Succeed()) }, NodeTimeout(60*time.Second))
		// Everything below reaches the stack through the file it wrote.
		var v clientconf.Values
		Expect(v.LoadFile(secured.ClientProperties())).To(Succeed())
		cfg, err = v.Resolve()
		Expect(err).NotTo(HaveOccurred())
		Expect(cfg.Unknown).To(BeEmpty())
	}, NodeTimeout(120*time.Second))

	It("writes a client properties file that reaches Kafka with SASL_SSL", func(ctx SpecContext) {
		Expect(cfg.Kafka.Protocol).To(Equal(clientconf.SASLSSL))
		opts, err := cfg.Kafka.KgoOpts()
		Expect(err).NotTo(HaveOccurred())
		cl, err := kgo.NewClient(append(opts, kgo.AllowAutoTopicCreation(), kgo.ConsumeTopics("secured"), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))...)
		Expect(err).NotTo(HaveOccurred())
		defer cl.Close()
		Expect(cl.ProduceSync(ctx, &kgo.Record{Topic: "secured", Value: []byte("v")}).FirstErr()).To(Succeed())
		fs := cl.PollRecords(ctx, 1)
		Expect(fs.Err0()).NotTo(HaveOccurred())
		Expect(fs.NumRecords()).To(Equal(1))
	}, SpecTimeout(60*time.Second))

	It("refuses a plaintext Kafka client", func(ctx SpecContext) {
		k := clientconf.Kafka{Brokers: cfg.Kafka.Brokers, Protocol: clientconf.Plaintext}
		Expect(k.CheckKafka(ctx, 3*time.Second)).NotTo(Succeed())
	}, SpecTimeout(30*time.Second))

	It("lets the stand-ins' own clients authenticate: the REST Proxy produces Avro through the registry", func(ctx SpecContext) {
		hc, err := cfg.RESTProxy.HTTPClient(30 * time.Second)
		Expect(err).NotTo(HaveOccurred())
		body := `{"value_schema":"{\"type\":\"record\",\"name\":\"W\",\"fields\":[{\"name\":\"t\",\"type\":\"float\"}]}","records":[{"value":{"t":1.5}}]}`
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, cfg.RESTProxy.URL+"/topics/secured-weather", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/vnd.kafka.avro.v2+json")
		resp, err := hc.Do(req)
		Expect(err).NotTo(HaveOccurred())
		defer resp.Body.Close()
		out, _ := io.ReadAll(resp.Body)
		Expect(resp.StatusCode).To(Equal(http.StatusOK), string(out))
		Expect(string(out)).To(ContainSubstring(`"value_schema_id":1`))
	}, SpecTimeout(60*time.Second))

	It("answers every HTTP service with the credentials of the file", func(ctx SpecContext) {
		for _, s := range cfg.Services() {
			Expect(s.Check(ctx)).To(Succeed(), s.Name)
		}
		hc, err := cfg.KSQLDB.HTTPClient(30 * time.Second)
		Expect(err).NotTo(HaveOccurred())
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, cfg.KSQLDB.URL+"/ksql", strings.NewReader(`{"ksql":"SHOW TOPICS;"}`))
		req.Header.Set("Content-Type", "application/vnd.ksql.v1+json")
		resp, err := hc.Do(req)
		Expect(err).NotTo(HaveOccurred())
		defer resp.Body.Close()
		out, _ := io.ReadAll(resp.Body)
		Expect(resp.StatusCode).To(Equal(http.StatusOK), string(out))
		Expect(string(out)).To(ContainSubstring("secured-weather"))
	}, SpecTimeout(60*time.Second))

	DescribeTable("answers a request without credentials 401 in the product's own shape",
		func(ctx SpecContext, svc func() clientconf.Service, path, accept, challenge, body string) {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, svc().URL+path, nil)
			if accept != "" {
				req.Header.Set("Accept", accept)
			}
			resp, err := http.DefaultClient.Do(req)
			Expect(err).NotTo(HaveOccurred())
			defer resp.Body.Close()
			out, _ := io.ReadAll(resp.Body)
			Expect(resp.StatusCode).To(Equal(http.StatusUnauthorized))
			Expect(resp.Header.Get("WWW-Authenticate")).To(Equal(challenge))
			Expect(string(out)).To(ContainSubstring(body))
		},
		Entry("Schema Registry (rest-utils, Jetty's JSON error)", func() clientconf.Service { return cfg.SchemaRegistry }, "/subjects", "application/json",
			`basic realm="SchemaRegistry-Props"`, `"message":"Unauthorized"`),
		Entry("REST Proxy (rest-utils, Jetty's HTML error page)", func() clientconf.Service { return cfg.RESTProxy }, "/topics", "",
			`basic realm="KafkaRest"`, "<h2>HTTP ERROR 401 Unauthorized</h2>"),
		Entry("Kafka Connect (JaasBasicAuthFilter)", func() clientconf.Service { return cfg.Connect }, "/connectors", "application/json",
			"", "User cannot access the resource."),
		Entry("ksqlDB (generic_error 40100)", func() clientconf.Service { return cfg.KSQLDB }, "/info", "application/json",
			`Basic realm="KsqlServer-Props"`, `{"@type":"generic_error","error_code":40100,"message":"Unauthorized"}`),
	)

	It("names Kafka and the setting when the SASL password is wrong, at once", func(ctx SpecContext) {
		dir := GinkgoT().TempDir()
		raw, err := os.ReadFile(secured.ClientProperties())
		Expect(err).NotTo(HaveOccurred())
		bad := strings.Replace(string(raw), `password="`, `password="x`, 1)
		path := dir + "/wrong.properties"
		Expect(os.WriteFile(path, []byte(bad), 0o600)).To(Succeed())
		var v clientconf.Values
		Expect(v.LoadFile(path)).To(Succeed())
		c, err := v.Resolve()
		Expect(err).NotTo(HaveOccurred())
		begin := time.Now()
		err = c.Kafka.CheckKafka(ctx, 20*time.Second)
		var ae *clientconf.AuthError
		Expect(errors.As(err, &ae)).To(BeTrue(), "err = %v", err)
		Expect(time.Since(begin)).To(BeNumerically("<", 10*time.Second))
		Expect(err.Error()).To(And(HavePrefix("Kafka at "), ContainSubstring("sasl.jaas.config in "+path), ContainSubstring("Authentication failed")))
	}, SpecTimeout(30*time.Second))

	It("names the HTTP service and the setting when its password is wrong", func(ctx SpecContext) {
		s := cfg.SchemaRegistry
		s.Password += "x"
		s.CredentialsFrom = "basic.auth.user.info in test"
		err := s.Check(ctx)
		Expect(err).To(MatchError(HavePrefix("Schema Registry at " + s.URL + " refused the credentials from basic.auth.user.info in test: HTTP 401")))
	}, SpecTimeout(30*time.Second))

	It("writes librdkafka properties that kcat connects with", func(ctx SpecContext) {
		kcat := testtools.Kcat(GinkgoT())
		cctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		out, err := exec.CommandContext(cctx, kcat, "-F", secured.LibrdkafkaProperties(), "-C", "-t", "secured", "-c", "1", "-e").CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), string(out))
		Expect(string(out)).To(ContainSubstring("v"))
	}, SpecTimeout(30*time.Second))
})
