// Package postgres runs a private PostgreSQL server from the machine's own
// binaries (initdb and postgres, found on PATH or under
// /usr/lib/postgresql/*/bin), in its own data dir, on its own port, listening
// on 127.0.0.1 only with password authentication.
//
// Start initialises the cluster when the data dir holds none, starts the
// server and waits until it accepts connections. initdb is slow (most of a
// lab's start): the first cluster it makes is kept as a template in the
// user's cache (template.go; CTALAB_CACHE_DIR moves it, WithTemplateCache
// sets or disables it), and later clusters are copies of it, each given a
// superuser password of its own as soon as its server runs. With
// WithTemplateSeed the template also holds what the caller's seed made on
// the first cluster (the lab's stations database), so copies skip it.
// PrepareSpare copies the template once more, in the background, into a
// spare that the next Start takes by renaming it into its data dir (one
// rename instead of creating the template's 1,300 files, spare.go); only
// one Start can take a spare, and the template is never a data dir.
// A template no lab has used for 30 days is removed when another is copied
// or saved. Stop and Start stop and
// restart the same server on the same port (data kept); Close stops it and
// removes a temporary data dir. The server is sized for a lab's small
// tables: 4 MB of shared buffers, 20 connections, no autovacuum, no
// logical replication or WAL senders (VACUUM a big table by hand). As root the server runs as an unprivileged
// system user, because PostgreSQL refuses to run as root.
package postgres
