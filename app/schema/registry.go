package schema

import (
	"context"
	"fmt"
	"net/http"

	"github.com/ctalab/ctalab/srclient"
)

// RegistryError is an error answer of the Schema Registry (StatusCode,
// ErrorCode, Message).
type RegistryError = srclient.Error

// Registry is the Schema Registry client the application uses: the shared
// srclient.Client, registering this package's schemas.
type Registry struct {
	*srclient.Client
}

// NewRegistry returns a client for the registry at baseURL, e.g.
// http://localhost:8081. hc may be nil for a client with a 10 s timeout.
func NewRegistry(baseURL string, hc *http.Client) (*Registry, error) {
	c, err := srclient.New(baseURL, hc)
	if err != nil {
		return nil, err
	}
	return &Registry{c}, nil
}

// Register registers an Avro schema under subject (idempotent on the
// registry's side) and returns its id.
func (r *Registry) Register(ctx context.Context, subject string, s *Schema) (int, error) {
	id, err := r.Client.Register(ctx, subject, s.Text)
	if err != nil {
		return 0, fmt.Errorf("register %s: %w", s.Name, err)
	}
	return id, nil
}

// IsNotFound reports whether err is the registry's "not found" for a schema,
// subject or version (HTTP 404).
func IsNotFound(err error) bool { return srclient.IsNotFound(err) }
