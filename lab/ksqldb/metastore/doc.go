// Package metastore is the embedded ksqlDB server's catalogue: the streams
// and tables (Source) with their topics, formats, schemas and statements,
// the persistent queries (Query) with what they read and write, and the
// custom types of CREATE TYPE, as ksqlDB's MetaStore holds them.
//
// The server executes a statement against a Clone, its sandbox, and keeps
// the clone only once the statement is on the command topic; a replayed
// command topic rebuilds the Store. A Query keeps the sources it read as
// they were when it was created or last upgraded (Inputs), and PlanStore
// gives the Store it is planned against, so a replaced declaration leaves a
// running query alone.
package metastore
