package formats

import "unicode/utf8"

// appendDelimitedRecord appends one DELIMITED record the way ksqlDB's
// KsqlDelimitedSerializer writes it: through a CSVPrinter of Commons CSV
// 1.4's CSVFormat.DEFAULT with the column delimiter, the record separator
// cut off. A nil field is a null and is written as nothing; any other field
// is quoted under the MINIMAL quote mode of CSVFormat.printAndQuote.
func appendDelimitedRecord(dst []byte, fields []*string, delim rune) []byte {
	for i, f := range fields {
		if i > 0 {
			dst = utf8.AppendRune(dst, delim)
		}
		if f == nil {
			continue
		}
		dst = appendDelimitedField(dst, *f, i == 0, delim)
	}
	return dst
}

// appendDelimitedField appends one non-null field, quoted when Commons CSV's
// MINIMAL rule asks for it: an empty first field; a first field that does not
// start with an ASCII letter or digit; a field starting with a character up to
// '#'; one holding a line feed, carriage return, double quote or the
// delimiter; or one ending in a character up to a space. Double quotes inside
// a quoted field are doubled.
func appendDelimitedField(dst []byte, v string, first bool, delim rune) []byte {
	if !delimitedNeedsQuote(v, first, delim) {
		return append(dst, v...)
	}
	dst = append(dst, '"')
	for i := 0; i < len(v); i++ {
		if v[i] == '"' {
			dst = append(dst, '"')
		}
		dst = append(dst, v[i])
	}
	return append(dst, '"')
}

// delimitedNeedsQuote is the MINIMAL branch of Commons CSV 1.4's
// CSVFormat.printAndQuote. It compares UTF-8 bytes where Java compares UTF-16
// chars: every byte of a non-ASCII character is above 'z', as every such char
// is, so the outcome is the same.
func delimitedNeedsQuote(v string, first bool, delim rune) bool {
	if v == "" {
		return first
	}
	c := v[0]
	switch {
	case first && !isASCIIAlnum(c):
		return true
	case c <= '#':
		return true
	}
	for _, r := range v {
		if r == '\n' || r == '\r' || r == '"' || r == delim {
			return true
		}
	}
	return v[len(v)-1] <= ' '
}

// isASCIIAlnum reports whether c is 0-9, A-Z or a-z.
func isASCIIAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}
