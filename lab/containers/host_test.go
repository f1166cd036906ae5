package containers

import "testing"

// Issue 15 item 6: ports are published on loopback only when the engine's
// host is this machine's loopback; a remote engine or Docker outside of
// Docker (the engine's host is a gateway address) gets every interface,
// so the published ports are reachable at the engine's host.
func TestPublishIPFollowsTheEnginesHost(t *testing.T) {
	for host, want := range map[string]string{
		"localhost": "127.0.0.1", "127.0.0.1": "127.0.0.1", "::1": "127.0.0.1",
		"172.17.0.1": "0.0.0.0", "docker.example.com": "0.0.0.0", "10.0.0.5": "0.0.0.0",
	} {
		if got := PublishIP(host); got != want {
			t.Errorf("PublishIP(%q) = %q, want %q", host, got, want)
		}
	}
}
