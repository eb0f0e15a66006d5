// Package atomicfile replaces a file so that a crash, a full disk or a
// reader at the wrong moment never sees half of it: the daemon's
// suspensions, the simulator's state and the files of an import are all
// written through it.
//
// It is internal to the reconciler and has no compatibility promise.
package atomicfile

import (
	"fmt"
	"os"
	"path/filepath"
)

// Write replaces the file at path with data, mode perm: it writes a
// temporary file in the same directory, syncs it, renames it over path,
// then syncs the directory, so that the rename itself survives a crash.
// After a crash path holds either its old content or data, complete; on an
// error it holds its old content and no temporary file is left behind.
// The directory must exist.
func Write(path string, data []byte, perm os.FileMode) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	// CreateTemp makes the file 0600 whatever the umask; Chmod sets perm
	// exactly, as a reader of the file expects it.
	if err = tmp.Chmod(perm); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	if err = syncDir(dir); err != nil {
		return fmt.Errorf("sync directory %s: %w", dir, err)
	}
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
