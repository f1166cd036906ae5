package restproxy

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

// produceResponse is the 200 answer to a produce request. Nulls are printed,
// as the REST Proxy's entities do not omit them.
type produceResponse struct {
	Offsets       []partitionOffset `json:"offsets"`
	KeySchemaID   *int32            `json:"key_schema_id"`
	ValueSchemaID *int32            `json:"value_schema_id"`
}

type partitionOffset struct {
	Partition *int32  `json:"partition"`
	Offset    *int64  `json:"offset"`
	ErrorCode *int    `json:"error_code"`
	Error     *string `json:"error"`
}

// produce handles POST /topics/{topic}: check the content type, decode,
// resolve schemas, encode every record, and only then produce.
func (p *Proxy) produce(w http.ResponseWriter, r *http.Request, topic string) {
	p.produceTo(w, r, topic, nil)
}

// produceTo produces a request's records; a non-nil partition (POST
// /topics/{topic}/partitions/{partition}) overrides every record's own.
func (p *Proxy) produceTo(w http.ResponseWriter, r *http.Request, topic string, partition *int32) {
	f, apiErr := formatFromContentType(r.Header.Get("Content-Type"))
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	if !acceptsV2(r.Header.Get("Accept")) {
		writeError(w, httpError(http.StatusNotAcceptable))
		return
	}
	body, apiErr := p.readBody(w, r)
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	req, apiErr := decodeProduceRequest(body, v2ProduceParam(f, partition != nil))
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	ctx := r.Context()
	var keySchema, valueSchema *registeredSchema
	if f.usesSchemas() {
		if keySchema, apiErr = p.schemas.resolve(ctx, f, topic, true, req.KeySchema, req.KeySchemaID); apiErr != nil {
			writeError(w, apiErr)
			return
		}
		if valueSchema, apiErr = p.schemas.resolve(ctx, f, topic, false, req.ValueSchema, req.ValueSchemaID); apiErr != nil {
			writeError(w, apiErr)
			return
		}
	}
	if partition != nil {
		for i := range req.Records {
			req.Records[i].Partition = partition
		}
	}
	recs, apiErr := encodeRecords(f, req.Records, keySchema, valueSchema)
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	if apiErr := p.checkPartitions(ctx, topic, recs); apiErr != nil {
		writeError(w, apiErr)
		return
	}
	offsets, apiErr := p.send(ctx, topic, recs)
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	resp := produceResponse{Offsets: offsets}
	if keySchema != nil {
		resp.KeySchemaID = &keySchema.id
	}
	if valueSchema != nil {
		resp.ValueSchemaID = &valueSchema.id
	}
	p.log.Debug("produced", "topic", topic, "format", f.String(), "records", len(recs))
	writeJSON(w, http.StatusOK, resp)
}

// checkPartitions rejects explicit partitions the topic does not have, before
// anything is produced. The Java producer throws for these; the REST Proxy
// answers 500 (a negative partition) or 500/50002 (one beyond the topic).
func (p *Proxy) checkPartitions(ctx context.Context, topic string, recs []encodedRecord) *apiError {
	explicit := false
	for _, r := range recs {
		if r.partition == nil {
			continue
		}
		if *r.partition < 0 {
			return httpError(http.StatusInternalServerError)
		}
		explicit = true
	}
	if !explicit {
		return nil
	}
	// The producer's metadata request, which asks for auto-creation as the
	// Java producer's does before it checks the partition.
	details, err := kadm.NewClient(p.client).ListTopics(ctx, topic)
	if err != nil {
		return newAPIError(http.StatusInternalServerError, codeKafkaError, "%s", err)
	}
	td, ok := details[topic]
	if !ok || td.Err != nil {
		return nil // missing topics are the broker's call when producing
	}
	n := int32(len(td.Partitions))
	for _, r := range recs {
		if r.partition != nil && *r.partition >= n {
			return newAPIError(http.StatusInternalServerError, codeKafkaError,
				"Invalid partition given with record: %d is not in the range [0...%d).", *r.partition, n)
		}
	}
	return nil
}

// send produces the records and waits for every acknowledgement. Records are
// not abandoned when the client goes away: the produce context is detached
// from the request's cancellation.
func (p *Proxy) send(ctx context.Context, topic string, recs []encodedRecord) ([]partitionOffset, *apiError) {
	offsets := make([]partitionOffset, len(recs))
	if len(recs) == 0 {
		return offsets, nil
	}
	pctx, cancel := p.deliveryContext(ctx)
	defer cancel()
	errs := make([]error, len(recs))
	parts := make([]int32, len(recs))
	start := time.Now()
	var wg sync.WaitGroup
	for i, rec := range recs {
		kr := &kgo.Record{Topic: topic, Key: rec.key, Value: rec.value, Timestamp: start}
		if rec.partition != nil {
			kr.Partition = *rec.partition
			kr.Context = withExplicitPartition(pctx)
		}
		wg.Add(1)
		p.client.Produce(pctx, kr, func(r *kgo.Record, err error) {
			defer wg.Done()
			if err != nil {
				errs[i], parts[i] = err, r.Partition
				return
			}
			part, off := r.Partition, r.Offset
			offsets[i] = partitionOffset{Partition: &part, Offset: &off}
		})
	}
	wg.Wait()

	unknown := 0
	expired := map[int32]int{} // records whose delivery timed out, by partition
	for i, err := range errs {
		if errors.Is(err, context.DeadlineExceeded) {
			expired[parts[i]]++
		}
	}
	for i, err := range errs {
		if err == nil {
			continue
		}
		if errors.Is(err, kerr.UnknownTopicOrPartition) {
			unknown++
		}
		code, msg := producerErrorCode(err), err.Error()
		switch {
		case errors.Is(err, kerr.InvalidTopicException):
			// The Java producer's message (Metadata.maybeThrowExceptionForTopic).
			msg = "Invalid topics: [" + topic + "]"
		case errors.Is(err, context.DeadlineExceeded):
			msg = expiredDelivery(expired[parts[i]], topic, parts[i], start)
		}
		offsets[i] = partitionOffset{ErrorCode: &code, Error: &msg}
		p.log.Warn("produce failed", "topic", topic, "record", i, "err", err)
	}
	if unknown == len(recs) {
		// Stop asking the broker about (and to auto-create) a topic that
		// does not exist; a later request starts afresh.
		p.client.PurgeTopicsFromProducing(topic)
		return nil, newAPIError(http.StatusNotFound, codeTopicNotFound,
			"Topic %s not present in metadata after %d ms.", topic, time.Since(start).Milliseconds())
	}
	return offsets, nil
}

// deliveryContext is a produced record's context: detached from the
// request's cancellation, so that a record is not abandoned when its client
// goes away, and ended once the delivery timeout has passed from now, as the
// Java producer counts delivery.timeout.ms from the creation of the batch
// the record joins (ProducerBatch.hasReachedDeliveryTimeout in apache/kafka
// 3.9), not from the record's timestamp.
func (p *Proxy) deliveryContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), p.cfg.deliveryTimeout)
}

// expiredDelivery is the message of the Java producer's TimeoutException
// for n records of a partition whose delivery timeout passed
// (Sender.sendProducerData in apache/kafka 3.9, the batch's age in ms).
func expiredDelivery(n int, topic string, partition int32, since time.Time) string {
	return fmt.Sprintf("Expiring %d record(s) for %s-%d:%d ms has passed since batch creation", n, topic, partition, time.Since(since).Milliseconds())
}

// producerErrorCode is the per-record code for a failed record: 50003 for
// retriable Kafka errors, 50002 for the rest.
func producerErrorCode(err error) int {
	var ke *kerr.Error
	switch {
	case errors.As(err, &ke):
		if ke.Retriable {
			return codeKafkaRetriable
		}
		return codeKafkaError
	case errors.Is(err, kgo.ErrRecordTimeout), errors.Is(err, kgo.ErrRecordRetries),
		errors.Is(err, context.DeadlineExceeded):
		return codeKafkaRetriable
	}
	return codeKafkaError
}
