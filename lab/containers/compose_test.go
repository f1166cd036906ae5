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

	"gopkg.in/yaml.v3"
)

// repoRoot is the repository root, two levels above this package.
const repoRoot = "../.."

type composeFile struct {
	Name     string                    `yaml:"name"`
	Services map[string]composeService `yaml:"services"`
}

type composeService struct {
	Image       string            `yaml:"image"`
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
		if cs.Image != svc.image {
			t.Errorf("%s: compose image %q, package image %q", svc.name, cs.Image, svc.image)
		}
		// published on loopback only: the lab is not for other hosts
		wantPort := "127.0.0.1:" + strconv.Itoa(standardPorts[svc.name]) + ":" + strconv.Itoa(svc.port)
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
		if svc.name == postgresAlias {
			continue // the image's own user and database there; seeding here (see below)
		}
		want := maps(svc.env)
		if svc.name == kafkaAlias {
			want["KAFKA_ADVERTISED_LISTENERS"] = kafkaAdvertisedListeners("localhost:" + strconv.Itoa(standardPorts[kafkaAlias]))
		}
		if !reflect.DeepEqual(cs.Environment, want) {
			for k := range union(cs.Environment, want) {
				if cs.Environment[k] != want[k] {
					t.Errorf("%s: %s is %q in compose, %q in the package", svc.name, k, cs.Environment[k], want[k])
				}
			}
		}
		wantCmd := svc.cmd
		if svc.name == kafkaAlias {
			// The package only wraps the image's command to learn the mapped
			// port; compose knows its port and runs the image as it is.
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
