package ksqldb

import (
	"testing"
)

// The how-to guide "Use lambda functions", beyond what lambda_test.go runs
// (its TestLambdaInPersistentQuery is the guide's TRANSFORM example over
// JSON). The guide's persistent queries write MAP and ARRAY results in
// AVRO, which this server refuses as not supported; its advanced example
// declares a DECIMAL ksqlDB itself refuses.
// https://docs.ksqldb.io/en/0.29.0-ksqldb/how-to-guides/use-lambda-functions/

// Section "Apply a lambda invocation function": the stream is declared as
// written, and the persistent query's MAP result in AVRO is refused as not
// supported by this server, naming the column type.
func TestHowToLambdaAvroMapResultIsRefusedAsNotSupported(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM stream1 (
  id INT,
  lambda_map MAP<STRING, INTEGER>
) WITH (
  kafka_topic = 'stream1',
  partitions = 1,
  value_format = 'avro'
);`, nil)
	code, e := stmtErr(t, url, `CREATE STREAM output AS
  SELECT id, 
  TRANSFORM(lambda_map, (k, v) => UCASE(k), (k, v) => v + 5) 
  FROM stream1;`)
	want := "writing column type MAP<STRING, INTEGER> in the 'AVRO' format is not supported by this ksqlDB server"
	if code != 400 || e["error_code"] != 40001.0 || e["message"] != want {
		t.Errorf("%d %v\nwant 400 40001 %q", code, e["message"], want)
	}
}

// Section "Advanced lambda use cases": DECIMAL(2,3) has a scale above its
// precision, which ksqlDB refuses (SqlDecimal.validateParameters).
func TestHowToLambdaAdvancedExamplesDecimalIsRefused(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	code, e := stmtErr(t, url, `CREATE STREAM stream4 (
  id INT,
  lambda_map MAP<STRING, ARRAY<DECIMAL(2,3)>>
) WITH (
  kafka_topic = 'stream4',
  partitions = 1,
  value_format = 'avro'
);`)
	if want := "DECIMAL precision must be >= scale: DECIMAL(2,3)"; code != 400 || e["message"] != want {
		t.Errorf("%d %v\nwant 400 %q", code, e["message"], want)
	}
}
