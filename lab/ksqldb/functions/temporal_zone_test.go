package functions

import (
	"testing"

	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// FORMAT_TIMESTAMP without a zone formats in GMT: FormatTimestamp's
// two-argument form calls the three-argument one with ZoneId.of("GMT")
// (confluentinc/ksql v7.9.0 ksqldb-engine/src/main/java/io/confluent/ksql/function/udf/datetime/FormatTimestamp.java),
// so a pattern's 'z' and 'zzzz' name GMT, as java.time names that zone;
// with a zone argument they name that zone.
func TestFormatTimestampWithoutAZoneFormatsInGMT(t *testing.T) {
	two, err := Scalars["FORMAT_TIMESTAMP"].Resolve([]types.Type{types.Timestamp, types.String})
	if err != nil {
		t.Fatal(err)
	}
	three, err := Scalars["FORMAT_TIMESTAMP"].Resolve([]types.Type{types.Timestamp, types.String, types.String})
	if err != nil {
		t.Fatal(err)
	}
	ts := types.TimestampVal(1_720_000_000_000) // 2024-07-03T09:46:40Z
	for _, c := range []struct {
		args []any
		fn   func([]any) any
		want string
	}{
		{[]any{ts, "HH:mm z"}, two.Fn, "09:46 GMT"},
		{[]any{ts, "HH:mm zzzz"}, two.Fn, "09:46 Greenwich Mean Time"},
		{[]any{ts, "HH:mm z", "UTC"}, three.Fn, "09:46 UTC"},
		{[]any{ts, "HH:mm z", "Europe/Paris"}, three.Fn, "11:46 CEST"},
	} {
		if got := c.fn(c.args); got != c.want {
			t.Errorf("FORMAT_TIMESTAMP%v = %v, want %q", c.args[1:], got, c.want)
		}
	}
}
