package enginetest_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ctalab/ctalab/lab/containers"
	"github.com/ctalab/ctalab/lab/containers/enginetest"
	"github.com/ctalab/ctalab/lab/stack"
)

// childEnv marks a process of this test binary that runs
// TestStackStartedInAChildProcess for a parent spec: testcontainers-go
// resolves DOCKER_HOST once per process, so each engine address a spec
// tries needs a process of its own.
const childEnv = "CTALAB_ENGINETEST_CHILD"

// childReport is what the child process prints, on one line after
// childMarker.
type childReport struct {
	EngineHost string          `json:"engine_host"`
	Endpoints  stack.Endpoints `json:"endpoints"`
	Err        string          `json:"err,omitempty"`
}

const childMarker = "ctalab-child-report: "

// TestStackStartedInAChildProcess starts and stops the container stack
// against the engine of the environment it was given, and reports the
// engine's host as containers.EngineHost resolves it and the stack's
// endpoints. It runs only as the child of a spec below.
func TestStackStartedInAChildProcess(t *testing.T) {
	if os.Getenv(childEnv) == "" {
		t.Skip("runs only in a child process of TestPublishedAndAdvertisedHostFollowTestcontainersResolution")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var rep childReport
	host, err := containers.EngineHost(ctx)
	rep.EngineHost = host
	if err != nil {
		rep.Err = err.Error()
	} else {
		s, err := containers.Start(ctx, containers.WithLogger(testLogger(t)), containers.WithStartupTimeout(time.Minute))
		rep.Endpoints = s.Endpoints()
		if err != nil {
			rep.Err = err.Error()
		}
		if err := s.Close(ctx); err != nil && rep.Err == "" {
			rep.Err = "close: " + err.Error()
		}
	}
	b, _ := json.Marshal(rep)
	os.Stdout.WriteString("\n" + childMarker + string(b) + "\n")
}

// dockerenvScript runs its arguments (from the fourth on) as root in a
// private mount namespace whose root is an overlay of this machine's,
// with /.dockerenv removed ($2 = absent) or created ($2 = present), and
// /proc, /sys, /dev, /tmp, the /etc files a container engine mounts and
// the directory $3 bound in from this machine; $1 is an empty directory
// for the overlay's layers, and the command runs in the current directory.
// Nothing outside the namespace changes.
const dockerenvScript = `set -e
layers=$1 mode=$2 bindir=$3; shift 3
mount -t tmpfs ctalab-layers "$layers"
mkdir "$layers/upper" "$layers/work" "$layers/root"
mount -t overlay ctalab-root -o "lowerdir=/,upperdir=$layers/upper,workdir=$layers/work" "$layers/root"
if [ "$mode" = absent ]; then rm -f "$layers/root/.dockerenv"; else touch "$layers/root/.dockerenv"; fi
for p in /proc /sys /dev /tmp /etc/hosts /etc/resolv.conf /etc/hostname "$bindir" "$PWD"; do
	if [ -d "$p" ]; then mkdir -p "$layers/root$p"; mount --bind "$p" "$layers/root$p"
	elif [ -e "$p" ]; then mount --bind "$p" "$layers/root$p"; fi
done
exec chroot "$layers/root" /bin/sh -c 'cd "$0" && exec "$@"' "$PWD" "$@"
`

// startInChildSeeing runs TestStackStartedInAChildProcess with DOCKER_HOST
// set to dockerHost and TESTCONTAINERS_HOST_OVERRIDE to override (unset
// when empty), and returns its report. dockerenv makes /.dockerenv,
// testcontainers' sign of running in a container, "absent" or "present"
// for the child ("" leaves this machine's as it is); that needs root and
// unshare(1), without which the spec is skipped, saying so.
func startInChildSeeing(t *testing.T, dockerHost, override, dockerenv string) childReport {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	args := []string{os.Args[0], "-test.run=^TestStackStartedInAChildProcess$", "-test.v", "-test.count=1"}
	if dockerenv != "" {
		unshare, err := exec.LookPath("unshare")
		if err != nil || os.Geteuid() != 0 {
			t.Skip("making /.dockerenv " + dockerenv + " for a child needs root and unshare(1)")
		}
		bin, err := filepath.Abs(os.Args[0])
		if err != nil {
			t.Fatal(err)
		}
		wrap := func(cmd ...string) []string {
			return append([]string{unshare, "--mount", "--propagation", "private", "/bin/sh", "-c", dockerenvScript, "sh",
				t.TempDir(), dockerenv, filepath.Dir(bin)}, cmd...)
		}
		// A machine that allows no mount namespace or overlay here (a
		// container without CAP_SYS_ADMIN) cannot run the case.
		if out, err := exec.CommandContext(ctx, wrap("/bin/true")[0], wrap("/bin/true")[1:]...).CombinedOutput(); err != nil {
			t.Skipf("cannot give a child a root of its own here (%v): %s", err, out)
		}
		args[0] = bin
		args = wrap(args...)
	}
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); k != "DOCKER_HOST" && k != "TESTCONTAINERS_HOST_OVERRIDE" && k != childEnv {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, childEnv+"=1", "DOCKER_HOST="+dockerHost, "TESTCONTAINERS_RYUK_DISABLED=true")
	if override != "" {
		cmd.Env = append(cmd.Env, "TESTCONTAINERS_HOST_OVERRIDE="+override)
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	runErr := cmd.Run()
	sc := bufio.NewScanner(&out)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if line, ok := strings.CutPrefix(sc.Text(), childMarker); ok {
			var rep childReport
			if err := json.Unmarshal([]byte(line), &rep); err != nil {
				t.Fatalf("child report %q: %v", line, err)
			}
			if rep.Err != "" {
				t.Fatalf("child: %s\n%s", rep.Err, out.String())
			}
			return rep
		}
	}
	t.Fatalf("child printed no report (%v):\n%s", runErr, out.String())
	return childReport{}
}

// Issue 15 item 6: the host the stack publishes on and advertises follows
// the engine's host as testcontainers-go v0.45.0 resolves it
// (DockerProvider.DaemonHost in docker.go, core.InAContainer in
// internal/core/docker_host.go; https://golang.testcontainers.org/features/configuration/):
// TESTCONTAINERS_HOST_OVERRIDE when set; otherwise the host of a tcp://
// DOCKER_HOST; for a unix:// DOCKER_HOST, "localhost", or, inside a
// container (/.dockerenv exists: Docker outside of Docker, the engine's
// socket mounted in), the gateway of the engine's default bridge network.
// testcontainers reads /.dockerenv at a path a spec cannot change (a
// variable of an internal package), so the child of each unix case sees a
// root of its own with /.dockerenv removed or created.
// An engine host that is not this machine's loopback gets its ports
// published on every interface (0.0.0.0), so they are reachable there;
// Kafka advertises that host, and every endpoint names it.
func TestPublishedAndAdvertisedHostFollowTestcontainersResolution(t *testing.T) {
	if os.Getenv(childEnv) != "" {
		t.Skip("the child process only starts the stack")
	}
	addr := remoteAddr()
	if addr == "" {
		t.Skip("this machine has no non-loopback address to stand for a remote engine's host")
	}
	newEngine := func(t *testing.T, opts ...enginetest.Option) *enginetest.Engine {
		t.Helper()
		eng, err := enginetest.New(append([]enginetest.Option{enginetest.WithScript(confluentScript(pg.Addr()))}, opts...)...)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = eng.Close() })
		return eng
	}
	// The bridge's gateway is this machine's own address, where the
	// stand-in's published ports on 0.0.0.0 are reachable, as the host's
	// ports are at the gateway from inside a container.
	unixEngine := func(t *testing.T) *enginetest.Engine {
		dir, err := os.MkdirTemp("", "engine")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = os.RemoveAll(dir) })
		return newEngine(t, enginetest.WithUnixSocket(filepath.Join(dir, "docker.sock")), enginetest.WithBridgeGateway(addr))
	}
	cases := []struct {
		name      string
		engine    func(t *testing.T) *enginetest.Engine
		override  string
		dockerenv string // "absent" or "present" for the child; "" as on this machine
		want      string
	}{
		{"TESTCONTAINERS_HOST_OVERRIDE wins over DOCKER_HOST", func(*testing.T) *enginetest.Engine { return engine }, addr, "", addr},
		{"the host of a tcp DOCKER_HOST", func(t *testing.T) *enginetest.Engine {
			return newEngine(t, enginetest.WithAddr(net.JoinHostPort(addr, "0")))
		}, "", "", addr},
		{"a unix DOCKER_HOST inside a container: the bridge network's gateway", unixEngine, "", "present", addr},
		{"a unix DOCKER_HOST outside a container: localhost", unixEngine, "", "absent", "localhost"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			eng := c.engine(t)
			before := len(eng.Containers())
			rep := startInChildSeeing(t, eng.Host(), c.override, c.dockerenv)
			if rep.EngineHost != c.want {
				t.Errorf("containers.EngineHost = %q, want %q", rep.EngineHost, c.want)
			}
			publishIP := "0.0.0.0"
			if c.want == "localhost" {
				publishIP = "127.0.0.1"
			}
			byImage := map[string]enginetest.ContainerView{}
			for _, cv := range eng.Containers()[before:] {
				byImage[cv.Image] = cv
			}
			if len(byImage) != 6 {
				t.Fatalf("%d containers created, want 6", len(byImage))
			}
			for img, port := range map[string]string{containers.KafkaImage: "9092/tcp", containers.SchemaRegistryImage: "8081/tcp",
				containers.ConnectJDBCImage: "8083/tcp", containers.PostgresImage: "5432/tcp"} {
				if bs := byImage[img].Ports[port]; len(bs) != 1 || bs[0].HostIP != publishIP {
					t.Errorf("%s publishes %s as %+v, want one binding on %s", img, port, bs, publishIP)
				}
			}
			kafkaPort := byImage[containers.KafkaImage].Ports["9092/tcp"][0].HostPort
			if want := "PLAINTEXT_HOST://" + net.JoinHostPort(c.want, kafkaPort); !strings.Contains(string(byImage[containers.KafkaImage].Files["/tmp/ctalab-kafka-start.sh"]), want) {
				t.Errorf("kafka's start script does not advertise %s", want)
			}
			if want := []string{net.JoinHostPort(c.want, kafkaPort)}; !slices.Equal(rep.Endpoints.Brokers, want) {
				t.Errorf("brokers %v, want %v", rep.Endpoints.Brokers, want)
			}
			if want := "http://" + net.JoinHostPort(c.want, byImage[containers.SchemaRegistryImage].Ports["8081/tcp"][0].HostPort); rep.Endpoints.SchemaRegistry != want {
				t.Errorf("schema registry at %q, want %q", rep.Endpoints.SchemaRegistry, want)
			}
		})
	}
}
