package broker

import (
	"bytes"
	"encoding/binary"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

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
	p := &protocol{autoCreate: true, legacy: map[string]bool{}, codecs: &topicCodecs{}}
	f.Fuzz(func(t *testing.T, req, resp []byte) {
		if len(req) < 2 || !p.wants(int16(binary.BigEndian.Uint16(req))) {
			return
		}
		_, fix, err := p.rewrite(req)
		if err == nil && fix != nil {
			_, _ = fix(resp)
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
		out, err := recompressBatch(batch, codec)
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
