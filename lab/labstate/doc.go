// Package labstate is the record a running lab leaves in its data dir
// (<data-dir>/lab.json, .lab/lab.json by default): which provider runs it,
// since when, and every endpoint as this machine reaches it, including the
// JDBC URL of PostgreSQL as Kafka Connect reaches it (inside the compose
// network that is postgres:5432, not localhost). The lab command writes it;
// the application reads it to find the lab it was not told about.
package labstate
