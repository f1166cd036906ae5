// Package stack holds the types every lab provider shares: the Endpoints of
// a running stack and the Stack interface. It imports nothing from the
// providers, so the providers (embedded, containers) and package lab, which
// chooses between them, can all depend on it.
package stack
