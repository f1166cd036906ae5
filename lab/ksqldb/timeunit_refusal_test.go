package ksqldb

import (
	"strings"
	"testing"
)

// DATEADD and its kin take an expression where their time unit belongs and
// match their one signature as UdfIndex does, so a DATE column there is a
// DATE argument the function does not accept (query-validation-tests
// dateadd.json, datesub.json, timeadd.json, timesub.json, timestampadd.json,
// timestampsub.json "throws on incorrect type").
func TestTimeUnitFunctionWithoutUnitIsNoMatchingFunction(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM EV (ID STRING KEY, D DATE, T TIME, TS TIMESTAMP) WITH (kafka_topic='ev', partitions=1, value_format='JSON');", nil)
	for stmt, want := range map[string]string{
		"CREATE STREAM X1 AS SELECT ID, DATEADD(D, 5, D) FROM EV;":        "Function 'dateadd' does not accept parameters (DATE, INTEGER, DATE).\nValid alternatives are:\ndateadd(INTERVAL UNIT unit, INTEGER interval, DATE date)\n",
		"CREATE STREAM X2 AS SELECT ID, TIMESUB(T, 5, T) FROM EV;":        "Function 'timesub' does not accept parameters (TIME, INTEGER, TIME).\nValid alternatives are:\ntimesub(INTERVAL UNIT unit, INTEGER interval, TIME time)\n",
		"CREATE STREAM X3 AS SELECT ID, TIMESTAMPADD(TS, 5, TS) FROM EV;": "Function 'timestampadd' does not accept parameters (TIMESTAMP, INTEGER, TIMESTAMP).",
		"CREATE STREAM X4 AS SELECT ID, DATESUB(DAYS, 5) FROM EV;":        "Function 'datesub' does not accept parameters (INTERVAL UNIT, INTEGER).",
		"CREATE STREAM X5 AS SELECT ID, DATEADD(NOPE, 5, D) FROM EV;":     "NOPE",
		// DAY is a nonReserved word: an identifier, here a column
		"CREATE STREAM X6 AS SELECT ID, DATEADD(DAY, 5, D) FROM EV;": "DAY",
	} {
		_, body := stmtErr(t, url, stmt)
		if msg, _ := body["message"].(string); !strings.HasPrefix(msg, want) && !(len(want) < 5 && strings.Contains(msg, "'"+want+"' cannot be resolved")) {
			t.Errorf("%s\n got %q\nwant %q", stmt, msg, want)
		}
	}
}
