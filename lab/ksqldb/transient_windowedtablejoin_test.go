package ksqldb

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ctalab/ctalab/lab/ksqldb/restapi"
)

// A push join of two windowed tables starts, and its Kafka Streams app
// dies at the join's first result (confluentinc/ksql issue 8055, "Windowed
// table joins fail on triggering record"): ksqlDB 0.29 materializes the
// projection of a table-table join in Project-Last (TableSelectBuilder
// forces it, the join's KTableHolder being unmaterialized) with the key
// serde of the unwindowed key format, so putting the Windowed<GenericKey>
// result there fails in StateSerdes.rawKey (Kafka Streams 3.9.0): the
// LoggingSerializer's GenericSerializer casts the key to GenericKey, and
// rawKey rethrows the ClassCastException as a StreamsException "A
// serializer (...LoggingSerializer) is not compatible to the actual key
// type (key type: org.apache.kafka.streams.kstream.Windowed)...".
// ProcessorNode hands it to the default LogAndFailProcessingExceptionHandler
// (FailedProcessingException), and StreamTask.process throws a
// StreamsException "Exception caught in process. taskId=0_<partition>,
// processor=<the source node that read the record>, topic=..., partition=...,
// offset=..." caused by it. The windowed tables are WindowedTableSource
// steps (SourceBuilderV1.buildWindowedTable: the stream source, its
// KTABLE-SOURCE, the transform adding key and pseudo columns, then
// PrependAliasLeft), so the right table's source is KSTREAM-SOURCE-0000000004.
//
// What the client sees is what the push query's uncaught exception
// handler makes of that throwable: /query-stream's KsqlQueryHandle passes
// it to BlockingQueryPublisher.sendError, and QuerySubscriber.handleError
// writes a KsqlErrorMessage (50000) whose message is the throwable's
// toString() and ends the response (also for a SELECT on /query, which
// goes to that handler by default); the old /query's QueryStreamWriter
// (StreamsExceptionHandler, drainAndThrowOnError) writes, after a newline,
// {"errorMessage":...} built by ErrorMessageUtil.buildErrorMessage (each
// cause on a "Caused by: " line wrapped at 80 columns) and ",\n", and
// closes the response without ending the array.

const windowedTables = `CREATE TABLE A (ID INT PRIMARY KEY, X BIGINT) WITH (kafka_topic='a_topic', value_format='JSON', PARTITIONS=1, WINDOW_TYPE='Tumbling', WINDOW_SIZE='2 SECONDS');
CREATE TABLE B (ID INT PRIMARY KEY, Y BIGINT) WITH (kafka_topic='b_topic', value_format='JSON', PARTITIONS=1, WINDOW_TYPE='Tumbling', WINDOW_SIZE='2 SECONDS');`

// windowedTablesRecords writes A's windows [0,2000) of keys 1 and 2, then
// B's window [2000,4000) of key 1 (no window of A: no result) and its
// window [0,2000) of key 1 (offset 1 of b_topic), the join's first result.
func windowedTablesRecords(st *stack) {
	st.produceJoin(
		joinRec{"a_topic", 100, timeWindowKey(1, 0), []byte(`{"X":1}`)},
		joinRec{"a_topic", 200, timeWindowKey(2, 0), []byte(`{"X":2}`)},
		joinRec{"b_topic", 2100, timeWindowKey(1, 2000), []byte(`{"Y":3}`)},
		joinRec{"b_topic", 2200, timeWindowKey(1, 0), []byte(`{"Y":4}`)},
	)
}

// windowedTablesPush posts a push query of windowedTables to
// /query-stream, from the earliest offsets, with the Accept type given
// ("" for none), and reads its whole response: a response that does not
// end within 20s fails the spec.
func windowedTablesPush(t *testing.T, url, stmt, accept string) rawResp {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"sql": stmt, "properties": map[string]any{"auto.offset.reset": "earliest"}})
	cl := h2c()
	cl.Timeout = 20 * time.Second
	var hdr map[string]string
	if accept != "" {
		hdr = map[string]string{"Accept": accept}
	}
	return do(t, cl, http.MethodPost, url+"/query-stream", string(body), hdr)
}

const windowedJoinFailure = "Exception caught in process. taskId=0_0, processor=KSTREAM-SOURCE-0000000004, topic=b_topic, partition=0, offset=1"

func TestAPushJoinOfTwoWindowedTablesFailsAtItsFirstResultOnQueryStream(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, windowedTables, nil)
	windowedTablesRecords(st)
	want := restapi.GenericError{Type: "generic_error", ErrorCode: 50000,
		Message: "org.apache.kafka.streams.errors.StreamsException: " + windowedJoinFailure}
	wantLine, _ := json.Marshal(want)
	for _, accept := range []string{restapi.MediaDelimited, restapi.MediaJSON} {
		r := windowedTablesPush(t, url, "SELECT A.ID, X, Y FROM A JOIN B ON A.ID = B.ID EMIT CHANGES;", accept)
		if r.code != 200 {
			t.Fatalf("%s: %d %s", accept, r.code, r.body)
		}
		got := string(r.body)
		var md restapi.QueryMetadata
		switch accept {
		case restapi.MediaDelimited:
			// DelimitedQueryStreamResponseWriter: the metadata, the error, each on its line
			lines := strings.Split(got, "\n")
			if len(lines) != 3 || lines[1] != string(wantLine) || lines[2] != "" || json.Unmarshal([]byte(lines[0]), &md) != nil {
				t.Errorf("%s: body %q, want the metadata then %s", accept, got, wantLine)
			}
		default:
			// JsonQueryStreamResponseWriter: [metadata,error]
			head, _, _ := strings.Cut(got, ",{\"@type\"")
			if !strings.HasPrefix(got, "[") || got != head+","+string(wantLine)+"]" || json.Unmarshal([]byte(head[1:]), &md) != nil {
				t.Errorf("%s: body %q, want [metadata,%s]", accept, got, wantLine)
			}
		}
	}
}

// /query runs a SELECT on the query-stream handler in compatibility mode
// (ksql.endpoint.migrate.query, true by default), whose
// JsonStreamedRowResponseWriter writes QuerySubscriber's error as its last
// row and ends the array; with the property false, StreamedQueryResource
// runs it with QueryStreamWriter.
func TestAPushJoinOfTwoWindowedTablesFailsAtItsFirstResultOnTheQueryEndpoint(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, windowedTables, nil)
	windowedTablesRecords(st)
	// ErrorMessageUtil.buildErrorMessage: the StreamsException's message,
	// then its cause (rawKey's StreamsException) and that one's (the
	// ClassCastException of GenericKey::values), each after "Caused by: "
	// wrapped at 80 columns by WordUtils.wrap(..., 80, "\n\t", true)
	chain := windowedJoinFailure +
		"\nCaused by: A serializer (io.confluent.ksql.logging.processing.LoggingSerializer)" +
		"\n\tis not compatible to the actual key type (key type:" +
		"\n\torg.apache.kafka.streams.kstream.Windowed). Change the default Serdes in" +
		"\n\tStreamConfig or provide correct Serdes via method parameters." +
		"\nCaused by: class org.apache.kafka.streams.kstream.Windowed cannot be cast to" +
		"\n\tclass io.confluent.ksql.GenericKey (org.apache.kafka.streams.kstream.Windowed" +
		"\n\tand io.confluent.ksql.GenericKey are in unnamed module of loader 'app')"
	errRow := func(msg string) string {
		b, _ := json.Marshal(map[string]any{"errorMessage": restapi.GenericError{Type: "generic_error", ErrorCode: 50000, Message: msg}})
		return string(b)
	}
	for _, c := range []struct {
		migrate string
		suffix  string
	}{
		{"", ",\n" + errRow("org.apache.kafka.streams.errors.StreamsException: "+windowedJoinFailure) + "]\n"},
		{"false", "\n" + errRow(chain) + ",\n"},
	} {
		props := `"auto.offset.reset":"earliest"`
		if c.migrate != "" {
			props += `,"ksql.endpoint.migrate.query":"` + c.migrate + `"`
		}
		r := do(t, &http.Client{Timeout: 20 * time.Second}, http.MethodPost, url+"/query",
			`{"ksql":"SELECT A.ID, X, Y FROM A JOIN B ON A.ID = B.ID EMIT CHANGES;","streamsProperties":{`+props+`}}`, nil)
		got := string(r.body)
		if r.code != 200 || !strings.HasPrefix(got, `[{"header":{"queryId":"transient_A_`) || !strings.HasSuffix(got, c.suffix) ||
			strings.Contains(got, `"row"`) || strings.Count(got, "errorMessage") != 1 {
			t.Errorf("/query (migrate %q): %d %q\nwant the header, then %q", c.migrate, r.code, got, c.suffix)
		}
	}
}

// Before the key's ClassCastException reaches StateSerdes.rawKey, the
// LoggingSerializer of the Project-Last store's key serde logs it
// (LoggingSerializer.serialize, SerializationError): a type 3 entry of
// the serde's logger, processing.<query id>.Project.serializer
// (GenericSerdeFactory.wrapInLoggingSerde, the TableSelect step's query
// context), its target the key, its message the exception's (no cause),
// its topic the one MeteredKeyValueStore's serdes name, the store's
// changelog <application id>-Project-Last-changelog, and no record
// (ksql.logging.processing.rows.include is false).
func TestAPushJoinOfTwoWindowedTablesLogsItsProjectionsKeySerializationError(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithProcessingLog())
	mustKSQL(t, url, windowedTables, nil)
	windowedTablesRecords(st)
	r := windowedTablesPush(t, url, "SELECT A.ID, X, Y FROM A JOIN B ON A.ID = B.ID EMIT CHANGES;", "")
	var md restapi.QueryMetadata
	first, _, _ := strings.Cut(string(r.body), "\n")
	if r.code != 200 || json.Unmarshal([]byte(first), &md) != nil {
		t.Fatalf("push query: %d %s", r.code, r.body)
	}
	recs := st.records("default_ksql_processing_log", 1)
	var entry struct {
		Level, Logger string
		Message       struct {
			Type               int
			SerializationError *struct {
				Target, ErrorMessage, Topic string
				Record                      *string
				Cause                       []string
			}
		}
	}
	if err := json.Unmarshal(recs[0].Value, &entry); err != nil {
		t.Fatal(err)
	}
	se := entry.Message.SerializationError
	if entry.Level != "ERROR" || entry.Logger != "processing."+md.QueryID+".Project.serializer" || entry.Message.Type != 3 || se == nil ||
		se.Target != "key" || se.Record != nil || se.Cause == nil || len(se.Cause) != 0 ||
		se.ErrorMessage != "class org.apache.kafka.streams.kstream.Windowed cannot be cast to class io.confluent.ksql.GenericKey (org.apache.kafka.streams.kstream.Windowed and io.confluent.ksql.GenericKey are in unnamed module of loader 'app')" ||
		!strings.HasPrefix(se.Topic, "_confluent-ksql-default_transient_"+md.QueryID+"_") || !strings.HasSuffix(se.Topic, "-Project-Last-changelog") {
		t.Errorf("processing log entry %s", recs[0].Value)
	}
}

// A LEFT join forwards a result for the left table's first record, its
// right side null (KTableKTableLeftJoin), so the query dies there, at the
// left table's source node, KSTREAM-SOURCE-0000000000.
func TestAPushLeftJoinOfTwoWindowedTablesFailsAtTheLeftTablesFirstRecord(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, windowedTables, nil)
	windowedTablesRecords(st)
	r := windowedTablesPush(t, url, "SELECT A.ID, X, Y FROM A LEFT JOIN B ON A.ID = B.ID EMIT CHANGES;", "")
	want, _ := json.Marshal(restapi.GenericError{Type: "generic_error", ErrorCode: 50000,
		Message: "org.apache.kafka.streams.errors.StreamsException: Exception caught in process. taskId=0_0, processor=KSTREAM-SOURCE-0000000000, topic=a_topic, partition=0, offset=0"})
	lines := strings.Split(string(r.body), "\n")
	if r.code != 200 || len(lines) != 3 || lines[1] != string(want) {
		t.Errorf("LEFT JOIN: %d %q, want the metadata then %s", r.code, r.body, want)
	}
}
