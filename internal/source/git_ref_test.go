package source

import (
	"github.com/sipops/reconciler/internal/gittest"
	"strings"
	"testing"
)

func TestGitRefs(t *testing.T) {
	r := gittest.NewRepo(t)
	first := r.Commit(t, "first", map[string]string{"a.cue": "a: 1\n"})
	gittest.Git(t, r.Work, "tag", "-a", "-m", "release 1", "v1")
	gittest.Git(t, r.Work, "tag", "v1-light")
	second := r.Commit(t, "second", map[string]string{"a.cue": "a: 2\n"})
	gittest.Git(t, r.Work, "push", "-q", "origin", "v1", "v1-light", "HEAD:refs/heads/release")
	third := r.Commit(t, "third", map[string]string{"a.cue": "a: 3\n"})
	d := gittest.Serve(t, r.Root)

	tests := []struct{ ref, want string }{
		{"", third},
		{"main", third},
		{"release", second},
		{"refs/heads/release", second},
		{"v1", first},
		{"v1-light", first},
		{"refs/tags/v1", first},
		{first, first},
		{second, second},
	}
	for _, tc := range tests {
		t.Run(tc.ref, func(t *testing.T) {
			g := newGit(t, GitOptions{URL: d.URL(r.Name), Ref: tc.ref})
			if got := fetchGit(t, g).Revision; got != tc.want {
				t.Errorf("revision %s, want %s", got, tc.want)
			}
			// The second fetch finds everything in the clone.
			if got := fetchGit(t, g).Revision; got != tc.want {
				t.Errorf("second fetch: revision %s, want %s", got, tc.want)
			}
		})
	}
	for ref, want := range map[string]string{
		"nope":                   `no branch or tag "nope"`,
		strings.Repeat("ab", 20): "is not on any branch or tag",
	} {
		_, err := newGit(t, GitOptions{URL: d.URL(r.Name), Ref: ref}).Fetch(t.Context())
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "(ref "+ref+")") {
			t.Errorf("ref %s: error %v, want %q", ref, err, want)
		}
	}
}

func TestGitFollowsForcePush(t *testing.T) {
	r := gittest.NewRepo(t)
	a := r.Commit(t, "a", map[string]string{"a.cue": "a: 1\n"})
	r.Commit(t, "b", map[string]string{"a.cue": "a: 2\n"})
	d := gittest.Serve(t, r.Root)
	g := newGit(t, GitOptions{URL: d.URL(r.Name), Ref: "main"})
	fetchGit(t, g)

	gittest.Git(t, r.Work, "reset", "-q", "--hard", a)
	c := r.Commit(t, "c rewrites b", map[string]string{"a.cue": "a: 3\n"}) // pushes with --force
	if s := fetchGit(t, g); s.Revision != c || string(s.Files[0].Data) != "a: 3\n" {
		t.Fatalf("after a force-push: revision %s data %q, want %s with a: 3", s.Revision, s.Files[0].Data, c)
	}
}

func TestGitRemoteDown(t *testing.T) {
	r := gittest.NewRepo(t)
	sha := r.Commit(t, "a", map[string]string{"a.cue": "a: 1\n"})
	d := gittest.Serve(t, r.Root)
	g := newGit(t, GitOptions{URL: d.URL(r.Name)})
	fetchGit(t, g)

	d.Stop()
	_, err := g.Fetch(t.Context())
	if want := "fetch " + d.URL(r.Name) + " (ref remote HEAD): "; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("server down: error %v, want it to start with %q", err, want)
	}
	d.Start(t)
	if got := fetchGit(t, g).Revision; got != sha {
		t.Fatalf("server back: revision %s, want %s", got, sha)
	}
}
