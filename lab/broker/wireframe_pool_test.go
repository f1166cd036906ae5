package broker

import (
	"bytes"
	"log/slog"
	"net"
	"testing"
	"time"
	"unsafe"
)

// fixAll wants produce requests, hands them on unchanged and answers each
// with a response fix that holds the request, as the protocol layer's
// fixes hold the parsed request (whose record bytes point into the frame).
type fixAll struct{ held [][]byte }

func (*fixAll) wants(key int16) bool { return key == 0 }

func (f *fixAll) rewrite(req []byte) ([]byte, responseFix, error) {
	f.held = append(f.held, req)
	return req, fixing(func(b []byte) ([]byte, error) { return b, nil }), nil
}

// A request that a response fix refers to keeps its bytes while later
// requests are read: its frame is not handed out again.
func TestARequestAFixHoldsIsNotOverwrittenByTheNextRequest(t *testing.T) {
	client, server := net.Pipe()
	t.Cleanup(func() { client.Close(); server.Close() })
	rw := &fixAll{}
	c := newFrameConn(server, DefaultSocketRequestMaxBytes, rw, slog.New(slog.DiscardHandler))
	var sent [][]byte
	for i := range 20 {
		sent = append(sent, frame(3000, byte('a'+i)))
	}
	go func() {
		_ = client.SetWriteDeadline(time.Now().Add(10 * time.Second))
		for _, f := range sent {
			_, _ = client.Write(f)
		}
	}()
	for i := range sent {
		if got := kfakeRead(t, c); !bytes.Equal(got, sent[i]) {
			t.Fatalf("request %d reached kfake changed", i)
		}
	}
	for i, req := range rw.held {
		if !bytes.Equal(req, sent[i][4:]) {
			t.Errorf("request %d, held by its response fix, was overwritten", i)
		}
	}
}

// Requests handed on unchanged, with no fix, are read into frames used
// before: a busy connection does not allocate a frame per request. (The
// pool may drop a frame, as the race detector's build does on purpose:
// most are reused, not all.)
func TestRequestsNothingHoldsAreReadIntoFramesUsedBefore(t *testing.T) {
	client, server := net.Pipe()
	t.Cleanup(func() { client.Close(); server.Close() })
	rw := &recordFrames{}
	c := newFrameConn(server, DefaultSocketRequestMaxBytes, rw, slog.New(slog.DiscardHandler))
	const n = 50
	go func() {
		_ = client.SetWriteDeadline(time.Now().Add(10 * time.Second))
		for i := range n {
			_, _ = client.Write(frame(3000, byte('a'+i%26)))
		}
	}()
	for i := range n {
		if got := kfakeRead(t, c); !bytes.Equal(got, frame(3000, byte('a'+i%26))) {
			t.Fatalf("request %d reached kfake changed", i)
		}
	}
	if len(rw.seen) > n/2 {
		t.Errorf("%d requests were read into %d distinct frames; want most of them reused", n, len(rw.seen))
	}
}

// recordFrames hands requests on unchanged and counts the distinct
// buffers they were read into.
type recordFrames struct{ seen map[uintptr]bool }

func (*recordFrames) wants(key int16) bool { return key == 0 }

func (r *recordFrames) rewrite(req []byte) ([]byte, responseFix, error) {
	if r.seen == nil {
		r.seen = map[uintptr]bool{}
	}
	r.seen[uintptr(unsafe.Pointer(&req[0]))] = true
	return req, responseFix{}, nil
}
