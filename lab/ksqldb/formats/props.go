package formats

import (
	"strings"
	"unicode/utf8"

	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
)

// ParseDelimiter reads a KEY_DELIMITER or VALUE_DELIMITER value as
// ksqlDB's Delimiter.parse does: one (UTF-16) character, or TAB or SPACE;
// blank is refused.
func ParseDelimiter(prop, text string) (rune, error) {
	const example = "\nExample valid value: ';'"
	switch r, n := utf8.DecodeRuneInString(text); {
	case strings.TrimSpace(text) == "":
		return 0, stmterr.Bad("Failed to prepare statement: Configuration %s is invalid: Delimiter cannot be empty, if you meant to have a tab or space for delimiter, please use the special values 'TAB' or 'SPACE'%s", prop, example)
	case n == len(text) && r != utf8.RuneError && r <= 0xFFFF:
		return r, nil
	case text == "TAB":
		return '\t', nil
	case text == "SPACE":
		return ' ', nil
	}
	return 0, stmterr.Bad("Failed to prepare statement: Configuration %s is invalid: Invalid delimiter value: '%s'. Delimiter must be a single character or TAB,SPACE%s", prop, text, example)
}

// InheritDelimiter is a sink's delimiter: the one its WITH clause gives,
// else its source's when both use the same format, as
// Analyzer.buildFormatInfo carries the source's format properties over
// (query-validation-tests/delimited.json "should take source delimiter for
// sink", "multi-column key with different kv delimiters").
func InheritDelimiter(given rune, format, srcFormat string, srcDelimiter rune) rune {
	if given != 0 || format != srcFormat {
		return given
	}
	return srcDelimiter
}
