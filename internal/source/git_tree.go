package source

import (
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/sipops/reconciler/internal/schema"
)

// readTree reads the specs under dir of the commit's tree with the rules of
// schema.ReadDir: .cue files only, hidden directories and cue.mod skipped,
// at most schema.MaxFileBytes per file. Any symbolic link is refused:
// its target cannot be reviewed as part of the spec.
func readTree(c *object.Commit, dir string) ([]schema.File, error) {
	tree, err := c.Tree()
	if err != nil {
		return nil, err
	}
	if tree, err = subTree(tree, dir); err != nil {
		return nil, err
	}
	var files []schema.File
	if err := walkTree(tree, "", &files); err != nil {
		return nil, err
	}
	sortFiles(files)
	return files, nil
}

// subTree descends to dir one name at a time, so a symbolic link on the way
// is reported as such rather than as a missing directory.
func subTree(tree *object.Tree, dir string) (*object.Tree, error) {
	if dir == "" {
		return tree, nil
	}
	walked := ""
	for _, name := range strings.Split(dir, "/") {
		walked = path.Join(walked, name)
		e, err := tree.FindEntry(name)
		if err != nil {
			return nil, fmt.Errorf("path %s: not in the repository", walked)
		}
		if e.Mode == filemode.Symlink {
			return nil, fmt.Errorf("path %s: a symbolic link is refused", walked)
		}
		if e.Mode != filemode.Dir {
			return nil, fmt.Errorf("path %s: not a directory", walked)
		}
		if tree, err = tree.Tree(name); err != nil {
			return nil, fmt.Errorf("path %s: %w", walked, err)
		}
	}
	return tree, nil
}

func walkTree(tree *object.Tree, prefix string, files *[]schema.File) error {
	for _, e := range tree.Entries {
		p := prefix + e.Name
		if e.Name == "" || e.Name == "." || e.Name == ".." || strings.Contains(e.Name, "/") {
			return fmt.Errorf("%q: invalid name in tree", p)
		}
		switch e.Mode {
		case filemode.Dir:
			if err := walkDir(tree, e, p, files); err != nil {
				return err
			}
		case filemode.Symlink:
			return fmt.Errorf("%s: a symbolic link in the repository is refused; specs must be regular files", p)
		case filemode.Submodule:
			return fmt.Errorf("%s: a submodule is refused; specs must be in the repository itself", p)
		default:
			if path.Ext(e.Name) != ".cue" {
				continue
			}
			data, err := readBlob(tree, e, p)
			if err != nil {
				return err
			}
			*files = append(*files, schema.File{Path: p, Data: data})
		}
	}
	return nil
}

func walkDir(tree *object.Tree, e object.TreeEntry, p string, files *[]schema.File) error {
	if skipDir(e.Name) {
		return nil
	}
	sub, err := tree.Tree(e.Name)
	if err != nil {
		return fmt.Errorf("%s: %w", p, err)
	}
	return walkTree(sub, p+"/", files)
}

func readBlob(tree *object.Tree, e object.TreeEntry, p string) ([]byte, error) {
	f, err := tree.TreeEntryFile(&e)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	if f.Size > schema.MaxFileBytes {
		return nil, fmt.Errorf("%s: larger than %d MiB, refusing to load it", p, schema.MaxFileBytes>>20)
	}
	r, err := f.Reader()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	defer r.Close()
	data, err := io.ReadAll(io.LimitReader(r, schema.MaxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	return data, nil
}
