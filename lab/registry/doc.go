// Package registry is the embedded Schema Registry: an http.Handler that
// answers the Confluent Schema Registry REST API as Confluent Platform 7.9
// does for Avro schemas (register, lookup, ids, subjects, versions,
// deletes, config, compatibility with real Avro schema-resolution rules),
// and refuses JSON Schema and Protobuf with the registry's own 42201 error.
//
// State lives only in a compacted Kafka topic (default "_schemas"), in the
// real registry's record format, and is rebuilt from it at start, so ids,
// versions, deletions and configs survive restarts. Keys and values are
// JSON:
//
//	SCHEMA          {"keytype":"SCHEMA","subject":S,"version":V,"magic":1}
//	                -> {"subject":S,"version":V,"id":ID,["references":[...],]"schema":CANONICAL,"deleted":B}
//	                   (soft delete of a version rewrites it with deleted=true;
//	                   permanent delete writes a null value)
//	CONFIG          {"keytype":"CONFIG","subject":S,"magic":0}, subject omitted for the global level
//	                -> {"compatibilityLevel":LEVEL}; null value removes it
//	DELETE_SUBJECT  {"keytype":"DELETE_SUBJECT","subject":S,"magic":0}
//	                -> {"subject":S,"version":V}: versions up to V are soft-deleted
//	NOOP            {"keytype":"NOOP","magic":0} -> null; written at start to find the end of the log
//
// MODE, CONTEXT and CLEAR_SUBJECT records written by other registries are
// read and ignored. Writes are acknowledged to HTTP clients only after the
// record is in the topic (acks=all) and has been read back and applied.
//
// Schemas are stored and compared in the form Java Avro's Schema.toString
// produces (Confluent's canonical string, not the Parsing Canonical Form).
// Known limits, each refused with an error rather than ignored:
// normalize=true, schema metadata and rule sets, import mode (explicit ids)
// and config fields other than compatibility.
package registry
