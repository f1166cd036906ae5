package functions

import (
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// Splitting with delimiters: ksqldb-engine/.../udf/string/SplitToMap.java.

func strings2any(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// splitToMap is SplitToMap: entries split on entryDelimiter (empty ones
// dropped), each with kvDelimiter split into its first two pieces; a later
// key wins. NULL for NULL or empty delimiters, or equal ones.
func splitToMap(a []any) any {
	if a[0] == nil || a[1] == nil || a[2] == nil {
		return nil
	}
	s, entryDelim, kvDelim := a[0].(string), a[1].(string), a[2].(string)
	if entryDelim == "" || kvDelim == "" || entryDelim == kvDelim {
		return nil
	}
	// Collectors.toMap with a merge function: a new HashMap<>(), each
	// entry merged in turn
	out := types.NewDefaultHashMap()
	for _, e := range strings.Split(s, entryDelim) {
		if e == "" || !strings.Contains(e, kvDelim) {
			continue
		}
		kv := strings.Split(e, kvDelim)
		out.Merge(kv[0], kv[1])
	}
	return out.Map()
}

func init() {
	register(&UDF{name: "split_to_map", overloads: []Overload{{Params: []Param{
		p(types.String, "input"), p(types.String, "entryDelimiter"), p(types.String, "kvDelimiter")}, Ret: types.MapOf(types.String, types.String), Fn: splitToMap}}})
}
