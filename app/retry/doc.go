// Package retry keeps the application's clients working through outages of
// the stack: a capped exponential backoff with jitter, the rules that tell a
// transient failure (connection refused, a timeout, an HTTP 5xx, a retriable
// Kafka error, a group rebalance) from a permanent one the user must fix (an
// HTTP 4xx such as an invalid configuration or an incompatible schema, a
// Kafka error such as an authorization failure), and an Outage that logs one
// Warn line when a dependency stops answering and one Info line, with the
// outage's duration and the records held meanwhile, when it answers again.
//
// Do runs an operation until it succeeds, fails permanently or its context
// ends; the context is the only thing that ends a transient outage.
package retry
