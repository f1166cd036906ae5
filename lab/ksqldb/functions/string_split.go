package functions

import (
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// Splitting and extracting with regular expressions and delimiters:
// ksqldb-engine/.../udf/string/{RegexpExtractAll,RegexpSplitToArray,
// SplitToMap}.java.

func strings2any(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// regexpExtractAll is RegexpExtractAll: the group of every match; NULL
// for a NULL argument, a group the pattern lacks or a bad pattern.
func regexpExtractAll(pattern, input, group any) any {
	re, g, ok := regexpGroup(pattern, input, group)
	if !ok {
		return nil
	}
	s := input.(string)
	out := []any{}
	for _, m := range re.FindAllStringSubmatchIndex(s, -1) {
		if m[2*g] < 0 {
			out = append(out, nil)
		} else {
			out = append(out, s[m[2*g]:m[2*g+1]])
		}
	}
	return out
}

// regexpSplit is RegexpSplitToArray: Guava's Splitter.on(pattern) keeps
// every empty piece; a pattern matching the empty string splits as
// Pattern.split does, into characters without a trailing empty piece.
func regexpSplit(a []any) any {
	if a[0] == nil || a[1] == nil {
		return nil
	}
	s, pattern := a[0].(string), a[1].(string)
	re := cachedRegexp(pattern)
	if re == nil {
		return nil
	}
	if re.MatchString("") {
		if s == "" {
			return []any{""}
		}
		return strings2any(strings.Split(s, ""))
	}
	return strings2any(re.Split(s, -1))
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
	register(&UDF{name: "regexp_extract_all", overloads: []Overload{
		{Params: []Param{p(types.String, "pattern"), p(types.String, "input")}, Ret: types.ArrayOf(types.String), Fn: func(a []any) any {
			return regexpExtractAll(a[0], a[1], int32(0))
		}},
		{Params: []Param{p(types.String, "pattern"), p(types.String, "input"), p(types.Integer, "group")}, Ret: types.ArrayOf(types.String), Fn: func(a []any) any {
			return regexpExtractAll(a[0], a[1], a[2])
		}},
	}})
	register(&UDF{name: "regexp_split_to_array", overloads: []Overload{{Params: []Param{
		p(types.String, "string"), p(types.String, "regexp")}, Ret: types.ArrayOf(types.String), Fn: regexpSplit}}})
	register(&UDF{name: "split_to_map", overloads: []Overload{{Params: []Param{
		p(types.String, "input"), p(types.String, "entryDelimiter"), p(types.String, "kvDelimiter")}, Ret: types.MapOf(types.String, types.String), Fn: splitToMap}}})
}
