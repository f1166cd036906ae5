package restproxy

import (
	"bytes"
	"encoding/json"
	"net/http"
	"regexp"
)

// A records:batch body is bound as Jackson 2.16 binds kafka-rest v7.9.0's
// entities/v3/ProduceBatchRequest.java, and a refusal answered as
// rest-utils answers it (restUtilsMapped). ProduceBatchRequest is read
// through a static @JsonCreator taking the List of entries, built as soon
// as "entries" is bound (its only creator member); building copies the
// entries with ImmutableList.copyOf, which refuses a null entry. What
// follows is bound by the AutoValue class's deserializer: "entries"
// again through its field, any other member refused.
// ProduceBatchRequestEntry.Deserializer reads each entry as a
// ProduceBatchRequestEntry.Builder, bound as a streamed record's builder
// (bindV3Builder) with a JsonNode id as one more creator member, whose
// creator's setId refuses an absent id; it then builds the entry, which
// refuses an id that is not a string of 1 to 80 letters, digits, '-' or
// '_' (a RestConstraintViolationException, answered 422/42208).

const (
	javaBatchRequest = "io.confluent.kafkarest.entities.v3.ProduceBatchRequest"
	javaBatchEntries = "java.util.ArrayList<io.confluent.kafkarest.entities.v3.ProduceBatchRequestEntry>"
	batchUnknown     = `Unrecognized field "%s"`
)

// batchIDPattern is ProduceBatchRequestEntry.Builder.build's
// "[0-9a-zA-Z-_]+".
var batchIDPattern = regexp.MustCompile(`^[0-9a-zA-Z_-]+$`)

// decodeBatchRequest binds a records:batch body; nil for a body that is
// empty or JSON null.
func decodeBatchRequest(body []byte) (*v3BatchRequest, *apiError) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, nil
	}
	if _, deep := tooDeepIn(body, v3BatchData); deep {
		return nil, tooDeepBody()
	}
	raw, e := decodeEntity(body, bindBatchPrefix, "entries")
	if e != nil || raw == nil {
		return nil, e
	}
	req, e := bindBatchRequest(raw)
	if e != nil && e.Code == produceBatchErrorCode {
		return nil, e
	}
	if e != nil {
		return nil, restUtilsMapped(e)
	}
	return req, nil
}

// bindBatchPrefix binds what Jackson read of a body before its syntax
// error (notJSONEntity).
func bindBatchPrefix(raw json.RawMessage) *apiError {
	_, e := bindBatchRequest(raw)
	return e
}

func bindBatchRequest(raw json.RawMessage) (*v3BatchRequest, *apiError) {
	members, e := beanMembers(raw, javaBatchRequest)
	if e != nil {
		return nil, e
	}
	req := &v3BatchRequest{}
	var unknown []string
	built := false
	for i, m := range members {
		if readOpen(members, i) {
			return nil, errReadOpen
		}
		if m.name != "entries" {
			if built {
				return nil, jacksonUnknown(batchUnknown, m.name)
			}
			unknown = append(unknown, m.name)
			continue
		}
		entries, e := bindBatchEntries(m.value)
		if e != nil {
			return nil, e
		}
		if built {
			// the AutoValue class's deserializer sets its field with
			// GuavaModule's ImmutableList deserializer: a null entry is
			// its builder's bare NullPointerException, and JSON null
			// leaves no list for ProduceBatchAction, whose
			// NullPointerException is GenericExceptionMapper's 500
			if isNull(m.value) {
				return nil, newAPIError(http.StatusInternalServerError, http.StatusInternalServerError, "Internal Server Error")
			}
			for _, en := range entries {
				if en == nil {
					return nil, jacksonError("(was java.lang.NullPointerException)")
				}
			}
		} else if buildPreempted(members, i) {
			return nil, errReadOpen
		} else {
			built = true
			if e := batchBuilt(entries, unknown); e != nil {
				return nil, e
			}
		}
		req.Entries = req.Entries[:0]
		for _, en := range entries {
			req.Entries = append(req.Entries, *en)
		}
	}
	if !built {
		if e := batchBuilt(nil, unknown); e != nil {
			return nil, e
		}
	}
	return req, nil
}

// batchBuilt is what building ProduceBatchRequest refuses, then the first
// member it lacks.
func batchBuilt(entries []*v3BatchEntry, unknown []string) *apiError {
	for i, en := range entries {
		if en == nil {
			return jacksonError("Cannot construct instance of `%s`, problem: at index %d", javaBatchRequest, i)
		}
	}
	if len(unknown) > 0 {
		return jacksonUnknown(batchUnknown, unknown[0])
	}
	return nil
}

// bindBatchEntries binds the List of ProduceBatchRequestEntry; a null
// entry stays null until ProduceBatchRequest is built.
func bindBatchEntries(raw json.RawMessage) ([]*v3BatchEntry, *apiError) {
	return bindList(raw, javaBatchEntries, bindBatchEntry)
}

// bindBatchEntry binds one entry and builds it.
func bindBatchEntry(raw json.RawMessage) (*v3BatchEntry, *apiError) {
	en := &v3BatchEntry{}
	hooks := v3BuilderHooks{
		id: &en.ID,
		created: func() *apiError {
			if en.ID == nil {
				return jacksonError("Cannot construct instance of `%s`, problem: Null id", javaBuilder)
			}
			return nil
		},
	}
	if e := bindV3Builder(raw, &en.v3ProduceRecord, hooks); e != nil {
		return nil, e
	}
	if !validBatchID(en.ID) {
		return nil, batchError("Batch entry identifier is not a valid string.")
	}
	return en, nil
}

// validBatchID is ProduceBatchRequestEntry.Builder.build's check of an id:
// a string node of 1 to 80 letters, digits, '-' and '_' (all ASCII, so
// its Java length is its length in bytes).
func validBatchID(raw json.RawMessage) bool {
	var id string
	if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &id) != nil {
		return false
	}
	return len(id) <= 80 && batchIDPattern.MatchString(id) // ASCII only

}
