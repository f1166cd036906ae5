package enginetest_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ctalab/ctalab/lab/containers"
	"github.com/ctalab/ctalab/lab/containers/enginetest"
	"github.com/ctalab/ctalab/lab/postgres"
)

// engine is the stand-in engine every spec of this package talks to:
// testcontainers-go resolves its Docker host once per process, so the
// process has one engine, reached through DOCKER_HOST.
var engine *enginetest.Engine

// pg is a real PostgreSQL that the stand-in's postgres container forwards
// its published port to, so that seeding runs against a real server.
var pg *postgres.Server

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	if os.Getenv(childEnv) != "" {
		// A child process of a spec: its parent set up the engine and the
		// environment.
		return m.Run()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var err error
	pg, err = postgres.Start(ctx, postgres.WithSuperuser("postgres", "postgres"))
	if err != nil {
		fmt.Fprintf(os.Stderr, "start postgres: %v\n", err)
		return 1
	}
	defer pg.Close(context.Background())
	engine, err = enginetest.New(enginetest.WithScript(confluentScript(pg.Addr())))
	if err != nil {
		fmt.Fprintf(os.Stderr, "start the stand-in engine: %v\n", err)
		return 1
	}
	defer engine.Close()
	// The go command of the compose specs keeps its caches (which default
	// to places under HOME).
	for _, k := range []string{"GOCACHE", "GOMODCACHE", "GOPATH"} {
		out, err := exec.Command("go", "env", k).Output()
		if err == nil && strings.TrimSpace(string(out)) != "" {
			os.Setenv(k, strings.TrimSpace(string(out)))
		}
	}
	// testcontainers reads these (and ~/.testcontainers.properties, which a
	// home of our own keeps out).
	home, _ := os.MkdirTemp("", "enginetest-home")
	defer os.RemoveAll(home)
	for k, v := range map[string]string{
		"DOCKER_HOST": engine.Host(), "TESTCONTAINERS_RYUK_DISABLED": "true", "HOME": home,
		"DOCKER_CONFIG": home,
	} {
		os.Setenv(k, v)
	}
	os.Unsetenv("TESTCONTAINERS_HOST_OVERRIDE")
	os.Unsetenv("DOCKER_CONTEXT")
	return m.Run()
}

// confluentScript makes each image of the stack look ready the way the
// provider checks it: the log lines it waits for and HTTP answers on the
// published ports; the postgres port forwards to a real PostgreSQL.
func confluentScript(pgAddr string) enginetest.Script {
	jsonHandler := func(path, body string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != path {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, body)
		})
	}
	return func(c enginetest.ContainerView) enginetest.Behaviour {
		switch {
		case strings.Contains(c.Image, "cp-kafka:"):
			return enginetest.Behaviour{Logs: "[KafkaRaftServer nodeId=1] Transitioning from RECOVERY to RUNNING\n"}
		case strings.Contains(c.Image, "postgres"):
			return enginetest.Behaviour{
				Logs:  "database system is ready to accept connections\ndatabase system is ready to accept connections\n",
				Serve: map[string]func(net.Conn){"5432/tcp": enginetest.Proxy(pgAddr)},
			}
		case strings.Contains(c.Image, "schema-registry"):
			return enginetest.Behaviour{Serve: map[string]func(net.Conn){"8081/tcp": enginetest.ServeHTTP(jsonHandler("/subjects", "[]"))}}
		case strings.Contains(c.Image, "kafka-rest"):
			return enginetest.Behaviour{Serve: map[string]func(net.Conn){"8082/tcp": enginetest.ServeHTTP(jsonHandler("/topics", "[]"))}}
		case strings.Contains(c.Image, "connect"):
			return enginetest.Behaviour{Serve: map[string]func(net.Conn){"8083/tcp": enginetest.ServeHTTP(jsonHandler("/connector-plugins",
				`[{"class":"io.confluent.connect.jdbc.JdbcSourceConnector","type":"source","version":"10.8.4"}]`))}}
		case strings.Contains(c.Image, "ksqldb"):
			return enginetest.Behaviour{Serve: map[string]func(net.Conn){"8088/tcp": enginetest.ServeHTTP(jsonHandler("/healthcheck", `{"isHealthy":true}`))}}
		}
		return enginetest.Behaviour{}
	}
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// TestStartAsksTheEngineForTheStackAndCloseRemovesIt drives containers.Start
// and Close against the stand-in engine and checks what they asked for.
func TestStartAsksTheEngineForTheStackAndCloseRemovesIt(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	before := len(engine.Containers())
	s, err := containers.Start(ctx, containers.WithLogger(testLogger(t)), containers.WithStartupTimeout(time.Minute))
	if err != nil {
		_ = s.Close(ctx)
		t.Fatalf("start: %v", err)
	}
	e := s.Endpoints()
	cs := engine.Containers()[before:]
	byImage := map[string]enginetest.ContainerView{}
	for _, c := range cs {
		byImage[c.Image] = c
	}

	t.Run("images and tags", func(t *testing.T) {
		for _, img := range []string{containers.KafkaImage, containers.SchemaRegistryImage, containers.RESTProxyImage,
			containers.ConnectJDBCImage, containers.KSQLDBImage, containers.PostgresImage} {
			if _, ok := byImage[img]; !ok {
				t.Errorf("no container of %s; created: %v", img, images(cs))
			}
		}
		if len(cs) != 6 {
			t.Errorf("%d containers created, want 6: %v", len(cs), images(cs))
		}
	})
	t.Run("Connect's image built from deploy/connect/Dockerfile", func(t *testing.T) {
		df, ok := engine.Built(containers.ConnectJDBCImage)
		if !ok || !strings.Contains(df, "RUN confluent-hub install --no-prompt ${JDBC_CONNECTOR}") {
			t.Errorf("%s was not built from deploy/connect/Dockerfile (built: %v)", containers.ConnectJDBCImage, ok)
		}
		if cmd := strings.Join(byImage[containers.ConnectJDBCImage].Cmd, " "); strings.Contains(cmd, "confluent-hub") {
			t.Errorf("connect installs at start: %q", cmd)
		}
	})
	t.Run("published ports on loopback, bound by the engine", func(t *testing.T) {
		for img, port := range map[string]string{containers.KafkaImage: "9092/tcp", containers.PostgresImage: "5432/tcp",
			containers.SchemaRegistryImage: "8081/tcp", containers.RESTProxyImage: "8082/tcp", containers.ConnectJDBCImage: "8083/tcp",
			containers.KSQLDBImage: "8088/tcp"} {
			bs := byImage[img].Ports[port]
			if len(bs) != 1 || bs[0].HostIP != "127.0.0.1" || !bs[0].Bound {
				t.Errorf("%s publishes %s as %+v, want one binding on 127.0.0.1 with a host port the engine picked", img, port, bs)
			}
		}
		if got, want := e.SchemaRegistry, "http://127.0.0.1:"+byImage[containers.SchemaRegistryImage].Ports["8081/tcp"][0].HostPort; got != want {
			t.Errorf("schema registry endpoint %q, want %q (the published port)", got, want)
		}
	})
	t.Run("one network, each container under its service name", func(t *testing.T) {
		want := map[string]string{containers.KafkaImage: "kafka", containers.PostgresImage: "postgres",
			containers.SchemaRegistryImage: "schema-registry", containers.RESTProxyImage: "rest-proxy",
			containers.ConnectJDBCImage: "connect", containers.KSQLDBImage: "ksqldb"}
		var netName string
		for img, alias := range want {
			c := byImage[img]
			if len(c.Networks) != 1 {
				t.Errorf("%s is on networks %v, want exactly one", img, c.Networks)
				continue
			}
			for n, aliases := range c.Networks {
				if netName == "" {
					netName = n
				} else if n != netName {
					t.Errorf("%s is on network %s, others on %s", img, n, netName)
				}
				if !contains(aliases, alias) {
					t.Errorf("%s has aliases %v on %s, want %q", img, aliases, n, alias)
				}
			}
		}
	})
	t.Run("environment as the images document it", func(t *testing.T) {
		k := byImage[containers.KafkaImage]
		if k.Env["KAFKA_PROCESS_ROLES"] != "broker,controller" || k.Env["CLUSTER_ID"] != containers.ClusterID {
			t.Errorf("kafka env %v lacks KRaft's roles or cluster id", k.Env)
		}
		script := string(k.Files["/tmp/ctalab-kafka-start.sh"])
		if want := "PLAINTEXT_HOST://" + e.Brokers[0]; !strings.Contains(script, want) {
			t.Errorf("kafka start script advertises\n%s\nwant it to contain %q (the published address)", script, want)
		}
		if got := byImage[containers.KSQLDBImage].Env["KSQL_KSQL_SCHEMA_REGISTRY_URL"]; got != "http://schema-registry:8081" {
			t.Errorf("ksqldb reaches the registry at %q, want http://schema-registry:8081", got)
		}
	})
	t.Run("dependency order", func(t *testing.T) {
		seq := func(img string) int { return byImage[img].StartSeq }
		for _, d := range [][2]string{
			{containers.KafkaImage, containers.SchemaRegistryImage}, {containers.KafkaImage, containers.ConnectJDBCImage}, {containers.PostgresImage, containers.ConnectJDBCImage},
			{containers.SchemaRegistryImage, containers.RESTProxyImage}, {containers.SchemaRegistryImage, containers.KSQLDBImage},
		} {
			if seq(d[0]) == 0 || seq(d[1]) == 0 || seq(d[0]) > seq(d[1]) {
				t.Errorf("%s started %d-th, %s %d-th; want the first before the second", d[0], seq(d[0]), d[1], seq(d[1]))
			}
		}
	})
	t.Run("postgres seeded through the published port", func(t *testing.T) {
		conn, err := pgx.Connect(ctx, e.Postgres)
		if err != nil {
			t.Fatalf("connect %s: %v", e.Postgres, err)
		}
		defer conn.Close(ctx)
		var n int
		if err := conn.QueryRow(ctx, "SELECT count(*) FROM stations").Scan(&n); err != nil || n != 230 {
			t.Errorf("stations: %d rows (%v), want 230 (fixtures/cta_stations.csv)", n, err)
		}
		if e.PostgresFromConnect != "jdbc:postgresql://postgres:5432/cta" {
			t.Errorf("JDBC URL for Connect %q, want jdbc:postgresql://postgres:5432/cta", e.PostgresFromConnect)
		}
	})

	if err := s.Close(ctx); err != nil {
		t.Fatalf("close: %v", err)
	}
	t.Run("close removes every container and the network", func(t *testing.T) {
		for _, c := range engine.Containers()[before:] {
			if c.State != "removed" {
				t.Errorf("%s (%s) is %s after Close", c.Name, c.Image, c.State)
			}
		}
		for _, n := range engine.Networks() {
			if !n.Removed {
				t.Errorf("network %s is left after Close", n.Name)
			}
		}
	})
	if u := engine.Unknown(); len(u) > 0 {
		t.Errorf("requests the stand-in does not know: %v", u)
	}
}

func images(cs []enginetest.ContainerView) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Image)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
