// Package sim is the CTA domain and its deterministic simulation: the Blue,
// Red and Green lines, their trains, turnstiles and the weather, driven by a
// simulated clock. It does no I/O; events go to a Sink.
//
// # Lines and trains
//
// Lines are built from cta_stations.csv exactly as the original project did
// (rows sorted by order, unique station names per colour, blue, red, green),
// which gives 32, 34 and 28 station objects. Each line has ten trains placed
// from index 0 at a spacing of ⌊2·last/10⌋ stations; every tick each train
// moves one station and turns at the terminals. Reports follow the
// reference's sweep: trains heading to the terminal by ascending index, then
// trains heading back by descending index. A scheduled breakdown or
// out-of-service period stops a train where it stands; it reports its status
// there every tick, and trains reaching it wait behind it.
//
// # Ridership
//
// Each step a station admits its day type's average rides (weekday,
// Saturday, or Sunday/holiday column of ridership_seed.csv) × the hour's
// ratio from ridership_curve.csv × (step ÷ 1 hour), plus a uniform integer
// noise in [-5, +5]; fractions of a rider and noise below zero carry to the
// next step, so a day's total stays at the curve's share (0.99) of the
// averages: about 536,000 entries on a weekday. This fixes three bugs of the
// reference model, which divided by the step's seconds instead of the steps
// per hour, always used the weekday column, and drew noise from [-5, +4].
//
// # Weather
//
// The reference's weather is a random walk: at the top of each simulated hour
// the temperature takes a step drawn from a triangular distribution on
// [-10, +10] °F whose mode is -1 in "winter", +1 in summer and 0 otherwise,
// from a start of 40, 85 or 70 °F, and the sky is drawn uniformly from the
// five statuses. Nothing pulls the walk back, so after a few simulated days it
// reads -31 °F in a mild December, and its month table left December out of
// winter (an off-by-one).
//
// This simulation keeps the hourly report and the uniform sky, and replaces
// the walk with Chicago's climate: the temperature at hour h of month m is
//
//	normal mean(m) + (normal high(m) - normal low(m))/2 · cos(2π(h-15)/24) + departure
//
// using Chicago O'Hare's monthly normals (1981-2010, as published by the
// Illinois State Climatologist, see chicagoNormals), so the day is warmest at
// 15:00 and coldest at 03:00. The departure is mean-reverting (a first-order
// autoregressive process): each hour it keeps e^(-1/36) of itself and takes
// normal noise, so that it has a standard deviation of 8 °F and halves in
// about 25 hours; a run starts with no departure. The reading is bounded by
// the month's normal low minus 25 °F and normal high plus 20 °F (Bounds); in
// December that is -4.3 to 54.8 °F. A schedule's forced weather sets the
// reading as given, even outside the bounds; from the next hour on the
// reading is within them again and the departure reverts like any other.
//
// # Determinism
//
// Randomness comes from PCG streams seeded by the schedule's seed, one per
// station and one for the weather, so the same schedule and seed always give
// the same events in the same order, and a change at one station does not
// ripple into the others. Pacing (realtime, N×, max) changes only when events
// happen on the wall clock, never what they are.
package sim
