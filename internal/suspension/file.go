package suspension

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/sipops/reconciler/internal/atomicfile"
)

// FileName is the suspensions file's name in the state directory.
const FileName = "suspensions.json"

// fileVersion is the version of the file's format.
const fileVersion = 1

// File keeps the suspensions in a JSON file of the state directory.
type File struct {
	path string
}

var _ Store = (*File)(nil)

// NewFile returns the suspensions file of the state directory dir.
func NewFile(dir string) *File { return &File{path: filepath.Join(dir, FileName)} }

// Path is where the file is.
func (f *File) Path() string { return f.path }

type fileDoc struct {
	Version     int          `json:"version"`
	Suspensions []Suspension `json:"suspensions"`
}

// Load returns the suspensions the file holds; none if it does not exist.
func (f *File) Load() ([]Suspension, error) {
	b, err := os.ReadFile(f.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read suspensions: %w", err)
	}
	var doc fileDoc
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("read suspensions %s: %w: fix or remove the file (removing it resumes every connector)", f.path, err)
	}
	if doc.Version != fileVersion {
		return nil, fmt.Errorf("read suspensions %s: format version %d, this daemon reads %d", f.path, doc.Version, fileVersion)
	}
	for i, s := range doc.Suspensions {
		if s.Key == "" {
			return nil, fmt.Errorf("read suspensions %s: suspension %d has no key", f.path, i+1)
		}
	}
	return doc.Suspensions, nil
}

// Save replaces the file with ss, atomically: a crash leaves either the
// old file or the new one, complete.
func (f *File) Save(ss []Suspension) error {
	if ss == nil {
		ss = []Suspension{}
	}
	b, err := json.MarshalIndent(fileDoc{Version: fileVersion, Suspensions: ss}, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(f.path, append(b, '\n'), 0o600)
}
