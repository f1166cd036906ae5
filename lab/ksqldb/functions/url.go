package functions

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// The URL functions, as ksqldb-engine/.../function/udf/url/*.java define
// them: the URL_EXTRACT_* functions read one component of a
// java.net.URI (decoded, NULL when absent or when the text is not a URI);
// URL_ENCODE_PARAM is Guava's urlFormParameterEscaper and
// URL_DECODE_PARAM is URLDecoder.decode in UTF-8.

// javaURI parses s as java.net.URI would accept it: characters outside
// RFC 2396's set (spaces, controls, "<>\^`{|}) and malformed escapes
// refuse it.
func javaURI(s string) (*url.URL, string, bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c <= ' ' || c == 0x7f || strings.IndexByte("\"<>\\^`{|}", c) >= 0:
			return nil, "", false
		case c == '%':
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return nil, "", false
			}
		}
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, "", false
	}
	return u, s, true
}

func isHex(c byte) bool {
	return ('0' <= c && c <= '9') || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F')
}

// uriQuery is URI.getQuery: decoded, "" for a bare ?, NULL without one.
func uriQuery(u *url.URL) any {
	if u.RawQuery == "" && !u.ForceQuery {
		return nil
	}
	q, err := url.PathUnescape(u.RawQuery)
	if err != nil {
		return nil
	}
	return q
}

// urlPart registers a one-STRING-argument URL function.
func urlPart(name string, ret types.Type, part func(u *url.URL, raw string) any) {
	register(&UDF{name: name, overloads: []Overload{{Params: []Param{p(types.String, "input")}, Ret: ret,
		Fn: str1(func(s string) any {
			u, raw, ok := javaURI(s)
			if !ok {
				return nil
			}
			return part(u, raw)
		})}}})
}

// formParamSafe are the characters urlFormParameterEscaper leaves alone.
func formParamSafe(c byte) bool {
	return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9') || strings.IndexByte("-_.*", c) >= 0
}

func init() {
	register(&UDF{name: "url_encode_param", overloads: []Overload{{Params: []Param{p(types.String, "input")}, Ret: types.String,
		Fn: str1(func(s string) any {
			var b strings.Builder
			for i := 0; i < len(s); i++ {
				switch c := s[i]; {
				case formParamSafe(c):
					b.WriteByte(c)
				case c == ' ':
					b.WriteByte('+')
				default:
					b.WriteString("%" + strings.ToUpper(strconv.FormatUint(uint64(c)|0x100, 16)[1:]))
				}
			}
			return b.String()
		})}}})
	register(&UDF{name: "url_decode_param", overloads: []Overload{throwing(Overload{Params: []Param{p(types.String, "input")}, Ret: types.String,
		Method: "public java.lang.String io.confluent.ksql.function.udf.url.UrlDecodeParam.decodeParam(java.lang.String)",
		Throwing: func(a []any) (any, []string) {
			if a[0] == nil {
				return nil, nil
			}
			d, err := urlDecoderDecode(a[0].(string))
			if err != nil {
				return nil, threw(err.Error()) // uncaught IllegalArgumentException
			}
			return d, nil
		}})}})
	urlPart("url_extract_fragment", types.String, func(u *url.URL, raw string) any {
		if !strings.Contains(raw, "#") {
			return nil
		}
		return u.Fragment
	})
	urlPart("url_extract_host", types.String, func(u *url.URL, _ string) any {
		if u.Host == "" {
			return nil
		}
		if strings.HasPrefix(u.Host, "[") {
			return u.Host[:strings.IndexByte(u.Host, ']')+1]
		}
		return u.Hostname()
	})
	urlPart("url_extract_path", types.String, func(u *url.URL, _ string) any {
		if u.Opaque != "" {
			return nil
		}
		return u.Path
	})
	urlPart("url_extract_port", types.Integer, func(u *url.URL, _ string) any {
		port, err := strconv.Atoi(u.Port())
		if err != nil {
			return nil
		}
		return int32(port)
	})
	urlPart("url_extract_protocol", types.String, func(u *url.URL, _ string) any {
		if u.Scheme == "" {
			return nil
		}
		return u.Scheme
	})
	urlPart("url_extract_query", types.String, func(u *url.URL, _ string) any { return uriQuery(u) })
	register(&UDF{name: "url_extract_parameter", overloads: []Overload{{Params: []Param{p(types.String, "input"), p(types.String, "paramToFind")}, Ret: types.String,
		Fn: func(a []any) any {
			if a[0] == nil {
				return nil
			}
			u, _, ok := javaURI(a[0].(string))
			if !ok {
				return nil
			}
			q, ok := uriQuery(u).(string)
			if !ok {
				return nil
			}
			for _, param := range strings.Split(q, "&") {
				k, v, hasValue := strings.Cut(param, "=")
				if a[1] != nil && k == a[1].(string) {
					if hasValue {
						return v
					}
					return ""
				}
			}
			return nil
		}}}})
}
