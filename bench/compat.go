package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/ctalab/ctalab/lab/broker"
	"github.com/ctalab/ctalab/lab/registry"
)

// compatResult is one run of the large-union compatibility row.
type compatResult struct {
	Branches int     `json:"branches"`
	Status   int     `json:"status"` // the registry's answer to the second registration
	Seconds  float64 `json:"seconds"`
}

// largeUnion is a union of n one-field records R0..R(n-1).
func largeUnion(n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf(`{"type":"record","name":"R%d","fields":[{"name":"f","type":"int"}]}`, i)
	}
	return "[" + strings.Join(parts, ",") + "]"
}

// compatCheck registers a 5,000-branch union, then times the registration
// of a 4,999-branch one under the same subject: the registry checks it
// against the first (BACKWARD, the default) before answering. The stack is
// a broker and the Schema Registry stand-in in this process, over HTTP.
func compatCheck(ctx context.Context) (compatResult, error) {
	const branches = 5000
	b, err := broker.Start(ctx)
	if err != nil {
		return compatResult{}, err
	}
	defer func() { _ = b.Close() }()
	reg, err := registry.New(ctx, b.Addrs())
	if err != nil {
		return compatResult{}, err
	}
	defer func() { _ = reg.Close() }()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return compatResult{}, err
	}
	srv := &http.Server{Handler: reg, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer func() { _ = srv.Close() }()
	url := "http://" + ln.Addr().String() + "/subjects/bench-union-value/versions"
	post := func(schema string) (int, error) {
		body, _ := json.Marshal(map[string]string{"schema": schema})
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			return 0, err
		}
		req.Header.Set("Content-Type", "application/vnd.schemaregistry.v1+json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		_, _ = io.Copy(io.Discard, resp.Body)
		return resp.StatusCode, nil
	}
	if st, err := post(largeUnion(branches)); err != nil {
		return compatResult{}, fmt.Errorf("register the %d-branch union: %w", branches, err)
	} else if st != http.StatusOK {
		return compatResult{}, fmt.Errorf("register the %d-branch union: status %d", branches, st)
	}
	begin := time.Now()
	st, err := post(largeUnion(branches - 1))
	if err != nil {
		return compatResult{}, fmt.Errorf("register the %d-branch union: %w", branches-1, err)
	}
	// Dropping a branch is not BACKWARD compatible: the answer is 409.
	if st != http.StatusConflict && st != http.StatusOK {
		return compatResult{}, fmt.Errorf("register the %d-branch union: status %d", branches-1, st)
	}
	return compatResult{Branches: branches, Status: st, Seconds: time.Since(begin).Seconds()}, nil
}
