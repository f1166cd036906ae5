package restapi

import (
	"encoding/json"
	"net/http"

	"github.com/ctalab/ctalab/internal/jsonwire"
)

// WriteFailure writes an error as ksqlDB's FailureHandler does (failed request
// bodies, /query-stream and /close-query errors): the JSON body with no
// Content-Type header.
func WriteFailure(w http.ResponseWriter, code int, v any) {
	b, _ := jsonwire.Marshal(v)
	w.Header()["Content-Type"] = nil
	w.WriteHeader(code)
	_, _ = w.Write(b)
}

// KSQLRequest is the body of POST /ksql and POST /query.
type KSQLRequest struct {
	KSQL                  *string                    `json:"ksql"`
	StreamsProperties     map[string]any             `json:"streamsProperties"`
	CommandSequenceNumber *int64                     `json:"commandSequenceNumber"`
	SessionVariables      map[string]json.RawMessage `json:"sessionVariables"`
	RequestProperties     map[string]any             `json:"requestProperties"`
}
