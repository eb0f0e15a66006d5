// Package sdnotifytest stands in for systemd's end of the notify protocol
// in tests: a real unixgram socket, bound the way systemd binds its notify
// socket, and the environment that names it as NOTIFY_SOCKET.
//
// It is internal to the reconciler's tests and has no compatibility promise.
package sdnotifytest

import (
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

// Socket is the listening end of a notify socket.
type Socket struct {
	c    *net.UnixConn
	Name string // the path, or "@name" for an abstract socket
}

// Listen binds a unixgram socket named name; it is closed when the test
// ends.
func Listen(t testing.TB, name string) *Socket {
	t.Helper()
	c, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: name, Net: "unixgram"})
	if err != nil {
		t.Fatalf("listen %s: %v", name, err)
	}
	t.Cleanup(func() { c.Close() })
	return &Socket{c: c, Name: name}
}

// Path binds a notify socket in the test's temporary directory; the file
// name is short because sun_path holds only 108 bytes.
func Path(t testing.TB) *Socket {
	t.Helper()
	return Listen(t, filepath.Join(t.TempDir(), "n.sock"))
}

// Env returns the environment systemd gives a service with this socket,
// and, when watchdog is positive, a watchdog of that period meant for this
// process (WATCHDOG_USEC and WATCHDOG_PID).
func (s *Socket) Env(watchdog time.Duration) map[string]string {
	env := map[string]string{"NOTIFY_SOCKET": s.Name}
	if watchdog > 0 {
		env["WATCHDOG_USEC"] = strconv.FormatInt(watchdog.Microseconds(), 10)
		env["WATCHDOG_PID"] = strconv.Itoa(os.Getpid())
	}
	return env
}

// Getenv returns a getenv function reading env.
func Getenv(env map[string]string) func(string) string {
	return func(k string) string { return env[k] }
}

// Recv returns the next datagram, failing the test after five seconds.
func (s *Socket) Recv(t testing.TB) string {
	t.Helper()
	msg, ok := s.RecvWithin(5 * time.Second)
	if !ok {
		t.Fatal("no message on the notify socket within 5s")
	}
	return msg
}

// RecvWithin returns the next datagram, or false if none comes within d.
func (s *Socket) RecvWithin(d time.Duration) (string, bool) {
	if err := s.c.SetReadDeadline(time.Now().Add(d)); err != nil {
		return "", false
	}
	buf := make([]byte, 4096)
	n, err := s.c.Read(buf)
	if err != nil {
		return "", false
	}
	return string(buf[:n]), true
}

// Drain reads datagrams until none arrives for d and returns how many
// came.
func (s *Socket) Drain(d time.Duration) int {
	count := 0
	for {
		if _, ok := s.RecvWithin(d); !ok {
			return count
		}
		count++
	}
}

// Count reads datagrams for d and returns how many of them were msg.
func (s *Socket) Count(msg string, d time.Duration) int {
	count := 0
	for end := time.Now().Add(d); ; {
		left := time.Until(end)
		if left <= 0 {
			return count
		}
		got, ok := s.RecvWithin(left)
		if !ok {
			return count
		}
		if got == msg {
			count++
		}
	}
}

// Message is a datagram and when it came.
type Message struct {
	Text string
	At   time.Time
}

// Recording holds every datagram read since Record, read as they come so
// that the sender never finds the socket's queue full.
type Recording struct {
	mu   sync.Mutex
	msgs []Message
}

// Record reads every datagram from now until the test ends; read the
// socket no other way meanwhile.
func (s *Socket) Record(t testing.TB) *Recording {
	r := &Recording{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 4096)
		for {
			if err := s.c.SetReadDeadline(time.Time{}); err != nil {
				return
			}
			n, err := s.c.Read(buf)
			if err != nil {
				return // closed at the end of the test
			}
			r.mu.Lock()
			r.msgs = append(r.msgs, Message{Text: string(buf[:n]), At: time.Now()})
			r.mu.Unlock()
		}
	}()
	t.Cleanup(func() { s.c.Close(); <-done })
	return r
}

// Count returns how many msg came in [from, to).
func (r *Recording) Count(msg string, from, to time.Time) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, m := range r.msgs {
		if m.Text == msg && !m.At.Before(from) && m.At.Before(to) {
			n++
		}
	}
	return n
}
