package containers

// step is one service of the start plan and the services it needs ready
// before it starts.
type step struct {
	svc   service
	after []string
}

// plan is the order of the stack's start: the broker and PostgreSQL first,
// together; Schema Registry and Connect once the broker is ready; REST
// Proxy and ksqlDB once Schema Registry is too. Services whose
// dependencies are ready start in parallel.
func plan(cfg *config) []step {
	return []step{
		{svc: kafkaService(cfg.images.kafka)},
		{svc: postgresService(cfg.images.postgres)},
		{svc: schemaRegistryService(cfg.images.schemaRegistry), after: []string{kafkaAlias}},
		{svc: connectService(cfg.images.connect, cfg.jdbcConnector), after: []string{kafkaAlias}},
		{svc: restProxyService(cfg.images.restProxy), after: []string{kafkaAlias, schemaRegistryAlias}},
		{svc: ksqldbService(cfg.images.ksqldb), after: []string{kafkaAlias, schemaRegistryAlias}},
	}
}
