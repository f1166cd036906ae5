// Package registry is the embedded Schema Registry: an http.Handler that
// answers the Confluent Schema Registry REST API as Confluent Platform 7.9
// does for Avro schemas (register, lookup, ids, subjects, versions,
// deletes, config, mode, GET /schemas, contexts, compatibility with real
// Avro schema-resolution rules), and refuses JSON Schema and Protobuf with
// the registry's own 42201 error, as a registry without those schema
// providers does.
//
// Requests are routed by a net/http.ServeMux of method+path patterns; paths
// no pattern matches get the registry's JSON 404 and 405 bodies.
//
// State lives only in a compacted Kafka topic (default "_schemas"), in the
// real registry's record format, and is rebuilt from it at start, so ids,
// versions, deletions, configs and modes survive restarts. Keys and values
// are JSON:
//
//	SCHEMA          {"keytype":"SCHEMA","subject":S,"version":V,"magic":1}
//	                -> {"subject":S,"version":V,"id":ID,["references":[...],]"schema":CANONICAL,"deleted":B}
//	                   (soft delete of a version rewrites it with deleted=true;
//	                   permanent delete writes a null value)
//	CONFIG          {"keytype":"CONFIG","subject":S,"magic":0}, subject omitted for the global level
//	                -> {"compatibilityLevel":LEVEL}; null value removes it
//	MODE            {"keytype":"MODE","subject":S,"magic":0}, subject omitted for the global level
//	                -> {"subject":S,"mode":MODE}; null value removes it
//	DELETE_SUBJECT  {"keytype":"DELETE_SUBJECT","subject":S,"magic":0}
//	                -> {"subject":S,"version":V}: versions up to V are soft-deleted
//	CLEAR_SUBJECT   {"keytype":"CLEAR_SUBJECT","subject":S,"magic":0} -> {"subject":S}
//	                   written after switching to IMPORT removed a subject's versions
//	NOOP            {"keytype":"NOOP","magic":0} -> null; written at start to find the end of the log
//
// CONTEXT records written by other registries are read and ignored.
// Records that cannot be read are logged and skipped; stored schema text is
// kept as written, as the Java store reader does. Writes are acknowledged
// to HTTP clients only after the record is in the topic (acks=all) and has
// been read back and applied.
//
// Schemas are stored and compared in the form Java Avro's Schema.toString
// produces (Confluent's canonical string, not the Parsing Canonical Form).
// Schema text is parsed with Jackson's default nesting limit (1000) and
// Java Avro 1.11's rules. Schema texts are copied under the state's read
// lock and parsed and checked outside it; registrations to one subject take
// turns, and only the short commit of a registration is serialised across
// subjects. The compatibility check matches union branches through an
// index and is bounded: a check needing more than maxCompatSteps type
// comparisons is refused with 42201.
//
// Known limits, each refused with an error rather than ignored:
// normalize=true, schema metadata and rule sets, and config fields other
// than compatibility. Only the default context exists: GET /contexts lists
// "." and a qualified subject such as ":.ctx:s" is stored as a plain
// subject name.
package registry
