package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	for _, tt := range []struct {
		data string
		perm os.FileMode
	}{{"one\n", 0o600}, {"two, longer\n", 0o644}} {
		if err := Write(path, []byte(tt.data), tt.perm); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(path)
		if err != nil || string(got) != tt.data {
			t.Errorf("content: got %q, %v; want %q", got, err, tt.data)
		}
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != tt.perm {
			t.Errorf("mode: got %v, %v; want %v", fi.Mode(), err, tt.perm)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("directory holds %v, want the file alone", entries)
	}
}

// TestWriteFailureKeepsOld: a write that cannot complete leaves the old
// file as it was and no temporary file.
func TestWriteFailureKeepsOld(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	if err := Write(path, []byte("old\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// A directory where the file is cannot be renamed over.
	if err := Write(dir, []byte("x"), 0o600); err == nil {
		t.Errorf("rename over a directory: got no error")
	}
	// Into a directory that does not exist.
	if err := Write(filepath.Join(dir, "no", "f"), []byte("x"), 0o600); err == nil || !os.IsNotExist(err) {
		t.Errorf("missing directory: got %v, want not exist", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "old\n" {
		t.Errorf("after failures: got %q, want the old content", got)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("directory holds %v, want the file alone", entries)
	}
}
