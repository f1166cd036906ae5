// Package javatime formats and parses date-times with the patterns of
// java.time.format.DateTimeFormatter.ofPattern, as ksqlDB's date-time
// functions (FORMAT_TIMESTAMP, PARSE_TIMESTAMP, TIMESTAMPTOSTRING, ...) and
// the TIMESTAMP_FORMAT property use them.
//
// Letters and widths follow the "Patterns for Formatting and Parsing" table
// of DateTimeFormatter's Javadoc, with English month and day names. Compile
// refuses what Java refuses with Java's message (*InvalidPatternError,
// "Unknown pattern letter: l"), and reports letters Java knows but this
// package does not implement (ErrUnsupportedLetter), so a statement using
// one is refused instead of producing NULLs.
//
// ksqlDB 0.29 formats and parses in two locales. Its format functions
// (FormatTimestamp, TimestampToString, FormatDate, ... in
// ksqldb-engine/.../function/udf/datetime) build their formatters with
// DateTimeFormatter.ofPattern, in the JVM's default locale: en under the
// LANG=C.UTF-8 of Confluent's images. Its parse functions use
// StringToTimestampParser (ksqldb-common/.../util/timestamp), a
// case-insensitive formatter in Locale.ROOT. Zone names ('z') follow that:
// Format prints the en names of a JDK 17 ("CEST", "Central European Summer
// Time", "Central European Standard Time"), choosing standard or daylight
// names as ZoneRules.isDaylightSavings does (the offset differs from the
// standard offset; Go's IsDST differs for Europe/Dublin, Africa/Casablanca,
// ...); Parse reads every name and zone id the ROOT parser reads, the
// longest first, as the zone Java resolves it to, ambiguous names included
// (CST is SystemV/CST6CDT, BST Africa/Abidjan, IST Asia/Kolkata), and then
// the date and time in that zone as LocalDateTime.atZone does. Without a
// zone in the text, Parse resolves the date and time in the zone it is
// given as CP 7.9.4's StringToTimestampParser does (resolve.go): field by
// field from 1970-01-01T00:00, the date before the time, each step keeping
// its offset where still valid, so an ambiguous time takes the offset its
// date's path leads to (the earlier one but where an overlap falls at a
// midnight the path crosses after the change) and a skipped one moves
// forward by the gap. The ROOT
// parser does not read every name the en printer writes ("Central European
// Standard Time" fails, as in ksqlDB). The table is zonenames_table.go,
// generated from a JDK by internal/zonegen; testdata/zones.json holds
// vectors from the same JDK. Zones come from Go's tzdata, but for the
// SystemV zones Go lacks, whose rules are carried from Java; where Go's
// tzdata and the JDK's differ in offsets, names follow Go's offsets.
package javatime
