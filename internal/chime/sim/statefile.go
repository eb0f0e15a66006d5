package sim

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
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
	if err := writeAtomic(f.path, append(data, '\n')); err != nil {
		return fmt.Errorf("save state %s: %w", f.path, err)
	}
	return nil
}

func writeAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	return syncDir(dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
