package broker

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// clusterIDFile holds the cluster id from the data dir's first start, as
// Kafka's meta.properties does: kfake writes its own meta.json only on an
// orderly close, so a crash would otherwise hand out a new id.
const clusterIDFile = "cluster.id"

// clusterID returns the data dir's cluster id: the one the broker's state
// already carries (meta.json), else the one recorded at the first start,
// else a new one, recorded.
func clusterID(dir string) (string, error) {
	if b, err := os.ReadFile(filepath.Join(dir, "meta.json")); err == nil {
		var meta struct {
			ClusterID string `json:"cluster_id"` // kfake persist.go persistMeta
		}
		if json.Unmarshal(b, &meta) == nil && meta.ClusterID != "" {
			return meta.ClusterID, recordClusterID(dir, meta.ClusterID)
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, clusterIDFile))
	switch {
	case err == nil && strings.TrimSpace(string(b)) != "":
		return strings.TrimSpace(string(b)), nil
	case err != nil && !errors.Is(err, os.ErrNotExist):
		return "", fmt.Errorf("read cluster id: %w", err)
	}
	id, err := newKafkaUUID()
	if err != nil {
		return "", err
	}
	return id, recordClusterID(dir, id)
}

func recordClusterID(dir, id string) error {
	path := filepath.Join(dir, clusterIDFile)
	if b, err := os.ReadFile(path); err == nil && strings.TrimSpace(string(b)) == id {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("record cluster id: %w", err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(id+"\n"), 0o644); err != nil {
		return fmt.Errorf("record cluster id: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("record cluster id: %w", err)
	}
	return nil
}

// newKafkaUUID returns a random UUID as Kafka's Uuid.randomUuid makes and
// prints it: version 4, variant 2, URL-safe base64 without padding, never
// starting with '-' (nor one of the reserved all-zero or metadata-topic
// ids, which a random version 4 UUID cannot be).
func newKafkaUUID() (string, error) {
	for {
		var u [16]byte
		if _, err := rand.Read(u[:]); err != nil {
			return "", fmt.Errorf("generate cluster id: %w", err)
		}
		u[6] = u[6]&0x0f | 0x40
		u[8] = u[8]&0x3f | 0x80
		if s := base64.RawURLEncoding.EncodeToString(u[:]); s[0] != '-' {
			return s, nil
		}
	}
}
