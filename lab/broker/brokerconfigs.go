package broker

import (
	"cmp"
	_ "embed"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode/utf16"

	"github.com/twmb/franz-go/pkg/kmsg"
)

// kafkaConfigHTML is the documentation Kafka 3.9's build generates from
// KafkaConfig.configDef (KafkaConfig.main, run by build.gradle's
// genKafkaConfigDocs: configDef.toHtml(4, "brokerconfigs_" + name,
// DynamicBrokerConfig.dynamicConfigUpdateModes)), byte for byte as
// apache/kafka-site holds it at 39/generated/kafka_config.html (commit
// 49c301385a84, "add 3.9 docs folder for 3.9-rc3", blob c27dbea84b38).
// ConfigDef.toHtml (clients/.../common/config/ConfigDef.java) writes each
// config that is not internal (sortedConfigs: by importance, then name), with its documentation, its
// type, its default (ConfigDef.convertToString, "null" for a null one,
// "\"\"" for an empty one, and a unit after a .ms or .bytes name's
// number), and its update mode: read-only for a config outside
// DynamicBrokerConfig.AllDynamicConfigs, else per-broker or cluster-wide.
// cp-kafka 7.9.4 (Kafka 7.9.4-ccs) defines the same configs.
//
//go:embed upstream/kafka_config.html
var kafkaConfigHTML string

// brokerConfigDef is one config of KafkaConfig.configDef.
type brokerConfigDef struct {
	name string
	typ  kmsg.ConfigType
	// def is the default as ConfigDef.convertToString prints it; nil for a
	// null default (those are not among DynamicBrokerConfig's
	// staticDefaultConfigs).
	def *string
	doc string
	// dynamic is whether DynamicBrokerConfig.AllDynamicConfigs holds it,
	// which makes it not read-only.
	dynamic bool
}

// brokerConfigDefs are KafkaConfig.configDef's configs in name order,
// parsed from the page when a DescribeConfigs of a broker first needs
// them: parsing takes ~15 ms, which every process that imports the
// broker (each CLI command, the app) paid at start-up.
var brokerConfigDefs = sync.OnceValue(func() []brokerConfigDef { return mustParseKafkaConfigHTML(kafkaConfigHTML) })

// brokerConfigDefFor finds a broker config by name.
func brokerConfigDefFor(name string) (brokerConfigDef, bool) {
	defs := brokerConfigDefs()
	i, ok := slices.BinarySearchFunc(defs, name, func(d brokerConfigDef, n string) int { return strings.Compare(d.name, n) })
	if !ok {
		return brokerConfigDef{}, false
	}
	return defs[i], true
}

var kafkaConfigItem = regexp.MustCompile(`(?s)<li>\n<h4><a id="([^"]+)"></a><a id="brokerconfigs_[^"]+" href="[^"]+">[^<]+</a></h4>\n<p>(.*?)</p>\n<table><tbody>\n` +
	`<tr><th>Type:</th><td>([a-z]+)</td></tr>\n<tr><th>Default:</th><td>(.*?)</td></tr>\n<tr><th>Valid Values:</th><td>.*?</td></tr>\n` +
	`<tr><th>Importance:</th><td>[a-z]+</td></tr>\n<tr><th>Update Mode:</th><td>(read-only|per-broker|cluster-wide)</td></tr>\n</tbody></table>\n</li>\n`)

// configTypes are ConfigDef.Type's names as toHtml writes them, by the type
// DescribeConfigs v3+ gives (ConfigHelper.configResponseType).
var configTypes = map[string]kmsg.ConfigType{
	"boolean": kmsg.ConfigTypeBoolean, "string": kmsg.ConfigTypeString, "int": kmsg.ConfigTypeInt,
	"short": kmsg.ConfigTypeShort, "long": kmsg.ConfigTypeLong, "double": kmsg.ConfigTypeDouble,
	"list": kmsg.ConfigTypeList, "class": kmsg.ConfigTypeClass, "password": kmsg.ConfigTypePassword,
}

// literalBreaks are the configs whose documentation holds "<br>" as
// written: ServerLogConfigs.MIN_IN_SYNC_REPLICAS_DOC (server-common, 3.9).
// Every other "<br>" in the generated page is a line break of the
// documentation, which toHtml replaces ("\n", or String.format's %n in
// SocketServerConfigs, KRaftConfigs, ZkConfigs and ReplicationConfigs).
var literalBreaks = map[string]bool{"min.insync.replicas": true}

// mustParseKafkaConfigHTML reads the configs of toHtml's page.
func mustParseKafkaConfigHTML(page string) []brokerConfigDef {
	const head, tail = "<ul class=\"config-list\">\n", "</ul>\n\n" // println's line end follows toHtml's
	var defs []brokerConfigDef
	at := len(head)
	for _, m := range kafkaConfigItem.FindAllStringSubmatchIndex(page, -1) {
		if m[0] != at {
			panic(fmt.Sprintf("kafka_config.html: unread text at byte %d", at))
		}
		at = m[1]
		name, doc, typ, def, mode := page[m[2]:m[3]], page[m[4]:m[5]], page[m[6]:m[7]], page[m[8]:m[9]], page[m[10]:m[11]]
		t, ok := configTypes[typ]
		if !ok {
			panic(fmt.Sprintf("kafka_config.html: %s has type %q", name, typ))
		}
		d := brokerConfigDef{name: name, typ: t, dynamic: mode != "read-only"}
		if !literalBreaks[name] {
			doc = strings.ReplaceAll(doc, "<br>", "\n")
		}
		d.doc = doc
		switch {
		case def == "null":
		case def == `""`:
			d.def = new(string)
		default:
			if strings.HasSuffix(name, ".ms") || strings.HasSuffix(name, ".bytes") {
				def, _, _ = strings.Cut(def, " (") // niceTimeUnits, niceMemoryUnits
			}
			d.def = &def
		}
		defs = append(defs, d)
	}
	if !strings.HasPrefix(page, head) || page[at:] != tail || len(defs) == 0 {
		panic("kafka_config.html: the page holds something other than configs")
	}
	// ConfigDef.sortedConfigs orders the page by importance first.
	slices.SortFunc(defs, func(a, b brokerConfigDef) int { return strings.Compare(a.name, b.name) })
	return defs
}

// brokerSynonyms are the names DescribeConfigs looks a broker config's
// value up under, in order (DynamicBrokerConfig.brokerConfigSynonyms,
// apache/kafka 3.9 core/src/main/scala/kafka/server/DynamicBrokerConfig.scala;
// the listener overrides are not served here).
func brokerSynonyms(name string) []string {
	for _, group := range [][]string{
		{"log.roll.ms", "log.roll.hours"},
		{"log.roll.jitter.ms", "log.roll.jitter.hours"},
		{"log.retention.ms", "log.retention.minutes", "log.retention.hours"},
	} {
		if slices.Contains(group, name) {
			return group
		}
	}
	if name == "log.flush.interval.ms" { // log.flush.scheduler.interval.ms is its default
		return []string{name, "log.flush.scheduler.interval.ms"}
	}
	return []string{name}
}

// brokerConfigValues are a broker's config values by source, as
// DynamicBrokerConfig keeps them.
type brokerConfigValues struct {
	dynamic        map[string]*string // currentDynamicBrokerConfigs
	dynamicDefault map[string]*string // currentDynamicDefaultConfigs
	static         map[string]string  // staticBrokerConfigs: what server.properties sets
}

// noteDynamicLevel records the level a dynamic broker config was set at
// (cluster-wide or for the broker), or that it was deleted.
func (p *protocol) noteDynamicLevel(name string, clusterWide, deleted bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.dynamicDefaults == nil {
		p.dynamicDefaults = map[string]bool{}
	}
	if deleted || !clusterWide {
		delete(p.dynamicDefaults, name)
		return
	}
	p.dynamicDefaults[name] = true
}

// replaceDynamicLevels records an AlterConfigs of a broker resource, which
// replaces every dynamic broker config kfake holds with set.
func (p *protocol) replaceDynamicLevels(set []kmsg.AlterConfigsRequestResourceConfig, clusterWide bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.dynamicDefaults = map[string]bool{}
	if clusterWide {
		for _, c := range set {
			p.dynamicDefaults[c.Name] = true
		}
	}
}

// brokerValues are the broker's config values: the compose file's
// cp-kafka's static configs, the broker's node id as broker.id and node.id
// (KafkaConfig.populateSynonyms copies node.id to broker.id), its cleaner's
// interval as log.cleaner.backoff.ms where it is not Kafka's default, and
// the dynamic values kfake holds (its answer's DYNAMIC_BROKER_CONFIG
// entries), split by the level each was set at.
func (p *protocol) brokerValues(node string, kfake []kmsg.DescribeConfigsResponseResourceConfig) brokerConfigValues {
	vals := brokerConfigValues{dynamic: map[string]*string{}, dynamicDefault: map[string]*string{}, static: map[string]string{}}
	for k, v := range labStaticBrokerConfigs {
		vals.static[k] = v
	}
	vals.static["node.id"], vals.static["broker.id"] = node, node
	if d, ok := brokerConfigDefFor("log.cleaner.backoff.ms"); ok && p.cleanerBackoff != "" && (d.def == nil || *d.def != p.cleanerBackoff) {
		vals.static["log.cleaner.backoff.ms"] = p.cleanerBackoff
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range kfake {
		if c.Source != kmsg.ConfigSourceDynamicBrokerConfig {
			continue
		}
		if c.Name == "log.cleaner.backoff.ms" && c.Value != nil && *c.Value == kfakeCleanerBackoff {
			continue // kfake's own, not the broker's (compaction.go)
		}
		if p.dynamicDefaults[c.Name] {
			vals.dynamicDefault[c.Name] = c.Value
		} else {
			vals.dynamic[c.Name] = c.Value
		}
	}
	return vals
}

// describeBrokerConfig is one entry of a broker's DescribeConfigs answer
// as ConfigHelper.createBrokerConfigEntry builds it (apache/kafka 3.9
// core/src/main/scala/kafka/server/ConfigHelper.scala): the synonyms are
// the dynamic, then the dynamic default, then the static, then the default
// values of each of the config's synonyms (configSynonyms), less those
// before the config's own name, and only the dynamic defaults for the
// cluster-wide defaults (not perBroker); the value and source are the first synonym's, or the
// config's default and DEFAULT_CONFIG without one. A PASSWORD config is
// sensitive and shows no value anywhere; a config outside
// AllDynamicConfigs is read-only.
func describeBrokerConfig(d brokerConfigDef, vals brokerConfigValues, perBroker, withSynonyms, withDocs bool) kmsg.DescribeConfigsResponseResourceConfig {
	sensitive := d.typ == kmsg.ConfigTypePassword
	var synonyms []kmsg.DescribeConfigsResponseResourceConfigConfigSynonym
	add := func(name string, v *string, src kmsg.ConfigSource) {
		s := configSynonym(name, "", src)
		s.Value = v
		if sensitive {
			s.Value = nil
		}
		synonyms = append(synonyms, s)
	}
	names := brokerSynonyms(d.name)
	for _, n := range names {
		if v, ok := vals.dynamic[n]; ok {
			add(n, v, kmsg.ConfigSourceDynamicBrokerConfig)
		}
	}
	for _, n := range names {
		if v, ok := vals.dynamicDefault[n]; ok {
			add(n, v, kmsg.ConfigSourceDynamicDefaultBrokerConfig)
		}
	}
	for _, n := range names {
		if v, ok := vals.static[n]; ok {
			add(n, &v, kmsg.ConfigSourceStaticBrokerConfig)
		}
	}
	for _, n := range names {
		if sd, ok := brokerConfigDefFor(n); ok && sd.def != nil {
			add(n, sd.def, kmsg.ConfigSourceDefaultConfig)
		}
	}
	for len(synonyms) > 0 && synonyms[0].Name != d.name {
		synonyms = synonyms[1:]
	}
	if !perBroker {
		synonyms = slices.DeleteFunc(synonyms, func(s kmsg.DescribeConfigsResponseResourceConfigConfigSynonym) bool {
			return s.Source != kmsg.ConfigSourceDynamicDefaultBrokerConfig
		})
	}
	c := kmsg.NewDescribeConfigsResponseResourceConfig()
	c.Name, c.ConfigType, c.IsSensitive, c.ReadOnly = d.name, d.typ, sensitive, !d.dynamic
	c.Value, c.Source = d.def, kmsg.ConfigSourceDefaultConfig
	if len(synonyms) > 0 {
		c.Value, c.Source = synonyms[0].Value, synonyms[0].Source
	}
	if sensitive {
		c.Value = nil
	}
	c.IsDefault = c.Source == kmsg.ConfigSourceDefaultConfig // v0
	if withSynonyms {
		c.ConfigSynonyms = synonyms
	}
	if withDocs {
		c.Documentation = kmsg.StringPtr(d.doc)
	}
	return c
}

// describeBrokerConfigs rebuilds a broker's DescribeConfigs entries from
// kfake's answer (brokerValues): for the broker (node), every config of
// KafkaConfig.configDef (ConfigHelper's allConfigs: nonInternalValues); for
// the cluster-wide defaults (node ""), the dynamic defaults
// (currentDynamicDefaultConfigs) of KafkaConfig's configs. keys, when
// given, keep those asked for.
func (p *protocol) describeBrokerConfigs(node string, kfake []kmsg.DescribeConfigsResponseResourceConfig, keys []string, withSynonyms, withDocs bool) []kmsg.DescribeConfigsResponseResourceConfig {
	vals := p.brokerValues(node, kfake)
	out := []kmsg.DescribeConfigsResponseResourceConfig{}
	for _, d := range brokerConfigDefs() {
		if len(keys) > 0 && !slices.Contains(keys, d.name) {
			continue
		}
		if _, ok := vals.dynamicDefault[d.name]; node == "" && !ok {
			continue
		}
		out = append(out, describeBrokerConfig(d, vals, node != "", withSynonyms, withDocs))
	}
	scalaHashMapOrder(out)
	return out
}

// scalaHashMapOrder puts configs in the order a Scala 2.13 mutable.HashMap
// of them iterates in, which is the order ConfigHelper.describeConfigs
// answers in (allConfigs' originals ++ nonInternalValues, configs.filter
// for the keys asked for, currentDynamicDefaultConfigs). Such a map
// (scala/scala v2.13.14 src/library/scala/collection/mutable/HashMap.scala)
// spreads String.hashCode (improveHash: h ^ h>>>16), starts at 16 buckets
// and doubles before an insertion that reaches three quarters of them
// (put0, growTable; a known size gives the same table for these counts),
// keeps each bucket in spread-hash order (put0) and iterates bucket by
// bucket.
func scalaHashMapOrder(configs []kmsg.DescribeConfigsResponseResourceConfig) {
	table := int32(16)
	for n := 1; n <= len(configs); n++ {
		if n >= int(float64(table)*0.75) {
			table *= 2
		}
	}
	spread := func(name string) int32 {
		var h int32
		for _, c := range utf16.Encode([]rune(name)) {
			h = 31*h + int32(c)
		}
		return h ^ int32(uint32(h)>>16)
	}
	slices.SortStableFunc(configs, func(a, b kmsg.DescribeConfigsResponseResourceConfig) int {
		ha, hb := spread(a.Name), spread(b.Name)
		if c := cmp.Compare(ha&(table-1), hb&(table-1)); c != 0 {
			return c
		}
		return cmp.Compare(ha, hb)
	})
}
