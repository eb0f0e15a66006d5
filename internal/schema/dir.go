package schema

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
)

// MaxFileBytes bounds one spec file. A spec of 10,000 connectors with ten
// routes each is about 12 MB; anything larger is a mistake, not a spec.
const MaxFileBytes = 16 << 20

// ReadDir reads every .cue file under dir, recursively, skipping hidden
// directories and cue.mod. Paths are relative to dir, with forward slashes.
// Symbolic links that resolve outside dir are refused: a spec must be
// reviewable as the files in its directory.
func ReadDir(dir string) ([]File, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("open spec directory: %w", err)
	}
	defer root.Close()
	var files []File
	err = fs.WalkDir(root.FS(), ".", func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() {
			if p != "." && (strings.HasPrefix(e.Name(), ".") || e.Name() == "cue.mod") {
				return fs.SkipDir
			}
			return nil
		}
		if path.Ext(p) != ".cue" {
			return nil
		}
		data, err := readFile(root, p, e.Type()&fs.ModeSymlink != 0)
		if err != nil {
			return err
		}
		files = append(files, File{Path: p, Data: data})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read spec directory %s: %w", dir, err)
	}
	return files, nil
}

func readFile(root *os.Root, p string, symlink bool) ([]byte, error) {
	// os.Root refuses to follow a link out of the directory.
	f, err := root.Open(p)
	if err != nil {
		if symlink {
			return nil, fmt.Errorf("%s: a symbolic link to a file outside the spec directory is refused: %w", p, err)
		}
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	if len(data) > MaxFileBytes {
		return nil, fmt.Errorf("%s: larger than %d MiB, refusing to load it", p, MaxFileBytes>>20)
	}
	return data, nil
}

// LoadDir reads and loads the spec directory dir.
func LoadDir(dir string, opts LoadOptions) (*Spec, error) {
	files, err := ReadDir(dir)
	if err != nil {
		return nil, err
	}
	return Load(files, opts)
}
