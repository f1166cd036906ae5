// Package httpauth is the HTTP basic authentication in front of the lab's
// HTTP stand-ins (Schema Registry, REST Proxy, Kafka Connect, ksqlDB): one
// middleware that checks the credentials and, for a request without valid
// ones, answers 401 the way the real product does (status, headers, body).
package httpauth
