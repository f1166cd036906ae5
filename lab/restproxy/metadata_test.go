package restproxy

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"
)

// The Java REST Proxy lists topics with an AdminClient, which asks the
// broker every time: a topic created through v3 is listed by the very next
// request, and a deleted one is gone from it (kafka-rest
// TopicManagerImpl.listTopics → Admin.listTopics).
func TestATopicCreatedOrDeletedIsListedAccordinglyAtOnce(t *testing.T) {
	e := newEnv(t, envOptions{})
	names := func(path string) []string {
		t.Helper()
		r := e.do(http.MethodGet, path, "", nil)
		var list struct {
			Data []struct {
				TopicName string `json:"topic_name"`
			} `json:"data"`
		}
		if err := json.Unmarshal(r.body, &list); err != nil {
			t.Fatalf("GET %s: %d %s", path, r.status, r.body)
		}
		var out []string
		for _, d := range list.Data {
			out = append(out, d.TopicName)
		}
		return out
	}
	cluster := e.clusterID()
	topics := "/v3/clusters/" + cluster + "/topics"
	for i := range 20 {
		name := "fresh-" + string(rune('a'+i))
		names(topics) // a listing just before, as a client polling would do
		if r := e.do(http.MethodPost, topics, "application/json", []byte(`{"topic_name":"`+name+`"}`)); r.status != http.StatusCreated {
			t.Fatalf("create %s: %d %s", name, r.status, r.body)
		}
		if got := names(topics); !slices.Contains(got, name) {
			t.Fatalf("right after creating %s the listing is %v", name, got)
		}
		var v2 []string
		if r := e.do(http.MethodGet, "/topics", "", nil); json.Unmarshal(r.body, &v2) != nil || !slices.Contains(v2, name) {
			t.Fatalf("right after creating %s, v2 GET /topics is %s", name, r.body)
		}
		if r := e.do(http.MethodDelete, topics+"/"+name, "", nil); r.status != http.StatusNoContent {
			t.Fatalf("delete %s: %d %s", name, r.status, r.body)
		}
		if got := names(topics); slices.Contains(got, name) {
			t.Fatalf("right after deleting %s the listing is %v", name, got)
		}
	}
}
