// Package registry is the embedded Schema Registry: an http.Handler that
// answers the Confluent Schema Registry REST API as Confluent Platform 7.9
// does (register, lookup, ids, subjects, versions, deletes, config, mode,
// GET /schemas, contexts, compatibility, and the server metadata,
// /v1/metadata/id and /v1/metadata/version, which name the Kafka cluster,
// the default group id and CP 7.9.4's Schema Registry build, metadata.go)
// for its three schema types:
//
//   - AVRO: stored as Java Avro's Schema.toString writes it, checked with
//     Avro's schema-resolution rules.
//   - JSON (JSON Schema, draft-07 unless $schema says otherwise): stored as
//     Jackson re-serialises it (jsonschema.go), checked with CP's JSON
//     Schema difference rules (jsonschema_diff.go); $ref names referenced
//     schemas by reference name.
//   - PROTOBUF: stored as CP's Wire-based formatter writes it, checked with
//     CP's Protobuf difference rules, format=serialized gives the
//     FileDescriptorProto (package protoschema); an import names a
//     reference, and the google/protobuf well-known files,
//     google/type/date.proto, google/type/timeofday.proto,
//     confluent/type/decimal.proto and confluent/meta.proto are built in (ProtobufSchema's
//     KNOWN_DEPENDENCIES). A base64 FileDescriptorProto (what
//     confluent-kafka-python registers) is accepted and stored as CP
//     writes a descriptor's text.
//
// Non-Avro responses and _schemas values carry "schemaType"; Avro ones
// leave it out, as CP does.
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
//	                -> {"subject":S,"compatibilityLevel":LEVEL} (each omitted when
//	                   there is none); null value removes it
//	MODE            {"keytype":"MODE","subject":S,"magic":0}, subject omitted for the global level
//	                -> {"subject":S,"mode":MODE}; null value removes it
//	DELETE_SUBJECT  {"keytype":"DELETE_SUBJECT","subject":S,"magic":0}
//	                -> {"subject":S,"version":V}: versions up to V are soft-deleted
//	CLEAR_SUBJECT   {"keytype":"CLEAR_SUBJECT","subject":S,"magic":0} -> {"subject":S}
//	                   written after switching to IMPORT removed a subject's versions
//	CONTEXT         {"keytype":"CONTEXT","tenant":"default","context":".ctx","magic":0}
//	                -> {"tenant":"default","context":".ctx"}: written at the first
//	                   registration in a context other than the default one
//	NOOP            {"keytype":"NOOP","magic":0} -> null; written at start to find the end of the log
//
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
// JSON Schema and Protobuf checks are bounded the same way (a JSON Schema
// check's comparisons, including every pair of combined subschemas, count
// against maxCompatSteps), and a JSON Schema with its references may hold
// at most maxJSONSchemaObjects objects.
//
// Known limits, each refused with an error rather than ignored:
// normalize=true for Avro, schema metadata and rule sets, config fields
// other than compatibility, and, in Protobuf schemas given as a base64
// FileDescriptorProto (accepted as CP does, protoschema/descriptor.go),
// options outside CP's conversion list, extensions, services and groups.
//
// Contexts are partly modelled: a qualified subject such as ":.ctx:s" is
// stored under that name, and its mode and compatibility level resolve as
// InMemoryCache.mode and config do, its own, else its context's (":.ctx:";
// the top level's for the default context only), else the ".__GLOBAL"
// context's, else READWRITE and the server's default level; a top-level
// READONLY_OVERRIDE overrides every subject's mode, and IMPORT for a
// context looks at its subjects. GET /contexts lists "." and the contexts
// registered in; a subject of the default context without the version or
// schema asked for is read from the subject of that name in each of them
// (GET /subjects/{s}/versions/{v} and POST /subjects/{s}, as
// KafkaSchemaRegistry.getUsingContexts and
// lookUpSchemaUnderSubjectUsingContexts do). Schema ids are one space for
// every context, where CP keeps one per context, and GET
// /schemas/ids/{id}?subject= does not look in the subject's context.
// Every path's subject is read as QualifiedSubject reads it
// (qualified.go): a subject of the default context, ":.:s", is "s", and
// the subject is checked as isValidSubject does (no control characters,
// not __GLOBAL or __EMPTY, the .__GLOBAL context only in config and mode
// paths); in config and mode paths the default context's own name, ":.:"
// (or ":."), is the top level, as QualifiedSubject.isDefaultContext makes
// it (DELETE /mode/:.: is refused with 42208).
//
// Lists follow CP 7.9.4 (the release the containers run): GET /subjects,
// /subjects/{s}/versions, /schemas/ids/{id}/subjects and /versions and
// /contexts take offset and limit, and PUT /config stores the request over
// the stored config and answers what it stored, the level by its name: an
// absent compatibility keeps the stored level, a null one clears it, and
// either makes a config without a level when none was stored (answered
// {}). A config without a level stands for the server's default level
// (WithDefaultCompatibility), not the global one, in GET and DELETE
// answers and when checking registrations.
//
// Known differences: JSON Schemas are validated by a Go validator, so the
// details of a 42201 for an invalid schema differ from everit's; Protobuf
// parse errors come from a Go compiler, not Wire. Incompatibilities are
// listed in name and number order where CP's follow Java hash-set order.
// Protobuf option values are written from the parsed option (a float as
// Go formats it, an aggregate value on one line) where Wire keeps the
// literal. format=ignore_extensions gives the stored text.
package registry
