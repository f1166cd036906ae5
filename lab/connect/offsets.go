package connect

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"time"
)

// JDBC source partitions and offsets (kafka-connect-jdbc OffsetProtocols,
// TimestampIncrementingOffset): the partition of a table in protocol v1 is
// {"protocol":"1","table":"<schema>.<table>"}; the offset holds
// "incrementing" and/or "timestamp" + "timestamp_nanos". Bulk mode stores
// no offset.

// tableOffset is the position of a table querier. A nil field is absent.
type tableOffset struct {
	Incrementing *int64
	Timestamp    *time.Time
}

// partitionV1 is the protocol-1 source partition of a table.
func partitionV1(fqn string) orderedMap {
	return orderedMap{{"protocol", "1"}, {"table", fqn}}
}

// partitionV0 is the legacy source partition of a table.
func partitionV0(tableName string) orderedMap {
	return orderedMap{{"table", tableName}}
}

// offsetKey is the connect-offsets record key: [connector, partition],
// serialised by the internal JsonConverter (schemas disabled).
func offsetKey(connector string, partition orderedMap) []byte {
	return compactJSON([]any{connector, partition})
}

// offsetValue is the connect-offsets record value for a table offset, in the
// key order a Java HashMap(3) iterates them.
func offsetValue(o tableOffset) []byte {
	var m orderedMap
	if o.Timestamp != nil {
		m = append(m, kv{"timestamp_nanos", int64(o.Timestamp.Nanosecond())})
	}
	if o.Incrementing != nil {
		m = append(m, kv{"incrementing", *o.Incrementing})
	}
	if o.Timestamp != nil {
		m = append(m, kv{"timestamp", o.Timestamp.UnixMilli()})
	}
	return compactJSON(m)
}

// parseOffsetValue reads an offset map written by this worker or by the real
// connector. A nil or empty value gives a zero tableOffset.
func parseOffsetValue(raw []byte) (tableOffset, error) {
	var o tableOffset
	if len(raw) == 0 {
		return o, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return o, fmt.Errorf("decode offset %s: %w", raw, err)
	}
	num := func(k string) (int64, bool, error) {
		v, ok := m[k]
		if !ok || v == nil {
			return 0, false, nil
		}
		n, isNum := v.(json.Number)
		if !isNum {
			return 0, false, fmt.Errorf("decode offset %s: %s is not a number", raw, k)
		}
		i, err := n.Int64()
		if err != nil {
			return 0, false, fmt.Errorf("decode offset %s: %w", raw, err)
		}
		return i, true, nil
	}
	inc, ok, err := num("incrementing")
	if err != nil {
		return o, err
	}
	if ok {
		o.Incrementing = &inc
	}
	ms, ok, err := num("timestamp")
	if err != nil {
		return o, err
	}
	if ok {
		nanos, hasNanos, err := num("timestamp_nanos")
		if err != nil {
			return o, err
		}
		t := time.UnixMilli(ms).UTC()
		if hasNanos {
			t = time.Unix(t.Unix(), nanos).UTC()
		}
		o.Timestamp = &t
	}
	return o, nil
}

// canonicalOffsetKey turns a connect-offsets key into a lookup key that does
// not depend on the order of the partition map's keys (the real worker
// writes them in Java HashMap order).
func canonicalOffsetKey(raw []byte) (string, error) {
	var parts []json.RawMessage
	if err := json.Unmarshal(raw, &parts); err != nil {
		return "", fmt.Errorf("decode offset key %s: %w", raw, err)
	}
	if len(parts) != 2 {
		return "", fmt.Errorf("decode offset key %s: want [connector, partition]", raw)
	}
	var connector string
	if err := json.Unmarshal(parts[0], &connector); err != nil {
		return "", fmt.Errorf("decode offset key %s: %w", raw, err)
	}
	var partition map[string]any
	if err := json.Unmarshal(parts[1], &partition); err != nil {
		return "", fmt.Errorf("decode offset key %s: %w", raw, err)
	}
	return lookupKey(connector, partition), nil
}

// lookupKey is the canonical form of (connector, partition).
func lookupKey(connector string, partition map[string]any) string {
	keys := make([]string, 0, len(partition))
	for k := range partition {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	m := make(map[string]any, len(partition))
	for _, k := range keys {
		m[k] = partition[k]
	}
	return string(compactJSON([]any{connector, m}))
}

// orderedToMap converts a partition to a plain map for lookupKey.
func orderedToMap(o orderedMap) map[string]any {
	m := make(map[string]any, len(o))
	for _, e := range o {
		m[e.k] = e.v
	}
	return m
}
