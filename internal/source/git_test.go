package source

import (
	"github.com/sipops/reconciler/internal/gittest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func newGit(t *testing.T, opts GitOptions) *Git {
	t.Helper()
	if opts.Dir == "" {
		opts.Dir = filepath.Join(t.TempDir(), "git")
	}
	g, err := NewGit(opts)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func fetchGit(t *testing.T, g *Git) *Snapshot {
	t.Helper()
	s, err := g.Fetch(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestGitCloneAndNewCommit(t *testing.T) {
	r := gittest.NewRepo(t)
	sha := r.Commit(t, "add sbc-east", map[string]string{"a.cue": "a: 1\n", "README.md": "# x\n"})
	d := gittest.Serve(t, r.Root)
	dir := filepath.Join(t.TempDir(), "state", "git")
	g := newGit(t, GitOptions{URL: d.URL(r.Name), Dir: dir})

	s := fetchGit(t, g)
	if s.Revision != sha {
		t.Fatalf("revision %s, want %s", s.Revision, sha)
	}
	if got, want := paths(s), []string{"a.cue"}; !slices.Equal(got, want) {
		t.Fatalf("paths %v, want %v", got, want)
	}
	if s.Message != "add sbc-east\n" || time.Since(s.Time) > time.Minute {
		t.Errorf("message %q time %v, want the commit's", s.Message, s.Time)
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("clone directory: %v %v, want mode 0700", fi.Mode(), err)
	}
	if _, err := os.Stat(filepath.Join(dir, "a.cue")); !os.IsNotExist(err) {
		t.Errorf("a.cue checked out in the clone (%v), want a bare clone", err)
	}

	sha2 := r.Commit(t, "change", map[string]string{"a.cue": "a: 2\n"})
	if s = fetchGit(t, g); s.Revision != sha2 || string(s.Files[0].Data) != "a: 2\n" {
		t.Fatalf("after a new commit: revision %s data %q, want %s with a: 2", s.Revision, s.Files[0].Data, sha2)
	}
	// A new Git on the same directory opens the existing clone.
	if s = fetchGit(t, newGit(t, GitOptions{URL: d.URL(r.Name), Dir: dir})); s.Revision != sha2 {
		t.Fatalf("reopened clone: revision %s, want %s", s.Revision, sha2)
	}
}

func TestGitTreeRules(t *testing.T) {
	r := gittest.NewRepo(t)
	r.Commit(t, "layout", map[string]string{
		"other.cue":                "o: 1\n",
		"specs/b.cue":              "b: 1\n",
		"specs/a/x.cue":            "x: 1\n",
		"specs/a.cue":              "a: 1\n",
		"specs/.hidden/h.cue":      "h: 1\n",
		"specs/cue.mod/module.cue": "module: \"x\"\n",
		"specs/notes.txt":          "n\n",
	})
	d := gittest.Serve(t, r.Root)
	for _, p := range []string{"specs", "/specs/", "./specs"} {
		s := fetchGit(t, newGit(t, GitOptions{URL: d.URL(r.Name), Path: p}))
		if got, want := paths(s), []string{"a.cue", "a/x.cue", "b.cue"}; !slices.Equal(got, want) {
			t.Errorf("path %q: paths %v, want %v", p, got, want)
		}
	}
	_, err := newGit(t, GitOptions{URL: d.URL(r.Name), Path: "nope"}).Fetch(t.Context())
	if err == nil || !strings.Contains(err.Error(), "path nope: not in the repository") {
		t.Errorf("missing path: error %v, want it to name the path", err)
	}
}

func TestGitRefusesSymlink(t *testing.T) {
	r := gittest.NewRepo(t)
	r.Commit(t, "first", map[string]string{"specs/a.cue": "a: 1\n"})
	if err := os.Symlink("/etc/passwd", filepath.Join(r.Work, "specs", "evil.cue")); err != nil {
		t.Fatal(err)
	}
	sha := r.Commit(t, "sneak a link in", nil)
	d := gittest.Serve(t, r.Root)
	for _, p := range []string{"", "specs"} {
		_, err := newGit(t, GitOptions{URL: d.URL(r.Name), Path: p}).Fetch(t.Context())
		if err == nil || !strings.Contains(err.Error(), "evil.cue: a symbolic link in the repository is refused") ||
			!strings.Contains(err.Error(), sha) {
			t.Errorf("path %q: error %v, want the link and the commit named", p, err)
		}
	}
}

func TestGitTrailers(t *testing.T) {
	r := gittest.NewRepo(t)
	msg := "move all east traffic to sbc2\n\nThe old SBC is being retired.\n\nReconciler-Allow: mass-change\nSigned-off-by: Ada <ada@example.com>"
	r.Commit(t, msg, map[string]string{"a.cue": "a: 1\n"})
	d := gittest.Serve(t, r.Root)
	s := fetchGit(t, newGit(t, GitOptions{URL: d.URL(r.Name)}))
	if s.Message != msg+"\n" {
		t.Errorf("message %q, want %q", s.Message, msg+"\n")
	}
	if got := s.Trailers()["Reconciler-Allow"]; !slices.Equal(got, []string{"mass-change"}) {
		t.Errorf("Reconciler-Allow trailer %v, want [mass-change]", got)
	}
}
