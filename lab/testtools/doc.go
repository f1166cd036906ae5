// Package testtools finds the programs written by others that the specs run
// against the lab: kcat, Node.js with kafkajs, Debian's python3 with
// confluent-kafka and its Avro, JSON Schema and Protobuf extras, curl and
// chromium, all installed by scripts/install-test-deps.
//
// The rule is the same in every package: a spec whose program is missing
// is skipped with a one-line reason on a developer's machine, and fails
// when CI is set, where the tools must be there.
package testtools
