package source

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

// runGit runs the git binary in dir with a fixed identity and no user or
// system configuration, and returns its trimmed output.
func runGit(t *testing.T, dir string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatalf("these tests need the git binary on PATH (apt-get install git): %v", err)
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
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// repo is a bare repository under root, the directory the servers export,
// and a working clone to commit and push from.
type repo struct {
	root, name, bare, work string
}

func newRepo(t *testing.T) *repo {
	t.Helper()
	r := &repo{root: t.TempDir(), name: "specs.git", work: t.TempDir()}
	r.bare = filepath.Join(r.root, r.name)
	runGit(t, r.root, "init", "-q", "--bare", r.name)
	runGit(t, r.work, "init", "-q")
	runGit(t, r.work, "remote", "add", "origin", r.bare)
	return r
}

// commit writes files (path: content; an empty content removes the file),
// commits them with msg, pushes to main and returns the commit SHA.
func (r *repo) commit(t *testing.T, msg string, files map[string]string) string {
	t.Helper()
	for p, data := range files {
		full := filepath.Join(r.work, p)
		if data == "" {
			if err := os.Remove(full); err != nil {
				t.Fatal(err)
			}
			continue
		}
		writeFile(t, full, data)
	}
	runGit(t, r.work, "add", "-A")
	runGit(t, r.work, "commit", "-q", "--allow-empty", "-m", msg)
	runGit(t, r.work, "push", "-q", "--force", "origin", "HEAD:main")
	return runGit(t, r.work, "rev-parse", "HEAD")
}

// daemon is a git daemon serving a directory over git:// on loopback.
type daemon struct {
	root string
	port int
	cmd  *exec.Cmd
}

func startDaemon(t *testing.T, root string) *daemon {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	d := &daemon{root: root, port: l.Addr().(*net.TCPAddr).Port}
	l.Close()
	d.start(t)
	t.Cleanup(d.stop)
	return d
}

func (d *daemon) url(name string) string {
	return fmt.Sprintf("git://127.0.0.1:%d/%s", d.port, name)
}

// start runs the daemon on its port and waits until it accepts connections.
func (d *daemon) start(t *testing.T) {
	t.Helper()
	d.cmd = exec.Command("git", "daemon", "--reuseaddr", "--base-path="+d.root, "--export-all",
		"--enable=receive-pack", "--listen=127.0.0.1", fmt.Sprintf("--port=%d", d.port), d.root)
	d.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // so stop ends its children too
	if err := d.cmd.Start(); err != nil {
		t.Fatalf("start git daemon: %v", err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", d.port)
	for deadline := time.Now().Add(waitTimeout); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return
		}
	}
	d.stop()
	t.Fatalf("git daemon not listening on %s", addr)
}

// stop kills the daemon's process group and waits for it.
func (d *daemon) stop() {
	if d.cmd == nil {
		return
	}
	syscall.Kill(-d.cmd.Process.Pid, syscall.SIGKILL)
	d.cmd.Wait()
	d.cmd = nil
}
