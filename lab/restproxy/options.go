package restproxy

import (
	"io"
	"log/slog"
)

// DefaultMaxBodyBytes is the request body limit used unless WithMaxBodyBytes
// overrides it: 16 MiB. Larger bodies are answered with 413.
const DefaultMaxBodyBytes int64 = 16 << 20

// Option configures a Proxy.
type Option func(*config)

type config struct {
	logger       *slog.Logger
	maxBodyBytes int64
}

func defaultConfig() config {
	return config{
		logger:       slog.New(slog.NewTextHandler(io.Discard, nil)),
		maxBodyBytes: DefaultMaxBodyBytes,
	}
}

// WithLogger sets the logger, overriding the default that discards everything.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) {
		if l != nil {
			c.logger = l
		}
	}
}

// WithMaxBodyBytes limits the size of request bodies, overriding the default
// of DefaultMaxBodyBytes (16 MiB). Values below 1 keep the default.
func WithMaxBodyBytes(n int64) Option {
	return func(c *config) {
		if n > 0 {
			c.maxBodyBytes = n
		}
	}
}
