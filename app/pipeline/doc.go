// Package pipeline composes the application: the stations connector, the
// transformer, the ksqlDB statements, the simulation with its producers and
// the dashboard, run together against one stack's endpoints. It is what
// "go run ./app serve" runs, and what the scenario suite starts.
package pipeline
