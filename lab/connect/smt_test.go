package connect

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// courseTransforms is the key-building chain of Confluent's JDBC source
// connector documentation ("Message keys" in
// https://docs.confluent.io/kafka-connectors/jdbc/current/source-connector/overview.html),
// as completed course solutions register it.
func courseTransforms(cfg map[string]string) map[string]string {
	cfg["transforms"] = "createKey,extractInt"
	cfg["transforms.createKey.type"] = "org.apache.kafka.connect.transforms.ValueToKey"
	cfg["transforms.createKey.fields"] = "stop_id"
	cfg["transforms.extractInt.type"] = "org.apache.kafka.connect.transforms.ExtractField$Key"
	cfg["transforms.extractInt.field"] = "stop_id"
	return cfg
}

// ValueToKey copies stop_id into a one-field key Struct and ExtractField$Key
// replaces that Struct by the field (Kafka 3.9 docs, #connect_transforms):
// through the JsonConverter with schemas.enable=false the key is the bare
// INT32 number and the value is unchanged.
func TestCourseTransformsKeyStationRecordsByStopID(t *testing.T) {
	db := newTestDB(t, sharedPostgres(t))
	b := startBroker(t)
	wk := startWorker(t, b)
	createStations(t, wk, courseTransforms(referenceConfig(db)))
	waitStatus(t, wk, "stations", stateRunning)

	var keys, vals []string
	eventually(t, "230 keyed records", func() string {
		keys, vals = keys[:0], vals[:0]
		for _, r := range readTopic(t, b, stationsTopic) {
			keys = append(keys, string(r.Key))
			vals = append(vals, string(r.Value))
		}
		if len(vals) != 230 {
			return fmt.Sprintf("have %d", len(vals))
		}
		return ""
	})
	if keys[0] != "30001" || vals[0] != austinJSON {
		t.Errorf("first record = key %q value %s, want key 30001 value %s", keys[0], vals[0], austinJSON)
	}
	ids := stopIDs(t, vals)
	for i, k := range keys {
		if k != strconv.Itoa(ids[i]) {
			t.Fatalf("record %d: key %q, value stop_id %d", i, k, ids[i])
		}
	}
}

// With schemas enabled, the key carries the int32 schema of stop_id
// (JsonConverter envelope, Kafka 3.9 docs #connect_transforms ExtractField).
func TestCourseTransformsKeyEnvelopeCarriesTheFieldSchema(t *testing.T) {
	db := newTestDB(t, sharedPostgres(t))
	b := startBroker(t)
	wk := startWorker(t, b)
	cfg := courseTransforms(referenceConfig(db))
	cfg["key.converter.schemas.enable"] = "true"
	createStations(t, wk, cfg)
	var key string
	eventually(t, "a keyed record", func() string {
		recs := readTopic(t, b, stationsTopic)
		if len(recs) == 0 {
			return "no records"
		}
		key = string(recs[0].Key)
		return ""
	})
	if want := `{"schema":{"type":"int32","optional":false},"payload":30001}`; key != want {
		t.Errorf("key = %s, want %s", key, want)
	}
}

// Connect answers an unknown transformation class with ConfigDef's CLASS
// parse error, and a missing required transformation key with its
// "Missing required configuration" message, both under the prefixed name
// (ConnectorConfig.enrich, AbstractHerder.validateConnectorConfig).
func TestTransformConfigErrors(t *testing.T) {
	db := newTestDB(t, sharedPostgres(t))
	b := startBroker(t)
	wk := startWorker(t, b)
	const tail = "\nYou can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`"
	cases := []struct {
		name   string
		change map[string]string
		drop   []string
		errs   []string
	}{
		{"unknown class", map[string]string{"transforms.createKey.type": "org.example.Nope"}, nil,
			[]string{"Invalid value org.example.Nope for configuration transforms.createKey.type: Class org.example.Nope could not be found."}},
		{"missing field", nil, []string{"transforms.extractInt.field"},
			[]string{`Missing required configuration "transforms.extractInt.field" which has no default value.`}},
		{"empty fields", map[string]string{"transforms.createKey.fields": ""}, nil,
			[]string{"Invalid value [] for configuration fields: Empty list"}},
		{"negate without predicate", map[string]string{"transforms.createKey.negate": "true"}, nil,
			[]string{"Config 'transforms.createKey.negate' was provided but there is no config 'transforms.createKey.predicate' defining a predicate to be negated."}},
		{"abstract class", map[string]string{"transforms.extractInt.type": "org.apache.kafka.connect.transforms.ExtractField"}, nil,
			[]string{"This class is abstract and cannot be created. Did you mean org.apache.kafka.connect.transforms.ExtractField$Key, org.apache.kafka.connect.transforms.ExtractField$Value?"}},
		{"duplicate alias", map[string]string{"transforms": "createKey,extractInt,createKey"}, nil,
			[]string{"Invalid value [createKey, extractInt, createKey] for configuration transforms: Duplicate alias provided."}},
		{"predicate as transformation", map[string]string{"transforms.createKey.type": "org.apache.kafka.connect.transforms.predicates.RecordIsTombstone"}, nil,
			[]string{"Class class org.apache.kafka.connect.transforms.predicates.RecordIsTombstone does not implement the Transformation interface"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := courseTransforms(referenceConfig(db))
			for k, v := range c.change {
				cfg[k] = v
			}
			for _, k := range c.drop {
				delete(cfg, k)
			}
			r := wk.do(t, "POST", "/connectors", map[string]any{"name": "stations", "config": cfg})
			want := "Connector configuration is invalid and contains the following " + strconv.Itoa(len(c.errs)) + " error(s):\n" + strings.Join(c.errs, "\n") + tail
			expectError(t, r, 400, want)
		})
	}
}

// PUT /connector-plugins/{class}/config/validate groups each alias's keys
// under "Transforms: <alias>" after the base groups and before the
// connector's own, with the type key first (order 0) and the embedded keys
// in ConfigDef.sortedConfigs order (ConnectorConfig.enrich, ConfigDef.embed).
func TestValidateGroupsTransformConfigs(t *testing.T) {
	db := newTestDB(t, sharedPostgres(t))
	b := startBroker(t)
	wk := startWorker(t, b)
	cfg := courseTransforms(referenceConfig(db))
	cfg["name"] = "stations"
	cfg["predicates"] = "IsFoo"
	cfg["predicates.IsFoo.type"] = "org.apache.kafka.connect.transforms.predicates.TopicNameMatches"
	cfg["predicates.IsFoo.pattern"] = "foo"
	r := wk.do(t, "PUT", "/connector-plugins/io.confluent.connect.jdbc.JdbcSourceConnector/config/validate", cfg)
	var ci configInfos
	r.json(t, &ci)
	if r.code != 200 || ci.ErrorCount != 0 {
		t.Fatalf("validate = %d %s", r.code, r.body)
	}
	gi := slices.Index(ci.Groups, "Transforms: createKey")
	if gi < 0 || ci.Groups[gi+1] != "Transforms: extractInt" || ci.Groups[gi+2] != "Predicates: IsFoo" || !slices.Contains(ci.Groups[:gi], "offsets.storage") || !slices.Contains(ci.Groups[gi:], "Database") {
		t.Errorf("groups = %v", ci.Groups)
	}
	type row struct {
		name, group string
		order       int
		value       string
	}
	var got []row
	for _, c := range ci.Configs {
		if strings.HasPrefix(c.Definition.Name, "transforms.") || strings.HasPrefix(c.Definition.Name, "predicates.") {
			v := "<null>"
			if c.Value.Value != nil {
				v = *c.Value.Value
			}
			got = append(got, row{c.Definition.Name, *c.Definition.Group, c.Definition.OrderInGroup, v})
		}
	}
	want := []row{
		{"transforms.createKey.type", "Transforms: createKey", 0, "org.apache.kafka.connect.transforms.ValueToKey"},
		{"transforms.createKey.fields", "Transforms: createKey", 1, "stop_id"},
		{"transforms.createKey.negate", "Transforms: createKey", 2, "false"},
		{"transforms.createKey.predicate", "Transforms: createKey", 3, "<null>"},
		{"transforms.createKey.replace.null.with.default", "Transforms: createKey", 4, "true"},
		{"transforms.extractInt.type", "Transforms: extractInt", 0, "org.apache.kafka.connect.transforms.ExtractField$Key"},
		{"transforms.extractInt.field", "Transforms: extractInt", 1, "stop_id"},
		{"transforms.extractInt.field.syntax.version", "Transforms: extractInt", 2, "V1"},
		{"transforms.extractInt.negate", "Transforms: extractInt", 3, "false"},
		{"transforms.extractInt.predicate", "Transforms: extractInt", 4, "<null>"},
		{"transforms.extractInt.replace.null.with.default", "Transforms: extractInt", 5, "true"},
		{"predicates.IsFoo.type", "Predicates: IsFoo", 0, "org.apache.kafka.connect.transforms.predicates.TopicNameMatches"},
		{"predicates.IsFoo.pattern", "Predicates: IsFoo", 1, "foo"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("transform configs:\n got %v\nwant %v", got, want)
	}
	for _, c := range ci.Configs {
		if c.Definition.Name == "transforms.createKey.type" && !slices.Contains(c.Value.RecommendedValues, "org.apache.kafka.connect.transforms.ExtractField$Key") {
			t.Errorf("type recommended values = %v", c.Value.RecommendedValues)
		}
	}
}

// GET /connector-plugins?connectorsOnly=false lists connectors, then
// transformations, predicates, converters and header converters, each kind
// in class-name order (ConnectorPluginsResource, Kafka 3.9).
func TestPluginListIncludesTransformsAndPredicates(t *testing.T) {
	b := startBroker(t)
	wk := startWorker(t, b)
	var list []pluginInfo
	wk.do(t, "GET", "/connector-plugins?connectorsOnly=false", nil).json(t, &list)
	idx := func(class, typ string) int {
		return slices.IndexFunc(list, func(p pluginInfo) bool { return p.Class == class && p.Type == typ })
	}
	vtk := idx("org.apache.kafka.connect.transforms.ValueToKey", "transformation")
	efk := idx("org.apache.kafka.connect.transforms.ExtractField$Key", "transformation")
	tomb := idx("org.apache.kafka.connect.transforms.predicates.RecordIsTombstone", "predicate")
	conv := idx(jsonConverterClass, "converter")
	if vtk < 0 || efk < 0 || tomb < 0 || !(efk < vtk && vtk < tomb && tomb < conv) || list[0].Class != jdbcSourceClass {
		t.Errorf("plugins = %+v", list)
	}
	if list[vtk].Version != "7.9.4-ccs" {
		t.Errorf("ValueToKey version = %q", list[vtk].Version)
	}
	var only []pluginInfo
	wk.do(t, "GET", "/connector-plugins", nil).json(t, &only)
	if len(only) != 1 {
		t.Errorf("connectors only = %+v", only)
	}
}

// Headers added by a transformation reach Kafka as SimpleHeaderConverter
// writes them (InsertHeader, Kafka 3.9 docs #connect_transforms), and
// RegexRouter sends the records to a topic the worker creates.
func TestTransformedHeadersAndTopicReachKafka(t *testing.T) {
	db := newTestDB(t, sharedPostgres(t))
	b := startBroker(t)
	wk := startWorker(t, b)
	cfg := referenceConfig(db)
	cfg["transforms"] = "hdr,route"
	cfg["transforms.hdr.type"] = "org.apache.kafka.connect.transforms.InsertHeader"
	cfg["transforms.hdr.header"] = "source"
	cfg["transforms.hdr.value.literal"] = "cta"
	cfg["transforms.route.type"] = "org.apache.kafka.connect.transforms.RegexRouter"
	cfg["transforms.route.regex"] = "org\\.chicago\\.cta\\.(.*)"
	cfg["transforms.route.replacement"] = "cta_$1"
	createStations(t, wk, cfg)
	vals := waitRecords(t, b, "cta_stations", 230)
	if vals[0] != austinJSON {
		t.Errorf("first record = %s", vals[0])
	}
	recs := readTopic(t, b, "cta_stations")
	if h := recs[0].Headers; len(h) != 1 || h[0].Key != "source" || string(h[0].Value) != "cta" {
		t.Errorf("headers = %+v", h)
	}
}
