package registry

import (
	"context"
	"net/http"
	"reflect"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// GET /schemas, /contexts and routing, as
// https://docs.confluent.io/platform/7.9/schema-registry/develop/api.html
// and SchemasResource.java / ContextsResource.java (tag v7.9.0) describe
// them.

func TestListSchemasFiltersAndPages(t *testing.T) {
	l := startLab(t, t.TempDir())
	l.register("a-value", weatherV1)
	l.register("a-value", weatherV2)
	l.register("b-value", `"string"`)
	l.register("c-key", `"long"`)
	var n int
	l.call(http.MethodDelete, "/subjects/b-value/versions/1", nil, &n)

	type sv struct {
		Subject string `json:"subject"`
		Version int    `json:"version"`
	}
	get := func(path string) []sv {
		t.Helper()
		var out []sv
		if status, raw := l.call(http.MethodGet, path, nil, &out); status != http.StatusOK {
			t.Fatalf("GET %s = %d %s", path, status, raw)
		}
		if out == nil {
			out = []sv{}
		}
		return out
	}
	for _, tc := range []struct {
		path string
		want []sv
	}{
		{"/schemas", []sv{{"a-value", 1}, {"a-value", 2}, {"c-key", 1}}},
		{"/schemas?deleted=true", []sv{{"a-value", 1}, {"a-value", 2}, {"b-value", 1}, {"c-key", 1}}},
		{"/schemas?subjectPrefix=a-", []sv{{"a-value", 1}, {"a-value", 2}}},
		{"/schemas?latestOnly=true", []sv{{"a-value", 2}, {"c-key", 1}}},
		{"/schemas?offset=1&limit=1", []sv{{"a-value", 2}}},
		{"/schemas?offset=5", []sv{}},
		{"/schemas?limit=0", []sv{{"a-value", 1}, {"a-value", 2}, {"c-key", 1}}}, // out of range: the default limit
	} {
		if got := get(tc.path); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("GET %s = %v, want %v", tc.path, got, tc.want)
		}
	}
	var full []schemaEntity
	l.call(http.MethodGet, "/schemas?subjectPrefix=c-", nil, &full)
	if len(full) != 1 || full[0].Schema != `"long"` || full[0].ID == 0 {
		t.Errorf("entity = %+v", full)
	}
	l.wantError(http.MethodGet, "/schemas?offset=x", nil, http.StatusNotFound, 404)
}

func TestContextsListsTheDefaultContext(t *testing.T) {
	l := startLab(t, t.TempDir())
	var got []string
	if status, raw := l.call(http.MethodGet, "/contexts", nil, &got); status != http.StatusOK || !reflect.DeepEqual(got, []string{"."}) {
		t.Errorf("GET /contexts = %d %s", status, raw)
	}
}

func TestRoutingKeepsEncodedSlashesAndTrailingSlashes(t *testing.T) {
	l := startLab(t, t.TempDir())
	id := l.register("team%2Fweather", `"string"`)
	var subjects []string
	l.call(http.MethodGet, "/subjects/", nil, &subjects)
	if !reflect.DeepEqual(subjects, []string{"team/weather"}) {
		t.Errorf("subjects = %v", subjects)
	}
	var got schemaEntity
	if status, raw := l.call(http.MethodGet, "/subjects/team%2Fweather/versions/1", nil, &got); status != http.StatusOK || got.ID != id {
		t.Errorf("version of encoded subject = %d %s", status, raw)
	}
	var ids []string
	l.call(http.MethodGet, "/schemas/ids/"+itoaTest(id)+"/subjects", nil, &ids)
	if !reflect.DeepEqual(ids, []string{"team/weather"}) {
		t.Errorf("subjects of id = %v", ids)
	}
	// A subject ending in an encoded slash keeps it.
	l.register("dir%2F", `"long"`)
	var versions []int
	if status, raw := l.call(http.MethodGet, "/subjects/dir%2F/versions/", nil, &versions); status != http.StatusOK || !reflect.DeepEqual(versions, []int{1}) {
		t.Errorf("versions of subject \"dir/\" = %d %s", status, raw)
	}
	var found schemaEntity
	if status, raw := l.call(http.MethodPost, "/subjects/dir%2F", map[string]string{"schema": `"long"`}, &found); status != http.StatusOK || found.Subject != "dir/" {
		t.Errorf("lookup in subject \"dir/\" = %d %s", status, raw)
	}
	l.call(http.MethodGet, "/subjects", nil, &subjects)
	if !reflect.DeepEqual(subjects, []string{"dir/", "team/weather"}) {
		t.Errorf("subjects = %v", subjects)
	}
	e := l.wantError(http.MethodPost, "/config", map[string]string{}, http.StatusMethodNotAllowed, 405)
	if e.Message != "HTTP 405 Method Not Allowed" {
		t.Errorf("405 message %q", e.Message)
	}
	var types []string
	l.call(http.MethodGet, "/schemas/types", nil, &types)
	if !reflect.DeepEqual(types, []string{"JSON", "PROTOBUF", "AVRO"}) {
		t.Errorf("types = %v", types)
	}
}

// GET /v1/metadata/id answers ServerClusterId.of(kafka cluster id,
// schema.registry.group.id): its id is empty and left out (NON_EMPTY), its
// scope a HashMap, "path" then "clusters" as Java 17's HashMap iterates
// them (as are "kafka-cluster" and "schema-registry-cluster"); the group id
// is its default, "schema-registry", which the compose file keeps.
// GET /v1/metadata/version answers AppInfoParser's version and commit id
// of the release (ServerMetadataResource, SchemaRegistryServerVersion,
// schema-registry v7.9.4).
func TestMetadataAnswersTheClusterIDsAndTheRelease(t *testing.T) {
	l := startLab(t, t.TempDir())
	cl, err := kgo.NewClient(kgo.SeedBrokers(l.cluster.ListenAddrs()...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	md, err := kadm.NewClient(cl).BrokerMetadata(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	status, raw := l.call(http.MethodGet, "/v1/metadata/id", nil, nil)
	want := `{"scope":{"path":[],"clusters":{"kafka-cluster":"` + md.Cluster + `","schema-registry-cluster":"schema-registry"}}}`
	if status != http.StatusOK || string(raw) != want {
		t.Errorf("GET /v1/metadata/id = %d %s, want %s", status, raw, want)
	}
	status, raw = l.call(http.MethodGet, "/v1/metadata/version", nil, nil)
	if want := `{"version":"7.9.4","commitId":"1298b56a06ec2a24de83c074e820aa765b918514"}`; status != http.StatusOK || string(raw) != want {
		t.Errorf("GET /v1/metadata/version = %d %s, want %s", status, raw, want)
	}
}

// Pagination of CP 7.9.4's lists (schema-registry v7.9.4
// SubjectsResource.list, SubjectVersionsResource.listVersions,
// SchemasResource.getSubjects and getVersions, ContextsResource.listContexts):
// offset skips, a limit between 1 and its maximum (Integer.MAX_VALUE by
// default, KafkaSchemaRegistry.normalizeLimit) cuts, any other limit is
// the default, no limit; a negative offset is Stream.skip's
// IllegalArgumentException, a 500 carrying the offset.
func TestListsArePagedWithOffsetAndLimit(t *testing.T) {
	l := startLab(t, t.TempDir())
	l.setLevel("a-value", "NONE")
	l.register("a-value", weatherV1)
	l.register("a-value", weatherV2)
	l.register("a-value", `"string"`)
	l.register("b-value", `"string"`)
	l.register("c-value", `"string"`)
	id := l.register("d-value", `"string"`)
	for _, tc := range []struct {
		path string
		want string
	}{
		{"/subjects?offset=1&limit=2", `["b-value","c-value"]`},
		{"/subjects?offset=3", `["d-value"]`},
		{"/subjects?limit=0", `["a-value","b-value","c-value","d-value"]`},
		{"/subjects/a-value/versions?offset=1", `[2,3]`},
		{"/subjects/a-value/versions?limit=1", `[1]`},
		{"/subjects/a-value/versions?offset=5", `[]`},
		{"/schemas/ids/" + itoaTest(id) + "/subjects?offset=1&limit=2", `["b-value","c-value"]`},
		{"/schemas/ids/" + itoaTest(id) + "/versions?offset=3", `[{"subject":"d-value","version":1}]`},
		{"/contexts?offset=1", `[]`},
		{"/contexts?limit=-1", `["."]`},
	} {
		if status, raw := l.call(http.MethodGet, tc.path, nil, nil); status != http.StatusOK || string(raw) != tc.want {
			t.Errorf("GET %s = %d %s, want %s", tc.path, status, raw, tc.want)
		}
	}
	if e := l.wantError(http.MethodGet, "/subjects/a-value/versions?offset=-1", nil, http.StatusInternalServerError, 500); e.Message != "-1" {
		t.Errorf("negative offset: %+v", e)
	}
	l.wantError(http.MethodGet, "/subjects?limit=x", nil, http.StatusNotFound, 404)
}

// deletedOnly lists a subject's soft-deleted versions: none is an empty
// list, for a subject that exists, not 40401; only a subject with no
// version at all, deleted or not, is not found
// (SubjectVersionsResource.listVersions checks hasSubjects with deleted
// versions first, v7.9.0 and v7.9.4).
func TestDeletedOnlyListsNoVersionsOfASubjectWithoutDeletions(t *testing.T) {
	l := startLab(t, t.TempDir())
	l.register("a-value", weatherV1)
	if status, raw := l.call(http.MethodGet, "/subjects/a-value/versions?deletedOnly=true", nil, nil); status != http.StatusOK || string(raw) != `[]` {
		t.Errorf("deletedOnly = %d %s, want []", status, raw)
	}
	l.wantError(http.MethodGet, "/subjects/nope/versions?deletedOnly=true", nil, http.StatusNotFound, 40401)
}
