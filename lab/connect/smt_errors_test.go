package connect

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
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
