package broker

import (
	"bytes"
	"encoding/binary"
	"io"
	"log/slog"
	"net"
	"runtime"
	"testing"
	"time"
	"weak"
)

// passThrough wants produce requests and hands them on unchanged, as the
// protocol layer does with most of them; it remembers the last one it saw.
type passThrough struct{ last weak.Pointer[byte] }

func (*passThrough) wants(key int16) bool { return key == 0 }

func (p *passThrough) rewrite(req []byte) ([]byte, responseFix, error) {
	p.last = weak.Make(&req[0])
	return req, responseFix{}, nil
}

// frame is a request of API key 0 with a body of n bytes, framed as on the
// wire: its size, then the key, version and correlation ID, then the body.
func frame(n int, fill byte) []byte {
	out := make([]byte, 4, 12+n)
	binary.BigEndian.PutUint32(out, uint32(8+n))
	out = append(out, 0, 0, 0, 9, 0, 0, 0, 1)
	return append(out, bytes.Repeat([]byte{fill}, n)...)
}

// kfakeRead reads one request as kfake's connection reader does: its size,
// then a body of its own of that size.
func kfakeRead(t *testing.T, r io.Reader) []byte {
	t.Helper()
	var size [4]byte
	if _, err := io.ReadFull(r, size[:]); err != nil {
		t.Fatalf("read size: %v", err)
	}
	body := make([]byte, binary.BigEndian.Uint32(size[:]))
	if _, err := io.ReadFull(r, body); err != nil {
		t.Fatalf("read body: %v", err)
	}
	return append(size[:], body...)
}

// A produce request the protocol layer hands on whole is read into a frame
// of its own, and kfake copies it into its own buffer: once kfake has read
// it, the connection no longer holds the frame, so an idle connection keeps
// no request of up to a megabyte alive.
func TestAConnectionLetsGoOfARequestKfakeHasRead(t *testing.T) {
	client, server := net.Pipe()
	t.Cleanup(func() { client.Close(); server.Close() })
	rw := &passThrough{}
	c := newFrameConn(server, DefaultSocketRequestMaxBytes, rw, slog.New(slog.DiscardHandler))

	big, small := frame(512<<10, 'a'), frame(16, 'b')
	go func() {
		_ = client.SetWriteDeadline(time.Now().Add(10 * time.Second))
		_, _ = client.Write(big)
		_, _ = client.Write(small)
	}()
	if got := kfakeRead(t, c); !bytes.Equal(got, big) {
		t.Fatalf("kfake read %d bytes that differ from the %d-byte request sent", len(got), len(big))
	}
	runtime.GC()
	runtime.GC()
	if rw.last.Value() != nil {
		t.Error("the connection still holds the request kfake has read")
	}
	if got := kfakeRead(t, c); !bytes.Equal(got, small) {
		t.Errorf("the request after it reached kfake as %q, want %q", got, small)
	}
	runtime.KeepAlive(c)
}

// guarded hands requests on with a fix that is not needed by the time
// kfake answers (as a fetch with no cleaning in between); applied counts
// the responses the fix was run on.
type guarded struct{ applied int }

func (*guarded) wants(key int16) bool { return key == 0 }

func (g *guarded) rewrite(req []byte) ([]byte, responseFix, error) {
	return req, responseFix{
		apply:  func(b []byte) ([]byte, error) { g.applied++; return b, nil },
		unless: func() bool { return true },
	}, nil
}

// A response whose fix is not needed reaches the client as kfake writes
// it, part by part: the connection does not hold it until it is whole.
func TestAResponseWhoseFixIsNotNeededIsNotHeldBack(t *testing.T) {
	client, server := net.Pipe()
	t.Cleanup(func() { client.Close(); server.Close() })
	rw := &guarded{}
	c := newFrameConn(server, DefaultSocketRequestMaxBytes, rw, slog.New(slog.DiscardHandler))
	go func() {
		_ = client.SetWriteDeadline(time.Now().Add(10 * time.Second))
		_, _ = client.Write(frame(16, 'a'))
	}()
	kfakeRead(t, c) // correlation ID 1

	body := bytes.Repeat([]byte{'r'}, 1000)
	resp := binary.BigEndian.AppendUint32(nil, uint32(4+len(body)))
	resp = binary.BigEndian.AppendUint32(resp, 1)
	resp = append(resp, body...)
	firstRead, wrote := make(chan struct{}), make(chan error, 1)
	go func() {
		if _, err := c.Write(resp[:500]); err != nil {
			wrote <- err
			return
		}
		<-firstRead // the rest is written only once the client has the first part
		_, err := c.Write(resp[500:])
		wrote <- err
	}()
	_ = client.SetReadDeadline(time.Now().Add(10 * time.Second))
	got := make([]byte, len(resp))
	if _, err := io.ReadFull(client, got[:500]); err != nil {
		t.Fatalf("the first part of the response did not reach the client before the rest was written: %v", err)
	}
	close(firstRead)
	if _, err := io.ReadFull(client, got[500:]); err != nil {
		t.Fatal(err)
	}
	if err := <-wrote; err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, resp) {
		t.Error("the response reached the client changed")
	}
	if rw.applied != 0 {
		t.Errorf("the fix ran on %d responses, want none", rw.applied)
	}
}
