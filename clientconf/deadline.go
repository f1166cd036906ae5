package clientconf

import (
	"context"
	"net"
	"sync"
	"time"
)

// coalescingConn is a connection that moves its read deadline later only
// when the move is worth it. kafka-go's Reader sets a read deadline of now
// plus its ReadBatchTimeout (10 s) before each message it takes from a
// fetched batch (kafka-go v0.4.51, (*reader).read), and each one re-arms the
// runtime's network poller timer: the dashboard reading a replay's
// TURNSTILE_SUMMARY did so half a million times, 3 % of the replay's CPU.
//
// A requested deadline later than the one in force by no more than an
// eighth of the time that one has left is not applied, so a read may time
// out up to an eighth of its wait earlier than asked, never later. An
// earlier deadline, and none (the zero time), is applied at once, as are
// write deadlines and SetDeadline.
type coalescingConn struct {
	net.Conn
	mu      sync.Mutex
	inForce time.Time // the read deadline the socket has
}

// SetReadDeadline sets the read deadline unless the one in force is close
// enough below it (see coalescingConn).
func (c *coalescingConn) SetReadDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !t.IsZero() && !c.inForce.IsZero() && !t.Before(c.inForce) &&
		t.Sub(c.inForce) <= time.Until(c.inForce)/8 {
		return nil
	}
	if err := c.Conn.SetReadDeadline(t); err != nil {
		return err
	}
	c.inForce = t
	return nil
}

// SetDeadline sets both deadlines, the read one as asked.
func (c *coalescingConn) SetDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.Conn.SetDeadline(t); err != nil {
		return err
	}
	c.inForce = t
	return nil
}

// dialCoalescing dials as kafka-go's Dialer does without a DialFunc, and
// wraps the connection in a coalescingConn (beneath TLS, which kafka-go
// adds on top and which passes deadlines down).
func dialCoalescing(ctx context.Context, network, address string) (net.Conn, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, network, address)
	if err != nil {
		return nil, err
	}
	return &coalescingConn{Conn: conn}, nil
}
