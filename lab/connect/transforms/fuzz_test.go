package transforms

import (
	"testing"
)

// Config strings and record text come from clients; none may panic.

func FuzzSimpleDate(f *testing.F) {
	f.Add("yyyy-MM-dd HH:mm:ss.SSS", "2024-03-05 07:08:09.010")
	f.Add("dd MMM yyyy hh a", "05 Mar 2024 07 PM")
	f.Add("'at' yyyy''", "at 2024'")
	f.Fuzz(func(t *testing.T, pattern, text string) {
		toks, err := parseSimpleDateFormat(pattern)
		if err != nil {
			return
		}
		_, _ = parseSimpleDate(toks, text)
		_ = formatSimpleDate(toks, unixMilli(1709622489010))
	})
}

func FuzzFieldPath(f *testing.F) {
	f.Add("`foo.bar`.baz")
	f.Add("`a\\`.b`.c")
	f.Add("a..b.")
	f.Fuzz(func(t *testing.T, p string) {
		_, _ = parseFieldPath(p, true)
	})
}

func FuzzReplacement(f *testing.F) {
	f.Add(`(a)(?P<n>b)`, "$1${n}\\$")
	f.Fuzz(func(t *testing.T, regex, repl string) {
		re, err := fullMatch(regex)
		if err != nil {
			return
		}
		groups := make([]string, re.NumSubexp()+1)
		_, _ = javaReplacement(re, repl, func(i int) string { return groups[i] })
	})
}

func FuzzLiteral(f *testing.F) {
	f.Add("1.50")
	f.Add("+.5e-3")
	f.Fuzz(func(t *testing.T, s string) {
		_, v := parseLiteral(s)
		_ = ValuesString(v)
	})
}
