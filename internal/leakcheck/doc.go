// Package leakcheck counts what a test should find gone once the code it
// runs has stopped: here, the background loops of kafka-go connection
// pools, which outlive their lab when a Transport is not closed and then
// keep redialing ports that other servers may take.
package leakcheck
