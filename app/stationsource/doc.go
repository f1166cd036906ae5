// Package stationsource defines the Kafka Connect JDBC source connector that
// loads table stations from PostgreSQL into topic org.chicago.cta.stations,
// and registers it through the Connect REST API: created when missing,
// updated when its configuration differs, then watched until it runs.
//
// The connector is the original project's: incrementing mode on stop_id,
// JSON values without schemas, topic prefix "org.chicago.cta.", polled
// rarely (the table is loaded once).
package stationsource
