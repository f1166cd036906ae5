package conformance

import (
	"context"
	"fmt"
	"net/http"
	"time"

	. "github.com/onsi/ginkgo/v2" //nolint:revive // Ginkgo's DSL
	. "github.com/onsi/gomega"    //nolint:revive // Gomega's DSL
	"github.com/segmentio/kafka-go"

	"github.com/ctalab/ctalab/lab/stack"
)

// The REST Proxy v3 specs follow the CP 7.9 API reference,
// https://docs.confluent.io/platform/7.9/kafka-rest/api.html (Cluster,
// Topic, Records and Consumer Group sections).
func restProxyV3Specs(s suite, endpoints func() stack.Endpoints) {
	s.context("RESTProxyV3", "REST Proxy v3", func() {
		var e stack.Endpoints
		var cluster string
		BeforeEach(func(ctx SpecContext) {
			e = endpoints()
			list := callJSON(ctx, http.MethodGet, e.RESTProxy+"/v3/clusters", "", http.StatusOK)
			Expect(list["kind"]).To(Equal("KafkaClusterList"))
			data := list["data"].([]any)
			Expect(data).To(HaveLen(1), "one Kafka cluster")
			c := data[0].(map[string]any)
			Expect(c["kind"]).To(Equal("KafkaCluster"))
			cluster = c["cluster_id"].(string)
			Expect(cluster).NotTo(BeEmpty())
		})
		topicsURL := func() string { return e.RESTProxy + "/v3/clusters/" + cluster + "/topics" }

		s.it("RESTProxyV3", "describes the cluster it lists under its id", func(ctx SpecContext) {
			got := callJSON(ctx, http.MethodGet, e.RESTProxy+"/v3/clusters/"+cluster, "", http.StatusOK)
			Expect(got["kind"]).To(Equal("KafkaCluster"))
			Expect(got["cluster_id"]).To(Equal(cluster))
		}, SpecTimeout(30*time.Second))

		s.it("RESTProxyV3", "creates a topic (201), lists it, deletes it (204) and then answers 404 with 40403 for it", func(ctx SpecContext) {
			topic := "conformance-v3-" + suffix()
			created := callJSON(ctx, http.MethodPost, topicsURL(), fmt.Sprintf(`{"topic_name":%q,"partitions_count":2,"replication_factor":1}`, topic), http.StatusCreated)
			Expect(created["kind"]).To(Equal("KafkaTopic"))
			Expect(created["topic_name"]).To(Equal(topic))
			Expect(created["partitions_count"]).To(BeEquivalentTo(2))

			// Metadata reaches the brokers after the controller created the
			// topic, so the listing shows it eventually.
			Eventually(ctx, func(ctx context.Context) map[string]any {
				return callJSON(ctx, http.MethodGet, topicsURL(), "", http.StatusOK)
			}).WithPolling(100 * time.Millisecond).Should(And(
				HaveKeyWithValue("kind", "KafkaTopicList"),
				HaveKeyWithValue("data", ContainElement(HaveKeyWithValue("topic_name", topic)))))

			status, b := call(ctx, http.MethodDelete, topicsURL()+"/"+topic, "", "")
			Expect(status).To(Equal(http.StatusNoContent), "delete: %s", b)
			Eventually(ctx, func(ctx context.Context) int {
				status, _ := call(ctx, http.MethodGet, topicsURL()+"/"+topic, "", "")
				return status
			}).WithPolling(100 * time.Millisecond).Should(Equal(http.StatusNotFound))
			gone := callJSON(ctx, http.MethodGet, topicsURL()+"/"+topic, "", http.StatusNotFound)
			Expect(gone["error_code"]).To(BeEquivalentTo(40403))
			Expect(gone["message"]).NotTo(BeEmpty())
		}, SpecTimeout(60*time.Second))

		s.it("RESTProxyV3", "answers 404 with 40403 for a topic that does not exist, and does not create it", func(ctx SpecContext) {
			topic := "conformance-v3none-" + suffix()
			gone := callJSON(ctx, http.MethodGet, topicsURL()+"/"+topic, "", http.StatusNotFound)
			Expect(gone["error_code"]).To(BeEquivalentTo(40403))
			md, err := newClient(e).Metadata(ctx, &kafka.MetadataRequest{})
			Expect(err).NotTo(HaveOccurred())
			for _, t := range md.Topics {
				Expect(t.Name).NotTo(Equal(topic), "looking a topic up must not create it")
			}
		}, SpecTimeout(30*time.Second))

		s.it("RESTProxyV3", "produces a record with a STRING key and a JSON value that a Kafka client reads as those bytes", func(ctx SpecContext) {
			topic := "conformance-v3rec-" + suffix()
			createTopic(ctx, e, topic, 1)
			got := callJSON(ctx, http.MethodPost, topicsURL()+"/"+topic+"/records",
				`{"key":{"type":"STRING","data":"station-1"},"value":{"type":"JSON","data":{"count":3,"line":"blue"}}}`, http.StatusOK)
			Expect(got["error_code"]).To(BeEquivalentTo(200))
			Expect(got["topic_name"]).To(Equal(topic))
			Expect(got["partition_id"]).To(BeEquivalentTo(0))
			Expect(got["offset"]).To(BeEquivalentTo(0))
			msgs := readAll(ctx, e, topic, 1)
			Expect(string(msgs[0].Key)).To(Equal("station-1"))
			Expect(string(msgs[0].Value)).To(MatchJSON(`{"count":3,"line":"blue"}`))
		}, SpecTimeout(60*time.Second))

		s.it("RESTProxyV3", "describes a live consumer group, its member and its lag", func(ctx SpecContext) {
			topic, group := "conformance-v3grp-"+suffix(), "conformance-v3grp-"+suffix()
			createTopic(ctx, e, topic, 1)
			w := &kafka.Writer{Addr: kafka.TCP(e.Brokers...), Topic: topic, RequiredAcks: kafka.RequireAll, BatchTimeout: time.Millisecond, Transport: ownTransport()}
			DeferCleanup(w.Close)
			Expect(w.WriteMessages(ctx, kafka.Message{Value: []byte("1")}, kafka.Message{Value: []byte("2")}, kafka.Message{Value: []byte("3")})).To(Succeed())
			r := kafka.NewReader(kafka.ReaderConfig{Brokers: e.Brokers, GroupID: group, Topic: topic, StartOffset: kafka.FirstOffset, MaxWait: 100 * time.Millisecond})
			DeferCleanup(r.Close)
			for range 3 {
				_, err := r.ReadMessage(ctx) // commits synchronously (CommitInterval 0)
				Expect(err).NotTo(HaveOccurred())
			}
			Expect(w.WriteMessages(ctx, kafka.Message{Value: []byte("4")}, kafka.Message{Value: []byte("5")})).To(Succeed())

			groupURL := e.RESTProxy + "/v3/clusters/" + cluster + "/consumer-groups/" + group
			list := callJSON(ctx, http.MethodGet, e.RESTProxy+"/v3/clusters/"+cluster+"/consumer-groups", "", http.StatusOK)
			Expect(list["data"]).To(ContainElement(HaveKeyWithValue("consumer_group_id", group)))
			g := callJSON(ctx, http.MethodGet, groupURL, "", http.StatusOK)
			Expect(g["kind"]).To(Equal("KafkaConsumerGroup"))
			Expect(g["is_simple"]).To(BeFalse())
			Expect(g["state"]).To(Equal("STABLE"))
			members := callJSON(ctx, http.MethodGet, groupURL+"/consumers", "", http.StatusOK)
			Expect(members["data"]).To(HaveLen(1), "one member")
			// Lag is the partition's end offset (5) minus the committed one (3).
			lag := callJSON(ctx, http.MethodGet, groupURL+"/lag-summary", "", http.StatusOK)
			Expect(lag["kind"]).To(Equal("KafkaConsumerGroupLagSummary"))
			Expect(lag["total_lag"]).To(BeEquivalentTo(2))
			Expect(lag["max_lag"]).To(BeEquivalentTo(2))
			Expect(lag["max_lag_topic_name"]).To(Equal(topic))
			lags := callJSON(ctx, http.MethodGet, groupURL+"/lags", "", http.StatusOK)
			Expect(lags["data"]).To(ConsistOf(And(
				HaveKeyWithValue("current_offset", BeEquivalentTo(3)),
				HaveKeyWithValue("log_end_offset", BeEquivalentTo(5)),
				HaveKeyWithValue("lag", BeEquivalentTo(2)),
			)))
		}, SpecTimeout(60*time.Second))
	})
}
