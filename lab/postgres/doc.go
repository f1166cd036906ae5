// Package postgres runs a private PostgreSQL server from the machine's own
// binaries (initdb and postgres, found on PATH or under
// /usr/lib/postgresql/*/bin), in its own data dir, on its own port, listening
// on 127.0.0.1 only with password authentication.
//
// Start initialises the cluster when the data dir holds none, starts the
// server and waits until it accepts connections. Stop and Start stop and
// restart the same server on the same port (data kept); Close stops it and
// removes a temporary data dir. As root the server runs as an unprivileged
// system user, because PostgreSQL refuses to run as root.
package postgres
