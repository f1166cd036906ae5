// Package javatime formats and parses date-times with the patterns of
// java.time.format.DateTimeFormatter.ofPattern, as ksqlDB's date-time
// functions (FORMAT_TIMESTAMP, PARSE_TIMESTAMP, TIMESTAMPTOSTRING, ...) and
// the TIMESTAMP_FORMAT property use them.
//
// Letters and widths follow the "Patterns for Formatting and Parsing" table
// of DateTimeFormatter's Javadoc, with Locale.ROOT text (English month and
// day names). Compile refuses what Java refuses with Java's message
// (*InvalidPatternError, "Unknown pattern letter: l"), and reports letters
// Java knows but this package does not implement (ErrUnsupportedLetter), so
// a statement using one is refused instead of producing NULLs. The zone
// names a 'z' parses are those of the North American regions and UTC/GMT
// (zonenames.go); others fail the parse where Java would read them.
package javatime
