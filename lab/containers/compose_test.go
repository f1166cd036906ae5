package containers

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/testcontainers/testcontainers-go/wait"
	"gopkg.in/yaml.v3"
)

// repoRoot is the repository root, two levels above this package.
const repoRoot = "../.."

type composeFile struct {
	Name     string                    `yaml:"name"`
	Services map[string]composeService `yaml:"services"`
	Volumes  map[string]*struct{}      `yaml:"volumes"`
}

type composeService struct {
	Image string `yaml:"image"`
	Build *struct {
		Context string `yaml:"context"`
	} `yaml:"build"`
	Hostname    string            `yaml:"hostname"`
	Ports       []string          `yaml:"ports"`
	Environment map[string]string `yaml:"environment"`
	Command     []string          `yaml:"command"`
	Volumes     []string          `yaml:"volumes"`
	DependsOn   map[string]struct {
		Condition string `yaml:"condition"`
	} `yaml:"depends_on"`
	Healthcheck *struct {
		Test        []string `yaml:"test"`
		Interval    string   `yaml:"interval"`
		Timeout     string   `yaml:"timeout"`
		Retries     int      `yaml:"retries"`
		StartPeriod string   `yaml:"start_period"`
	} `yaml:"healthcheck"`
}

func readCompose(t *testing.T) composeFile {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, "docker-compose.yml"))
	if err != nil {
		t.Fatalf("read docker-compose.yml: %v", err)
	}
	var f composeFile
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		// KnownFields makes an unexpected key an error, so a key this test
		// does not know about (and so does not compare) cannot slip in.
		t.Fatalf("parse docker-compose.yml: %v", err)
	}
	return f
}

// standardPorts are the host ports of the standard layout.
var standardPorts = map[string]int{
	kafkaAlias: 9092, schemaRegistryAlias: 8081, restProxyAlias: 8082,
	connectAlias: 8083, ksqldbAlias: 8088, postgresAlias: 5432,
}

// TestComposeMatchesThePackage keeps docker-compose.yml and the container
// provider in step: same services, images, ports and environments.
func TestComposeMatchesThePackage(t *testing.T) {
	f := readCompose(t)
	cfg, err := newConfig()
	if err != nil {
		t.Fatal(err)
	}
	steps := plan(&cfg)
	var names []string
	for _, st := range steps {
		names = append(names, st.svc.name)
	}
	var composeNames []string
	for n := range f.Services {
		composeNames = append(composeNames, n)
	}
	slices.Sort(names)
	slices.Sort(composeNames)
	if !slices.Equal(names, composeNames) {
		t.Fatalf("compose services %v, package services %v", composeNames, names)
	}

	for _, st := range steps {
		svc, cs := st.svc, f.Services[st.svc.name]
		if svc.name == connectAlias {
			checkConnectBuild(t, cs, svc)
		} else if cs.Image != svc.image {
			t.Errorf("%s: compose image %q, package image %q", svc.name, cs.Image, svc.image)
		}
		// published on loopback unless bin/lab says otherwise (an engine
		// on another host): the lab is not for other hosts
		wantPort := "${CTALAB_PUBLISH_HOST:-127.0.0.1}:" + strconv.Itoa(standardPorts[svc.name]) + ":" + strconv.Itoa(svc.port)
		if !slices.Equal(cs.Ports, []string{wantPort}) {
			t.Errorf("%s: compose ports %q, want [%q]", svc.name, cs.Ports, wantPort)
		}
		if cs.Hostname != svc.name {
			t.Errorf("%s: compose hostname %q, want the service name", svc.name, cs.Hostname)
		}
		if cs.Healthcheck == nil || len(cs.Healthcheck.Test) == 0 {
			t.Errorf("%s: no healthcheck", svc.name)
		}
		for dep, d := range cs.DependsOn {
			if _, ok := f.Services[dep]; !ok || d.Condition != "service_healthy" {
				t.Errorf("%s: depends on %s with condition %q, want an existing service, service_healthy", svc.name, dep, d.Condition)
			}
		}
		for _, dep := range st.after {
			if _, ok := cs.DependsOn[dep]; !ok {
				t.Errorf("%s: the package starts it after %s, compose does not wait for %s", svc.name, dep, dep)
			}
		}
		for dep := range cs.DependsOn {
			if !slices.Contains(st.after, dep) {
				t.Errorf("%s: compose waits for %s, the package does not start it after %s", svc.name, dep, dep)
			}
		}
		if svc.name == postgresAlias {
			continue // the image's own user and database there; seeding here (see below)
		}
		want := maps(svc.env)
		if svc.name == kafkaAlias {
			want["KAFKA_ADVERTISED_LISTENERS"] = kafkaAdvertisedListeners("${CTALAB_ADVERTISED_HOST:-localhost}:" + strconv.Itoa(standardPorts[kafkaAlias]))
		}
		if !reflect.DeepEqual(cs.Environment, want) {
			for k := range union(cs.Environment, want) {
				if cs.Environment[k] != want[k] {
					t.Errorf("%s: %s is %q in compose, %q in the package", svc.name, k, cs.Environment[k], want[k])
				}
			}
		}
		wantCmd := svc.cmd
		if svc.name == kafkaAlias || svc.name == connectAlias {
			// The package only wraps the image's command to learn the mapped
			// port; compose knows its port and runs the image as it is.
			// Connect's image has the connector (checkConnectBuild), so
			// compose runs it as it is too.
			wantCmd = nil
		}
		if !slices.Equal(cs.Command, wantCmd) {
			t.Errorf("%s: compose command %q, package command %q", svc.name, cs.Command, svc.cmd)
		}
	}
}

func maps(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func union(a, b map[string]string) map[string]bool {
	out := map[string]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

func TestComposePostgresLoadsTheStations(t *testing.T) {
	pg := readCompose(t).Services[postgresAlias]
	for k, v := range map[string]string{"POSTGRES_USER": ctaUser, "POSTGRES_PASSWORD": ctaPassword, "POSTGRES_DB": ctaDatabase} {
		if pg.Environment[k] != v {
			t.Errorf("postgres %s = %q, want %q", k, pg.Environment[k], v)
		}
	}
	mounts := map[string]string{} // container path -> host path
	for _, v := range pg.Volumes {
		if strings.HasPrefix(v, "postgres-data:") {
			continue // the data volume (TestComposeKeepsTheDataInNamedVolumes)
		}
		parts := strings.Split(v, ":")
		if len(parts) != 3 || parts[2] != "ro" {
			t.Errorf("postgres volume %q is not host:container:ro", v)
			continue
		}
		if _, err := os.Stat(filepath.Join(repoRoot, parts[0])); err != nil {
			t.Errorf("postgres volume %q: %v", v, err)
		}
		mounts[parts[1]] = parts[0]
	}
	var script string
	for c, h := range mounts {
		if strings.HasPrefix(c, "/docker-entrypoint-initdb.d/") && strings.HasSuffix(c, ".sql") {
			script = h
		}
	}
	if script == "" || !strings.HasPrefix(script, "./deploy/compose/") {
		t.Fatalf("no init script from deploy/compose mounted into /docker-entrypoint-initdb.d: %v", mounts)
	}
	sql, err := os.ReadFile(filepath.Join(repoRoot, script))
	if err != nil {
		t.Fatal(err)
	}
	text := squash(stripComments(string(sql)))
	if !strings.Contains(text, squash(stationsDDL)) {
		t.Errorf("%s does not create stations with the reference DDL:\n%s", script, stationsDDL)
	}

	copyRe := regexp.MustCompile(`COPY stations\(([^)]*)\) FROM '([^']+)' DELIMITER ',' CSV HEADER;`)
	m := copyRe.FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("%s has no COPY stations(...) FROM '<file>' DELIMITER ',' CSV HEADER", script)
	}
	host, ok := mounts[m[2]]
	if !ok || filepath.Clean(host) != filepath.Join("fixtures", "cta_stations.csv") {
		t.Errorf("COPY reads %s, which is not fixtures/cta_stations.csv mounted read-only (mounts %v)", m[2], mounts)
	}
	csvFile, err := os.Open(filepath.Join(repoRoot, "fixtures", "cta_stations.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer csvFile.Close()
	header, err := csv.NewReader(csvFile).Read()
	if err != nil {
		t.Fatal(err)
	}
	var cols []string
	for _, c := range strings.Split(m[1], ",") {
		cols = append(cols, strings.Trim(strings.TrimSpace(c), `"`))
	}
	if !slices.Equal(cols, header) {
		t.Errorf("COPY columns %v, CSV header %v", cols, header)
	}
}

// stationsDDL is the original project's table (load_stations.sql).
const stationsDDL = `CREATE TABLE stations (
  stop_id INTEGER PRIMARY KEY,
  direction_id VARCHAR(1) NOT NULL,
  stop_name VARCHAR(70) NOT NULL,
  station_name VARCHAR(70) NOT NULL,
  station_descriptive_name VARCHAR(200) NOT NULL,
  station_id INTEGER NOT NULL,
  "order" INTEGER,
  red BOOLEAN NOT NULL,
  blue BOOLEAN NOT NULL,
  green BOOLEAN NOT NULL
);`

func stripComments(s string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if i := strings.Index(l, "--"); i >= 0 {
			l = l[:i]
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

// squash collapses whitespace runs to one space and drops the spaces next
// to parentheses and commas.
func squash(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	for _, p := range []string{"( ", " (", " )", ", "} {
		s = strings.ReplaceAll(s, p, strings.TrimSpace(p))
	}
	return s
}

// checkConnectBuild checks that compose's Connect is the package's Connect
// image with the package's JDBC connector installed at build time.
func checkConnectBuild(t *testing.T, cs composeService, svc service) {
	t.Helper()
	if cs.Build == nil || cs.Build.Context != "./deploy/connect" {
		t.Errorf("connect: compose does not build it from ./deploy/connect: %+v", cs.Build)
		return
	}
	if cs.Image != svc.image || svc.build == nil {
		t.Errorf("connect: compose runs %q, the package %q (built: %v); want the same built image", cs.Image, svc.image, svc.build != nil)
	}
	b, err := os.ReadFile(filepath.Join(repoRoot, "deploy", "connect", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	df := string(b)
	if !regexp.MustCompile(`(?m)^FROM ` + regexp.QuoteMeta(ConnectImage) + `$`).MatchString(df) {
		t.Errorf("connect: deploy/connect/Dockerfile is not FROM %s:\n%s", ConnectImage, df)
	}
	if !strings.Contains(df, "ARG JDBC_CONNECTOR="+JDBCConnector+"\n") || !strings.Contains(df, "RUN confluent-hub install --no-prompt ${JDBC_CONNECTOR}") {
		t.Errorf("connect: deploy/connect/Dockerfile does not install %s at build time:\n%s", JDBCConnector, df)
	}
}

// Issue 15 item 4: Kafka's log and PostgreSQL's cluster live in named
// volumes, so "down" then "up" keeps them; "down --volumes" drops them.
func TestComposeKeepsTheDataInNamedVolumes(t *testing.T) {
	f := readCompose(t)
	// The postgres image keeps its cluster in PGDATA, /var/lib/postgresql/data
	// (https://hub.docker.com/_/postgres, "PGDATA").
	want := map[string]string{kafkaAlias: "kafka-data:" + kafkaEnv()["KAFKA_LOG_DIRS"], postgresAlias: "postgres-data:/var/lib/postgresql/data"}
	for name, mount := range want {
		if !slices.Contains(f.Services[name].Volumes, mount) {
			t.Errorf("%s: volumes %q lack %q", name, f.Services[name].Volumes, mount)
		}
		vol, _, _ := strings.Cut(mount, ":")
		if _, ok := f.Volumes[vol]; !ok {
			t.Errorf("top-level volumes %v do not declare %s", f.Volumes, vol)
		}
	}
}

// Issue 15 item 10: every compose healthcheck probes what the package's
// readiness checks wait for, on the same port and path.
func TestComposeHealthchecksProbeWhatThePackageWaitsFor(t *testing.T) {
	f := readCompose(t)
	cfg, err := newConfig()
	if err != nil {
		t.Fatal(err)
	}
	rows, err := os.ReadFile(filepath.Join(repoRoot, "fixtures", "cta_stations.csv"))
	if err != nil {
		t.Fatal(err)
	}
	stations := strconv.Itoa(strings.Count(strings.TrimSpace(string(rows)), "\n")) // lines minus the header
	for _, st := range plan(&cfg) {
		svc := st.svc
		hc := f.Services[svc.name].Healthcheck
		if hc == nil || len(hc.Test) < 2 || hc.Test[0] != "CMD-SHELL" {
			t.Errorf("%s: healthcheck %+v, want a CMD-SHELL test", svc.name, hc)
			continue
		}
		test := hc.Test[1]
		var want []string
		for _, r := range svc.ready {
			if h, ok := r.(*wait.HTTPStrategy); ok {
				want = append(want, "http://localhost:"+strconv.Itoa(svc.port)+h.Path)
			}
		}
		switch svc.name {
		case kafkaAlias:
			// The package waits for the broker's RUNNING log line and its
			// port; compose asks the broker itself for its API versions.
			want = append(want, "kafka-broker-api-versions --bootstrap-server "+kafkaBootstrap)
		case connectAlias:
			want = append(want, jdbcSourceClass)
		case ksqldbAlias:
			want = append(want, `"isHealthy":true`)
		case postgresAlias:
			// The package seeds, then the table is there; compose's init
			// script loads it: healthy once it holds every station.
			want = append(want, "SELECT count(*) FROM stations", "grep -qx "+stations)
		}
		if len(want) == 0 {
			t.Errorf("%s: no readiness check the healthcheck could be compared with", svc.name)
		}
		for _, w := range want {
			if !strings.Contains(test, w) {
				t.Errorf("%s: healthcheck %q does not check %q", svc.name, test, w)
			}
		}
	}
}
