package main

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ctalab/ctalab/lab/containers"
)

// fakeTools puts scripts named after commands first (and alone) on PATH.
func fakeTools(t *testing.T, scripts map[string]string) {
	t.Helper()
	dir := t.TempDir()
	for name, body := range scripts {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", dir)
}

// dockerWithoutCompose is the docker CLI without the compose plugin, as it
// answers "docker compose ..." (exit 1, unknown command).
const dockerWithoutCompose = `echo "docker: unknown command: docker compose" >&2; exit 1`

// Issue 15 item 7: Debian's docker-compose 1.29 is refused, saying what to
// install, instead of failing on the file's top-level name:.
func TestComposeV1IsRefusedWithWhatToInstall(t *testing.T) {
	fakeTools(t, map[string]string{"docker": dockerWithoutCompose, "docker-compose": `echo 1.29.2`})
	_, _, err := findCompose(context.Background())
	if err == nil {
		t.Fatal("docker-compose 1.29.2 accepted")
	}
	for _, want := range []string{"docker-compose 1.29.2 is Compose v1", "Compose v2 or later", "docker-compose-plugin", "--provider embedded"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

func TestNoComposeAtAllSaysWhatToInstall(t *testing.T) {
	fakeTools(t, map[string]string{"docker": dockerWithoutCompose})
	_, _, err := findCompose(context.Background())
	if err == nil || !strings.Contains(err.Error(), `neither "docker compose" nor "docker-compose" answers`) || !strings.Contains(err.Error(), "docker-compose-plugin") {
		t.Errorf("without compose: %v", err)
	}
}

func TestComposeV2IsFoundAsPluginOrStandalone(t *testing.T) {
	fakeTools(t, map[string]string{"docker": `[ "$1" = compose ] && echo v2.29.1`})
	if cli, v, err := findCompose(context.Background()); err != nil || strings.Join(cli, " ") != "docker compose" || v != "2.29.1" {
		t.Errorf("plugin: %v %q %v", cli, v, err)
	}
	fakeTools(t, map[string]string{"docker": dockerWithoutCompose, "docker-compose": `echo 5.6.0`})
	if cli, v, err := findCompose(context.Background()); err != nil || strings.Join(cli, " ") != "docker-compose" || v != "5.6.0" {
		t.Errorf("standalone: %v %q %v", cli, v, err)
	}
}

// Issue 15 item 5: a taken port is found before anything starts, and the
// error names the port and its service.
func TestATakenPortIsNamedBeforeUp(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	taken := ln.Addr().(*net.TCPAddr).Port
	free := freePort(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "docker-compose.yml")
	yml := "services:\n  kafka:\n    ports:\n      - \"${CTALAB_PUBLISH_HOST:-127.0.0.1}:" + strconv.Itoa(free) + ":9092\"\n" +
		"  postgres:\n    ports:\n      - \"127.0.0.1:" + strconv.Itoa(taken) + ":5432\"\n"
	if err := os.WriteFile(file, []byte(yml), 0o644); err != nil {
		t.Fatal(err)
	}
	ports, err := composePorts(file)
	if err != nil || len(ports) != 2 {
		t.Fatalf("composePorts = %v, %v", ports, err)
	}
	err = checkPorts("127.0.0.1", ports)
	if err == nil || !strings.Contains(err.Error(), "port "+strconv.Itoa(taken)+" (postgres) is taken on 127.0.0.1") {
		t.Errorf("checkPorts = %v, want the taken port and its service named", err)
	}
	ln.Close()
	if err := checkPorts("127.0.0.1", ports); err != nil {
		t.Errorf("with the ports free: %v", err)
	}
}

// The repository's compose file publishes the six standard ports.
func TestComposeFilePublishesTheStandardPorts(t *testing.T) {
	ports, err := composePorts("../../../docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, p := range ports {
		got[p.service] = p.port
	}
	want := map[string]int{"kafka": 9092, "schema-registry": 8081, "rest-proxy": 8082, "connect": 8083, "ksqldb": 8088, "postgres": 5432}
	for s, p := range want {
		if got[s] != p {
			t.Errorf("%s publishes %d, want %d", s, got[s], p)
		}
	}
}

func freePort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// Issue 15 item 8: bin/lab honours LAB_STACK, and LAB_STACK=containers
// without an engine says that, not a discovery detail.
func TestLabUpHonoursLABSTACK(t *testing.T) {
	ctx := context.Background()
	if containers.Available(ctx) == nil {
		t.Skip("a Docker engine answers on this machine; the spec needs none")
	}
	l := &labCtl{provider: "auto"}
	t.Setenv("LAB_STACK", "containers")
	_, _, err := l.useCompose(ctx)
	if err == nil || !strings.Contains(err.Error(), "LAB_STACK=containers asks for the Confluent Platform containers, but no Docker engine answers") ||
		!strings.Contains(err.Error(), "unset LAB_STACK for the embedded stack") {
		t.Errorf("LAB_STACK=containers without an engine: %v", err)
	}
	t.Setenv("LAB_STACK", "embedded")
	if compose, why, err := l.useCompose(ctx); err != nil || compose || why != "LAB_STACK=embedded" {
		t.Errorf("LAB_STACK=embedded: compose=%v %q %v", compose, why, err)
	}
	t.Setenv("LAB_STACK", "external")
	if _, _, err := l.useCompose(ctx); err == nil || !strings.Contains(err.Error(), "LAB_STACK=external") {
		t.Errorf("LAB_STACK=external: %v", err)
	}
	t.Setenv("LAB_STACK", "containers")
	l.provider = "embedded"
	if compose, _, err := l.useCompose(ctx); err != nil || compose {
		t.Errorf("--provider embedded does not win over LAB_STACK: compose=%v %v", compose, err)
	}
}
