package sdnotify

import (
	"fmt"
	"net"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// sendTimeout bounds the send of one message.
const sendTimeout = time.Second

// Notifier sends sd_notify messages to $NOTIFY_SOCKET; with no socket every
// method is a no-op returning nil. It is safe for concurrent use: it keeps
// no connection, each message dials the socket afresh.
type Notifier struct {
	addr     *net.UnixAddr // nil when there is no socket
	addrErr  error         // a $NOTIFY_SOCKET this package cannot use
	watchdog int64         // WATCHDOG_USEC meant for this process, 0 if none
}

// New reads NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID through getenv
// (os.Getenv in the daemon). A NOTIFY_SOCKET that is neither an absolute
// path nor "@name" makes every send fail rather than be silently dropped:
// systemd would not have set it, so someone misconfigured the environment.
func New(getenv func(string) string) *Notifier {
	n := &Notifier{}
	switch s := getenv("NOTIFY_SOCKET"); {
	case s == "":
	case strings.HasPrefix(s, "/"), strings.HasPrefix(s, "@") && len(s) > 1:
		// The net package turns a leading '@' into the NUL byte that
		// marks a Linux abstract socket name.
		n.addr = &net.UnixAddr{Name: s, Net: "unixgram"}
	default:
		n.addrErr = fmt.Errorf("sdnotify: unsupported NOTIFY_SOCKET %q: want an absolute path or @name", s)
	}
	n.watchdog = watchdogUsec(getenv)
	return n
}

// Ready tells systemd start-up (or a reload) is complete. An empty status
// sends READY=1 alone.
func (n *Notifier) Ready(status string) error {
	if status == "" {
		return n.send("READY=1")
	}
	return n.send("READY=1\nSTATUS=" + oneLine(status))
}

// Reloading tells systemd a reload started; send Ready when it ends.
// systemd 253 and later require MONOTONIC_USEC with RELOADING=1 under
// Type=notify-reload, to tell this reload from a stale message; older
// versions ignore the extra field, so it is always sent.
func (n *Notifier) Reloading() error {
	if n.addr == nil && n.addrErr == nil {
		return nil
	}
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts); err != nil {
		return fmt.Errorf("sdnotify: read CLOCK_MONOTONIC: %w", err)
	}
	usec := ts.Sec*1_000_000 + ts.Nsec/1_000
	return n.send(fmt.Sprintf("RELOADING=1\nMONOTONIC_USEC=%d", usec))
}

// Stopping tells systemd shutdown began, so "systemctl status" shows it
// while in-flight API calls drain.
func (n *Notifier) Stopping() error { return n.send("STOPPING=1") }

// Status sets the free-form one-line status shown by "systemctl status".
func (n *Notifier) Status(status string) error { return n.send("STATUS=" + oneLine(status)) }

// Watchdog pings the service watchdog.
func (n *Notifier) Watchdog() error { return n.send("WATCHDOG=1") }

// send writes msg as one datagram: the protocol has no framing beyond the
// datagram, so a message split over two writes would be two messages.
func (n *Notifier) send(msg string) error {
	if n.addrErr != nil {
		return n.addrErr
	}
	if n.addr == nil {
		return nil
	}
	c, err := net.DialUnix("unixgram", nil, n.addr)
	if err != nil {
		return fmt.Errorf("sdnotify: dial %s: %w", n.addr.Name, err)
	}
	defer c.Close()
	// A datagram to a socket whose queue is full blocks: a systemd too busy
	// to read must not wedge the loop that reports a pass.
	if err := c.SetWriteDeadline(time.Now().Add(sendTimeout)); err != nil {
		return fmt.Errorf("sdnotify: send to %s: %w", n.addr.Name, err)
	}
	if _, err := c.Write([]byte(msg)); err != nil {
		return fmt.Errorf("sdnotify: send to %s: %w", n.addr.Name, err)
	}
	return nil
}

// oneLine keeps a status from injecting further KEY=VALUE lines (a STATUS
// built from an error message could otherwise carry "\nREADY=1").
func oneLine(s string) string {
	return strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
}
