// Package readme holds the spec that runs README.md: every shell command in
// its fenced blocks is run, in order, against the lab the README describes,
// and each output block is compared with what its command printed. A README
// edit that breaks a command, or changes what it prints, fails the suite.
//
// # Blocks
//
// A fence whose info string is sh holds commands, one a line (a trailing
// backslash continues a line; text after # is a comment, as in the shell).
// An HTML comment on the line before a fence says what the spec does with
// it; a reader of the rendered README does not see it:
//
//	<!-- needs: docker -->          skipped: needs a Docker engine
//	<!-- needs: remote cluster -->  skipped: needs a cluster elsewhere
//	<!-- skip: REASON -->           skipped, with the reason in the test log
//	<!-- output of: COMMAND -->     a plain fence holding what the latest
//	                                command so far that starts with COMMAND
//	                                (its comment left out) prints
//
// A fence with another info string, or none and no marker, is prose.
//
// # Output blocks
//
// Each non-empty line of an output block must appear in the command's
// output (stdout and stderr), anywhere (concurrent components log in no fixed
// order), as a substring of a line, with these
// allowances, so that timings, dates, ports and pids may differ: a duration
// as Go prints it (1.2s) matches any such duration (868ms, 1m2.5s), every
// run of digits (with a decimal part) matches any number, "..." matches
// anything, a word in angle brackets (<random>) matches any non-blank text,
// and a run of blanks matches any run of blanks.
//
// # How commands run
//
// The commands run with bash in a scratch copy of the repository (its
// tracked and untracked, not ignored files), so that the lab's state (.lab)
// and bin/ are the copy's. `go run ./app` and `go run ./lab/cmd/lab` run
// binaries built once from the copy (a `go` on PATH stands in for those two
// and passes every other use to the real go); what those binaries do is what
// `go run` runs, without compiling each time. (So the spec sees the
// binary's exit status on Ctrl-C, 0; `go run` itself exits 1 after it, as
// the README says.)
//
// Every standard port is moved by a free offset N (kept below the ephemeral
// port range, where outgoing connections take ports at random), so
// that the spec never meets a lab of the reader's: in each command
// localhost:PORT and 127.0.0.1:PORT become PORT+N for Kafka 9092, Schema
// Registry 8081, REST Proxy 8082, Connect 8083, ksqlDB 8088, PostgreSQL 5432
// and the dashboard 8888, and the environment carries CTALAB_PORT_OFFSET=N
// and CTALAB_LISTEN=127.0.0.1:8888+N (read by serve), LAB_FLAGS=--port-offset
// N (read by make lab-up, lab-status and lab-down) and, for every command
// but serve, CTALAB_BROKERS, CTALAB_SCHEMA_REGISTRY and CTALAB_KSQLDB at the
// moved ports (read by the lab's console tools).
//
// A serve command runs in the background, as in a terminal of its own; the
// spec goes on once it logs that it is simulating (msg=simulating), and it
// keeps running until the spec reaches a command that starts or stops a
// stack (another serve, make lab-up, make lab-down) or the end of the
// README; then the spec presses Ctrl-C (SIGINT to its process group) and
// expects exit status 0, as the README says a built binary gives. Every
// other command must exit 0 within two minutes. At the end the spec stops
// what is left (make lab-down in the copy).
package readme
