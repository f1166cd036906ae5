package restproxy

import (
	"net/http"
	"sort"
	"strconv"
	"testing"
)

func TestTopicsListingAndDetails(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("b-topic", 2)
	e.createTopic("a-topic", 1)

	resp := e.do(http.MethodGet, "/topics", "", nil)
	var names []string
	resp.json(t, &names)
	if resp.status != http.StatusOK || !sort.StringsAreSorted(names) || !contains(names, "a-topic") || !contains(names, "b-topic") {
		t.Fatalf("%d %s", resp.status, resp.body)
	}

	resp = e.do(http.MethodGet, "/topics/b-topic", "", nil, "Accept", "application/vnd.kafka.v2+json")
	var tr topicResponse
	resp.json(t, &tr)
	if resp.status != http.StatusOK || tr.Name != "b-topic" || len(tr.Partitions) != 2 || tr.Configs == nil {
		t.Fatalf("%d %s", resp.status, resp.body)
	}
	for i, p := range tr.Partitions {
		if p.Partition != int32(i) || len(p.Replicas) != 1 || !p.Replicas[0].Leader || !p.Replicas[0].InSync || p.Replicas[0].Broker != p.Leader {
			t.Fatalf("partition %d: %+v", i, p)
		}
	}

	resp = e.do(http.MethodGet, "/topics/nope", "", nil)
	if code, msg := resp.apiErr(t); resp.status != http.StatusNotFound || code != 40401 || msg != "Topic not found." {
		t.Fatalf("%d %s", resp.status, resp.body)
	}
}

func TestRoutingErrors(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("r", 1)
	cases := []struct {
		method, path, accept string
		status               int
	}{
		{http.MethodGet, "/nothing/here", "", 404},
		{http.MethodGet, "/topics/r/partitions/0/extra", "", 404},
		{http.MethodGet, "/topics/r/partitions/x", "", 404},
		{http.MethodGet, "/v3/clusters/any/unknown-resource", "", 404},
		{http.MethodPut, "/v3/clusters", "", 405},
		{http.MethodPost, "/consumers/g/instances/i", "", 405},
		{http.MethodDelete, "/topics/r", "", 405},
		{http.MethodPut, "/topics", "", 405},
		{http.MethodPost, "/topics", "", 405},
		{http.MethodPost, "/", "", 405},
		{http.MethodGet, "/topics", "application/json", 406},
	}
	for _, c := range cases {
		resp := e.do(c.method, c.path, "", nil, "Accept", c.accept)
		code, msg := resp.apiErr(t)
		if resp.status != c.status || code != c.status || msg != "HTTP "+strconv.Itoa(c.status)+" "+http.StatusText(c.status) {
			t.Fatalf("%s %s: %d %d %q", c.method, c.path, resp.status, code, msg)
		}
	}
	if resp := e.do(http.MethodGet, "/", "", nil); resp.status != http.StatusOK || string(resp.body) != "{}" {
		t.Fatalf("GET /: %d %s", resp.status, resp.body)
	}
	if resp := e.do(http.MethodGet, "/topics/", "", nil); resp.status != http.StatusOK {
		t.Fatalf("trailing slash: %d %s", resp.status, resp.body)
	}
}

func TestCloseIsIdempotent(t *testing.T) {
	e := newEnv(t, envOptions{})
	if err := e.proxy.Close(); err != nil {
		t.Fatal(err)
	}
	if err := e.proxy.Close(); err != nil {
		t.Fatal(err)
	}
	if resp := e.do(http.MethodGet, "/topics", "", nil); resp.status != http.StatusServiceUnavailable {
		t.Fatalf("after close: %d %s", resp.status, resp.body)
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
