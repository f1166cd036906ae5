package ksqldb

import (
	"encoding/binary"
)

// The byte layouts of a foreign-key join's subscription records (apache/kafka
// 3.9, streams/.../kstream/internals/foreignkeyjoin/).

// The instructions a subscription carries (SubscriptionWrapper.Instruction).
const (
	fkDeleteKeyNoPropagate     byte = 0 // the old foreign key's subscription goes, unanswered
	fkDeleteKeyAndPropagate    byte = 1 // the subscription goes, answered with no right row
	fkPropagateNullIfNoFKValue byte = 2 // answered with the right row or none
	fkPropagateOnlyIfFKValue   byte = 3 // answered only where the right row exists
)

// fkHashBytes is the hash a subscription carries, two big-endian longs,
// of a left value in the left table's value serde (SubscriptionSendProcessorSupplier.hash).
func fkHashBytes(value []byte) []byte {
	h := murmur3Hash128(value, murmur3Seed)
	return binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(make([]byte, 0, 16), uint64(h[0])), uint64(h[1]))
}

// fkSubscriptionWrapper is a subscription as SubscriptionWrapperSerde
// writes its version 1: {version, 0x80 set for a null hash}{instruction}
// {hash, absent when null}{primary key}{primary partition, int}.
func fkSubscriptionWrapper(hash []byte, instr byte, pk []byte, partition int32) []byte {
	out := make([]byte, 0, 2+len(hash)+len(pk)+4)
	head := byte(1)
	if hash == nil {
		head |= 0x80
	}
	out = append(append(append(out, head, instr), hash...), pk...)
	return binary.BigEndian.AppendUint32(out, uint32(partition))
}

// fkWrapperHash and fkWrapperPartition read a subscription's hash (nil
// when null) and primary partition back.
func fkWrapperHash(w []byte) []byte {
	if w[0]&0x80 != 0 {
		return nil
	}
	return w[2:18]
}

func fkWrapperPartition(w []byte) int32 {
	return int32(binary.BigEndian.Uint32(w[len(w)-4:]))
}

// fkResponseWrapper is an answer as SubscriptionResponseWrapperSerde
// writes its version 0: {version, 0x80 set for a null hash}{hash, absent
// when null}{the right value, absent when null}.
func fkResponseWrapper(hash, value []byte) []byte {
	out := make([]byte, 0, 1+len(hash)+len(value))
	head := byte(0)
	if hash == nil {
		head |= 0x80
	}
	return append(append(append(out, head), hash...), value...)
}

// fkCombinedKey is the subscription store's key (CombinedKeySchema.toBytes):
// {foreign key length, int}{foreign key}{primary key}.
func fkCombinedKey(fk, pk []byte) []byte {
	out := binary.BigEndian.AppendUint32(make([]byte, 0, 4+len(fk)+len(pk)), uint32(len(fk)))
	return append(append(out, fk...), pk...)
}

// fkSplitCombinedKey is a store key's foreign and primary keys.
func fkSplitCombinedKey(k []byte) (fk, pk []byte, ok bool) {
	if len(k) < 4 {
		return nil, nil, false
	}
	n := int(binary.BigEndian.Uint32(k))
	if n > len(k)-4 {
		return nil, nil, false
	}
	return k[4 : 4+n], k[4+n:], true
}
