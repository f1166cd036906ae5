package containers

// step is one service of the start plan and the services it needs ready
// before it starts.
type step struct {
	svc   service
	after []string
}

// plan is the order of the stack's start: the broker and PostgreSQL first,
// together; Schema Registry once the broker is ready, Connect once the
// broker and PostgreSQL (its JDBC source) are; REST Proxy and ksqlDB once
// Schema Registry is too. docker-compose.yml's depends_on say the same. Services whose
// dependencies are ready start in parallel.
func plan(cfg *config) []step {
	return []step{
		{svc: kafkaService(cfg.images.kafka)},
		{svc: postgresService(cfg.images.postgres)},
		{svc: schemaRegistryService(cfg.images.schemaRegistry), after: []string{kafkaAlias}},
		{svc: connectOf(cfg), after: []string{kafkaAlias, postgresAlias}},
		{svc: restProxyService(cfg.images.restProxy), after: []string{kafkaAlias, schemaRegistryAlias}},
		{svc: ksqldbService(cfg.images.ksqldb), after: []string{kafkaAlias, schemaRegistryAlias}},
	}
}

// connectOf is Connect as cfg asks for it: by default the image built from
// deploy/connect/Dockerfile with the connector installed at build time, or
// the given image installing it at start.
func connectOf(cfg *config) service {
	if !cfg.connectBuild {
		return connectService(cfg.images.connect, cfg.jdbcConnector)
	}
	s := connectService(ConnectJDBCImage, "")
	s.build = &imageBuild{connector: cfg.jdbcConnector}
	return s
}
