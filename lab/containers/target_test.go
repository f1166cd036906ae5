package containers

import (
	"context"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	tcexec "github.com/testcontainers/testcontainers-go/exec"
)

// fakeTarget is a running container as the wait strategies see it: its
// published port is a listener of the test on 127.0.0.1, and its log is
// whatever the test wrote.
type fakeTarget struct {
	port int

	mu  sync.Mutex
	log strings.Builder
}

func newFakeTarget(t *testing.T, addr string) *fakeTarget {
	t.Helper()
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	n, _ := strconv.Atoi(p)
	return &fakeTarget{port: n}
}

func (f *fakeTarget) writeLog(s string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log.WriteString(s)
}

func (f *fakeTarget) Host(context.Context) (string, error) { return "127.0.0.1", nil }

func (f *fakeTarget) Inspect(context.Context) (*container.InspectResponse, error) {
	return &container.InspectResponse{}, nil
}

func (f *fakeTarget) Ports(context.Context) (network.PortMap, error) { return nil, nil }

func (f *fakeTarget) MappedPort(context.Context, string) (network.Port, error) {
	p, ok := network.PortFrom(uint16(f.port), network.TCP)
	if !ok {
		return network.Port{}, errors.New("bad port")
	}
	return p, nil
}

func (f *fakeTarget) Logs(context.Context) (io.ReadCloser, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return io.NopCloser(strings.NewReader(f.log.String())), nil
}

func (f *fakeTarget) Exec(context.Context, []string, ...tcexec.ProcessOption) (int, io.Reader, error) {
	return 0, strings.NewReader(""), nil
}

func (f *fakeTarget) State(context.Context) (*container.State, error) {
	return &container.State{Running: true, Status: container.StateRunning}, nil
}

func (f *fakeTarget) CopyFileFromContainer(context.Context, string) (io.ReadCloser, error) {
	return nil, errors.New("no files in a fake container")
}
