package retry

import (
	"context"
	"math/rand/v2"
	"time"
)

// Default backoff bounds: the first retry comes quickly, and a long outage
// is probed every few seconds.
const (
	DefaultInitial = 100 * time.Millisecond
	DefaultMax     = 5 * time.Second
)

// Backoff is a capped exponential backoff with jitter. The zero value uses
// DefaultInitial and DefaultMax. It is not safe for concurrent use.
type Backoff struct {
	// Initial is the first wait's upper bound; each failure doubles it.
	Initial time.Duration
	// Max caps the wait.
	Max time.Duration

	attempt int
}

// Next returns the wait before the next attempt: a random duration in
// [d/2, d], where d doubles from Initial with each call up to Max. The jitter
// keeps clients that failed together from retrying together.
func (b *Backoff) Next() time.Duration {
	initial, limit := b.Initial, b.Max
	if initial <= 0 {
		initial = DefaultInitial
	}
	if limit <= 0 {
		limit = DefaultMax
	}
	if limit < initial {
		limit = initial
	}
	d := initial
	for i := 0; i < b.attempt && d < limit; i++ {
		d *= 2
	}
	d = min(d, limit)
	b.attempt++
	half := d / 2
	return half + rand.N(d-half+1)
}

// Reset starts the sequence again from Initial, after a success.
func (b *Backoff) Reset() { b.attempt = 0 }

// Sleep waits for d or until ctx ends; it returns ctx's error in that case.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
