// Package topic names the Kafka topics of the CTA pipeline. The names are
// contracts shared by producers, the transformer, ksqlDB and the dashboard,
// so they live in one place.
package topic

import "strings"

// Fixed topic names.
const (
	// Turnstile carries one Avro record per turnstile entry, for all stations.
	Turnstile = "org.chicago.cta.station.turnstile.v1"
	// Weather carries hourly Avro weather reports, written through the REST Proxy.
	Weather = "org.chicago.cta.weather.v1"
	// Stations is written by the Kafka Connect JDBC source from table stations.
	Stations = "org.chicago.cta.stations"
	// StationsTable is the transformer's compacted output, one record per (line, station).
	StationsTable = "org.chicago.cta.stations.table.v1"
	// TurnstileSummary is ksqlDB's table of turnstile entries per station.
	TurnstileSummary = "TURNSTILE_SUMMARY"
	// ArrivalsPrefix starts every per-station arrivals topic.
	ArrivalsPrefix = "org.chicago.cta.station.arrivals."
	// ArrivalsPattern matches every arrivals topic, as the original dashboard subscribed.
	ArrivalsPattern = `^org\.chicago\.cta\.station\.arrivals\.`
)

// Arrivals returns the arrivals topic of the station with the given display
// name, e.g. "Clark/Lake" -> "org.chicago.cta.station.arrivals.clark_and_lake".
func Arrivals(stationName string) string {
	return ArrivalsPrefix + Slug(stationName)
}

var slugger = strings.NewReplacer("/", "_and_", " ", "_", "-", "_", "'", "")

// Slug sanitises a station name as the original producers did: lower case,
// "/" becomes "_and_", spaces and dashes become "_", apostrophes go.
func Slug(stationName string) string {
	return slugger.Replace(strings.ToLower(stationName))
}
