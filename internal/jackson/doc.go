// Package jackson words the refusals of jackson-core 2.16, the release
// Confluent Platform 7.9 ships (confluentinc/common v7.9.0 and v7.9.4
// pom.xml: jackson.version 2.16.0), for the stand-ins that read JSON as
// a Confluent service does. Both parsers a service meets share one
// wording (base/ParserMinimalBase.java, base/ParserBase.java): the REST
// Proxy's UTF8StreamJsonParser over a request's bytes, and the
// ReaderBasedJsonParser ksqlDB's JSON functions read a Java String with
// (reader.go: a tree or list read whole, ReadTree and ReadNodeList, or an
// array's elements token by token, ArrayElements). They differ in what they count and decode: the first
// counts bytes and names a byte outside ASCII as the ISO-8859-1
// character it would be, the second counts and names UTF-16 chars.
package jackson
