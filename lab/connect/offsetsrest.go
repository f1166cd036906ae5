package connect

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
)

// The KIP-875 offsets endpoints of Kafka 3.9 for a source connector
// (ConnectorsResource getOffsets / alterConnectorOffsets /
// resetConnectorOffsets, DistributedHerder.modifyConnectorOffsets and
// Worker.modifySourceConnectorOffsets). Bodies have the shape
// {"offsets":[{"partition":{...},"offset":{...}}]}.

type connectorOffset struct {
	Partition map[string]any `json:"partition"`
	Offset    map[string]any `json:"offset"`
}

// handleOffsets is GET /connectors/{name}/offsets: the committed source
// offsets of the connector.
func (w *Worker) handleOffsets(rw http.ResponseWriter, _ *http.Request, name string) {
	w.mu.Lock()
	_, ok := w.connectors[name]
	out := w.storedOffsetsLocked(name)
	w.mu.Unlock()
	if !ok {
		writeError(rw, notFound("Connector "+name+" not found"))
		return
	}
	writeJSON(rw, http.StatusOK, map[string]any{"offsets": out})
}

// storedOffsetsLocked lists a connector's offsets as stored, keeping the
// key order of the records (the real worker's maps are HashMaps, and it
// writes them back in the order it read them). w.mu held.
func (w *Worker) storedOffsetsLocked(name string) []rawOffset {
	out := []rawOffset{}
	for k, v := range w.offsets {
		var key []json.RawMessage
		if json.Unmarshal([]byte(k), &key) != nil || len(key) != 2 {
			continue
		}
		var conn string
		if json.Unmarshal(key[0], &conn) != nil || conn != name {
			continue
		}
		if !validOffsetData(key[1], false) || !validOffsetData(v, true) {
			continue
		}
		out = append(out, rawOffset{Partition: key[1], Offset: json.RawMessage(v)})
	}
	sort.Slice(out, func(i, j int) bool { return string(out[i].Partition) < string(out[j].Partition) })
	return out
}

type rawOffset struct {
	Partition json.RawMessage `json:"partition"`
	Offset    json.RawMessage `json:"offset"`
}

// connectorOffsetsLocked lists the stored offsets of a connector, ordered
// by partition. w.mu held.
func (w *Worker) connectorOffsetsLocked(name string) []connectorOffset {
	out := []connectorOffset{}
	for k, v := range w.offsets {
		var key []json.RawMessage
		if json.Unmarshal([]byte(k), &key) != nil || len(key) != 2 {
			continue
		}
		var conn string
		if json.Unmarshal(key[0], &conn) != nil || conn != name {
			continue
		}
		var e connectorOffset
		if !validOffsetData(key[1], false) || !validOffsetData(v, true) {
			continue
		}
		if decodeNumbers(key[1], &e.Partition) != nil || decodeNumbers(v, &e.Offset) != nil {
			continue
		}
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool {
		return string(compactJSON(out[i].Partition)) < string(compactJSON(out[j].Partition))
	})
	return out
}

// validOffsetData reports whether raw is a source partition or offset the
// worker can hand out: a JSON object whose values are all primitives (or
// null), as OffsetUtils.validateFormat requires, or JSON null where
// nullable. Kafka's worker leaves out an offset that fails this, logging
// "Failed to deserialize offset data" (OffsetStorageReaderImpl.offsets),
// and ignores a partition key that is not [connector, {partition}]
// (OffsetUtils.processPartitionKey), both in apache/kafka 3.9
// connect/runtime/src/main/java/org/apache/kafka/connect/storage/.
func validOffsetData(raw []byte, nullable bool) bool {
	var v any
	if !json.Valid(raw) || decodeNumbers(raw, &v) != nil {
		return false
	}
	if v == nil {
		return nullable
	}
	m, ok := v.(map[string]any)
	if !ok {
		return false
	}
	for _, x := range m {
		switch x.(type) {
		case nil, json.Number, string, bool:
		default:
			return false
		}
	}
	return true
}

func decodeNumbers(raw []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	return dec.Decode(v)
}

// handleAlterOffsets is PATCH /connectors/{name}/offsets.
func (w *Worker) handleAlterOffsets(rw http.ResponseWriter, r *http.Request, name string) {
	var req struct {
		Offsets []connectorOffset `json:"offsets"`
	}
	if e := w.readJSON(rw, r, &req); e != nil {
		writeError(rw, e)
		return
	}
	if len(req.Offsets) == 0 {
		writeError(rw, badRequest("Partitions / offsets need to be provided for an alter offsets request"))
		return
	}
	msg, e := w.modifyOffsets(r.Context(), name, req.Offsets)
	if e != nil {
		writeError(rw, e)
		return
	}
	writeJSON(rw, http.StatusOK, map[string]string{"message": msg})
}

// handleResetOffsets is DELETE /connectors/{name}/offsets.
func (w *Worker) handleResetOffsets(rw http.ResponseWriter, r *http.Request, name string) {
	msg, e := w.modifyOffsets(r.Context(), name, nil)
	if e != nil {
		writeError(rw, e)
		return
	}
	writeJSON(rw, http.StatusOK, map[string]string{"message": msg})
}

// modifyOffsets writes the given offsets (a nil Offset deletes one), or,
// when offsets is nil, a tombstone for every stored partition of the
// connector. The connector must exist and be STOPPED.
func (w *Worker) modifyOffsets(ctx context.Context, name string, offsets []connectorOffset) (string, *restError) {
	w.opMu.Lock()
	defer w.opMu.Unlock()
	w.mu.Lock()
	c, ok := w.connectors[name]
	stopped := ok && c.target == targetStopped && c.run == nil
	w.mu.Unlock()
	if !ok {
		return "", notFound("Connector " + name + " not found")
	}
	if !stopped {
		return "", badRequest("Connectors must be in the STOPPED state before their offsets can be modified. This can be done " +
			"for the specified connector by issuing a 'PUT' request to the '/connectors/" + name + "/stop' endpoint")
	}
	kind := "altered"
	if offsets == nil {
		kind = "reset"
		// Read to the end of the offsets topic first, as the worker's
		// offset store does before listing the connector's partitions.
		if err := w.refreshOffsets(ctx); err != nil {
			return "", &restError{http.StatusInternalServerError, "Failed to modify offsets for source connector " + name + ": " + err.Error()}
		}
		w.mu.Lock()
		for _, o := range w.connectorOffsetsLocked(name) {
			offsets = append(offsets, connectorOffset{Partition: o.Partition})
		}
		w.mu.Unlock()
	}
	// Worker.normalizeSourceConnectorOffsets: OffsetUtils.validateFormat
	// on every partition and offset before anything is written.
	for _, o := range offsets {
		for _, m := range []map[string]any{o.Partition, o.Offset} {
			if err := validateOffsetFormat(m); err != "" {
				return "", &restError{http.StatusInternalServerError, err}
			}
		}
	}
	for _, o := range offsets {
		key := offsetKeyOf(name, o.Partition)
		var value []byte
		if o.Offset != nil {
			value = compactJSON(o.Offset)
		}
		if err := w.produceInternal(ctx, w.opts.offsetTopic, string(key), value); err != nil {
			return "", &restError{http.StatusInternalServerError, "Failed to modify offsets for source connector " + name + ": " + err.Error()}
		}
		k, err := canonicalOffsetKey(key)
		if err != nil {
			continue
		}
		w.mu.Lock()
		if value == nil {
			delete(w.offsets, k)
		} else {
			w.offsets[k] = value
		}
		w.mu.Unlock()
	}
	// Worker.completeModifyOffsetsCallback with alterOffsets returning
	// false: JdbcSourceConnector keeps SourceConnector's default.
	return "The Connect framework-managed offsets for this connector have been " + kind +
		" successfully. However, if this connector manages offsets externally, they will need to be " +
		"manually " + kind + " in the system that the connector uses.", nil
}

func offsetKeyOf(connector string, partition map[string]any) []byte {
	if partition == nil {
		return compactJSON([]any{connector, nil})
	}
	return compactJSON([]any{connector, partition})
}

// validateOffsetFormat is OffsetUtils.validateFormat: values must be
// primitives (or null).
func validateOffsetFormat(m map[string]any) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch m[k].(type) {
		case map[string]any:
			return fmt.Sprintf("Offsets may only contain primitive types as values, but field %s contains MAP", k)
		case []any:
			return fmt.Sprintf("Offsets may only contain primitive types as values, but field %s contains ARRAY", k)
		}
	}
	return ""
}
