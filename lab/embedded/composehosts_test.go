package embedded_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/twmb/franz-go/pkg/kgo"
)

var _ = Describe("Compose service names", func() {
	// A connector config written for docker-compose.yml names the services
	// as Connect's container reaches them on the compose network
	// (hostname: postgres, schema-registry; ports 5432 and 8081).
	It("runs a connector written for the compose file, which names postgres:5432 and schema-registry:8081", func(ctx SpecContext) {
		e := running.Endpoints()
		topic := "compose.stations"
		cfg := map[string]any{"name": "compose-stations", "config": map[string]string{
			"connector.class":                     "io.confluent.connect.jdbc.JdbcSourceConnector",
			"connection.url":                      "jdbc:postgresql://postgres:5432/cta",
			"connection.user":                     "cta_admin",
			"connection.password":                 "chicago",
			"table.whitelist":                     "stations",
			"mode":                                "incrementing",
			"incrementing.column.name":            "stop_id",
			"topic.prefix":                        "compose.",
			"value.converter":                     "io.confluent.connect.avro.AvroConverter",
			"value.converter.schema.registry.url": "http://schema-registry:8081",
		}}
		body, _ := json.Marshal(cfg)
		resp, err := http.Post(e.Connect+"/connectors", "application/json", bytes.NewReader(body))
		Expect(err).NotTo(HaveOccurred())
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		Expect(resp.StatusCode).To(Equal(http.StatusCreated), string(b))
		DeferCleanup(func() {
			req, _ := http.NewRequest(http.MethodDelete, e.Connect+"/connectors/compose-stations", nil)
			if r, err := http.DefaultClient.Do(req); err == nil {
				r.Body.Close()
			}
		})

		cl, err := kgo.NewClient(kgo.SeedBrokers(e.Brokers...), kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
		Expect(err).NotTo(HaveOccurred())
		defer cl.Close()
		var n int
		Eventually(func(g Gomega) {
			fs := cl.PollRecords(ctx, 500)
			fs.EachRecord(func(r *kgo.Record) {
				g.Expect(r.Value[0]).To(Equal(byte(0)), "Confluent wire format")
				n++
			})
			g.Expect(n).To(Equal(230))
		}).WithContext(ctx).WithTimeout(60 * time.Second).Should(Succeed())

		r, err := http.Get(e.SchemaRegistry + "/subjects/" + topic + "-value/versions")
		Expect(err).NotTo(HaveOccurred())
		b, _ = io.ReadAll(r.Body)
		r.Body.Close()
		Expect(string(b)).To(Equal("[1]"))
	}, SpecTimeout(90*time.Second))
})
