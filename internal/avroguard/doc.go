// Package avroguard checks Avro binary data against the schema it will be
// decoded with before goavro decodes it, so that a record written by any
// client cannot take the process down.
//
// goavro (v2.15.0) trusts a record's counts: an array or map block count
// makes it allocate that many slots before it reads one item (a six-byte
// record claiming 2^31-1 items asks for 32 GiB, and the Go runtime ends
// the process when it cannot have them), and a schema that refers to
// itself lets data nest as deep as it is long, each level a few frames of
// recursion (ten million levels overflow the goroutine stack, which is
// fatal too). In Java such a read fails with an exception or an Error
// (out of memory, stack overflow) that ends the read, a stream thread or a
// REST Proxy request, not the process.
//
// A Guard walks the data iteratively within bounds: every block count no
// larger than the bytes left for its items (each takes at least one byte)
// or, for items that take none, than MaxZeroSizeItems; every length within
// the data; nesting no deeper than MaxDepth. Data it refuses is reported
// as an error, which each decoder reports as it reports any record it
// cannot read. Schemas with no array, map or recursion need no walk: For
// answers nil for them, and Decode goes straight to goavro.
package avroguard
