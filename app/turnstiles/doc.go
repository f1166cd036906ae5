// Package turnstiles holds the ksqlDB statements that count turnstile entries
// per station, and submits them to a ksqlDB server through its REST API.
//
// A stream TURNSTILE reads the Avro turnstile topic; the table
// TURNSTILE_SUMMARY counts its events per station_id, keyed by the station
// id (KAFKA format, 4-byte INT) with a JSON value {"COUNT": n}. Submission is
// idempotent: what already exists is left alone, and an error answer is
// reported with ksqlDB's own message.
package turnstiles
