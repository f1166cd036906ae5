package broker

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"log/slog"
	"net"
	"slices"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// FuzzRewriteNeverPanics feeds arbitrary requests to the protocol layer
// and arbitrary responses to whatever fix it returns: a client's bytes
// must not take the broker down.
func FuzzRewriteNeverPanics(f *testing.F) {
	for _, req := range []kmsg.Request{
		metadataRequest(12, true, "__consumer_offsets", "bad topic", "ok"),
		metadataRequest(0, true),
		&kmsg.ApiVersionsRequest{Version: 3, ClientSoftwareName: "a", ClientSoftwareVersion: "1"},
		&kmsg.CreateTopicsRequest{Version: 5, Topics: []kmsg.CreateTopicsRequestTopic{{Topic: "a b", NumPartitions: 1, ReplicationFactor: 1}}},
		&kmsg.ProduceRequest{Version: 7, Acks: -1, Topics: []kmsg.ProduceRequestTopic{{Topic: "t", Partitions: []kmsg.ProduceRequestTopicPartition{{Records: make([]byte, 70)}}}}},
	} {
		f.Add(kmsg.NewRequestFormatter().AppendRequest(nil, req, 1)[4:], []byte{0, 0, 0, 0})
	}
	f.Add(requestBytes(fetchAt([16]byte{1}, 0)), []byte{0, 0, 0, 0})
	starts, err := loadLogStarts(f.TempDir())
	if err != nil {
		f.Fatal(err)
	}
	starts.moved("t", [16]byte{1}, 0, 0, 1) // Fetch is rewritten and guarded
	p := &protocol{autoCreate: true, legacy: map[string]bool{}, codecs: &topicCodecs{}, starts: starts}
	f.Fuzz(func(t *testing.T, req, resp []byte) {
		if len(req) < 2 || !p.wants(int16(binary.BigEndian.Uint16(req))) {
			return
		}
		_, fix, err := p.rewrite(req)
		if err == nil && fix.apply != nil {
			_, _ = fix.apply(resp)
		}
	})
}

// FuzzFrameConnPassesFramesThrough writes arbitrary bytes as a client and
// checks the broker side either reads them unchanged or is closed, and
// never panics.
func FuzzFrameConnPassesFramesThrough(f *testing.F) {
	f.Add([]byte{0, 0, 0, 4, 0, 1, 0, 4})
	f.Add([]byte{0xFF, 0xFF, 0xFF, 0xF0, 1, 2, 3})
	f.Add([]byte{0, 0, 0, 2, 0, 1})
	f.Fuzz(func(t *testing.T, in []byte) {
		client, server := net.Pipe()
		fc := newFrameConn(server, 1<<16, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
		go func() {
			_, _ = client.Write(in)
			client.Close()
		}()
		_ = fc.SetReadDeadline(time.Now().Add(2 * time.Second))
		got, _ := io.ReadAll(fc)
		fc.Close()
		if !bytes.HasPrefix(in, got) {
			t.Fatalf("read %x, not a prefix of what was sent %x", got, in)
		}
	})
}

// FuzzRecompressBatchNeverPanics: any produced bytes either pass, are
// rewritten into a batch with a valid CRC, or are refused with an error.
func FuzzRecompressBatchNeverPanics(f *testing.F) {
	f.Add(make([]byte, 61), int8(1))
	f.Fuzz(func(t *testing.T, batch []byte, codec int8) {
		if codec < 0 || codec > 4 {
			return
		}
		out, err := recompressBatch(batch, codec, 1<<20, defaultMaxMessageBytes, false)
		if err != nil || out == nil {
			return
		}
		var rb kmsg.RecordBatch
		if err := rb.ReadFrom(out); err != nil {
			t.Fatalf("rewritten batch does not parse: %v", err)
		}
		if int8(rb.Attributes&0x07) != codec {
			t.Fatalf("rewritten batch has codec %d, want %d", rb.Attributes&0x07, codec)
		}
	})
}

// FuzzRewriteRecordsKeepsTheRecords feeds arbitrary decompressed record
// streams, compressed in each codec, through the broker's record walk: a
// stream is either refused with one of Kafka's answers or rewritten in the
// target codec to exactly the same records, within the bounds.
func FuzzRewriteRecordsKeepsTheRecords(f *testing.F) {
	var two []byte
	for i, v := range []string{"a", "Clark/Lake"} {
		var body []byte
		body = append(body, 0)
		body = binary.AppendVarint(body, 0)
		body = binary.AppendVarint(body, int64(i))
		body = binary.AppendVarint(body, 1)
		body = append(body, 'k')
		body = binary.AppendVarint(body, int64(len(v)))
		body = append(body, v...)
		body = binary.AppendVarint(body, 1) // one header
		body = binary.AppendVarint(body, 1)
		body = append(body, 'h')
		body = binary.AppendVarint(body, -1)
		two = binary.AppendVarint(two, int64(len(body)))
		two = append(two, body...)
	}
	if _, err := rewriteRecords(two, 0, 4, 2, 1<<20, 1<<20); err != nil {
		f.Fatalf("the seed's two records are refused: %v", err)
	}
	for from := int8(0); from <= 4; from++ {
		f.Add(two, from, int8(4-from), int32(2))
	}
	f.Add(make([]byte, 64), int8(1), int8(0), int32(1))
	f.Fuzz(func(t *testing.T, raw []byte, from, to int8, n int32) {
		from, to = ((from%5)+5)%5, ((to%5)+5)%5
		codec, err := kgo.DefaultCompressor(codecOf(from))
		if err != nil {
			t.Fatal(err)
		}
		compressed := raw
		if from != 0 {
			out, used := codec.Compress(new(bytes.Buffer), raw)
			if int8(used) != from {
				t.Skip("codec declined the input")
			}
			compressed = append([]byte(nil), out...)
		}
		const maxIn, maxOut = 1 << 20, 1 << 20
		out, err := rewriteRecords(compressed, from, to, n, maxIn, maxOut)
		if err != nil {
			if code := errorCode(err); code != kerrInvalidRecord && code != kerrMessageTooLarge && code != kerrUnknownServerError {
				t.Fatalf("error %v answers code %d", err, code)
			}
			return
		}
		if len(raw) > maxIn || len(out) > maxOut {
			t.Fatalf("accepted %d bytes of records rewritten to %d, past the bounds", len(raw), len(out))
		}
		back, err := kgo.DefaultDecompressor().Decompress(out, kgo.CompressionCodecType(to))
		if err != nil {
			t.Fatalf("rewritten records do not decompress in codec %d: %v", to, err)
		}
		if !bytes.Equal(back, raw) {
			t.Fatalf("rewritten records differ: %x, want %x", back, raw)
		}
	})
}

func codecOf(c int8) kgo.CompressionCodec {
	switch c {
	case 1:
		return kgo.GzipCompression()
	case 2:
		return kgo.SnappyCompression()
	case 3:
		return kgo.Lz4Compression()
	case 4:
		return kgo.ZstdCompression()
	}
	return kgo.NoCompression()
}

// The in-memory walk of uncompressed records (the produce hot path) and
// the streaming walk of decompressed records agree on every input: both
// accept it or both refuse it, and they find the same keyless records.
func FuzzPlainWalkAgreesWithTheStreamWalk(f *testing.F) {
	two := appendRecord(appendRecord(nil, 0, []byte("a")), 1, []byte("b"))
	f.Add(two, int32(2))
	f.Add(two, int32(3))
	f.Add(two[:len(two)-1], int32(2))
	f.Add(appendKeyedRecord(nil, 0, []byte("k"), nil), int32(1))
	f.Fuzz(func(t *testing.T, records []byte, n int32) {
		var plain, stream []int32
		perr := walkPlainRecords(records, n, func(i int32) { plain = append(plain, i) })
		_, serr := rewriteRecordsNoting(records, 0, -1, n, 1<<20, 0, func(i int32) { stream = append(stream, i) })
		if (perr == nil) != (serr == nil) {
			t.Fatalf("in memory: %v; streaming: %v", perr, serr)
		}
		if perr == nil && !slices.Equal(plain, stream) {
			t.Fatalf("keyless records: in memory %v, streaming %v", plain, stream)
		}
		if perr != nil && !errors.Is(perr, errInvalidRecord) {
			t.Fatalf("in memory: %v, want an invalid record", perr)
		}
	})
}
