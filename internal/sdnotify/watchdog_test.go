package sdnotify_test

import (
	"context"
	"os"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sipops/reconciler/internal/sdnotify"
)

func TestWatchdogInterval(t *testing.T) {
	self := strconv.Itoa(os.Getpid())
	other := strconv.Itoa(os.Getpid() + 1)
	tests := []struct {
		name   string
		usec   string
		pid    string
		want   time.Duration
		wantOK bool
	}{
		{"half of WATCHDOG_USEC", "60000000", self, 30 * time.Second, true},
		{"WATCHDOG_PID unset", "60000000", "", 30 * time.Second, true},
		{"WATCHDOG_PID of another process", "60000000", other, 0, false},
		{"WATCHDOG_PID not a number", "60000000", "main", 0, false},
		{"no WATCHDOG_USEC", "", self, 0, false},
		{"zero", "0", self, 0, false},
		{"negative", "-5", self, 0, false},
		{"not a number", "60s", self, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, env := pathSocket(t)
			env["WATCHDOG_USEC"] = tt.usec
			env["WATCHDOG_PID"] = tt.pid
			got, ok := sdnotify.New(getenv(env)).WatchdogInterval()
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("got %v, %v, want %v, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

// TestRunWatchdog pings while healthy, pauses while unhealthy, resumes on
// recovery and returns when the context ends.
func TestRunWatchdog(t *testing.T) {
	c, env := pathSocket(t)
	env["WATCHDOG_USEC"] = "40000" // a ping every 20ms
	env["WATCHDOG_PID"] = strconv.Itoa(os.Getpid())
	n := sdnotify.New(getenv(env))
	var healthy atomic.Bool
	var refusals atomic.Int32 // calls that returned false
	healthy.Store(true)
	check := func() bool {
		ok := healthy.Load()
		if !ok {
			refusals.Add(1)
		}
		return ok
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { n.RunWatchdog(ctx, check); close(done) }()

	for range 3 {
		if got := c.Recv(t); got != "WATCHDOG=1" {
			t.Fatalf("got %q, want WATCHDOG=1", got)
		}
	}

	healthy.Store(false)
	// Once a check has said unhealthy, any ping from an earlier check has
	// been sent (checks and pings run in order on one goroutine): drop it,
	// then no more may come.
	for refusals.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	c.Drain(10 * time.Millisecond)
	if got := c.Drain(150 * time.Millisecond); got != 0 {
		t.Errorf("got %d pings while unhealthy, want 0", got)
	}

	healthy.Store(true)
	if got := c.Recv(t); got != "WATCHDOG=1" {
		t.Fatalf("after recovery got %q, want WATCHDOG=1", got)
	}

	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("RunWatchdog did not return after cancel")
	}
	c.Drain(10 * time.Millisecond)
	if got := c.Drain(100 * time.Millisecond); got != 0 {
		t.Errorf("got %d pings after return, want 0", got)
	}
}

func TestRunWatchdogNoWatchdog(t *testing.T) {
	_, env := pathSocket(t)
	env["WATCHDOG_USEC"] = "40000"
	env["WATCHDOG_PID"] = strconv.Itoa(os.Getpid() + 1)
	done := make(chan struct{})
	go func() { sdnotify.New(getenv(env)).RunWatchdog(t.Context(), nil); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("RunWatchdog blocked though the watchdog is another process's")
	}
}
