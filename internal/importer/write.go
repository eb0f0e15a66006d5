package importer

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Write writes each result's file under dir, at dir/<region>/connectors.cue,
// creating directories as needed. Unless force is set, it first checks that
// none of the files exists and, if one does, writes nothing: an import must
// not overwrite a spec someone has edited since. Each file is written to a
// temporary file and renamed, so a reader never sees half a file.
func Write(dir string, results []RegionFile, force bool) error {
	if !force {
		var errs []error
		for _, r := range results {
			p := filepath.Join(dir, filepath.FromSlash(r.Path))
			_, err := os.Lstat(p)
			switch {
			case err == nil:
				errs = append(errs, fmt.Errorf("%s: %w (overwrite it with --force)", p, fs.ErrExist))
			case !errors.Is(err, fs.ErrNotExist):
				errs = append(errs, err)
			}
		}
		if err := errors.Join(errs...); err != nil {
			return err
		}
	}
	for _, r := range results {
		if err := writeFile(filepath.Join(dir, filepath.FromSlash(r.Path)), r.CUE); err != nil {
			return err
		}
	}
	return nil
}

func writeFile(path string, data []byte) (err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".connectors-*.cue.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			os.Remove(tmp.Name())
			err = fmt.Errorf("write %s: %w", path, err)
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
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
	return os.Rename(tmp.Name(), path)
}
