// Package enginetest is a stand-in Docker Engine API for tests: a small HTTP
// server on a loopback TCP port (DOCKER_HOST=tcp://127.0.0.1:<port>), or on
// a Unix socket as a local engine is (WithUnixSocket), that
// answers the subset of the Engine API that testcontainers-go and docker
// compose use (ping, version, info, images, containers, exec, networks,
// volumes, events) and records every call, so that a test can assert what a
// client asked the engine for: images and tags, environments, published
// ports and their bindings, network aliases, healthchecks, the order of
// starts, volumes and the removal of all of it.
//
// Containers never run. "start" marks a container running and, when it has
// a healthcheck, healthy (or whatever the test's Script says); its log is
// the text the Script gives; exec commands exit with the Script's code.
// A published port whose host port is left to the engine is a real
// listener on an ephemeral port whose connections the Script may serve, so
// readiness checks that dial it pass; a fixed host port is recorded but not
// bound. The stand-in covers the wiring between a client and the engine,
// not what runs inside the images.
//
// Shapes follow the Engine API reference (v1.47,
// https://docs.docker.com/reference/api/engine/version/v1.47/ and
// github.com/moby/moby api/swagger.yaml); requests the stand-in does not
// know are answered 404 with the engine's error body {"message": ...} and
// recorded, so a test can require that none occurred.
package enginetest
