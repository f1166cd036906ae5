package restapi

import (
	"io"
	"mime"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// Media types of ksqlDB's HTTP API (ServerVerticle.java, QueryStreamHandler.java,
// KsqlMediaType.java of github.com/confluentinc/ksql at 7.9.0).
const (
	MediaKSQL      = "application/vnd.ksql.v1+json"
	MediaJSON      = "application/json"
	MediaDelimited = "application/vnd.ksqlapi.delimited.v1"
	MediaProtobuf  = "application/vnd.ksql.v1+protobuf"
)

func NotFound(w http.ResponseWriter) {
	// Vert.x's end(String) sets no Content-Type; keep net/http from sniffing one
	w.Header()["Content-Type"] = nil
	w.WriteHeader(http.StatusNotFound)
	_, _ = io.WriteString(w, "Not Found")
}

// Produce lets h handle the request when its Accept header allows one of
// produces, and otherwise behaves as the catch-all route (Vert.x Route.produces).
func Produce(produces []string, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(produces) == 0 {
			h(w, r)
			return
		}
		if _, ok := Negotiate(r.Header.Values("Accept"), produces); !ok {
			NotFound(w)
			return
		}
		h(w, r)
	})
}

// Negotiate picks the media type of produces the Accept header prefers, as
// Vert.x's ParsedHeaderValues.findBestUserAcceptedIn does: accepted types in
// order of weight, for each the first produced type it matches. With no Accept
// header the route matches and no type is chosen ("", true).
func Negotiate(accept []string, produces []string) (string, bool) {
	type accepted struct {
		typ, sub string
		q        float64
	}
	var list []accepted
	for _, line := range accept {
		for _, part := range strings.Split(line, ",") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			mt, params, err := mime.ParseMediaType(part)
			if err != nil {
				continue
			}
			q := 1.0
			if v, ok := params["q"]; ok {
				if f, err := strconv.ParseFloat(v, 64); err == nil {
					q = f
				}
			}
			typ, sub, _ := strings.Cut(mt, "/")
			list = append(list, accepted{typ, sub, q})
		}
	}
	if len(list) == 0 {
		return "", true
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].q > list[j].q })
	for _, a := range list {
		if a.q <= 0 {
			continue
		}
		for _, p := range produces {
			typ, sub, _ := strings.Cut(p, "/")
			if (a.typ == "*" || a.typ == typ) && (a.sub == "*" || a.sub == sub) {
				return p, true
			}
		}
	}
	return "", false
}
