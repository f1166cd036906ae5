// Package restproxy is the embedded Kafka REST Proxy: an http.Handler that
// answers the REST Proxy API subset the lab needs with the status codes and
// {"error_code","message"} bodies of Confluent Platform 7.9.
//
// The package is organised by role:
//
//   - router.go: the method+path table (net/http.ServeMux patterns) and the
//     adapter that gives unknown paths and methods Jersey's 404/405 bodies.
//   - produce.go, request.go, serialize.go, partitioner.go, topics.go: API v2
//     produce (POST /topics/{topic}) and topic metadata; v2_bind.go binds
//     the body as Jackson binds kafka-rest's v2 ProduceRequest and answers
//     what it refuses as rest-utils' JsonMappingExceptionMapper does (400,
//     Jackson's original message, its first class name shortened). Every
//     record of a request is validated and encoded before anything is
//     produced (acks=all, uncompressed), so a rejected request writes
//     nothing.
//     partitions_v2.go: the v2 partition and broker resources, including
//     produce to a partition.
//   - consumers.go (HTTP), consumer_state.go (instances), consumer_records.go
//     (embedded formats of records read): the API v2 consumer instances,
//     each a Kafka consumer in a real consumer group. A body is read, and
//     a null one refused as Jersey's bean validation refuses a @NotNull
//     one, before the instance is looked up.
//   - v3.go (clusters, brokers, shared shapes), v3_topics.go (topics,
//     configs, partitions), v3_records.go (produce, streaming;
//     v3_stream_syntax.go answers a stream that is not JSON),
//     v3_bind.go (a streamed record bound as Jackson binds kafka-rest's
//     ProduceRequest: its coercions, its builders' checks, and its own
//     message, first line, for what it refuses), with v3_jackson.go,
//     v3_instant.go and v3_base64.go (Jackson's scalar, Instant and
//     byte[] deserializers),
//     v3_batch.go (records:batch; v3_batch_bind.go binds its body with
//     the same builder binding, answered as a v2 body is), v3_groups.go (consumer groups,
//     consumers, lags), v3_replicas.go
//     (partition replicas, consumer assignments), v3_configs.go (topic,
//     broker and cluster-wide broker configs: read, PUT, DELETE,
//     configs:alter, and every topic's or broker's under topics/-/configs
//     and brokers/-/configs; {type}-configs takes the type in any case
//     and refuses another as EnumConverterProvider does, through DescribeConfigs and
//     IncrementalAlterConfigs as kafka-rest's config managers call them;
//     v3_configs_bind.go binds the write bodies as Jackson binds them):
//     API v3.
//   - schemas.go: the Schema Registry client, for Avro in both directions.
//   - jackson_syntax.go: a body that is not JSON, refused with
//     jackson-core's UTF8StreamJsonParser message for where the reader
//     stops; jackson_chars.go: how that parser reads bytes and words
//     for its messages.
//   - depth.go: request bodies nested past Jackson's 1000 levels inside a
//     record's key or value (internal/jsondepth), refused as kafka-rest
//     refuses them.
//
// # Schemas
//
// Avro schemas are looked up, or registered, in the Schema Registry over HTTP
// under TopicNameStrategy subjects (<topic>-key, <topic>-value); a
// *_schema_id must name a schema registered under the topic's subject. Keys
// and values are given in Avro's JSON encoding (unions wrapped, every field
// present) and written in the Confluent wire format; consumers of the avro
// format read them back in the same encoding. The jsonschema and protobuf
// formats work the same way with JSON Schema and Protobuf schemas: JSON
// records validated and written as JSON, Protobuf records read with
// protobuf's JSON mapping and written with the message-index array, and
// consumers of those formats read them back (typed_schemas.go).
//
// # Known differences from the real service
//
//   - A produce to a topic the broker does not have (and will not
//     auto-create) is answered 404/40401 as soon as the broker says so,
//     about a second, where the Java producer waits max.block.ms (60 s).
//   - The json format writes each key and value as the request's JSON,
//     compacted; Jackson would re-serialise it (1.50 becomes 1.5, escapes
//     are rewritten). The JSON value is the same.
//   - Avro conversion uses goavro, so error messages differ from Avro's
//     JsonDecoder, and non-ASCII characters written unescaped in bytes or
//     fixed values are taken as their UTF-8 bytes.
//   - jsonschema and protobuf (typed_schemas.go): records are validated
//     with a Go JSON Schema validator and protobuf-go's JSON mapping; the
//     400 for a JSON record missing a required key or of the wrong type is
//     worded as everit words it (jsonschema_errors.go), other JSON Schema
//     failures and every Protobuf JSON error are worded differently from
//     everit and JsonFormat. Protobuf records use the schema's first
//     message, as the real proxy does. A JSON Schema record is written as
//     the request's JSON, compacted (see the json format above).
//   - v2 consumers commit, automatically or on an empty POST .../offsets,
//     only what was returned to the client; the Java consumer commits its
//     fetch position, which may include records buffered but not yet
//     returned. Topic patterns are Go (RE2) regular expressions matched
//     against the whole topic name, not java.util.regex patterns.
//   - Consumer instances with manually assigned partitions and auto-commit
//     commit after each read rather than every five seconds.
//   - A read that meets a record its format cannot convert (not JSON under
//     the json format, not Avro wire format under avro) answers 408/40801
//     and leaves every record of that read unconsumed; the Java proxy
//     loses the records it had converted before the bad one. A read the
//     client abandons also leaves its records for the next read.
//   - At most DefaultMaxConsumerInstances (1000) v2 consumer instances live
//     at once (WithMaxConsumerInstances); one more is answered 429/42901.
//     The real proxy has no such bound.
//   - v3 subject_name_strategy other than TOPIC_NAME is refused with 400.
//   - A produce body nested past 1000 levels inside a record's key or value
//     is refused for its depth even when a mistyped field earlier in the
//     body would have stopped Jackson first. A v3 record nested past
//     10000 levels (Go's decoder bound) ends the stream with one "Error
//     processing JSON" answer, where kafka-rest answers the record's depth
//     and then the depth it meets skipping the rest.
//   - A streamed v3 record's header value given as base64 that ends
//     inside a 4-character unit after one character, or after "=" where a
//     second "=" is due, or that holds a character outside ASCII written
//     unescaped, is refused for that character; Jackson's parser reads on
//     past the string's end in those cases and fails the rest of the
//     stream. One holding a backslash escape or a raw control character
//     is refused as any string would be, where Jackson's base64 decoder
//     refuses it in its own words; records:batch entries alike.
//   - A v2 produce, records:batch or v3 config write body that is not
//     JSON is answered as kafka-rest answers it (jackson_syntax.go):
//     jackson-core's parse message as rest-utils'
//     JsonParseExceptionMapper gives it, or, inside a member's value,
//     sanitised by its JsonMappingExceptionMapper.
//     A member mistyped before the syntax error is answered first, as
//     Jackson binds as it reads, and so is what Jackson checks as an
//     object it finished reading ends (an unknown member, a null record,
//     an entry's id), but not an object still open at the syntax error,
//     nor a creator completed by the member just before it. Bytes are
//     read as Jackson reads them (jackson_chars.go): one outside ASCII
//     where a token should start is named as its ISO-8859-1 character,
//     and what is not UTF-8 as Jackson decodes it is refused, in
//     strings too, where Jackson refuses it.
//   - A streamed v3 produce body that is not JSON (v3_stream_syntax.go)
//     is answered with the same messages, as StreamingResponse answers
//     them: between records, "Bad Request: Error processing message: …"
//     ending the stream; inside a record, 400 and Jackson's message as
//     it is; a member of that record mistyped before the syntax error,
//     an object of it checked as it ended (as above), or a record that
//     is an array, is answered first, and the syntax error then ends
//     the stream, as kafka-rest's resync meets it. After a record
//     refused for its syntax alone, the stream goes on as
//     MappingIterator's resync reads on from where the parser threw: to
//     the record's close and the records after it, or to a second
//     refusal, "Bad Request: Error processing message: …", that ends
//     the stream.
//   - A v3 config resource of a broker id the cluster does not have is
//     answered at once with the TimeoutException Kafka's Admin raises
//     (500/50003 "Timed out waiting for a node assignment. Call: …"),
//     where the real proxy waits default.api.timeout.ms (60 s) for it.
//     brokers/-/configs
//     lists each broker's configs in java.util.HashMap order, except
//     that buckets HashMap turns into trees (eight names or more) keep
//     the broker's order.
//   - v3 resources not listed above (ACLs, reassignments, topic updates,
//     broker removal, a broker's partition replicas) answer as the
//     real service answers endpoints listed in api.endpoints.blocklist:
//     GET 404, other methods 405 (v3_blocked.go).
package restproxy
