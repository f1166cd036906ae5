package restproxy

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
)

// A streamed v3 record is bound as Jackson 2.16 binds kafka-rest v7.9.0's
// entities/v3/ProduceRequest.java, so that what it refuses, it refuses with
// Jackson's message: ProduceRequest.Deserializer reads a
// ProduceRequest.Builder through its @JsonCreator (an Integer, a List of
// ProduceRequestHeader, two ProduceRequestData and an Instant); members are
// bound in the order written, a member the creator lacks is reported only
// once the rest has been bound and the object built, and building checks
// what the AutoValue builders check. StreamingResponse answers the
// JsonMappingException with its message's first line (400).

// decodeV3Record binds one streamed record.
func decodeV3Record(raw json.RawMessage, rec *v3ProduceRecord) *apiError {
	if shape, _ := jacksonToken(raw); shape == "Null" {
		// ProduceRequest.Deserializer calls setOriginalSize on the null
		// builder; the NullPointerException is GenericExceptionMapper's.
		return newAPIError(http.StatusInternalServerError, http.StatusInternalServerError, "Internal Server Error")
	}
	return bindV3Builder(raw, rec, v3BuilderHooks{})
}

// v3BuilderHooks is what a records:batch entry's builder
// (entities/v3/ProduceBatchRequestEntry.java) adds to a streamed record's:
// id receives its JsonNode id, a creator member the record's builder
// lacks (nil: none); created is the creator's own refusal, made before it
// copies the headers.
type v3BuilderHooks struct {
	id      *json.RawMessage
	created func() *apiError
}

// bindV3Builder binds a record's builder through its creator; raw is not
// JSON null. As BeanDeserializer._deserializeUsingPropertyBased does, the
// creator is called once every creator member has been seen, or at the
// object's end; from then on the AutoValue builder's own deserializer
// takes the members, first the unknown ones kept so far: it knows only
// its setters (partitionId, headers, key, value, timestamp,
// originalSize, and a batch entry's id), so any other member, a second
// partition_id too, is unknown there.
func bindV3Builder(raw json.RawMessage, rec *v3ProduceRecord, hooks v3BuilderHooks) *apiError {
	members, e := beanMembers(raw, javaBuilder)
	if e != nil {
		return e
	}
	var unknown []string
	*rec = v3ProduceRecord{}
	var headers []*v3ProduceHeader
	var setPartitionID *int32
	setPartition := false
	creator := creatorMembers{n: 5}
	if hooks.id != nil {
		creator.n = 6
	}
	build := func() *apiError {
		if hooks.created != nil {
			if e := hooks.created(); e != nil {
				return e
			}
		}
		if setPartition {
			rec.PartitionID = setPartitionID
		}
		// Builder.setHeaders copies the list into an ImmutableList
		copied, e := immutableListCopy(headers, javaBuilder)
		if e != nil {
			return e
		}
		rec.Headers = append(rec.Headers, copied...)
		if len(unknown) > 0 {
			return jacksonUnknown(v3UnknownField, unknown[0])
		}
		return nil
	}
	for i, m := range members {
		if readOpen(members, i) {
			return errReadOpen
		}
		if creator.built {
			if e := setV3Builder(rec, m, hooks); e != nil {
				return e
			}
			continue
		}
		var e *apiError
		switch m.name {
		case "partition_id":
			rec.PartitionID, e = jacksonInteger(m.value)
		case "partitionId":
			// the abstract Builder's own setters are properties too, set
			// once the creator has built it
			setPartitionID, e = jacksonInteger(m.value)
			setPartition = true
		case "originalSize":
			e = jacksonLong(m.value) // overwritten by ProduceRequest.Deserializer
		case "headers":
			headers, e = decodeV3Headers(m.value)
		case "key":
			rec.Key, e = decodeV3Data(m.value)
		case "value":
			rec.Value, e = decodeV3Data(m.value)
		case "timestamp":
			rec.Timestamp, e = jacksonInstant(m.value)
		case "id":
			if hooks.id == nil {
				unknown = append(unknown, m.name)
				continue
			}
			*hooks.id = m.value // a JsonNode: JSON null is a NullNode
		default:
			unknown = append(unknown, m.name)
			continue
		}
		if e != nil {
			return e
		}
		if m.name != "partitionId" && m.name != "originalSize" && creator.bound(m.name) && !buildPreempted(members, i) {
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

// setV3Builder binds a member after the creator has built the builder,
// through the AutoValue builder's setters. setHeaders copies the list, and
// the NullPointerException for a null list or header reaches the client
// as its bare message.
func setV3Builder(rec *v3ProduceRecord, m member, hooks v3BuilderHooks) *apiError {
	var e *apiError
	switch m.name {
	case "partitionId":
		rec.PartitionID, e = jacksonInteger(m.value)
	case "originalSize":
		e = jacksonLong(m.value)
	case "headers":
		if isNull(m.value) {
			// ImmutableList.copyOf(null): the JVM's helpful
			// NullPointerException text
			return jacksonError(`Cannot invoke "java.util.Collection.toArray()" because "elements" is null`)
		}
		var headers []*v3ProduceHeader
		if headers, e = decodeV3Headers(m.value); e != nil {
			return e
		}
		rec.Headers = nil
		for i, h := range headers {
			if h == nil {
				return jacksonError("at index %d", i)
			}
			rec.Headers = append(rec.Headers, *h)
		}
	case "key":
		rec.Key, e = decodeV3Data(m.value)
	case "value":
		rec.Value, e = decodeV3Data(m.value)
	case "timestamp":
		rec.Timestamp, e = jacksonInstant(m.value)
	case "id":
		if hooks.id == nil {
			return jacksonUnknown(v3UnknownField, m.name)
		}
		*hooks.id = m.value
	default:
		return jacksonUnknown(v3UnknownField, m.name)
	}
	return e
}

// decodeV3Headers binds the List<ProduceRequestHeader>; a null element
// stays null until the builder copies the list.
func decodeV3Headers(raw json.RawMessage) ([]*v3ProduceHeader, *apiError) {
	return bindList(raw, javaHeaders, func(el json.RawMessage) (*v3ProduceHeader, *apiError) {
		if shape, _ := jacksonToken(el); shape != "Object" {
			return nil, scalarForBean(javaHeader, el)
		}
		return decodeV3Header(el)
	})
}

// decodeV3Header binds one ProduceRequestHeader through its creator
// (String name, byte[] value).
func decodeV3Header(raw json.RawMessage) (*v3ProduceHeader, *apiError) {
	members, err := objectMembers(raw)
	if err != nil {
		return nil, jacksonError("%s", jsonErrorText(err))
	}
	var h v3ProduceHeader
	var name *string
	var unknown []string
	for i, m := range members {
		if readOpen(members, i) {
			return nil, errReadOpen
		}
		var e *apiError
		switch m.name {
		case "name":
			name, e = jacksonString(m.value)
		case "value":
			var b []byte
			b, e = jacksonBytes(m.value)
			h.Value = nil
			if b != nil {
				v := base64.StdEncoding.EncodeToString(b)
				h.Value = &v
			}
		default:
			unknown = append(unknown, m.name)
		}
		if e != nil {
			return nil, e
		}
	}
	if name == nil {
		return nil, jacksonError("Cannot construct instance of `%s`, problem: Null name", javaHeader)
	}
	if len(unknown) > 0 {
		return nil, jacksonUnknown(v3UnknownHeaderField, unknown[0])
	}
	h.Name = *name
	return &h, nil
}

// decodeV3Data binds a key or value (ProduceRequestData) and checks it as
// its builder does.
func decodeV3Data(raw json.RawMessage) (*v3ProduceData, *apiError) {
	switch shape, _ := jacksonToken(raw); shape {
	case "Null":
		return nil, nil
	case "Object":
	default:
		return nil, scalarForBean(javaData, raw)
	}
	members, err := objectMembers(raw)
	if err != nil {
		return nil, jacksonError("%s", jsonErrorText(err))
	}
	var d v3ProduceData
	var unknown []string
	for i, m := range members {
		if readOpen(members, i) {
			return nil, errReadOpen
		}
		var e *apiError
		switch m.name {
		case "type":
			d.Type, e = jacksonEnum(m.value, javaFormat, embeddedFormats, embeddedFormatList)
		case "subject":
			d.Subject, e = jacksonString(m.value)
		case "subject_name_strategy":
			d.SubjectNameStrategy, e = jacksonEnum(m.value, javaStrategy, nameStrategies, nameStrategyList)
		case "schema_id":
			d.SchemaID, e = jacksonInteger(m.value)
		case "schema_version":
			d.SchemaVersion, e = jacksonInteger(m.value)
		case "schema":
			d.Schema, e = jacksonString(m.value)
		case "data":
			d.Data = m.value // a JsonNode: any JSON, null a NullNode
		default:
			unknown = append(unknown, m.name)
		}
		if e != nil {
			return nil, e
		}
	}
	if problem := v3DataProblem(&d); problem != "" {
		return nil, jacksonError("Cannot construct instance of `%s`, problem: %s", javaData, problem)
	}
	if len(unknown) > 0 {
		return nil, jacksonUnknown(v3UnknownDataField, unknown[0])
	}
	return &d, nil
}

// v3DataProblem is what ProduceRequestData.Builder.build refuses, in its
// order: AutoValue's null check of data, then its checkState calls.
func v3DataProblem(d *v3ProduceData) string {
	switch {
	case d.Data == nil:
		return "Null data"
	case d.SubjectNameStrategy != nil && d.Subject != nil:
		return "Only one of 'subject_name_strategy' or 'subject' can be used."
	case d.SchemaID != nil && (d.SchemaVersion != nil || d.Schema != nil),
		d.SchemaID == nil && d.SchemaVersion != nil && d.Schema != nil:
		return "Only one of 'schema_id', 'schema_version' or 'schema' can be used."
	case d.Type == nil:
		return ""
	}
	format := *d.Type
	switch format {
	case "AVRO", "JSONSCHEMA", "PROTOBUF":
		switch {
		case d.SchemaID != nil:
			return fmt.Sprintf("'schema_id=%d' cannot be used with 'serializer'.", *d.SchemaID)
		case d.SchemaVersion != nil:
			return fmt.Sprintf("'schema_version=%d' cannot be used with 'serializer'.", *d.SchemaVersion)
		case d.Schema == nil:
			return "'schema_version=latest' cannot be used with 'serializer'."
		}
		return ""
	}
	for _, c := range []struct {
		set  bool
		name string
	}{
		{d.SubjectNameStrategy != nil, "subject_strategy"},
		{d.Subject != nil, "subject"},
		{d.SchemaID != nil, "schema_id"},
		{d.SchemaVersion != nil, "schema_version"},
		{d.Schema != nil, "schema"},
	} {
		if c.set {
			return fmt.Sprintf("'type=%s' cannot be used with '%s'.", format, c.name)
		}
	}
	return ""
}
