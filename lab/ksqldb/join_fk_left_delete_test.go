package ksqldb

import (
	"testing"
)

// A LEFT JOIN of two tables on a foreign key gives a deleted left row one
// tombstone, as CP 7.9.4 runs it: its Kafka Streams (confluentinc/kafka
// v7.9.4-ccs, KAFKA-18713) unsubscribes the old foreign key with
// DELETE_KEY_NO_PROPAGATE, which the right side does not answer, and only
// the delete's new, null, key is answered
// (SubscriptionSendProcessorSupplier.leftJoinInstructions). The cases are
// confluentinc/ksql v7.9.4 query-validation-tests fk-join.json, whose
// v7.9.0 expected the tombstones twice: "Should support left join with
// left value-column expression", "... - with aliases", "Should support
// flipped join condition with aliases", "Should support qualified `SELECT
// *` for right input" and "... for both input using aliases".
func TestForeignKeyLeftJoinGivesADeletedLeftRowOneTombstoneAsKsqlDB794sTestCases(t *testing.T) {
	l := func(ts int64, id uint64, v string) joinRec {
		return joinRec{"left_topic", ts, longKey(id), joinValue(v)}
	}
	r := func(ts int64, id uint64, v string) joinRec {
		return joinRec{"right_topic", ts, longKey(id), joinValue(v)}
	}
	out := func(ts int64, id uint64, v string) joinRec { return joinRec{"OUTPUT", ts, longKey(id), joinValue(v)} }
	// the inputs of the first three cases
	long := []joinRec{
		l(0, 1, `{"NAME":"zero","FOREIGN_KEY":0}`), r(10000, 0, `{"F1":"blah","F2":4}`),
		l(11000, 1, `{"NAME":"zero","FOREIGN_KEY":0}`), l(13000, 0, `{"NAME":"foo","FOREIGN_KEY":100}`),
		r(15000, 0, `{"F1":"a","F2":10}`), l(16000, 10, `{"NAME":"bar","FOREIGN_KEY":0}`),
		r(17000, 0, ""), l(18000, 1, ""), l(19000, 0, ""),
	}
	// the outputs of the first three cases, the right key and the name
	// columns named id and name
	longOut := func(id, name string) []joinRec {
		v := func(rid, n, f1 string) string {
			return `{"` + id + `":` + rid + `,"` + name + `":"` + n + `","F1":` + f1 + `}`
		}
		return []joinRec{
			out(0, 1, v("null", "zero", "null")), out(10000, 1, v("0", "zero", `"blah"`)),
			out(11000, 1, v("0", "zero", `"blah"`)), out(13000, 0, v("null", "foo", "null")),
			out(15000, 1, v("0", "zero", `"a"`)), out(16000, 10, v("0", "bar", `"a"`)),
			out(17000, 1, v("null", "zero", "null")), out(17000, 10, v("null", "bar", "null")),
			out(18000, 1, ""), out(19000, 0, ""),
		}
	}
	short := []joinRec{
		l(0, 1, `{"NAME":"zero","FOREIGN_KEY":0}`), r(10000, 0, `{"F1":"blah","F2":4}`),
		l(11000, 1, `{"NAME":"zero","FOREIGN_KEY":0}`), l(18000, 1, ""),
	}
	const plain = `CREATE TABLE left_table (l_id BIGINT PRIMARY KEY, name VARCHAR, foreign_key BIGINT) WITH (kafka_topic='left_topic', value_format='JSON', PARTITIONS=1);
CREATE TABLE right_table (r_id BIGINT PRIMARY KEY, f1 VARCHAR, f2 BIGINT) WITH (kafka_topic='right_topic', value_format='JSON', PARTITIONS=1);`
	const sameIDs = `CREATE TABLE left_table (id BIGINT PRIMARY KEY, name VARCHAR, foreign_key BIGINT) WITH (kafka_topic='left_topic', value_format='JSON', PARTITIONS=1);
CREATE TABLE right_table (id BIGINT PRIMARY KEY, f1 VARCHAR, f2 BIGINT) WITH (kafka_topic='right_topic', value_format='JSON', PARTITIONS=1);`
	for _, c := range []struct {
		upstream, ddl, query string
		inputs, want         []joinRec
	}{
		{"Should support left join with left value-column expression", plain,
			"CREATE TABLE output AS SELECT l_id, r_id, name, f1 FROM left_table LEFT JOIN right_table ON foreign_key = r_id;",
			long, longOut("R_ID", "NAME")},
		{"Should support left join with left value-column expression - with aliases", sameIDs,
			"CREATE TABLE output AS SELECT lt.id, rt.id, name, rt.f1 FROM left_table AS lt LEFT JOIN right_table AS rt ON lt.foreign_key = rt.id;",
			long, longOut("RT_ID", "NAME")},
		{"Should support flipped join condition with aliases", sameIDs,
			"CREATE TABLE output AS SELECT lt.id, rt.id AS rt_id_alias, name AS name_alias, rt.f1 FROM left_table AS lt LEFT JOIN right_table AS rt ON rt.id = lt.foreign_key;",
			long, longOut("RT_ID_ALIAS", "NAME_ALIAS")},
		{"Should support qualified `SELECT *` for right input", plain,
			"CREATE TABLE output AS SELECT l_id, right_table.* FROM left_table LEFT JOIN right_table ON foreign_key = r_id;",
			short, []joinRec{
				out(0, 1, `{"RIGHT_TABLE_R_ID":null,"RIGHT_TABLE_F1":null,"RIGHT_TABLE_F2":null}`),
				out(10000, 1, `{"RIGHT_TABLE_R_ID":0,"RIGHT_TABLE_F1":"blah","RIGHT_TABLE_F2":4}`),
				out(11000, 1, `{"RIGHT_TABLE_R_ID":0,"RIGHT_TABLE_F1":"blah","RIGHT_TABLE_F2":4}`),
				out(18000, 1, ""),
			}},
		{"Should support qualified `SELECT *` for both input using aliases", plain,
			"CREATE TABLE output AS SELECT lt.*, rt.*, lt.name AS name_alias FROM left_table AS lt LEFT JOIN right_table AS rt ON foreign_key = r_id;",
			short, []joinRec{
				out(0, 1, `{"LT_NAME":"zero","LT_FOREIGN_KEY":0,"RT_R_ID":null,"RT_F1":null,"RT_F2":null,"NAME_ALIAS":"zero"}`),
				out(10000, 1, `{"LT_NAME":"zero","LT_FOREIGN_KEY":0,"RT_R_ID":0,"RT_F1":"blah","RT_F2":4,"NAME_ALIAS":"zero"}`),
				out(11000, 1, `{"LT_NAME":"zero","LT_FOREIGN_KEY":0,"RT_R_ID":0,"RT_F1":"blah","RT_F2":4,"NAME_ALIAS":"zero"}`),
				out(18000, 1, ""),
			}},
	} {
		t.Run(c.upstream, func(t *testing.T) {
			st, _ := runJoinQuery(t, c.ddl, c.inputs, c.query)
			st.expectJoined("OUTPUT", c.want)
		})
	}
}
