package ksqldb

import (
	"strings"
	"testing"
)

// A stream record with a null value is partitioned as ksqlDB's PartitionBy
// step maps it: each PARTITION BY expression that reads the key columns
// alone (or no column) is evaluated on the key, what it throws logged
// under processing.<query id>.PartitionBy as "Error computing new key from
// expression <expression>"; any other is evaluated on the null value, so
// resolving its first column argument throws the NullPointerException
// HotSpot describes from CodeGenSpec.ValueArgumentSpec.resolve's
// value.get(columnIndex), logged the same way; both keys are NULL and the
// value passes on null (confluentinc/ksql v7.9.0 ksqldb-streams
// .../PartitionByParamsFactory.java build, PartitionByExpressionEvaluator;
// ksqldb-execution .../codegen/CompiledExpression.java evaluate,
// CodeGenSpec.java resolveArguments; partition-by.json "partition by with
// null value" and "key expression - with null value" give the null value
// and the key).
func TestProcessingLogHoldsWhatPartitionByThrowsOnARecordWithANullValue(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithProcessingLog())
	mustKSQL(t, url, `CREATE STREAM nv (id INT KEY, name STRING) WITH (KAFKA_TOPIC='nv', PARTITIONS=1, FORMAT='JSON');
CREATE STREAM nvout AS SELECT * FROM nv PARTITION BY 10 / id, name;`, earliest())
	st.produce("nv", kv{[]byte(`0`), nil}, kv{[]byte(`2`), nil})
	out := st.consume("NVOUT", 2)
	t.Run("the records pass on with a null value, keyed by what the key alone gives", func(t *testing.T) {
		if out[0].value != nil || out[1].value != nil || !strings.Contains(string(out[1].key), `"KSQL_COL_0":5`) || strings.Contains(string(out[0].key), `"KSQL_COL_0":5`) {
			t.Errorf("records %q %q / %q %q, want null values, the second keyed by KSQL_COL_0 5", out[0].key, out[0].value, out[1].key, out[1].value)
		}
	})
	t.Run("PartitionBy logs what each expression throws", func(t *testing.T) {
		npe := []string{`Cannot invoke "io.confluent.ksql.GenericRow.get(int)" because "value" is null`}
		checkEntries(t, processingLogEntries(t, st, url, 3), "CSAS_NVOUT_", []logEntry{
			{"PartitionBy", "Error computing new key from expression (10 / ID)", []string{"/ by zero"}},
			{"PartitionBy", "Error computing new key from expression NAME", npe},
			{"PartitionBy", "Error computing new key from expression NAME", npe},
		})
	})
}

// A join on an expression rekeys that side's stream by it before the
// join, in a SelectKey step named after the side, <Side>SourceKeyed, over
// the source's own column names (historical_plans
// joins_-_stream_stream_join_-_contains_arithmetic_binary_expression: the
// RightSourceKeyed step's keyExpression (ID + 1)); its PartitionBy params
// log what the expression throws as "Error computing new key from
// expression <expression>" under processing.<query id>.<Side>SourceKeyed,
// the key NULL, which the join then drops; over a record with a null
// value, an expression that reads more than the key throws the
// NullPointerException PARTITION BY's does (confluentinc/ksql v7.9.0
// ksqldb-streams .../StreamSelectKeyBuilder.java, PartitionByParamsFactory.java).
func TestProcessingLogHoldsWhatAJoinKeyExpressionThrows(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithProcessingLog())
	mustKSQL(t, url, `CREATE STREAM jl (id INT KEY, v INT) WITH (KAFKA_TOPIC='jl', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE STREAM jr (id INT KEY, b INT) WITH (KAFKA_TOPIC='jr', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE STREAM jout AS SELECT l.id, r.b FROM jl l JOIN jr r WITHIN 30 SECONDS ON l.id = 10 / r.b;`, earliest())
	st.produce("jr", kv{intKey(1), []byte(`{"B":0}`)}, kv{intKey(2), []byte(`{"B":5}`)}, kv{intKey(3), nil})
	st.produce("jl", kv{intKey(2), []byte(`{"V":1}`)})
	out := st.consume("JOUT", 1)
	t.Run("the row keyed by what the expression gives joins", func(t *testing.T) {
		if string(out[0].value) != `{"B":5}` {
			t.Errorf("record %q %q, want the value {\"B\":5}", out[0].key, out[0].value)
		}
	})
	t.Run("the rekey step logs what the expression throws, over a null value too", func(t *testing.T) {
		checkEntries(t, processingLogEntries(t, st, url, 2), "CSAS_JOUT_", []logEntry{
			{"RightSourceKeyed", "Error computing new key from expression (10 / B)", []string{"/ by zero"}},
			{"RightSourceKeyed", "Error computing new key from expression (10 / B)", []string{`Cannot invoke "io.confluent.ksql.GenericRow.get(int)" because "value" is null`}},
		})
	})
}
