package daemon

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/sipops/reconciler/internal/chime"
	"github.com/sipops/reconciler/internal/chime/sim"
	"github.com/sipops/reconciler/internal/schema"
	"github.com/sipops/reconciler/internal/sdnotify"
	"github.com/sipops/reconciler/internal/sdnotify/sdnotifytest"
	"github.com/sipops/reconciler/internal/source"
)

// watchdog runs systemd's side of the watchdog against the loop as the
// daemon does: a real notify socket, WatchdogSec of 40ms (a ping every
// 20ms), and pings only while the loop is alive. It records the pings.
func watchdog(t *testing.T, l *Loop) *sdnotifytest.Recording {
	t.Helper()
	s := sdnotifytest.Path(t)
	r := s.Record(t)
	n := sdnotify.New(sdnotifytest.Getenv(s.Env(40 * time.Millisecond)))
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { n.RunWatchdog(ctx, l.Alive); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return r
}

const ping = "WATCHDOG=1"

// pings returns how many pings r holds of the next d.
func pings(r *sdnotifytest.Recording, d time.Duration) int {
	from := time.Now()
	time.Sleep(d)
	return r.Count(ping, from, from.Add(d))
}

// wedged waits until the loop is no longer alive, and for a ping checked
// just before to arrive, and returns how many pings come in the next d.
func wedged(t *testing.T, l *Loop, r *sdnotifytest.Recording, d time.Duration) int {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for l.Alive() {
		if time.Now().After(deadline) {
			t.Fatal("the loop is still alive 10s into the wedge")
		}
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(30 * time.Millisecond)
	return pings(r, d)
}

// TestWatchdogStopsWhileLoadIsWedged: an evaluation of a revision that
// never returns stops the pings once it is older than Stall; they resume
// when it returns. Idle, the loop pings all the same.
func TestWatchdogStopsWhileLoadIsWedged(t *testing.T) {
	release := make(chan struct{})
	var once sync.Once
	unwedge := func() { once.Do(func() { close(release) }) }
	load := func(_ context.Context, files []schema.File, opts schema.LoadOptions) (*schema.Spec, error) {
		<-release // not even the context ends it: a bug, not a slow spec
		return schema.Load(files, opts)
	}
	d := startDaemon(t, 2, sim.Config{}, Options{Load: load, Stall: 300 * time.Millisecond})
	t.Cleanup(unwedge) // runs before the daemon's cleanup, which waits for Run
	r := watchdog(t, d.loop)

	if n := pings(r, 600*time.Millisecond); n < 10 {
		t.Errorf("idle loop: got %d pings in 600ms, want about 30", n)
	}
	d.send(t, "rev1", d.spec(nil), "")
	if n := wedged(t, d.loop, r, 500*time.Millisecond); n != 0 {
		t.Errorf("wedged in Load: got %d pings in 500ms, want none", n)
	}
	unwedge()
	d.waitPass(t)
	if n := pings(r, 300*time.Millisecond); n < 5 {
		t.Errorf("after the wedge: got %d pings in 300ms, want them back", n)
	}
}

// TestWatchdogStopsWhileAPICallIsWedged: an API call that does not return
// (a simulator with an hour of latency, the port's timeouts longer still)
// stops the pings.
func TestWatchdogStopsWhileAPICallIsWedged(t *testing.T) {
	e := newEnv(t, sim.Config{}, chime.ClientOptions{MaxAttempts: 1, Timeout: 2 * time.Hour, CallTimeout: 2 * time.Hour})
	d := startDaemonOn(t, e, 2, Options{Stall: 300 * time.Millisecond})
	r := watchdog(t, d.loop)
	d.send(t, "rev1", d.spec(nil), "")
	d.waitPass(t)
	d.w.Sim.SetLatency(time.Hour, 0)
	d.reload <- Reload{} // a sweep: every connector is read, and no read returns
	if n := wedged(t, d.loop, r, 500*time.Millisecond); n != 0 {
		t.Errorf("wedged in an API call: got %d pings in 500ms, want none", n)
	}
}

// TestAliveDuringLongPass: a pass much longer than Stall is alive as long
// as its API calls return: each one beats.
func TestAliveDuringLongPass(t *testing.T) {
	const stall = 800 * time.Millisecond
	d := startDaemon(t, 32, sim.Config{Latency: 100 * time.Millisecond}, Options{Stall: stall})
	r := watchdog(t, d.loop)
	start := time.Now()
	d.send(t, "rev1", d.spec(nil), "")
	dead := 0
	for time.Since(start) < 2*stall {
		if !d.loop.Alive() {
			dead++
		}
		time.Sleep(5 * time.Millisecond)
	}
	o := d.waitPass(t)
	took := time.Since(start)
	t.Logf("pass of %d connectors took %v", len(o.Connectors), took.Round(time.Millisecond))
	if took < 2*stall {
		t.Errorf("the pass took %v: too short to show anything", took)
	}
	if dead > 0 {
		t.Errorf("the loop was not alive %d times during a pass whose calls all returned", dead)
	}
	if n := r.Count(ping, start, start.Add(2*stall)); n < 30 {
		t.Errorf("got %d pings in the first %v of the pass, want about 80", n, 2*stall)
	}
}

// TestLoadGetsContext: the loop's evaluation of a revision ends when the
// loop is told to stop, and the revision gets no verdict.
func TestLoadGetsContext(t *testing.T) {
	started := make(chan struct{})
	load := func(ctx context.Context, _ []schema.File, _ schema.LoadOptions) (*schema.Spec, error) {
		close(started)
		<-ctx.Done()
		return nil, ctx.Err()
	}
	d := startDaemon(t, 1, sim.Config{}, Options{Load: load})
	go func() { d.snaps <- &source.Snapshot{Revision: "rev1", Files: d.spec(nil)} }()
	<-started
	start := time.Now()
	d.cancel()
	select {
	case err := <-d.done:
		d.done <- err // for the cleanup
	case <-time.After(5 * time.Second):
		t.Fatal("the loop did not stop within 5s of the cancellation")
	}
	t.Logf("stopped %v after the cancellation", time.Since(start).Round(time.Millisecond))
	if o := d.loop.Overview(); len(o.Invalid) != 0 {
		t.Errorf("a cut-short evaluation made the revision invalid: %v", o.Invalid)
	}
}

// startDaemonOn is startDaemon on the simulator and engine of e.
func startDaemonOn(t *testing.T, e env, n int, opts Options) *daemon {
	t.Helper()
	d := &daemon{env: e, snaps: make(chan *source.Snapshot), reload: make(chan Reload, 1), passes: make(chan Overview, 100), done: make(chan error, 1)}
	for _, c := range e.w.Connectors(t, "us-east-1", "vc", n) {
		d.ids = append(d.ids, c.ID)
	}
	opts.OnPass = func(o Overview) { d.passes <- o }
	if opts.Schema.DefaultRegion == "" {
		opts.Schema.DefaultRegion = "us-east-1"
	}
	d.loop = New(e.options(opts))
	ctx, cancel := context.WithCancel(t.Context())
	d.cancel = cancel
	go func() { d.done <- d.loop.Run(ctx, d.snaps, d.reload) }()
	t.Cleanup(func() { cancel(); <-d.done })
	return d
}
