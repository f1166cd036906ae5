package containers

import (
	"context"
	"encoding/base64"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// listeners parses "NAME://host:port,..." into name -> host:port.
func listeners(t *testing.T, s string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, l := range strings.Split(s, ",") {
		name, addr, ok := strings.Cut(l, "://")
		if !ok || name == "" || addr == "" {
			t.Fatalf("listener %q in %q is not NAME://host:port", l, s)
		}
		if _, dup := out[name]; dup {
			t.Fatalf("listener %s appears twice in %q", name, s)
		}
		out[name] = addr
	}
	return out
}

func portOf(t *testing.T, addr string) int {
	t.Helper()
	i := strings.LastIndex(addr, ":")
	p, err := strconv.Atoi(addr[i+1:])
	if i < 0 || err != nil {
		t.Fatalf("address %q has no port", addr)
	}
	return p
}

func TestKafkaEnvIsOneCombinedKRaftNode(t *testing.T) {
	env := kafkaEnv()
	want := map[string]string{
		"KAFKA_PROCESS_ROLES":                            "broker,controller",
		"KAFKA_NODE_ID":                                  "1",
		"CLUSTER_ID":                                     ClusterID,
		"KAFKA_CONTROLLER_QUORUM_VOTERS":                 "1@kafka:29093",
		"KAFKA_AUTO_CREATE_TOPICS_ENABLE":                "true",
		"KAFKA_DEFAULT_REPLICATION_FACTOR":               "1",
		"KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR":         "1",
		"KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR": "1",
		"KAFKA_TRANSACTION_STATE_LOG_MIN_ISR":            "1",
		"KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS":         "0",
	}
	for k, v := range want {
		if env[k] != v {
			t.Errorf("%s = %q, want %q", k, env[k], v)
		}
	}
	if _, ok := env["KAFKA_ADVERTISED_LISTENERS"]; ok {
		t.Error("KAFKA_ADVERTISED_LISTENERS is in the environment; the start script must set it, with the mapped host port")
	}
	if _, ok := env["KAFKA_ZOOKEEPER_CONNECT"]; ok {
		t.Error("KAFKA_ZOOKEEPER_CONNECT is set on a KRaft node")
	}
	if !strings.Contains(env["KAFKA_HEAP_OPTS"], "-Xmx") {
		t.Errorf("KAFKA_HEAP_OPTS = %q, want a -Xmx cap", env["KAFKA_HEAP_OPTS"])
	}
}

func TestKafkaListenersAreConsistent(t *testing.T) {
	env := kafkaEnv()
	bound := listeners(t, env["KAFKA_LISTENERS"])
	protocols := map[string]string{}
	for _, p := range strings.Split(env["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"], ",") {
		name, proto, _ := strings.Cut(p, ":")
		protocols[name] = proto
	}
	for name := range bound {
		if protocols[name] != "PLAINTEXT" {
			t.Errorf("listener %s has security protocol %q, want PLAINTEXT", name, protocols[name])
		}
	}
	for _, name := range []string{env["KAFKA_INTER_BROKER_LISTENER_NAME"], env["KAFKA_CONTROLLER_LISTENER_NAMES"]} {
		if _, ok := bound[name]; !ok {
			t.Errorf("listener %q is named but not in KAFKA_LISTENERS %q", name, env["KAFKA_LISTENERS"])
		}
	}
	// The quorum voter must be this node on the controller listener.
	voter := strings.TrimPrefix(env["KAFKA_CONTROLLER_QUORUM_VOTERS"], env["KAFKA_NODE_ID"]+"@")
	if got, want := portOf(t, voter), portOf(t, bound[env["KAFKA_CONTROLLER_LISTENER_NAMES"]]); got != want {
		t.Errorf("quorum voter port %d, controller listener port %d", got, want)
	}
	// The published port is the host listener.
	if got := portOf(t, bound[hostListener]); got != kafkaService(KafkaImage).port {
		t.Errorf("host listener binds %d, the published port is %d", got, kafkaService(KafkaImage).port)
	}

	adv := listeners(t, kafkaAdvertisedListeners("localhost:32768"))
	if len(adv) != 2 {
		t.Fatalf("advertised listeners %v, want the internal and the host one (never the controller)", adv)
	}
	if adv[internalListener] != "kafka:29092" {
		t.Errorf("internal listener advertised as %q, want kafka:29092 (the network alias)", adv[internalListener])
	}
	if adv[hostListener] != "localhost:32768" {
		t.Errorf("host listener advertised as %q, want the mapped address localhost:32768", adv[hostListener])
	}
	for name, addr := range adv {
		if name == hostListener {
			continue // advertised with the mapped port, bound on the container port
		}
		if portOf(t, addr) != portOf(t, bound[name]) {
			t.Errorf("listener %s advertised on %s but bound on %s", name, addr, bound[name])
		}
	}
}

func TestClusterIDIsAKafkaUUID(t *testing.T) {
	b, err := base64.RawURLEncoding.Strict().DecodeString(ClusterID)
	if err != nil {
		t.Fatalf("decode cluster id %q: %v", ClusterID, err)
	}
	if len(b) != 16 {
		t.Errorf("cluster id decodes to %d bytes, want 16", len(b))
	}
	if strings.HasPrefix(ClusterID, "-") {
		t.Error("cluster id starts with '-', which kafka-storage would read as a flag")
	}
}

// TestKafkaScriptExportsListenersAndRunsTheImage runs the generated script
// with bash, standing in a recorder for the image's entry point.
func TestKafkaScriptExportsListenersAndRunsTheImage(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash not found")
	}
	for _, host := range []string{"localhost:32768", "[::1]:40001"} {
		dir := t.TempDir()
		out := filepath.Join(dir, "out")
		run := filepath.Join(dir, "run")
		if err := os.WriteFile(run, []byte("#!/bin/sh\nprintf '%s|%s' \"$KAFKA_ADVERTISED_LISTENERS\" \"$*\" > "+out+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		script, err := kafkaScript(host, run)
		if err != nil {
			t.Fatalf("kafkaScript(%q): %v", host, err)
		}
		path := filepath.Join(dir, "start.sh")
		if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
		if b, err := exec.Command(bash, path).CombinedOutput(); err != nil {
			t.Fatalf("bash start script: %v: %s", err, b)
		}
		got, err := os.ReadFile(out)
		if err != nil {
			t.Fatalf("the image's run was not executed: %v", err)
		}
		if want := kafkaAdvertisedListeners(host) + "|"; string(got) != want {
			t.Errorf("run saw %q, want %q", got, want)
		}
	}
}

func TestKafkaScriptRefusesUnsafeAddresses(t *testing.T) {
	for _, host := range []string{"", "local host:1", "x'y:1", "a\nb:1"} {
		if _, err := kafkaScript(host, "/etc/confluent/docker/run"); err == nil || !strings.HasPrefix(err.Error(), "write kafka start script: ") {
			t.Errorf("kafkaScript(%q) error = %v, want a write kafka start script error", host, err)
		}
	}
}

// TestKafkaWaitCommandRunsOnlyTheCompleteScript starts the container's
// command with an incomplete script in place, then copies the complete one:
// only the complete one may run.
func TestKafkaWaitCommandRunsOnlyTheCompleteScript(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash not found")
	}
	dir := t.TempDir()
	script := filepath.Join(dir, "start.sh")
	out := filepath.Join(dir, "out")
	if err := os.WriteFile(script, []byte("#!/bin/bash\necho early > "+out+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	started := filepath.Join(dir, "started")
	cmd := exec.CommandContext(ctx, "sh", "-c", "touch "+started+"; "+kafkaWaitCommand(script))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(started); err == nil {
			break
		}
		if ctx.Err() != nil {
			t.Fatal("the command never started")
		}
		time.Sleep(10 * time.Millisecond)
	}
	// Give a command that would run the incomplete script the chance to do
	// so; this pause only makes such a bug show, it bounds nothing.
	time.Sleep(300 * time.Millisecond)
	complete := "#!/bin/bash\necho late > " + out + "\n" + kafkaScriptEnd + "\n"
	if err := os.WriteFile(script+".tmp", []byte(complete), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(script+".tmp", script); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("wait command: %v", err)
	}
	got, _ := os.ReadFile(out)
	if strings.TrimSpace(string(got)) != "late" {
		t.Errorf("the command ran a script that wrote %q, want only the complete script (late)", got)
	}
}
