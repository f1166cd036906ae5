package formats

import (
	"context"
	"strings"
	"testing"

	"github.com/linkedin/goavro/v2"
	"github.com/twmb/franz-go/pkg/sr/srfake"

	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// An Avro time-millis outside a day fails to deserialise, as Connect's
// Time.toLogical refuses it when AvroData converts the value (apache/kafka
// connect/api/src/main/java/org/apache/kafka/connect/data/Time.java): the
// record is a deserialisation error, never a TIME column holding a
// negative or overlong time of day.
func TestAnAvroTimeOutsideADayDoesNotDeserialise(t *testing.T) {
	fake := srfake.New()
	t.Cleanup(fake.Close)
	reg, err := NewRegistry(fake.URL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	s := NewSerde(Avro, []types.Column{{Name: "AT", Type: types.Time}}, false, "gate-times", reg)
	if err := s.PrepareSink(context.Background()); err != nil {
		t.Fatal(err)
	}
	good, err := s.Encode([]any{types.TimeVal(61_000)})
	if err != nil {
		t.Fatal(err)
	}
	codec, err := goavro.NewCodec(s.avroSchemaFor())
	if err != nil {
		t.Fatal(err)
	}
	for _, ms := range []int32{-25, 86_400_001} {
		// the same schema id as the good record, another time of day
		raw, err := codec.BinaryFromNative(append([]byte(nil), good[:5]...), map[string]any{"AT": goavro.Union("int.time-millis", ms)})
		if err != nil {
			t.Fatal(err)
		}
		out, err := s.Decode(context.Background(), raw)
		if err == nil || !strings.Contains(err.Error(), "Time values must use number of milliseconds greater than 0 and less than 86400000") {
			t.Errorf("time-millis %d decoded as %v, err %v; want Connect's Time.toLogical refusal", ms, out, err)
		}
	}
}
