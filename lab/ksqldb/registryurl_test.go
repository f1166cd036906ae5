package ksqldb

import (
	"context"
	"strings"
	"testing"
)

// A ksql.schema.registry.url that is not a URL stops the server at start,
// naming the setting, instead of leaving it to look unconfigured.
func TestInvalidRegistryURLIsRefusedAtStart(t *testing.T) {
	s, err := New(context.Background(), []string{"127.0.0.1:1"}, "localhost:8081")
	if err == nil {
		_ = s.Close()
		t.Fatal("New accepted a registry URL without a scheme")
	}
	if !strings.Contains(err.Error(), "ksql.schema.registry.url") || !strings.Contains(err.Error(), "localhost:8081") {
		t.Fatalf("error %q does not name the setting and its value", err)
	}
}
