package ksqldb

import (
	"slices"
	"sort"
	"strings"
	"testing"
)

// propertiesAnswer is one SHOW PROPERTIES answer: each listed value (nil
// for JSON null) and the two name lists.
type propertiesAnswer struct {
	values      map[string]*string
	overwritten []string
	defaults    []string
}

func showProperties(t *testing.T, url string, props map[string]any) propertiesAnswer {
	t.Helper()
	out := mustKSQL(t, url, "SHOW PROPERTIES;", props)
	if len(out) != 1 || out[0]["@type"] != "properties" {
		t.Fatalf("entities %v", out)
	}
	a := propertiesAnswer{values: map[string]*string{}}
	for _, p := range out[0]["properties"].([]any) {
		m := p.(map[string]any)
		var v *string
		if s, ok := m["value"].(string); ok {
			v = &s
		} else if m["value"] != nil {
			t.Fatalf("property %v: value is no string", m)
		}
		a.values[m["name"].(string)] = v
	}
	for _, n := range out[0]["overwrittenProperties"].([]any) {
		a.overwritten = append(a.overwritten, n.(string))
	}
	for _, n := range out[0]["defaultProperties"].([]any) {
		a.defaults = append(a.defaults, n.(string))
	}
	return a
}

func (a propertiesAnswer) value(name string) string {
	v, ok := a.values[name]
	switch {
	case !ok:
		return "<not listed>"
	case v == nil:
		return "<null>"
	}
	return *v
}

// SHOW PROPERTIES lists KsqlConfig.getAllConfigPropsWithSecretsObfuscated of
// the server's configuration (ListPropertiesExecutor, confluentinc/ksql
// v7.9.0): every key of KsqlConfig's ConfigDef (95 defined in buildConfigDef
// and the 2 COMPATIBLY_BREAKING_CONFIG_DEFS, SSL keys left out) with its
// value as ConfigDef.convertToString writes it, null for a null default.
func TestShowPropertiesListsEveryKsqlConfigKey(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	a := showProperties(t, url, nil)
	// names and defaults read from KsqlConfig.java v7.9.0
	for name, want := range map[string]string{
		"ksql.query.push.v2.enabled":                       "false",
		"ksql.query.pull.table.scan.enabled":               "true",
		"ksql.persistence.wrap.single.values":              "<null>",
		"ksql.persistence.default.format.value":            "<null>",
		"ksql.persistence.default.format.key":              "KAFKA",
		"ksql.internal.topic.replicas":                     "1",
		"ksql.access.validator.enable":                     "auto",
		"ksql.deployment.type":                             "selfManaged",
		"ksql.query.pull.max.allowed.offset.lag":           "9223372036854775807",
		"ksql.query.persistent.active.limit":               "2147483647",
		"ksql.hidden.topics":                               "_confluent.*,__confluent.*,_schemas,__consumer_offsets,__transaction_state,connect-configs,connect-offsets,connect-status,connect-statuses",
		"ksql.cast.strings.preserve.nulls":                 "true",
		"ksql.nested.error.set.null":                       "true",
		"ksql.streams.shutdown.timeout.ms":                 "300000",
		"ksql.sink.window.change.log.additional.retention": "1000000",
		"ksql.connect.basic.auth.credentials.source":       "NONE",
		"ksql.security.extension.class":                    "<null>",
		"ksql.transient.prefix":                            "transient_",
		"metric.reporters":                                 "",
		"enable.fips":                                      "false",
		"ksql.service.id":                                  "default_",
		"ksql.schema.registry.url":                         st.reg.URL(),
		"ksql.connect.url":                                 "http://localhost:8083",
		// defined nowhere in KsqlConfig's ConfigDef: not listed
		"ksql.fail.on.deserialization.error":        "<not listed>",
		"ksql.logging.processing.topic.auto.create": "<not listed>",
		// SSL keys are left out of the ksql part
		"ssl.truststore.location": "<not listed>",
	} {
		if got := a.value(name); got != want {
			t.Errorf("%s = %s, want %s", name, got, want)
		}
	}
	var ksql []string
	for n := range a.values {
		if !strings.HasPrefix(n, "ksql.streams.") || n == "ksql.streams.shutdown.timeout.ms" {
			ksql = append(ksql, n)
		}
	}
	if len(ksql) != 97 {
		sort.Strings(ksql)
		t.Errorf("%d KsqlConfig keys listed, want 97: %v", len(ksql), ksql)
	}
}

// The ksql.streams. entries are the Kafka Streams settings KsqlConfig holds
// (its constructor's streamsConfigDefaults, then the server's own settings
// that resolve against the consumer, producer or streams ConfigDef), here
// for a server configured as the compose file configures ksqldb-server:
// bootstrap.servers and cache.max.bytes.buffering=0.
func TestShowPropertiesListsTheStreamsSettingsKsqlConfigHolds(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	a := showProperties(t, url, nil)
	want := map[string]string{
		"ksql.streams.bootstrap.servers":                         strings.Join(st.brokers, ","),
		"ksql.streams.cache.max.bytes.buffering":                 "0",
		"ksql.streams.commit.interval.ms":                        "2000",
		"ksql.streams.num.stream.threads":                        "4",
		"ksql.streams.topology.optimization":                     "all",
		"ksql.streams.default.deserialization.exception.handler": "io.confluent.ksql.errors.LogMetricAndContinueExceptionHandler",
		"ksql.streams.default.production.exception.handler":      "io.confluent.ksql.errors.ProductionExceptionHandlerUtil$LogAndFailProductionExceptionHandler",
		"ksql.streams.shutdown.timeout.ms":                       "300000",
		// the test stack's WithSessionTimeout(6s), as
		// KSQL_KSQL_STREAMS_SESSION_TIMEOUT_MS=6000 would list it
		"ksql.streams.session.timeout.ms": "6000",
	}
	got := map[string]string{}
	for n := range a.values {
		if strings.HasPrefix(n, "ksql.streams.") {
			got[n] = a.value(n)
		}
	}
	for n, v := range want {
		if got[n] != v {
			t.Errorf("%s = %q, want %q", n, got[n], v)
		}
	}
	for n, v := range got {
		if _, ok := want[n]; !ok {
			t.Errorf("%s = %q listed; a server not configured with it lists no such entry", n, v)
		}
	}

	// a setting of the server's own is listed (WithAutoOffsetReset is
	// KSQL_KSQL_STREAMS_AUTO_OFFSET_RESET, WithProcessingGuarantee
	// KSQL_KSQL_STREAMS_PROCESSING_GUARANTEE)
	_, url = st.serve(WithAutoOffsetReset("earliest"), WithProcessingGuarantee("exactly_once_v2"))
	a = showProperties(t, url, nil)
	if a.value("ksql.streams.auto.offset.reset") != "earliest" || a.value("ksql.streams.processing.guarantee") != "exactly_once_v2" {
		t.Errorf("configured server lists auto.offset.reset %s, processing.guarantee %s",
			a.value("ksql.streams.auto.offset.reset"), a.value("ksql.streams.processing.guarantee"))
	}
	if len(a.overwritten) != 0 {
		t.Errorf("server settings listed as overwritten: %v", a.overwritten)
	}
}

// A request's settings are applied as SessionConfig.getConfig(true) does
// (KsqlConfig.cloneWithPropertyOverwrite): a KsqlConfig key takes the
// request's value, a streams setting is listed under its ksql.streams. name,
// a password obfuscated; overwrittenProperties are the entries whose value
// differs from the server's, defaultProperties those whose value equals the
// default of the ConfigDef key KsqlConfigResolver resolves the name to.
func TestShowPropertiesMarksRequestSettingsAndDefaults(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	a := showProperties(t, url, map[string]any{
		"ksql.query.pull.table.scan.enabled":   "FALSE",
		"auto.offset.reset":                    "earliest",
		"ksql.streams.ssl.truststore.password": "secret",
		"ksql.streams.commit.interval.ms":      "2000", // the server's own value
	})
	for name, want := range map[string]string{
		"ksql.query.pull.table.scan.enabled":   "false",
		"ksql.streams.auto.offset.reset":       "earliest",
		"ksql.streams.ssl.truststore.password": "[hidden]",
		"ksql.streams.commit.interval.ms":      "2000",
	} {
		if got := a.value(name); got != want {
			t.Errorf("%s = %s, want %s", name, got, want)
		}
	}
	wantOver := []string{"ksql.query.pull.table.scan.enabled", "ksql.streams.auto.offset.reset", "ksql.streams.ssl.truststore.password"}
	sort.Strings(a.overwritten)
	if !slices.Equal(a.overwritten, wantOver) {
		t.Errorf("overwrittenProperties %v, want %v", a.overwritten, wantOver)
	}
	// not default: the values this server sets, what the request set, the
	// ksql.streams. values KsqlConfig puts in (commit.interval.ms 2000 is not
	// Kafka Streams' 30000), and names KsqlConfigResolver cannot resolve
	// (ksql.streams.shutdown.timeout.ms as a streams name, enable.fips)
	notDefault := map[string]bool{"ksql.schema.registry.url": true, "enable.fips": true}
	for _, n := range wantOver {
		notDefault[n] = true
	}
	var wantDefaults []string
	for n := range a.values {
		if !notDefault[n] && !strings.HasPrefix(n, "ksql.streams.") {
			wantDefaults = append(wantDefaults, n)
		}
	}
	sort.Strings(wantDefaults)
	sort.Strings(a.defaults)
	if !slices.Equal(a.defaults, wantDefaults) {
		t.Errorf("defaultProperties\n%v\nwant\n%v", a.defaults, wantDefaults)
	}

	// a request's value equal to the default is both overwritten (the
	// server sets none) and default (the consumer's auto.offset.reset)
	a = showProperties(t, url, map[string]any{"ksql.streams.auto.offset.reset": "latest"})
	if !slices.Contains(a.overwritten, "ksql.streams.auto.offset.reset") || !slices.Contains(a.defaults, "ksql.streams.auto.offset.reset") {
		t.Errorf("auto.offset.reset=latest: overwritten %v, default %v", a.overwritten, a.defaults)
	}
}

// A server setting whose value its ConfigDef key does not take stops the
// server from starting: the KsqlConfig constructor (confluentinc/ksql
// v7.9.0) parses each ksql.streams. setting through
// ConfigItem.Resolved.parseValue, whose ConfigDef.ValidString throws
// Kafka's ConfigException naming the key without ksql.streams.
// (ConsumerConfig's auto.offset.reset, StreamsConfig's
// processing.guarantee, apache/kafka 3.9). A value with spaces around it
// is taken trimmed (ConfigDef.parseType of a STRING).
func TestServerRefusesAStreamsSettingItsKeyDoesNotTake(t *testing.T) {
	st := newStack(t)
	for _, c := range []struct {
		opt  Option
		want string
	}{
		{WithAutoOffsetReset("smallest"), "Invalid value smallest for configuration auto.offset.reset: String must be one of: latest, earliest, none"},
		{WithAutoOffsetReset("Earliest"), "Invalid value Earliest for configuration auto.offset.reset: String must be one of: latest, earliest, none"},
		{WithProcessingGuarantee("exactly_twice"), "Invalid value exactly_twice for configuration processing.guarantee: String must be one of: at_least_once, exactly_once, exactly_once_beta, exactly_once_v2"},
	} {
		s, err := New(t.Context(), st.brokers, st.reg.URL(), c.opt)
		if err == nil {
			_ = s.Close()
			t.Errorf("server started; want %q", c.want)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %q, want %q", err, c.want)
		}
	}
	_, url := st.serve(WithAutoOffsetReset(" earliest "))
	if got := showProperties(t, url, nil).value("ksql.streams.auto.offset.reset"); got != "earliest" {
		t.Errorf("auto.offset.reset %q, want earliest", got)
	}
}

// A ksql.streams.topic. setting naming a Kafka topic config (TopicConfig,
// apache/kafka 3.9) resolves to no ConfigDef key (KsqlConfigResolver keeps
// it unresolved) and is listed from the configuration's originals with its
// value as given (KsqlConfig.getKsqlStreamTopicConfigProps, confluentinc/ksql
// v7.9.0): a request's is listed and overwritten, never default. One given
// without ksql.streams. is no original under that prefix and not listed.
func TestShowPropertiesListsARequestsTopicSetting(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	a := showProperties(t, url, map[string]any{
		"ksql.streams.topic.min.insync.replicas": 2,
		"ksql.streams.topic.cleanup.policy":      "compact",
		"topic.segment.bytes":                    "1000",
	})
	for name, want := range map[string]string{
		"ksql.streams.topic.min.insync.replicas": "2",
		"ksql.streams.topic.cleanup.policy":      "compact",
		"ksql.streams.topic.segment.bytes":       "<not listed>",
		"topic.segment.bytes":                    "<not listed>",
	} {
		if got := a.value(name); got != want {
			t.Errorf("%s = %s, want %s", name, got, want)
		}
	}
	sort.Strings(a.overwritten)
	if want := []string{"ksql.streams.topic.cleanup.policy", "ksql.streams.topic.min.insync.replicas"}; !slices.Equal(a.overwritten, want) {
		t.Errorf("overwrittenProperties %v, want %v", a.overwritten, want)
	}
	for _, n := range a.defaults {
		if strings.Contains(n, "topic.") && strings.HasPrefix(n, "ksql.streams.") {
			t.Errorf("%s among defaultProperties", n)
		}
	}
}
