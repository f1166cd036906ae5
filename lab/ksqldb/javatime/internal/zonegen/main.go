// Command zonegen writes javatime's zone-name table (zonenames_table.go)
// and its test vectors (testdata/zones.json) from what a JDK 17 says.
//
// It writes ZoneGen.java to a temporary directory and runs it with the
// single-file source launcher, once for the table's facts and once for the
// vectors, in the C.UTF-8 locale Confluent's images set (which Java reads
// as the default locale "en"). Every name, every zone a name parses to and
// every standard offset comes from Java; this program only checks them
// against Go's tzdata and writes them out. Java is needed to regenerate,
// never to build or test:
//
//	go generate ./lab/ksqldb/javatime
//
// runs it from the module root (-java names the java binary, default
// "java" on PATH).
package main

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"go/format"
	"log"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed ZoneGen.java
var zoneGenJava string

// since1970 is where the check of Go's offsets against Java's starts:
// before it, tzdata builds differ in their local mean times (backzone).
var since1970 = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC).Unix()

// command is how the header says to regenerate.
const command = "go generate ./lab/ksqldb/javatime"

// The vectors' zones: those the package must get right, then a sample of
// every region (regionSample), then zone ids that are offsets.
var vectorZones = []string{
	"Europe/Dublin", "Europe/London", "Asia/Kolkata", "Australia/Lord_Howe",
	"America/Sao_Paulo", "Africa/Casablanca", "Asia/Tokyo", "Pacific/Chatham",
	"Europe/Istanbul", "UTC", "America/Chicago", "America/New_York",
	"America/Los_Angeles", "Europe/Paris", "Europe/Moscow", "Africa/Windhoek",
	"America/St_Johns", "Asia/Tehran", "Etc/GMT+5", "SystemV/PST8PDT",
	"GMT", "GMT0", "UT", "Z", "+05:30", "-03:30", "UTC+01:00", "GMT-05:00", "UT+02:00",
}

// The vectors' instants: winter and summer 2024, dates in 1990 and 2030
// (the transition day is chosen per zone by ZoneGen.java).
var vectorInstants = []time.Time{
	time.Date(2024, 1, 15, 12, 0, 0, 0, time.UTC),
	time.Date(2024, 7, 15, 12, 0, 0, 0, time.UTC),
	time.Date(1990, 6, 15, 6, 0, 0, 0, time.UTC),
	time.Date(2030, 12, 15, 18, 0, 0, 0, time.UTC),
}

// The vectors' parse-only texts: ambiguous and generic names, ids, the
// GMT/UT/UTC prefixes, offsets and names Java does not read.
var vectorTexts = []string{
	"2024-03-20 10:00:00 CST", "2024-03-20 10:00:00 CDT", "2024-03-20 10:00:00 America/Chicago",
	"2024-07-01 12:00:00 BST", "2024-07-01 12:00:00 IST", "2024-07-01 12:00:00 PDT",
	"2024-07-01 12:00:00 pdt", "2024-01-15 12:00:00 EST", "2024-01-15 12:00:00 PT",
	"2024-01-15 12:00:00 Pacific Time", "2024-01-15 12:00:00 Pacific Standard Time",
	"2024-01-15 12:00:00 CET", "2024-07-01 12:00:00 CET", "2024-07-01 12:00:00 CEST",
	"2024-07-01 12:00:00 Central European Summer Time", "2024-07-01 12:00:00 Central European Time",
	"2024-01-15 12:00:00 Central European Standard Time", "2024-01-15 12:00:00 Europe/Paris",
	"2024-01-15 12:00:00 europe/paris", "2024-01-15 12:00:00 Etc/GMT+5", "2024-01-15 12:00:00 Etc/UTC",
	"2024-01-15 12:00:00 GMT", "2024-01-15 12:00:00 GMT0", "2024-01-15 12:00:00 GMT+03:00",
	"2024-01-15 12:00:00 GMT+3", "2024-01-15 12:00:00 gmt-05:30", "2024-01-15 12:00:00 GMT+00:00",
	"2024-01-15 12:00:00 GMTZ", "2024-01-15 12:00:00 UT", "2024-01-15 12:00:00 UT+01:00",
	"2024-01-15 12:00:00 UTC", "2024-01-15 12:00:00 UTC+03:00", "2024-01-15 12:00:00 UTC+3",
	"2024-01-15 12:00:00 UTC0", "2024-01-15 12:00:00 Z", "2024-01-15 12:00:00 z",
	"2024-01-15 12:00:00 +03:00", "2024-01-15 12:00:00 +0300", "2024-01-15 12:00:00 -05:30:15",
	"2024-01-15 12:00:00 +00:00", "2024-01-15 12:00:00 +19:00", "2024-01-15 12:00:00 Zulu",
	"2024-01-15 12:00:00 UCT", "2024-01-15 12:00:00 Universal", "2024-01-15 12:00:00 Greenwich Mean Time",
	"2024-01-15 12:00:00 Coordinated Universal Time", "2024-01-15 12:00:00 Japan Standard Time",
	"2024-01-15 12:00:00 JST", "2024-01-15 12:00:00 India Standard Time", "2024-01-15 12:00:00 XYZ",
	"2024-01-15 12:00:00 CSTX", "2024-01-15 12:00:00 Atlantic Standard Time",
	"2024-01-15 12:00:00 Astrakhan Standard Time", "2024-01-15 12:00:00 Moscow Standard Time",
	"2024-01-15 12:00:00 MSK", "2024-01-15 12:00:00 AEST", "2024-01-15 12:00:00 HST",
	"2024-01-15 12:00:00 SystemV/PST8PDT", "2024-01-15 12:00:00 Irish Standard Time",
	"2024-01-15 12:00:00 Irish Summer Time", "2024-01-15 12:00:00 Hawaii-Aleutian Standard Time",
}

func main() {
	javaBin := flag.String("java", "java", "the JDK 17 java binary")
	dir := flag.String("dir", ".", "the javatime package directory")
	anyJDK := flag.Bool("any-jdk", false, "accept a JDK other than 17")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("zonegen: ")

	facts := parseFacts(runJava(*javaBin, nil))
	if !strings.HasPrefix(facts.jdk, "17.") && facts.jdk != "17" && !*anyJDK {
		log.Fatalf("java is %s, not 17 (ksqlDB 0.29 runs on Java 17); -any-jdk to go on", facts.jdk)
	}
	if facts.locale != "en" {
		log.Fatalf("java's default format locale is %q under C.UTF-8, want en", facts.locale)
	}
	table := buildTable(facts)
	src, err := format.Source(table)
	if err != nil {
		log.Fatalf("gofmt: %v", err)
	}
	if err := os.WriteFile(filepath.Join(*dir, "zonenames_table.go"), src, 0o644); err != nil {
		log.Fatal(err)
	}

	zones := slices.Clone(vectorZones)
	zones = append(zones, regionSample(facts.ids)...)
	zones = dedupe(zones)
	var instants []string
	for _, t := range vectorInstants {
		instants = append(instants, strconv.FormatInt(t.Unix(), 10))
	}
	spec := "zones=" + strings.Join(zones, ",") + ";instants=" + strings.Join(instants, ",") +
		";texts=" + strings.Join(vectorTexts, "|")
	vec := runJava(*javaBin, []string{spec})
	if err := os.WriteFile(filepath.Join(*dir, "testdata", "zones.json"), vectorsJSON(facts, vec), 0o644); err != nil {
		log.Fatal(err)
	}
}

// runJava runs ZoneGen.java with args and returns its output lines.
func runJava(javaBin string, args []string) [][]string {
	tmp, err := os.MkdirTemp("", "zonegen")
	if err != nil {
		log.Fatal(err)
	}
	defer func() { _ = os.RemoveAll(tmp) }()
	file := filepath.Join(tmp, "ZoneGen.java")
	if err := os.WriteFile(file, []byte(zoneGenJava), 0o644); err != nil {
		log.Fatal(err)
	}
	cmd := exec.Command(javaBin, append([]string{
		// ZoneGen reads the names the zone printer reads through
		// TimeZoneNameUtility, as the printer does.
		"--add-exports", "java.base/sun.util.locale.provider=ALL-UNNAMED", file}, args...)...)
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "LANG=") && !strings.HasPrefix(kv, "LC_") && !strings.HasPrefix(kv, "JAVA_TOOL_OPTIONS=") {
			env = append(env, kv)
		}
	}
	cmd.Env = append(env, "LANG=C.UTF-8", "LC_ALL=C.UTF-8", "TZ=UTC")
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		log.Fatalf("%s ZoneGen.java: %v", javaBin, err)
	}
	var lines [][]string
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		lines = append(lines, strings.Split(sc.Text(), "\t"))
	}
	return lines
}

type zoneFacts struct {
	id                                   string
	shortStd, shortDst, longStd, longDst string
	fromNames                            string // "s"/"d": that pair never printed, from the printer's names
	wallFirst                            int
	wall                                 []change // Java's wall-offset transitions in 1700-2100
	std                                  string   // "first,sec:off,..." Java's standard offsets
	rules                                [][]string
	histEnd                              int64 // Java's last explicit transition (ZoneRules.getTransitions)
	hasHistEnd                           bool  // whether there is one
}

type change struct {
	at  int64
	off int
}

type facts struct {
	jdk, vendor, tzdb, locale string
	ids                       []string
	zones                     map[string]*zoneFacts
	parse                     map[string]map[string]string // style -> candidate -> zone id or "!"
}

func parseFacts(lines [][]string) *facts {
	f := &facts{zones: map[string]*zoneFacts{}, parse: map[string]map[string]string{"z": {}, "zzzz": {}}}
	zone := func(id string) *zoneFacts {
		z := f.zones[id]
		if z == nil {
			z = &zoneFacts{id: id}
			f.zones[id] = z
			f.ids = append(f.ids, id)
		}
		return z
	}
	for _, l := range lines {
		switch l[0] {
		case "jdk":
			f.jdk, f.vendor, f.tzdb, f.locale = l[1], l[2], l[3], l[4]
		case "wall":
			z := zone(l[1])
			parts := strings.Split(l[2], ",")
			z.wallFirst = atoi(parts[0])
			for _, p := range parts[1:] {
				at, off, _ := strings.Cut(p, ":")
				z.wall = append(z.wall, change{int64(atoi(at)), atoi(off)})
			}
		case "std":
			zone(l[1]).std = l[2]
		case "rule":
			z := zone(l[1])
			z.rules = append(z.rules, l[2:])
		case "histend":
			z := zone(l[1])
			if l[2] != "" {
				z.histEnd, z.hasHistEnd = int64(atoi(l[2])), true
			}
		case "zone":
			z := zone(l[1])
			z.shortStd, z.shortDst, z.longStd, z.longDst, z.fromNames = l[2], l[3], l[4], l[5], l[6]
		case "parse":
			f.parse[l[1]][l[2]] = l[3]
		}
	}
	sort.Strings(f.ids)
	return f
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		log.Fatalf("bad number %q", s)
	}
	return n
}

// stdAt is Java's standard offset at unix second t.
func (z *zoneFacts) stdAt(t int64) int {
	parts := strings.Split(z.std, ",")
	off := atoi(parts[0])
	for _, p := range parts[1:] {
		at, o, _ := strings.Cut(p, ":")
		if int64(atoi(at)) > t {
			break
		}
		off = atoi(o)
	}
	return off
}

// prefixBranch is whether Java's zone-text parser reads text before
// looking it up among the names: a '+' or '-' offset, or a GMT, UT or UTC
// prefix (DateTimeFormatterBuilder.ZoneIdPrinterParser.parse).
func prefixBranch(text string) bool {
	l := strings.ToLower(text)
	return strings.HasPrefix(l, "+") || strings.HasPrefix(l, "-") || strings.HasPrefix(l, "ut") || strings.HasPrefix(l, "gmt")
}

func buildTable(f *facts) []byte {
	var carried, skipped []string
	tzif := map[string]string{}
	type mismatch struct {
		id    string
		first int64
		n     int
	}
	var differ []mismatch
	for _, id := range f.ids {
		z := f.zones[id]
		loc, err := time.LoadLocation(id)
		if err != nil {
			data, err := buildTZif(z)
			if err != nil {
				log.Printf("%s: Go's tzdata lacks it and %v: skipped", id, err)
				skipped = append(skipped, id)
				continue
			}
			if loc, err = time.LoadLocationFromTZData(id, data); err != nil {
				log.Fatalf("%s: TZif: %v", id, err)
			}
			if at, n := compareOffsets(loc, z, math.MinInt64); n > 0 {
				log.Fatalf("%s: the TZif built from Java's rules differs from Java at %d instants, first %v", id, n, time.Unix(at, 0).UTC())
			}
			carried = append(carried, id)
			tzif[id] = base64.StdEncoding.EncodeToString(data)
			continue
		}
		if at, n := compareOffsets(loc, z, since1970); n > 0 {
			differ = append(differ, mismatch{id, at, n})
		}
	}

	var b bytes.Buffer
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("// Code generated by zonegen from OpenJDK %s; DO NOT EDIT.\n", f.jdk)
	p("// Regenerate with: %s (a JDK 17 java on PATH, or -java in the go:generate line).\n\n", command)
	p("package javatime\n\n")
	p("// javaRuntime is the JDK the table was taken from: %s %s, tzdata %s.\n", f.vendor, f.jdk, f.tzdb)
	p("const javaRuntime = %q\n\n", "OpenJDK "+f.jdk+" (tzdata "+f.tzdb+")")
	p("// zoneRows are ZoneId.getAvailableZoneIds() (%d zones): for each, what\n", len(f.ids)-len(skipped))
	p("// DateTimeFormatter.ofPattern(\"z\") and (\"zzzz\") print in standard and in\n")
	p("// daylight saving time in the default locale %s (Java's reading of the\n", f.locale)
	p("// C.UTF-8 locale Confluent's images set), and the standard offsets\n")
	p("// ZoneRules.isDaylightSavings compares with, as \"first,unix:offset,...\"\n")
	p("// (seconds). Names marked in fromNames (s: standard, d: daylight) are never\n")
	p("// printed in 1700-2100 and come from the names the printer reads.\n//\n")
	if len(skipped) > 0 {
		p("// Skipped, as Go's tzdata lacks them and Java's rules could not be carried\n// (%d): %s.\n//\n", len(skipped), strings.Join(skipped, ", "))
	} else {
		p("// No zone is skipped.\n//\n")
	}
	p("// Go's tzdata lacks %d of them, %s;\n", len(carried), strings.Join(carried, ", "))
	p("// carriedZones holds Java's rules for those.\n")
	if len(differ) > 0 {
		p("//\n// Go's tzdata (%s here) gives other offsets than Java's tzdata %s\n", goTZVersion(), f.tzdb)
		p("// for %d zones somewhere in 1970-2100 (zone, first differing instant,\n// instants checked that differ); there the names follow Go's offsets:\n", len(differ))
		for _, d := range differ {
			p("//   - %s %s (%d)\n", d.id, time.Unix(d.first, 0).UTC().Format(time.RFC3339), d.n)
		}
	}
	p("var zoneRows = []zoneRow{\n")
	for _, id := range f.ids {
		if slices.Contains(skipped, id) {
			continue
		}
		z := f.zones[id]
		p("\t{%q, %q, %q, %q, %q, %q, %q},\n", id, z.shortStd, z.shortDst, z.longStd, z.longDst, z.fromNames, z.std)
	}
	p("}\n\n")

	p("// carriedZones are TZif data built from Java's ZoneRules (its transitions,\n")
	p("// then its transition rules as a TZ string) for the zones Go's tzdata lacks,\n")
	p("// checked against Java's offsets in 1700-2100.\n")
	p("var carriedZones = map[string]string{\n")
	for _, id := range carried {
		p("\t%q: %q,\n", id, tzif[id])
	}
	p("}\n\n")

	// The names: every candidate the ROOT parser reads, with either style,
	// to a zone this table has.
	type entry struct{ short, long string }
	keys := map[string]*entry{}
	var excluded []string
	for _, style := range []string{"z", "zzzz"} {
		for cand, res := range f.parse[style] {
			if res == "!" {
				continue
			}
			if prefixBranch(cand) || strings.EqualFold(cand, "z") && res == "Z" {
				if !slices.Contains(excluded, cand) {
					excluded = append(excluded, cand)
				}
				continue
			}
			for _, r := range cand {
				if r >= 0x80 {
					log.Fatalf("name %q is not ASCII", cand)
				}
			}
			if f.zones[res] == nil || slices.Contains(skipped, res) {
				log.Printf("%q parses (%s) to %s, which the table lacks: left out", cand, style, res)
				continue
			}
			k := strings.ToLower(cand)
			e := keys[k]
			if e == nil {
				e = &entry{}
				keys[k] = e
			}
			dst := &e.short
			if style == "zzzz" {
				dst = &e.long
			}
			if *dst != "" && *dst != res {
				log.Fatalf("%q and another spelling of it parse (%s) to %s and %s", cand, style, *dst, res)
			}
			*dst = res
		}
	}
	sort.Strings(excluded)
	var sorted []string
	shortN, longN := 0, 0
	for k, e := range keys {
		sorted = append(sorted, k)
		if e.short != "" {
			shortN++
		}
		if e.long != "" {
			longN++
		}
	}
	sort.Strings(sorted)
	p("// zoneTexts are the texts a Locale.ROOT, case-insensitive DateTimeFormatter\n")
	p("// (ksqlDB's StringToTimestampParser) reads as a zone with 'z' to 'zzz'\n")
	p("// (short: %d) and with 'zzzz' (long: %d), lower-cased, and the ZoneId it\n", shortN, longN)
	p("// reads each as (\"\": not with that width), as ZonedDateTime.parse said for\n")
	p("// every name the printer and the ROOT zone strings know and every zone id.\n")
	p("// The parser reads the longest of them the text starts with. Texts\n")
	p("// starting with '+', '-', GMT or UT (UTC too) never reach these names: Java\n")
	p("// reads them as offsets or prefixed offsets first, so %d such names are left\n", len(excluded))
	p("// out here: %s.\n", strings.Join(excluded, ", "))
	p("var zoneTexts = []zoneText{\n")
	for _, k := range sorted {
		e := keys[k]
		p("\t{%q, %q, %q},\n", k, e.short, e.long)
	}
	p("}\n")
	return b.Bytes()
}

func goTZVersion() string {
	data, err := os.ReadFile("/usr/share/zoneinfo/tzdata.zi")
	if err == nil {
		if line, _, ok := bytes.Cut(data, []byte("\n")); ok && bytes.HasPrefix(line, []byte("# version ")) {
			return string(line[len("# version "):])
		}
	}
	return "unknown version"
}

// compareOffsets checks loc's offsets against Java's at each of Java's
// transitions from since on, the second before it and the middle of each
// period; it returns the first differing instant and how many differ.
func compareOffsets(loc *time.Location, z *zoneFacts, since int64) (int64, int) {
	first, n := int64(0), 0
	check := func(at int64, want int) {
		if _, off := time.Unix(at, 0).In(loc).Zone(); off != want {
			if n == 0 {
				first = at
			}
			n++
		}
	}
	from := time.Date(1700, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	to := time.Date(2101, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	prevAt, prevOff := from, z.wallFirst
	for _, c := range z.wall {
		if c.at >= since {
			check(max(prevAt+(c.at-prevAt)/2, since), prevOff)
			check(c.at-1, prevOff)
			check(c.at, c.off)
		}
		prevAt, prevOff = c.at, c.off
	}
	check(prevAt+(to-prevAt)/2, prevOff)
	return first, n
}

// buildTZif encodes Java's rules for z as TZif version 2 data: Java's
// explicit transitions, then its transition rules as the TZ string.
func buildTZif(z *zoneFacts) ([]byte, error) {
	footer, err := tzString(z)
	if err != nil {
		return nil, err
	}
	type ttinfo struct {
		off   int
		isDST bool
		abbr  string
	}
	var types []ttinfo
	typeOf := func(off int, at int64) byte {
		t := ttinfo{off: off, isDST: off != z.stdAt(at)}
		t.abbr = z.shortStd
		if t.isDST {
			t.abbr = z.shortDst
		}
		if !isAlpha(t.abbr) || len(t.abbr) < 3 {
			t.abbr = offsetAbbr(off)
		}
		for i, u := range types {
			if u == t {
				return byte(i)
			}
		}
		types = append(types, t)
		return byte(len(types) - 1)
	}
	typeOf(z.wallFirst, -1<<62)
	var times []int64
	var idx []byte
	for _, c := range z.wall {
		if !z.hasHistEnd || c.at > z.histEnd {
			break
		}
		times = append(times, c.at)
		idx = append(idx, typeOf(c.off, c.at))
	}
	var chars []byte
	abbrIdx := map[string]int{}
	for _, t := range types {
		if _, ok := abbrIdx[t.abbr]; !ok {
			abbrIdx[t.abbr] = len(chars)
			chars = append(chars, t.abbr...)
			chars = append(chars, 0)
		}
	}
	var b bytes.Buffer
	header := func(timecnt, typecnt, charcnt int) {
		b.WriteString("TZif2")
		b.Write(make([]byte, 15))
		for _, n := range []int{0, 0, 0, timecnt, typecnt, charcnt} { // isutcnt, isstdcnt, leapcnt, ...
			b.Write(binary.BigEndian.AppendUint32(nil, uint32(n)))
		}
	}
	// A version 1 block with no transitions, which readers of version 2 skip.
	header(0, 1, 1)
	b.Write([]byte{0, 0, 0, 0, 0, 0, 0})
	header(len(times), len(types), len(chars))
	for _, t := range times {
		b.Write(binary.BigEndian.AppendUint64(nil, uint64(t)))
	}
	b.Write(idx)
	for _, t := range types {
		b.Write(binary.BigEndian.AppendUint32(nil, uint32(int32(t.off))))
		dst := byte(0)
		if t.isDST {
			dst = 1
		}
		b.Write([]byte{dst, byte(abbrIdx[t.abbr])})
	}
	b.Write(chars)
	b.WriteString("\n" + footer + "\n")
	return b.Bytes(), nil
}

func isAlpha(s string) bool {
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z') {
			return false
		}
	}
	return true
}

func offsetAbbr(off int) string {
	sign := "+"
	if off < 0 {
		sign, off = "-", -off
	}
	s := fmt.Sprintf("%s%02d", sign, off/3600)
	if off%3600 != 0 {
		s += fmt.Sprintf("%02d", off/60%60)
	}
	return s
}

// tzString is the POSIX TZ string for Java's transition rules of z (or its
// last offset when it has none).
func tzString(z *zoneFacts) (string, error) {
	name := func(off int, dst bool) string {
		abbr := z.shortStd
		if dst {
			abbr = z.shortDst
		}
		if !isAlpha(abbr) || len(abbr) < 3 {
			abbr = offsetAbbr(off)
		}
		return "<" + abbr + ">"
	}
	lastOff := z.wallFirst
	if n := len(z.wall); n > 0 {
		lastOff = z.wall[n-1].off
	}
	if len(z.rules) == 0 {
		return name(lastOff, false) + posixOffset(-lastOff), nil
	}
	if len(z.rules) != 2 {
		return "", fmt.Errorf("%d transition rules", len(z.rules))
	}
	// rule fields: month, dayOfMonthIndicator, dayOfWeek, secondOfDay,
	// timeDefinition, standard, before, after
	var start, end []string
	for _, r := range z.rules {
		if atoi(r[7]) != atoi(r[5]) {
			start = r
		} else {
			end = r
		}
	}
	if start == nil || end == nil {
		return "", fmt.Errorf("transition rules without one into and one out of daylight time")
	}
	std, dst := atoi(start[5]), atoi(start[7])
	date := func(r []string) (string, error) {
		month, dom, dow := atoi(r[0]), atoi(r[1]), atoi(r[2])
		if dow == 0 {
			return "", fmt.Errorf("a rule on a fixed day of month")
		}
		var week int
		switch {
		case dom == -1:
			week = 5
		case dom > 0 && (dom-1)%7 == 0:
			week = (dom-1)/7 + 1
		case dom > 0 && month != 2 && dom == time.Date(2001, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()-6:
			week = 5
		default:
			return "", fmt.Errorf("a rule on day-of-month indicator %d", dom)
		}
		secs := atoi(r[3])
		before := atoi(r[6])
		switch r[4] {
		case "WALL":
		case "STANDARD":
			secs += before - atoi(r[5])
		case "UTC":
			secs += before
		}
		return fmt.Sprintf("M%d.%d.%d/%s", month, week, dow%7, posixOffset(secs)), nil
	}
	s, err := date(start)
	if err != nil {
		return "", err
	}
	e, err := date(end)
	if err != nil {
		return "", err
	}
	return name(std, false) + posixOffset(-std) + name(dst, true) + posixOffset(-dst) + "," + s + "," + e, nil
}

func posixOffset(secs int) string {
	sign := ""
	if secs < 0 {
		sign, secs = "-", -secs
	}
	s := fmt.Sprintf("%s%d", sign, secs/3600)
	if secs%3600 != 0 {
		s += fmt.Sprintf(":%02d", secs/60%60)
		if secs%60 != 0 {
			s += fmt.Sprintf(":%02d", secs%60)
		}
	}
	return s
}

// regionSample is a zone of every region (the first path segment; ids
// without one are a region of their own): the middle one.
func regionSample(ids []string) []string {
	regions := map[string][]string{}
	var names []string
	for _, id := range ids {
		r, _, ok := strings.Cut(id, "/")
		if !ok {
			r = ""
		}
		if regions[r] == nil {
			names = append(names, r)
		}
		regions[r] = append(regions[r], id)
	}
	sort.Strings(names)
	var out []string
	for _, r := range names {
		z := regions[r]
		out = append(out, z[len(z)/2])
	}
	return out
}

func dedupe(s []string) []string {
	var out []string
	for _, x := range s {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

type vector struct {
	Zone         string `json:"zone,omitempty"`
	EpochSecond  *int64 `json:"epoch,omitempty"`
	Offset       *int   `json:"offset,omitempty"`
	Pattern      string `json:"pattern"`
	Text         string `json:"text"`
	ParsedEpoch  *int64 `json:"parsedEpoch,omitempty"`
	ParsedZone   string `json:"parsedZone,omitempty"`
	ParsedOffset *int   `json:"parsedOffset,omitempty"`
	ParseError   string `json:"parseError,omitempty"`
}

func vectorsJSON(f *facts, lines [][]string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "{\n  \"generator\": %q,\n  \"jdk\": %q,\n  \"tzdata\": %q,\n  \"formatLocale\": %q,\n",
		"zonegen ("+command+")", "OpenJDK "+f.jdk, f.tzdb, f.locale)
	b.WriteString("  \"note\": \"text is what DateTimeFormatter.ofPattern(pattern) formats the epoch second as in zone (default locale en), where Java's offset is offset; parsedEpoch, parsedZone and parsedOffset, or parseError, are what ZonedDateTime.parse(text) says with a Locale.ROOT case-insensitive formatter of the pattern, as ksqlDB's StringToTimestampParser builds it\",\n")
	b.WriteString("  \"vectors\": [\n")
	n := 0
	for _, l := range lines {
		if l[0] != "vector" {
			continue
		}
		// vector, zone, epoch, offset, pattern, text, parsed epoch or "!",
		// parsed zone or message, parsed offset
		v := vector{Zone: l[1], Pattern: l[4], Text: l[5]}
		if l[2] != "" {
			e, o := int64(atoi(l[2])), atoi(l[3])
			v.EpochSecond, v.Offset = &e, &o
		}
		if l[6] == "!" {
			v.ParseError = l[7]
		} else {
			e, o := int64(atoi(l[6])), atoi(l[8])
			v.ParsedEpoch, v.ParsedZone, v.ParsedOffset = &e, l[7], &o
		}
		js, err := json.Marshal(v)
		if err != nil {
			log.Fatal(err)
		}
		if n > 0 {
			b.WriteString(",\n")
		}
		b.WriteString("    ")
		b.Write(js)
		n++
	}
	b.WriteString("\n  ]\n}\n")
	log.Printf("%d vectors", n)
	return b.Bytes()
}
