package labstate

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/ctalab/ctalab/lab/stack"
)

// DefaultDir is the lab command's default data dir, relative to the
// directory it runs in (the repository root for make lab-up).
const DefaultDir = ".lab"

// FileName is the state file's name in the data dir.
const FileName = "lab.json"

// State is what a running lab leaves in <data-dir>/lab.json.
type State struct {
	Provider  string           `json:"provider"`
	PID       int              `json:"pid,omitempty"`
	Started   time.Time        `json:"started"`
	Endpoints stack.Endpoints  `json:"endpoints"`
	ReadyMS   map[string]int64 `json:"ready_ms"`
	// Control is the loopback URL of a running embedded lab's fault actions.
	Control string `json:"control,omitempty"`
	// Console is the web console's URL.
	Console string `json:"console,omitempty"`
	// PostgresSuperuser is the URL of the embedded PostgreSQL's superuser,
	// whose password is random per data dir.
	PostgresSuperuser string `json:"postgres_superuser,omitempty"`
	// Recovered lists the partitions whose corrupt log was truncated at
	// start (--recover), with the records lost.
	Recovered []string `json:"recovered,omitempty"`
	// ClientProperties and LibrdkafkaProperties are the client properties
	// files of a secured lab (--secure).
	ClientProperties     string `json:"client_properties,omitempty"`
	LibrdkafkaProperties string `json:"librdkafka_properties,omitempty"`
}

// Path is the state file of the data dir dir.
func Path(dir string) string { return filepath.Join(dir, FileName) }

// Read reads the state of the lab whose data dir is dir. It returns nil and
// no error when there is no state file.
func Read(dir string) (*State, error) {
	b, err := os.ReadFile(Path(dir))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read lab state: %w", err)
	}
	var s State
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("read lab state %s: %w", Path(dir), err)
	}
	return &s, nil
}
