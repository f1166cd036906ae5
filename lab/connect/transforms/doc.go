// Package transforms holds the single message transformations and
// predicates that ship with Apache Kafka 3.9 Connect
// (org.apache.kafka.connect.transforms and ...transforms.predicates), with
// their class names, config keys, defaults, validation messages and output
// records, on the record model of package data.
//
// A Plugin describes one class: its config keys (which the worker embeds
// into a connector's ConfigDef under "transforms.<alias>." or
// "predicates.<alias>.") and a constructor taking the parsed values. Parsed
// values follow ConfigDef's types: STRING string, LIST []string, BOOLEAN
// bool, INT int32, LONG int64; nil is a null value.
//
// Errors a transformation raises on a record are *Error values naming the
// Java exception (DataException, ConfigException, ...), so the worker can
// report them in the shape of a Connect task trace.
//
// # Limits
//
// Regular expressions (RegexRouter, TopicNameMatches) are compiled by Go's
// RE2 engine, a subset of java.util.regex: backreferences, lookaround and
// possessive quantifiers are refused as invalid regexes rather than
// matched differently. Date patterns (TimestampRouter, TimestampConverter)
// are SimpleDateFormat's in UTC with the en_US locale (US weeks for Y, w
// and W). Connect schemas in package data carry no default values, so
// replace.null.with.default never has a default to substitute.
// InsertHeader types numeric and boolean literals as Values.parseString
// does and keeps other literals as strings, whose header text is the same.
//
// Reference: https://kafka.apache.org/39/documentation.html#connect_transforms
// and apache/kafka connect/transforms/src/main/java/org/apache/kafka/connect/transforms/.
package transforms
