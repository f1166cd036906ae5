package srclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

const recordSchema = `{"type":"record","name":"r","fields":[{"name":"a","type":"int"}]}`

// fakeRegistry answers the requests of Confluent's REST API that the
// client makes, with the bodies the API reference documents
// (https://docs.confluent.io/platform/7.9/schema-registry/develop/api.html),
// and counts them by method and path.
func fakeRegistry(t *testing.T, release <-chan struct{}) (*httptest.Server, *requests) {
	t.Helper()
	counts := &requests{m: map[string]int64{}}
	count := func(r *http.Request) {
		counts.mu.Lock()
		defer counts.mu.Unlock()
		counts.m[r.Method+" "+r.URL.Path]++
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		count(r)
		w.Header().Set("Content-Type", "application/vnd.schemaregistry.v1+json")
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/subjects/t-value/versions":
			_, _ = io.Copy(io.Discard, r.Body)
			fmt.Fprint(w, `{"id":7}`)
		case r.Method == http.MethodGet && r.URL.Path == "/schemas/ids/7":
			if release != nil {
				<-release
			}
			fmt.Fprintf(w, `{"schema":%q}`, recordSchema)
		case r.Method == http.MethodGet && r.URL.Path == "/schemas/ids/8":
			fmt.Fprint(w, `{"schemaType":"JSON","schema":"{}"}`)
		case r.Method == http.MethodGet && r.URL.Path == "/schemas/ids/9":
			fmt.Fprint(w, `{"schema":"{\"type\":\"nonsense\"}"}`)
		default:
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"error_code":40403,"message":"Schema not found"}`)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, counts
}

// requests counts the requests a fake registry answered, by method and path.
type requests struct {
	mu sync.Mutex
	m  map[string]int64
}

func n(r *requests, k string) int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.m[k]
}

func TestRegisterAsksTheRegistryOncePerSchemaAndSubject(t *testing.T) {
	srv, counts := fakeRegistry(t, nil)
	c, err := New(srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for range 3 {
		id, err := c.Register(ctx, "t-value", recordSchema)
		if err != nil || id != 7 {
			t.Fatalf("Register = %d, %v; want 7", id, err)
		}
	}
	if got := n(counts, "POST /subjects/t-value/versions"); got != 1 {
		t.Fatalf("%d registrations sent, want 1", got)
	}
	// The registered schema's codec is known without a fetch.
	if _, err := c.Codec(ctx, 7); err != nil {
		t.Fatal(err)
	}
	if got := n(counts, "GET /schemas/ids/7"); got != 0 {
		t.Fatalf("%d fetches of a schema this client registered, want 0", got)
	}
}

func TestConcurrentCodecRequestsFetchOnce(t *testing.T) {
	release := make(chan struct{})
	srv, counts := fakeRegistry(t, release)
	c, err := New(srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 16 {
		wg.Go(func() {
			_, err := c.Codec(ctx, 7)
			errs <- err
		})
	}
	// Hold the one fetch until it has arrived, so that every caller waits
	// for it rather than finding the codec cached.
	for n(counts, "GET /schemas/ids/7") == 0 {
		time.Sleep(time.Millisecond)
	}
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := n(counts, "GET /schemas/ids/7"); got != 1 {
		t.Fatalf("%d fetches for 16 concurrent callers, want 1", got)
	}
}

func TestRefusalsKeepTheRegistrysStatusCodeAndMessage(t *testing.T) {
	srv, _ := fakeRegistry(t, nil)
	c, err := New(srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Codec(context.Background(), 404)
	var re *Error
	if !errors.As(err, &re) || re.StatusCode != 404 || re.ErrorCode != 40403 || re.Message != "Schema not found" || !IsNotFound(err) {
		t.Fatalf("Codec of an unknown id: %v (%#v)", err, re)
	}
	if !strings.Contains(err.Error(), "404 Schema not found (error 40403)") {
		t.Errorf("error text %q does not give the status, message and code", err)
	}
	if _, err := c.Codec(context.Background(), 8); !errors.Is(err, ErrNotAvro) {
		t.Errorf("Codec of a JSON schema: %v, want ErrNotAvro", err)
	}
	if _, err := c.Codec(context.Background(), 9); !errors.Is(err, ErrUnparsable) {
		t.Errorf("Codec of an unparsable schema: %v, want ErrUnparsable", err)
	}
	if _, err := New("localhost:8081", nil); err == nil {
		t.Error("New accepted a URL without a scheme")
	}
}
