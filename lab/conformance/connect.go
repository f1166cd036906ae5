package conformance

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5"
	. "github.com/onsi/ginkgo/v2" //nolint:revive // Ginkgo's DSL
	. "github.com/onsi/gomega"    //nolint:revive // Gomega's DSL

	"github.com/ctalab/ctalab/lab/stack"
)

// The Kafka Connect specs drive the worker's REST API
// (https://kafka.apache.org/39/documentation.html#connect_rest) with the
// Confluent JDBC source connector
// (https://docs.confluent.io/kafka-connectors/jdbc/current/source-connector/source_config_options.html)
// reading a table of their own in the cta database.
func connectSpecs(s suite, endpoints func() stack.Endpoints) {
	Context("Kafka Connect", func() {
		var e stack.Endpoints
		BeforeEach(func() { e = endpoints() })

		// table creates a table of its own with rows "a".."c" (ids 1..3)
		// and returns its name and a function that inserts one more row.
		table := func(ctx context.Context) (string, func(name string)) {
			GinkgoHelper()
			Expect(s.features.PostgreSQL).To(BeTrue(), "the JDBC specs read a table of the provider's PostgreSQL")
			name := "conf_" + nameSuffix()
			conn, err := pgx.Connect(ctx, e.Postgres)
			Expect(err).NotTo(HaveOccurred())
			DeferCleanup(conn.Close, context.Background())
			_, err = conn.Exec(ctx, fmt.Sprintf(`CREATE TABLE %s (id SERIAL PRIMARY KEY, name TEXT NOT NULL)`, name))
			Expect(err).NotTo(HaveOccurred())
			insert := func(v string) {
				GinkgoHelper()
				_, err := conn.Exec(ctx, fmt.Sprintf(`INSERT INTO %s (name) VALUES ($1)`, name), v)
				Expect(err).NotTo(HaveOccurred())
			}
			for _, v := range []string{"a", "b", "c"} {
				insert(v)
			}
			return name, insert
		}
		// connector creates a JDBC source connector on the table with JSON
		// keys and values without schemas, and extra config, and returns
		// its name and topic.
		connector := func(ctx context.Context, tbl string, extra map[string]string) (string, string) {
			GinkgoHelper()
			name, prefix := "conformance-jdbc-"+suffix(), "conformance."+suffix()+"."
			cfg := map[string]string{
				"connector.class":                "io.confluent.connect.jdbc.JdbcSourceConnector",
				"tasks.max":                      "1",
				"connection.url":                 e.PostgresFromConnect,
				"connection.user":                "cta_admin",
				"connection.password":            "chicago",
				"table.whitelist":                tbl,
				"mode":                           "incrementing",
				"incrementing.column.name":       "id",
				"topic.prefix":                   prefix,
				"poll.interval.ms":               "200",
				"key.converter":                  "org.apache.kafka.connect.json.JsonConverter",
				"key.converter.schemas.enable":   "false",
				"value.converter":                "org.apache.kafka.connect.json.JsonConverter",
				"value.converter.schemas.enable": "false",
			}
			for k, v := range extra {
				cfg[k] = v
			}
			body, err := json.Marshal(map[string]any{"name": name, "config": cfg})
			Expect(err).NotTo(HaveOccurred())
			created := callJSON(ctx, http.MethodPost, e.Connect+"/connectors", string(body), http.StatusCreated)
			Expect(created["name"]).To(Equal(name))
			DeferCleanup(func(ctx context.Context) {
				status, b := call(ctx, http.MethodDelete, e.Connect+"/connectors/"+name, "", "")
				Expect(status).To(Equal(http.StatusNoContent), "delete connector %s: %s", name, b)
			}, NodeTimeout(30*time.Second))
			return name, prefix + tbl
		}
		// states is the connector's and its tasks' states from /status.
		states := func(ctx context.Context, name string) []string {
			st := callJSON(ctx, http.MethodGet, e.Connect+"/connectors/"+name+"/status", "", http.StatusOK)
			out := []string{st["connector"].(map[string]any)["state"].(string)}
			for _, t := range st["tasks"].([]any) {
				out = append(out, t.(map[string]any)["state"].(string))
			}
			return out
		}

		s.it("Connect.JDBC", "creates a JDBC source connector whose rows arrive on its topic as schemaless JSON", func(ctx SpecContext) {
			tbl, _ := table(ctx)
			_, topic := connector(ctx, tbl, nil)
			msgs := readAll(ctx, e, topic, 3)
			Expect(values(msgs)).To(Equal([]string{`{"id":1,"name":"a"}`, `{"id":2,"name":"b"}`, `{"id":3,"name":"c"}`}))
			for _, m := range msgs {
				Expect(m.Key).To(BeNil(), "table mode writes no key")
			}
		}, SpecTimeout(90*time.Second))

		// ValueToKey and ExtractField$Key:
		// https://kafka.apache.org/39/documentation.html#connect_transforms
		s.it("Connect.Transforms", "keys each row by its id with the ValueToKey and ExtractField$Key transforms", func(ctx SpecContext) {
			tbl, _ := table(ctx)
			_, topic := connector(ctx, tbl, map[string]string{
				"transforms":                  "createKey,extractId",
				"transforms.createKey.type":   "org.apache.kafka.connect.transforms.ValueToKey",
				"transforms.createKey.fields": "id",
				"transforms.extractId.type":   "org.apache.kafka.connect.transforms.ExtractField$Key",
				"transforms.extractId.field":  "id",
			})
			msgs := readAll(ctx, e, topic, 3)
			Expect(keys(msgs)).To(Equal([]string{"1", "2", "3"}))
			Expect(values(msgs)).To(Equal([]string{`{"id":1,"name":"a"}`, `{"id":2,"name":"b"}`, `{"id":3,"name":"c"}`}))
		}, SpecTimeout(90*time.Second))

		// GET /connectors/{name}/offsets of a stopped connector (KIP-875):
		// a JDBC source's offset in incrementing mode is {"incrementing":
		// <last id>} (kafka-connect-jdbc TimestampIncrementingOffset).
		s.it("Connect.Offsets", "reports a stopped JDBC connector's source offset as the last id it read", func(ctx SpecContext) {
			tbl, _ := table(ctx)
			name, topic := connector(ctx, tbl, nil)
			readAll(ctx, e, topic, 3)
			status, b := call(ctx, http.MethodPut, e.Connect+"/connectors/"+name+"/stop", "", "")
			Expect(status).To(Equal(http.StatusAccepted), "stop: %s", b)
			Eventually(ctx, func(ctx context.Context) []string { return states(ctx, name) }).
				WithPolling(100*time.Millisecond).Should(Equal([]string{"STOPPED"}), "a stopped connector has no tasks")
			got := callJSON(ctx, http.MethodGet, e.Connect+"/connectors/"+name+"/offsets", "", http.StatusOK)
			offsets := got["offsets"].([]any)
			Expect(offsets).To(HaveLen(1), "one source partition: the table")
			o := offsets[0].(map[string]any)
			Expect(o["offset"]).To(Equal(map[string]any{"incrementing": 3.0}))
			Expect(o["partition"]).To(HaveKeyWithValue("table", HaveSuffix(tbl)))
		}, SpecTimeout(90*time.Second))

		// POST /connectors/{name}/restart?includeTasks=true answers 202 with
		// the states, then the connector and its task run again from the
		// committed offset.
		s.it("Connect.Restart", "restarts a connector and its task, which go on from the committed offset", func(ctx SpecContext) {
			tbl, insert := table(ctx)
			name, topic := connector(ctx, tbl, nil)
			readAll(ctx, e, topic, 3)
			got := callJSON(ctx, http.MethodPost, e.Connect+"/connectors/"+name+"/restart?includeTasks=true", "", http.StatusAccepted)
			Expect(got["name"]).To(Equal(name))
			Expect(got["connector"]).To(HaveKey("state"))
			Eventually(ctx, func(ctx context.Context) []string { return states(ctx, name) }).
				WithPolling(100 * time.Millisecond).Should(Equal([]string{"RUNNING", "RUNNING"}))
			insert("d")
			msgs := readAll(ctx, e, topic, 4)
			Expect(string(msgs[3].Value)).To(Equal(`{"id":4,"name":"d"}`), "the row inserted after the restart is the next record: nothing read again")
		}, SpecTimeout(90*time.Second))
	})
}
