package connect

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ctalab/ctalab/lab/connect/data"
	"github.com/ctalab/ctalab/lab/connect/transforms"
	"github.com/twmb/franz-go/pkg/kgo"
)

// Single message transforms on the connector config and the record path:
// ConnectorConfig.enrich (apache/kafka 3.9
// connect/runtime/src/main/java/org/apache/kafka/connect/runtime/ConnectorConfig.java)
// and ConnectorConfig.transformationStages.

// enrichKind is one of the two alias lists that ConnectorConfig.enrich
// expands: transforms or predicates.
type enrichKind struct {
	list  string // "transforms" or "predicates"
	kind  transforms.Kind
	group string // "Transforms" or "Predicates"
	noun  string // "transformation" or "predicate"
	iface string // Transformation or Predicate
}

var (
	transformKind = enrichKind{"transforms", transforms.KindTransformation, "Transforms", "transformation", "Transformation"}
	predicateKind = enrichKind{"predicates", transforms.KindPredicate, "Predicates", "predicate", "Predicate"}
)

// aliases parses an alias list as ConfigDef parses a LIST, keeping the
// first of duplicate aliases (a LinkedHashSet in Kafka).
func aliases(props map[string]string, key string) []string {
	raw, ok := props[key]
	if !ok || strings.TrimSpace(raw) == "" {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for _, a := range listSplit.Split(strings.TrimSpace(raw), -1) {
		if !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	return out
}

func classNames(kind transforms.Kind) []string {
	var out []string
	for _, p := range transforms.Plugins(kind) {
		out = append(out, p.Class)
	}
	return out
}

// enrich returns def with the keys of every transformation and predicate
// alias in props: "<list>.<alias>.type" and, when that class is
// installed, its own keys (plus predicate and negate for transformations)
// embedded under the prefix, in group "<Group>: <alias>".
func enrich(def *configDef, props map[string]string) *configDef {
	out := def.merge(newConfigDef())
	for _, ek := range []enrichKind{transformKind, predicateKind} {
		for _, alias := range aliases(props, ek.list) {
			ek.enrichAlias(out, props, alias)
		}
	}
	return out
}

func (ek enrichKind) enrichAlias(def *configDef, props map[string]string, alias string) {
	prefix := ek.list + "." + alias + "."
	group := ek.group + ": " + alias
	typeKey := prefix + "type"
	kind := ek.kind
	def.define(configKey{Name: typeKey, Type: cfgClass, Required: true, Importance: "HIGH", Group: group, Order: 0, OrderSet: true, Width: "LONG",
		Display:   ek.iface + " type for " + alias,
		Doc:       "Class for the '" + alias + "' " + ek.noun + ".",
		Recommend: func() []string { return classNames(kind) },
		FullValidator: func(v any) string {
			if v == nil {
				return ""
			}
			if ek.kind == transforms.KindTransformation {
				_, hasNegate := props[prefix+"negate"]
				_, hasPredicate := props[prefix+"predicate"]
				if hasNegate && !hasPredicate {
					return "Config '" + prefix + "negate' was provided but there is no config '" + prefix + "predicate' defining a predicate to be negated."
				}
			}
			if children, abstract := transforms.AbstractBase(v.(string)); abstract {
				if ek.kind != transforms.KindTransformation {
					return "Class class " + strings.TrimSpace(v.(string)) + " does not implement the " + ek.iface + " interface"
				}
				// Utils.ensureConcreteSubclass
				return "This class is abstract and cannot be created. Did you mean " + strings.Join(children, ", ") + "?"
			}
			p, found := transforms.Lookup(v.(string))
			if !found {
				return "" // reported as "could not be found" by validateTransformClasses
			}
			if p.Kind != ek.kind {
				return "Class class " + p.Class + " does not implement the " + ek.iface + " interface"
			}
			return ""
		}})
	cls, ok := props[typeKey]
	if !ok {
		return
	}
	p, found := transforms.Lookup(cls)
	if !found || p.Kind != ek.kind {
		return
	}
	keys := append([]transforms.ConfigKey(nil), p.Config...)
	if ek.kind == transforms.KindTransformation {
		// The implicit keys mask any of the plugin's with the same name.
		kept := keys[:0]
		for _, k := range keys {
			if k.Name != "predicate" && k.Name != "negate" {
				kept = append(kept, k)
			}
		}
		keys = append([]transforms.ConfigKey{
			{Name: "predicate", Type: "STRING", Importance: "MEDIUM", Doc: "The alias of a predicate used to determine whether to apply this transformation."},
			{Name: "negate", Type: "BOOLEAN", Default: false, Importance: "MEDIUM", Doc: "Whether the configured predicate should be negated."},
		}, kept...)
	}
	// ConfigDef.embed walks the child's keys in sortedConfigs order: no
	// groups, so keys without a default first, then by importance, then name.
	rank := map[string]int{"HIGH": 0, "MEDIUM": 1, "LOW": 2}
	sortStable(keys, func(a, b transforms.ConfigKey) bool {
		if a.Required != b.Required {
			return a.Required
		}
		if rank[a.Importance] != rank[b.Importance] {
			return rank[a.Importance] < rank[b.Importance]
		}
		return a.Name < b.Name
	})
	for i, k := range keys {
		ck := configKey{Name: prefix + k.Name, Type: configType(k.Type), Required: k.Required, Default: k.Default,
			Importance: k.Importance, Doc: k.Doc, Group: group, Order: i + 1, OrderSet: true, Display: k.Name}
		if v := k.Validate; v != nil {
			name := k.Name
			ck.FullValidator = func(val any) string {
				if val == nil && ck.Required {
					return ""
				}
				return v(name, val)
			}
		}
		def.define(ck)
	}
}

func sortStable(keys []transforms.ConfigKey, less func(a, b transforms.ConfigKey) bool) {
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && less(keys[j], keys[j-1]); j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
}

// validateTransformClasses reports type keys naming classes that are not
// installed, as ConfigDef.parseType does for a CLASS key.
func validateTransformClasses(props map[string]string, values map[string]*configValue) {
	for _, ek := range []enrichKind{transformKind, predicateKind} {
		for _, alias := range aliases(props, ek.list) {
			k := ek.list + "." + alias + ".type"
			cv := values[k]
			cls, ok := props[k]
			if cv == nil || !ok {
				continue
			}
			_, abstract := transforms.AbstractBase(cls)
			if _, found := transforms.Lookup(cls); !found && !abstract {
				cls = strings.TrimSpace(cls)
				cv.Errors = []string{"Invalid value " + cls + " for configuration " + k + ": Class " + cls + " could not be found."}
				cv.Value = nil
			}
		}
	}
}

// buildStages is ConnectorConfig.transformationStages: every alias of
// "transforms" configured, with its predicate.
func buildStages(props map[string]string) ([]*transforms.Stage, error) {
	def := enrich(sourceConnectorConfigDef(), props)
	values := def.validateAll(props)
	validateTransformClasses(props, values)
	var stages []*transforms.Stage
	for _, alias := range aliases(props, "transforms") {
		prefix := "transforms." + alias + "."
		if err := firstError(values, def, prefix); err != nil {
			return nil, err
		}
		p, _ := transforms.Lookup(props[prefix+"type"])
		tr, err := p.NewTransformation(pluginConfig(values, prefix))
		if err != nil {
			return nil, err
		}
		st := &transforms.Stage{Class: p.Class, Transform: tr}
		if pa, ok := values[prefix+"predicate"].Value.(string); ok {
			pprefix := "predicates." + pa + "."
			if _, ok := values[pprefix+"type"]; !ok {
				return nil, &transforms.Error{Class: transforms.ConfigException, Msg: "Unknown configuration '" + pprefix + "type'"}
			}
			if err := firstError(values, def, pprefix); err != nil {
				return nil, err
			}
			pp, _ := transforms.Lookup(props[pprefix+"type"])
			pred, err := pp.NewPredicate(pluginConfig(values, pprefix))
			if err != nil {
				return nil, err
			}
			st.Predicate = pred
			st.Negate, _ = values[prefix+"negate"].Value.(bool)
		}
		stages = append(stages, st)
	}
	return stages, nil
}

func firstError(values map[string]*configValue, def *configDef, prefix string) error {
	for _, k := range def.keys {
		if strings.HasPrefix(k.Name, prefix) && len(values[k.Name].Errors) > 0 {
			return &transforms.Error{Class: transforms.ConfigException, Msg: values[k.Name].Errors[0]}
		}
	}
	return nil
}

func pluginConfig(values map[string]*configValue, prefix string) transforms.Config {
	c := transforms.Config{}
	for k, v := range values {
		if name, ok := strings.CutPrefix(k, prefix); ok && name != "type" {
			c[name] = v.Value
		}
	}
	return c
}

// transformRecord runs the chain on one record with the connector's error
// tolerance (RetryWithToleranceOperator with stage TRANSFORMATION): under
// errors.tolerance=all a failing record is logged when errors.log.enable
// is set, counted and skipped (nil, nil); under none the task fails with
// "Tolerance exceeded in error handler".
func (t *sourceTask) transformRecord(rec *transforms.Record) (*transforms.Record, error) {
	orig := rec
	for _, st := range t.stages {
		out, err := st.Apply(rec)
		if err != nil {
			return nil, t.transformFailed(st, orig, err)
		}
		if out == nil {
			return nil, nil
		}
		rec = out
	}
	return rec, nil
}

func (t *sourceTask) transformFailed(st *transforms.Stage, orig *transforms.Record, err error) error {
	return t.stageFailed("TRANSFORMATION", st.Class, orig, err)
}

// stageFailed is RetryWithToleranceOperator's handling of a failed stage
// (TRANSFORMATION, KEY_CONVERTER, VALUE_CONVERTER) with LogReporter.
func (t *sourceTask) stageFailed(stage, class string, orig *transforms.Record, err error) error {
	if t.errLog {
		msg := fmt.Sprintf("Error encountered in task %s-%d. Executing stage '%s' with class '%s'", t.connector, t.id, stage, class)
		if t.errLogMessages {
			msg += ", where source record is = " + orig.String()
		}
		t.w.log.Error(msg+".", "err", err)
	}
	if !t.tolerateAll {
		var te *transforms.Error
		if !errors.As(err, &te) {
			err = &transforms.Error{Class: "java.lang.RuntimeException", Msg: err.Error()}
		}
		return &taskError{msg: "Tolerance exceeded in error handler", cause: err}
	}
	t.w.recordSkipped(t.connector)
	return nil
}

func (w *Worker) recordSkipped(connector string) {
	w.skippedMu.Lock()
	defer w.skippedMu.Unlock()
	if w.skipped == nil {
		w.skipped = map[string]int64{}
	}
	w.skipped[connector]++
}

// SkippedRecords is the number of records the connector's tasks have
// skipped because a transformation failed on them under
// errors.tolerance=all (the total-records-skipped task error metric,
// summed over the tasks).
func (w *Worker) SkippedRecords(connector string) int64 {
	w.skippedMu.Lock()
	defer w.skippedMu.Unlock()
	return w.skipped[connector]
}

// convertRecord converts a transformed record with the task's key and
// value converters (WorkerSourceTask.convertTransformedRecord). A failure
// goes through the error tolerance (stage KEY_CONVERTER or
// VALUE_CONVERTER); nil, nil means the record was skipped.
func (t *sourceTask) convertRecord(orig, r *transforms.Record) (*kgo.Record, error) {
	key, err := t.keyConv.fromConnectData(r.Topic, r.KeySchema, r.Key)
	if err != nil {
		return nil, t.stageFailed("KEY_CONVERTER", t.converterClass("key.converter"), orig, err)
	}
	val, err := t.valConv.fromConnectData(r.Topic, r.ValueSchema, r.Value)
	if err != nil {
		return nil, t.stageFailed("VALUE_CONVERTER", t.converterClass("value.converter"), orig, err)
	}
	return t.producerRecord(r, key, val), nil
}

// converterClass is the class configured for key.converter or
// value.converter, the connector's own or the worker's.
func (t *sourceTask) converterClass(prefix string) string {
	if c, ok := t.props[prefix]; ok {
		return strings.TrimSpace(c)
	}
	return t.w.opts.converterProps[prefix]
}

// checkConnectData finds what JsonConverter refuses in schema'd data: a
// null where the schema is required (it has no defaults here) and a
// Decimal whose scale differs from its schema's (Decimal.fromLogical).
func checkConnectData(s *schema, v any) error {
	if s == nil {
		return nil
	}
	if v == nil {
		if s.Optional {
			return nil
		}
		return &transforms.Error{Class: transforms.DataException, Msg: "Conversion error: null value for field that is required and has no default value"}
	}
	switch x := v.(type) {
	case *structValue:
		for i := range x.Schema.Fields {
			if err := checkConnectData(&x.Schema.Fields[i].Schema, x.Values[i]); err != nil {
				return err
			}
		}
	case decimalValue:
		if p, ok := s.Param("scale"); ok && p != strconv.Itoa(x.Scale) {
			return &transforms.Error{Class: transforms.DataException, Msg: "BigDecimal has mismatching scale value for given Decimal schema"}
		}
	case []any:
		for _, e := range x {
			if err := checkConnectData(s.ValueSchema, e); err != nil {
				return err
			}
		}
	case *data.Map:
		for _, e := range x.Entries() {
			if err := checkConnectData(s.ValueSchema, e.Value); err != nil {
				return err
			}
		}
	}
	return nil
}

// producerRecord converts a transformed record with the task's converters.
// Header values go through SimpleHeaderConverter (Values.convertToString,
// UTF-8).
func (t *sourceTask) producerRecord(r *transforms.Record, key, val []byte) *kgo.Record {
	rec := &kgo.Record{Topic: r.Topic, Key: key, Value: val}
	if r.Timestamp != nil {
		rec.Timestamp = time.UnixMilli(*r.Timestamp)
	}
	for _, h := range r.Headers {
		rec.Headers = append(rec.Headers, kgo.RecordHeader{Key: h.Key, Value: t.hdrConv.fromConnectHeader(h)})
	}
	return rec
}

// headerConverter is the connector's header.converter: SimpleHeaderConverter
// (the default), StringConverter or JsonConverter.
type headerConverter struct {
	class string
	json  *jsonConverter
}

const (
	simpleHeaderConverterClass = "org.apache.kafka.connect.storage.SimpleHeaderConverter"
	stringConverterClass       = "org.apache.kafka.connect.storage.StringConverter"
)

func newHeaderConverter(props map[string]string) (headerConverter, error) {
	cls := strings.TrimSpace(props["header.converter"])
	switch cls {
	case "", simpleHeaderConverterClass:
		return headerConverter{class: simpleHeaderConverterClass}, nil
	case stringConverterClass:
		return headerConverter{class: cls}, nil
	case jsonConverterClass:
		jc, errs := newJSONConverter(props, "header.converter", nil)
		if len(errs) > 0 {
			return headerConverter{}, errors.New(errs[0].Msg)
		}
		return headerConverter{class: cls, json: jc}, nil
	}
	return headerConverter{}, &transforms.Error{Class: transforms.ConfigException, Msg: "Invalid value " + cls + " for configuration header.converter: Class " + cls + " could not be found."}
}

// fromConnectHeader serialises one header value: SimpleHeaderConverter
// writes Values.convertToString, StringConverter the value's toString, and
// JsonConverter its JSON (with the schema envelope unless
// header.converter.schemas.enable=false). A null value is a null header.
func (c headerConverter) fromConnectHeader(h transforms.Header) []byte {
	if c.json != nil {
		return c.json.fromConnectData(h.Schema, h.Value)
	}
	if h.Value == nil {
		return nil
	}
	if c.class == stringConverterClass {
		return []byte(transforms.JavaString(h.Value))
	}
	return []byte(transforms.ValuesString(h.Value))
}

// transformPluginInfos lists the installed transformations, then the
// predicates, each in class-name order, as ConnectorPluginsResource does.
func transformPluginInfos() []pluginInfo {
	var out []pluginInfo
	for _, k := range []transforms.Kind{transforms.KindTransformation, transforms.KindPredicate} {
		for _, p := range transforms.Plugins(k) {
			out = append(out, pluginInfo{Class: p.Class, Type: string(k), Version: kafkaVersion})
		}
	}
	return out
}

// transformPluginConfig is GET /connector-plugins/{plugin}/config for a
// transformation or predicate: its own ConfigDef keys in definition order
// (AbstractHerder.connectorPluginConfig), ungrouped.
func transformPluginConfig(class string) ([]*configKeyInfo, bool) {
	p, ok := transforms.Lookup(class)
	if !ok {
		return nil, false
	}
	out := []*configKeyInfo{}
	for _, k := range p.Config {
		ck := configKey{Name: k.Name, Type: configType(k.Type), Required: k.Required, Default: k.Default, Importance: k.Importance, Doc: k.Doc, Width: "NONE"}
		out = append(out, ck.info())
	}
	return out, true
}

// sourceRecordString renders the SourceRecord part of a row's record as
// SourceRecord.toString does: the partition and offset maps in Java
// HashMap order (protocol before table; timestamp_nanos, incrementing,
// timestamp), and a null offset in bulk mode.
func sourceRecordString(q *querier, off tableOffset) string {
	var b strings.Builder
	b.WriteString("sourcePartition={")
	for i, e := range q.partition {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s=%v", e.k, e.v)
	}
	b.WriteString("}, sourceOffset=")
	if q.mode == modeBulk {
		b.WriteString("null")
		return b.String()
	}
	var parts []string
	if off.Timestamp != nil {
		parts = append(parts, fmt.Sprintf("timestamp_nanos=%d", off.Timestamp.Nanosecond()))
	}
	if off.Incrementing != nil {
		parts = append(parts, fmt.Sprintf("incrementing=%d", *off.Incrementing))
	}
	if off.Timestamp != nil {
		parts = append(parts, fmt.Sprintf("timestamp=%d", off.Timestamp.UnixMilli()))
	}
	b.WriteString("{" + strings.Join(parts, ", ") + "}")
	return b.String()
}
