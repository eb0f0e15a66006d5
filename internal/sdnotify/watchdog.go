package sdnotify

import (
	"context"
	"os"
	"strconv"
	"time"
)

// watchdogUsec returns WATCHDOG_USEC if the watchdog is meant for this
// process, else 0. systemd sets WATCHDOG_PID to the main PID; a child that
// inherited the environment (or a wrapper script's exec'd process) must not
// take the parent's watchdog as its own.
func watchdogUsec(getenv func(string) string) int64 {
	usec, err := strconv.ParseInt(getenv("WATCHDOG_USEC"), 10, 64)
	if err != nil || usec <= 0 {
		return 0
	}
	if p := getenv("WATCHDOG_PID"); p != "" {
		pid, err := strconv.Atoi(p)
		if err != nil || pid != os.Getpid() {
			return 0
		}
	}
	return usec
}

// WatchdogInterval returns half of WATCHDOG_USEC, the ping interval
// sd_watchdog_enabled(3) recommends so one late ping is not fatal. It
// reports false when there is no watchdog for this process or no socket to
// ping.
func (n *Notifier) WatchdogInterval() (time.Duration, bool) {
	if n.watchdog == 0 || n.addr == nil {
		return 0, false
	}
	return time.Duration(n.watchdog) * time.Microsecond / 2, true
}

// RunWatchdog pings at once and then every WatchdogInterval while healthy()
// is true, until ctx is done; it returns at once when there is no watchdog.
// While healthy() is false it skips pings but keeps checking: a loop stuck
// for longer than WatchdogSec gets the process restarted by systemd, while
// one that recovers in time resumes pinging and is left alone. healthy
// must be cheap and must not block; nil means always healthy. Send errors
// are ignored: the next tick retries, and a socket that stays gone means
// systemd is gone too.
func (n *Notifier) RunWatchdog(ctx context.Context, healthy func() bool) {
	interval, ok := n.WatchdogInterval()
	if !ok {
		return
	}
	ping := func() {
		if healthy == nil || healthy() {
			_ = n.Watchdog()
		}
	}
	ping()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			ping()
		}
	}
}
