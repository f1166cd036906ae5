package connect

import (
	"bytes"
	"fmt"
	"log/slog"
	"math/big"
	"strings"
	"sync"
	"testing"

	"github.com/ctalab/ctalab/lab/connect/transforms"
)

// syncBuffer is a log sink safe for the worker's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// castStationName casts station_name to INT32, which fails (DataException)
// for every station whose name is not a number.
func castStationName(cfg map[string]string) map[string]string {
	cfg["transforms"] = "num"
	cfg["transforms.num.type"] = "org.apache.kafka.connect.transforms.Cast$Value"
	cfg["transforms.num.spec"] = "station_name:int32"
	return cfg
}

// With errors.tolerance=all a record a transformation fails on is skipped
// and counted, its offset still moves on, and with errors.log.enable and
// errors.log.include.messages the failure is logged with the record, as
// Kafka 3.9 documents the error-handling keys
// (https://kafka.apache.org/39/documentation.html#sourceconnectorconfigs,
// LogReporter's message).
func TestToleranceAllSkipsRecordsATransformationFailsOn(t *testing.T) {
	db := newTestDB(t, sharedPostgres(t))
	db.exec(t, `INSERT INTO stations VALUES (50000, 'N', 'Test stop', '95', 'Test (Blue Line)', 49999, 99, false, true, false)`)
	b := startBroker(t)
	logs := &syncBuffer{}
	wk := startWorker(t, b, WithLogger(slog.New(slog.NewTextHandler(logs, nil))))
	cfg := castStationName(referenceConfig(db))
	cfg["errors.tolerance"] = "all"
	cfg["errors.log.enable"] = "true"
	cfg["errors.log.include.messages"] = "true"
	createStations(t, wk, cfg)

	waitOffset(t, wk, 50000)
	vals := waitRecords(t, b, stationsTopic, 1)
	if want := `{"stop_id":50000,"direction_id":"N","stop_name":"Test stop","station_name":95,"station_descriptive_name":"Test (Blue Line)","station_id":49999,"order":99,"red":false,"blue":true,"green":false}`; vals[0] != want {
		t.Errorf("record:\n got %s\nwant %s", vals[0], want)
	}
	if n := wk.w.SkippedRecords("stations"); n != 230 {
		t.Errorf("skipped = %d, want 230", n)
	}
	st := waitStatus(t, wk, "stations", stateRunning)
	if st.Tasks[0].Trace != "" {
		t.Errorf("trace = %q", st.Tasks[0].Trace)
	}
	log := logs.String()
	for _, want := range []string{
		"Error encountered in task stations-0. Executing stage 'TRANSFORMATION' with class 'org.apache.kafka.connect.transforms.Cast$Value', where source record is = SourceRecord{sourcePartition={protocol=1, table=public.stations}, sourceOffset={incrementing=30001}} ConnectRecord{topic='org.chicago.cta.stations', kafkaPartition=null, key=null, keySchema=null, value=Struct{stop_id=30001,direction_id=E,stop_name=Austin (O'Hare-bound),station_name=Austin,",
		"Value (Austin) was out of range for requested data type",
	} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
}

// Without errors.log.enable nothing is logged per record.
func TestToleranceAllLogsNothingUnlessAsked(t *testing.T) {
	db := newTestDB(t, sharedPostgres(t))
	b := startBroker(t)
	logs := &syncBuffer{}
	wk := startWorker(t, b, WithLogger(slog.New(slog.NewTextHandler(logs, nil))))
	cfg := castStationName(referenceConfig(db))
	cfg["errors.tolerance"] = "all"
	createStations(t, wk, cfg)
	eventually(t, "230 skipped", func() string {
		if n := wk.w.SkippedRecords("stations"); n != 230 {
			return fmt.Sprint(n)
		}
		return ""
	})
	if strings.Contains(logs.String(), "Error encountered in task") {
		t.Errorf("logged: %s", logs.String())
	}
}

// With the default errors.tolerance=none the first failure fails the task
// with "Tolerance exceeded in error handler" caused by the transformation's
// exception (RetryWithToleranceOperator), and nothing is written.
func TestToleranceNoneFailsTheTask(t *testing.T) {
	db := newTestDB(t, sharedPostgres(t))
	b := startBroker(t)
	wk := startWorker(t, b)
	createStations(t, wk, castStationName(referenceConfig(db)))
	var st connectorStateInfo
	eventually(t, "task FAILED", func() string {
		st = connectorStateInfo{}
		wk.do(t, "GET", "/connectors/stations/status", nil).json(t, &st)
		if len(st.Tasks) != 1 || st.Tasks[0].State != stateFailed {
			return fmt.Sprintf("%+v", st)
		}
		return ""
	})
	want := "org.apache.kafka.connect.errors.ConnectException: Tolerance exceeded in error handler\n" +
		"Caused by: org.apache.kafka.connect.errors.DataException: Value (Austin) was out of range for requested data type"
	if st.Tasks[0].Trace != want || st.Connector.State != stateRunning {
		t.Errorf("status = %+v, want task trace %q", st, want)
	}
	if recs := readTopic(t, b, stationsTopic); len(recs) != 0 {
		t.Errorf("%d records written", len(recs))
	}
}

// A transformation whose configure() throws fails the task at start with
// the ConfigException, as Worker.buildWorkerTask wraps it.
func TestTransformConfigureFailureFailsTheTask(t *testing.T) {
	db := newTestDB(t, sharedPostgres(t))
	b := startBroker(t)
	wk := startWorker(t, b)
	cfg := referenceConfig(db)
	cfg["transforms"] = "ins"
	cfg["transforms.ins.type"] = "org.apache.kafka.connect.transforms.InsertField$Value"
	createStations(t, wk, cfg)
	var st connectorStateInfo
	eventually(t, "task FAILED", func() string {
		st = connectorStateInfo{}
		wk.do(t, "GET", "/connectors/stations/status", nil).json(t, &st)
		if len(st.Tasks) != 1 || st.Tasks[0].State != stateFailed {
			return fmt.Sprintf("%+v", st)
		}
		return ""
	})
	if !strings.HasPrefix(st.Tasks[0].Trace, "org.apache.kafka.connect.errors.ConnectException: org.apache.kafka.common.config.ConfigException: No field insertion configured") {
		t.Errorf("trace = %q", st.Tasks[0].Trace)
	}
}

// JsonConverter refuses a Decimal whose scale differs from its schema
// (Decimal.fromLogical), which is what MaskField's BigDecimal.ZERO is for a
// NUMERIC(10,2) column; the failure goes through the error tolerance at
// stage VALUE_CONVERTER like a transformation's.
func TestConverterFailuresGoThroughTheTolerance(t *testing.T) {
	stages := stagesOf(t, transformsOf("transforms", "m",
		"transforms.m.type", "org.apache.kafka.connect.transforms.MaskField$Value", "transforms.m.fields", "price"))
	dec := schema{Type: typeBytes, Name: logicalDecimal, Version: 1, Parameters: []param{{Key: "scale", Value: "2"}}}
	s, v := structOf([]field{{Name: "price", Schema: dec}}, decimalValue{Unscaled: big.NewInt(12345), Scale: 2})
	in := &transforms.Record{Topic: "t", ValueSchema: s, Value: v}
	masked := runChain(t, stages, in)

	logs := &syncBuffer{}
	w := &Worker{log: slog.New(slog.NewTextHandler(logs, nil))}
	conv := jsonRecordConverter{&jsonConverter{schemasEnable: false}}
	props := map[string]string{"key.converter": jsonConverterClass, "value.converter": jsonConverterClass}
	task := &sourceTask{w: w, connector: "c", id: 0, props: props, keyConv: conv, valConv: conv, errLog: true}
	_, err := task.convertRecord(in, masked)
	want := "org.apache.kafka.connect.errors.ConnectException: Tolerance exceeded in error handler\n" +
		"Caused by: org.apache.kafka.connect.errors.DataException: BigDecimal has mismatching scale value for given Decimal schema"
	if err == nil || traceOf(err) != want {
		t.Errorf("tolerance none: %v", err)
	}
	if !strings.Contains(logs.String(), "Executing stage 'VALUE_CONVERTER' with class 'org.apache.kafka.connect.json.JsonConverter'") {
		t.Errorf("log: %s", logs.String())
	}

	task.tolerateAll = true
	rec, err := task.convertRecord(in, masked)
	if rec != nil || err != nil || w.SkippedRecords("c") != 1 {
		t.Errorf("tolerance all: %v %v, skipped %d", rec, err, w.SkippedRecords("c"))
	}
	// A required field left null is refused the same way.
	ns, nv := structOf([]field{{Name: "id", Schema: schema{Type: typeInt32}}}, nil)
	if err := checkConnectData(ns, nv); err == nil || err.Error() != "org.apache.kafka.connect.errors.DataException: Conversion error: null value for field that is required and has no default value" {
		t.Errorf("required null: %v", err)
	}
	// The unmasked record converts.
	// 12345 is 0x3039: BASE64 "MDk=".
	if rec, err := task.convertRecord(in, in); err != nil || string(rec.Value) != `{"price":"MDk="}` {
		t.Errorf("valid record: %v %v", rec, err)
	}
}
