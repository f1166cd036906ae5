package registry

// groupID is schema.registry.group.id, the registry cluster's id in
// /v1/metadata/id: its default, which the compose file keeps.
const groupID = "schema-registry"

// serverClusterID is ServerClusterId.of(kafka cluster id, group id) as
// Jackson writes it (schema-registry v7.9.4): its empty id left out
// (NON_EMPTY), its scope's HashMaps in the order Java 17 iterates them,
// "path" before "clusters" and "kafka-cluster" before
// "schema-registry-cluster".
type serverClusterID struct {
	Scope struct {
		Path     []string `json:"path"`
		Clusters struct {
			Kafka          string `json:"kafka-cluster"`
			SchemaRegistry string `json:"schema-registry-cluster"`
		} `json:"clusters"`
	} `json:"scope"`
}

func (r *Registry) serverClusterID() serverClusterID {
	var id serverClusterID
	id.Scope.Path = []string{}
	id.Scope.Clusters.Kafka = r.kafkaClusterID
	id.Scope.Clusters.SchemaRegistry = groupID
	return id
}

// serverVersion is SchemaRegistryServerVersion: AppInfoParser's version
// and commit id of the release.
type serverVersion struct {
	Version  string `json:"version"`
	CommitID string `json:"commitId"`
}
