// Package restproxy is the embedded Kafka REST Proxy: an http.Handler that
// answers the REST Proxy API v2 subset the lab needs (POST /topics/{topic}
// with the avro, json and binary embedded formats, GET /topics, GET
// /topics/{topic}) with the status codes and {"error_code","message"} bodies
// of Confluent Platform 7.9. Every record of a request is validated and
// encoded before anything is produced (acks=all), so a rejected request
// writes nothing to Kafka and an acknowledged one is durable.
//
// # Schemas
//
// Avro schemas are looked up, or registered, in the Schema Registry over HTTP
// under TopicNameStrategy subjects (<topic>-key, <topic>-value); a
// *_schema_id must name a schema registered under the topic's subject. Keys
// and values are given in Avro's JSON encoding (unions wrapped, every field
// present) and written in the Confluent wire format.
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
//   - The jsonschema and protobuf formats are refused with 415 naming the
//     format; the v3 API, consumers and partition resources answer 404.
package restproxy
