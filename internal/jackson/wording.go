package jackson

import (
	"fmt"
	"unicode"
)

// SourceRedacted is how a location names its source:
// StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION is off by default since
// 2.16 (ContentReference.redacted).
const SourceRedacted = "[Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled)"

// ValidValues is _validJsonTokenList and _validJsonValueList.
const ValidValues = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')"

// MaxErrorToken is ErrorReportConfiguration's
// DEFAULT_MAX_ERROR_TOKEN_LENGTH.
const MaxErrorToken = 256

// CharDesc is ParserMinimalBase._getCharDesc of a Java char. A lone
// surrogate, which a Go string cannot hold, is written U+FFFD, as a JSON
// reader decodes the "\ud83d" escape Jackson writes for it.
func CharDesc(ch int) string {
	c := rune(uint16(ch))
	switch {
	case c < 0x20 || c >= 0x7f && c < 0xa0: // Character.isISOControl
		return fmt.Sprintf("(CTRL-CHAR, code %d)", ch)
	case ch > 255:
		return fmt.Sprintf("'%c' (code %d / 0x%x)", c, ch, ch)
	}
	return fmt.Sprintf("'%c' (code %d)", c, ch)
}

// UnexpectedChar is _reportUnexpectedChar's message for ch.
func UnexpectedChar(ch int, comment string) string {
	return fmt.Sprintf("Unexpected character (%s): %s", CharDesc(ch), comment)
}

// UnexpectedNumberChar is _reportUnexpectedNumberChar's message for ch.
func UnexpectedNumberChar(ch int, comment string) string {
	return fmt.Sprintf("Unexpected character (%s) in numeric value: %s", CharDesc(ch), comment)
}

// InvalidSpace is _throwInvalidSpace's message: a control character
// between tokens.
func InvalidSpace(ch int) string {
	return fmt.Sprintf("Illegal character (%s): only regular white space (\\r, \\n, \\t) is allowed between tokens", CharDesc(ch))
}

// UnquotedSpace is _throwUnquotedSpace's message: a control character in
// a name or string value (what).
func UnquotedSpace(ch int, what string) string {
	return fmt.Sprintf("Illegal unquoted character (%s): has to be escaped using backslash to be included in %s", CharDesc(ch), what)
}

// NonNumeric refuses NaN, Infinity and their signed forms.
func NonNumeric(word string) string {
	return "Non-standard token '" + word + "': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow"
}

// PlusSign refuses a number's leading '+'.
const PlusSign = "Unexpected character ('+' (code 43)) in numeric value: JSON spec does not allow numbers to have plus signs: enable `JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS` to allow"

// InvalidToken is _reportInvalidToken's message for the word it read.
func InvalidToken(word string) string {
	return "Unrecognized token '" + word + "': was expecting " + ValidValues
}

// IsJavaIdentifierStart is Character.isJavaIdentifierStart.
func IsJavaIdentifierStart(r rune) bool {
	return unicode.IsLetter(r) || unicode.In(r, unicode.Nl, unicode.Sc, unicode.Pc)
}

// IsJavaIdentifierPart is Character.isJavaIdentifierPart.
func IsJavaIdentifierPart(r rune) bool {
	return IsJavaIdentifierStart(r) || unicode.In(r, unicode.Nd, unicode.Mn, unicode.Mc) ||
		r <= 8 || r >= 0xe && r <= 0x1b || r >= 0x7f && r <= 0x9f || unicode.In(r, unicode.Cf)
}

// Location is a JsonLocation of textual content as a message prints it,
// its line and column counted from 1 (appendOffsetDescription with a
// redacted source: the column left out where it is not positive).
func Location(line, column int) string {
	if column <= 0 {
		return fmt.Sprintf("%s; line: %d]", SourceRedacted, line)
	}
	return fmt.Sprintf("%s; line: %d, column: %d]", SourceRedacted, line, column)
}
