package conformance

import (
	"fmt"
	"reflect"
	"strings"

	. "github.com/onsi/ginkgo/v2" //nolint:revive // Ginkgo's DSL
)

// Features is what a provider declares it supports. The suite runs the
// specs of a declared feature and skips the others, saying which feature the
// provider did not declare; a provider declares only what it serves as the
// Confluent Platform does.
type Features struct {
	// Kafka is the Kafka wire protocol: produce, fetch, consumer groups,
	// committed offsets.
	Kafka bool
	// SchemaRegistry is the Schema Registry REST API.
	SchemaRegistry bool
	// RESTProxyV2 is the REST Proxy v2 API (produce, consumers).
	RESTProxyV2 bool
	// RESTProxyV3 is the REST Proxy v3 API (clusters, topics, records,
	// consumer groups).
	RESTProxyV3 bool
	// Connect is the Kafka Connect worker's REST API.
	Connect ConnectFeatures
	// KsqlDB is the ksqlDB server's REST API.
	KsqlDB KsqlDBFeatures
	// PostgreSQL is the cta database, seeded with the stations table.
	PostgreSQL bool
	// RestartDurability is a stack that restarts on its state (Restarter)
	// and keeps topics, records, schemas and subjects.
	RestartDurability bool
}

// ConnectFeatures are the Kafka Connect capabilities.
type ConnectFeatures struct {
	// JDBC is the Confluent JDBC source connector.
	JDBC bool
	// Transforms are Kafka's single message transforms.
	Transforms bool
	// Offsets is GET /connectors/{name}/offsets (KIP-875).
	Offsets bool
	// Restart is POST /connectors/{name}/restart.
	Restart bool
}

// KsqlDBFeatures are the ksqlDB capabilities.
type KsqlDBFeatures struct {
	// Statements are DDL and persistent queries on /ksql: CREATE STREAM,
	// CREATE STREAM/TABLE AS SELECT, LIST STREAMS.
	Statements bool
	// PushQueries are SELECT ... EMIT CHANGES on /query.
	PushQueries bool
	// PullQueries are SELECT on a materialized table on /query.
	PullQueries bool
	// Formats are the AVRO and DELIMITED value formats.
	Formats bool
}

// All declares every feature.
func All() Features {
	return Features{
		Kafka: true, SchemaRegistry: true, RESTProxyV2: true, RESTProxyV3: true,
		Connect:    ConnectFeatures{JDBC: true, Transforms: true, Offsets: true, Restart: true},
		KsqlDB:     KsqlDBFeatures{Statements: true, PushQueries: true, PullQueries: true, Formats: true},
		PostgreSQL: true, RestartDurability: true,
	}
}

// Names lists the features in declaration order, nested ones as
// "Connect.JDBC".
func (f Features) Names() []string {
	var names []string
	walkFeatures(reflect.ValueOf(f), "", func(name string, _ bool) { names = append(names, name) })
	return names
}

// Declared reports whether the feature with that name (as Names spells it)
// is declared. It panics on a name that is no feature, which is a bug in a
// spec.
func (f Features) Declared(name string) bool {
	found, declared := false, false
	walkFeatures(reflect.ValueOf(f), "", func(n string, v bool) {
		if n == name {
			found, declared = true, v
		}
	})
	if !found {
		panic(fmt.Sprintf("conformance: no feature %q", name))
	}
	return declared
}

func walkFeatures(v reflect.Value, prefix string, visit func(name string, declared bool)) {
	t := v.Type()
	for i := range t.NumField() {
		name := prefix + t.Field(i).Name
		switch fv := v.Field(i); fv.Kind() {
		case reflect.Bool:
			visit(name, fv.Bool())
		case reflect.Struct:
			walkFeatures(fv, name+".", visit)
		}
	}
}

// featureLabelPrefix starts the label that ties a spec to its feature.
const featureLabelPrefix = "feature:"

// suite is one provider's run of the specs.
type suite struct {
	provider string
	features Features
}

// feature decorates a spec or container with its feature's label; require
// skips the spec when the provider did not declare the feature.
func feature(name string) Labels {
	return Label(featureLabelPrefix + name)
}

// it is a spec of one feature: labelled with it and skipped when the
// provider did not declare it.
func (s suite) it(name, text string, body func(ctx SpecContext), args ...any) bool {
	return It(text, append([]any{feature(name), func(ctx SpecContext) {
		s.require(name)
		body(ctx)
	}}, args...)...)
}

// context is a container of one feature's specs, each skipped when the
// provider did not declare it.
func (s suite) context(name, text string, body func()) bool {
	return Context(text, feature(name), func() {
		BeforeEach(func() { s.require(name) })
		body()
	})
}

// require skips the running spec unless the provider declared the feature.
func (s suite) require(name string) {
	if !s.features.Declared(name) {
		Skip(fmt.Sprintf("feature %s not declared by provider %s", name, s.provider))
	}
}

// featureOf returns the feature a spec's labels name, or "".
func featureOf(labels []string) string {
	for _, l := range labels {
		if f, ok := strings.CutPrefix(l, featureLabelPrefix); ok {
			return f
		}
	}
	return ""
}
