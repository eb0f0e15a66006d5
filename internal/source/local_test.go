package source

import (
	"github.com/sipops/reconciler/internal/gittest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func writeFile(t *testing.T, path, data string) { gittest.WriteFile(t, path, data) }

func paths(s *Snapshot) []string {
	var ps []string
	for _, f := range s.Files {
		ps = append(ps, f.Path)
	}
	return ps
}

func fetchLocal(t *testing.T, l *Local) *Snapshot {
	t.Helper()
	s, err := l.Fetch(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestLocalFetchRevision(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "b.cue"), "b: 1\n")
	writeFile(t, filepath.Join(dir, "a/x.cue"), "x: 1\n")
	writeFile(t, filepath.Join(dir, "a.cue"), "a: 1\n")
	l := NewLocal(dir, LocalOptions{})
	first := fetchLocal(t, l)
	if got, want := paths(first), []string{"a.cue", "a/x.cue", "b.cue"}; !slices.Equal(got, want) {
		t.Fatalf("paths %v, want %v", got, want)
	}
	if !strings.HasPrefix(first.Revision, "sha256:") || len(first.Revision) != len("sha256:")+64 {
		t.Fatalf("revision %q, want sha256:<64 hex>", first.Revision)
	}
	if first.Message != "" || first.Time.IsZero() {
		t.Fatalf("message %q time %v, want empty message and a read time", first.Message, first.Time)
	}
	same := []struct{ name, path, data string }{
		{"other file", "README.md", "# specs\n"},
		{"hidden dir", ".git/x.cue", "x: 2\n"},
		{"cue.mod", "cue.mod/module.cue", "module: \"x\"\n"},
		{"same content", "b.cue", "b: 1\n"},
	}
	for _, c := range same {
		writeFile(t, filepath.Join(dir, c.path), c.data)
		if got := fetchLocal(t, l).Revision; got != first.Revision {
			t.Errorf("%s: revision %s, want unchanged %s", c.name, got, first.Revision)
		}
	}
	writeFile(t, filepath.Join(dir, "b.cue"), "b: 2\n")
	if got := fetchLocal(t, l).Revision; got == first.Revision {
		t.Errorf("revision unchanged after editing b.cue")
	}
}

func TestLocalRevisionNotAmbiguous(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	writeFile(t, filepath.Join(a, "x.cue"), "y.cue")
	writeFile(t, filepath.Join(b, "x.cuey.cue"), "")
	ra := fetchLocal(t, NewLocal(a, LocalOptions{})).Revision
	rb := fetchLocal(t, NewLocal(b, LocalOptions{})).Revision
	if ra == rb {
		t.Fatalf("different file sets share revision %s", ra)
	}
}

func TestLocalFetchRefusesEscapingSymlink(t *testing.T) {
	dir, outside := t.TempDir(), t.TempDir()
	writeFile(t, filepath.Join(outside, "secret.cue"), "s: 1\n")
	writeFile(t, filepath.Join(dir, "a.cue"), "a: 1\n")
	if err := os.Symlink(filepath.Join(outside, "secret.cue"), filepath.Join(dir, "evil.cue")); err != nil {
		t.Fatal(err)
	}
	var reported error
	l := NewLocal(dir, LocalOptions{OnFetch: func(err error) { reported = err }})
	s, err := l.Fetch(t.Context())
	if err == nil {
		t.Fatalf("fetch gave %v, want an error", paths(s))
	}
	if !strings.Contains(err.Error(), "evil.cue") || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("error %q, want it to name evil.cue and the symbolic link", err)
	}
	if reported != err {
		t.Errorf("OnFetch got %v, want %v", reported, err)
	}
}
