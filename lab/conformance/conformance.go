package conformance

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/linkedin/goavro/v2"
	. "github.com/onsi/ginkgo/v2" //nolint:revive // Ginkgo's DSL
	. "github.com/onsi/gomega"    //nolint:revive // Gomega's DSL
	"github.com/segmentio/kafka-go"

	"github.com/ctalab/ctalab/lab/stack"
)

// Restarter is a stack that can be stopped and started again on the same
// state and the same endpoints.
type Restarter interface {
	Restart(ctx context.Context) error
}

// Specs registers the conformance specs in a Describe container, and a
// summary of each feature's outcome printed after the suite (see
// PrintSummary). features is what the provider declares; the specs of the
// other features skip. running returns the stack under test; it is called
// inside specs, after the provider's BeforeSuite has started it.
func Specs(provider string, features Features, running func() stack.Stack) bool {
	reportAfterSuite(provider, features)
	s := suite{provider: provider, features: features}
	return Describe("Lab conformance ("+provider+")", Label("conformance", provider), func() {
		var e stack.Endpoints
		BeforeEach(func() { e = running().Endpoints() })

		s.it("Kafka", "delivers records from a kafka-go writer to a consumer group, which commits its offsets", func(ctx SpecContext) {
			topic := "conformance-group-" + suffix()
			createTopic(ctx, e, topic, 2)
			w := &kafka.Writer{Addr: kafka.TCP(e.Brokers...), Topic: topic, RequiredAcks: kafka.RequireAll, BatchTimeout: 2 * time.Millisecond, Transport: ownTransport()}
			DeferCleanup(w.Close)
			var msgs []kafka.Message
			for i := range 100 {
				msgs = append(msgs, kafka.Message{Key: []byte(fmt.Sprint(i)), Value: []byte(fmt.Sprintf("value-%d", i))})
			}
			Expect(w.WriteMessages(ctx, msgs...)).To(Succeed(), "produce 100 records")

			group := "conformance-" + suffix()
			r := kafka.NewReader(kafka.ReaderConfig{Brokers: e.Brokers, GroupID: group, Topic: topic, StartOffset: kafka.FirstOffset, MaxWait: 100 * time.Millisecond, CommitInterval: 0})
			seen := map[string]bool{}
			for len(seen) < 100 {
				m, err := r.ReadMessage(ctx)
				Expect(err).NotTo(HaveOccurred(), "consume as group %s", group)
				seen[string(m.Value)] = true
			}
			Expect(r.Close()).To(Succeed())
			client := newClient(e)
			off, err := client.OffsetFetch(ctx, &kafka.OffsetFetchRequest{GroupID: group, Topics: map[string][]int{topic: {0, 1}}})
			Expect(err).NotTo(HaveOccurred())
			var committed int64
			for _, p := range off.Topics[topic] {
				committed += p.CommittedOffset
			}
			Expect(committed).To(BeEquivalentTo(100), "the group's committed offsets cover every record")
		}, SpecTimeout(60*time.Second))

		s.context("SchemaRegistry", "Schema Registry", func() {
			It("gives the same schema one id, twice under one subject and under a second subject", func(ctx SpecContext) {
				s := recordSchema("Same"+nameSuffix(), `{"name":"a","type":"int"}`)
				id1 := register(ctx, e, "conf-a-"+suffix()+"-value", s, http.StatusOK)["id"]
				subj := "conf-b-" + suffix() + "-value"
				id2 := register(ctx, e, subj, s, http.StatusOK)["id"]
				id3 := register(ctx, e, subj, s, http.StatusOK)["id"]
				Expect(id1).NotTo(BeNil())
				Expect(id2).To(Equal(id1))
				Expect(id3).To(Equal(id1))
				versions := getJSON(ctx, e.SchemaRegistry+"/subjects/"+subj+"/versions", http.StatusOK)
				Expect(versions).To(Equal([]any{1.0}), "registering twice makes one version")
			}, SpecTimeout(30*time.Second))

			It("refuses a BACKWARD-incompatible schema with 409", func(ctx SpecContext) {
				name, subj := "Compat"+nameSuffix(), "conf-compat-"+suffix()+"-value"
				register(ctx, e, subj, recordSchema(name, `{"name":"a","type":"int"}`), http.StatusOK)
				body := register(ctx, e, subj, recordSchema(name, `{"name":"a","type":"int"},{"name":"b","type":"string"}`), http.StatusConflict)
				Expect(body["error_code"]).To(BeEquivalentTo(409))
				Expect(body["message"]).To(ContainSubstring("incompatible"))
			}, SpecTimeout(30*time.Second))

			It("refuses an invalid schema with 422 and error code 42201", func(ctx SpecContext) {
				body := register(ctx, e, "conf-invalid-"+suffix()+"-value", `{"type":"record","name":"X","fields":[{"name":"a","type":"nosuchtype"}]}`, http.StatusUnprocessableEntity)
				Expect(body["error_code"]).To(BeEquivalentTo(42201))
			}, SpecTimeout(30*time.Second))

			It("answers 404 with error code 40403 for an unknown schema id", func(ctx SpecContext) {
				body := getJSON(ctx, e.SchemaRegistry+"/schemas/ids/987654321", http.StatusNotFound).(map[string]any)
				Expect(body["error_code"]).To(BeEquivalentTo(40403))
			}, SpecTimeout(30*time.Second))
		})

		s.context("RESTProxyV2", "REST Proxy v2", func() {
			valueSchema := `{"type":"record","name":"weather","namespace":"conformance","fields":[{"name":"temperature","type":"float"},{"name":"note","type":["null","string"]}]}`

			It("produces Avro records that a consumer decodes with the schema fetched from the registry", func(ctx SpecContext) {
				topic := "conformance-avro-" + suffix()
				createTopic(ctx, e, topic, 1)
				req := fmt.Sprintf(`{"value_schema":%q,"records":[{"value":{"temperature":21.5,"note":{"string":"hello"}}},{"value":{"temperature":-3,"note":null}}]}`, valueSchema)
				status, body := post(ctx, e.RESTProxy+"/topics/"+topic, "application/vnd.kafka.avro.v2+json", req)
				Expect(status).To(Equal(http.StatusOK), "body: %s", body)
				var resp struct {
					ValueSchemaID int `json:"value_schema_id"`
					Offsets       []struct {
						Offset int64 `json:"offset"`
						Error  any   `json:"error"`
					} `json:"offsets"`
				}
				Expect(json.Unmarshal(body, &resp)).To(Succeed())
				Expect(resp.Offsets).To(HaveLen(2))

				r := kafka.NewReader(kafka.ReaderConfig{Brokers: e.Brokers, Topic: topic, MaxWait: 100 * time.Millisecond})
				DeferCleanup(r.Close)
				var got []map[string]any
				for range 2 {
					m, err := r.ReadMessage(ctx)
					Expect(err).NotTo(HaveOccurred())
					Expect(m.Value[0]).To(BeZero(), "magic byte")
					id := int(m.Value[1])<<24 | int(m.Value[2])<<16 | int(m.Value[3])<<8 | int(m.Value[4])
					Expect(id).To(Equal(resp.ValueSchemaID))
					schema := getJSON(ctx, fmt.Sprintf("%s/schemas/ids/%d", e.SchemaRegistry, id), http.StatusOK).(map[string]any)["schema"].(string)
					codec, err := goavro.NewCodec(schema)
					Expect(err).NotTo(HaveOccurred())
					native, rest, err := codec.NativeFromBinary(m.Value[5:])
					Expect(err).NotTo(HaveOccurred())
					Expect(rest).To(BeEmpty())
					got = append(got, native.(map[string]any))
				}
				Expect(got[0]["temperature"]).To(BeEquivalentTo(float32(21.5)))
				Expect(got[0]["note"]).To(Equal(map[string]any{"string": "hello"}))
				Expect(got[1]["note"]).To(BeNil())
				subjects := getJSON(ctx, e.SchemaRegistry+"/subjects", http.StatusOK)
				Expect(subjects).To(ContainElement(topic + "-value"))
			}, SpecTimeout(60*time.Second))

			It("serves kcat, a librdkafka client: it lists the topics and consumes a record written through the REST Proxy", func(ctx SpecContext) {
				kcat, err := exec.LookPath("kcat")
				if err != nil {
					Skip("kcat is not installed: scripts/install-test-deps (run by make test) installs it")
				}
				topic := "conformance-kcat-" + suffix()
				createTopic(ctx, e, topic, 1)
				status, body := post(ctx, e.RESTProxy+"/topics/"+topic, "application/vnd.kafka.binary.v2+json", `{"records":[{"key":"a2V5","value":"aGVsbG8ga2NhdA=="}]}`)
				Expect(status).To(Equal(http.StatusOK), "body: %s", body)
				out, err := exec.CommandContext(ctx, kcat, "-b", e.Brokers[0], "-L", "-J").Output()
				Expect(err).NotTo(HaveOccurred(), "kcat -L")
				var md struct {
					Topics []struct {
						Topic string `json:"topic"`
					} `json:"topics"`
				}
				Expect(json.Unmarshal(out, &md)).To(Succeed())
				Expect(md.Topics).To(ContainElement(HaveField("Topic", topic)))
				out, err = exec.CommandContext(ctx, kcat, "-b", e.Brokers[0], "-C", "-t", topic, "-o", "beginning", "-e", "-q", "-f", "%k=%s\\n").Output()
				Expect(err).NotTo(HaveOccurred(), "kcat -C")
				Expect(string(out)).To(Equal("key=hello kcat\n"))
			}, SpecTimeout(60*time.Second))

			DescribeTable("writes nothing for a rejected request",
				func(ctx SpecContext, contentType, body string, wantStatus int) {
					topic := "conformance-reject-" + suffix()
					createTopic(ctx, e, topic, 1)
					if strings.Contains(body, "%q") {
						body = fmt.Sprintf(body, valueSchema)
					}
					status, resp := post(ctx, e.RESTProxy+"/topics/"+topic, contentType, body)
					Expect(status).To(Equal(wantStatus), "body: %s", resp)
					var eb map[string]any
					Expect(json.Unmarshal(resp, &eb)).To(Succeed(), "error body is JSON: %s", resp)
					Expect(eb).To(HaveKey("error_code"))
					Expect(eb).To(HaveKey("message"))
					Expect(endOffset(ctx, e, topic)).To(BeZero(), "nothing was written")
				},
				Entry("a wrong content type: 415", "text/plain", `{"records":[{"value":"aGk="}]}`, http.StatusUnsupportedMediaType),
				Entry("malformed JSON: 400", "application/vnd.kafka.avro.v2+json", `{"value_schema": "x", "records": [`, http.StatusBadRequest),
				Entry("a value that does not match its schema: 400", "application/vnd.kafka.avro.v2+json", `{"value_schema":%q,"records":[{"value":{"temperature":1,"note":null}},{"value":{"temperature":"hot","note":null}}]}`, http.StatusBadRequest),
				Entry("no value schema: 422", "application/vnd.kafka.avro.v2+json", `{"records":[{"value":{"temperature":1}}]}`, http.StatusUnprocessableEntity),
			)
		})

		s.it("PostgreSQL", "serves PostgreSQL with table stations seeded with the 230 CTA stops", func(ctx SpecContext) {
			Expect(e.Postgres).NotTo(BeEmpty(), "a provider that declares PostgreSQL has a PostgreSQL endpoint")
			conn, err := pgx.Connect(ctx, e.Postgres)
			Expect(err).NotTo(HaveOccurred(), "connect to %s", e.Postgres)
			DeferCleanup(conn.Close, context.Background())
			var n, minStop, maxStop int
			Expect(conn.QueryRow(ctx, `SELECT count(*), min(stop_id), max(stop_id) FROM stations`).Scan(&n, &minStop, &maxStop)).To(Succeed())
			Expect([]int{n, minStop, maxStop}).To(Equal([]int{230, 30001, 30384}))
		}, SpecTimeout(30*time.Second))

		s.it("RestartDurability", "keeps topics, records, schema ids and subjects across a restart", func(ctx SpecContext) {
			r, ok := running().(Restarter)
			Expect(ok).To(BeTrue(), "a provider that declares RestartDurability runs a stack that is a Restarter")
			topic := "conformance-restart-" + suffix()
			createTopic(ctx, e, topic, 1)
			w := &kafka.Writer{Addr: kafka.TCP(e.Brokers...), Topic: topic, RequiredAcks: kafka.RequireAll, BatchTimeout: time.Millisecond, Transport: ownTransport()}
			Expect(w.WriteMessages(ctx, kafka.Message{Value: []byte("before")})).To(Succeed())
			Expect(w.Close()).To(Succeed())
			subj := "conf-restart-" + suffix() + "-value"
			id := register(ctx, e, subj, recordSchema("Restart"+nameSuffix(), `{"name":"a","type":"long"}`), http.StatusOK)["id"]

			Expect(r.Restart(ctx)).To(Succeed())
			e = running().Endpoints()

			Expect(endOffset(ctx, e, topic)).To(BeEquivalentTo(1), "the record survived")
			Expect(getJSON(ctx, e.SchemaRegistry+"/subjects", http.StatusOK)).To(ContainElement(subj))
			latest := getJSON(ctx, e.SchemaRegistry+"/subjects/"+subj+"/versions/latest", http.StatusOK).(map[string]any)
			Expect(latest["id"]).To(Equal(id))
		}, SpecTimeout(120*time.Second))

		connectSpecs(s, func() stack.Endpoints { return e })
		restProxyV3Specs(s, func() stack.Endpoints { return e })
		ksqlDBSpecs(s, func() stack.Endpoints { return e })
	})
}

func suffix() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%d-%s", GinkgoParallelProcess(), hex.EncodeToString(b))
}

// newClient returns a kafka-go client with its own connection pool: after a
// broker restart, kafka-go's shared default transport hands out dead pooled
// connections once (a client-side quirk, not the broker's).
func newClient(e stack.Endpoints) *kafka.Client {
	return &kafka.Client{Addr: kafka.TCP(e.Brokers...), Transport: ownTransport()}
}

// ownTransport returns a kafka-go transport that the running spec's end
// releases: its connection pools would otherwise keep redialing the
// brokers after the stack is gone, and decode whatever server later holds
// the port as Kafka. A Writer's Close does not release a Transport it was
// given.
func ownTransport() *kafka.Transport {
	t := &kafka.Transport{}
	DeferCleanup(t.CloseIdleConnections)
	return t
}

// nameSuffix is suffix in a form Avro allows in names.
func nameSuffix() string { return strings.ReplaceAll(suffix(), "-", "_") }

func recordSchema(name, fields string) string {
	return fmt.Sprintf(`{"type":"record","name":%q,"namespace":"conformance","fields":[%s]}`, name, fields)
}

func createTopic(ctx context.Context, e stack.Endpoints, topic string, partitions int) {
	GinkgoHelper()
	client := newClient(e)
	resp, err := client.CreateTopics(ctx, &kafka.CreateTopicsRequest{Topics: []kafka.TopicConfig{{Topic: topic, NumPartitions: partitions, ReplicationFactor: 1}}})
	Expect(err).NotTo(HaveOccurred(), "create topic %s", topic)
	Expect(resp.Errors[topic]).NotTo(HaveOccurred(), "create topic %s", topic)
}

func endOffset(ctx context.Context, e stack.Endpoints, topic string) int64 {
	GinkgoHelper()
	client := newClient(e)
	resp, err := client.ListOffsets(ctx, &kafka.ListOffsetsRequest{Topics: map[string][]kafka.OffsetRequest{topic: {kafka.LastOffsetOf(0)}}})
	Expect(err).NotTo(HaveOccurred())
	Expect(resp.Topics[topic]).To(HaveLen(1))
	Expect(resp.Topics[topic][0].Error).NotTo(HaveOccurred())
	return resp.Topics[topic][0].LastOffset
}

func register(ctx context.Context, e stack.Endpoints, subject, schema string, want int) map[string]any {
	GinkgoHelper()
	b, _ := json.Marshal(map[string]string{"schema": schema})
	status, body := post(ctx, e.SchemaRegistry+"/subjects/"+subject+"/versions", "application/vnd.schemaregistry.v1+json", string(b))
	Expect(status).To(Equal(want), "register under %s: %s", subject, body)
	var m map[string]any
	Expect(json.Unmarshal(body, &m)).To(Succeed())
	return m
}

func post(ctx context.Context, url, contentType, body string) (int, []byte) {
	GinkgoHelper()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewBufferString(body))
	Expect(err).NotTo(HaveOccurred())
	req.Header.Set("Content-Type", contentType)
	resp, err := http.DefaultClient.Do(req)
	Expect(err).NotTo(HaveOccurred(), "POST %s", url)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	Expect(err).NotTo(HaveOccurred())
	return resp.StatusCode, b
}

func getJSON(ctx context.Context, url string, want int) any {
	GinkgoHelper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	Expect(err).NotTo(HaveOccurred())
	resp, err := http.DefaultClient.Do(req)
	Expect(err).NotTo(HaveOccurred(), "GET %s", url)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	Expect(err).NotTo(HaveOccurred())
	Expect(resp.StatusCode).To(Equal(want), "GET %s: %s", url, b)
	var v any
	Expect(json.Unmarshal(b, &v)).To(Succeed(), "GET %s: %s", url, b)
	return v
}
