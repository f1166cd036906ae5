package containers

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/wait"
)

// The broker's listeners. PLAINTEXT is for the containers on the stack's
// network and for inter-broker traffic; PLAINTEXT_HOST is published to the
// host and advertised as the host reaches it; CONTROLLER carries KRaft.
const (
	internalListener   = "PLAINTEXT"
	hostListener       = "PLAINTEXT_HOST"
	controllerListener = "CONTROLLER"
)

// kafkaStartScript is where the start script is copied. The container's
// command waits for it, because the address to advertise to the host is
// only known once the container runs and its port is mapped.
const kafkaStartScript = "/tmp/ctalab-kafka-start.sh"

// kafkaScriptEnd is the script's last line; the waiting command runs the
// script only once this line is there, so a half-copied file never runs.
const kafkaScriptEnd = "# ctalab: end of start script"

// kafkaEnv is the broker's environment: one node that is both broker and
// controller, replication factors 1, automatic topic creation on.
// KAFKA_ADVERTISED_LISTENERS is missing on purpose: the start script sets
// it (see kafkaAdvertisedListeners).
func kafkaEnv() map[string]string {
	return map[string]string{
		"CLUSTER_ID":                       ClusterID,
		"KAFKA_NODE_ID":                    "1",
		"KAFKA_PROCESS_ROLES":              "broker,controller",
		"KAFKA_CONTROLLER_QUORUM_VOTERS":   "1@" + internalAddr(kafkaAlias, kafkaControllerPort),
		"KAFKA_CONTROLLER_LISTENER_NAMES":  controllerListener,
		"KAFKA_INTER_BROKER_LISTENER_NAME": internalListener,
		"KAFKA_LISTENERS": strings.Join([]string{
			internalListener + "://0.0.0.0:" + strconv.Itoa(kafkaInternalPort),
			controllerListener + "://0.0.0.0:" + strconv.Itoa(kafkaControllerPort),
			hostListener + "://0.0.0.0:" + strconv.Itoa(kafkaHostPort),
		}, ","),
		"KAFKA_LISTENER_SECURITY_PROTOCOL_MAP": strings.Join([]string{
			controllerListener + ":PLAINTEXT",
			internalListener + ":PLAINTEXT",
			hostListener + ":PLAINTEXT",
		}, ","),
		"KAFKA_LOG_DIRS":                                 "/var/lib/kafka/data",
		"KAFKA_AUTO_CREATE_TOPICS_ENABLE":                "true",
		"KAFKA_DEFAULT_REPLICATION_FACTOR":               "1",
		"KAFKA_MIN_INSYNC_REPLICAS":                      "1",
		"KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR":         "1",
		"KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR": "1",
		"KAFKA_TRANSACTION_STATE_LOG_MIN_ISR":            "1",
		"KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS":         "0",
		"KAFKA_HEAP_OPTS":                                kafkaHeap,
	}
}

// kafkaAdvertisedListeners is KAFKA_ADVERTISED_LISTENERS for a broker whose
// PLAINTEXT_HOST listener the host reaches at hostAddr (host:port): the
// containers get kafka:29092, the host gets hostAddr.
func kafkaAdvertisedListeners(hostAddr string) string {
	return internalListener + "://" + internalAddr(kafkaAlias, kafkaInternalPort) +
		"," + hostListener + "://" + hostAddr
}

// kafkaScript is the start script for a broker the host reaches at hostAddr.
// It exports the advertised listeners and hands over to the image's own
// entry point, /etc/confluent/docker/run (configure, format the KRaft
// storage with CLUSTER_ID, launch).
func kafkaScript(hostAddr, run string) (string, error) {
	if hostAddr == "" || strings.ContainsAny(hostAddr, "'\n\\ ") {
		return "", fmt.Errorf("write kafka start script: unusable host address %q", hostAddr)
	}
	return "#!/bin/bash\n" +
		"export KAFKA_ADVERTISED_LISTENERS='" + kafkaAdvertisedListeners(hostAddr) + "'\n" +
		"exec " + run + "\n" +
		kafkaScriptEnd + "\n", nil
}

// kafkaWaitCommand is the container's command: wait until the start script
// has been copied in completely, then run it.
func kafkaWaitCommand(script string) string {
	return "until grep -qxF '" + kafkaScriptEnd + "' " + script + " 2>/dev/null; do sleep 0.1; done; exec bash " + script
}

// kafkaReady is ready when the broker has left recovery (the log line the
// testcontainers Kafka module also waits for) and the host listener accepts
// connections.
func kafkaReady() []wait.Strategy {
	return []wait.Strategy{
		wait.ForLog("Transitioning from RECOVERY to RUNNING"),
		wait.ForListeningPort(tcpPort(kafkaHostPort)),
	}
}

// kafkaService is the broker. Its PostStart hook copies the start script in
// once the host port is mapped; readiness is waited for in the same hook so
// that a failed copy fails at once instead of waiting out the timeout.
func kafkaService(image string) service {
	return service{
		name:        kafkaAlias,
		image:       image,
		port:        kafkaHostPort,
		env:         kafkaEnv(),
		entrypoint:  []string{"sh"},
		cmd:         []string{"-c", kafkaWaitCommand(kafkaStartScript)},
		ready:       kafkaReady(),
		readyInHook: true,
		postStart:   copyKafkaScript,
	}
}

// copyKafkaScript writes the start script into a started broker container.
func copyKafkaScript(ctx context.Context, c testcontainers.Container) error {
	port := tcpPort(kafkaHostPort)
	if err := wait.ForMappedPort(port).WaitUntilReady(ctx, c); err != nil {
		return fmt.Errorf("wait for kafka host port: %w", err)
	}
	hostAddr, err := c.PortEndpoint(ctx, port, "")
	if err != nil {
		return fmt.Errorf("get kafka host address: %w", err)
	}
	script, err := kafkaScript(hostAddr, "/etc/confluent/docker/run")
	if err != nil {
		return err
	}
	if err := c.CopyToContainer(ctx, []byte(script), kafkaStartScript, 0o755); err != nil {
		return fmt.Errorf("copy kafka start script: %w", err)
	}
	return nil
}
