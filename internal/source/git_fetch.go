package source

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// Fetch brings the clone up to date with the ref and returns the specs at
// its commit, read from the commit's tree: the clone is bare, nothing is
// checked out. A force-pushed ref is followed. With VerifyKeyring set, a
// commit not signed by a trusted key is an error.
func (g *Git) Fetch(ctx context.Context) (*Snapshot, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	s, err := g.fetch(ctx)
	if err != nil {
		err = scrub(fmt.Errorf("fetch %s (ref %s): %w", g.display, g.refLabel(), err), g.secret)
	}
	if g.opts.OnFetch != nil && !canceled(ctx, err) {
		g.opts.OnFetch(err)
	}
	return s, err
}

func (g *Git) fetch(ctx context.Context) (*Snapshot, error) {
	auth, err := g.auth()
	if err != nil {
		return nil, err
	}
	repo, err := g.open()
	if err != nil {
		return nil, err
	}
	t, err := g.resolve(ctx, repo, auth)
	if err != nil {
		return nil, err
	}
	if err := download(ctx, repo, auth, t); err != nil {
		return nil, err
	}
	c, err := peelCommit(repo, t.hash)
	if err != nil {
		return nil, err
	}
	if err := g.verify(c); err != nil {
		return nil, err
	}
	files, err := readTree(c, g.path)
	if err != nil {
		return nil, fmt.Errorf("commit %s: %w", c.Hash, err)
	}
	return &Snapshot{Revision: c.Hash.String(), Files: files, Message: c.Message, Time: c.Committer.When}, nil
}

// canceled reports a fetch cut short by shutdown, which is not a failure
// of the source and must not count as one.
func canceled(ctx context.Context, err error) bool {
	return err != nil && errors.Is(ctx.Err(), context.Canceled)
}

// objectCache bounds go-git's cache of decoded objects.
const objectCache = 4 * cache.MiByte

// open opens the clone in Dir, creating an empty bare repository there the
// first time, and points its origin at the configured URL.
func (g *Git) open() (*git.Repository, error) {
	if g.repo != nil {
		return g.repo, nil
	}
	if err := os.MkdirAll(g.opts.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("create clone directory: %w", err)
	}
	// go-git caches up to 96 MiB of decoded objects by default; a daemon
	// reads one tree per revision, so a small cache keeps its memory flat
	// over thousands of commits (the soak test showed the default growing).
	st := filesystem.NewStorage(osfs.New(g.opts.Dir), cache.NewObjectLRU(objectCache))
	repo, err := git.Open(st, nil)
	if errors.Is(err, git.ErrRepositoryNotExists) {
		repo, err = git.Init(st, nil) // bare: no worktree
	}
	if err != nil {
		return nil, fmt.Errorf("open clone %s (remove it to clone again): %w", g.opts.Dir, err)
	}
	if err := setOrigin(repo, g.opts.URL); err != nil {
		return nil, fmt.Errorf("configure clone %s: %w", g.opts.Dir, err)
	}
	g.repo = repo
	return repo, nil
}

// setOrigin makes origin point at url, replacing a remote left by an
// earlier configuration.
func setOrigin(repo *git.Repository, url string) error {
	r, err := repo.Remote(git.DefaultRemoteName)
	if err == nil && len(r.Config().URLs) == 1 && r.Config().URLs[0] == url {
		return nil
	}
	if err == nil {
		if err := repo.DeleteRemote(git.DefaultRemoteName); err != nil {
			return err
		}
	} else if !errors.Is(err, git.ErrRemoteNotFound) {
		return err
	}
	_, err = repo.CreateRemote(&config.RemoteConfig{Name: git.DefaultRemoteName, URLs: []string{url}})
	return err
}

// download fetches t's refs unless the object is already in the clone,
// which is the common case of a poll that finds nothing new.
func download(ctx context.Context, repo *git.Repository, auth transport.AuthMethod, t target) error {
	if repo.Storer.HasEncodedObject(t.hash) == nil {
		return nil
	}
	err := repo.FetchContext(ctx, &git.FetchOptions{
		RefSpecs: t.specs,
		Auth:     auth,
		Force:    true, // follow force-pushes
		Tags:     git.NoTags,
	})
	if err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
		return err
	}
	if repo.Storer.HasEncodedObject(t.hash) != nil {
		return fmt.Errorf("commit %s is not on any branch or tag of the repository", t.hash)
	}
	return nil
}

// peelCommit follows annotated tags to the commit they name.
func peelCommit(repo *git.Repository, h plumbing.Hash) (*object.Commit, error) {
	for range 10 {
		obj, err := repo.Object(plumbing.AnyObject, h)
		if err != nil {
			return nil, fmt.Errorf("read object %s: %w", h, err)
		}
		switch o := obj.(type) {
		case *object.Commit:
			return o, nil
		case *object.Tag:
			h = o.Target
		default:
			return nil, fmt.Errorf("ref names a %s, not a commit", obj.Type())
		}
	}
	return nil, fmt.Errorf("tag chain too long at %s", h)
}

// verify accepts a commit signed by a key of the key ring, when one is set.
// Only the commit fetched is checked, not its ancestors: it is the one
// whose tree is applied.
func (g *Git) verify(c *object.Commit) error {
	if g.keyring == "" {
		return nil
	}
	if c.PGPSignature == "" {
		return fmt.Errorf("commit %s is not signed by a trusted key: it carries no signature", c.Hash)
	}
	if _, err := c.Verify(g.keyring); err != nil {
		return fmt.Errorf("commit %s is not signed by a trusted key: %w", c.Hash, err)
	}
	return nil
}
