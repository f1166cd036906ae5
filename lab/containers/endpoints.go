package containers

import (
	"net/url"

	"github.com/ctalab/ctalab/lab/stack"
)

// endpoints builds the stack's endpoints from each service's host address
// (host:port, keyed by service name), as the host reaches it.
func endpoints(addrs map[string]string) stack.Endpoints {
	var e stack.Endpoints
	httpURL := func(name string) string {
		if a := addrs[name]; a != "" {
			return "http://" + a
		}
		return ""
	}
	if a := addrs[kafkaAlias]; a != "" {
		e.Brokers = []string{a}
	}
	e.SchemaRegistry = httpURL(schemaRegistryAlias)
	e.RESTProxy = httpURL(restProxyAlias)
	e.Connect = httpURL(connectAlias)
	e.KSQLDB = httpURL(ksqldbAlias)
	if a := addrs[postgresAlias]; a != "" {
		e.Postgres = postgresURL(ctaUser, ctaPassword, a, ctaDatabase)
		e.PostgresFromConnect = "jdbc:postgresql://" + internalAddr(postgresAlias, postgresPort) + "/" + ctaDatabase
	}
	return e
}

// postgresURL is a libpq URL for db on addr (host:port).
func postgresURL(user, password, addr, db string) string {
	u := url.URL{Scheme: "postgres", User: url.UserPassword(user, password), Host: addr, Path: "/" + db}
	return u.String()
}
