// Package srclient is ctalab's one Schema Registry client, shared by the
// application, the ksqlDB stand-in and the REST Proxy stand-in: it talks
// to any registry that speaks Confluent's REST API, through franz-go's
// sr client, and adds what all three need on top: an id cache for the
// schemas it registers and a single-flight cache of Avro codecs by id.
package srclient
