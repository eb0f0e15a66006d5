// Package sdnotify speaks the systemd notify protocol (sd_notify(3)) with
// the standard library and golang.org/x/sys only.
//
// The daemon runs under a unit with Type=notify and WatchdogSec=, so systemd
// needs three things from it: READY=1 once the first snapshot is loaded and
// the HTTP server listens (so "systemctl start" and units ordered after it
// wait for a daemon that works, not one that merely forked), RELOADING=1 and
// READY=1 around a SIGHUP reload (so "systemctl reload" reports the reload's
// end), and WATCHDOG=1 at least every WatchdogSec while the loop is healthy
// (so a wedged daemon is restarted instead of silently not reconciling:
// the daemon's healthy function is the loop's heartbeat, see
// reconcile.Loop.Alive).
//
// A send gives up after a second: a datagram to a socket whose queue is
// full blocks, and a systemd too busy to read must not wedge the loop that
// reports its passes.
//
// The protocol is small enough that pulling in coreos/go-systemd is not
// worth a dependency: each message is newline-separated KEY=VALUE pairs in
// one datagram sent to the AF_UNIX socket named by $NOTIFY_SOCKET, a path or
// an abstract name written with a leading "@". Without $NOTIFY_SOCKET (run
// by hand, in tests, in a container) every method is a no-op returning nil,
// so callers never need to ask whether they run under systemd.
//
// Unlike sd_notify(3) with unset_environment, New does not clear
// $NOTIFY_SOCKET: it reads the environment through a getenv function so
// tests can pass their own, and the daemon starts no children that could
// inherit and misuse the socket.
//
// It is internal to the reconciler and has no compatibility promise.
package sdnotify
