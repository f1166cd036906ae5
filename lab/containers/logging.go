package containers

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/testcontainers/testcontainers-go"
	tclog "github.com/testcontainers/testcontainers-go/log"
)

// tcLogger hands testcontainers' Printf messages to slog at debug level.
type tcLogger struct{ l *slog.Logger }

var _ tclog.Logger = tcLogger{}

func (t tcLogger) Printf(format string, v ...any) {
	if !t.l.Enabled(context.Background(), slog.LevelDebug) {
		return
	}
	t.l.Debug(strings.TrimSpace(fmt.Sprintf(format, v...)))
}

// logConsumer hands a container's output to slog at debug level, one record
// per line.
type logConsumer struct{ l *slog.Logger }

var _ testcontainers.LogConsumer = logConsumer{}

func (c logConsumer) Accept(l testcontainers.Log) {
	c.l.Debug(strings.TrimRight(string(l.Content), "\r\n"), "stream", l.LogType)
}
