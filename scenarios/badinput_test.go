package scenarios_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/types"
	"github.com/segmentio/kafka-go"

	"github.com/ctalab/ctalab/lab/restproxy"
	"github.com/ctalab/ctalab/lab/stack"
)

// Bad input: every HTTP service of the stack refuses malformed, mistyped,
// oversize and invalid requests with the status and error body the real
// Confluent Platform 7.9 service answers, and writes nothing when it does.
//
// Each service has one DescribeTable whose entries are a badRequest and the
// refusal expected for it; the table's body calls expectRefused with the
// service's base URL and a stateReader that reads everything the service
// could have written. A service joins these specs the same way: one table,
// one stateReader.

// badRequest is one request a service must refuse. Path and Body may hold
// the placeholders of specNames ({name}, {topic}, {subject}, {jdbc-url},
// {jdbc-user}, {jdbc-password}), filled in per spec.
type badRequest struct {
	Method      string
	Path        string
	ContentType string
	Body        string
	// PadTo, when positive, pads Body with JSON whitespace after its
	// first byte to exactly PadTo bytes: a request that would be accepted
	// but for its size.
	PadTo int64
}

// refusal is how the service must answer: the HTTP status, the body's
// error_code and message, and for ksqlDB the body's @type and the fields a
// statement error carries.
type refusal struct {
	Status  int
	Code    int
	Message types.GomegaMatcher
	Type    string         // "@type"; "" for services whose errors have none
	Fields  map[string]any // further fields of the error body, by exact value
	// Text, when set, is the whole body of a refusal that is plain text,
	// not a JSON error; Code, Message, Type and Fields are then unused.
	Text string
}

// stateReader reads what a service has written, as a value that must be
// equal before and after a refused request.
type stateReader func(ctx context.Context, n specNames) map[string]any

// specNames are the names one spec may create, unique to the spec.
type specNames struct {
	Name    string // connector, stream or table name
	Topic   string
	Subject string
	// The database Kafka Connect can read (for configs that are otherwise
	// valid), or empty strings when the stack has none.
	JDBCURL, JDBCUser, JDBCPassword string
}

func newSpecNames(e stack.Endpoints) specNames {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	tag := fmt.Sprintf("%d_%s", GinkgoParallelProcess(), hex.EncodeToString(b))
	n := specNames{
		Name:  "badinput_" + tag,
		Topic: "badinput-" + strings.ReplaceAll(tag, "_", "-"),
	}
	n.Subject = n.Topic + "-value"
	n.JDBCURL = e.PostgresFromConnect
	if u, err := url.Parse(e.Postgres); err == nil && u.User != nil {
		n.JDBCUser = u.User.Username()
		n.JDBCPassword, _ = u.User.Password()
	}
	return n
}

// fill replaces the placeholders; in bodies the values are JSON-escaped,
// in paths URL-escaped.
func (n specNames) fill(s string, escape func(string) string) string {
	pairs := []string{"{name}", n.Name, "{topic}", n.Topic, "{subject}", n.Subject,
		"{jdbc-url}", n.JDBCURL, "{jdbc-user}", n.JDBCUser, "{jdbc-password}", n.JDBCPassword}
	for i := 1; i < len(pairs); i += 2 {
		pairs[i] = escape(pairs[i])
	}
	return strings.NewReplacer(pairs...).Replace(s)
}

func jsonEscape(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

// expectRefused reads the service's state, sends req to base and expects
// the refusal want, then expects the state unchanged.
func expectRefused(ctx context.Context, base string, n specNames, req badRequest, want refusal, state stateReader) {
	GinkgoHelper()
	Expect(base).NotTo(BeEmpty(), "the stack serves this service")
	before := state(ctx, n)

	body := n.fill(req.Body, jsonEscape)
	if req.PadTo > 0 {
		Expect(int64(len(body))).To(BeNumerically("<", req.PadTo), "the body fits before padding")
		body = body[:1] + strings.Repeat(" ", int(req.PadTo)-len(body)) + body[1:]
	}
	path := n.fill(req.Path, url.PathEscape)
	By(fmt.Sprintf("%s %s (%s, %d bytes)", req.Method, path, req.ContentType, len(body)))
	status, resp := sendRaw(ctx, req.Method, base+path, req.ContentType, []byte(body))

	Expect(status).To(Equal(want.Status), "status; body: %s", resp)
	if want.Text != "" {
		Expect(string(resp)).To(Equal(want.Text), "the plain-text body")
		Expect(state(ctx, n)).To(Equal(before), "nothing was written")
		return
	}
	var got map[string]any
	Expect(json.Unmarshal(resp, &got)).To(Succeed(), "the error body is a JSON object: %s", resp)
	Expect(got).To(HaveKeyWithValue("error_code", BeEquivalentTo(want.Code)), "error_code")
	Expect(got).To(HaveKeyWithValue("message", want.Message), "message")
	if want.Type != "" {
		Expect(got).To(HaveKeyWithValue("@type", want.Type), "@type")
	}
	for k, v := range want.Fields {
		if s, ok := v.(string); ok {
			v = n.fill(s, func(s string) string { return s })
		}
		Expect(got).To(HaveKeyWithValue(k, v), "field %s", k)
	}

	Expect(state(ctx, n)).To(Equal(before), "nothing was written")
}

// badEntry is one table entry: the It text states the promise, req is
// the request and want the refusal.
func badEntry(promise string, req badRequest, want refusal) TableEntry {
	return Entry(promise, req, want, SpecTimeout(60*time.Second), Offset(1))
}

// sendRaw makes one HTTP request and returns the status and body.
func sendRaw(ctx context.Context, method, target, contentType string, body []byte) (int, []byte) {
	GinkgoHelper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	Expect(err).NotTo(HaveOccurred(), "build request %s %s", method, target)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := stackHTTP.Do(req)
	Expect(err).NotTo(HaveOccurred(), "%s %s", method, target)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	Expect(err).NotTo(HaveOccurred(), "read the answer to %s %s", method, target)
	return resp.StatusCode, b
}

// fetchJSON makes a request expected to succeed with 200 and decodes its
// JSON answer.
func fetchJSON(ctx context.Context, method, target, contentType, body string) any {
	GinkgoHelper()
	var b []byte
	if body != "" {
		b = []byte(body)
	}
	status, resp := sendRaw(ctx, method, target, contentType, b)
	Expect(status).To(Equal(http.StatusOK), "%s %s: %s", method, target, resp)
	var v any
	Expect(json.Unmarshal(resp, &v)).To(Succeed(), "%s %s answers JSON: %s", method, target, resp)
	return v
}

// kafkaClient returns a kafka-go client with a transport of its own, and
// releases the transport's connections when the spec ends.
func kafkaClient(e stack.Endpoints) *kafka.Client {
	t := kafkaTransport(e)
	DeferCleanup(t.CloseIdleConnections)
	return &kafka.Client{Addr: kafka.TCP(e.Brokers...), Transport: t, Timeout: 30 * time.Second}
}

// topicEnds returns the end offset of each partition of topic, or nil when
// the topic does not exist.
func topicEnds(ctx context.Context, e stack.Endpoints, topic string) map[int]int64 {
	GinkgoHelper()
	client := kafkaClient(e)
	md, err := client.Metadata(ctx, &kafka.MetadataRequest{Topics: []string{topic}})
	Expect(err).NotTo(HaveOccurred(), "read metadata of %s", topic)
	var parts []int
	for _, t := range md.Topics {
		if t.Name != topic || t.Error != nil {
			continue
		}
		for _, p := range t.Partitions {
			parts = append(parts, p.ID)
		}
	}
	if len(parts) == 0 {
		return nil
	}
	req := &kafka.ListOffsetsRequest{Topics: map[string][]kafka.OffsetRequest{}}
	for _, p := range parts {
		req.Topics[topic] = append(req.Topics[topic], kafka.LastOffsetOf(p))
	}
	resp, err := client.ListOffsets(ctx, req)
	Expect(err).NotTo(HaveOccurred(), "list end offsets of %s", topic)
	ends := map[int]int64{}
	for _, p := range resp.Topics[topic] {
		Expect(p.Error).NotTo(HaveOccurred(), "end offset of %s/%d", topic, p.Partition)
		ends[p.Partition] = p.LastOffset
	}
	return ends
}

func createSpecTopic(ctx context.Context, e stack.Endpoints, topic string) {
	GinkgoHelper()
	resp, err := kafkaClient(e).CreateTopics(ctx, &kafka.CreateTopicsRequest{
		Topics: []kafka.TopicConfig{{Topic: topic, NumPartitions: 1, ReplicationFactor: 1}}})
	Expect(err).NotTo(HaveOccurred(), "create topic %s", topic)
	Expect(resp.Errors[topic]).NotTo(HaveOccurred(), "create topic %s", topic)
}

// registryState is everything a Schema Registry request could write: the
// subjects (soft-deleted ones too), the global config and the _schemas
// topic that holds the registry's state.
func registryState(e stack.Endpoints) stateReader {
	return func(ctx context.Context, _ specNames) map[string]any {
		return map[string]any{
			"subjects": fetchJSON(ctx, http.MethodGet, e.SchemaRegistry+"/subjects?deleted=true", "", ""),
			"config":   fetchJSON(ctx, http.MethodGet, e.SchemaRegistry+"/config", "", ""),
			"_schemas": topicEnds(ctx, e, "_schemas"),
		}
	}
}

// restProxyState is what a produce request could write: records on the
// spec's topic and schemas in the registry.
func restProxyState(e stack.Endpoints) stateReader {
	return func(ctx context.Context, n specNames) map[string]any {
		return map[string]any{
			"topic":    topicEnds(ctx, e, n.Topic),
			"subjects": fetchJSON(ctx, http.MethodGet, e.SchemaRegistry+"/subjects?deleted=true", "", ""),
		}
	}
}

// connectState is what a Connect request could write: the connectors and
// the config topic they are stored in (connect-configs in both the
// embedded stack and the compose file).
func connectState(e stack.Endpoints) stateReader {
	return func(ctx context.Context, n specNames) map[string]any {
		return map[string]any{
			"connectors":      sortedStrings(fetchJSON(ctx, http.MethodGet, e.Connect+"/connectors", "", "")),
			"connect-configs": topicEnds(ctx, e, "connect-configs"),
			"source topic":    topicEnds(ctx, e, n.Topic+"stations"),
		}
	}
}

// ksqlState is what a ksqlDB statement could write: streams, tables and
// persistent queries, the command topic and the spec's topic.
func ksqlState(e stack.Endpoints) stateReader {
	return func(ctx context.Context, n specNames) map[string]any {
		info := fetchJSON(ctx, http.MethodGet, e.KSQLDB+"/info", "", "").(map[string]any)
		serviceID := info["KsqlServerInfo"].(map[string]any)["ksqlServiceId"].(string)
		commandTopic := "_confluent-ksql-" + serviceID + "_command_topic"
		return map[string]any{
			"streams":       ksqlList(ctx, e, "SHOW STREAMS;", "streams", "name"),
			"tables":        ksqlList(ctx, e, "SHOW TABLES;", "tables", "name"),
			"queries":       ksqlList(ctx, e, "SHOW QUERIES;", "queries", "id"),
			"command topic": topicEnds(ctx, e, commandTopic),
			"topic":         topicEnds(ctx, e, n.Topic),
		}
	}
}

// ksqlList runs a SHOW statement and returns the sorted values of field in
// the entity's list.
func ksqlList(ctx context.Context, e stack.Endpoints, stmt, list, field string) []string {
	GinkgoHelper()
	v := fetchJSON(ctx, http.MethodPost, e.KSQLDB+"/ksql", "application/vnd.ksql.v1+json", ksqlBody(stmt))
	entities, ok := v.([]any)
	Expect(ok && len(entities) == 1).To(BeTrue(), "%s answers one entity: %v", stmt, v)
	items, _ := entities[0].(map[string]any)[list].([]any)
	out := []string{}
	for _, it := range items {
		out = append(out, fmt.Sprint(it.(map[string]any)[field]))
	}
	sort.Strings(out)
	return out
}

func sortedStrings(v any) []string {
	out := []string{}
	for _, s := range v.([]any) {
		out = append(out, fmt.Sprint(s))
	}
	sort.Strings(out)
	return out
}

// ksqlBody is a /ksql request body for stmt.
func ksqlBody(stmt string) string {
	b, _ := json.Marshal(map[string]any{"ksql": stmt, "streamsProperties": map[string]any{}})
	return string(b)
}

// registerBody is a register request body for an Avro schema text.
func registerBody(schema string) string {
	b, _ := json.Marshal(map[string]string{"schema": schema})
	return string(b)
}

// Body limits of the embedded stand-ins, at their defaults.
const (
	registryMaxBody = 16 << 20 // registry.WithMaxRequestBytes
	connectMaxBody  = 1 << 20  // connect.WithMaxBodyBytes
	ksqlMaxBody     = 1 << 20  // ksqldb.WithMaxBodyBytes
)

const (
	ctRegistry = "application/vnd.schemaregistry.v1+json"
	ctBinary   = "application/vnd.kafka.binary.v2+json"
	ctAvro     = "application/vnd.kafka.avro.v2+json"
	ctJSON     = "application/json"
	ctKSQL     = "application/vnd.ksql.v1+json"
)

// jdbcConfig is a JDBC source config for the seeded stations table with
// mode set to mode; only mode (and what the entry changes) makes it invalid.
func jdbcConfig(mode string) string {
	return `{"connector.class":"io.confluent.connect.jdbc.JdbcSourceConnector",` +
		`"connection.url":"{jdbc-url}","connection.user":"{jdbc-user}","connection.password":"{jdbc-password}",` +
		`"table.whitelist":"stations","mode":"` + mode + `","incrementing.column.name":"stop_id",` +
		`"topic.prefix":"{topic}","tasks.max":"1"}`
}

var _ = Describe("Bad input", Label("faults"), func() {
	var e stack.Endpoints
	var n specNames
	BeforeEach(func() {
		e = suiteStack.Endpoints()
		n = newSpecNames(e)
	})

	DescribeTable("The Schema Registry",
		func(ctx SpecContext, req badRequest, want refusal) {
			expectRefused(ctx, e.SchemaRegistry, n, req, want, registryState(e))
		},
		badEntry("answers malformed JSON with 400, error_code 400, and registers nothing",
			badRequest{Method: "POST", Path: "/subjects/{subject}/versions", ContentType: ctRegistry, Body: `{"schema": x}`},
			refusal{Status: 400, Code: 400, Message: ContainSubstring("Unexpected character")}),
		badEntry("answers a schema sent as a JSON object instead of a string with 400, error_code 400, and registers nothing",
			badRequest{Method: "POST", Path: "/subjects/{subject}/versions", ContentType: ctRegistry, Body: `{"schema": {"type": "string"}}`},
			refusal{Status: 400, Code: 400, Message: ContainSubstring("Cannot deserialize")}),
		badEntry("answers a text/plain body with 415, error_code 415, and registers nothing",
			badRequest{Method: "POST", Path: "/subjects/{subject}/versions", ContentType: "text/plain", Body: registerBody(`"string"`)},
			refusal{Status: 415, Code: 415, Message: Equal("HTTP 415 Unsupported Media Type")}),
		badEntry("answers a body one byte over its limit with 413, error_code 413, and registers nothing",
			badRequest{Method: "POST", Path: "/subjects/{subject}/versions", ContentType: ctRegistry, Body: registerBody(`"string"`), PadTo: registryMaxBody + 1},
			refusal{Status: 413, Code: 413, Message: Equal("HTTP 413 Request Entity Too Large")}),
		badEntry("answers an unknown path with 404, error_code 404, and registers nothing",
			badRequest{Method: "POST", Path: "/subjects/{subject}/no-such-resource", ContentType: ctRegistry, Body: registerBody(`"string"`)},
			refusal{Status: 404, Code: 404, Message: Equal("HTTP 404 Not Found")}),
		badEntry("answers a schema with an unknown type with 422, error_code 42201, and registers nothing",
			badRequest{Method: "POST", Path: "/subjects/{subject}/versions", ContentType: ctRegistry,
				Body: registerBody(`{"type":"record","name":"Bad","fields":[{"name":"a","type":"nosuchtype"}]}`)},
			refusal{Status: 422, Code: 42201, Message: HavePrefix("Invalid schema")}),
		badEntry("answers a field default of the wrong type with 422, error_code 42201, and registers nothing",
			badRequest{Method: "POST", Path: "/subjects/{subject}/versions", ContentType: ctRegistry,
				Body: registerBody(`{"type":"record","name":"Bad","fields":[{"name":"a","type":"int","default":"one"}]}`)},
			refusal{Status: 422, Code: 42201, Message: HavePrefix("Invalid schema")}),
		badEntry("answers a schema that is not JSON with 422, error_code 42201, and registers nothing",
			badRequest{Method: "POST", Path: "/subjects/{subject}/versions", ContentType: ctRegistry, Body: registerBody(`{"type":"record",`)},
			refusal{Status: 422, Code: 42201, Message: HavePrefix("Invalid schema")}),
		badEntry("answers an unknown compatibility level with 422, error_code 42203, and configures nothing",
			badRequest{Method: "PUT", Path: "/config/{subject}", ContentType: ctRegistry, Body: `{"compatibility":"SIDEWAYS"}`},
			refusal{Status: 422, Code: 42203, Message: HavePrefix("Invalid compatibility level")}),
	)

	DescribeTable("The REST Proxy",
		func(ctx SpecContext, req badRequest, want refusal) {
			createSpecTopic(ctx, e, n.Topic)
			expectRefused(ctx, e.RESTProxy, n, req, want, restProxyState(e))
		},
		// jackson-core 2.16 UTF8StreamJsonParser._handleUnexpectedValue: a
		// letter where a value is due starts a token it cannot recognise
		badEntry("answers malformed JSON with 400, error_code 400, and produces nothing",
			badRequest{Method: "POST", Path: "/topics/{topic}", ContentType: ctBinary, Body: `{"records": [x]}`},
			refusal{Status: 400, Code: 400, Message: Equal("Unrecognized token 'x': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')")}),
		// rest-utils v7.9.0 JacksonMessageBodyProvider.readFrom and
		// ConstraintViolationExceptionMapper
		badEntry("answers an unknown request field with 422, error_code 422, and produces nothing",
			badRequest{Method: "POST", Path: "/topics/{topic}", ContentType: ctBinary, Body: `{"records":[{"value":"aGk="}],"bogus":1}`},
			refusal{Status: 422, Code: 422, Message: Equal("Unrecognized field: bogus")}),
		badEntry("answers a text/plain body with 415, error_code 415, and produces nothing",
			badRequest{Method: "POST", Path: "/topics/{topic}", ContentType: "text/plain", Body: `{"records":[{"value":"aGk="}]}`},
			refusal{Status: 415, Code: 415, Message: Equal("HTTP 415 Unsupported Media Type")}),
		badEntry("answers a body one byte over its limit with 413, error_code 413, and produces nothing",
			badRequest{Method: "POST", Path: "/topics/{topic}", ContentType: ctBinary, Body: `{"records":[{"value":"aGk="}]}`, PadTo: restproxy.DefaultMaxBodyBytes + 1},
			refusal{Status: 413, Code: 413, Message: Equal("HTTP 413 Request Entity Too Large")}),
		badEntry("answers an unknown path with 404, error_code 404, and produces nothing",
			badRequest{Method: "POST", Path: "/topics/{topic}/no-such-resource", ContentType: ctBinary, Body: `{"records":[{"value":"aGk="}]}`},
			refusal{Status: 404, Code: 404, Message: Equal("HTTP 404 Not Found")}),
		badEntry("answers an unparseable value schema with 400, error_code 400, and produces and registers nothing",
			badRequest{Method: "POST", Path: "/topics/{topic}", ContentType: ctAvro,
				Body: `{"value_schema":"{\"type\":\"nosuchtype\"}","records":[{"value":1}]}`},
			refusal{Status: 400, Code: 400, Message: ContainSubstring("Error parsing schema with format = AVRO")}),
		badEntry("answers Avro values without a value schema with 422, error_code 42202, and produces nothing",
			badRequest{Method: "POST", Path: "/topics/{topic}", ContentType: ctAvro, Body: `{"records":[{"value":{"a":1}}]}`},
			refusal{Status: 422, Code: 42202, Message: Equal("Request includes values but does not include value schema")}),
		badEntry("answers Avro keys without a key schema with 422, error_code 42201, and produces nothing",
			badRequest{Method: "POST", Path: "/topics/{topic}", ContentType: ctAvro, Body: `{"records":[{"key":{"a":1}}]}`},
			refusal{Status: 422, Code: 42201, Message: Equal("Request includes keys but does not include key schema")}),
	)

	DescribeTable("Kafka Connect",
		func(ctx SpecContext, req badRequest, want refusal) {
			expectRefused(ctx, e.Connect, n, req, want, connectState(e))
		},
		// Connect registers no JSON parse mapper: Jackson's exception reaches
		// ConnectExceptionMapper, which answers 500 for anything that is not
		// a WebApplicationException.
		badEntry("answers malformed JSON with 500, error_code 500, and creates no connector",
			badRequest{Method: "POST", Path: "/connectors", ContentType: ctJSON, Body: `{"name": x}`},
			refusal{Status: 500, Code: 500, Message: ContainSubstring("Unexpected character")}),
		badEntry("answers a text/plain body with 415, error_code 415, and creates no connector",
			badRequest{Method: "POST", Path: "/connectors", ContentType: "text/plain", Body: `{"name":"{name}","config":` + jdbcConfig("incrementing") + `}`},
			refusal{Status: 415, Code: 415, Message: Equal("HTTP 415 Unsupported Media Type")}),
		badEntry("answers a body one byte over its limit with 413, error_code 413, and creates no connector",
			badRequest{Method: "POST", Path: "/connectors", ContentType: ctJSON, Body: `{"name":"{name}","config":` + jdbcConfig("incrementing") + `}`, PadTo: connectMaxBody + 1},
			refusal{Status: 413, Code: 413, Message: Not(BeEmpty())}),
		badEntry("answers an unknown path with 404, error_code 404, and creates no connector",
			badRequest{Method: "POST", Path: "/connectors/{name}/no-such-resource", ContentType: ctJSON, Body: jdbcConfig("incrementing")},
			refusal{Status: 404, Code: 404, Message: Equal("HTTP 404 Not Found")}),
		badEntry("answers a config without connector.class with 400, error_code 400, and creates no connector",
			badRequest{Method: "POST", Path: "/connectors", ContentType: ctJSON, Body: `{"name":"{name}","config":{"topic.prefix":"{topic}"}}`},
			refusal{Status: 400, Code: 400, Message: ContainSubstring("contains no connector type")}),
		badEntry("answers an invalid JDBC mode with 400, error_code 400, listing the error, and creates no connector",
			badRequest{Method: "POST", Path: "/connectors", ContentType: ctJSON, Body: `{"name":"{name}","config":` + jdbcConfig("sometimes") + `}`},
			refusal{Status: 400, Code: 400, Message: And(
				HavePrefix("Connector configuration is invalid and contains the following "),
				ContainSubstring("Invalid value sometimes for configuration mode: String must be one of: , bulk, timestamp, incrementing, timestamp+incrementing"),
				HaveSuffix("You can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`"))}),
		badEntry("answers an unknown connector class with 500, error_code 500, and creates no connector",
			badRequest{Method: "POST", Path: "/connectors", ContentType: ctJSON,
				Body: `{"name":"{name}","config":{"connector.class":"com.example.NoSuchConnector","topic.prefix":"{topic}"}}`},
			refusal{Status: 500, Code: 500, Message: ContainSubstring("Failed to find any class that implements Connector and which name matches com.example.NoSuchConnector")}),
		badEntry("answers a config whose name differs from the URL's with 400, error_code 400, and creates no connector",
			badRequest{Method: "PUT", Path: "/connectors/{name}/config", ContentType: ctJSON,
				Body: strings.Replace(jdbcConfig("incrementing"), "{", `{"name":"{name}-other",`, 1)},
			refusal{Status: 400, Code: 400, Message: ContainSubstring("doesn't match connector name in the URL")}),
	)

	DescribeTable("ksqlDB",
		func(ctx SpecContext, req badRequest, want refusal) {
			expectRefused(ctx, e.KSQLDB, n, req, want, ksqlState(e))
		},
		badEntry("answers malformed JSON with 400, error_code 40000, and runs nothing",
			badRequest{Method: "POST", Path: "/ksql", ContentType: ctKSQL, Body: `{"ksql": x}`},
			refusal{Status: 400, Code: 40000, Type: "generic_error", Message: HavePrefix("Invalid JSON in request")}),
		badEntry("answers a body one byte over its limit with 413, error_code 41300, and runs nothing",
			badRequest{Method: "POST", Path: "/ksql", ContentType: ctKSQL, PadTo: ksqlMaxBody + 1,
				Body: ksqlBody("CREATE STREAM {name} (a INT) WITH (KAFKA_TOPIC='{topic}', VALUE_FORMAT='JSON', PARTITIONS=1);")},
			refusal{Status: 413, Code: 41300, Type: "generic_error", Message: Not(BeEmpty())}),
		// ksqlDB's last route answers whatever no route matched with a
		// plain-text 404 (ksql 7.9, ksqldb-rest-app .../api/server/ServerVerticle.java).
		badEntry("answers an unknown path with a plain-text 404 Not Found, and runs nothing",
			badRequest{Method: "POST", Path: "/no-such-endpoint", ContentType: ctKSQL,
				Body: ksqlBody("CREATE STREAM {name} (a INT) WITH (KAFKA_TOPIC='{topic}', VALUE_FORMAT='JSON', PARTITIONS=1);")},
			refusal{Status: 404, Text: "Not Found"}),
		badEntry("answers a syntax error with 400, a statement_error 40001 naming the line, and creates nothing",
			badRequest{Method: "POST", Path: "/ksql", ContentType: ctKSQL,
				Body: ksqlBody("CREATE STREAM {name} (a INT WITH (KAFKA_TOPIC='{topic}', VALUE_FORMAT='JSON', PARTITIONS=1);")},
			refusal{Status: 400, Code: 40001, Type: "statement_error", Message: HavePrefix("line 1:"),
				Fields: map[string]any{"entities": []any{}}}),
		badEntry("answers the old KSQL WITH(KEY=...) property with 400, a statement_error 40001, and creates nothing",
			badRequest{Method: "POST", Path: "/ksql", ContentType: ctKSQL,
				Body: ksqlBody("CREATE TABLE {name} (station_id INT, line VARCHAR) WITH (KAFKA_TOPIC='{topic}', VALUE_FORMAT='JSON', PARTITIONS=1, KEY='station_id');")},
			refusal{Status: 400, Code: 40001, Type: "statement_error", Message: ContainSubstring("Invalid config variable(s) in the WITH clause: KEY"),
				Fields: map[string]any{"entities": []any{},
					"statementText": "CREATE TABLE {name} (station_id INT, line VARCHAR) WITH (KAFKA_TOPIC='{topic}', VALUE_FORMAT='JSON', PARTITIONS=1, KEY='station_id');"}}),
		badEntry("answers a query of a missing source with 400, a statement_error 40001, and creates nothing",
			badRequest{Method: "POST", Path: "/ksql", ContentType: ctKSQL,
				Body: ksqlBody("CREATE STREAM {name} WITH (KAFKA_TOPIC='{topic}', PARTITIONS=1) AS SELECT * FROM {name}_missing EMIT CHANGES;")},
			refusal{Status: 400, Code: 40001, Type: "statement_error", Message: ContainSubstring("does not exist"),
				Fields: map[string]any{"entities": []any{}}}),
		badEntry("answers a request whose second statement fails with 400 and does not run its first",
			badRequest{Method: "POST", Path: "/ksql", ContentType: ctKSQL,
				Body: ksqlBody("CREATE STREAM {name} (a INT) WITH (KAFKA_TOPIC='{topic}', VALUE_FORMAT='JSON', PARTITIONS=1); " +
					"CREATE STREAM {name}_copy AS SELECT * FROM {name}_missing EMIT CHANGES;")},
			refusal{Status: 400, Code: 40001, Type: "statement_error", Message: ContainSubstring("does not exist"),
				Fields: map[string]any{"entities": []any{},
					"statementText": "CREATE STREAM {name}_copy AS SELECT * FROM {name}_missing EMIT CHANGES;"}}),
	)
})
