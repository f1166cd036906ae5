package functions

import (
	"errors"
	"strconv"
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// The URL functions, as ksqldb-engine/.../function/udf/url/*.java define
// them: the URL_EXTRACT_* functions read one component of new URI(input)
// (javauri.go), decoded, NULL when absent; UrlParser wraps the
// URISyntaxException of a text URI refuses in KsqlFunctionException "URL
// input has invalid syntax: <input>". URL_ENCODE_PARAM is Guava's
// urlFormParameterEscaper and URL_DECODE_PARAM is URLDecoder.decode in
// UTF-8.

const urlUDF = "io.confluent.ksql.function.udf.url."

// urlExtract is UrlParser.extract: NULL for a NULL input, else the part of
// the URI, or what parsing it throws.
func urlExtract(input any, part func(u *javaURI) any) (any, []string) {
	if input == nil {
		return nil, nil
	}
	u, err := parseJavaURI(input.(string))
	var se *uriSyntaxError
	switch {
	case errors.As(err, &se):
		return nil, threw("URL input has invalid syntax: "+input.(string), err.Error())
	case err != nil:
		return nil, threw(err.Error())
	}
	return part(u), nil
}

// urlPart registers a one-STRING-argument URL function, method its @Udf
// method's name.
func urlPart(name, class, method string, ret types.Type, part func(u *javaURI) any) {
	javaRet := "java.lang.String"
	if ret == types.Integer {
		javaRet = "java.lang.Integer"
	}
	register(&UDF{name: name, overloads: []Overload{throwing(Overload{Params: []Param{p(types.String, "input")}, Ret: ret,
		Method:   "public " + javaRet + " " + urlUDF + class + "." + method + "(java.lang.String)",
		Throwing: func(a []any) (any, []string) { return urlExtract(a[0], part) }})}})
}

func stringOrNull(s *string) any {
	if s == nil {
		return nil
	}
	return *s
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
	urlPart("url_extract_fragment", "UrlExtractFragment", "extractFragment", types.String, func(u *javaURI) any { return uriDecode(u.fragment, false) })
	urlPart("url_extract_host", "UrlExtractHost", "extractHost", types.String, func(u *javaURI) any { return stringOrNull(u.host) })
	urlPart("url_extract_path", "UrlExtractPath", "extractPath", types.String, func(u *javaURI) any { return uriDecode(u.path, true) })
	urlPart("url_extract_port", "UrlExtractPort", "extractPort", types.Integer, func(u *javaURI) any {
		if u.port < 0 {
			return nil
		}
		return int32(u.port)
	})
	urlPart("url_extract_protocol", "UrlExtractProtocol", "extractProtocol", types.String, func(u *javaURI) any { return stringOrNull(u.scheme) })
	urlPart("url_extract_query", "UrlExtractQuery", "extractQuery", types.String, func(u *javaURI) any { return uriDecode(u.query, false) })
	register(&UDF{name: "url_extract_parameter", overloads: []Overload{throwing(Overload{Params: []Param{p(types.String, "input"), p(types.String, "paramToFind")}, Ret: types.String,
		Method: "public java.lang.String " + urlUDF + "UrlExtractParameter.extractParam(java.lang.String,java.lang.String)",
		Throwing: func(a []any) (any, []string) {
			q, thrown := urlExtract(a[0], func(u *javaURI) any { return uriDecode(u.query, false) })
			if q == nil {
				return nil, thrown
			}
			// Splitter.on('&'), then on '=' into at most two pieces
			for _, param := range strings.Split(q.(string), "&") {
				k, v, hasValue := strings.Cut(param, "=")
				if a[1] != nil && k == a[1].(string) {
					if hasValue {
						return v, nil
					}
					return "", nil
				}
			}
			return nil, nil
		}})}})
}
