// Package tlsgen makes the lab's own certificate authority and a server
// certificate signed by it, as PEM files in a directory, so that a secured
// embedded stack can serve TLS that clients verify against the written CA.
package tlsgen
