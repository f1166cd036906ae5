package broker

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
)

func TestLoggerBridgeKeepsWarningsAndErrors(t *testing.T) {
	var buf bytes.Buffer
	l := slogBridge{slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	l.Logf(kfake.LogLevelDebug, "debug %d", 1)
	l.Logf(kfake.LogLevelInfo, "info %d", 2)
	l.Logf(kfake.LogLevelWarn, "warn %d", 3)
	l.Logf(kfake.LogLevelError, "error %d", 4)
	out := buf.String()
	if strings.Contains(out, "debug 1") || strings.Contains(out, "info 2") {
		t.Fatalf("bridge passed debug/info messages:\n%s", out)
	}
	if !strings.Contains(out, `level=WARN msg="warn 3"`) || !strings.Contains(out, `level=ERROR msg="error 4"`) {
		t.Fatalf("bridge lost warnings or errors:\n%s", out)
	}
}
