package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"time"

	. "github.com/onsi/ginkgo/v2" //nolint:revive // Ginkgo's DSL
	. "github.com/onsi/gomega"    //nolint:revive // Gomega's DSL
	"github.com/segmentio/kafka-go"

	"github.com/ctalab/ctalab/lab/stack"
)

// call sends a request with a JSON body (none when body is "") and returns
// the status and the body.
func call(ctx context.Context, method, url, contentType, body string) (int, []byte) {
	GinkgoHelper()
	var r io.Reader
	if body != "" {
		r = bytes.NewBufferString(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, r)
	Expect(err).NotTo(HaveOccurred())
	if body != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	Expect(err).NotTo(HaveOccurred(), "%s %s", method, url)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	Expect(err).NotTo(HaveOccurred())
	return resp.StatusCode, b
}

// callJSON is call with the answer decoded, expecting status want.
func callJSON(ctx context.Context, method, url, body string, want int) map[string]any {
	GinkgoHelper()
	status, b := call(ctx, method, url, "application/json", body)
	Expect(status).To(Equal(want), "%s %s: %s", method, url, b)
	var m map[string]any
	Expect(json.Unmarshal(b, &m)).To(Succeed(), "%s %s: %s", method, url, b)
	return m
}

// endOffsetOrZero is the end offset of partition 0, or zero while the topic
// does not exist yet.
func endOffsetOrZero(ctx context.Context, e stack.Endpoints, topic string) int64 {
	resp, err := newClient(e).ListOffsets(ctx, &kafka.ListOffsetsRequest{Topics: map[string][]kafka.OffsetRequest{topic: {kafka.LastOffsetOf(0)}}})
	if err != nil || len(resp.Topics[topic]) != 1 || resp.Topics[topic][0].Error != nil {
		return 0
	}
	return resp.Topics[topic][0].LastOffset
}

// readAll waits until partition 0 of topic holds n records and returns them.
func readAll(ctx context.Context, e stack.Endpoints, topic string, n int) []kafka.Message {
	GinkgoHelper()
	Eventually(ctx, func(ctx context.Context) int64 { return endOffsetOrZero(ctx, e, topic) }).
		WithPolling(100*time.Millisecond).Should(BeNumerically(">=", n), "records on %s", topic)
	r := kafka.NewReader(kafka.ReaderConfig{Brokers: e.Brokers, Topic: topic, MaxWait: 100 * time.Millisecond})
	defer func() { _ = r.Close() }() // no group: closing loses nothing
	var out []kafka.Message
	for len(out) < n {
		m, err := r.ReadMessage(ctx)
		Expect(err).NotTo(HaveOccurred(), "read %s", topic)
		out = append(out, m)
	}
	return out
}

func values(msgs []kafka.Message) []string {
	var out []string
	for _, m := range msgs {
		out = append(out, string(m.Value))
	}
	return out
}

func keys(msgs []kafka.Message) []string {
	var out []string
	for _, m := range msgs {
		out = append(out, string(m.Key))
	}
	return out
}
