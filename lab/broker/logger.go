package broker

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/twmb/franz-go/pkg/kfake"
)

// slogBridge passes kfake's warnings and errors to slog and drops its
// request-level info and debug chatter.
type slogBridge struct{ l *slog.Logger }

func (b slogBridge) Logf(level kfake.LogLevel, msg string, args ...any) {
	var sl slog.Level
	switch level {
	case kfake.LogLevelError:
		sl = slog.LevelError
	case kfake.LogLevelWarn:
		sl = slog.LevelWarn
	default:
		return
	}
	if !b.l.Enabled(context.Background(), sl) {
		return
	}
	b.l.Log(context.Background(), sl, fmt.Sprintf(msg, args...), "component", "kfake")
}
