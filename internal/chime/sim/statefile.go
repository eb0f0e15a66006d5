package sim

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/sipops/reconciler/internal/atomicfile"
)

// stateVersion is written into the state file so a future format can be
// told apart.
const stateVersion = 1

// stateFile is the JSON file that keeps the simulated state across
// restarts. Every save replaces it atomically and durably: a temporary file
// in the same directory is written and fsynced, renamed over the old file,
// and the directory is fsynced so the rename itself survives a crash.
type stateFile struct {
	path string
}

type stateDoc struct {
	Version    int       `json:"version"`
	Connectors []*record `json:"connectors"`
}

// load reads the records; a missing file is an empty state.
func (f *stateFile) load() ([]*record, error) {
	data, err := os.ReadFile(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load state: %w", err)
	}
	var doc stateDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("load state %s: %w", f.path, err)
	}
	if doc.Version != stateVersion {
		return nil, fmt.Errorf("load state %s: version %d, want %d", f.path, doc.Version, stateVersion)
	}
	return doc.Connectors, nil
}

func (f *stateFile) save(recs []*record) error {
	data, err := json.MarshalIndent(stateDoc{Version: stateVersion, Connectors: recs}, "", "  ")
	if err != nil {
		return fmt.Errorf("save state %s: %w", f.path, err)
	}
	if err := atomicfile.Write(f.path, append(data, '\n'), 0o600); err != nil {
		return fmt.Errorf("save state %s: %w", f.path, err)
	}
	return nil
}
