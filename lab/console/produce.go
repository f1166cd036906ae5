package console

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/linkedin/goavro/v2"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/srclient"
)

type produceOpts struct {
	valueSchema, keySchema     string // file names
	valueSchemaID, keySchemaID int
	props                      propList
}

// propList collects repeated --property key=value flags, in the
// console producer's spelling.
type propList map[string]string

func (l propList) String() string { return "" }

func (l propList) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || k == "" {
		return fmt.Errorf("%q: want key=value", s)
	}
	l[k] = v
	return nil
}

func (c *command) produceFlags() (func(context.Context) error, string) {
	o := produceOpts{props: propList{}}
	c.fs.StringVar(&o.valueSchema, "value-schema", "", "Avro schema `file` of the values, registered under TOPIC-value (property value.schema.file)")
	c.fs.IntVar(&o.valueSchemaID, "value-schema-id", 0, "use the registered schema with `id` N for the values (property value.schema.id)")
	c.fs.StringVar(&o.keySchema, "key-schema", "", "Avro schema `file` of the keys, registered under TOPIC-key (property key.schema.file)")
	c.fs.IntVar(&o.keySchemaID, "key-schema-id", 0, "use the registered schema with `id` N for the keys (property key.schema.id)")
	c.fs.Var(o.props, "property", "a console producer `property` key=value, repeatable: parse.key=true, key.separator=SEP (default a tab), value.schema=TEXT, value.schema.file=FILE, value.schema.id=N and the same for key")
	return func(ctx context.Context) error { return c.produce(ctx, o) },
		"produce TOPIC [--value-schema FILE | --value-schema-id N] [--key-schema FILE | --key-schema-id N] [--property parse.key=true] [--property key.separator=SEP]"
}

// avroSide is the schema of the keys or of the values.
type avroSide struct {
	id    int
	codec *goavro.Codec
}

// encode turns one JSON text, in Avro's JSON encoding (unions as
// {"type": value}), into the Confluent wire format.
func (s avroSide) encode(text string) ([]byte, error) {
	native, rest, err := s.codec.NativeFromTextual([]byte(text))
	if err != nil {
		return nil, err
	}
	if r := strings.TrimSpace(string(rest)); r != "" {
		return nil, fmt.Errorf("unexpected %q after the JSON value", r)
	}
	out := make([]byte, 5, 5+len(text))
	binary.BigEndian.PutUint32(out[1:], uint32(s.id))
	return s.codec.BinaryFromNative(out, native)
}

// schemaSource is how a schema was given: text (inline or from a file) or
// a registered id.
func (o produceOpts) schemaSource(side string) (text string, id int, given bool, err error) {
	file, fid := o.valueSchema, o.valueSchemaID
	if side == "key" {
		file, fid = o.keySchema, o.keySchemaID
	}
	var ways []string
	if file != "" {
		ways = append(ways, "--"+side+"-schema")
	}
	if fid != 0 {
		ways = append(ways, "--"+side+"-schema-id")
	}
	if v, ok := o.props[side+".schema"]; ok {
		ways, text = append(ways, side+".schema"), v
	}
	if v, ok := o.props[side+".schema.file"]; ok {
		ways, file = append(ways, side+".schema.file"), v
	}
	if v, ok := o.props[side+".schema.id"]; ok {
		ways = append(ways, side+".schema.id")
		if fid, err = strconv.Atoi(v); err != nil {
			return "", 0, false, usagef("error parsing %s.schema.id as int", side)
		}
	}
	switch {
	case len(ways) == 0:
		return "", 0, false, nil
	case len(ways) > 1:
		return "", 0, false, usagef("the %s schema is given %d ways (%s): give one", side, len(ways), strings.Join(ways, ", "))
	case fid != 0:
		if fid < 0 {
			return "", 0, false, usagef("%s schema id %d: want a positive id", side, fid)
		}
		return "", fid, true, nil
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return "", 0, false, fmt.Errorf("read the %s schema: %w", side, err)
		}
		return string(b), 0, true, nil
	default:
		return text, 0, true, nil
	}
}

// resolve registers text under subject, as the console producer does with
// auto.register.schemas on (its default), or fetches the schema by id.
func resolve(ctx context.Context, reg *srclient.Client, subject, text string, id int) (avroSide, error) {
	if id == 0 {
		var err error
		if id, err = reg.Register(ctx, subject, text); err != nil {
			return avroSide{}, err
		}
	}
	codec, err := reg.Codec(ctx, id)
	if err != nil {
		return avroSide{}, fmt.Errorf("schema %d: %w", id, err)
	}
	return avroSide{id: id, codec: codec}, nil
}

var knownProps = map[string]bool{
	"parse.key": true, "key.separator": true,
	"value.schema": true, "value.schema.file": true, "value.schema.id": true,
	"key.schema": true, "key.schema.file": true, "key.schema.id": true,
}

// produce writes one Avro record per JSON line read on stdin, as
// kafka-avro-console-producer does (schema-registry's
// SchemaMessageReader.readRecords and AvroMessageReader.readFrom): each line
// is a value, or with parse.key=true a key, the separator and a value, in
// Avro's JSON encoding; the schemas are registered under TOPIC-key and
// TOPIC-value. A line that does not fit its schema stops the command: the
// records of the lines before it are written, that line and those after it
// are not, and the error names the line's number.
func (c *command) produce(ctx context.Context, o produceOpts) error {
	if len(c.args) != 1 {
		return usagef("want one TOPIC, got %d arguments", len(c.args))
	}
	topic := c.args[0]
	for k := range o.props {
		if !knownProps[k] {
			return usagef("property %s is not supported (supported: parse.key, key.separator, value.schema[.file|.id], key.schema[.file|.id])", k)
		}
	}
	parseKey := false
	if v, ok := o.props["parse.key"]; ok {
		parseKey = strings.ToLower(strings.TrimSpace(v)) == "true"
	}
	sep := "\t"
	if v, ok := o.props["key.separator"]; ok {
		if v == "" {
			return usagef("key.separator is empty")
		}
		sep = v
	}
	vText, vID, vGiven, err := o.schemaSource("value")
	if err != nil {
		return err
	}
	if !vGiven {
		return usagef("must provide the value schema in either --value-schema FILE, --value-schema-id N, or --property value.schema=TEXT")
	}
	kText, kID, kGiven, err := o.schemaSource("key")
	if err != nil {
		return err
	}
	if parseKey && !kGiven {
		return usagef("parse.key=true: must provide the key schema in either --key-schema FILE, --key-schema-id N, or --property key.schema=TEXT")
	}
	if kGiven && !parseKey {
		return usagef("a key schema is given but the lines hold no key: add --property parse.key=true")
	}
	reg, err := c.ep.registry()
	if err != nil {
		return usageError{err.Error()}
	}
	value, err := resolve(ctx, reg, topic+"-value", vText, vID)
	if err != nil {
		return fmt.Errorf("value schema: %w", err)
	}
	var key avroSide
	if parseKey {
		if key, err = resolve(ctx, reg, topic+"-key", kText, kID); err != nil {
			return fmt.Errorf("key schema: %w", err)
		}
	}

	// A topic that does not exist yet is created by the broker if its
	// auto.create.topics.enable allows, as for the console producer.
	cl, err := kgo.NewClient(c.ep.kafka(kgo.DefaultProduceTopic(topic),
		kgo.ProducerLinger(5*time.Millisecond), kgo.AllowAutoTopicCreation())...)
	if err != nil {
		return fmt.Errorf("kafka client: %w", err)
	}
	defer cl.Close()
	if _, err := listTopics(ctx, cl); err != nil { // the lab answers
		return err
	}

	lines := make(chan string)
	readErr := make(chan error, 1)
	stopRead := make(chan struct{})
	defer close(stopRead)
	go func() {
		sc := bufio.NewScanner(c.stdin)
		sc.Buffer(make([]byte, 64*1024), 16<<20)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-stopRead:
				return
			}
		}
		readErr <- sc.Err()
		close(lines)
	}()

	var (
		mu       sync.Mutex
		firstErr error
		produced int
	)
	lineNo := 0
	var stop error
loop:
	for {
		select {
		case <-ctx.Done():
			stop = errInterrupted
			break loop
		case line, ok := <-lines:
			if !ok {
				if err := <-readErr; err != nil {
					stop = fmt.Errorf("read stdin after line %d: %w", lineNo, err)
				}
				break loop
			}
			lineNo++
			mu.Lock()
			failed := firstErr
			mu.Unlock()
			if failed != nil {
				break loop
			}
			rec := &kgo.Record{}
			valueText := line
			if parseKey {
				k, v, found := strings.Cut(line, sep)
				if !found {
					stop = fmt.Errorf("line %d: no key separator %q found", lineNo, sep)
					break loop
				}
				if rec.Key, err = key.encode(k); err != nil {
					stop = fmt.Errorf("line %d: the key does not fit key schema %d: %w", lineNo, key.id, err)
					break loop
				}
				valueText = v
			}
			if rec.Value, err = value.encode(valueText); err != nil {
				stop = fmt.Errorf("line %d: the value does not fit value schema %d: %w", lineNo, value.id, err)
				break loop
			}
			n := lineNo
			cl.Produce(context.WithoutCancel(ctx), rec, func(_ *kgo.Record, err error) {
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					if firstErr == nil {
						firstErr = fmt.Errorf("line %d: write to %s: %w", n, topic, err)
					}
					return
				}
				produced++
			})
		}
	}
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	flushErr := cl.Flush(fctx)
	mu.Lock()
	defer mu.Unlock()
	noun := "records"
	if produced == 1 {
		noun = "record"
	}
	fmt.Fprintf(c.stderr, "%d %s produced to %s (value schema id %d)\n", produced, noun, topic, value.id)
	switch {
	case firstErr != nil:
		return firstErr
	case flushErr != nil:
		return fmt.Errorf("flush the records: %w", flushErr)
	case stop != nil && !errors.Is(stop, errInterrupted):
		return fmt.Errorf("%w; the %d records before it are written, nothing after", stop, produced)
	}
	return stop
}
