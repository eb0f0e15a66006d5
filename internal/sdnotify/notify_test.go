package sdnotify_test

import (
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/sipops/reconciler/internal/sdnotify"
)

// listen binds a unixgram socket the way systemd binds its notify socket
// and returns it with an environment naming it as NOTIFY_SOCKET.
func listen(t *testing.T, name string) (*net.UnixConn, map[string]string) {
	t.Helper()
	c, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: name, Net: "unixgram"})
	if err != nil {
		t.Fatalf("listen %s: %v", name, err)
	}
	t.Cleanup(func() { c.Close() })
	return c, map[string]string{"NOTIFY_SOCKET": name}
}

// pathSocket is a notify socket in the test's temporary directory; the file
// name is short because sun_path holds only 108 bytes.
func pathSocket(t *testing.T) (*net.UnixConn, map[string]string) {
	return listen(t, filepath.Join(t.TempDir(), "n.sock"))
}

func getenv(env map[string]string) func(string) string {
	return func(k string) string { return env[k] }
}

// recv returns the next datagram, failing after a timeout.
func recv(t *testing.T, c *net.UnixConn) string {
	t.Helper()
	if err := c.SetReadDeadline(time.Now().Add(5 * time.Second)); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4096)
	n, err := c.Read(buf)
	if err != nil {
		t.Fatalf("read notify socket: %v", err)
	}
	return string(buf[:n])
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
			if got := recv(t, c); got != tt.want {
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
	got := recv(t, c)
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
	c, env := listen(t, name)
	if err := sdnotify.New(getenv(env)).Ready("up"); err != nil {
		t.Fatalf("Ready: %v", err)
	}
	if got, want := recv(t, c), "READY=1\nSTATUS=up"; got != want {
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
