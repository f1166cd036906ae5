package ksqldb

import (
	"errors"
	"fmt"
	"time"

	"github.com/ctalab/ctalab/lab/ksqldb/javatime"
	"github.com/ctalab/ctalab/lab/ksqldb/metastore"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// This file is the TIMESTAMP and TIMESTAMP_FORMAT properties: the column a
// source's records take their time from, on declared sources (read when a
// query decodes a record) and on CREATE ... AS SELECT sinks (the time each
// result is written with). confluentinc/ksql,
// ksqldb-execution/.../timestamp/TimestampExtractionPolicyFactory.java.

// checkTimestampColumn validates WITH (TIMESTAMP=..., TIMESTAMP_FORMAT=...)
// against the source's schema and records it on src: a BIGINT column is
// epoch milliseconds, a TIMESTAMP column its own instant, a STRING column
// needs a format and is parsed with it in UTC, the server's zone (a pattern
// that does not compile fails each row, as ksqlDB builds its parser only
// when a query starts). A format Java does not accept at all is refused
// first, as ksqlDB's CreateSourceProperties checks it with
// DateTimeFormatter.ofPattern when it reads the WITH clause.
func checkTimestampColumn(src *metastore.Source, name, format string) error {
	if format != "" {
		var invalid *javatime.InvalidPatternError
		if _, err := javatime.Compile(format); errors.As(err, &invalid) {
			return stmterr.Bad("Invalid datetime format for config:TIMESTAMP_FORMAT, reason:%s", invalid.Msg)
		}
	}
	if name == "" {
		return nil
	}
	for _, c := range src.Schema.Cols {
		if c.Name != name {
			continue
		}
		if c.Type == types.String {
			if format == "" {
				return stmterr.Bad("A String timestamp field has been specified without also specifying the timestamp_format")
			}
			if _, err := javatime.Compile(format); errors.Is(err, javatime.ErrUnsupportedLetter) {
				return stmterr.Unsupported("timestamp_format '" + format + "' (" + err.Error() + ")")
			}
			src.Timestamp, src.TimestampFormat = name, format
			return nil
		}
		if format != "" {
			return stmterr.Bad("'TIMESTAMP_FORMAT' set in the WITH clause can only be used when the timestamp column is of type STRING.")
		}
		if c.Type == types.Bigint || c.Type.Kind() == types.KindTimestamp {
			src.Timestamp = name
			return nil
		}
		return stmterr.Bad("Timestamp column, `%s`, should be LONG(INT64), TIMESTAMP, or a String with a timestamp_format specified.", name)
	}
	return stmterr.Bad("The TIMESTAMP column set in the WITH clause does not exist in the schema: '%s'", name)
}

// extractTimestamp is a row's time from its source's TIMESTAMP column; a
// null, negative or unparsable one fails, and the record is skipped, as
// LoggingTimestampExtractor returns -1 and Kafka Streams drops records with
// a negative timestamp.
func extractTimestamp(src *metastore.Source, row []any) (int64, error) {
	return columnTime(src.Schema.Cols, src.Timestamp, src.TimestampFormat, row)
}

// columnTime is the time in row's column name (cols describe row).
func columnTime(cols []types.Column, name, format string, row []any) (int64, error) {
	for i, c := range cols {
		if c.Name != name {
			continue
		}
		var ts int64
		ok := false
		switch v := row[i].(type) {
		case int64:
			ts, ok = v, true
		case types.TimestampVal:
			ts, ok = int64(v), true
		case string:
			if jp, err := javatime.Compile(format); err == nil {
				if t, err := jp.Parse(v, time.UTC); err == nil {
					ts, ok = t.UnixMilli(), true
				}
			}
		}
		if !ok || ts < 0 {
			return 0, fmt.Errorf("failed to extract timestamp from row: column %s is %v", c.Name, types.Format(row[i]))
		}
		return ts, nil
	}
	return 0, fmt.Errorf("failed to extract timestamp from row: no column %s", name)
}
