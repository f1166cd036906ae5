package ksqldb

import "testing"

// PullQueryValidator's LIMIT rules: a negative LIMIT parses (SqlBase.g4's
// number takes a sign) and a pull query refuses it; with
// ksql.query.pull.limit.clause.enabled=false a pull query refuses any
// LIMIT, on a stream as on a table (rest-query-validation-tests
// pull-queries-with-limit-clause.json "error on negative limit", "error on
// stream when ksql.query.pull.limit.clause.enabled is set to false").
func TestPullQueryLimitRules(t *testing.T) {
	url := countsByID(t, "STRING", []byte("a"))
	mustKSQL(t, url, "CREATE STREAM clicks_again (id STRING KEY, n INT) WITH (kafka_topic='clicks', value_format='JSON');", nil)
	const help = " See https://cnfl.io/queries for more info.\nAdd EMIT CHANGES if you intended to issue a push query."
	off := map[string]any{"ksql.query.pull.limit.clause.enabled": false}
	for _, c := range []struct {
		query string
		props map[string]any
		msg   string
	}{
		{"SELECT * FROM counts LIMIT -1;", nil, "Pull queries don't support negative integers in the LIMIT clause." + help},
		{"SELECT * FROM clicks_again LIMIT -3;", nil, "Pull queries don't support negative integers in the LIMIT clause." + help},
		{"SELECT * FROM counts LIMIT 2;", off, "LIMIT clause in pull queries is currently disabled. You can enable them by setting ksql.query.pull.limit.clause.enabled=true." + help},
		{"SELECT * FROM clicks_again LIMIT 2;", off, "LIMIT clause in pull queries is currently disabled. You can enable them by setting ksql.query.pull.limit.clause.enabled=true." + help},
	} {
		if code, msg := pullErr(t, url, c.query, c.props); code != 400 || msg != c.msg {
			t.Errorf("%s: %d %q\nwant 400 %q", c.query, code, msg, c.msg)
		}
	}
}
