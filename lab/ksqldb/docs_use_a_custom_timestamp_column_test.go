package ksqldb

import (
	"encoding/json"
	"testing"
	"time"
)

// The how-to guide "Use a custom timestamp column", run as written: the
// guide's statements go to /ksql, its push queries to /query with the SET's
// property, and the rows are the guide's output tables in the REST API's
// JSON form. TIMESTAMPTOSTRING without a zone formats in the server's zone,
// UTC here, as in the guide's tables.
// https://docs.ksqldb.io/en/0.29.0-ksqldb/how-to-guides/use-a-custom-timestamp-column/

const howToTimestampS1 = `SET 'auto.offset.reset' = 'earliest';
CREATE STREAM s1 (
    k VARCHAR KEY,
    ts VARCHAR,
    v1 INT,
    v2 VARCHAR
) WITH (
    kafka_topic = 's1',
    partitions = 1,
    value_format = 'avro'
);
INSERT INTO s1 (
    k, ts, v1, v2
) VALUES (
    'k1', '2020-05-04 01:00:00', 0, 'a'
);
INSERT INTO s1 (
    k, ts, v1, v2
) VALUES (
    'k2', '2020-05-04 02:00:00', 1, 'b'
);`

// Section "Using event-time": without the timestamp property ROWTIME is
// the Kafka record's timestamp, the wall clock at INSERT time.
func TestHowToTimestampRowtimeIsTheRecordTimeByDefault(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	before := time.Now().UnixMilli()
	mustKSQL(t, url, howToTimestampS1, nil)
	after := time.Now().UnixMilli()
	hdr, rows := rawPushRows(t, url, `SELECT k,
       ROWTIME,
       TIMESTAMPTOSTRING(ROWTIME, 'yyyy-MM-dd HH:mm:ss.SSS') AS rowtime_formatted,
       ts,
       v1,
       v2
FROM s1
EMIT CHANGES LIMIT 2;`, 2)
	if want := "`K` STRING, `ROWTIME` BIGINT, `ROWTIME_FORMATTED` STRING, `TS` STRING, `V1` INTEGER, `V2` STRING"; hdr != want {
		t.Errorf("header %s\nwant   %s", hdr, want)
	}
	rest := []string{`["2020-05-04 01:00:00",0,"a"]`, `["2020-05-04 02:00:00",1,"b"]`}
	for i, r := range rows {
		var cols []any
		if err := json.Unmarshal([]byte(r), &cols); err != nil || len(cols) != 6 {
			t.Fatalf("row %s: %v", r, err)
		}
		rowtime := int64(cols[1].(float64))
		if rowtime < before || rowtime > after {
			t.Errorf("row %d ROWTIME %d is not the INSERT's wall clock [%d, %d]", i, rowtime, before, after)
		}
		if f := time.UnixMilli(rowtime).UTC().Format("2006-01-02 15:04:05.000"); cols[2] != f {
			t.Errorf("row %d ROWTIME_FORMATTED %v, want %s", i, cols[2], f)
		}
		tail, _ := json.Marshal(cols[3:])
		if cols[0] != []string{"k1", "k2"}[i] || string(tail) != rest[i] {
			t.Errorf("row %d %s", i, r)
		}
	}
}

// Section "Using event-time": a stream derived WITH (timestamp = 'ts',
// timestamp_format = ...) takes ROWTIME from ts.
func TestHowToTimestampDerivedStreamTakesRowtimeFromTheFormattedColumn(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, howToTimestampS1+`
CREATE STREAM S2 WITH (
    timestamp = 'ts',
    timestamp_format = 'yyyy-MM-dd HH:mm:ss'
)   AS
    SELECT *
    FROM s1
    EMIT CHANGES;`, nil)
	_, rows := rawPushRows(t, url, `SELECT k,
       ROWTIME,
       TIMESTAMPTOSTRING(ROWTIME, 'yyyy-MM-dd HH:mm:ss.SSS') AS rowtime_formatted,
       ts,
       v1,
       v2
FROM s2
EMIT CHANGES LIMIT 2;`, 2)
	sameLines(t, "s2", rows, []string{
		`["k1",1588554000000,"2020-05-04 01:00:00.000","2020-05-04 01:00:00",0,"a"]`,
		`["k2",1588557600000,"2020-05-04 02:00:00.000","2020-05-04 02:00:00",1,"b"]`,
	})
}

// Section "Timestamps on base streams/tables": the properties are accepted
// on a declared stream, and the records of its topic keep their own
// timestamps (only ROWTIME of what reads s3 changes).
func TestHowToTimestampBaseStreamAcceptsTimestampProperties(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	ents := mustKSQL(t, url, `CREATE STREAM s3 (
    k VARCHAR KEY,
    ts VARCHAR,
    v1 INT
) WITH (
    kafka_topic = 's3',
    partitions = 1,
    value_format = 'avro',
    timestamp = 'ts',
    timestamp_format = 'yyyy-MM-dd HH:mm:ss'
);`, nil)
	if st, _ := ents[0]["commandStatus"].(map[string]any); st["message"] != "Stream created" {
		t.Errorf("create s3: %v", ents)
	}
	desc := mustKSQL(t, url, "DESCRIBE s3 EXTENDED;", nil)
	src, _ := desc[0]["sourceDescription"].(map[string]any)
	if src["timestamp"] != "TS" {
		t.Errorf("DESCRIBE s3 timestamp %v, want TS", src["timestamp"])
	}
}

// Section "Timestamps as long values": a BIGINT timestamp column is read
// as epoch milliseconds without a timestamp_format.
func TestHowToTimestampBigintColumnIsEpochMillis(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `SET 'auto.offset.reset' = 'earliest';
CREATE STREAM s4 (
    k VARCHAR KEY,
    ts BIGINT,
    v1 INT,
    v2 VARCHAR
) WITH (
    kafka_topic = 's4',
    partitions = 1,
    value_format = 'avro',
    timestamp = 'ts'
);
INSERT INTO s4 (
    k, ts, v1, v2
) VALUES (
    'k1', 1562634000000, 0, 'a'
);
INSERT INTO s4 (
    k, ts, v1, v2
) VALUES (
    'k2', 1588509000000, 1, 'b'
);
INSERT INTO s4 (
    k, ts, v1, v2
) VALUES (
    'k3', 1588736700000, 2, 'c'
);`, nil)
	hdr, rows := rawPushRows(t, url, `SELECT k,
       ROWTIME,
       ts,
       TIMESTAMPTOSTRING(ROWTIME, 'yyyy-MM-dd HH:mm:ss.SSS') AS rowtime_formatted,
       TIMESTAMPTOSTRING(ts, 'yyyy-MM-dd HH:mm:ss.SSS') AS ts_formatted,
       v1,
       v2
FROM s4
EMIT CHANGES LIMIT 3;`, 3)
	if want := "`K` STRING, `ROWTIME` BIGINT, `TS` BIGINT, `ROWTIME_FORMATTED` STRING, `TS_FORMATTED` STRING, `V1` INTEGER, `V2` STRING"; hdr != want {
		t.Errorf("header %s\nwant   %s", hdr, want)
	}
	sameLines(t, "s4", rows, []string{
		`["k1",1562634000000,1562634000000,"2019-07-09 01:00:00.000","2019-07-09 01:00:00.000",0,"a"]`,
		`["k2",1588509000000,1588509000000,"2020-05-03 12:30:00.000","2020-05-03 12:30:00.000",1,"b"]`,
		`["k3",1588736700000,1588736700000,"2020-05-06 03:45:00.000","2020-05-06 03:45:00.000",2,"c"]`,
	})
}

// Section "Timestamps represented by TIMESTAMP columns": a TIMESTAMP column
// needs no timestamp_format, and its string literals may omit seconds.
func TestHowToTimestampTimestampColumnSetsRowtime(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `SET 'auto.offset.reset' = 'earliest';
CREATE STREAM s5 (
    k VARCHAR KEY,
    ts TIMESTAMP,
    v1 INT,
    v2 VARCHAR
) WITH (
    kafka_topic = 's5',
    partitions = 1,
    value_format = 'avro',
    timestamp = 'ts'
);
INSERT INTO s5 (
    k, ts, v1, v2
) VALUES (
    'k1', '2019-07-09T01:00', 0, 'a'
);
INSERT INTO s5 (
    k, ts, v1, v2
) VALUES (
    'k2', '2020-05-03T12:30:00', 1, 'b'
);
INSERT INTO s5 (
    k, ts, v1, v2
) VALUES (
    'k3', '2020-05-06T03:45', 2, 'c'
);`, nil)
	hdr, rows := rawPushRows(t, url, `SELECT k,
       ROWTIME,
       ts,
       v1,
       v2
FROM s5
EMIT CHANGES LIMIT 3;`, 3)
	if want := "`K` STRING, `ROWTIME` BIGINT, `TS` TIMESTAMP, `V1` INTEGER, `V2` STRING"; hdr != want {
		t.Errorf("header %s\nwant   %s", hdr, want)
	}
	sameLines(t, "s5", rows, []string{
		`["k1",1562634000000,"2019-07-09T01:00:00.000",0,"a"]`,
		`["k2",1588509000000,"2020-05-03T12:30:00.000",1,"b"]`,
		`["k3",1588736700000,"2020-05-06T03:45:00.000",2,"c"]`,
	})
}
