package embedded_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/app/stationsource"
	"github.com/ctalab/ctalab/clientconf"
	"github.com/ctalab/ctalab/lab/embedded"
)

// Kafka Connect on a secured stack (issue 15): the worker's own clients
// authenticate to Kafka, the pipeline's stations connector runs, and
// Confluent's Avro converter reaches the secured Schema Registry with the
// credentials of its basic.auth settings, as on Confluent Platform 7.9
// (https://docs.confluent.io/platform/7.9/schema-registry/connect.html).
var _ = Describe("Secured stack's Kafka Connect", Ordered, func() {
	var (
		secured *embedded.Stack
		cfg     clientconf.Config
		connect *http.Client
	)
	BeforeAll(func(ctx SpecContext) {
		var err error
		secured, err = embedded.Start(ctx, embedded.WithSecurity(),
			embedded.WithLogger(slog.New(slog.NewTextHandler(GinkgoWriter, &slog.HandlerOptions{Level: slog.LevelWarn}))))
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func(ctx SpecContext) { Expect(secured.Close(ctx)).To(Succeed()) }, NodeTimeout(60*time.Second))
		var v clientconf.Values
		Expect(v.LoadFile(secured.ClientProperties())).To(Succeed())
		cfg, err = v.Resolve()
		Expect(err).NotTo(HaveOccurred())
		connect, err = cfg.Connect.HTTPClient(30 * time.Second)
		Expect(err).NotTo(HaveOccurred())
	}, NodeTimeout(180*time.Second))

	// records reads n records of topic over SASL_SSL with the client
	// properties' settings.
	records := func(ctx context.Context, topic string, n int) []*kgo.Record {
		opts, err := cfg.Kafka.KgoOpts()
		Expect(err).NotTo(HaveOccurred())
		cl, err := kgo.NewClient(append(opts, kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))...)
		Expect(err).NotTo(HaveOccurred())
		defer cl.Close()
		var out []*kgo.Record
		for len(out) < n {
			fs := cl.PollFetches(ctx)
			Expect(ctx.Err()).NotTo(HaveOccurred(), "%d of %d records of %s", len(out), n, topic)
			fs.EachRecord(func(r *kgo.Record) { out = append(out, r) })
		}
		return out
	}
	// create posts a connector with the client properties' Connect
	// credentials.
	create := func(ctx context.Context, name string, config map[string]string) {
		body, _ := json.Marshal(map[string]any{"name": name, "config": config})
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, cfg.Connect.URL+"/connectors", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := connect.Do(req)
		Expect(err).NotTo(HaveOccurred())
		defer resp.Body.Close()
		out, _ := io.ReadAll(resp.Body)
		Expect(resp.StatusCode).To(Equal(http.StatusCreated), string(out))
	}
	// taskState is the state and trace of the connector's task 0.
	taskState := func(ctx context.Context, name string) (string, string) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, cfg.Connect.URL+"/connectors/"+name+"/status", nil)
		resp, err := connect.Do(req)
		if err != nil {
			return err.Error(), ""
		}
		defer resp.Body.Close()
		var st stationsource.Status
		if err := json.NewDecoder(resp.Body).Decode(&st); err != nil || len(st.Tasks) == 0 {
			return fmt.Sprintf("HTTP %d, no task yet", resp.StatusCode), ""
		}
		return st.Tasks[0].State, st.Tasks[0].Trace
	}
	// avroConfig is the pipeline's stations connector writing to
	// <prefix>stations with the AvroConverter and the given converter
	// settings.
	avroConfig := func(prefix string, settings map[string]string) map[string]string {
		c := stationsource.Definition(stationsource.Config{ConnectURL: cfg.Connect.URL, JDBCURL: secured.Endpoints().PostgresFromConnect})
		c["name"] = prefix + "stations"
		c["topic.prefix"] = prefix
		c["value.converter"] = "io.confluent.connect.avro.AvroConverter"
		c["value.converter.schema.registry.url"] = cfg.SchemaRegistry.URL
		delete(c, "value.converter.schemas.enable")
		for k, v := range settings {
			c["value.converter."+k] = v
		}
		return c
	}

	It("runs the pipeline's stations connector, whose records reach Kafka over SASL_SSL", func(ctx SpecContext) {
		cl, err := stationsource.NewClient(stationsource.Config{ConnectURL: cfg.Connect.URL, JDBCURL: secured.Endpoints().PostgresFromConnect, Connect: cfg.Connect})
		Expect(err).NotTo(HaveOccurred())
		Expect(cl.Ensure(ctx)).To(Succeed())
		recs := records(ctx, "org.chicago.cta.stations", 230)
		var first map[string]any
		Expect(json.Unmarshal(recs[0].Value, &first)).To(Succeed())
		Expect(first).To(HaveKey("stop_id"))
	}, SpecTimeout(120*time.Second))

	// The registry is named as in a config written for docker-compose.yml
	// (Connect's container reaches it as schema-registry:8081).
	It("writes Avro through a registry that accepts the converter's USER_INFO credentials", func(ctx SpecContext) {
		create(ctx, "avro-stations", avroConfig("avro-", map[string]string{
			"schema.registry.url":           "http://schema-registry:8081",
			"basic.auth.credentials.source": "USER_INFO",
			"basic.auth.user.info":          cfg.SchemaRegistry.Username + ":" + cfg.SchemaRegistry.Password,
		}))
		recs := records(ctx, "avro-stations", 230)
		hc, err := cfg.SchemaRegistry.HTTPClient(30 * time.Second)
		Expect(err).NotTo(HaveOccurred())
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, cfg.SchemaRegistry.URL+"/subjects/avro-stations-value/versions/latest", nil)
		resp, err := hc.Do(req)
		Expect(err).NotTo(HaveOccurred())
		defer resp.Body.Close()
		var latest struct {
			ID int `json:"id"`
		}
		Expect(resp.StatusCode).To(Equal(http.StatusOK))
		Expect(json.NewDecoder(resp.Body).Decode(&latest)).To(Succeed())
		for _, r := range recs {
			Expect(len(r.Value)).To(BeNumerically(">", 5))
			Expect(r.Value[0]).To(BeZero(), "magic byte")
			Expect(int(binary.BigEndian.Uint32(r.Value[1:5]))).To(Equal(latest.ID), "schema id")
		}
	}, SpecTimeout(120*time.Second))

	// The registry's 401 as a Confluent Platform 7.9 worker reports it
	// (lab/connect's registry client: AbstractKafkaSchemaSerDe.toKafkaException
	// and RestService in confluentinc/schema-registry v7.9.0).
	It("fails the task of an Avro converter without credentials, with the registry's 401 in its trace", func(ctx SpecContext) {
		create(ctx, "nocreds-stations", avroConfig("nocreds-", nil))
		var state, trace string
		Eventually(func() string {
			state, trace = taskState(ctx, "nocreds-stations")
			return state
		}).WithContext(ctx).WithPolling(200 * time.Millisecond).Should(Equal("FAILED"))
		Expect(trace).To(HavePrefix("org.apache.kafka.connect.errors.ConnectException: Tolerance exceeded in error handler"))
		Expect(trace).To(ContainSubstring("\nCaused by: org.apache.kafka.common.errors.AuthenticationException: Error registering Avro schema{"))
		Expect(trace).To(ContainSubstring("\nCaused by: io.confluent.kafka.schemaregistry.client.rest.exceptions.RestClientException: Unable to parse error message from schema registry: '(<html>"))
		Expect(trace).To(ContainSubstring("HTTP ERROR 401 Unauthorized"))
		Expect(strings.TrimSpace(trace)).To(HaveSuffix("; error code: 50005"))
	}, SpecTimeout(60*time.Second))

	// ksqlDB reaches the secured worker with ksql.connect.basic.auth.* set
	// to the stack's credentials, so its connector statements list the
	// pipeline's connector.
	It("lists the worker's connectors through ksqlDB's SHOW CONNECTORS", func(ctx SpecContext) {
		body := securedKSQL(ctx, cfg, "SHOW SOURCE CONNECTORS;")
		var out []struct {
			Type       string `json:"@type"`
			Connectors []struct {
				Type string `json:"type"`
			} `json:"connectors"`
		}
		Expect(json.Unmarshal(body, &out)).To(Succeed())
		Expect(out).To(HaveLen(1))
		Expect(out[0].Type).To(Equal("connector_list"))
		Expect(out[0].Connectors).NotTo(BeEmpty())
		Expect(out[0].Connectors[0].Type).To(Equal("source"))
	}, SpecTimeout(60*time.Second))

	// The credentials reach ksqlDB as ksqldb-server reads them: from the
	// properties file ksql.connect.basic.auth.credentials.file names, with
	// the source FILE (DefaultConnectClientFactory, confluentinc/ksql
	// v7.9.0), so SHOW PROPERTIES lists both and the file exists with the
	// stack's user in it.
	It("lists the Connect credentials file ksqlDB reads in SHOW PROPERTIES", func(ctx SpecContext) {
		listed := listedProperties(securedKSQL(ctx, cfg, "SHOW PROPERTIES;"))
		Expect(listed).To(HaveKeyWithValue("ksql.connect.basic.auth.credentials.source", "FILE"))
		file := listed["ksql.connect.basic.auth.credentials.file"]
		Expect(file).To(HavePrefix(filepath.Join(secured.DataDir(), embedded.SecurityDir) + string(filepath.Separator)))
		raw, err := os.ReadFile(file)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(raw)).To(ContainSubstring("username=" + embedded.SecureUser + "\n"))
	}, SpecTimeout(60*time.Second))
})

// securedKSQL sends one statement to the secured stack's ksqlDB /ksql
// endpoint with the client settings cfg resolved and returns the 200 answer's body.
func securedKSQL(ctx context.Context, cfg clientconf.Config, stmt string) []byte {
	GinkgoHelper()
	hc, err := cfg.KSQLDB.HTTPClient(30 * time.Second)
	Expect(err).NotTo(HaveOccurred())
	b, err := json.Marshal(map[string]string{"ksql": stmt})
	Expect(err).NotTo(HaveOccurred())
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, cfg.KSQLDB.URL+"/ksql", bytes.NewReader(b))
	Expect(err).NotTo(HaveOccurred())
	req.Header.Set("Content-Type", "application/vnd.ksql.v1+json")
	resp, err := hc.Do(req)
	Expect(err).NotTo(HaveOccurred())
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	Expect(err).NotTo(HaveOccurred())
	Expect(resp.StatusCode).To(Equal(http.StatusOK), string(body))
	return body
}
