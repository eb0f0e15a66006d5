package control

import (
	"context"
	"errors"
	"maps"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sipops/reconciler/internal/daemon"
	"github.com/sipops/reconciler/internal/suspension"
)

// fakeLoop manages the connectors it is given and keeps suspensions in a map.
type fakeLoop struct {
	managed []string

	mu  sync.Mutex
	sus map[string]suspension.Suspension
}

var _ Suspender = (*fakeLoop)(nil)

func newFakeLoop(managed ...string) *fakeLoop {
	return &fakeLoop{managed: managed, sus: map[string]suspension.Suspension{}}
}

func (f *fakeLoop) check(keys []string) error {
	var unknown []string
	for _, k := range keys {
		if !slices.Contains(f.managed, k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		return &suspension.UnknownError{Keys: unknown, Managed: f.managed}
	}
	return nil
}

func (f *fakeLoop) Suspend(keys []string, all bool, reason string, by suspension.Operator) (suspension.Result, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if all {
		keys = f.managed
	}
	var r suspension.Result
	if err := f.check(keys); err != nil {
		return r, err
	}
	for _, k := range keys {
		if s, ok := f.sus[k]; ok {
			r.Already = append(r.Already, s)
			continue
		}
		f.sus[k] = suspension.Suspension{Key: k, Reason: reason, By: by, Since: time.Now()}
		r.Made = append(r.Made, f.sus[k])
	}
	return r, nil
}

func (f *fakeLoop) Resume(keys []string, all bool, _ suspension.Operator) (resumed []suspension.Suspension, not []string, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if all {
		keys = f.managed
	}
	if err := f.check(keys); err != nil {
		return nil, nil, err
	}
	for _, k := range keys {
		if s, ok := f.sus[k]; ok {
			resumed = append(resumed, s)
			delete(f.sus, k)
		} else {
			not = append(not, k)
		}
	}
	return resumed, not, nil
}

func (f *fakeLoop) Overview() daemon.Overview {
	f.mu.Lock()
	defer f.mu.Unlock()
	o := daemon.Overview{Source: "dir /srv/specs", Counts: map[daemon.ConnectorState]int{daemon.StateSuspended: len(f.sus)}}
	for _, k := range slices.Sorted(maps.Keys(f.sus)) {
		o.Suspensions = append(o.Suspensions, f.sus[k])
	}
	return o
}

// serve starts a server of loop on a socket in a new directory and
// returns its path; the server stops with the test.
func serve(t *testing.T, loop Suspender) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), SocketName)
	s := NewServer(path, loop, nil)
	if err := s.Listen(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return path
}

func TestSocketMode(t *testing.T) {
	path := serve(t, newFakeLoop())
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	if fi.Mode().Type() != os.ModeSocket || fi.Mode().Perm() != 0o600 || int(st.Uid) != os.Getuid() {
		t.Errorf("socket: got mode %v, owner %d; want a socket, 0600, owned by %d", fi.Mode(), st.Uid, os.Getuid())
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".control-*")); len(left) != 0 {
		t.Errorf("left behind: %v", left)
	}
}

// TestRequests: each command over a real socket, the peer told by the
// kernel, and the refusals.
func TestRequests(t *testing.T) {
	loop := newFakeLoop("sbc-east", "sbc-west")
	path := serve(t, loop)
	ctx := t.Context()

	resp, err := Do(ctx, path, Request{Command: CommandSuspend, Keys: []string{"sbc-east"}, Reason: "INC-4242", SudoUser: "alice"})
	if err != nil || len(resp.Suspended) != 1 {
		t.Fatalf("suspend: got %+v, %v", resp, err)
	}
	by := resp.Suspended[0].By
	if by.UID != uint32(os.Getuid()) || by.User == "" || resp.Suspended[0].Reason != "INC-4242" {
		t.Errorf("suspended by %+v, want uid %d", by, os.Getuid())
	}
	if os.Getuid() == 0 && (by.User != "root" || by.SudoUser != "alice") {
		t.Errorf("as root: got %+v, want root with sudo user alice", by)
	}

	resp, err = Do(ctx, path, Request{Command: CommandSuspend, All: true})
	if err != nil || len(resp.Suspended) != 1 || resp.Suspended[0].Key != "sbc-west" || len(resp.Already) != 1 {
		t.Errorf("suspend --all: got %+v, %v; want sbc-west made, sbc-east already", resp, err)
	}

	resp, err = Do(ctx, path, Request{Command: CommandStatus})
	if err != nil {
		t.Fatalf("status: %v", err)
	}
	if o, err := daemon.ParseOverview(resp.Overview, nil); err != nil || o.Counts[daemon.StateSuspended] != 2 {
		t.Errorf("status: got %s (%v), want 2 suspended", resp.Overview, err)
	}

	resp, err = Do(ctx, path, Request{Command: CommandResume, Keys: []string{"sbc-east"}})
	if err != nil || len(resp.Resumed) != 1 {
		t.Errorf("resume: got %+v, %v", resp, err)
	}

	_, err = Do(ctx, path, Request{Command: CommandSuspend, Keys: []string{"sbc-east", "sbc-wset"}})
	var de *DaemonError
	if !errors.As(err, &de) || !slices.Equal(de.Unknown, []string{"sbc-wset"}) ||
		err.Error() != `unknown connector "sbc-wset": not in the spec this daemon manages (managed: sbc-east, sbc-west)` {
		t.Errorf("unknown key: got %v", err)
	}
	if loop.Overview().Counts[daemon.StateSuspended] != 1 {
		t.Error("a refused request changed the suspensions")
	}

	for _, tc := range []struct {
		name string
		req  Request
		want string
	}{
		{"no keys", Request{Command: CommandSuspend}, "give connector keys or all, not both or neither"},
		{"keys and all", Request{Command: CommandResume, Keys: []string{"a"}, All: true}, "give connector keys or all, not both or neither"},
		{"unknown command", Request{Command: "restart"}, `unknown command "restart"`},
		{"long reason", Request{Command: CommandSuspend, All: true, Reason: strings.Repeat("x", 2000)}, "the reason is 2000 bytes, more than 1024"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Do(ctx, path, tc.req); err == nil || err.Error() != tc.want {
				t.Errorf("got %v, want %s", err, tc.want)
			}
		})
	}
}

// TestVersion: a request of another version, or not JSON, is refused with
// an answer of this version.
func TestVersion(t *testing.T) {
	path := serve(t, newFakeLoop())
	for _, tc := range []struct{ line, want string }{
		{`{"version":2,"command":"status"}`, `"error":"protocol version 2 is not spoken here (this daemon speaks 1): use the reconciler binary of the daemon's version"`},
		{`status`, `"error":"the request is not JSON: invalid character 's' looking for beginning of value"`},
	} {
		c, err := net.Dial("unix", path)
		if err != nil {
			t.Fatal(err)
		}
		c.Write([]byte(tc.line + "\n"))
		b := make([]byte, 4096)
		n, _ := c.Read(b)
		c.Close()
		if got := string(b[:n]); !strings.HasPrefix(got, `{"version":1,`) || !strings.Contains(got, tc.want) || !strings.HasSuffix(got, "}\n") {
			t.Errorf("%s: got %s, want one line with version 1 and %s", tc.line, got, tc.want)
		}
	}
}

// TestDoErrors: what a command says when it cannot reach a daemon.
func TestDoErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "control.sock")
	_, err := Do(t.Context(), missing, Request{Command: CommandStatus})
	if !errors.Is(err, ErrNotRunning) || err.Error() != "is the daemon running? no control socket at "+missing {
		t.Errorf("no socket: got %v", err)
	}
	stale := staleSocket(t, dir)
	_, err = Do(t.Context(), stale, Request{Command: CommandStatus})
	if !errors.Is(err, ErrNotRunning) || !strings.Contains(err.Error(), "nothing answers on the control socket "+stale) {
		t.Errorf("stale socket: got %v", err)
	}
	if e := dialError("/run/x.sock", &net.OpError{Op: "dial", Err: os.NewSyscallError("connect", syscall.EACCES)}); !errors.Is(e, ErrPermission) ||
		e.Error() != "permission denied on the control socket /run/x.sock: only the daemon's user and root may use it; run the command with sudo" {
		t.Errorf("EACCES: got %v", e)
	}
}

// staleSocket leaves a socket file nobody listens on, as a daemon killed
// with SIGKILL does.
func staleSocket(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "stale.sock")
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	ln.SetUnlinkOnClose(false)
	ln.Close()
	return path
}

// TestListen: a stale socket is replaced; a live one, a file that is not
// a socket and a path too long for a socket are errors.
func TestListen(t *testing.T) {
	dir := t.TempDir()
	stale := staleSocket(t, dir)
	s := NewServer(stale, newFakeLoop("a"), nil)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx) }()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, err := Do(t.Context(), stale, Request{Command: CommandStatus}); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the stale socket was not replaced")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := NewServer(stale, newFakeLoop(), nil).Listen(); err == nil || !strings.Contains(err.Error(), "another daemon answers on it") {
		t.Errorf("second daemon on one socket: got %v", err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Serve: %v", err)
	}
	if _, err := os.Lstat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("socket after Serve returned: %v, want removed", err)
	}

	file := filepath.Join(dir, "file")
	os.WriteFile(file, nil, 0o600)
	if err := NewServer(file, newFakeLoop(), nil).Listen(); err == nil || err.Error() != "control socket "+file+": the path exists and is not a socket" {
		t.Errorf("a regular file: got %v", err)
	}
	long := filepath.Join(dir, strings.Repeat("d", 120), SocketName)
	if err := NewServer(long, newFakeLoop(), nil).Listen(); err == nil || !strings.Contains(err.Error(), "more than a Unix socket's 107: give a shorter --control-socket") {
		t.Errorf("a long path: got %v", err)
	}
}
