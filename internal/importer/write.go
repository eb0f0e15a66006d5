package importer

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/sipops/reconciler/internal/atomicfile"
)

// Write writes each result's file under dir, at dir/<region>/connectors.cue,
// creating directories as needed. Unless force is set, it first checks that
// none of the files exists and, if one does, writes nothing: an import must
// not overwrite a spec someone has edited since. Each file is written to a
// temporary file and renamed (package atomicfile), so a reader never sees
// half a file.
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

func writeFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := atomicfile.Write(path, data, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
