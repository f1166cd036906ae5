// Package platform names the Confluent Platform release the lab
// reproduces, and the version strings and commit ids its components report
// about themselves: the containers provider runs that release's images, and
// the embedded stand-ins answer the same identity, so that a client asking
// either stack what it talks to gets one answer.
package platform
