package planner

import (
	"testing"

	"github.com/ctalab/ctalab/lab/ksqldb/metastore"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// ColumnNames.generateSyntheticJoinKey (confluentinc/ksql v7.9.0): ROWKEY
// when no source column is read as ROWKEY with number 0, else ROWKEY_n with
// the smallest n not taken; a name is split at its last _digits
// (NUMBERED_COLUMN_PATTERN), so ROWKEY_1_2 counts for base ROWKEY_1 only.
func TestSyntheticKeyNameTakesTheFirstRowkeyNumberNoSourceColumnHas(t *testing.T) {
	leaves := func(names ...[]string) []JoinLeaf {
		var out []JoinLeaf
		for _, ns := range names {
			var cols []types.Column
			for _, n := range ns {
				cols = append(cols, types.Column{Name: n, Type: types.Integer})
			}
			out = append(out, JoinLeaf{Source: &metastore.Source{Schema: types.Schema{Cols: cols}}})
		}
		return out
	}
	for _, c := range []struct {
		sources [][]string
		want    string
	}{
		{[][]string{{"ID", "V0"}, {"ID", "V1"}}, "ROWKEY"},
		{[][]string{{"ROWKEY", "V0"}, {"ID", "ROWKEY_1"}}, "ROWKEY_2"},                                     // synthetic-keys page
		{[][]string{{"ROWKEY", "ROWKEY_1", "ROWKEY_2"}, {"ROWKEY_3", "ROWKEY_4", "ROWKEY_5"}}, "ROWKEY_6"}, // joins.json
		{[][]string{{"ROWKEY", "ROWKEY_2"}, {"ROWKEY_1", "ROWKEY_3"}}, "ROWKEY_4"},
		{[][]string{{"ROWKEY_1"}, {"ID"}}, "ROWKEY"},
		{[][]string{{"ROWKEY_1_2", "ROWKEYS"}, {"ID"}}, "ROWKEY"},
		{[][]string{{"ROWKEY", "ROWKEY_01"}, {"ROWKEY_3"}}, "ROWKEY_2"},
	} {
		if got := syntheticKeyName(leaves(c.sources...)); got != c.want {
			t.Errorf("%v: %s, want %s", c.sources, got, c.want)
		}
	}
}
