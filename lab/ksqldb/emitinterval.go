package ksqldb

import (
	"strconv"

	"github.com/ctalab/ctalab/lab/ksqldb/operators"
)

// emitIntervalKeys name Kafka Streams' internal setting of how often an
// EMIT FINAL aggregation tries a final emit
// (StreamsConfig.InternalConfig.EMIT_INTERVAL_MS_KSTREAMS_WINDOWED_AGGREGATION),
// as a query property: with ksqlDB's streams prefix, then without.
var emitIntervalKeys = []string{
	"ksql.streams.__emit.interval.ms.kstreams.windowed.aggregation__",
	"__emit.interval.ms.kstreams.windowed.aggregation__",
}

// setEmitInterval gives proc the emit interval props set, read as
// InternalConfig.getLong reads it (a number's whole part); anything else
// leaves Kafka Streams' default.
func setEmitInterval(proc *operators.Processor, props map[string]string) {
	for _, k := range emitIntervalKeys {
		v, ok := props[k]
		if !ok {
			continue
		}
		if ms, err := strconv.ParseInt(v, 10, 64); err == nil {
			proc.SetEmitInterval(ms)
		} else if f, err := strconv.ParseFloat(v, 64); err == nil {
			proc.SetEmitInterval(int64(f))
		}
		return
	}
}
