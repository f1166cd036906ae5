package javaregex

import (
	"errors"
	"testing"
)

// Each expectation is the PatternSyntaxException Pattern.compile throws,
// traced through the JDK 17 parser (openjdk/jdk17u-dev
// src/java.base/share/classes/java/util/regex/Pattern.java: compile, expr,
// sequence, atom, escape, clazz, range, family, group0, closure, x, c,
// groupname; the index is error()'s cursor - 1, in code points after
// RemoveQEQuoting) and written as PatternSyntaxException.getMessage
// writes it: the description, " near index N" for an index of 0 or more,
// a line separator ("\n" on Linux), the pattern, and, for an index inside
// the pattern, a line of N spaces and a caret.
func TestCheckRefusesWhatPatternCompileRefusesWithItsMessage(t *testing.T) {
	for pattern, want := range map[string]string{
		"(abc":           "Unclosed group near index 4\n(abc",
		"a)":             "Unmatched closing ')' near index 0\na)\n^",
		")":              "Unmatched closing ')'\n)",
		"*a":             "Dangling meta character '*' near index 0\n*a\n^",
		"a|+":            "Dangling meta character '+' near index 2\na|+\n  ^",
		"[a":             "Unclosed character class near index 1\n[a\n ^",
		"[z-a]":          "Illegal character range near index 3\n[z-a]\n   ^",
		"a{x}":           "Illegal repetition near index 2\na{x}\n  ^",
		"a{2,1}":         "Illegal repetition range near index 5\na{2,1}\n     ^",
		"a{2":            "Unclosed counted closure near index 3\na{2",
		"a{99999999999}": "Illegal repetition range near index 11\na{99999999999}\n           ^",
		`\`:              "Unexpected internal error near index 1\n\\",
		`\i`:             "Illegal/unsupported escape sequence near index 1\n\\i\n ^",
		`[\A]`:           "Illegal/unsupported escape sequence near index 2\n[\\A]\n  ^",
		`(?<1a>x)`:       "capturing group name does not start with a Latin letter near index 3\n(?<1a>x)\n   ^",
		`(?<a-b>x)`:      "named capturing group is missing trailing '>' near index 4\n(?<a-b>x)\n    ^",
		`(?<a>x)(?<a>y)`: "Named capturing group <a> is already defined near index 11\n(?<a>x)(?<a>y)\n           ^",
		`\k<n>`:          "named capturing group <n> does not exist near index 4\n\\k<n>\n    ^",
		`\kn`:            "\\k is not followed by '<' for named capturing group near index 2\n\\kn\n  ^",
		"(?z)":           "Unknown inline modifier near index 2\n(?z)\n  ^",
		"(?@)":           "Unknown group type near index 2\n(?@)\n  ^",
		`\p{Foo}`:        "Unknown character property name {Foo} near index 6\n\\p{Foo}\n      ^",
		`\p{IsFoo}`:      "Unknown character property name {IsFoo} near index 8\n\\p{IsFoo}\n        ^",
		`\p{gc=Foo}`:     "Unknown Unicode property {name=<gc>, value=<Foo>} near index 9\n\\p{gc=Foo}\n         ^",
		`\p{L`:           "Unclosed character family near index 4\n\\p{L",
		`\p{}`:           "Empty character family near index 3\n\\p{}\n   ^",
		`\x{110000}`:     "Hexadecimal codepoint is too big near index 8\n\\x{110000}\n        ^",
		`\x{41`:          "Unclosed hexadecimal escape sequence near index 5\n\\x{41",
		`\xg`:            "Illegal hexadecimal escape sequence near index 2\n\\xg\n  ^",
		`\u12`:           "Illegal Unicode escape sequence near index 4\n\\u12",
		`\08`:            "Illegal octal escape sequence near index 2\n\\08\n  ^",
		`\c`:             "Illegal control escape sequence near index 1\n\\c\n ^",
		"[&&]":           "Bad class syntax near index 2\n[&&]\n  ^",
		`\N{x`:           "Unclosed character name escape sequence near index 3\n\\N{x\n   ^",
		`\N{}`:           "Unknown character name [] near index 3\n\\N{}\n   ^",
		`\Nx`:            "Illegal character name escape sequence near index 2\n\\Nx\n  ^",
		// the quoted text after \Q is rewritten before the parse, so the
		// index counts the characters the rewrite added
		`\Q(\E)`: "Unmatched closing ')' near index 1\n\\Q(\\E)\n ^",
	} {
		err := Check(pattern)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Check(%q) = %v, want %q", pattern, err, want)
			continue
		}
		if se.Error() != want {
			t.Errorf("Check(%q) =\n%s\nwant\n%s", pattern, se.Error(), want)
		}
	}
}

// Patterns the JDK 17 parser takes, including constructs RE2 does not
// have (back references, possessive quantifiers, look-around, class
// intersection, comments mode, inline flags that hold to the end of the
// group).
func TestCheckTakesWhatPatternCompileTakes(t *testing.T) {
	for _, pattern := range []string{
		"", "a", "(a)|b*", "a{2,}", "a{0}", "[a-z&&[^b]]", "[]a]", "[^]a]", `\Q(\E`, "(?x) a # c\n b",
		`\p{L}\p{IsLatin}\p{javaLowerCase}\p{Alpha}\pL\p{sc=Greek}\p{InGreek}`,
		`(?<n>a)\k<n>`, `(a)\1`, "(?<=a)b", "(?<!a)b", "(?=a)", "(?!a)", "(?>a)", "a*+", "a++", "a?+", "a*?",
		`\b{g}`, `\x{1F600}`, `\u00e9`, `\0101`, `\cA`, `\N{LATIN SMALL LETTER A}`, "]", "}", "a{1}{2}", "(?i)a(?-i:b)", `\R\X\h\v\H\V`,
	} {
		if err := Check(pattern); err != nil {
			t.Errorf("Check(%q) = %v, want nil", pattern, err)
		}
	}
}
