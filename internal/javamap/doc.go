// Package javamap lays map entries out in the order java.util.HashMap
// (OpenJDK 17) iterates them, for the places where a Java server writes a
// HashMap's entries and a client can see their order: ksqlDB's MAP values
// and connector configs, Kafka Connect's schemaless maps.
//
// A HashMap iterates its table bucket by bucket, a key's bucket being its
// spread hashCode (h ^ h>>>16) masked by the table's length, and each
// bucket from head to tail. The table's length, and so each key's bucket,
// depends on how the map was made and filled: its initial capacity, the
// 0.75 load factor, putAll sizing an empty map first, a long bucket in a
// small table growing the table, and merge placing a new key at its
// bucket's head where put appends it. HashMap follows all of these; the
// caller supplies each key's hashCode and its identity under equals.
package javamap
