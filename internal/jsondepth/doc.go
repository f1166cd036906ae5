// Package jsondepth holds Jackson's bound on how deeply a JSON document
// nests, for the stand-ins whose Java originals read JSON with Jackson:
// ksqlDB's JSON formats and functions, and the REST Proxy's request
// bodies.
//
// jackson-core 2.16.0 (the version Confluent Platform 7.9 ships, through
// confluentinc/common v7.9.0's pom) checks StreamReadConstraints'
// maxNestingDepth, 1000 by default, each time its parser opens an array
// or object (ParserBase.createChildArrayContext and
// createChildObjectContext): the one that opens level 1001, counted from
// the document's root, is refused with a StreamConstraintsException.
package jsondepth
