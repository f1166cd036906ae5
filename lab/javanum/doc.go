// Package javanum prints numbers as the Java platform does, for the
// stand-ins whose real counterparts run on a JVM: FormatDouble is Java 17's
// Double.toString (not always the shortest digits), FormatFloat is
// Float.toString's layout with the shortest digits that round-trip.
package javanum
