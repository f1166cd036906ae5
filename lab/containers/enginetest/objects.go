package enginetest

import (
	"encoding/json"
	"net/url"
	"strings"
	"time"
)

type image struct {
	id, ref string
	labels  map[string]string
	// built is the Dockerfile of an image built through POST /build.
	built string
}

type network struct {
	id, name, driver string
	labels           map[string]string
	internal         bool
	created          time.Time
	// subnet and gateway are its IPAM configuration; empty means the
	// subnet and gateway every created network reports.
	subnet, gateway string
}

type volume struct {
	name, driver string
	labels       map[string]string
	created      time.Time
}

type event struct {
	Type, Action string
	ID           string
	Attributes   map[string]string
	Time         int64
}

// normalizeRef adds the tag "latest" to a reference without tag or digest,
// and drops the docker.io/ and library/ prefixes, so that one image has one
// key whatever the spelling.
func normalizeRef(ref string) string {
	ref = strings.TrimPrefix(ref, "docker.io/")
	ref = strings.TrimPrefix(ref, "library/")
	if strings.Contains(ref, "@") {
		return ref
	}
	last := ref[strings.LastIndex(ref, "/")+1:]
	if !strings.Contains(last, ":") {
		ref += ":latest"
	}
	return ref
}

// filters parses the filters query parameter in both of its JSON forms:
// {"label":["a=b"]} and the older {"label":{"a=b":true}}.
func filters(q url.Values) map[string][]string {
	raw := q.Get("filters")
	if raw == "" {
		return nil
	}
	var generic map[string]json.RawMessage
	if err := json.Unmarshal([]byte(raw), &generic); err != nil {
		return nil
	}
	out := map[string][]string{}
	for k, v := range generic {
		var list []string
		if json.Unmarshal(v, &list) == nil {
			out[k] = list
			continue
		}
		var set map[string]bool
		if json.Unmarshal(v, &set) == nil {
			for s, on := range set {
				if on {
					out[k] = append(out[k], s)
				}
			}
		}
	}
	return out
}

// matchLabels reports whether labels satisfy every "key" or "key=value"
// filter.
func matchLabels(labels map[string]string, want []string) bool {
	for _, f := range want {
		k, v, hasV := strings.Cut(f, "=")
		got, ok := labels[k]
		if !ok || (hasV && got != v) {
			return false
		}
	}
	return true
}

// matchName reports whether name matches any of the name filters
// (substring match, as the engine does for names).
func matchName(name string, want []string) bool {
	if len(want) == 0 {
		return true
	}
	for _, w := range want {
		if strings.Contains(strings.TrimPrefix(name, "/"), strings.TrimPrefix(w, "/")) {
			return true
		}
	}
	return false
}

func matchAny(v string, want []string) bool {
	if len(want) == 0 {
		return true
	}
	for _, w := range want {
		if v == w {
			return true
		}
	}
	return false
}
