package source

import (
	"bytes"
	"fmt"
	"github.com/sipops/reconciler/internal/gittest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"
)

func newKey(t *testing.T, name string) *openpgp.Entity {
	t.Helper()
	e, err := openpgp.NewEntity(name, "", strings.ToLower(name)+"@example.com", nil)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// writeKeyring writes e's public key, armored, and returns the file.
func writeKeyring(t *testing.T, e *openpgp.Entity) string {
	t.Helper()
	var buf bytes.Buffer
	w, err := armor.Encode(&buf, openpgp.PublicKeyType, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Serialize(w); err != nil {
		t.Fatal(err)
	}
	w.Close()
	p := filepath.Join(t.TempDir(), "trusted.asc")
	writeFile(t, p, buf.String())
	return p
}

// signedCommit commits a.cue with go-git, signed by key (nil: unsigned),
// and pushes it with the git binary.
func signedCommit(t *testing.T, r *gittest.Repo, key *openpgp.Entity, content string) string {
	t.Helper()
	repo, err := git.PlainOpen(r.Work)
	if err != nil {
		t.Fatal(err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(r.Work, "a.cue"), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := wt.Add("a.cue"); err != nil {
		t.Fatal(err)
	}
	who := &object.Signature{Name: "Ada", Email: "ada@example.com", When: time.Now()}
	h, err := wt.Commit("change a", &git.CommitOptions{Author: who, Committer: who, SignKey: key})
	if err != nil {
		t.Fatal(err)
	}
	gittest.Git(t, r.Work, "push", "-q", "--force", "origin", "HEAD:main")
	return h.String()
}

func TestGitVerifySignature(t *testing.T) {
	trusted, stranger := newKey(t, "Trusted"), newKey(t, "Stranger")
	r := gittest.NewRepo(t)
	signed := signedCommit(t, r, trusted, "a: 1\n")
	d := gittest.Serve(t, r.Root)
	w := startGitWatch(t, GitOptions{URL: d.URL(r.Name), VerifyKeyring: writeKeyring(t, trusted), Interval: time.Hour})
	if s := w.next(t); s.Revision != signed {
		t.Fatalf("signed commit: snapshot %s, want %s", s.Revision, signed)
	}
	w.fetch(t)

	rejected := []struct {
		name string
		key  *openpgp.Entity
	}{{"unsigned", nil}, {"signed by a stranger", stranger}}
	for i, tc := range rejected {
		name := tc.name
		sha := signedCommit(t, r, tc.key, fmt.Sprintf("a: %d\n", 100+i))
		w.trigger <- struct{}{}
		err := w.fetch(t)
		if err == nil || !strings.Contains(err.Error(), "commit "+sha+" is not signed by a trusted key") {
			t.Fatalf("%s: error %v, want the commit named as not signed by a trusted key", name, err)
		}
		t.Logf("%s: %v", name, err)
	}
	// Nothing was sent for the rejected commits: the next snapshot is this one.
	again := signedCommit(t, r, trusted, "a: 2\n")
	w.trigger <- struct{}{}
	if s := w.next(t); s.Revision != again {
		t.Fatalf("signed again: snapshot %s, want %s", s.Revision, again)
	}
}
