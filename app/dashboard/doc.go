// Package dashboard is the transit status page on :8888: it reads the
// weather, the transformed stations table, every station's arrivals and the
// ksqlDB turnstile summary from the beginning of their topics, folds them
// into one status model, and serves it as an HTML page with live updates
// (Server-Sent Events), a JSON API, a health check and Prometheus metrics.
//
// # Consumers
//
// Every input is read without a consumer group from the first offset of
// each topic-partition, so no committed offset is involved and a restart
// rebuilds the same state. The arrivals topics, 78 of them with a few
// records each per tick, are read by one franz-go client that fetches them
// all in one request per broker (fetcher.go), as Kafka's consumers do; the
// other inputs, one partition each with long runs of records, by a kafka-go
// Reader per partition. Topics are discovered by
// polling the cluster metadata (Config.DiscoveryInterval): arrivals topics
// matching ^org\.chicago\.cta\.station\.arrivals\. and partitions created
// after start are picked up within an interval, and so are the fixed topics
// when they appear late (TURNSTILE_SUMMARY exists only once ksqlDB runs).
// Records that cannot be decoded (bad magic byte, unknown schema id, invalid
// JSON, wrong key size, missing fields) are skipped and counted; a Schema
// Registry that cannot be reached is retried, never mistaken for corruption.
//
// # Model
//
// The model follows the original dashboard's update rules, restated so that
// the result does not depend on the order in which topics are read: the
// stations table names the rows ((line, station_id) -> name, order); a train
// stands in the direction slot of the station its latest arrival (by the
// simulated time in the arrival's key) names, which is exactly "depart from
// the previous station's slot, then arrive" applied in simulated-time order;
// turnstile counts are kept per station id and shown on every line's row of
// that station. Trains and counts are kept per station id independently of
// the table, so arrivals read before the table are not lost, and a table
// record does not reset a station's trains or count. Where two trains'
// latest reports name the same slot (the two red 95th stops share station id
// 40450) the slot shows the later arrival. Records with equal simulated
// times are ordered by topic, partition and offset, so that two dashboards
// over the same topics, or one restarted, show the same status.
//
// # HTTP
//
// / is the original page (welcome header, "<temperature>° | <Status>", the
// Line | Station | Train Direction A | Train Direction B | Total Turnstile
// Entries table, lines blue, green, red, stations by order) plus a diagram
// per line, train status and the simulated time. /events streams the page's
// live part as Server-Sent Events: an update goes out as soon as a change
// comes, and changes that come while one is sent are coalesced into the
// next (Config.PushInterval fixes a minimum interval instead); without
// JavaScript the page reloads every 10 s.
// /api/status is the model as JSON, its wall-clock facts in "server"
// (omitted with ?stable=1). /healthz answers 200 once every partition that
// the first discovery saw has been read up to the end offset it had then,
// and 503 with what is behind before. /metrics is the Prometheus text
// format. Every asset is embedded; the page loads nothing from elsewhere.
//
// A partition whose last records are transaction markers never reports
// reaching its end offset through records; the pipeline's producers do not
// write transactionally.
package dashboard
