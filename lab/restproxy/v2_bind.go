package restproxy

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"unicode/utf8"
)

// A v2 produce body is bound as Jackson 2.16 binds kafka-rest v7.9.0's
// entities/v2/ProduceRequest.java, and a refusal answered as rest-utils
// answers it (restUtilsMapped). ProduceRequest and ProduceRecord are
// AutoValue classes read through a static @JsonCreator (a List of
// ProduceRecord, Integer, String, Integer, String; and Integer, JsonNode,
// JsonNode). BeanDeserializer._deserializeUsingPropertyBased binds the
// members in the order written, stopping at the first it cannot bind,
// and keeps a member the creator lacks until the object is built: at its
// end, or as soon as every creator member has been seen, after which the
// AutoValue class's own deserializer binds what follows: the same
// members through its fields, any other refused at once.
// Building ProduceRequest copies the records with ImmutableList.copyOf,
// which refuses a null record.

// Java types of entities/v2/ProduceRequest.java as Jackson names them.
const (
	javaV2Request = "io.confluent.kafkarest.entities.v2.ProduceRequest"
	javaV2Record  = "io.confluent.kafkarest.entities.v2.ProduceRequest$ProduceRecord"
	javaV2Records = "java.util.ArrayList<" + javaV2Record + ">"
)

// v2Members are ProduceRequest's members.
var v2Members = []string{"key_schema", "value_schema", "key_schema_id", "value_schema_id", "records"}

// v2Unknown words a member ProduceRequest or ProduceRecord lacks; only its
// name reaches the client.
const v2Unknown = `Unrecognized field "%s"`

// restUtilsMapped is a Jackson refusal of a body Jersey reads as one
// entity, as kafka-rest 7.9 answers it: an unknown member is
// JacksonMessageBodyProvider's 422 (unrecognized); any other mapping error
// is answered by rest-utils' JsonMappingExceptionMapper, which Jersey 2.36
// picks before jackson-jaxrs-base's for its @Priority(1): 400 and Jackson's
// original message (no location, no reference chain) sanitised
// (restUtilsSanitized).
func restUtilsMapped(e *apiError) *apiError {
	switch {
	case e == nil:
		return nil
	case e.unknown != "":
		return unrecognized(e.unknown)
	case e.Status != 400:
		return e
	}
	return jsonError("%s", restUtilsSanitized(e.Message))
}

// decodeProduceRequest binds a v2 produce body, param naming the resource
// method's parameter it is (v2ProduceParam). A body nested past
// Jackson's depth inside a key or value is refused for it (depth.go);
// content after the first JSON value is ignored.
func decodeProduceRequest(body []byte, param string) (*produceRequest, *apiError) {
	if _, deep := tooDeepIn(body, v2RecordData); deep {
		return nil, tooDeepBody()
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nullRequest(param)
		}
		return nil, notJSONEntity(body, err, bindV2Prefix, v2Members...)
	}
	if isJSONScalar(raw) || !utf8.Valid(raw) {
		// Jackson reads on past a root number or literal the reader
		// ends, and refuses strings the reader takes that are not UTF-8
		// as it decodes them
		if e := notJSONEntity(body, nil, bindV2Prefix, v2Members...); e != nil {
			return nil, e
		}
	}
	if isNull(raw) {
		return nil, nullRequest(param)
	}
	req, e := bindV2Request(raw)
	if e != nil {
		return nil, restUtilsMapped(e)
	}
	return req, nil
}

// bindV2Prefix binds what Jackson read of a body before its syntax
// error (notJSONEntity).
func bindV2Prefix(raw json.RawMessage) *apiError {
	_, e := bindV2Request(raw)
	return e
}

// creatorMembers follows an object bound through a properties creator:
// which of its members have been seen, and whether the object is built.
type creatorMembers struct {
	n     int
	seen  map[string]bool
	built bool
}

// bound notes a creator member bound and reports whether the object is
// built with it.
func (c *creatorMembers) bound(name string) bool {
	if c.seen == nil {
		c.seen = map[string]bool{}
	}
	c.seen[name] = true
	if !c.built && len(c.seen) == c.n {
		c.built = true
		return true
	}
	return false
}

func bindV2Request(raw json.RawMessage) (*produceRequest, *apiError) {
	members, e := beanMembers(raw, javaV2Request)
	if e != nil {
		return nil, e
	}
	req := &produceRequest{}
	var records []*produceRecord
	var unknown []string
	build := func() *apiError {
		for i, r := range records {
			if r == nil {
				return jacksonError("Cannot construct instance of `%s`, problem: at index %d", javaV2Request, i)
			}
		}
		if len(unknown) > 0 {
			return jacksonUnknown(v2Unknown, unknown[0])
		}
		return nil
	}
	creator := creatorMembers{n: 5}
	for i, m := range members {
		if readOpen(members, i) {
			return nil, errReadOpen
		}
		var e *apiError
		switch m.name {
		case "key_schema":
			req.KeySchema, e = jacksonString(m.value)
		case "value_schema":
			req.ValueSchema, e = jacksonString(m.value)
		case "key_schema_id":
			req.KeySchemaID, e = jacksonInteger(m.value)
		case "value_schema_id":
			req.ValueSchemaID, e = jacksonInteger(m.value)
		case "records":
			records, e = bindV2Records(m.value)
		default:
			if creator.built {
				return nil, jacksonUnknown(v2Unknown, m.name)
			}
			unknown = append(unknown, m.name)
			continue
		}
		if e != nil {
			return nil, e
		}
		switch {
		case creator.bound(m.name) && !buildPreempted(members, i):
			if e := build(); e != nil {
				return nil, e
			}
		case creator.built && m.name == "records":
			// the AutoValue class's deserializer reads the field with
			// GuavaModule's ImmutableList deserializer, whose builder
			// refuses a null element with a bare NullPointerException
			for _, r := range records {
				if r == nil {
					return nil, jacksonError("(was java.lang.NullPointerException)")
				}
			}
		}
	}
	if !creator.built {
		if e := build(); e != nil {
			return nil, e
		}
	}
	req.Records = make([]produceRecord, len(records))
	for i, r := range records {
		req.Records[i] = *r
	}
	return req, nil
}

// bindV2Records binds the List of ProduceRecord (CollectionDeserializer);
// a null record stays null until ProduceRequest is built.
func bindV2Records(raw json.RawMessage) ([]*produceRecord, *apiError) {
	return bindList(raw, javaV2Records, bindV2Record)
}

// bindV2Record binds one ProduceRecord. A key or value is a JsonNode: any
// JSON; JSON null is taken as no key or value.
func bindV2Record(raw json.RawMessage) (*produceRecord, *apiError) {
	members, e := beanMembers(raw, javaV2Record)
	if e != nil {
		return nil, e
	}
	rec := &produceRecord{}
	var unknown []string
	creator := creatorMembers{n: 3}
	for i, m := range members {
		if readOpen(members, i) {
			return nil, errReadOpen
		}
		var e *apiError
		switch m.name {
		case "partition":
			rec.Partition, e = jacksonInteger(m.value)
		case "key":
			rec.Key = nonNullJSON(m.value)
		case "value":
			rec.Value = nonNullJSON(m.value)
		default:
			if creator.built {
				return nil, jacksonUnknown(v2Unknown, m.name)
			}
			unknown = append(unknown, m.name)
			continue
		}
		if e != nil {
			return nil, e
		}
		if creator.bound(m.name) && !buildPreempted(members, i) && len(unknown) > 0 {
			return nil, jacksonUnknown(v2Unknown, unknown[0])
		}
	}
	if len(unknown) > 0 {
		return nil, jacksonUnknown(v2Unknown, unknown[0])
	}
	return rec, nil
}

// nonNullJSON is raw, or nil for JSON null.
func nonNullJSON(raw json.RawMessage) json.RawMessage {
	if isNull(raw) {
		return nil
	}
	return raw
}
