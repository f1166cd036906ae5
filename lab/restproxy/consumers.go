package restproxy

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/internal/jsonwire"
)

// The v2 consumer resources, as kafka-rest's resources/v2/ConsumersResource.java
// serves them (https://docs.confluent.io/platform/7.9/kafka-rest/api.html#consumers).

func (p *Proxy) consumerRoutes(mux *http.ServeMux) {
	const inst = "/consumers/{group}/instances/{instance}"
	mux.HandleFunc("POST /consumers/{group}", consumerMedia(p.createConsumer))
	mux.HandleFunc("DELETE "+inst, consumerMedia(p.deleteConsumer))
	mux.HandleFunc("POST "+inst+"/subscription", consumerMedia(withBody(p, nullRequest("subscribe.arg3"), p.subscribe)))
	mux.HandleFunc("GET "+inst+"/subscription", consumerMedia(p.withInstance(p.getSubscription)))
	mux.HandleFunc("DELETE "+inst+"/subscription", consumerMedia(p.withInstance(p.unsubscribe)))
	mux.HandleFunc("POST "+inst+"/assignments", consumerMedia(withBody(p, nullRequest("assign.arg3"), p.assign)))
	mux.HandleFunc("GET "+inst+"/assignments", consumerMedia(p.withInstance(p.getAssignments)))
	mux.HandleFunc("GET "+inst+"/records", p.readRecords)
	mux.HandleFunc("POST "+inst+"/offsets", consumerMedia(p.withInstance(p.commitOffsets)))
	mux.HandleFunc("GET "+inst+"/offsets", consumerMedia(withBody(p, newAPIError(http.StatusNotFound, 40402, "Partition not found."), p.getOffsets)))
	mux.HandleFunc("POST "+inst+"/positions", consumerMedia(withBody(p, nullRequest("seekToOffset.arg3"), p.seek)))
	mux.HandleFunc("POST "+inst+"/positions/beginning", consumerMedia(withBody(p, nullRequest("seekToBeginning.arg3"), p.seekBeginning)))
	mux.HandleFunc("POST "+inst+"/positions/end", consumerMedia(withBody(p, nullRequest("seekToEnd.arg3"), p.seekEnd)))
}

// consumerMediaTypes are what ConsumersResource declares in @Consumes and
// @Produces: the v2 type and the v2 type of every embedded format.
var consumerMediaTypes = map[string]bool{
	mediaTypeV2: true, ctBinary: true, ctJSON: true, ctAvro: true, ctJSONSchema: true, ctProtobuf: true,
}

// consumerMedia answers as Jersey does for the consumer resources: 415 for
// a POST whose Content-Type is not one of theirs (plain application/json
// included), 406 when the Accept header admits none of them.
func consumerMedia(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
			if err != nil || !consumerMediaTypes[mt] {
				writeError(w, httpError(http.StatusUnsupportedMediaType))
				return
			}
		}
		if !acceptsAny(r.Header.Get("Accept"), consumerMediaTypes) {
			writeError(w, httpError(http.StatusNotAcceptable))
			return
		}
		h(w, r)
	}
}

// acceptsAny reports whether an Accept header admits one of the types; an
// absent header admits anything.
func acceptsAny(header string, types map[string]bool) bool {
	if strings.TrimSpace(header) == "" {
		return true
	}
	for _, part := range strings.Split(header, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		if q, ok := params["q"]; ok {
			if v, err := strconv.ParseFloat(q, 64); err != nil || v <= 0 {
				continue
			}
		}
		if mt == "*/*" || mt == "application/*" || types[mt] {
			return true
		}
	}
	return false
}

type topicPartition struct {
	Topic     string `json:"topic"`
	Partition int32  `json:"partition"`
}

type committedOffset struct {
	Topic     string `json:"topic"`
	Partition int32  `json:"partition"`
	Offset    int64  `json:"offset"`
	Metadata  string `json:"metadata"`
}

type createConsumerRequest struct {
	ID                *string         `json:"id"`
	Name              *string         `json:"name"`
	Format            *string         `json:"format"`
	AutoOffsetReset   *string         `json:"auto.offset.reset"`
	AutoCommitEnable  json.RawMessage `json:"auto.commit.enable"`
	FetchMinBytes     *int64          `json:"fetch.min.bytes"`
	ResponseMinBytes  *int64          `json:"responseMinBytes"`
	RequestTimeoutMs  *int64          `json:"consumer.request.timeout.ms"`
	RequestWaitMsName *int64          `json:"requestWaitMs"`
}

// createConsumer handles POST /consumers/{group}.
func (p *Proxy) createConsumer(w http.ResponseWriter, r *http.Request) {
	var req createConsumerRequest
	if e := p.decodeBody(w, r, &req); e != nil {
		writeError(w, e)
		return
	}
	cfg, e := instanceConfigFrom(req)
	if e != nil {
		writeError(w, e)
		return
	}
	name := ""
	switch {
	case req.ID != nil:
		name = *req.ID
	case req.Name != nil:
		name = *req.Name
	default:
		name = "rest-consumer-" + randomUUID()
	}
	group := r.PathValue("group")
	if _, e := p.consumers.create(group, name, cfg); e != nil {
		writeError(w, e)
		return
	}
	p.log.Debug("consumer created", "group", group, "instance", name, "format", cfg.format.String())
	writeJSON(w, http.StatusOK, map[string]string{
		"instance_id": name,
		"base_uri":    absoluteURI(r, "consumers", group, "instances", name),
	})
}

// instanceConfigFrom validates a create request as the Java consumer's
// ConfigDef and kafka-rest's CreateConsumerInstanceRequest do.
func instanceConfigFrom(req createConsumerRequest) (instanceConfig, *apiError) {
	cfg := instanceConfig{format: formatBinary, autoCommit: true, resetOffset: kgo.NewOffset().AtEnd(), minBytes: -1}
	if req.Format != nil {
		switch strings.ToUpper(*req.Format) {
		case "BINARY":
			cfg.format = formatBinary
		case "JSON":
			cfg.format = formatJSON
		case "AVRO":
			cfg.format = formatAvro
		case "JSONSCHEMA":
			cfg.format = formatJSONSchema
		case "PROTOBUF":
			cfg.format = formatProtobuf
		default:
			return cfg, newAPIError(http.StatusUnprocessableEntity, 42200, "Invalid format type.")
		}
	}
	if req.AutoOffsetReset != nil {
		switch *req.AutoOffsetReset {
		case "latest":
		case "earliest":
			cfg.resetOffset = kgo.NewOffset().AtStart()
		case "none":
			cfg.noReset = true
		default:
			return cfg, newAPIError(http.StatusUnprocessableEntity, 42204,
				"Invalid consumer configuration: Invalid value %s for configuration auto.offset.reset: String must be one of: latest, earliest, none", *req.AutoOffsetReset)
		}
	}
	if len(req.AutoCommitEnable) > 0 && string(req.AutoCommitEnable) != "null" {
		text := strings.Trim(string(req.AutoCommitEnable), `"`)
		switch strings.ToLower(strings.TrimSpace(text)) {
		case "true":
		case "false":
			cfg.autoCommit = false
		default:
			return cfg, newAPIError(http.StatusUnprocessableEntity, 42204,
				"Invalid consumer configuration: Invalid value %s for configuration enable.auto.commit: Expected value to be either true or false", text)
		}
	}
	minBytes := req.FetchMinBytes
	if minBytes == nil {
		minBytes = req.ResponseMinBytes
	}
	if minBytes != nil {
		if *minBytes < -1 || *minBytes > maxProxyFetchMinBytes {
			bound := "Value must be at least -1"
			if *minBytes > maxProxyFetchMinBytes {
				bound = "Value must be no more than " + strconv.Itoa(maxProxyFetchMinBytes)
			}
			return cfg, newAPIError(http.StatusUnprocessableEntity, 40001,
				"Invalid consumer configuration. It does not abide by the constraints: Invalid value %d for configuration fetch.min.bytes: %s", *minBytes, bound)
		}
		cfg.minBytes = *minBytes
	}
	wait := req.RequestTimeoutMs
	if wait == nil {
		wait = req.RequestWaitMsName
	}
	if wait != nil && *wait > 0 {
		cfg.requestWait = time.Duration(*wait) * time.Millisecond
	}
	return cfg, nil
}

// absoluteURI is the request's scheme and host followed by the escaped path
// segments, as kafka-rest's UriUtils builds base_uri.
func absoluteURI(r *http.Request, segs ...string) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	var b strings.Builder
	b.WriteString(scheme + "://" + r.Host)
	for _, s := range segs {
		b.WriteString("/" + url.PathEscape(s))
	}
	return b.String()
}

// deleteConsumer handles DELETE /consumers/{group}/instances/{instance}.
func (p *Proxy) deleteConsumer(w http.ResponseWriter, r *http.Request) {
	if e := p.consumers.remove(r.Context(), r.PathValue("group"), r.PathValue("instance")); e != nil {
		writeError(w, e)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type instanceHandler func(w http.ResponseWriter, r *http.Request, c *consumerInstance)

// withInstance looks the instance up (404/40403 if there is none) and
// refreshes its expiry.
func (p *Proxy) withInstance(h instanceHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, e := p.consumers.get(r.PathValue("group"), r.PathValue("instance"))
		if e != nil {
			writeError(w, e)
			return
		}
		h(w, r, c)
		c.touch()
	}
}

// withBody is a ConsumersResource method that takes a body: Jersey reads
// it, and refuses a null one (JSON null or nothing) with null, before the
// method looks the instance up (a @Valid @NotNull body's violation,
// nullRequest, or what the method throws first for a null one).
func withBody[T any](p *Proxy, null *apiError, h func(w http.ResponseWriter, r *http.Request, c *consumerInstance, req *T)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req *T
		if e := p.decodeBody(w, r, &req); e != nil {
			writeError(w, e)
			return
		}
		if req == nil {
			writeError(w, null)
			return
		}
		p.withInstance(func(w http.ResponseWriter, r *http.Request, c *consumerInstance) { h(w, r, c, req) })(w, r)
	}
}

type subscriptionRequest struct {
	Topics       []string `json:"topics"`
	TopicPattern *string  `json:"topic_pattern"`
}

func (p *Proxy) subscribe(w http.ResponseWriter, r *http.Request, c *consumerInstance, req *subscriptionRequest) {
	if e := c.subscribe(req.Topics, req.TopicPattern); e != nil {
		writeError(w, e)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (p *Proxy) getSubscription(w http.ResponseWriter, r *http.Request, c *consumerInstance) {
	writeJSON(w, http.StatusOK, map[string][]string{"topics": c.subscription()})
}

func (p *Proxy) unsubscribe(w http.ResponseWriter, r *http.Request, c *consumerInstance) {
	c.unsubscribe()
	w.WriteHeader(http.StatusNoContent)
}

type partitionsRequest struct {
	Partitions []topicPartition `json:"partitions"`
}

func (p *Proxy) assign(w http.ResponseWriter, r *http.Request, c *consumerInstance, req *partitionsRequest) {
	if e := c.assign(req.Partitions); e != nil {
		writeError(w, e)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (p *Proxy) getAssignments(w http.ResponseWriter, r *http.Request, c *consumerInstance) {
	writeJSON(w, http.StatusOK, map[string][]topicPartition{"partitions": c.currentAssignment()})
}

type commitRequest struct {
	Offsets []struct {
		Topic     string  `json:"topic"`
		Partition int32   `json:"partition"`
		Offset    int64   `json:"offset"`
		Metadata  *string `json:"metadata"`
	} `json:"offsets"`
}

// commitOffsets handles POST .../offsets: the named offsets (each the last
// record processed), or, without a body, everything returned so far.
func (p *Proxy) commitOffsets(w http.ResponseWriter, r *http.Request, c *consumerInstance) {
	var req *commitRequest
	if e := p.decodeBody(w, r, &req); e != nil {
		writeError(w, e)
		return
	}
	var offs []commitOffset
	if req != nil {
		offs = []commitOffset{}
		for _, o := range req.Offsets {
			co := commitOffset{Topic: o.Topic, Partition: o.Partition, Offset: o.Offset}
			if o.Metadata != nil {
				co.Metadata = *o.Metadata
			}
			offs = append(offs, co)
		}
	}
	if e := c.commitRequested(r.Context(), offs); e != nil {
		writeError(w, e)
		return
	}
	writeJSON(w, http.StatusOK, map[string][]any{"offsets": {}})
}

// getOffsets handles GET .../offsets, whose body names the partitions.
func (p *Proxy) getOffsets(w http.ResponseWriter, r *http.Request, c *consumerInstance, req *partitionsRequest) {
	offs, e := c.committed(r.Context(), req.Partitions)
	if e != nil {
		writeError(w, e)
		return
	}
	writeJSON(w, http.StatusOK, map[string][]committedOffset{"offsets": offs})
}

type seekRequest struct {
	Offsets []struct {
		Topic     string `json:"topic"`
		Partition int32  `json:"partition"`
		Offset    int64  `json:"offset"`
		Metadata  any    `json:"metadata"`
	} `json:"offsets"`
	Timestamps []struct {
		Topic     string    `json:"topic"`
		Partition int32     `json:"partition"`
		Timestamp time.Time `json:"timestamp"`
		Metadata  any       `json:"metadata"`
	} `json:"timestamps"`
}

// seek handles POST .../positions: offsets, or the first offset at or after
// a timestamp.
func (p *Proxy) seek(w http.ResponseWriter, r *http.Request, c *consumerInstance, req *seekRequest) {
	to := map[topicPartition]int64{}
	for _, o := range req.Offsets {
		to[topicPartition{o.Topic, o.Partition}] = o.Offset
	}
	for _, ts := range req.Timestamps {
		tp := topicPartition{ts.Topic, ts.Partition}
		if !c.isAssigned(tp) {
			writeError(w, illegalState("No current assignment for partition %s-%d", tp.Topic, tp.Partition))
			return
		}
		listed, err := p.admin.ListOffsetsAfterMilli(r.Context(), ts.Timestamp.UnixMilli(), ts.Topic)
		if err != nil {
			writeError(w, kafkaError(err))
			return
		}
		if lo, ok := listed.Lookup(ts.Topic, ts.Partition); ok && lo.Err == nil && lo.Offset >= 0 {
			to[tp] = lo.Offset
		}
	}
	if e := c.seek(r.Context(), to); e != nil {
		writeError(w, e)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (p *Proxy) seekBeginning(w http.ResponseWriter, r *http.Request, c *consumerInstance, req *partitionsRequest) {
	p.seekEdge(w, r, c, req, false)
}

func (p *Proxy) seekEnd(w http.ResponseWriter, r *http.Request, c *consumerInstance, req *partitionsRequest) {
	p.seekEdge(w, r, c, req, true)
}

func (p *Proxy) seekEdge(w http.ResponseWriter, r *http.Request, c *consumerInstance, req *partitionsRequest, end bool) {
	c.mu.Lock()
	live := c.client != nil
	c.mu.Unlock()
	if !live && len(req.Partitions) > 0 {
		tp := req.Partitions[0]
		writeError(w, illegalState("No current assignment for partition %s-%d", tp.Topic, tp.Partition))
		return
	}
	if e := c.seekEdge(r.Context(), req.Partitions, end); e != nil {
		writeError(w, e)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// readRecords handles GET .../records. The Accept header picks the embedded
// format; it must be the instance's, or the answer is 406/40601.
func (p *Proxy) readRecords(w http.ResponseWriter, r *http.Request) {
	want, mediaType, ok := recordsFormat(r.Header.Get("Accept"))
	if !ok {
		writeError(w, httpError(http.StatusNotAcceptable))
		return
	}
	c, e := p.consumers.get(r.PathValue("group"), r.PathValue("instance"))
	if e != nil {
		writeError(w, e)
		return
	}
	defer c.touch()
	// The three schema formats share SchemaKafkaConsumerState: records are
	// read with the instance's own deserializer whichever of them is asked.
	if want != c.cfg.format && !(want == formatAvro && c.cfg.format.usesSchemas()) {
		writeError(w, newAPIError(http.StatusNotAcceptable, 40601,
			"The requested embedded data format does not match the deserializer for this consumer instance"))
		return
	}
	timeout := time.Duration(queryInt(r, "timeout", -1)) * time.Millisecond
	var out []consumerRecord
	_, e = c.read(r.Context(), timeout, queryInt(r, "max_bytes", -1), func(recs []*kgo.Record) *apiError {
		var e *apiError
		out, e = p.renderRecords(r.Context(), c.cfg.format, recs)
		return e
	})
	if e != nil {
		writeError(w, e)
		return
	}
	b, err := jsonwire.Marshal(out)
	if err != nil {
		writeError(w, httpError(http.StatusInternalServerError))
		return
	}
	w.Header().Set("Content-Type", mediaType)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

// recordsFormat picks the format a records request asks for. Binary is
// served for the binary type, the plain v2 type and wildcards (Jersey
// weighs it highest); the schema formats share one deserializer in
// kafka-rest, so asking any of them of a schema-format instance is
// accepted (they all map to formatAvro here).
func recordsFormat(accept string) (embeddedFormat, string, bool) {
	if strings.TrimSpace(accept) == "" {
		return formatBinary, ctBinary, true
	}
	best, bestType, found := embeddedFormat(0), "", false
	for _, part := range strings.Split(accept, ",") {
		mt := strings.TrimSpace(strings.SplitN(part, ";", 2)[0])
		if strings.Contains(part, "q=0") && !strings.Contains(part, "q=0.") {
			continue
		}
		var f embeddedFormat
		switch mt {
		case ctAvro, ctJSONSchema, ctProtobuf:
			f = formatAvro
		case ctJSON:
			f = formatJSON
		case ctBinary:
			f = formatBinary
		case mediaTypeV2, "*/*", "application/*":
			f, mt = formatBinary, ctBinary
			if !found {
				best, bestType, found = f, mt, true
			}
			continue
		default:
			continue
		}
		return f, mt, true
	}
	return best, bestType, found
}

func queryInt(r *http.Request, name string, def int64) int64 {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return def
	}
	return n
}

// decodeBody reads a JSON request body into v. An empty body leaves v
// untouched (Jersey passes null); malformed JSON is answered 400, as
// Jackson's exceptions are mapped, and a field v lacks 422 (unrecognized);
// the first of them in the body is the answer, as Jackson reads in order
// (encoding/json keeps its first error too).
func (p *Proxy) decodeBody(w http.ResponseWriter, r *http.Request, v any) *apiError {
	return p.decodeBodyOf(w, r, v, nil)
}

// decodeBodyOf is decodeBody for an entity with fields of free JSON, whose
// paths free names: a body nested past Jackson's depth inside one of them
// is refused as Jackson refuses it (depth.go).
func (p *Proxy) decodeBodyOf(w http.ResponseWriter, r *http.Request, v any, free func(path []any) bool) *apiError {
	body, e := p.readBody(w, r)
	if e != nil {
		return e
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	if free != nil {
		if _, deep := tooDeepIn(body, free); deep {
			return tooDeepBody()
		}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			if name, uerr := strconv.Unquote(f); uerr == nil {
				return unrecognized(name)
			}
		}
		return jsonError("%s", jsonErrorText(err))
	}
	return nil
}

// readBody reads a request body up to the proxy's bound; a longer one is
// answered 413.
func (p *Proxy) readBody(w http.ResponseWriter, r *http.Request) ([]byte, *apiError) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, p.cfg.maxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, httpError(http.StatusRequestEntityTooLarge)
		}
		return nil, jsonError("read request body: %s", err)
	}
	return body, nil
}
