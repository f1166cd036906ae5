package registry

import (
	"encoding/json"
	"fmt"
)

// Key types of the `_schemas` topic, as the real registry writes them.
const (
	keySchema        = "SCHEMA"
	keyConfig        = "CONFIG"
	keyDeleteSubject = "DELETE_SUBJECT"
	keyClearSubject  = "CLEAR_SUBJECT"
	keyNoop          = "NOOP"
	keyMode          = "MODE"
	keyContext       = "CONTEXT"
)

// storeKey is the union of every key shape; the field order of each shape
// is kept by the encode functions below.
type storeKey struct {
	Keytype string  `json:"keytype"`
	Subject *string `json:"subject"`
	Version *int    `json:"version"`
	Context string  `json:"context"`
	Magic   int     `json:"magic"`
}

// contextJSON is ContextKey's body and ContextValue: the tenant (always
// the default one here) and the context's name, ".ctx".
type contextJSON struct {
	Tenant  string `json:"tenant"`
	Context string `json:"context"`
}

type contextKeyJSON struct {
	Keytype string `json:"keytype"`
	contextJSON
	Magic int `json:"magic"`
}

type schemaKeyJSON struct {
	Keytype string `json:"keytype"`
	Subject string `json:"subject"`
	Version int    `json:"version"`
	Magic   int    `json:"magic"`
}

type subjectKeyJSON struct {
	Keytype string `json:"keytype"`
	Subject string `json:"subject,omitempty"`
	Magic   int    `json:"magic"`
}

type schemaValueJSON struct {
	Subject    string      `json:"subject"`
	Version    int         `json:"version"`
	ID         int         `json:"id"`
	SchemaType string      `json:"schemaType,omitempty"`
	References []reference `json:"references,omitempty"`
	Schema     string      `json:"schema"`
	Deleted    bool        `json:"deleted"`
}

// configValueJSON is ConfigValue as CP 7.9.4 writes it (NON_EMPTY): the
// subject, left out at the top level, and the level, left out when the
// config has none.
type configValueJSON struct {
	Subject            string `json:"subject,omitempty"`
	CompatibilityLevel string `json:"compatibilityLevel,omitempty"`
}

type deleteSubjectValueJSON struct {
	Subject string `json:"subject"`
	Version int    `json:"version"`
}

// storeRecord is one key/value to write; a nil value is a tombstone.
type storeRecord struct {
	key, value []byte
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("encode store record: %v", err)) // only fixed struct types reach here
	}
	return b
}

func schemaRecord(v *subjectVersion) storeRecord {
	return storeRecord{
		key: mustJSON(schemaKeyJSON{Keytype: keySchema, Subject: v.subject, Version: v.version, Magic: 1}),
		value: mustJSON(schemaValueJSON{Subject: v.subject, Version: v.version, ID: v.id,
			SchemaType: storedType(v.typ), References: v.refs, Schema: v.schema, Deleted: v.deleted}),
	}
}

// storedType is the schemaType written to the topic: omitted for Avro,
// as SchemaValue does in CP 7.9.
func storedType(typ string) string {
	if typ == typeAvro {
		return ""
	}
	return typ
}

func schemaTombstone(subject string, version int) storeRecord {
	return storeRecord{key: mustJSON(schemaKeyJSON{Keytype: keySchema, Subject: subject, Version: version, Magic: 1})}
}

// configKey is the key of a subject's config; subject "" is the global one.
func configKey(subject string) []byte {
	return mustJSON(subjectKeyJSON{Keytype: keyConfig, Subject: subject})
}

// configRecord stores a config; level "" is a config without a level.
func configRecord(subject, level string) storeRecord {
	return storeRecord{key: configKey(subject), value: mustJSON(configValueJSON{Subject: subject, CompatibilityLevel: level})}
}

func configTombstone(subject string) storeRecord {
	return storeRecord{key: configKey(subject)}
}

func deleteSubjectRecord(subject string, upTo int) storeRecord {
	return storeRecord{
		key:   mustJSON(subjectKeyJSON{Keytype: keyDeleteSubject, Subject: subject}),
		value: mustJSON(deleteSubjectValueJSON{Subject: subject, Version: upTo}),
	}
}

type modeValueJSON struct {
	Subject string `json:"subject,omitempty"`
	Mode    string `json:"mode"`
}

type subjectValueJSON struct {
	Subject string `json:"subject,omitempty"`
}

// modeRecord sets a mode (ModeKey/ModeValue in CP 7.9); subject "" is the
// global level.
func modeRecord(subject, mode string) storeRecord {
	return storeRecord{
		key:   mustJSON(subjectKeyJSON{Keytype: keyMode, Subject: subject}),
		value: mustJSON(modeValueJSON{Subject: subject, Mode: mode}),
	}
}

func modeTombstone(subject string) storeRecord {
	return storeRecord{key: mustJSON(subjectKeyJSON{Keytype: keyMode, Subject: subject})}
}

// clearSubjectRecord is written after the versions of subjects switched to
// IMPORT are removed (ClearSubjectKey/ClearSubjectValue).
func clearSubjectRecord(subject string) storeRecord {
	return storeRecord{
		key:   mustJSON(subjectKeyJSON{Keytype: keyClearSubject, Subject: subject}),
		value: mustJSON(subjectValueJSON{Subject: subject}),
	}
}

// contextRecord is written when a subject of a context other than the
// default one is first registered (KafkaSchemaRegistry.register).
func contextRecord(context string) storeRecord {
	c := contextJSON{Tenant: defaultTenant, Context: context}
	return storeRecord{
		key:   mustJSON(contextKeyJSON{Keytype: keyContext, contextJSON: c}),
		value: mustJSON(c),
	}
}

func noopRecord() storeRecord {
	return storeRecord{key: mustJSON(subjectKeyJSON{Keytype: keyNoop})}
}

// apply folds one record of the topic into the state. It returns a
// non-nil error for records it cannot understand; the caller logs and
// skips them.
func (st *state) apply(key, value []byte) error {
	var k storeKey
	if err := json.Unmarshal(key, &k); err != nil {
		return fmt.Errorf("decode key %q: %w", key, err)
	}
	subject := ""
	if k.Subject != nil {
		subject = *k.Subject
	}
	switch k.Keytype {
	case keySchema:
		if k.Version == nil {
			return fmt.Errorf("decode key %q: schema key without version", key)
		}
		if value == nil {
			st.removeVersion(subject, *k.Version)
			return nil
		}
		var v schemaValueJSON
		if err := json.Unmarshal(value, &v); err != nil {
			return fmt.Errorf("decode schema value: %w", err)
		}
		if v.SchemaType != "" && !schemaTypes[v.SchemaType] {
			return fmt.Errorf("apply schema %s/%d: schema type %s is not supported", v.Subject, v.Version, v.SchemaType)
		}
		sv := &subjectVersion{subject: v.Subject, version: v.Version, id: v.ID, typ: storedType(v.SchemaType), schema: v.Schema, refs: v.References, deleted: v.Deleted}
		if !st.putVersion(sv) {
			return fmt.Errorf("apply schema %s/%d: id %d is already bound to another schema", v.Subject, v.Version, v.ID)
		}
	case keyConfig:
		if value == nil {
			delete(st.configs, subject)
			return nil
		}
		var c configValueJSON
		if err := json.Unmarshal(value, &c); err != nil {
			return fmt.Errorf("decode config value: %w", err)
		}
		st.configs[subject] = c.CompatibilityLevel
	case keyDeleteSubject:
		if value == nil {
			return nil
		}
		var d deleteSubjectValueJSON
		if err := json.Unmarshal(value, &d); err != nil {
			return fmt.Errorf("decode delete-subject value: %w", err)
		}
		st.deleteSubject(d.Subject, d.Version)
	case keyMode:
		if value == nil {
			if subject == "" {
				st.globalMode = ""
			} else {
				delete(st.modes, subject)
			}
			return nil
		}
		var m modeValueJSON
		if err := json.Unmarshal(value, &m); err != nil {
			return fmt.Errorf("decode mode value: %w", err)
		}
		if !modes[m.Mode] {
			return fmt.Errorf("apply mode of subject %q: unknown mode %q", subject, m.Mode)
		}
		if subject == "" {
			st.globalMode = m.Mode
		} else {
			st.modes[subject] = m.Mode
		}
	case keyContext:
		if value == nil {
			delete(st.contexts, k.Context)
		} else {
			st.contexts[k.Context] = true
		}
	case keyNoop, keyClearSubject:
		// Nothing this registry keeps state for.
	default:
		return fmt.Errorf("apply record: unknown key type %q", k.Keytype)
	}
	return nil
}
