package jsonwire

import (
	"encoding/json"
	"testing"
)

// Marshal writes what json.Marshal writes, but '<', '>' and '&' as they
// are, and ends with no newline.
func TestMarshalKeepsAnglesAndAmpersandsAndAddsNoNewline(t *testing.T) {
	v := map[string]any{"m": "a<b>&c\"\\\n", "n": 1.5, "l": []int{1}}
	got, err := Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"l":[1],"m":"a<b>&c\"\\\n","n":1.5}`; string(got) != want {
		t.Errorf("got %s, want %s", got, want)
	}
	std, _ := json.Marshal(v)
	var a, b any
	_ = json.Unmarshal(got, &a)
	_ = json.Unmarshal(std, &b)
	if ja, _ := json.Marshal(a); string(ja) != string(mustMarshal(t, b)) {
		t.Errorf("decodes to %s, json.Marshal's to %s", ja, std)
	}
}

func mustMarshal(t *testing.T, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// AppendString quotes a plain string as it is and escapes others as
// Marshal does.
func TestAppendStringQuotesAsMarshalDoes(t *testing.T) {
	for _, s := range []string{"plain <&>", "tab\t", `q"b\`, "é", "\u2028"} {
		m, _ := Marshal(s)
		if got := AppendString([]byte("x"), s); string(got) != "x"+string(m) {
			t.Errorf("%q: got %s, want x%s", s, got, m)
		}
	}
}
