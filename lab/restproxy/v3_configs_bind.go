package restproxy

import (
	"encoding/json"
	"net/http"
)

// The bodies of the v3 config writes, bound as Jackson 2.16 binds
// kafka-rest v7.9.0's entities/v3 classes and refused as rest-utils'
// JacksonMessageBodyProvider and JsonMappingExceptionMapper answer
// (restUtilsMapped):
//
//   - Update{Topic,Broker,Cluster}ConfigRequest: a @JsonCreator taking
//     "value" (a String), built as soon as "value" is read; the AutoValue
//     class then takes what follows and knows no member.
//   - Alter{Topic,Broker,Cluster}ConfigBatchRequest: a delegating creator
//     of AlterConfigBatchRequestData, whose creator takes "data" (a List of
//     AlterEntry) and "validate_only" (an Optional<Boolean>) and copies the
//     list with ImmutableList.copyOf; each AlterEntry's creator takes
//     "name", "value" and "operation" (AlterOperation, SET when null) and
//     builds through its AutoValue builder, which refuses a null name.
//
// As BeanDeserializer._deserializeUsingPropertyBased does, a creator is
// called once all its members have been read, or at the object's end; a
// member it lacks read before then is reported once it is built, and one
// read after is unknown to the AutoValue class that takes the rest.

const (
	javaAlterData      = "io.confluent.kafkarest.entities.v3.AlterConfigBatchRequestData"
	javaAlterEntry     = javaAlterData + "$AlterEntry"
	javaAlterEntries   = "java.util.ArrayList<" + javaAlterEntry + ">"
	javaAlterOperation = javaAlterData + "$AlterOperation"
	configUnknown      = `Unrecognized field "%s"`
)

// AlterOperation's constants in declaration order, and as Jackson lists
// them (CompactStringObjectMap: "SET" hashes to slot 2, "DELETE" to 3).
var (
	alterOperations    = []string{"SET", "DELETE"}
	alterOperationList = "[SET, DELETE]"
)

// alterEntry is one AlterConfigBatchRequestData.AlterEntry.
type alterEntry struct {
	name      string
	value     *string
	operation string
}

// alterBatch is an AlterConfigBatchRequestData.
type alterBatch struct {
	entries      []alterEntry
	validateOnly bool
}

// readConfigBody reads a write's body and binds it with bind, the raw JSON
// nil when the body is empty or JSON null: Jersey hands the resource a null
// request, whose NullPointerException GenericExceptionMapper answers 500.
func (p *Proxy) readConfigBody(w http.ResponseWriter, r *http.Request, bind func(json.RawMessage) *apiError, known ...string) *apiError {
	body, e := p.readBody(w, r)
	if e != nil {
		return e
	}
	raw, e := decodeEntity(body, bind, known...)
	if e != nil {
		return e
	}
	if raw == nil {
		return newAPIError(http.StatusInternalServerError, http.StatusInternalServerError, "Internal Server Error")
	}
	return restUtilsMapped(bind(raw))
}

// bindUpdateConfig binds an Update*ConfigRequest named javaType.
func bindUpdateConfig(raw json.RawMessage, javaType string, value **string) *apiError {
	members, e := beanMembers(raw, javaType)
	if e != nil {
		return e
	}
	*value = nil
	var unknown []string
	built := false
	for i, m := range members {
		switch {
		case readOpen(members, i):
			return errReadOpen
		case built:
			return jacksonUnknown(configUnknown, m.name)
		case m.name != "value":
			unknown = append(unknown, m.name)
			continue
		}
		if *value, e = jacksonString(m.value); e != nil {
			return e
		}
		if buildPreempted(members, i) {
			continue
		}
		built = true
		if len(unknown) > 0 {
			return jacksonUnknown(configUnknown, unknown[0])
		}
	}
	if len(unknown) > 0 {
		return jacksonUnknown(configUnknown, unknown[0])
	}
	return nil
}

// bindAlterBatch binds an AlterConfigBatchRequestData.
func bindAlterBatch(raw json.RawMessage, into *alterBatch) *apiError {
	members, e := beanMembers(raw, javaAlterData)
	if e != nil {
		return e
	}
	*into = alterBatch{}
	var entries []*alterEntry
	var unknown []string
	creator := creatorMembers{n: 2}
	build := func() *apiError {
		if entries == nil {
			// ImmutableList.copyOf(null): the JVM's helpful NullPointerException
			return jacksonError(`Cannot construct instance of `+"`%s`"+`, problem: Cannot invoke "java.util.Collection.toArray()" because "elements" is null`, javaAlterData)
		}
		var e *apiError
		if into.entries, e = immutableListCopy(entries, javaAlterData); e != nil {
			return e
		}
		if len(unknown) > 0 {
			return jacksonUnknown(configUnknown, unknown[0])
		}
		return nil
	}
	for i, m := range members {
		if readOpen(members, i) {
			return errReadOpen
		}
		if creator.built {
			return jacksonUnknown(configUnknown, m.name)
		}
		switch m.name {
		case "data":
			if entries, e = bindList(m.value, javaAlterEntries, bindAlterEntry); e != nil {
				return e
			}
		case "validate_only":
			var v *bool
			if v, e = jacksonBoolean(m.value); e != nil {
				return e
			}
			into.validateOnly = v != nil && *v
		default:
			unknown = append(unknown, m.name)
			continue
		}
		if creator.bound(m.name) && !buildPreempted(members, i) {
			if e := build(); e != nil {
				return e
			}
		}
	}
	if !creator.built {
		return build()
	}
	return nil
}

// bindAlterEntry binds one AlterEntry and builds it.
func bindAlterEntry(raw json.RawMessage) (*alterEntry, *apiError) {
	members, e := beanMembers(raw, javaAlterEntry)
	if e != nil {
		return nil, e
	}
	en := &alterEntry{}
	var name, operation *string
	var unknown []string
	creator := creatorMembers{n: 3}
	build := func() *apiError {
		if name == nil {
			return jacksonError("Cannot construct instance of `%s`, problem: Null name", javaAlterEntry)
		}
		en.name, en.operation = *name, alterOperations[0]
		if operation != nil {
			en.operation = *operation
		}
		if len(unknown) > 0 {
			return jacksonUnknown(configUnknown, unknown[0])
		}
		return nil
	}
	for i, m := range members {
		if readOpen(members, i) {
			return nil, errReadOpen
		}
		if creator.built {
			return nil, jacksonUnknown(configUnknown, m.name)
		}
		switch m.name {
		case "name":
			name, e = jacksonString(m.value)
		case "value":
			en.value, e = jacksonString(m.value)
		case "operation":
			operation, e = jacksonEnum(m.value, javaAlterOperation, alterOperations, alterOperationList)
		default:
			unknown = append(unknown, m.name)
			continue
		}
		if e != nil {
			return nil, e
		}
		if creator.bound(m.name) && !buildPreempted(members, i) {
			if e := build(); e != nil {
				return nil, e
			}
		}
	}
	if !creator.built {
		if e := build(); e != nil {
			return nil, e
		}
	}
	return en, nil
}
