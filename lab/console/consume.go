package console

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

type consumeOpts struct {
	fromBeginning, printKey, asJSON bool
	max                             int
	group                           string
}

func (c *command) consumeFlags() (func(context.Context) error, string) {
	var o consumeOpts
	c.fs.BoolVar(&o.fromBeginning, "from-beginning", false, "start with the earliest record (without it, as the console consumer, only records written from now on; with --group, only when the group has no committed offset)")
	c.fs.IntVar(&o.max, "max", 0, "exit after `N` records (0: until interrupted)")
	c.fs.StringVar(&o.group, "group", "", "consume as a member of consumer group `G`, committing the offsets of the records printed")
	c.fs.BoolVar(&o.printKey, "print-key", false, "print each record's key, a tab, then its value")
	c.fs.BoolVar(&o.asJSON, "json", false, "print each record as one JSON document with topic, partition, offset, timestamp, key, value, headers and schema ids")
	return func(ctx context.Context) error { return c.consume(ctx, o) },
		"consume TOPIC [--from-beginning] [--max N] [--group G] [--print-key] [--json]"
}

// consume prints the records of one topic as kafka-avro-console-consumer
// does: one line per record, the value's Avro JSON encoding (keys first,
// tab-separated, with --print-key; "null" for a null key or value; see
// schema-registry's SchemaMessageFormatter.writeTo). It ends after --max
// records or at Ctrl-C, printing "Processed a total of N messages" on
// stderr as the console consumer does.
func (c *command) consume(ctx context.Context, o consumeOpts) error {
	if len(c.args) != 1 {
		return usagef("want one TOPIC, got %d arguments", len(c.args))
	}
	if o.max < 0 {
		return usagef("--max %d: want 0 or more", o.max)
	}
	topic := c.args[0]
	reg, err := c.ep.registry()
	if err != nil {
		return usageError{err.Error()}
	}
	reset := kgo.NewOffset().AtEnd()
	if o.fromBeginning {
		reset = kgo.NewOffset().AtStart()
	}
	opts := c.ep.kafka(kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(reset))
	if o.group != "" {
		opts = append(opts, kgo.ConsumerGroup(o.group), kgo.AutoCommitMarks())
	}
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return fmt.Errorf("kafka client: %w", err)
	}
	defer cl.Close()
	if err := checkTopic(ctx, cl, topic); err != nil {
		return err
	}
	dec := newDecoder(reg)
	n, bad := 0, 0
	defer func() { fmt.Fprintf(c.stderr, "Processed a total of %d messages\n", n) }()
	for o.max == 0 || n < o.max {
		fetches := cl.PollRecords(ctx, o.max-n)
		if ctx.Err() != nil {
			break
		}
		for _, fe := range fetches.Errors() {
			if errors.Is(fe.Err, context.Canceled) {
				continue
			}
			return fmt.Errorf("fetch %s partition %d: %w", fe.Topic, fe.Partition, fe.Err)
		}
		for _, r := range fetches.Records() {
			if o.max > 0 && n >= o.max {
				break
			}
			if err := c.printRecord(ctx, dec, r, o); err != nil {
				if ctx.Err() != nil {
					break
				}
				bad++
				fmt.Fprintf(c.stderr, "lab consume: %s partition %d offset %d: %v\n", r.Topic, r.Partition, r.Offset, err)
			}
			n++
			if o.group != "" {
				cl.MarkCommitRecords(r)
			}
		}
	}
	if o.group != "" {
		cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := cl.CommitMarkedOffsets(cctx); err != nil {
			return fmt.Errorf("commit the offsets of group %s: %w", o.group, err)
		}
	}
	if bad > 0 {
		return fmt.Errorf("%d of %d records could not be decoded (see above)", bad, n)
	}
	return nil
}

// checkTopic fails when the topic does not exist, rather than waiting for
// it in silence.
func checkTopic(ctx context.Context, cl *kgo.Client, topic string) error {
	topics, err := listTopics(ctx, cl)
	if err != nil {
		return err
	}
	for _, t := range topics {
		if t == topic {
			return nil
		}
	}
	return fmt.Errorf("topic %q does not exist (lab topics list shows the topics)", topic)
}

// jsonRecord is one record as --json prints it.
type jsonRecord struct {
	Topic         string          `json:"topic"`
	Partition     int32           `json:"partition"`
	Offset        int64           `json:"offset"`
	Timestamp     int64           `json:"timestamp"`
	Key           json.RawMessage `json:"key"`
	KeyFormat     string          `json:"key_format"`
	KeySchemaID   *int            `json:"key_schema_id"`
	Value         json.RawMessage `json:"value"`
	ValueFormat   string          `json:"value_format"`
	ValueSchemaID *int            `json:"value_schema_id"`
	Headers       []jsonHeader    `json:"headers"`
}

type jsonHeader struct {
	Key   string          `json:"key"`
	Value json.RawMessage `json:"value"`
}

func schemaIDPtr(d decoded) *int {
	if d.schemaID == 0 {
		return nil
	}
	id := d.schemaID
	return &id
}

func (c *command) printRecord(ctx context.Context, dec *decoder, r *kgo.Record, o consumeOpts) error {
	val, err := dec.decode(ctx, r.Value)
	if err != nil {
		return fmt.Errorf("value: %w", err)
	}
	var key decoded
	if o.printKey || o.asJSON {
		if key, err = dec.decode(ctx, r.Key); err != nil {
			return fmt.Errorf("key: %w", err)
		}
	}
	if !o.asJSON {
		line := val.plain()
		if o.printKey {
			line = key.plain() + "\t" + line
		}
		_, err := io.WriteString(c.stdout, line+"\n")
		return err
	}
	jr := jsonRecord{
		Topic: r.Topic, Partition: r.Partition, Offset: r.Offset, Timestamp: r.Timestamp.UnixMilli(),
		Key: key.jsonValue(), KeyFormat: key.format, KeySchemaID: schemaIDPtr(key),
		Value: val.jsonValue(), ValueFormat: val.format, ValueSchemaID: schemaIDPtr(val),
		Headers: []jsonHeader{},
	}
	for _, h := range r.Headers {
		hv := decoded{format: fmtString, text: h.Value}
		if h.Value == nil {
			hv.format = fmtNull
		} else if !printable(h.Value) {
			hv.format = fmtBinary
		}
		jr.Headers = append(jr.Headers, jsonHeader{Key: h.Key, Value: hv.jsonValue()})
	}
	b, err := json.Marshal(jr)
	if err != nil {
		return err
	}
	_, err = c.stdout.Write(append(b, '\n'))
	return err
}
