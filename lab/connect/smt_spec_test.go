package connect

import (
	"maps"
	"strings"
	"testing"

	"github.com/ctalab/ctalab/lab/connect/data"
	"github.com/ctalab/ctalab/lab/connect/transforms"
)

// Specs of the built-in transformations and predicates on single records,
// configured through the connector config as a worker configures them and
// serialised with the JsonConverter with and without schemas. Expected
// values come from the cited documentation, or, where a schemaless Map is
// written, from java.util.HashMap's layout worked by hand (bucket =
// (h ^ h>>>16) & (capacity-1) of String.hashCode, see data.Map).

// stagesOf builds the chain of a connector config holding only transform
// and predicate keys.
func stagesOf(t *testing.T, props map[string]string) []*transforms.Stage {
	t.Helper()
	st, err := buildStages(props)
	if err != nil {
		t.Fatalf("configure %v: %v", props, err)
	}
	return st
}

// runChain applies the stages in order; nil means the record was dropped.
func runChain(t *testing.T, stages []*transforms.Stage, r *transforms.Record) *transforms.Record {
	t.Helper()
	for _, st := range stages {
		out, err := st.Apply(r)
		if err != nil {
			t.Fatalf("%s: %v", st.Class, err)
		}
		if out == nil {
			return nil
		}
		r = out
	}
	return r
}

// chainErr applies the stages and returns the first error.
func chainErr(stages []*transforms.Stage, r *transforms.Record) error {
	for _, st := range stages {
		out, err := st.Apply(r)
		if err != nil || out == nil {
			return err
		}
		r = out
	}
	return nil
}

func jsonOf(s *schema, v any, schemas bool) string {
	c := &jsonConverter{schemasEnable: schemas}
	return string(c.fromConnectData(s, v))
}

func mapOf(kv ...any) *data.Map {
	m := data.NewLinkedMap()
	for i := 0; i < len(kv); i += 2 {
		m.Put(kv[i].(string), kv[i+1])
	}
	return m
}

func structOf(fields []field, vals ...any) (*schema, *structValue) {
	s := &schema{Type: typeStruct, Fields: fields}
	return s, &structValue{Schema: s, Values: vals}
}

func transformsOf(kv ...string) map[string]string {
	m := map[string]string{}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

func expectJSON(t *testing.T, what, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("%s:\n got %s\nwant %s", what, got, want)
	}
}

// https://docs.confluent.io/platform/current/connect/transforms/valuetokey.html:
// fields "userId,city,state" of {"userId": 12, "address": ..., "city":
// "Topeka", "state": "KS", "country": "US"} become the key {"userId": 12,
// "city": "Topeka", "state": "KS"}.
func TestValueToKeyFormsTheKeyFromValueFields(t *testing.T) {
	stages := stagesOf(t, transformsOf("transforms", "ValueToKey",
		"transforms.ValueToKey.type", "org.apache.kafka.connect.transforms.ValueToKey",
		"transforms.ValueToKey.fields", "userId,city,state"))

	s, v := structOf([]field{
		{Name: "userId", Schema: schema{Type: typeInt32}},
		{Name: "address", Schema: schema{Type: typeString}},
		{Name: "city", Schema: schema{Type: typeString}},
		{Name: "state", Schema: schema{Type: typeString}},
		{Name: "country", Schema: schema{Type: typeString}},
	}, int32(12), "1942 Wilhelm Boulevard", "Topeka", "KS", "US")
	out := runChain(t, stages, &transforms.Record{Topic: "users", ValueSchema: s, Value: v})
	expectJSON(t, "key", jsonOf(out.KeySchema, out.Key, false), `{"userId":12,"city":"Topeka","state":"KS"}`)
	expectJSON(t, "key with schema", jsonOf(out.KeySchema, out.Key, true),
		`{"schema":{"type":"struct","fields":[{"type":"int32","optional":false,"field":"userId"},{"type":"string","optional":false,"field":"city"},{"type":"string","optional":false,"field":"state"}],"optional":false},"payload":{"userId":12,"city":"Topeka","state":"KS"}}`)
	if out.Value != v {
		t.Errorf("value changed")
	}

	// Schemaless: new HashMap<>(3) has 4 buckets; userId (bucket 1), city
	// (bucket 1, put later), state (bucket 3).
	out = runChain(t, stages, &transforms.Record{Topic: "users", Value: mapOf("userId", int32(12), "address", "1942 Wilhelm Boulevard", "city", "Topeka", "state", "KS", "country", "US")})
	expectJSON(t, "schemaless key", jsonOf(out.KeySchema, out.Key, false), `{"userId":12,"city":"Topeka","state":"KS"}`)
	expectJSON(t, "schemaless key, schemas enabled", jsonOf(out.KeySchema, out.Key, true), `{"schema":null,"payload":{"userId":12,"city":"Topeka","state":"KS"}}`)
}

// ValueToKey names a missing field: DataException "Field does not exist".
func TestValueToKeyRefusesAMissingField(t *testing.T) {
	stages := stagesOf(t, transformsOf("transforms", "k",
		"transforms.k.type", "org.apache.kafka.connect.transforms.ValueToKey", "transforms.k.fields", "nope"))
	s, v := structOf([]field{{Name: "id", Schema: schema{Type: typeInt32}}}, int32(1))
	err := chainErr(stages, &transforms.Record{ValueSchema: s, Value: v})
	if err == nil || err.Error() != "org.apache.kafka.connect.errors.DataException: Field does not exist: nope" {
		t.Errorf("err = %v", err)
	}
}

// https://docs.confluent.io/kafka-connectors/jdbc/current/source-connector/overview.html
// (and the ValueToKey page's chained example): ValueToKey then
// ExtractField$Key turn the key into the bare c1 integer.
func TestExtractFieldKeyLeavesTheBareField(t *testing.T) {
	stages := stagesOf(t, courseTransforms(map[string]string{}))
	s, v := structOf([]field{
		{Name: "stop_id", Schema: schema{Type: typeInt32}},
		{Name: "name", Schema: schema{Type: typeString, Optional: true}},
	}, int32(30001), "Austin")
	out := runChain(t, stages, &transforms.Record{ValueSchema: s, Value: v})
	expectJSON(t, "key", jsonOf(out.KeySchema, out.Key, false), `30001`)
	expectJSON(t, "key with schema", jsonOf(out.KeySchema, out.Key, true), `{"schema":{"type":"int32","optional":false},"payload":30001}`)

	out = runChain(t, stages, &transforms.Record{Value: mapOf("stop_id", int64(30001), "name", "Austin")})
	expectJSON(t, "schemaless key", jsonOf(out.KeySchema, out.Key, false), `30001`)

	// A null value passes through ExtractField unmodified.
	ex := stagesOf(t, transformsOf("transforms", "x",
		"transforms.x.type", "org.apache.kafka.connect.transforms.ExtractField$Value", "transforms.x.field", "stop_id"))
	out = runChain(t, ex, &transforms.Record{Topic: "t"})
	if out.Value != nil {
		t.Errorf("null value became %v", out.Value)
	}
}

// The Kafka 3.9 documentation's transformation example
// (https://kafka.apache.org/39/documentation.html#connect_transforms):
// HoistField$Value field=line, then InsertField$Value static.field=data_source
// static.value=test-file-source turn the line "foo" into
// {"line":"foo","data_source":"test-file-source"} with schemas disabled.
func TestHoistAndInsertFieldAsTheKafkaDocsShow(t *testing.T) {
	stages := stagesOf(t, transformsOf("transforms", "MakeMap, InsertSource",
		"transforms.MakeMap.type", "org.apache.kafka.connect.transforms.HoistField$Value",
		"transforms.MakeMap.field", "line",
		"transforms.InsertSource.type", "org.apache.kafka.connect.transforms.InsertField$Value",
		"transforms.InsertSource.static.field", "data_source",
		"transforms.InsertSource.static.value", "test-file-source"))

	out := runChain(t, stages, &transforms.Record{Topic: "connect-test", Value: "foo"})
	expectJSON(t, "schemaless", jsonOf(out.ValueSchema, out.Value, false), `{"line":"foo","data_source":"test-file-source"}`)

	// FileStreamSource values have the (required) string schema; the
	// static field is optional unless suffixed with "!" (InsertField docs).
	str := &schema{Type: typeString}
	out = runChain(t, stages, &transforms.Record{Topic: "connect-test", ValueSchema: str, Value: "foo"})
	expectJSON(t, "with schema", jsonOf(out.ValueSchema, out.Value, true),
		`{"schema":{"type":"struct","fields":[{"type":"string","optional":false,"field":"line"},{"type":"string","optional":true,"field":"data_source"}],"optional":false},"payload":{"line":"foo","data_source":"test-file-source"}}`)
	expectJSON(t, "schemas disabled", jsonOf(out.ValueSchema, out.Value, false), `{"line":"foo","data_source":"test-file-source"}`)
}

// InsertField's topic and timestamp fields (InsertField docs on
// https://kafka.apache.org/39/documentation.html#connect_transforms): the
// timestamp is a Timestamp logical value with a schema, the long with
// none; "!" makes a field required.
func TestInsertFieldAddsRecordMetadata(t *testing.T) {
	stages := stagesOf(t, transformsOf("transforms", "meta",
		"transforms.meta.type", "org.apache.kafka.connect.transforms.InsertField$Value",
		"transforms.meta.topic.field", "src!",
		"transforms.meta.timestamp.field", "ts"))
	ts := int64(1700000000000)
	s, v := structOf([]field{{Name: "id", Schema: schema{Type: typeInt32}}}, int32(7))
	out := runChain(t, stages, &transforms.Record{Topic: "orders", ValueSchema: s, Value: v, Timestamp: &ts})
	expectJSON(t, "with schema", jsonOf(out.ValueSchema, out.Value, true),
		`{"schema":{"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"},{"type":"string","optional":false,"field":"src"},{"type":"int64","optional":true,"name":"org.apache.kafka.connect.data.Timestamp","version":1,"field":"ts"}],"optional":false},"payload":{"id":7,"src":"orders","ts":1700000000000}}`)

	// Schemaless: new HashMap<>(m) of one entry has 2 buckets, grown to 4
	// by the second put: "id" (3355, bucket 3), "src" (114148 ^ 1, bucket
	// 1) and "ts" (3711, bucket 3) iterate src, id, ts.
	out = runChain(t, stages, &transforms.Record{Topic: "orders", Value: mapOf("id", int32(7)), Timestamp: &ts})
	expectJSON(t, "schemaless", jsonOf(out.ValueSchema, out.Value, false), `{"src":"orders","id":7,"ts":1700000000000}`)

	// Without a timestamp the optional field is null.
	out = runChain(t, stages, &transforms.Record{Topic: "orders", ValueSchema: s, Value: v})
	expectJSON(t, "no timestamp", jsonOf(out.ValueSchema, out.Value, false), `{"id":7,"src":"orders","ts":null}`)

	// Configuring nothing to insert fails as InsertField.configure does.
	_, err := buildStages(transformsOf("transforms", "x", "transforms.x.type", "org.apache.kafka.connect.transforms.InsertField$Value"))
	if err == nil || err.Error() != "org.apache.kafka.common.config.ConfigException: No field insertion configured" {
		t.Errorf("empty InsertField: %v", err)
	}
}

// https://docs.confluent.io/platform/current/connect/transforms/replacefield.html:
// exclude "c2" turns {"c1":22,"c2":"foo"} into {"c1":22}; renames
// "foo:c1,bar:c2" turn {"foo":22,"bar":"baz"} into {"c1":22,"c2":"baz"}.
func TestReplaceFieldExcludesAndRenames(t *testing.T) {
	drop := stagesOf(t, transformsOf("transforms", "ReplaceField",
		"transforms.ReplaceField.type", "org.apache.kafka.connect.transforms.ReplaceField$Value",
		"transforms.ReplaceField.exclude", "c2"))
	rename := stagesOf(t, transformsOf("transforms", "RenameField",
		"transforms.RenameField.type", "org.apache.kafka.connect.transforms.ReplaceField$Value",
		"transforms.RenameField.renames", "foo:c1,bar:c2"))

	s, v := structOf([]field{{Name: "c1", Schema: schema{Type: typeInt32}}, {Name: "c2", Schema: schema{Type: typeString}}}, int32(22), "foo")
	out := runChain(t, drop, &transforms.Record{ValueSchema: s, Value: v})
	expectJSON(t, "exclude", jsonOf(out.ValueSchema, out.Value, true), `{"schema":{"type":"struct","fields":[{"type":"int32","optional":false,"field":"c1"}],"optional":false},"payload":{"c1":22}}`)
	out = runChain(t, drop, &transforms.Record{Value: mapOf("c1", int32(22), "c2", "foo")})
	expectJSON(t, "exclude schemaless", jsonOf(out.ValueSchema, out.Value, false), `{"c1":22}`)

	s, v = structOf([]field{{Name: "foo", Schema: schema{Type: typeInt32}}, {Name: "bar", Schema: schema{Type: typeString}}}, int32(22), "baz")
	out = runChain(t, rename, &transforms.Record{ValueSchema: s, Value: v})
	expectJSON(t, "renames", jsonOf(out.ValueSchema, out.Value, false), `{"c1":22,"c2":"baz"}`)
	expectJSON(t, "renamed schema", jsonOf(out.ValueSchema, out.Value, true), `{"schema":{"type":"struct","fields":[{"type":"int32","optional":false,"field":"c1"},{"type":"string","optional":false,"field":"c2"}],"optional":false},"payload":{"c1":22,"c2":"baz"}}`)
	// Schemaless: HashMap(2) grows to 4 buckets: c1 (3118, bucket 2)
	// before c2 (3119, bucket 3).
	out = runChain(t, rename, &transforms.Record{Value: mapOf("bar", "baz", "foo", int32(22))})
	expectJSON(t, "renames schemaless", jsonOf(out.ValueSchema, out.Value, false), `{"c1":22,"c2":"baz"}`)

	// include keeps only the listed fields; a rename without a colon is
	// refused by the validator with ConfigException(renames, list, ...).
	keep := stagesOf(t, transformsOf("transforms", "k",
		"transforms.k.type", "org.apache.kafka.connect.transforms.ReplaceField$Value", "transforms.k.include", "bar"))
	out = runChain(t, keep, &transforms.Record{ValueSchema: s, Value: v})
	expectJSON(t, "include", jsonOf(out.ValueSchema, out.Value, false), `{"bar":"baz"}`)
	_, err := buildStages(transformsOf("transforms", "k",
		"transforms.k.type", "org.apache.kafka.connect.transforms.ReplaceField$Value", "transforms.k.renames", "foo"))
	if err == nil || !strings.HasSuffix(err.Error(), "Invalid value [foo] for configuration renames: Invalid rename mapping: foo") {
		t.Errorf("bad renames: %v", err)
	}
}

// https://docs.confluent.io/platform/current/connect/transforms/cast.html:
// spec "ID:string,score:float64" turns {"ID": 46920, "score": 4761} into
// {"ID": "46920", "score": 4761.0}; spec "string" casts a whole float64
// value, whose text is Java's Double.toString (computerized scientific
// notation at 10^7 and above, per the java.lang.Double javadoc).
func TestCastFieldsAndWholeValues(t *testing.T) {
	fields := stagesOf(t, transformsOf("transforms", "Cast",
		"transforms.Cast.type", "org.apache.kafka.connect.transforms.Cast$Value",
		"transforms.Cast.spec", "ID:string,score:float64"))
	s, v := structOf([]field{{Name: "ID", Schema: schema{Type: typeInt32}}, {Name: "score", Schema: schema{Type: typeInt32, Optional: true}}}, int32(46920), int32(4761))
	out := runChain(t, fields, &transforms.Record{ValueSchema: s, Value: v})
	expectJSON(t, "fields", jsonOf(out.ValueSchema, out.Value, true),
		`{"schema":{"type":"struct","fields":[{"type":"string","optional":false,"field":"ID"},{"type":"double","optional":true,"field":"score"}],"optional":false},"payload":{"ID":"46920","score":4761.0}}`)
	// Schemaless: new HashMap<>(m) of two entries has 4 buckets: score
	// (bucket 1) before ID (2331, bucket 3).
	out = runChain(t, fields, &transforms.Record{Value: mapOf("ID", int32(46920), "score", int32(4761))})
	expectJSON(t, "fields schemaless", jsonOf(out.ValueSchema, out.Value, false), `{"score":4761.0,"ID":"46920"}`)

	whole := stagesOf(t, transformsOf("transforms", "Cast",
		"transforms.Cast.type", "org.apache.kafka.connect.transforms.Cast$Value",
		"transforms.Cast.spec", "string"))
	out = runChain(t, whole, &transforms.Record{ValueSchema: &schema{Type: typeFloat64}, Value: 63521704.02})
	expectJSON(t, "whole", jsonOf(out.ValueSchema, out.Value, true), `{"schema":{"type":"string","optional":false},"payload":"6.352170402E7"}`)
	out = runChain(t, whole, &transforms.Record{Value: 2.5})
	expectJSON(t, "whole schemaless", jsonOf(out.ValueSchema, out.Value, false), `"2.5"`)

	// Narrowing follows Java's primitive conversions: (byte) 300 is 44;
	// a string that is not a number is "out of range".
	narrow := stagesOf(t, transformsOf("transforms", "c",
		"transforms.c.type", "org.apache.kafka.connect.transforms.Cast$Value", "transforms.c.spec", "int8"))
	out = runChain(t, narrow, &transforms.Record{ValueSchema: &schema{Type: typeInt64}, Value: int64(300)})
	expectJSON(t, "int8", jsonOf(out.ValueSchema, out.Value, true), `{"schema":{"type":"int8","optional":false},"payload":44}`)
	err := chainErr(narrow, &transforms.Record{Value: "abc"})
	if err == nil || err.Error() != "org.apache.kafka.connect.errors.DataException: Value (abc) was out of range for requested data type" {
		t.Errorf("bad number: %v", err)
	}
	// Unsupported targets are refused by the spec validator.
	_, err = buildStages(transformsOf("transforms", "c",
		"transforms.c.type", "org.apache.kafka.connect.transforms.Cast$Value", "transforms.c.spec", "a:bytes"))
	if err == nil || !strings.HasSuffix(err.Error(), "Cast transformation does not support casting to BYTES; supported types are [INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING]") {
		t.Errorf("bytes target: %v", err)
	}
}

// https://docs.confluent.io/platform/current/connect/transforms/regexrouter.html:
// regex "soe-(.*)" with replacement "$1" turns soe-Order into Order; regex
// ".*" with "acme_$0" turns Order into acme_Order. A topic the regex does
// not match as a whole is left alone (Matcher.matches).
func TestRegexRouterRewritesMatchingTopics(t *testing.T) {
	drop := stagesOf(t, transformsOf("transforms", "dropPrefix",
		"transforms.dropPrefix.type", "org.apache.kafka.connect.transforms.RegexRouter",
		"transforms.dropPrefix.regex", "soe-(.*)", "transforms.dropPrefix.replacement", "$1"))
	add := stagesOf(t, transformsOf("transforms", "AddPrefix",
		"transforms.AddPrefix.type", "org.apache.kafka.connect.transforms.RegexRouter",
		"transforms.AddPrefix.regex", ".*", "transforms.AddPrefix.replacement", "acme_$0"))
	for _, c := range []struct {
		stages    []*transforms.Stage
		in, want  string
		withValue bool
	}{
		{drop, "soe-Order", "Order", true}, {drop, "Order", "Order", false}, {drop, "xsoe-Order", "xsoe-Order", true}, {add, "Order", "acme_Order", false},
	} {
		r := &transforms.Record{Topic: c.in}
		if c.withValue {
			r.ValueSchema, r.Value = &schema{Type: typeString}, "v"
		}
		if out := runChain(t, c.stages, r); out.Topic != c.want || out.Value != r.Value {
			t.Errorf("%s -> %s, want %s", c.in, out.Topic, c.want)
		}
	}
}

// https://docs.confluent.io/platform/current/connect/transforms/timestamprouter.html:
// topic.format "foo-${topic}-${timestamp}" with timestamp.format "YYYYMM"
// routes ordersTopic to foo-ordersTopic-201804 for an April 2018
// timestamp. A record without a timestamp fails with DataException.
func TestTimestampRouterFormatsTheRecordTimestamp(t *testing.T) {
	stages := stagesOf(t, transformsOf("transforms", "TimestampRouter",
		"transforms.TimestampRouter.type", "org.apache.kafka.connect.transforms.TimestampRouter",
		"transforms.TimestampRouter.topic.format", "foo-${topic}-${timestamp}",
		"transforms.TimestampRouter.timestamp.format", "YYYYMM"))
	ts := int64(1523577600000) // 2018-04-13T00:00:00Z
	out := runChain(t, stages, &transforms.Record{Topic: "ordersTopic", Timestamp: &ts})
	if out.Topic != "foo-ordersTopic-201804" {
		t.Errorf("topic = %s", out.Topic)
	}
	// The defaults are "${topic}-${timestamp}" and "yyyyMMdd".
	def := stagesOf(t, transformsOf("transforms", "r", "transforms.r.type", "org.apache.kafka.connect.transforms.TimestampRouter"))
	if out := runChain(t, def, &transforms.Record{Topic: "t", Timestamp: &ts}); out.Topic != "t-20180413" {
		t.Errorf("default topic = %s", out.Topic)
	}
	// 2017-12-31 is a Sunday: its week holds 2018-01-01, so its week year
	// (Y, en_US weeks) is 2018 while its year (y) is 2017.
	dec31 := int64(1514678400000)
	if out := runChain(t, stages, &transforms.Record{Topic: "o", Timestamp: &dec31}); out.Topic != "foo-o-201812" {
		t.Errorf("week year topic = %s", out.Topic)
	}
	if out := runChain(t, def, &transforms.Record{Topic: "o", Timestamp: &dec31}); out.Topic != "o-20171231" {
		t.Errorf("year topic = %s", out.Topic)
	}
	err := chainErr(stages, &transforms.Record{Topic: "ordersTopic"})
	if err == nil || !strings.HasPrefix(err.Error(), "org.apache.kafka.connect.errors.DataException: Timestamp missing on record: ") {
		t.Errorf("no timestamp: %v", err)
	}
}

// The predicates example of
// https://kafka.apache.org/39/documentation.html#connect_predicates:
// Filter drops records of topic foo; ExtractField$Key applies to every
// topic but bar (negate=true).
func TestFilterAndTopicNameMatchesAsTheKafkaDocsShow(t *testing.T) {
	stages := stagesOf(t, transformsOf(
		"transforms", "Filter,Extract",
		"transforms.Filter.type", "org.apache.kafka.connect.transforms.Filter",
		"transforms.Filter.predicate", "IsFoo",
		"transforms.Extract.type", "org.apache.kafka.connect.transforms.ExtractField$Key",
		"transforms.Extract.field", "other_field",
		"transforms.Extract.predicate", "IsBar",
		"transforms.Extract.negate", "true",
		"predicates", "IsFoo,IsBar",
		"predicates.IsFoo.type", "org.apache.kafka.connect.transforms.predicates.TopicNameMatches",
		"predicates.IsFoo.pattern", "foo",
		"predicates.IsBar.type", "org.apache.kafka.connect.transforms.predicates.TopicNameMatches",
		"predicates.IsBar.pattern", "bar"))
	key := func() (*schema, *structValue) {
		return structOf([]field{{Name: "other_field", Schema: schema{Type: typeString}}, {Name: "x", Schema: schema{Type: typeInt32}}}, "k", int32(1))
	}
	ks, kv := key()
	if out := runChain(t, stages, &transforms.Record{Topic: "foo", KeySchema: ks, Key: kv}); out != nil {
		t.Errorf("foo record kept: %+v", out)
	}
	out := runChain(t, stages, &transforms.Record{Topic: "bar", KeySchema: ks, Key: kv})
	expectJSON(t, "bar key", jsonOf(out.KeySchema, out.Key, false), `{"other_field":"k","x":1}`)
	out = runChain(t, stages, &transforms.Record{Topic: "other", KeySchema: ks, Key: kv})
	expectJSON(t, "other key", jsonOf(out.KeySchema, out.Key, false), `"k"`)
	// "foo" must match the whole topic name.
	if out := runChain(t, stages, &transforms.Record{Topic: "food", Key: mapOf("other_field", "k")}); out == nil || out.Key != "k" {
		t.Errorf("food record: %+v", out)
	}
}

// RecordIsTombstone is true for a null value; HasHeaderKey for a record
// with a header of that name (predicate docs, Kafka 3.9 #connect_predicates).
func TestTombstoneAndHeaderPredicates(t *testing.T) {
	base := transformsOf("transforms", "drop",
		"transforms.drop.type", "org.apache.kafka.connect.transforms.Filter",
		"transforms.drop.predicate", "p", "predicates", "p")
	tomb := maps.Clone(base)
	tomb["predicates.p.type"] = "org.apache.kafka.connect.transforms.predicates.RecordIsTombstone"
	st := stagesOf(t, tomb)
	if runChain(t, st, &transforms.Record{Topic: "t"}) != nil {
		t.Error("tombstone kept")
	}
	if runChain(t, st, &transforms.Record{Topic: "t", Value: "x"}) == nil {
		t.Error("record with a value dropped")
	}
	hdr := maps.Clone(base)
	hdr["predicates.p.type"] = "org.apache.kafka.connect.transforms.predicates.HasHeaderKey"
	hdr["predicates.p.name"] = "trace"
	st = stagesOf(t, hdr)
	if runChain(t, st, &transforms.Record{Topic: "t", Value: "x", Headers: []transforms.Header{{Key: "trace", Value: "1"}}}) != nil {
		t.Error("record with the header kept")
	}
	if runChain(t, st, &transforms.Record{Topic: "t", Value: "x", Headers: []transforms.Header{{Key: "other"}}}) == nil {
		t.Error("record without the header dropped")
	}
	hdr["transforms.drop.negate"] = "true"
	st = stagesOf(t, hdr)
	if runChain(t, st, &transforms.Record{Topic: "t", Value: "x"}) != nil {
		t.Error("negated: record without the header kept")
	}
}
