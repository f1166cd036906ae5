package ksqldb

import (
	"testing"
)

// The how-to guide "Use lambda functions", beyond what lambda_test.go runs
// (its TestLambdaInPersistentQuery is the guide's TRANSFORM example over
// JSON). The guide's persistent queries write MAP and ARRAY results in
// AVRO; its advanced example declares a DECIMAL ksqlDB itself refuses.
// https://docs.ksqldb.io/en/0.29.0-ksqldb/how-to-guides/use-lambda-functions/

// Section "Apply a lambda invocation function": the persistent query
// writes TRANSFORM's MAP result in AVRO; the inserted map
// {hello: 15, goodbye: -5} comes out with upper-cased keys and 5 added to
// each value (the guide's output shows HELLO: 20 and GOODBYE: 0).
func TestHowToLambdaTransformWritesItsMapResultInAvro(t *testing.T) {
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
	mustKSQL(t, url, `CREATE STREAM output AS
  SELECT id, 
  TRANSFORM(lambda_map, (k, v) => UCASE(k), (k, v) => v + 5) 
  FROM stream1;`, earliest())
	mustKSQL(t, url, `INSERT INTO stream1 (
  id, lambda_map
) VALUES (
  3, MAP('hello':= 15, 'goodbye':= -5)
);`, nil)
	_, rows := pushRows(t, url, "SELECT * FROM output AS final_output EMIT CHANGES LIMIT 1;", 1)
	if want := `[3,{"GOODBYE":0,"HELLO":20}]`; rows[0] != want {
		t.Errorf("row %s, want %s", rows[0], want)
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
