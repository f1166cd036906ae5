package console

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// Ctrl-C is how a console consumer is ended: what was printed stays, the
// count is said on stderr, exit 0.
func TestConsumeEndsAtCtrlCWithTheCountAndExitZero(t *testing.T) {
	topic := newTopic(t)
	produceRaw(t, topic, &kgo.Record{Value: []byte("one")}, &kgo.Record{Value: []byte("two")})
	ctx, cancel := context.WithCancel(timeout(t))
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, "consume", []string{topic, "--from-beginning", "--brokers", lab.brokers, "--schema-registry", lab.registry}, strings.NewReader(""), &out, &errb)
	}()
	deadline := time.Now().Add(time.Minute)
	for out.String() != "one\ntwo\n" {
		if time.Now().After(deadline) {
			t.Fatalf("stdout %q after a minute; stderr %q", out.String(), errb.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if code := <-done; code != 0 || errb.String() != "Processed a total of 2 messages\n" {
		t.Errorf("exit %d, stderr %q; want 0 and the count", code, errb.String())
	}
}

// Ctrl-C while produce waits for more lines writes what it has read,
// says how many, and exits 130.
func TestProduceInterruptedWritesWhatItReadAndExits130(t *testing.T) {
	topic := newTopic(t)
	pr, pw := io.Pipe()
	defer pw.Close()
	ctx, cancel := context.WithCancel(timeout(t))
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, "produce", []string{topic, "--value-schema", writeFile(t, "v.avsc", turnstileValueSchema), "--brokers", lab.brokers, "--schema-registry", lab.registry}, pr, &out, &errb)
	}()
	if _, err := io.WriteString(pw, `{"station_id":1,"station_name":"a","line":"blue"}`+"\n"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Minute)
	for endOffset(t, topic) != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("the line was not produced; stderr %q", errb.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	code := <-done
	if code != 130 || !strings.Contains(errb.String(), "1 record produced to "+topic) || !strings.HasSuffix(errb.String(), "lab produce: interrupted\n") {
		t.Errorf("exit %d, stderr %q; want 130, the count and \"interrupted\"", code, errb.String())
	}
}
