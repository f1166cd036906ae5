package ksqldb

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// A foreign-key join of a table keyed by several columns, one of which is
// the foreign key, is keyed by all of the left table's key columns, which
// its projection must include (confluentinc/ksql v7.9.4
// query-validation-tests fk-join.json
// "Should support inner join with left key-column expression", "... left
// join ...", "Should fail on partial left source key in projection",
// "Should fail if all result key columns are missing for left join";
// JoinNode.validateKeyPresent and throwMissingKeyColumnForFkJoinException,
// which names the left table as SourceName prints it, in backticks).
func TestForeignKeyJoinOfATableWithSeveralKeyColumnsAsKsqlDBsTestCases(t *testing.T) {
	const ddl = `CREATE TABLE left_table (l_id BIGINT PRIMARY KEY, l_id_2_foreign_key BIGINT PRIMARY KEY, name VARCHAR, value BIGINT) WITH (kafka_topic='left_topic', format='JSON', PARTITIONS=1);
CREATE TABLE right_table (r_id BIGINT PRIMARY KEY, f1 VARCHAR, f2 BIGINT) WITH (kafka_topic='right_topic', format='JSON', PARTITIONS=1);`
	for _, c := range []struct {
		upstream, query string
		inputs          []joinRec
		want            []string // key value timestamp
	}{
		{
			upstream: "Should support inner join with left key-column expression",
			query:    "CREATE TABLE output AS SELECT l_id, l_id_2_foreign_key, r_id, name, f1 FROM left_table JOIN right_table ON l_id_2_foreign_key = r_id;",
			inputs: []joinRec{
				{"right_topic", 0, []byte(`0`), []byte(`{"F1":"blah","F2":4}`)},
				{"left_topic", 10000, []byte(`{"L_ID":1,"L_ID_2_FOREIGN_KEY":0}`), []byte(`{"NAME":"zero","VALUE":0}`)},
				{"left_topic", 13000, []byte(`{"L_ID":0,"L_ID_2_FOREIGN_KEY":100}`), []byte(`{"NAME":"foo","VALUE":100}`)},
				{"right_topic", 15000, []byte(`0`), []byte(`{"F1":"a","F2":10}`)},
				{"left_topic", 16000, []byte(`{"L_ID":10,"L_ID_2_FOREIGN_KEY":0}`), []byte(`{"NAME":"bar","VALUE":0}`)},
				{"right_topic", 17000, []byte(`0`), nil},
				{"left_topic", 18000, []byte(`{"L_ID":1,"L_ID_2_FOREIGN_KEY":0}`), nil},
			},
			want: []string{
				`{"L_ID":1,"L_ID_2_FOREIGN_KEY":0} {"R_ID":0,"NAME":"zero","F1":"blah"} 10000`,
				`{"L_ID":1,"L_ID_2_FOREIGN_KEY":0} {"R_ID":0,"NAME":"zero","F1":"a"} 15000`,
				`{"L_ID":10,"L_ID_2_FOREIGN_KEY":0} {"R_ID":0,"NAME":"bar","F1":"a"} 16000`,
				`{"L_ID":1,"L_ID_2_FOREIGN_KEY":0} null 17000`,
				`{"L_ID":10,"L_ID_2_FOREIGN_KEY":0} null 17000`,
				`{"L_ID":1,"L_ID_2_FOREIGN_KEY":0} null 18000`,
			},
		}, {
			upstream: "Should support left join with left key-column expression",
			query:    "CREATE TABLE output AS SELECT l_id, l_id_2_foreign_key, r_id, name, f1 FROM left_table LEFT JOIN right_table ON l_id_2_foreign_key = r_id;",
			inputs: []joinRec{
				{"left_topic", 0, []byte(`{"L_ID":1,"L_ID_2_FOREIGN_KEY":0}`), []byte(`{"NAME":"zero","VALUE":0}`)},
				{"right_topic", 10000, []byte(`0`), []byte(`{"F1":"blah","F2":4}`)},
				{"left_topic", 11000, []byte(`{"L_ID":1,"L_ID_2_FOREIGN_KEY":0}`), []byte(`{"NAME":"zero","VALUE":0}`)},
				{"left_topic", 13000, []byte(`{"L_ID":0,"L_ID_2_FOREIGN_KEY":100}`), []byte(`{"NAME":"foo","VALUE":100}`)},
				{"right_topic", 15000, []byte(`0`), []byte(`{"F1":"a","F2":10}`)},
				{"left_topic", 16000, []byte(`{"L_ID":10,"L_ID_2_FOREIGN_KEY":0}`), []byte(`{"NAME":"bar","VALUE":0}`)},
				{"right_topic", 17000, []byte(`0`), nil},
				{"left_topic", 18000, []byte(`{"L_ID":1,"L_ID_2_FOREIGN_KEY":0}`), nil},
				{"left_topic", 19000, []byte(`{"L_ID":0,"L_ID_2_FOREIGN_KEY":100}`), nil},
			},
			want: []string{
				`{"L_ID":1,"L_ID_2_FOREIGN_KEY":0} {"R_ID":null,"NAME":"zero","F1":null} 0`,
				`{"L_ID":1,"L_ID_2_FOREIGN_KEY":0} {"R_ID":0,"NAME":"zero","F1":"blah"} 10000`,
				`{"L_ID":1,"L_ID_2_FOREIGN_KEY":0} {"R_ID":0,"NAME":"zero","F1":"blah"} 11000`,
				`{"L_ID":0,"L_ID_2_FOREIGN_KEY":100} {"R_ID":null,"NAME":"foo","F1":null} 13000`,
				`{"L_ID":1,"L_ID_2_FOREIGN_KEY":0} {"R_ID":0,"NAME":"zero","F1":"a"} 15000`,
				`{"L_ID":10,"L_ID_2_FOREIGN_KEY":0} {"R_ID":0,"NAME":"bar","F1":"a"} 16000`,
				`{"L_ID":1,"L_ID_2_FOREIGN_KEY":0} {"R_ID":null,"NAME":"zero","F1":null} 17000`,
				`{"L_ID":10,"L_ID_2_FOREIGN_KEY":0} {"R_ID":null,"NAME":"bar","F1":null} 17000`,
				// one tombstone per delete: v7.9.4's fk-join.json (v7.9.0's
				// had two, CP 7.9.4's Kafka Streams unsubscribes the old
				// key unanswered, KAFKA-18713)
				`{"L_ID":1,"L_ID_2_FOREIGN_KEY":0} null 18000`,
				`{"L_ID":0,"L_ID_2_FOREIGN_KEY":100} null 19000`,
			},
		},
	} {
		t.Run(c.upstream, func(t *testing.T) {
			st, _ := runJoinQuery(t, ddl, c.inputs, c.query)
			var got []string
			for _, r := range st.consumeJoin("OUTPUT", len(c.want)) {
				v := string(r.value)
				if r.value == nil {
					v = "null"
				}
				got = append(got, fmt.Sprintf("%s %s %d", r.key, v, r.ts))
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("OUTPUT\n got %q\nwant %q", got, c.want)
			}
			ends, err := st.adm.ListEndOffsets(context.Background(), "OUTPUT")
			if o, _ := ends.Lookup("OUTPUT", 0); err != nil || o.Offset != int64(len(c.want)) {
				t.Errorf("OUTPUT holds %d records, want %d (%v)", o.Offset, len(c.want), err)
			}
		})
	}
	t.Run("refusals", func(t *testing.T) {
		st := newStack(t)
		_, url := st.serve()
		mustKSQL(t, url, `CREATE TABLE left_table (l_id_1 BIGINT PRIMARY KEY, l_id_2 BIGINT PRIMARY KEY, f1 VARCHAR, foreign_key BIGINT) WITH (kafka_topic='left_topic', format='JSON', PARTITIONS=1);
CREATE TABLE right_table (r_id BIGINT PRIMARY KEY, f2 BIGINT) WITH (kafka_topic='right_topic', format='JSON', PARTITIONS=1);`, nil)
		for _, c := range []struct{ query, msg string }{
			{"CREATE TABLE output AS SELECT l_id_1, f1, foreign_key, r_id, f2 FROM left_table JOIN right_table ON foreign_key = r_id;",
				"Primary key column missing in projection. For foreign-key table-table joins, the projection must include all primary key columns from the left input table (`LEFT_TABLE`). Missing column: `L_ID_2`."},
			{"CREATE TABLE output AS SELECT f1, foreign_key, r_id, f2 FROM left_table LEFT JOIN right_table ON foreign_key = r_id;",
				"Primary key columns missing in projection. For foreign-key table-table joins, the projection must include all primary key columns from the left input table (`LEFT_TABLE`). Missing columns: `L_ID_1`, `L_ID_2`."},
		} {
			code, e := stmtErr(t, url, c.query)
			if msg := fmt.Sprint(e["message"]); code != 400 || !strings.Contains(msg, c.msg) {
				t.Errorf("%s\n got %d %q\nwant %q", c.query, code, msg, c.msg)
			}
		}
	})
}
