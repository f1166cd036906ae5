package containers

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	mobynet "github.com/moby/moby/api/types/network"
	"github.com/testcontainers/testcontainers-go"
)

// allServices are the stack's services with the default images.
func allServices(t *testing.T) []service {
	t.Helper()
	cfg, err := newConfig()
	if err != nil {
		t.Fatal(err)
	}
	var out []service
	for _, st := range plan(&cfg) {
		out = append(out, st.svc)
	}
	return out
}

func TestServicesReachEachOtherThroughTheNetworkAliases(t *testing.T) {
	internal := listeners(t, kafkaAdvertisedListeners("localhost:1"))[internalListener]
	bootstrap := map[string]string{
		"SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS": schemaRegistryEnv()["SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS"],
		"KAFKA_REST_BOOTSTRAP_SERVERS":                 restProxyEnv()["KAFKA_REST_BOOTSTRAP_SERVERS"],
		"CONNECT_BOOTSTRAP_SERVERS":                    connectEnv()["CONNECT_BOOTSTRAP_SERVERS"],
		"KSQL_BOOTSTRAP_SERVERS":                       ksqldbEnv()["KSQL_BOOTSTRAP_SERVERS"],
	}
	for k, v := range bootstrap {
		if strings.TrimPrefix(v, "PLAINTEXT://") != internal {
			t.Errorf("%s = %q, want the broker's internal listener %s", k, v, internal)
		}
	}
	for k, v := range map[string]string{
		"KAFKA_REST_SCHEMA_REGISTRY_URL": restProxyEnv()["KAFKA_REST_SCHEMA_REGISTRY_URL"],
		"KSQL_KSQL_SCHEMA_REGISTRY_URL":  ksqldbEnv()["KSQL_KSQL_SCHEMA_REGISTRY_URL"],
	} {
		if v != "http://schema-registry:8081" {
			t.Errorf("%s = %q, want http://schema-registry:8081", k, v)
		}
	}
	if got := ksqldbEnv()["KSQL_KSQL_CONNECT_URL"]; got != "http://connect:8083" {
		t.Errorf("KSQL_KSQL_CONNECT_URL = %q, want http://connect:8083", got)
	}
}

func TestServicesListenOnTheirPublishedPorts(t *testing.T) {
	for _, c := range []struct {
		svc      service
		listener string
	}{
		{schemaRegistryService(SchemaRegistryImage), "SCHEMA_REGISTRY_LISTENERS"},
		{restProxyService(RESTProxyImage), "KAFKA_REST_LISTENERS"},
		{connectService(ConnectImage, JDBCConnector), "CONNECT_LISTENERS"},
		{ksqldbService(KSQLDBImage), "KSQL_LISTENERS"},
	} {
		l := c.svc.env[c.listener]
		if !strings.HasPrefix(l, "http://0.0.0.0:") || portOf(t, l) != c.svc.port {
			t.Errorf("%s: %s = %q, want http://0.0.0.0:%d", c.svc.name, c.listener, l, c.svc.port)
		}
	}
}

func TestServiceEnvironments(t *testing.T) {
	checks := map[string]map[string]string{
		schemaRegistryAlias: {
			"SCHEMA_REGISTRY_HOST_NAME":                           "schema-registry",
			"SCHEMA_REGISTRY_KAFKASTORE_TOPIC_REPLICATION_FACTOR": "1",
		},
		restProxyAlias: {"KAFKA_REST_HOST_NAME": "rest-proxy"},
		connectAlias: {
			"CONNECT_REST_ADVERTISED_HOST_NAME":         "connect",
			"CONNECT_GROUP_ID":                          "connect-cluster",
			"CONNECT_CONFIG_STORAGE_TOPIC":              "connect-configs",
			"CONNECT_OFFSET_STORAGE_TOPIC":              "connect-offsets",
			"CONNECT_STATUS_STORAGE_TOPIC":              "connect-status",
			"CONNECT_CONFIG_STORAGE_REPLICATION_FACTOR": "1",
			"CONNECT_OFFSET_STORAGE_REPLICATION_FACTOR": "1",
			"CONNECT_STATUS_STORAGE_REPLICATION_FACTOR": "1",
			"CONNECT_KEY_CONVERTER":                     "org.apache.kafka.connect.json.JsonConverter",
			"CONNECT_VALUE_CONVERTER":                   "org.apache.kafka.connect.json.JsonConverter",
		},
		ksqldbAlias: {
			"KSQL_CACHE_MAX_BYTES_BUFFERING":                        "0",
			"KSQL_KSQL_SERVICE_ID":                                  "default_",
			"KSQL_KSQL_INTERNAL_TOPIC_REPLICAS":                     "1",
			"KSQL_KSQL_LOGGING_PROCESSING_TOPIC_REPLICATION_FACTOR": "1",
		},
		postgresAlias: {"POSTGRES_USER": "postgres", "POSTGRES_PASSWORD": postgresSuperPassword},
	}
	heap := map[string]string{
		kafkaAlias: "KAFKA_HEAP_OPTS", schemaRegistryAlias: "SCHEMA_REGISTRY_HEAP_OPTS",
		restProxyAlias: "KAFKAREST_HEAP_OPTS", connectAlias: "KAFKA_HEAP_OPTS", ksqldbAlias: "KSQL_HEAP_OPTS",
	}
	for _, svc := range allServices(t) {
		for k, v := range checks[svc.name] {
			if svc.env[k] != v {
				t.Errorf("%s: %s = %q, want %q", svc.name, k, svc.env[k], v)
			}
		}
		if h := heap[svc.name]; h != "" && !strings.Contains(svc.env[h], "-Xmx") {
			t.Errorf("%s: %s = %q, want a -Xmx cap", svc.name, h, svc.env[h])
		}
	}
	// The image's configure script refuses to start without these.
	for _, k := range []string{"CONNECT_BOOTSTRAP_SERVERS", "CONNECT_GROUP_ID", "CONNECT_CONFIG_STORAGE_TOPIC",
		"CONNECT_OFFSET_STORAGE_TOPIC", "CONNECT_STATUS_STORAGE_TOPIC", "CONNECT_KEY_CONVERTER",
		"CONNECT_VALUE_CONVERTER", "CONNECT_REST_ADVERTISED_HOST_NAME"} {
		if connectEnv()[k] == "" {
			t.Errorf("connect: %s is required by the image and not set", k)
		}
	}
	if !slices.Contains(strings.Split(connectEnv()["CONNECT_PLUGIN_PATH"], ","), "/usr/share/confluent-hub-components") {
		t.Errorf("CONNECT_PLUGIN_PATH %q misses confluent-hub's component dir", connectEnv()["CONNECT_PLUGIN_PATH"])
	}
}

func TestConnectInstallsJDBCBeforeTheWorkerStarts(t *testing.T) {
	cmd := connectCommand(JDBCConnector)
	if len(cmd) != 3 || cmd[0] != "bash" || cmd[1] != "-c" {
		t.Fatalf("connect command %q, want bash -c <script>", cmd)
	}
	install, run, ok := strings.Cut(cmd[2], " && ")
	if !ok {
		t.Fatalf("connect script %q must start the worker only if the install succeeds (&&)", cmd[2])
	}
	if install != "confluent-hub install --no-prompt "+JDBCConnector {
		t.Errorf("install step %q", install)
	}
	if run != "exec /etc/confluent/docker/run" {
		t.Errorf("run step %q, want the image's entry point", run)
	}
	if got := connectCommand(""); strings.Contains(strings.Join(got, " "), "confluent-hub") {
		t.Errorf("connectCommand(\"\") = %q still installs", got)
	}
	if !strings.HasPrefix(JDBCConnector, "confluentinc/kafka-connect-jdbc:10.8.") {
		t.Errorf("JDBCConnector %q is not kafka-connect-jdbc 10.8.x", JDBCConnector)
	}
}

func TestPinnedImages(t *testing.T) {
	for _, ref := range []string{KafkaImage, SchemaRegistryImage, RESTProxyImage, ConnectImage, KSQLDBImage} {
		name, tag, ok := strings.Cut(ref, ":")
		if !ok || !strings.HasPrefix(name, "confluentinc/cp-") || !strings.HasPrefix(tag, "7.9.") || len(strings.Split(tag, ".")) != 3 {
			t.Errorf("image %q is not an exact confluentinc/cp-* 7.9.x tag", ref)
		}
	}
	if PostgresImage != "postgres:16" && !strings.HasPrefix(PostgresImage, "postgres:16.") {
		t.Errorf("PostgresImage %q is not PostgreSQL 16", PostgresImage)
	}
}

// customized is the container request svc's customizers build on nw.
func customized(t *testing.T, svc service, nw *testcontainers.DockerNetwork, cfg *config) testcontainers.GenericContainerRequest {
	t.Helper()
	req := testcontainers.GenericContainerRequest{}
	for _, o := range svc.customizers(nw, cfg) {
		if err := o.Customize(&req); err != nil {
			t.Fatalf("%s: customize: %v", svc.name, err)
		}
	}
	return req
}

func TestCustomizersDescribeTheContainer(t *testing.T) {
	nw := &testcontainers.DockerNetwork{Name: "ctalab-test-net"}
	cfg, err := newConfig(WithStartupTimeout(90 * time.Second))
	if err != nil {
		t.Fatal(err)
	}
	for _, svc := range allServices(t) {
		req := customized(t, svc, nw, &cfg)
		if !slices.Equal(req.ExposedPorts, []string{tcpPort(svc.port)}) {
			t.Errorf("%s: exposed ports %v, want [%s]", svc.name, req.ExposedPorts, tcpPort(svc.port))
		}
		if !slices.Equal(req.Networks, []string{nw.Name}) || !slices.Equal(req.NetworkAliases[nw.Name], []string{svc.name}) {
			t.Errorf("%s: networks %v aliases %v, want alias %s on %s", svc.name, req.Networks, req.NetworkAliases, svc.name, nw.Name)
		}
		for k, v := range svc.env {
			if req.Env[k] != v {
				t.Errorf("%s: env %s = %q, want %q", svc.name, k, req.Env[k], v)
			}
		}
		if !slices.Equal(req.Cmd, svc.cmd) || !slices.Equal(req.Entrypoint, svc.entrypoint) {
			t.Errorf("%s: entrypoint %q cmd %q, want %q %q", svc.name, req.Entrypoint, req.Cmd, svc.entrypoint, svc.cmd)
		}
		if req.Logger == nil {
			t.Errorf("%s: testcontainers logs to its default logger, not the stack's", svc.name)
		}
		hooks := 0
		for _, h := range req.LifecycleHooks {
			hooks += len(h.PostStarts)
		}
		if svc.name == kafkaAlias {
			if req.WaitingFor != nil || hooks != 1 {
				t.Errorf("kafka: wait strategy %v and %d post-start hooks, want readiness inside the one hook that copies the start script", req.WaitingFor, hooks)
			}
			continue
		}
		if req.WaitingFor == nil {
			t.Errorf("%s: no wait strategy", svc.name)
			continue
		}
		if to := req.WaitingFor.(interface{ Timeout() *time.Duration }).Timeout(); to == nil || *to != 90*time.Second {
			t.Errorf("%s: readiness timeout %v, want the startup timeout 90s", svc.name, to)
		}
	}
}

func TestContainerLogsAreForwardedOnlyAtDebug(t *testing.T) {
	nw := &testcontainers.DockerNetwork{Name: "n"}
	for _, c := range []struct {
		level slog.Level
		want  bool
	}{{slog.LevelInfo, false}, {slog.LevelDebug, true}} {
		l := slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: c.level}))
		cfg, err := newConfig(WithLogger(l))
		if err != nil {
			t.Fatal(err)
		}
		req := customized(t, schemaRegistryService(SchemaRegistryImage), nw, &cfg)
		got := req.LogConsumerCfg != nil && len(req.LogConsumerCfg.Consumers) > 0
		if got != c.want {
			t.Errorf("logger level %v: container logs forwarded = %v, want %v", c.level, got, c.want)
		}
	}
}

// serve answers GET path with status and body (and 404 elsewhere), on a
// loopback listener; set replaces the answer.
func serve(t *testing.T, path string, status int, body string) (addr string, set func(int, string)) {
	t.Helper()
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		st, b := status, body
		mu.Unlock()
		if r.URL.Path != path {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(st)
		io.WriteString(w, b)
	}))
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().String(), func(s int, b string) {
		mu.Lock()
		status, body = s, b
		mu.Unlock()
	}
}

// The bodies below are those of CP 7.9.
const (
	pluginsWithoutJDBC = `[{"class":"org.apache.kafka.connect.mirror.MirrorSourceConnector","type":"source","version":"7.9.4-ccs"}]`
	pluginsWithJDBC    = `[{"class":"io.confluent.connect.jdbc.JdbcSinkConnector","type":"sink","version":"10.8.4"},{"class":"io.confluent.connect.jdbc.JdbcSourceConnector","type":"source","version":"10.8.4"},{"class":"org.apache.kafka.connect.mirror.MirrorSourceConnector","type":"source","version":"7.9.4-ccs"}]`
	ksqlUnhealthy      = `{"isHealthy":false,"details":{"metastore":{"isHealthy":true},"kafka":{"isHealthy":false},"commandRunner":{"isHealthy":true}}}`
	ksqlHealthy        = `{"isHealthy":true,"details":{"metastore":{"isHealthy":true},"kafka":{"isHealthy":true},"commandRunner":{"isHealthy":true}}}`
)

// TestReadinessWaitsForTheRealSignal runs each HTTP service's readiness
// against a stand-in answering first "not yet", then "ready".
func TestReadinessWaitsForTheRealSignal(t *testing.T) {
	for _, c := range []struct {
		svc               service
		path              string
		notYet, ready     string
		notYetSt, readySt int
	}{
		{schemaRegistryService(SchemaRegistryImage), "/subjects", `{"error_code":50302,"message":"not ready"}`, `[]`, 503, 200},
		{restProxyService(RESTProxyImage), "/topics", `{"error_code":50002,"message":"Kafka error"}`, `["_schemas"]`, 500, 200},
		{connectService(ConnectImage, JDBCConnector), "/connector-plugins", pluginsWithoutJDBC, pluginsWithJDBC, 200, 200},
		{ksqldbService(KSQLDBImage), "/healthcheck", ksqlUnhealthy, ksqlHealthy, 200, 200},
	} {
		t.Run(c.svc.name, func(t *testing.T) {
			addr, set := serve(t, c.path, c.notYetSt, c.notYet)
			target := newFakeTarget(t, addr)
			if err := c.svc.readiness(time.Second).WaitUntilReady(context.Background(), target); err == nil {
				t.Fatalf("ready while the service answers %d %s", c.notYetSt, c.notYet)
			}
			set(c.readySt, c.ready)
			if err := c.svc.readiness(30*time.Second).WaitUntilReady(context.Background(), target); err != nil {
				t.Fatalf("not ready once the service answers %d %s: %v", c.readySt, c.ready, err)
			}
		})
	}
}

func TestLogReadiness(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	for _, c := range []struct {
		svc           service
		before, after string
	}{
		{
			kafkaService(KafkaImage),
			"[2025-01-01 00:00:00,000] INFO [BrokerLifecycleManager id=1] The broker is in RECOVERY. (kafka.server.BrokerLifecycleManager)\n",
			"[2025-01-01 00:00:01,000] INFO [BrokerLifecycleManager id=1] The broker has been unfenced. Transitioning from RECOVERY to RUNNING. (kafka.server.BrokerLifecycleManager)\n",
		},
		{
			// The first line is the temporary server the entry point runs
			// for initialisation; only the second means the real one is up.
			postgresService(PostgresImage),
			"2025-01-01 00:00:00.000 UTC [48] LOG:  database system is ready to accept connections\n",
			"2025-01-01 00:00:02.000 UTC [1] LOG:  database system is ready to accept connections\n",
		},
	} {
		t.Run(c.svc.name, func(t *testing.T) {
			target := newFakeTarget(t, ln.Addr().String())
			target.writeLog(c.before)
			if err := c.svc.readiness(time.Second).WaitUntilReady(context.Background(), target); err == nil {
				t.Fatalf("ready with log %q", c.before)
			}
			target.writeLog(c.after)
			if err := c.svc.readiness(30*time.Second).WaitUntilReady(context.Background(), target); err != nil {
				t.Fatalf("not ready with log %q: %v", c.before+c.after, err)
			}
		})
	}
}

func TestResponseMatchers(t *testing.T) {
	for _, c := range []struct {
		f    func(io.Reader) bool
		body string
		want bool
	}{
		{listsJDBCSource, pluginsWithJDBC, true},
		{listsJDBCSource, pluginsWithoutJDBC, false},
		{listsJDBCSource, `{"error_code":500}`, false},
		{listsJDBCSource, `io.confluent.connect.jdbc.JdbcSourceConnector`, false},
		{reportsHealthy, ksqlHealthy, true},
		{reportsHealthy, ksqlUnhealthy, false},
		{reportsHealthy, `not json "isHealthy":true`, false},
	} {
		if got := c.f(strings.NewReader(c.body)); got != c.want {
			t.Errorf("matcher on %s = %v, want %v", c.body, got, c.want)
		}
	}
}

func TestPortsArePublishedOnLoopbackUnlessToldOtherwise(t *testing.T) {
	nw := &testcontainers.DockerNetwork{Name: "n"}
	for _, c := range []struct {
		opts []Option
		want string
	}{{nil, "127.0.0.1"}, {[]Option{WithHostIP("0.0.0.0")}, "0.0.0.0"}} {
		cfg, err := newConfig(c.opts...)
		if err != nil {
			t.Fatal(err)
		}
		for _, svc := range allServices(t) {
			req := customized(t, svc, nw, &cfg)
			if req.HostConfigModifier == nil {
				t.Fatalf("%s: no host config modifier, so docker publishes on every interface", svc.name)
			}
			hc := &container.HostConfig{}
			req.HostConfigModifier(hc)
			b := hc.PortBindings[mobynet.MustParsePort(tcpPort(svc.port))]
			if len(b) != 1 || b[0].HostIP.String() != c.want || (b[0].HostPort != "" && b[0].HostPort != "0") {
				t.Errorf("%s: bindings %+v, want one on %s with a port docker picks", svc.name, b, c.want)
			}
		}
	}
	if _, err := newConfig(WithHostIP("localhost")); err == nil {
		t.Error("WithHostIP(\"localhost\") accepted, want an error: docker needs an IP address")
	}
}
