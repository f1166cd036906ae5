package containers

import (
	"reflect"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/ctalab/ctalab/lab/stack"
)

func TestEndpointsFromMappedAddresses(t *testing.T) {
	got := endpoints(map[string]string{
		kafkaAlias:          "localhost:32768",
		schemaRegistryAlias: "localhost:32769",
		restProxyAlias:      "localhost:32770",
		connectAlias:        "localhost:32771",
		ksqldbAlias:         "localhost:32772",
		postgresAlias:       "localhost:32773",
	})
	want := stack.Endpoints{
		Brokers:             []string{"localhost:32768"},
		SchemaRegistry:      "http://localhost:32769",
		RESTProxy:           "http://localhost:32770",
		Connect:             "http://localhost:32771",
		KSQLDB:              "http://localhost:32772",
		Postgres:            "postgres://cta_admin:chicago@localhost:32773/cta",
		PostgresFromConnect: "jdbc:postgresql://postgres:5432/cta",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("endpoints\n got %+v\nwant %+v", got, want)
	}
}

func TestEndpointsMissingServicesAreEmpty(t *testing.T) {
	got := endpoints(map[string]string{kafkaAlias: "[::1]:9092"})
	if !reflect.DeepEqual(got, stack.Endpoints{Brokers: []string{"[::1]:9092"}}) {
		t.Errorf("endpoints %+v, want only the broker", got)
	}
}

func TestPostgresURLsParse(t *testing.T) {
	cfg, err := pgx.ParseConfig(endpoints(map[string]string{postgresAlias: "[::1]:40000"}).Postgres)
	if err != nil {
		t.Fatalf("parse postgres endpoint: %v", err)
	}
	if cfg.Host != "::1" || cfg.Port != 40000 || cfg.User != "cta_admin" || cfg.Password != "chicago" || cfg.Database != "cta" {
		t.Errorf("postgres endpoint parses to %s@%s:%d/%s", cfg.User, cfg.Host, cfg.Port, cfg.Database)
	}
	su, err := pgx.ParseConfig(superuserURL("localhost:40001"))
	if err != nil {
		t.Fatalf("parse superuser url: %v", err)
	}
	if su.User != postgresSuperuser || su.Password != postgresSuperPassword || su.Port != 40001 || su.TLSConfig != nil {
		t.Errorf("superuser url parses to %s:%s@%s:%d tls=%v", su.User, su.Password, su.Host, su.Port, su.TLSConfig != nil)
	}
}
