package conformance

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/linkedin/goavro/v2"
	. "github.com/onsi/ginkgo/v2" //nolint:revive // Ginkgo's DSL
	. "github.com/onsi/gomega"    //nolint:revive // Gomega's DSL
	"github.com/segmentio/kafka-go"

	"github.com/ctalab/ctalab/lab/stack"
)

// ksqlMedia is the ksqlDB REST API's content type
// (https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-rest-api/rest-api-reference/).
const ksqlMedia = "application/vnd.ksql.v1+json"

// The ksqlDB specs send statements to /ksql and queries to /query
// (https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-rest-api/ksql-endpoint/,
// .../query-endpoint/) over a JSON source stream of their own.
func ksqlDBSpecs(s suite, endpoints func() stack.Endpoints) {
	Context("ksqlDB", func() {
		var e stack.Endpoints
		BeforeEach(func() { e = endpoints() })

		// ksql runs statements on /ksql and expects 200.
		ksql := func(ctx context.Context, stmt string) []map[string]any {
			GinkgoHelper()
			body, err := json.Marshal(map[string]any{"ksql": stmt, "streamsProperties": map[string]string{"ksql.streams.auto.offset.reset": "earliest"}})
			Expect(err).NotTo(HaveOccurred())
			status, b := call(ctx, http.MethodPost, e.KSQLDB+"/ksql", ksqlMedia, string(body))
			Expect(status).To(Equal(http.StatusOK), "%s: %s", stmt, b)
			var out []map[string]any
			Expect(json.Unmarshal(b, &out)).To(Succeed(), "%s: %s", stmt, b)
			return out
		}
		succeeds := func(ctx context.Context, stmt string) {
			GinkgoHelper()
			out := ksql(ctx, stmt)
			Expect(out).To(HaveLen(1), stmt)
			Expect(out[0]["@type"]).To(Equal("currentStatus"), stmt)
			Expect(out[0]["commandStatus"]).To(HaveKeyWithValue("status", "SUCCESS"), stmt)
		}
		// source creates a topic with two JSON records, ID 1 "a" and ID 2
		// "b", and a stream over it; it returns the stream's name.
		source := func(ctx context.Context) string {
			GinkgoHelper()
			topic := "conformance-ksql-" + suffix()
			createTopic(ctx, e, topic, 1)
			w := &kafka.Writer{Addr: kafka.TCP(e.Brokers...), Topic: topic, RequiredAcks: kafka.RequireAll, BatchTimeout: time.Millisecond, Transport: ownTransport()}
			DeferCleanup(w.Close)
			Expect(w.WriteMessages(ctx, kafka.Message{Value: []byte(`{"ID":1,"NAME":"a"}`)}, kafka.Message{Value: []byte(`{"ID":2,"NAME":"b"}`)})).To(Succeed())
			name := "CONF_SRC_" + strings.ToUpper(nameSuffix())
			succeeds(ctx, fmt.Sprintf("CREATE STREAM %s (ID INT, NAME VARCHAR) WITH (KAFKA_TOPIC='%s', VALUE_FORMAT='JSON');", name, topic))
			return name
		}
		// derived runs CREATE STREAM AS SELECT ID, NAME from src into a
		// topic of its own in the value format and returns the topic.
		derived := func(ctx context.Context, src, format string) string {
			GinkgoHelper()
			name := "CONF_OUT_" + strings.ToUpper(nameSuffix())
			topic := "conformance-ksql-out-" + suffix()
			succeeds(ctx, fmt.Sprintf("CREATE STREAM %s WITH (KAFKA_TOPIC='%s', PARTITIONS=1, VALUE_FORMAT='%s') AS SELECT ID, NAME FROM %s EMIT CHANGES;", name, topic, format, src))
			return topic
		}

		s.it("KsqlDB.Statements", "creates a stream, a stream and a table as select, and lists the streams", func(ctx SpecContext) {
			src := source(ctx)
			out := "CONF_UP_" + strings.ToUpper(nameSuffix())
			topic := "conformance-ksql-up-" + suffix()
			succeeds(ctx, fmt.Sprintf("CREATE STREAM %s WITH (KAFKA_TOPIC='%s', PARTITIONS=1) AS SELECT ID, UCASE(NAME) AS NAME FROM %s EMIT CHANGES;", out, topic, src))
			Expect(values(readAll(ctx, e, topic, 2))).To(Equal([]string{`{"ID":1,"NAME":"A"}`, `{"ID":2,"NAME":"B"}`}))

			tbl := "CONF_T_" + strings.ToUpper(nameSuffix())
			succeeds(ctx, fmt.Sprintf("CREATE TABLE %s AS SELECT NAME, COUNT(*) AS N FROM %s GROUP BY NAME EMIT CHANGES;", tbl, src))

			list := ksql(ctx, "LIST STREAMS;")
			Expect(list).To(HaveLen(1))
			Expect(list[0]["@type"]).To(Equal("streams"))
			Expect(list[0]["streams"]).To(ContainElement(And(
				HaveKeyWithValue("type", "STREAM"), HaveKeyWithValue("name", src), HaveKeyWithValue("valueFormat", "JSON"))))
			Expect(list[0]["streams"]).To(ContainElement(HaveKeyWithValue("name", out)))
			tables := ksql(ctx, "LIST TABLES;")
			Expect(tables[0]["tables"]).To(ContainElement(And(HaveKeyWithValue("type", "TABLE"), HaveKeyWithValue("name", tbl))))
		}, SpecTimeout(90*time.Second))

		s.it("KsqlDB.PushQueries", "streams a push query's header and then each row as it arrives", func(ctx SpecContext) {
			src := source(ctx)
			qctx, cancel := context.WithCancel(ctx)
			defer cancel()
			body, _ := json.Marshal(map[string]any{"ksql": "SELECT ID, NAME FROM " + src + " EMIT CHANGES;", "streamsProperties": map[string]string{"ksql.streams.auto.offset.reset": "earliest"}})
			req, err := http.NewRequestWithContext(qctx, http.MethodPost, e.KSQLDB+"/query", bytes.NewReader(body))
			Expect(err).NotTo(HaveOccurred())
			req.Header.Set("Content-Type", ksqlMedia)
			resp, err := http.DefaultClient.Do(req)
			Expect(err).NotTo(HaveOccurred())
			defer resp.Body.Close()
			Expect(resp.StatusCode).To(Equal(http.StatusOK))
			// The body is one JSON array written element by element, one
			// per line: the header, then {"row":{"columns":[...]}}.
			sc := bufio.NewScanner(resp.Body)
			var header map[string]any
			var rows [][]any
			for len(rows) < 2 && sc.Scan() {
				line := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(sc.Text()), "["), ",")
				line = strings.TrimSuffix(line, "]")
				if line == "" {
					continue
				}
				var el map[string]any
				Expect(json.Unmarshal([]byte(line), &el)).To(Succeed(), "element %q", line)
				if h, ok := el["header"].(map[string]any); ok {
					header = h
				}
				if r, ok := el["row"].(map[string]any); ok {
					rows = append(rows, r["columns"].([]any))
				}
			}
			Expect(header).To(HaveKeyWithValue("schema", "`ID` INTEGER, `NAME` STRING"))
			Expect(rows).To(Equal([][]any{{1.0, "a"}, {2.0, "b"}}))
		}, SpecTimeout(90*time.Second))

		s.it("KsqlDB.PullQueries", "answers a pull query on a materialized table with the row of its key", func(ctx SpecContext) {
			src := source(ctx)
			tbl := "CONF_T_" + strings.ToUpper(nameSuffix())
			succeeds(ctx, fmt.Sprintf("CREATE TABLE %s AS SELECT NAME, COUNT(*) AS N FROM %s GROUP BY NAME EMIT CHANGES;", tbl, src))
			body, _ := json.Marshal(map[string]any{"ksql": "SELECT NAME, N FROM " + tbl + " WHERE NAME='b';"})
			Eventually(ctx, func(ctx context.Context) []any {
				status, b := call(ctx, http.MethodPost, e.KSQLDB+"/query", ksqlMedia, string(body))
				if status != http.StatusOK {
					return nil
				}
				var out []map[string]any
				if json.Unmarshal(b, &out) != nil {
					return nil
				}
				var rows []any
				for _, el := range out {
					if r, ok := el["row"].(map[string]any); ok {
						rows = append(rows, r["columns"])
					}
				}
				return rows
			}).WithPolling(200 * time.Millisecond).Should(Equal([]any{[]any{"b", 1.0}}))
		}, SpecTimeout(90*time.Second))

		// Value formats: https://docs.ksqldb.io/en/0.29.0-ksqldb/reference/serialization/
		s.it("KsqlDB.Formats", "writes DELIMITED values as comma-separated text", func(ctx SpecContext) {
			topic := derived(ctx, source(ctx), "DELIMITED")
			Expect(values(readAll(ctx, e, topic, 2))).To(Equal([]string{"1,a", "2,b"}))
		}, SpecTimeout(90*time.Second))

		s.it("KsqlDB.Formats", "writes AVRO values in the Confluent wire format under a schema it registers as <topic>-value", func(ctx SpecContext) {
			Expect(s.features.SchemaRegistry).To(BeTrue(), "AVRO needs the provider's Schema Registry")
			topic := derived(ctx, source(ctx), "AVRO")
			msgs := readAll(ctx, e, topic, 2)
			latest := getJSON(ctx, e.SchemaRegistry+"/subjects/"+topic+"-value/versions/latest", http.StatusOK).(map[string]any)
			codec, err := goavro.NewCodec(latest["schema"].(string))
			Expect(err).NotTo(HaveOccurred())
			var got []any
			for _, m := range msgs {
				Expect(m.Value[0]).To(BeZero(), "magic byte")
				id := int(m.Value[1])<<24 | int(m.Value[2])<<16 | int(m.Value[3])<<8 | int(m.Value[4])
				Expect(id).To(BeEquivalentTo(latest["id"]))
				native, rest, err := codec.NativeFromBinary(m.Value[5:])
				Expect(err).NotTo(HaveOccurred())
				Expect(rest).To(BeEmpty())
				got = append(got, native)
			}
			// ksqlDB's columns are optional: each field is a union with null.
			Expect(got).To(Equal([]any{
				map[string]any{"ID": map[string]any{"int": int32(1)}, "NAME": map[string]any{"string": "a"}},
				map[string]any{"ID": map[string]any{"int": int32(2)}, "NAME": map[string]any{"string": "b"}},
			}))
		}, SpecTimeout(90*time.Second))
	})
}
