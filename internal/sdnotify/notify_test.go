package sdnotify_test

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/sipops/reconciler/internal/sdnotify"
	"github.com/sipops/reconciler/internal/sdnotify/sdnotifytest"
)

func getenv(env map[string]string) func(string) string { return sdnotifytest.Getenv(env) }

// pathSocket is a notify socket in the test's temporary directory and the
// environment naming it.
func pathSocket(t *testing.T) (*sdnotifytest.Socket, map[string]string) {
	s := sdnotifytest.Path(t)
	return s, s.Env(0)
}

func TestMessages(t *testing.T) {
	c, env := pathSocket(t)
	n := sdnotify.New(getenv(env))
	tests := []struct {
		name string
		send func() error
		want string
	}{
		{"ready", func() error { return n.Ready("synced abc123") }, "READY=1\nSTATUS=synced abc123"},
		{"ready without status", func() error { return n.Ready("") }, "READY=1"},
		{"stopping", n.Stopping, "STOPPING=1"},
		{"status", func() error { return n.Status("3 connectors in sync") }, "STATUS=3 connectors in sync"},
		{"status one line", func() error { return n.Status("bad\nREADY=1\r\nx") }, "STATUS=bad READY=1 x"},
		{"watchdog", n.Watchdog, "WATCHDOG=1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.send(); err != nil {
				t.Fatalf("send: %v", err)
			}
			if got := c.Recv(t); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestReloadingSendsMonotonicClock(t *testing.T) {
	c, env := pathSocket(t)
	n := sdnotify.New(getenv(env))
	before := monotonicUsec(t)
	if err := n.Reloading(); err != nil {
		t.Fatalf("Reloading: %v", err)
	}
	after := monotonicUsec(t)
	got := c.Recv(t)
	v, ok := strings.CutPrefix(got, "RELOADING=1\nMONOTONIC_USEC=")
	if !ok {
		t.Fatalf("got %q, want RELOADING=1\\nMONOTONIC_USEC=<usec>", got)
	}
	usec, err := strconv.ParseInt(v, 10, 64)
	if err != nil || usec < before || usec > after {
		t.Errorf("got MONOTONIC_USEC=%s, want an integer in [%d, %d]", v, before, after)
	}
}

func monotonicUsec(t *testing.T) int64 {
	t.Helper()
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts); err != nil {
		t.Fatal(err)
	}
	return ts.Sec*1_000_000 + ts.Nsec/1_000
}

func TestAbstractSocket(t *testing.T) {
	name := fmt.Sprintf("@sdnotify-test-%d-%d", time.Now().UnixNano(), unix.Getpid())
	c := sdnotifytest.Listen(t, name)
	env := c.Env(0)
	if err := sdnotify.New(getenv(env)).Ready("up"); err != nil {
		t.Fatalf("Ready: %v", err)
	}
	if got, want := c.Recv(t), "READY=1\nSTATUS=up"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestNoSocketIsNoop(t *testing.T) {
	n := sdnotify.New(getenv(map[string]string{"WATCHDOG_USEC": "30000000"}))
	for name, send := range map[string]func() error{
		"Ready":     func() error { return n.Ready("x") },
		"Reloading": n.Reloading,
		"Stopping":  n.Stopping,
		"Status":    func() error { return n.Status("x") },
		"Watchdog":  n.Watchdog,
	} {
		if err := send(); err != nil {
			t.Errorf("%s: got %v, want nil", name, err)
		}
	}
	if d, ok := n.WatchdogInterval(); ok {
		t.Errorf("WatchdogInterval: got %v, true, want false without a socket", d)
	}
	n.RunWatchdog(t.Context(), nil) // must return at once, not block the test
}

func TestSendErrors(t *testing.T) {
	tests := []struct {
		name, socket, want string
	}{
		{"relative path", "run/notify", `unsupported NOTIFY_SOCKET "run/notify"`},
		{"bare @", "@", `unsupported NOTIFY_SOCKET "@"`},
		{"nobody listening", filepath.Join(t.TempDir(), "gone.sock"), "sdnotify: dial "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := sdnotify.New(getenv(map[string]string{"NOTIFY_SOCKET": tt.socket}))
			for name, send := range map[string]func() error{"Ready": func() error { return n.Ready("") }, "Reloading": n.Reloading} {
				err := send()
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("%s: got %v, want an error containing %q", name, err, tt.want)
				}
			}
		})
	}
}

// TestSendDoesNotBlock: a notify socket nobody reads fills up; a send to it
// then fails after a bound instead of blocking its caller (the loop reports
// each pass) for good.
func TestSendDoesNotBlock(t *testing.T) {
	_, env := pathSocket(t)
	n := sdnotify.New(getenv(env))
	deadline := time.Now().Add(30 * time.Second)
	for i := 0; ; i++ {
		start := time.Now()
		err := n.Status("pass done")
		if d := time.Since(start); d > 3*time.Second {
			t.Fatalf("send %d took %v", i, d)
		}
		if err != nil {
			t.Logf("send %d to a full socket: %v", i, err)
			if !strings.Contains(err.Error(), "timeout") {
				t.Errorf("got %v, want a timeout", err)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d sends to a socket nobody reads all succeeded", i)
		}
	}
}
