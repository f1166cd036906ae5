package containers

import (
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func plannedImages(t *testing.T, opts ...Option) map[string]string {
	t.Helper()
	cfg, err := newConfig(opts...)
	if err != nil {
		t.Fatalf("newConfig: %v", err)
	}
	out := map[string]string{}
	for _, st := range plan(&cfg) {
		out[st.svc.name] = st.svc.image
	}
	return out
}

func TestDefaultsArePinnedConstants(t *testing.T) {
	want := map[string]string{
		kafkaAlias: KafkaImage, schemaRegistryAlias: SchemaRegistryImage, restProxyAlias: RESTProxyImage,
		connectAlias: ConnectJDBCImage, ksqldbAlias: KSQLDBImage, postgresAlias: PostgresImage,
	}
	got := plannedImages(t)
	for name, ref := range want {
		if got[name] != ref {
			t.Errorf("%s image %q, want %q", name, got[name], ref)
		}
	}
	cfg, _ := newConfig()
	if cfg.startupTimeout != DefaultStartupTimeout || cfg.jdbcConnector != JDBCConnector || cfg.logger == nil {
		t.Errorf("defaults: timeout %v connector %q logger %v", cfg.startupTimeout, cfg.jdbcConnector, cfg.logger)
	}
	if cfg.containerLogs() {
		t.Error("the default logger forwards container logs; it should discard")
	}
}

func TestImageOptionsSetTheirServiceOnly(t *testing.T) {
	for name, opt := range map[string]func(string) Option{
		kafkaAlias: WithKafkaImage, schemaRegistryAlias: WithSchemaRegistryImage, restProxyAlias: WithRESTProxyImage,
		connectAlias: WithConnectImage, ksqldbAlias: WithKSQLDBImage, postgresAlias: WithPostgresImage,
	} {
		ref := "registry.example/" + name + ":test"
		got := plannedImages(t, opt(ref))
		def := plannedImages(t)
		for svc := range def {
			want := def[svc]
			if svc == name {
				want = ref
			}
			if got[svc] != want {
				t.Errorf("With image for %s: %s image %q, want %q", name, svc, got[svc], want)
			}
		}
	}
}

func TestOptionErrors(t *testing.T) {
	for _, c := range []struct {
		opt    Option
		prefix string
	}{
		{WithKafkaImage(""), "set kafka image: "},
		{WithConnectImage("cp kafka"), "set connect image: "},
		{WithPostgresImage(" "), "set postgres image: "},
		{WithStartupTimeout(0), "set startup timeout: "},
		{WithStartupTimeout(-time.Second), "set startup timeout: "},
		{WithJDBCConnector("kafka-connect-jdbc"), "set jdbc connector: "},
		{WithJDBCConnector("confluentinc/kafka-connect-jdbc"), "set jdbc connector: "},
		{WithJDBCConnector("confluentinc/kafka-connect-jdbc:10.8.4; rm -rf /"), "set jdbc connector: "},
	} {
		_, err := newConfig(c.opt)
		if err == nil || !strings.HasPrefix(err.Error(), c.prefix) {
			t.Errorf("error %v, want prefix %q", err, c.prefix)
		}
	}
	_, err := newConfig(WithKafkaImage(""), WithStartupTimeout(0))
	if err == nil || !strings.Contains(err.Error(), "kafka image") || !strings.Contains(err.Error(), "startup timeout") {
		t.Errorf("two bad options: %v, want both reported", err)
	}
}

func TestOptionsApply(t *testing.T) {
	l := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg, err := newConfig(nil, WithLogger(l), WithStartupTimeout(time.Minute), WithJDBCConnector("confluentinc/kafka-connect-jdbc:10.8.0"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.logger != l || cfg.startupTimeout != time.Minute {
		t.Errorf("logger/timeout not applied: %+v", cfg)
	}
	if cfg, err := newConfig(WithLogger(nil)); err != nil || cfg.logger == nil {
		t.Errorf("WithLogger(nil): logger %v, error %v; want the default logger kept", cfg.logger, err)
	}
	var connect service
	for _, st := range plan(&cfg) {
		if st.svc.name == connectAlias {
			connect = st.svc
		}
	}
	// Built by default: the chosen connector is installed at build time
	// (the Dockerfile's JDBC_CONNECTOR argument), not at start.
	if connect.build == nil || connect.build.connector != "confluentinc/kafka-connect-jdbc:10.8.0" || connect.image != ConnectJDBCImage {
		t.Errorf("connect %s built with %+v, want %s built with the chosen connector", connect.image, connect.build, ConnectJDBCImage)
	}
	if strings.Contains(strings.Join(connect.cmd, " "), "confluent-hub") {
		t.Errorf("connect command %q installs at start although the image is built with the connector", connect.cmd)
	}
	cfg, err = newConfig(WithConnectImage(ConnectImage), WithJDBCConnector("confluentinc/kafka-connect-jdbc:10.8.0"))
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range plan(&cfg) {
		if st.svc.name == connectAlias && (st.svc.build != nil || !strings.Contains(st.svc.cmd[2], "install --no-prompt confluentinc/kafka-connect-jdbc:10.8.0 &&")) {
			t.Errorf("WithConnectImage: connect command %q (build %+v), want the chosen connector installed at start", st.svc.cmd, st.svc.build)
		}
	}
	cfg, err = newConfig(WithJDBCConnector(""))
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range plan(&cfg) {
		if st.svc.name == connectAlias && strings.Contains(strings.Join(st.svc.cmd, " "), "confluent-hub") {
			t.Errorf("WithJDBCConnector(\"\"): connect command %q still installs", st.svc.cmd)
		}
	}
}

func TestPlanStartsEachServiceAfterItsDependencies(t *testing.T) {
	cfg, _ := newConfig()
	seen := map[string]bool{}
	for _, st := range plan(&cfg) {
		if seen[st.svc.name] {
			t.Errorf("%s planned twice", st.svc.name)
		}
		for _, d := range st.after {
			if !seen[d] {
				t.Errorf("%s waits for %s, which is not planned before it", st.svc.name, d)
			}
		}
		seen[st.svc.name] = true
	}
	for _, name := range []string{kafkaAlias, schemaRegistryAlias, restProxyAlias, connectAlias, ksqldbAlias, postgresAlias} {
		if !seen[name] {
			t.Errorf("%s is not planned", name)
		}
	}
}
