package jsondepth

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// Max is StreamReadConstraints.DEFAULT_MAX_DEPTH: how many arrays and
// objects Jackson reads open at once.
const Max = 1000

// Message is StreamReadConstraints.validateNestingDepth's message for the
// array or object that opens level depth.
func Message(depth int) string {
	return fmt.Sprintf("Document nesting depth (%d) exceeds the maximum allowed (%d, from `StreamReadConstraints.getMaxNestingDepth()`)", depth, Max)
}

// ErrTooDeep is the refusal of the array or object one level past Max.
var ErrTooDeep = errors.New(Message(Max + 1))

// Refusal is where Jackson's parser stops in a document nested deeper
// than Max.
type Refusal struct {
	// Path names the members, from the root, that lead to the array or
	// object opening level Max+1: object keys as strings, array indexes
	// as ints. Its length is Max.
	Path []any
	// End is the offset just past that array's or object's opening
	// bracket.
	End int64
}

// Find reads the first JSON value of doc as Jackson's parser would and
// says where it refuses it for its depth. ok is false when the value
// nests at most Max levels, or when doc has a syntax error before
// reaching level Max+1 (the parser stops there first).
func Find(doc []byte) (r Refusal, ok bool) {
	if !deeperThanMax(doc) {
		return Refusal{}, false
	}
	d := json.NewDecoder(bytes.NewReader(doc))
	d.UseNumber()
	// frames holds, for each open array or object, the member being read:
	// the next index of an array, the last key of an object.
	type frame struct {
		object bool
		key    string
		index  int
		keyed  bool // the object's key is read, its value is next
	}
	var frames []frame
	for {
		tok, err := d.Token()
		if err != nil {
			return Refusal{}, false
		}
		// Account for the value just read in the frame that holds it.
		member := func() {
			if len(frames) == 0 {
				return
			}
			f := &frames[len(frames)-1]
			if f.object {
				f.keyed = false
			} else {
				f.index++
			}
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '[', '{':
				if len(frames) == Max {
					path := make([]any, 0, Max)
					for _, f := range frames {
						if f.object {
							path = append(path, f.key)
						} else {
							path = append(path, f.index)
						}
					}
					return Refusal{Path: path, End: d.InputOffset()}, true
				}
				frames = append(frames, frame{object: t == '{'})
			default:
				frames = frames[:len(frames)-1]
				member()
				if len(frames) == 0 {
					return Refusal{}, false
				}
			}
		case string:
			if len(frames) > 0 {
				if f := &frames[len(frames)-1]; f.object && !f.keyed {
					f.key, f.keyed = t, true
					continue
				}
			}
			member()
		default:
			member()
		}
		if len(frames) == 0 {
			return Refusal{}, false
		}
	}
}

// NextTooDeep reads doc from offset at, where depth arrays and objects
// are open and no string is, to its end, and gives the depth of the next
// array or object that opens past Max there: where Jackson's parser stops
// again when it skips the rest of a value it refused. ok is false when
// none does. doc must be valid JSON.
func NextTooDeep(doc []byte, at int64, depth int) (next int, ok bool) {
	inString := false
	for i := at; i < int64(len(doc)); i++ {
		c := doc[i]
		switch {
		case inString && c == '\\':
			i++
		case c == '"':
			inString = !inString
		case inString:
		case c == '[' || c == '{':
			depth++
			if depth > Max {
				return depth, true
			}
		case c == ']' || c == '}':
			depth--
		}
	}
	return 0, false
}

// deeperThanMax is a quick look, by bytes, at whether doc nests more than
// Max levels anywhere; Find then reads it properly.
func deeperThanMax(doc []byte) bool {
	_, deep := NextTooDeep(doc, 0, 0)
	return deep
}
