package sql

import (
	"regexp"
	"strings"
)

// QueryMask (confluentinc/ksql v7.9.0, ksqldb-parser util/QueryMask.java)
// is how ksqlDB names a request in a log line or in an error that names
// the whole request: INSERT ... VALUES statements keep no value and
// CREATE CONNECTOR statements no property value but connector.class.

const (
	maskedValue  = "'[value]'"
	maskedString = "'[string]'"
)

// MaskedText is QueryMask's text of a parsed INSERT ... VALUES: the target
// and columns as Name.toString prints them (back-quoted), one masked value
// per value given.
func (iv *InsertValues) MaskedText() string {
	var b strings.Builder
	b.WriteString("INSERT INTO `" + iv.Target + "`")
	if len(iv.Columns) > 0 {
		cols := make([]string, len(iv.Columns))
		for i, c := range iv.Columns {
			cols[i] = "`" + c + "`"
		}
		b.WriteString(" (" + strings.Join(cols, ", ") + ")")
	}
	vals := make([]string, len(iv.Values))
	for i := range vals {
		vals[i] = maskedValue
	}
	b.WriteString(" VALUES (" + strings.Join(vals, ", ") + ");")
	return b.String()
}

// MaskUnparsed is QueryMask's best-effort masking of a request that does
// not parse (fallbackMasking): an INSERT's values, then the quoted
// properties of a connector.
func MaskUnparsed(text string) string {
	return maskConnectProperties(maskInsertValues(text))
}

var whitespace = regexp.MustCompile(`\s+`)

// maskInsertValues masks each run of characters other than ( , ; ) that
// starts after the first VALUES and has no opening parenthesis after it
// (upstream: the pattern ([^(,;)]+)(?!.*\() with DOTALL; a run has no
// parenthesis in it, so it qualifies exactly when it starts after the last
// one), in a text that has ")VALUES(" once its whitespace is removed.
func maskInsertValues(text string) string {
	if !strings.Contains(strings.ToLower(whitespace.ReplaceAllString(text, "")), ")values(") {
		return text
	}
	valuesAt := strings.Index(strings.ToLower(text), "values")
	lastParen := strings.LastIndexByte(text, '(')
	var b strings.Builder
	for i := 0; i < len(text); {
		if strings.IndexByte("(,;)", text[i]) >= 0 {
			b.WriteByte(text[i])
			i++
			continue
		}
		end := i
		for end < len(text) && strings.IndexByte("(,;)", text[end]) < 0 {
			end++
		}
		if i > lastParen && i > valuesAt {
			b.WriteString(maskedValue)
		} else {
			b.WriteString(text[i:end])
		}
		i = end
	}
	return b.String()
}

// connectProperty is a quoted key (single, double or back quotes) given a
// single-quoted value.
var connectProperty = regexp.MustCompile("(?s)('[^']+'|\"[^\"]+\"|`[^`]+`)\\s*=\\s*('[^']*')")

// maskConnectProperties writes every quoted key but connector.class as
// key='[string]', in its own quotes, without the spaces around "=".
func maskConnectProperties(text string) string {
	return connectProperty.ReplaceAllStringFunc(text, func(m string) string {
		quoted := connectProperty.FindStringSubmatch(m)[1]
		key := quoted[1 : len(quoted)-1]
		if key == "connector.class" {
			return m
		}
		return quoted + "=" + maskedString
	})
}
