package registry

import (
	"encoding/json"
	"strings"
	"testing"
)

// FuzzCanonical checks, for any text the parser accepts, that the canonical
// string is valid JSON, parses again to the same canonical string (a fixed
// point), and that a schema can always read its own data.
func FuzzCanonical(f *testing.F) {
	for _, s := range []string{
		`"string"`,
		`{"type":"string","avro.java.string":"String"}`,
		`["null","long"]`,
		weatherV1,
		weatherV2,
		`{"type":"record","name":"Node","namespace":"n","fields":[{"name":"next","type":["null","Node"],"default":null}]}`,
		`{"type":"record","name":"R","namespace":"ns","fields":[{"name":"in","type":{"type":"record","name":"In","namespace":"","fields":[]}}]}`,
		`{"type":"fixed","name":"F","size":16,"aliases":["G"]}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		s, err := parseAvro(text, nil)
		if err != nil {
			return
		}
		canon := canonicalString(s, nil)
		if !json.Valid([]byte(canon)) {
			t.Fatalf("canonical form is not JSON: %s", canon)
		}
		again, err := parseAvro(canon, nil)
		if err != nil {
			t.Fatalf("canonical form %s does not parse: %v", canon, err)
		}
		if c2 := canonicalString(again, nil); c2 != canon {
			t.Fatalf("not a fixed point:\n%s\n%s", canon, c2)
		}
		found, err := canRead(s, s)
		if err != nil || len(found) > 0 {
			t.Fatalf("schema cannot read itself: %v %+v", err, found)
		}
	})
}

// FuzzCompat checks any two schemas the parser accepts: the check ends
// without panicking, within its step bound, and the union index gives the
// same verdict as trying every reader branch in turn, which is what Avro's
// ReaderWriterCompatibilityChecker does.
func FuzzCompat(f *testing.F) {
	for _, p := range [][2]string{
		{weatherV1, weatherV2},
		{`["null","long"]`, `"int"`},
		{`["null",{"type":"record","name":"New","aliases":["ns.Old"],"fields":[]}]`, `{"type":"record","name":"Old","namespace":"ns","fields":[]}`},
		{`["string","bytes"]`, `["bytes","string","null"]`},
		{`{"type":"enum","name":"E","symbols":["A"],"default":"A"}`, `{"type":"enum","name":"E","symbols":["A","B"]}`},
		{`{"type":"record","name":"Node","fields":[{"name":"next","type":["null","Node"],"default":null}]}`, `{"type":"record","name":"Node","fields":[{"name":"next","type":["null","Node"]},{"name":"v","type":"int"}]}`},
		{`{"type":"fixed","name":"F","size":4}`, `["null",{"type":"fixed","name":"F","size":4}]`},
		{`{"type":"array","items":["int","string"]}`, `{"type":"array","items":"long"}`},
	} {
		f.Add(p[0], p[1])
	}
	f.Fuzz(func(t *testing.T, readerText, writerText string) {
		reader, err := parseAvro(readerText, nil)
		if err != nil {
			return
		}
		writer, err := parseAvro(writerText, nil)
		if err != nil {
			return
		}
		indexed := &resolver{memo: map[schemaPair]*compatResult{}, unions: map[*avroSchema]*unionIndex{}}
		res, err := indexed.compatibilityAt("", reader, writer)
		pairwise := &resolver{memo: map[schemaPair]*compatResult{}, pairwise: true}
		ref, refErr := pairwise.compatibilityAt("", reader, writer)
		if (err == nil) != (refErr == nil) {
			t.Fatalf("indexed error %v, pairwise error %v", err, refErr)
		}
		if err != nil {
			return
		}
		if (len(res.found) == 0) != (len(ref.found) == 0) {
			t.Fatalf("indexed finds %+v, pairwise finds %+v", res.found, ref.found)
		}
		for _, level := range []string{levelBackward, levelForwardTransitive, levelFull} {
			msgs, err := checkLevel(level, reader, []previousSchema{{version: 1, canonical: writerText, schema: writer}})
			if err == nil && len(msgs) > 0 && !strings.HasPrefix(msgs[len(msgs)-1], "{validateFields:") {
				t.Fatalf("%s messages do not end with the level entry: %v", level, msgs)
			}
		}
	})
}

// FuzzReplaySchemasRecord feeds arbitrary records to the `_schemas` reader
// after a valid history: applying one never panics, and the state stays
// consistent (every remembered schema identity names an id some version
// holds, the id index holds exactly the stored versions, and no id is above
// maxID).
func FuzzReplaySchemasRecord(f *testing.F) {
	for _, r := range []struct {
		key, value string
		tombstone  bool
	}{
		{`{"keytype":"SCHEMA","subject":"s","version":1,"magic":1}`, `{"subject":"s","version":1,"id":1,"schema":"\"string\"","deleted":false}`, false},
		{`{"keytype":"SCHEMA","subject":"s","version":2,"magic":1}`, `{"subject":"s","version":2,"id":9,"schema":"{\"type\":\"fixed\",\"name\":\"F\",\"size\":-1}","deleted":true}`, false},
		{`{"keytype":"SCHEMA","subject":"s","version":1,"magic":1}`, ``, true},
		{`{"keytype":"CONFIG","subject":"s","magic":0}`, `{"compatibilityLevel":"FULL"}`, false},
		{`{"keytype":"CONFIG","magic":0}`, ``, true},
		{`{"keytype":"MODE","subject":"s","magic":0}`, `{"subject":"s","mode":"READONLY"}`, false},
		{`{"keytype":"DELETE_SUBJECT","subject":"s","magic":0}`, `{"subject":"s","version":2147483647}`, false},
		{`{"keytype":"CLEAR_SUBJECT","subject":"s","magic":0}`, `{"subject":"s"}`, false},
		{`{"keytype":"NOOP","magic":0}`, ``, true},
		{`{"keytype":"SCHEMA","subject":null,"version":null,"magic":1}`, `{"id":-1}`, false},
		{`[]`, `{}`, false},
	} {
		f.Add([]byte(r.key), []byte(r.value), r.tombstone)
	}
	f.Fuzz(func(t *testing.T, key, value []byte, tombstone bool) {
		st := newState()
		history := []storeRecord{
			schemaRecord(&subjectVersion{subject: "s", version: 1, id: 1, schema: `"string"`}),
			schemaRecord(&subjectVersion{subject: "s", version: 2, id: 2, schema: `"long"`}),
			schemaRecord(&subjectVersion{subject: "t", version: 1, id: 2, schema: `"long"`}),
			configRecord("s", levelFull),
			modeRecord("", modeReadOnly),
		}
		for _, rec := range history {
			if err := st.apply(rec.key, rec.value); err != nil {
				t.Fatalf("valid history record %s: %v", rec.key, err)
			}
		}
		if tombstone {
			value = nil
		}
		_ = st.apply(key, value) // errors are logged and skipped by the reader
		for ident, id := range st.hashes {
			v := st.byID(id)
			if v == nil {
				t.Fatalf("identity %q names id %d that no version holds", ident, id)
			}
		}
		held := 0
		for _, vs := range st.subjects {
			for _, v := range vs {
				if v.id > st.maxID {
					t.Fatalf("id %d above maxID %d", v.id, st.maxID)
				}
				if !st.ids[v.id][v] {
					t.Fatalf("version %s/%d is missing from the index of id %d", v.subject, v.version, v.id)
				}
				held++
			}
		}
		indexed := 0
		for _, m := range st.ids {
			indexed += len(m)
		}
		if indexed != held {
			t.Fatalf("id index holds %d versions, subjects hold %d", indexed, held)
		}
		if m := st.modeInScope("s"); !modes[m] {
			t.Fatalf("mode %q in force", m)
		}
	})
}
