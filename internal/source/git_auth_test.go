package source

import (
	"bytes"
	"errors"
	"github.com/sipops/reconciler/internal/gittest"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const goodToken = "ghs_s3cretTokenValue42"

// startHTTP serves root with git http-backend, demanding basic auth with
// goodToken as the password.
func startHTTP(t *testing.T, root string) *httptest.Server {
	return gittest.ServeHTTP(t, root, tokenUser, goodToken)
}

func TestGitTokenFile(t *testing.T) {
	r := gittest.NewRepo(t)
	sha := r.Commit(t, "a", map[string]string{"a.cue": "a: 1\n"})
	srv := startHTTP(t, r.Root)
	tokenFile := filepath.Join(t.TempDir(), "token")
	const badToken = "ghs_wrongTokenValue17"
	writeFile(t, tokenFile, badToken+"\n")
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	g := newGit(t, GitOptions{URL: srv.URL + "/" + r.Name, TokenFile: tokenFile, Logger: log})

	_, err := g.Fetch(t.Context())
	if err == nil || !strings.Contains(err.Error(), "authentication required") {
		t.Fatalf("wrong token: error %v, want authentication required", err)
	}
	if strings.Contains(err.Error(), badToken) {
		t.Fatalf("error shows the token: %v", err)
	}
	t.Logf("wrong token: %v", err)

	writeFile(t, tokenFile, goodToken+"\n") // rotated: read again at the next fetch
	if got := fetchGit(t, g).Revision; got != sha {
		t.Fatalf("good token: revision %s, want %s", got, sha)
	}
	if strings.Contains(logs.String(), goodToken) || strings.Contains(logs.String(), badToken) {
		t.Fatalf("logs show a token:\n%s", logs.String())
	}

	if err := os.Remove(tokenFile); err != nil {
		t.Fatal(err)
	}
	if _, err := g.Fetch(t.Context()); err == nil || !strings.Contains(err.Error(), "read token file") {
		t.Fatalf("token file gone: error %v, want read token file", err)
	}
}

func TestScrubHidesSecret(t *testing.T) {
	err := scrub(os.ErrNotExist, "")
	if err != os.ErrNotExist {
		t.Fatalf("scrub without a secret changed the error: %v", err)
	}
	inner := &os.PathError{Op: "open", Path: "/x/tok123", Err: os.ErrNotExist}
	err = scrub(inner, "tok123")
	if got, want := err.Error(), "open /x/[redacted]: file does not exist"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("scrubbed error lost its cause")
	}
}

func TestNewGitRefuses(t *testing.T) {
	dir := t.TempDir()
	known := filepath.Join(dir, "known_hosts")
	writeFile(t, known, "")
	tests := []struct {
		name string
		opts GitOptions
		want string
	}{
		{"no URL", GitOptions{Dir: dir}, "no URL"},
		{"no dir", GitOptions{URL: "https://git.example.com/specs.git"}, "no directory"},
		{"password in URL", GitOptions{URL: "https://bot:hunter2@git.example.com/specs.git", Dir: dir}, "carries a password"},
		{"ssh without known hosts", GitOptions{URL: "git@git.example.com:ops/specs.git", SSHKeyFile: "/k", Dir: dir}, "needs KnownHostsFile"},
		{"ssh URL without known hosts", GitOptions{URL: "ssh://git@git.example.com/specs.git", Dir: dir}, "needs KnownHostsFile"},
		{"ssh without key", GitOptions{URL: "ssh://git@git.example.com/specs.git", KnownHostsFile: known, Dir: dir}, "needs SSHKeyFile"},
		{"ssh key unreadable", GitOptions{URL: "ssh://git@git.example.com/specs.git", KnownHostsFile: known, SSHKeyFile: filepath.Join(dir, "none"), Dir: dir}, "read SSH key"},
		{"token for ssh", GitOptions{URL: "ssh://git@git.example.com/specs.git", KnownHostsFile: known, SSHKeyFile: "/k", TokenFile: "/t", Dir: dir}, "TokenFile is for https"},
		{"ssh key for https", GitOptions{URL: "https://git.example.com/specs.git", SSHKeyFile: "/k", Dir: dir}, "for SSH URLs"},
		{"token for git://", GitOptions{URL: "git://git.example.com/specs.git", TokenFile: "/t", Dir: dir}, "take no credentials"},
		{"token file missing", GitOptions{URL: "https://git.example.com/specs.git", TokenFile: filepath.Join(dir, "none"), Dir: dir}, "read token file"},
		{"path escapes", GitOptions{URL: "https://git.example.com/specs.git", Path: "specs/../../etc", Dir: dir}, "leaves the repository"},
		{"keyring missing", GitOptions{URL: "https://git.example.com/specs.git", VerifyKeyring: filepath.Join(dir, "none"), Dir: dir}, "read verify key ring"},
		{"keyring invalid", GitOptions{URL: "https://git.example.com/specs.git", VerifyKeyring: known, Dir: dir}, "read verify key ring"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewGit(tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error with %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Fatalf("error shows the password: %v", err)
			}
		})
	}
}
