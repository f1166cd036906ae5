package javaregex

import (
	"strings"
	"unicode"
)

// The property names java.util.regex.CharPredicates knows (JDK 17):
// properties are forProperty's, case-sensitive; unicodeProperties
// getUnicodePredicate's and posix getPosixPredicate's, both matched upper
// case.
var (
	properties        = set("Cn Lu Ll Lt Lm Lo Mn Me Mc Nd Nl No Zs Zl Zp Cc Cf Co Cs Pd Ps Pe Pc Po Sm Sc Sk So Pi Pf L M N Z C P S LC LD L1 all ASCII Alnum Alpha Blank Cntrl Digit Graph Lower Print Punct Space Upper XDigit javaLowerCase javaUpperCase javaAlphabetic javaIdeographic javaTitleCase javaDigit javaDefined javaLetter javaLetterOrDigit javaJavaIdentifierStart javaJavaIdentifierPart javaUnicodeIdentifierStart javaUnicodeIdentifierPart javaIdentifierIgnorable javaSpaceChar javaWhitespace javaISOControl javaMirrored")
	unicodeProperties = set("ALPHABETIC ASSIGNED CONTROL HEXDIGIT IDEOGRAPHIC JOINCONTROL LETTER LOWERCASE NONCHARACTERCODEPOINT TITLECASE PUNCTUATION UPPERCASE WHITESPACE WORD WHITE_SPACE HEX_DIGIT NONCHARACTER_CODE_POINT JOIN_CONTROL")
	posix             = set("ALPHA LOWER UPPER SPACE PUNCT XDIGIT ALNUM CNTRL DIGIT BLANK GRAPH PRINT")
)

// laterScripts are the scripts of Unicode 14 and 15, which Go's tables
// hold and JDK 17's Character.UnicodeScript (Unicode 13) does not.
var laterScripts = set("CYPRO_MINOAN OLD_UYGHUR TANGSA TOTO VITHKUQI KAWI NAG_MUNDARI")

// script reports whether Character.UnicodeScript.forName takes name: an
// enum constant's name, upper case, or (not decided here, so taken) a
// four-letter ISO 15924 alias.
func script(name string) bool {
	upper := strings.ToUpper(name)
	if upper == "UNKNOWN" || len(name) == 4 {
		return true
	}
	for s := range unicode.Scripts {
		if strings.ToUpper(s) == upper {
			return !laterScripts[upper]
		}
	}
	return false
}

func set(words string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.Fields(words) {
		out[w] = true
	}
	return out
}
