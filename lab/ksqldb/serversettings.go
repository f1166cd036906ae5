package ksqldb

import (
	"errors"
	"strings"
)

// checkServerSettings parses the Kafka Streams settings the options gave
// as the KsqlConfig constructor does (confluentinc/ksql v7.9.0
// KsqlConfig.buildStreamingConfig, ConfigItem.Resolved.parseValue): each
// value trimmed (ConfigDef.parseType of a STRING) and checked by its key's
// validator, a value the key does not take refused with Kafka's
// ConfigException text naming the key without ksql.streams., as a
// ksqldb-server so configured does not start.
func checkServerSettings(cfg *config) error {
	cfg.offsetReset = strings.TrimSpace(cfg.offsetReset)
	cfg.guarantee = strings.TrimSpace(cfg.guarantee)
	if msg := parseConfigValue(findKey(consumerConfigKeys, "auto.offset.reset"), cfg.offsetReset); msg != "" {
		return errors.New(msg)
	}
	return checkGuarantee("processing.guarantee", cfg.guarantee)
}
