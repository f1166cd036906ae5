// Package sql is the hand-written lexer and parser for the ksqlDB dialect the
// embedded ksqlDB server accepts. It turns request text into statements with
// their original text, and reports syntax errors with ksqlDB's "line L:C"
// positions; constructs ksqlDB has but this server does not run are parsed far
// enough to be named in an UnsupportedError.
package sql
