// Package gittest gives tests real git repositories and a real git server
// on loopback: the git binary and `git daemon`, started by the test.
//
// It is internal to the reconciler's tests and has no compatibility promise.
package gittest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Git runs the git binary in dir with a fixed identity and no user or
// system configuration, and returns its trimmed output. A missing git binary
// fails the test: it is a dependency of the suite, not an option.
func Git(tb testing.TB, dir string, args ...string) string {
	tb.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		tb.Fatalf("these tests need the git binary on PATH (scripts/install-test-deps.sh installs it): %v", err)
	}
	cmd := exec.Command("git", append([]string{"-c", "init.defaultBranch=main"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null",
		"GIT_AUTHOR_NAME=Ada", "GIT_AUTHOR_EMAIL=ada@example.com",
		"GIT_COMMITTER_NAME=Ada", "GIT_COMMITTER_EMAIL=ada@example.com",
	)
	out, err := cmd.CombinedOutput()
	if err != nil {
		tb.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// Repo is a bare repository under Root, the directory servers export, and a
// working clone to commit and push from.
type Repo struct {
	Root, Name, Bare, Work string
}

// NewRepo creates an empty bare repository and its working clone.
func NewRepo(tb testing.TB) *Repo {
	tb.Helper()
	r := &Repo{Root: tb.TempDir(), Name: "specs.git", Work: tb.TempDir()}
	r.Bare = filepath.Join(r.Root, r.Name)
	Git(tb, r.Root, "init", "-q", "--bare", r.Name)
	Git(tb, r.Work, "init", "-q")
	Git(tb, r.Work, "remote", "add", "origin", r.Bare)
	return r
}

// Commit writes files (path: content; an empty content removes the file),
// commits them with msg, force-pushes to main and returns the commit SHA.
func (r *Repo) Commit(tb testing.TB, msg string, files map[string]string) string {
	tb.Helper()
	for p, data := range files {
		full := filepath.Join(r.Work, p)
		if data == "" {
			if err := os.Remove(full); err != nil {
				tb.Fatal(err)
			}
			continue
		}
		WriteFile(tb, full, data)
	}
	Git(tb, r.Work, "add", "-A")
	Git(tb, r.Work, "commit", "-q", "--allow-empty", "-m", msg)
	Git(tb, r.Work, "push", "-q", "--force", "origin", "HEAD:main")
	return Git(tb, r.Work, "rev-parse", "HEAD")
}

// WriteFile writes data to path, creating its directory.
func WriteFile(tb testing.TB, path, data string) {
	tb.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		tb.Fatal(err)
	}
}

// Daemon is `git daemon` serving a directory over git:// on loopback.
type Daemon struct {
	root string
	port int
	cmd  *exec.Cmd
}

// Serve starts a git daemon exporting root on a free loopback port, stopped
// when the test ends.
func Serve(tb testing.TB, root string) *Daemon {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	d := &Daemon{root: root, port: l.Addr().(*net.TCPAddr).Port}
	l.Close()
	d.Start(tb)
	tb.Cleanup(d.Stop)
	return d
}

// URL is the git:// URL of repository name.
func (d *Daemon) URL(name string) string {
	return fmt.Sprintf("git://127.0.0.1:%d/%s", d.port, name)
}

// Start runs the daemon on its port and waits until it accepts connections.
func (d *Daemon) Start(tb testing.TB) {
	tb.Helper()
	d.cmd = exec.Command("git", "daemon", "--reuseaddr", "--base-path="+d.root, "--export-all",
		"--enable=receive-pack", "--listen=127.0.0.1", fmt.Sprintf("--port=%d", d.port), d.root)
	d.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // so Stop ends its children too
	if err := d.cmd.Start(); err != nil {
		tb.Fatalf("start git daemon: %v", err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", d.port)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return
		}
	}
	d.Stop()
	tb.Fatalf("git daemon not listening on %s", addr)
}

// Stop kills the daemon's process group and waits for it.
func (d *Daemon) Stop() {
	if d.cmd == nil {
		return
	}
	syscall.Kill(-d.cmd.Process.Pid, syscall.SIGKILL)
	d.cmd.Wait()
	d.cmd = nil
}
