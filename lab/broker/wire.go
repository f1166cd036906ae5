package broker

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// DefaultSocketRequestMaxBytes is Kafka's socket.request.max.bytes default,
// 100 MiB (SOCKET_REQUEST_MAX_BYTES_DEFAULT in apache/kafka 3.9's
// server/src/main/java/org/apache/kafka/network/SocketServerConfigs.java).
const DefaultSocketRequestMaxBytes = 100 * 1024 * 1024

// errFrameTooLarge is returned to kfake's reader when a request announces
// more bytes than socket.request.max.bytes.
var errFrameTooLarge = errors.New("request larger than socket.request.max.bytes")

// rewriter looks at whole requests of the API keys it wants before kfake
// does, and may change them and the responses kfake gives to them.
type rewriter interface {
	// wants reports whether requests with this API key go to rewrite.
	wants(key int16) bool
	// rewrite receives a request without its size prefix (header and
	// body) and returns the request to hand to kfake, and optionally how
	// to turn kfake's response body (everything after the correlation ID)
	// into the one the client receives.
	rewrite(req []byte) ([]byte, responseFix, error)
}

// responseFix turns kfake's response body into the one the client
// receives. A response with a fix is held until all of it is there; with
// none (apply nil), or when unless reports true as the response begins,
// it passes through as kfake writes it.
type responseFix struct {
	apply  func(resp []byte) ([]byte, error)
	unless func() bool
	// copied says that apply refers to a copy of the request, not to the
	// frame it was read into, which can then go back to its pool
	copied bool
}

// fixing is the fix that applies f, or none for a nil f.
func fixing(f func([]byte) ([]byte, error)) responseFix {
	return responseFix{apply: f}
}

// passes reports whether the response goes to the client as kfake made it.
func (f responseFix) passes() bool {
	return f.apply == nil || f.unless != nil && f.unless()
}

// applyTo is the client's response for kfake's body.
func (f responseFix) applyTo(body []byte) ([]byte, error) {
	if f.passes() {
		return body, nil
	}
	return f.apply(body)
}

// frameConn is the broker side of one client connection. It follows the
// Kafka framing (a 4-byte big-endian size, then that many bytes) in both
// directions so that it can
//
//   - refuse a request whose size exceeds socket.request.max.bytes by
//     closing the connection before anything is allocated for it, as
//     Kafka's NetworkReceive does ("Invalid receive (size = N larger than
//     M)", apache/kafka 3.9
//     clients/src/main/java/org/apache/kafka/common/network/NetworkReceive.java);
//     kfake itself allocates whatever size a client announces;
//   - hand requests of a few API keys to a rewriter, and rewrite kfake's
//     responses to them, matched by correlation ID.
//
// Other frames pass through without being copied.
type frameConn struct {
	net.Conn
	maxRequest int64
	rw         rewriter
	logger     *slog.Logger

	// Read side, used only by kfake's single reader goroutine. in buffers
	// the connection: kfake reads a request's size and then its body, and
	// the frame's head is read here first, which would be three reads of
	// the socket per request.
	in        *bufio.Reader
	ready     []byte // bytes of a rewritten or partly read frame for kfake
	remaining int64  // bytes of the current frame still to pass through
	// head holds the size and API key of a frame that passes through, so
	// that ready needs no buffer of its own for them.
	head [8]byte
	// lent is the frame ready reads from when nothing else holds it (the
	// request passed unchanged and no response fix refers to it); once
	// kfake has read it all, it goes back to the frame pool.
	lent []byte

	mu      sync.Mutex
	pending map[int32][]responseFix // by correlation ID

	// Write side, used only by kfake's single writer goroutine.
	whead []byte // size and correlation ID of the frame being written
	wbody []byte // body of a response that is being rewritten
	wfix  func([]byte) ([]byte, error)
	wsize int64
	wpass int64 // bytes of the current response to pass through
	werr  error

	// sasl is set on a SASL listener: see saslFailure.
	sasl     bool
	saslMech string     // the mechanism of the last SaslHandshake
	saslWait *reqHeader // a SaslAuthenticate not answered yet
}

// frameReadBuffer is the read buffer of a connection: most requests fit
// whole; a bigger one is read past it, straight into its frame.
const frameReadBuffer = 4 << 10

// The frames of rewritable requests come from pools of power-of-two
// capacities, 4 KiB to 2 MiB (a producer's request is at most a megabyte
// by default, max.request.size), so that a busy broker reads its produce
// requests into the same few buffers; a larger frame is left to the
// collector. The pools (sync.Pool) are emptied by garbage collections, so
// an idle broker holds no frames.
const (
	frameMinShift = 12
	frameClasses  = 10
)

var framePools [frameClasses]sync.Pool

// frameClass is the pool of frames of capacity 1<<(frameMinShift+class)
// that holds n bytes, or -1 for a frame too large to pool.
func frameClass(n int) int {
	for c := range frameClasses {
		if n <= 1<<(frameMinShift+c) {
			return c
		}
	}
	return -1
}

// getFrame is a buffer of n bytes for a request, from its pool when one is
// there.
func getFrame(n int) []byte {
	c := frameClass(n)
	if c < 0 {
		return make([]byte, n)
	}
	if b, ok := framePools[c].Get().(*[]byte); ok {
		return (*b)[:n]
	}
	return make([]byte, n, 1<<(frameMinShift+c))
}

// putFrame gives back a frame getFrame handed out, once nothing refers to
// it.
func putFrame(b []byte) {
	c := frameClass(cap(b))
	if c < 0 || cap(b) != 1<<(frameMinShift+c) {
		return
	}
	framePools[c].Put(&b)
}

func newFrameConn(c net.Conn, maxRequest int64, rw rewriter, logger *slog.Logger) *frameConn {
	return &frameConn{Conn: c, in: bufio.NewReaderSize(c, frameReadBuffer), maxRequest: maxRequest, rw: rw, logger: logger, pending: make(map[int32][]responseFix)}
}

func (c *frameConn) Read(p []byte) (int, error) {
	if len(c.ready) > 0 {
		n := copy(p, c.ready)
		c.ready = c.ready[n:]
		if len(c.ready) == 0 {
			// kfake has its own copy: an emptied slice would still keep
			// a frame of up to socket.request.max.bytes alive while the
			// connection waits for its next request. A frame nothing
			// else holds goes back to the pool, for whichever
			// connection reads a request next.
			c.ready = nil
			if c.lent != nil {
				putFrame(c.lent)
				c.lent = nil
			}
		}
		return n, nil
	}
	if c.remaining > 0 {
		if int64(len(p)) > c.remaining {
			p = p[:c.remaining]
		}
		n, err := c.in.Read(p)
		c.remaining -= int64(n)
		return n, err
	}
	if len(p) == 0 {
		return 0, nil
	}
	return c.nextFrame(p)
}

// nextFrame reads the size and API key of the next request, refuses it if
// it is too large, and either rewrites it whole or lets it pass.
func (c *frameConn) nextFrame(p []byte) (int, error) {
	var head [8]byte
	if _, err := io.ReadFull(c.in, head[:4]); err != nil {
		return 0, err
	}
	size := int64(int32(binary.BigEndian.Uint32(head[:4])))
	if size < 0 || size > c.maxRequest {
		c.logger.Warn("closing Kafka connection: invalid receive",
			"remote", c.RemoteAddr().String(), "size", size, "socket.request.max.bytes", c.maxRequest)
		c.Conn.Close()
		return 0, fmt.Errorf("invalid receive (size = %d larger than %d): %w", size, c.maxRequest, errFrameTooLarge)
	}
	if size < 4 || (c.rw == nil && !c.sasl) {
		c.ready = append(c.head[:0], head[:4]...)
		c.remaining = size
		return c.Read(p)
	}
	if _, err := io.ReadFull(c.in, head[4:8]); err != nil {
		return 0, err
	}
	key := int16(binary.BigEndian.Uint16(head[4:6]))
	if c.sasl && (key == 17 || key == 36) {
		return c.saslFrame(p, head, size)
	}
	if c.rw == nil {
		c.ready = append(c.head[:0], head[:8]...)
		c.remaining = size - 4
		return c.Read(p)
	}
	if !c.rw.wants(key) {
		c.ready = append(c.head[:0], head[:8]...)
		c.remaining = size - 4
		return c.Read(p)
	}
	// The request is read behind room for its size, so that a request
	// passed on unchanged (most produce requests) is handed to kfake as it
	// was read, with no second copy.
	frame := getFrame(int(4 + size))
	req := frame[4:]
	copy(req, head[4:8])
	if _, err := io.ReadFull(c.in, req[4:]); err != nil {
		return 0, err
	}
	out, fix, err := c.rw.rewrite(req)
	if err != nil {
		// kfake would not parse it either; let it answer as it does.
		c.logger.Debug("Kafka request not rewritten", "error", err)
		out, fix = req, responseFix{}
	}
	if fix.apply != nil && len(out) >= 8 {
		corr := int32(binary.BigEndian.Uint32(out[4:8]))
		c.mu.Lock()
		c.pending[corr] = append(c.pending[corr], fix)
		c.mu.Unlock()
	}
	if len(out) == len(req) && &out[0] == &req[0] {
		binary.BigEndian.PutUint32(frame, uint32(len(out)))
		c.ready = frame
		if fix.apply == nil || fix.copied {
			c.lent = frame // no response fix refers to the request
		}
		return c.Read(p)
	}
	rewritten := make([]byte, 4, 4+len(out))
	binary.BigEndian.PutUint32(rewritten, uint32(len(out)))
	c.ready = append(rewritten, out...)
	if fix.apply == nil || fix.copied {
		putFrame(frame) // out is copied; nothing refers to the request
	}
	return c.Read(p)
}

func (c *frameConn) Write(p []byte) (int, error) {
	if c.werr != nil {
		return 0, c.werr
	}
	total := len(p)
	for len(p) > 0 {
		switch {
		case c.wpass > 0:
			n := int64(len(p))
			if n > c.wpass {
				n = c.wpass
			}
			if err := c.write(p[:n]); err != nil {
				return 0, err
			}
			c.wpass -= n
			p = p[n:]
		case c.wfix != nil:
			n := c.wsize - int64(len(c.wbody))
			if n > int64(len(p)) {
				n = int64(len(p))
			}
			c.wbody = append(c.wbody, p[:n]...)
			p = p[n:]
			if int64(len(c.wbody)) == c.wsize {
				if err := c.flushFixed(); err != nil {
					return 0, err
				}
			}
		default:
			n := min(8-len(c.whead), len(p))
			c.whead = append(c.whead, p[:n]...)
			p = p[n:]
			if len(c.whead) < 8 {
				continue
			}
			size := int64(binary.BigEndian.Uint32(c.whead[:4])) - 4
			corr := int32(binary.BigEndian.Uint32(c.whead[4:8]))
			c.answered(corr)
			if fix, ok := c.takePending(corr); ok && !fix.passes() {
				c.wfix, c.wsize, c.wbody = fix.apply, size, c.wbody[:0]
				if size == 0 {
					if err := c.flushFixed(); err != nil {
						return 0, err
					}
				}
				continue
			}
			// The head goes out with as much of the body as kfake handed
			// over (usually all of it): one writev, not two writes.
			n = int(min(size, int64(len(p))))
			if err := c.writeHeadAnd(p[:n]); err != nil {
				return 0, err
			}
			c.whead, c.wpass = c.whead[:0], size-int64(n)
			p = p[n:]
		}
	}
	return total, nil
}

// writeHeadAnd writes the response head c.whead followed by body.
func (c *frameConn) writeHeadAnd(body []byte) error {
	if len(body) == 0 {
		return c.write(c.whead)
	}
	bufs := net.Buffers{c.whead, body}
	if _, err := bufs.WriteTo(c.Conn); err != nil {
		c.werr = err
		return err
	}
	return nil
}

func (c *frameConn) takePending(corr int32) (responseFix, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	q := c.pending[corr]
	if len(q) == 0 {
		return responseFix{}, false
	}
	fix := q[0]
	if len(q) == 1 {
		delete(c.pending, corr)
	} else {
		c.pending[corr] = q[1:]
	}
	return fix, true
}

// flushFixed rewrites the buffered response and writes it out. A response
// that cannot be rewritten is written as kfake made it.
func (c *frameConn) flushFixed() error {
	body, err := c.wfix(c.wbody)
	if err != nil {
		c.logger.Warn("Kafka response not rewritten", "error", err)
		body = c.wbody
	}
	out := make([]byte, 8, 8+len(body))
	binary.BigEndian.PutUint32(out[:4], uint32(len(body)+4))
	copy(out[4:8], c.whead[4:8])
	out = append(out, body...)
	c.wfix, c.wbody, c.whead = nil, nil, c.whead[:0]
	return c.write(out)
}

func (c *frameConn) write(p []byte) error {
	for len(p) > 0 {
		n, err := c.Conn.Write(p)
		if err != nil {
			c.werr = err
			return err
		}
		p = p[n:]
	}
	return nil
}

// saslFrame reads a whole SaslHandshake or SaslAuthenticate request,
// remembers what saslFailure needs, and hands the request on unchanged.
func (c *frameConn) saslFrame(p []byte, head [8]byte, size int64) (int, error) {
	req := make([]byte, size)
	copy(req, head[4:8])
	if _, err := io.ReadFull(c.in, req[4:]); err != nil {
		return 0, err
	}
	if h, kreq, err := parseRequest(req); err == nil {
		c.mu.Lock()
		switch r := kreq.(type) {
		case *kmsg.SASLHandshakeRequest:
			c.saslMech = r.Mechanism
		case *kmsg.SASLAuthenticateRequest:
			c.saslWait = &h
		}
		c.mu.Unlock()
	}
	frame := make([]byte, 4, 4+len(req))
	binary.BigEndian.PutUint32(frame, uint32(len(req)))
	c.ready = append(frame, req...)
	return c.Read(p)
}

// answered notes that the response to corr is being written.
func (c *frameConn) answered(corr int32) {
	if !c.sasl {
		return
	}
	c.mu.Lock()
	if c.saslWait != nil && c.saslWait.corr == corr {
		c.saslWait = nil
	}
	c.mu.Unlock()
}

// Close answers a SaslAuthenticate that kfake drops without an answer
// (it closes the connection on wrong credentials) before closing: Kafka
// answers SASL_AUTHENTICATION_FAILED with a message, then closes, so that
// clients report a failed authentication at once instead of retrying a
// dropped connection. The messages are Kafka's: PlainSaslServer's
// "Authentication failed: Invalid username or password" (apache/kafka 3.9
// clients/src/main/java/org/apache/kafka/common/security/plain/internals/PlainSaslServer.java)
// and SaslServerAuthenticator.handleSaslToken's generic one for the other
// mechanisms (clients/src/main/java/org/apache/kafka/common/security/authenticator/SaslServerAuthenticator.java).
func (c *frameConn) Close() error {
	c.mu.Lock()
	wait, mech := c.saslWait, c.saslMech
	c.saslWait = nil
	c.mu.Unlock()
	if wait != nil && c.werr == nil {
		resp := kmsg.NewPtrSASLAuthenticateResponse()
		resp.SetVersion(wait.version)
		resp.ErrorCode = kerr.SaslAuthenticationFailed.Code
		msg := "Authentication failed during authentication due to invalid credentials with SASL mechanism " + mech
		if mech == "PLAIN" {
			msg = "Authentication failed: Invalid username or password"
		}
		resp.ErrorMessage = &msg
		body := appendResponse(resp)
		out := make([]byte, 8, 8+len(body))
		binary.BigEndian.PutUint32(out[:4], uint32(len(body)+4))
		binary.BigEndian.PutUint32(out[4:8], uint32(wait.corr))
		_ = c.Conn.SetWriteDeadline(time.Now().Add(time.Second))
		_, _ = c.Conn.Write(append(out, body...))
	}
	return c.Conn.Close()
}
