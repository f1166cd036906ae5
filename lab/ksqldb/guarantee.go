package ksqldb

import (
	"slices"
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
)

// Values of processing.guarantee (Kafka Streams' StreamsConfig).
const (
	guaranteeAtLeastOnce   = "at_least_once"
	guaranteeExactlyOnceV2 = "exactly_once_v2"
)

// guaranteeValues are the values Kafka Streams 3.x accepts, in its order;
// exactly_once and exactly_once_beta are deprecated there and not run here.
var guaranteeValues = []string{guaranteeAtLeastOnce, "exactly_once", "exactly_once_beta", guaranteeExactlyOnceV2}

// guaranteeKeys are the property names that set a query's processing guarantee, by precedence.
var guaranteeKeys = []string{"ksql.streams.processing.guarantee", "processing.guarantee"}

// WithProcessingGuarantee sets the server default of
// ksql.streams.processing.guarantee: "at_least_once" (ksqlDB's default: no
// transactions) or "exactly_once_v2" (each poll's results, state changelog and
// offsets are written in one Kafka transaction). Default: "at_least_once".
func WithProcessingGuarantee(g string) Option {
	return func(c *config) { c.guarantee, c.guaranteeSet = g, true }
}

// checkGuarantee validates a processing.guarantee value as ksqlDB does, and
// refuses the deprecated exactly-once variants this server does not run.
func checkGuarantee(name, value string) error {
	switch value {
	case guaranteeAtLeastOnce, guaranteeExactlyOnceV2:
		return nil
	case "exactly_once", "exactly_once_beta":
		return stmterr.Unsupported("processing.guarantee " + value)
	}
	return stmterr.Bad("Invalid value %s for configuration %s: String must be one of: %s", value, name, strings.Join(guaranteeValues, ", "))
}

// unsupportedGuarantee refuses a request whose processing.guarantee is one
// of the deprecated exactly-once values Kafka Streams 3.9 still takes and
// this server does not run; a value Kafka does not take at all is refused
// as the overrides are typed (coerceOverrides).
func unsupportedGuarantee(props map[string]string) error {
	for _, k := range guaranteeKeys {
		if v, ok := props[k]; ok && slices.Contains(guaranteeValues, strings.TrimSpace(v)) {
			if err := checkGuarantee(k, strings.TrimSpace(v)); err != nil {
				return err
			}
		}
	}
	return nil
}

// guarantee is the processing guarantee of a query created with props.
func (s *Server) guarantee(props map[string]string) string {
	for _, k := range guaranteeKeys {
		if v, ok := props[k]; ok {
			return strings.TrimSpace(v)
		}
	}
	return s.cfg.guarantee
}
