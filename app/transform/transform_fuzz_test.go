package transform

import (
	"encoding/json"
	"testing"
)

// FuzzTransform feeds arbitrary record values, as anything written to the
// stations topic reaches the transformer: it never panics, and a record it
// accepts comes out with the input's own id, name, order and a line the
// input's flags name.
func FuzzTransform(f *testing.F) {
	for _, seed := range []string{
		`{"stop_id":30001,"direction_id":"E","stop_name":"Austin","station_name":"Austin","station_descriptive_name":"Austin (Blue Line)","station_id":40010,"order":29,"red":false,"blue":true,"green":false}`,
		`{"station_id":40010,"station_name":"Austin","order":1,"red":true,"blue":true}`,
		`{"station_id":1,"station_name":"x","green":true}`,
		`{"station_id":1,"station_name":"x","order":null,"red":true}`,
		`{"station_id":"1"}`,
		`null`, `[]`, `{`, ``,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, value []byte) {
		key, out, err := Transform(value)
		if err != nil {
			return
		}
		var in struct {
			StationID   int    `json:"station_id"`
			StationName string `json:"station_name"`
			Order       int    `json:"order"`
			Red         bool   `json:"red"`
			Blue        bool   `json:"blue"`
			Green       bool   `json:"green"`
		}
		if jerr := json.Unmarshal(value, &in); jerr != nil {
			// Transform reads the first JSON value; trailing bytes are
			// ignored, as a stream decoder does.
			return
		}
		if out.StationID != in.StationID || out.StationName != in.StationName || out.Order != in.Order {
			t.Fatalf("Transform(%q) = %+v, want the input's id, name and order", value, out)
		}
		if key.StationID != out.StationID || key.Line != out.Line {
			t.Fatalf("Transform(%q): key %+v does not identify value %+v", value, key, out)
		}
		flags := map[string]bool{"red": in.Red, "blue": in.Blue, "green": in.Green}
		if !flags[out.Line] {
			t.Fatalf("Transform(%q): line %q is not one the input names", value, out.Line)
		}
	})
}
