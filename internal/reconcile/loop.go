package reconcile

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/sipops/reconciler/internal/diff"
	"github.com/sipops/reconciler/internal/schema"
	"github.com/sipops/reconciler/internal/source"
)

// DriftMode says what a drift sweep does with drift.
type DriftMode string

// Drift modes.
const (
	DriftCorrect DriftMode = "correct" // write the spec back
	DriftReport  DriftMode = "report"  // only report it
)

// Loop defaults.
const (
	DefaultDriftInterval   = 5 * time.Minute
	DefaultRetryBase       = 10 * time.Second
	DefaultRetryMax        = 10 * time.Minute
	DefaultShutdownTimeout = 30 * time.Second
)

// LoopOptions configure a Loop. Zero durations take the defaults.
type LoopOptions struct {
	Source          string // how operators name the source, e.g. "git https://host/specs.git@main"
	Schema          schema.LoadOptions
	DriftInterval   time.Duration
	Drift           DriftMode
	Gates           diff.Gates // what the flags allow; commit trailers may allow more per revision
	RetryBase       time.Duration
	RetryMax        time.Duration
	ShutdownTimeout time.Duration // how long in-flight writes may run after the loop is told to stop
	Recorder        Recorder
	Logger          *slog.Logger
	// Load evaluates a revision; nil means schema.Load in this process. The
	// daemon bounds it in time and memory in a child process.
	Load func([]schema.File, schema.LoadOptions) (*schema.Spec, error)
	// OnPass is called after every pass with the new status, from the loop's
	// goroutine (systemd READY=1 and STATUS=).
	OnPass func(Overview)
}

// Loop is the daemon: it applies new revisions, sweeps for drift, retries
// failed connectors, and keeps the status.
type Loop struct {
	eng  *Engine
	opts LoopOptions
	log  *slog.Logger
	rec  Recorder

	mu       sync.Mutex // guards status, conns and settings, read from other goroutines
	status   Overview
	conns    map[string]*ConnectorStatus
	settings Settings

	// Owned by Run's goroutine.
	desired map[string]schema.DesiredConnector
	synced  bool
}

// NewLoop returns a Loop that reconciles through eng.
func NewLoop(eng *Engine, opts LoopOptions) *Loop {
	opts = opts.withDefaults()
	return &Loop{
		eng: eng, opts: opts, log: opts.Logger, rec: opts.Recorder,
		status:   Overview{Source: opts.Source, Drift: opts.Drift},
		conns:    map[string]*ConnectorStatus{},
		settings: Settings{DriftInterval: opts.DriftInterval, Drift: opts.Drift, Gates: opts.Gates},
		desired:  map[string]schema.DesiredConnector{},
	}
}

func (o LoopOptions) withDefaults() LoopOptions {
	o.DriftInterval = orDuration(o.DriftInterval, DefaultDriftInterval)
	o.RetryBase = orDuration(o.RetryBase, DefaultRetryBase)
	o.RetryMax = orDuration(o.RetryMax, DefaultRetryMax)
	o.ShutdownTimeout = orDuration(o.ShutdownTimeout, DefaultShutdownTimeout)
	if o.Drift == "" {
		o.Drift = DriftCorrect
	}
	if o.Recorder == nil {
		o.Recorder = nopRecorder{}
	}
	if o.Load == nil {
		o.Load = schema.Load
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.OnPass == nil {
		o.OnPass = func(Overview) {}
	}
	return o
}

func orDuration(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// Run reconciles until ctx is done: each snapshot from snaps, a full sweep
// on every drift interval (jittered) and on every reload, and retries of
// failed connectors when their backoff ends. When ctx ends, no new write
// starts; writes in flight get ShutdownTimeout to finish, so that no
// connector is left between its old and new state.
func (l *Loop) Run(ctx context.Context, snaps <-chan *source.Snapshot, reload <-chan Reload) error {
	work, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	defer context.AfterFunc(ctx, func() { time.AfterFunc(l.opts.ShutdownTimeout, cancel) })()
	p := pass{ctx: ctx, work: work}
	drift := time.NewTimer(jitter(l.current().DriftInterval, 0.1))
	defer drift.Stop()
	retry := time.NewTimer(time.Hour)
	defer retry.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case s := <-snaps:
			l.onSnapshot(p, s)
		case r := <-reload:
			l.reconfigure(r.Settings)
			l.sweep(p, TriggerReload)
			drift.Reset(jitter(l.current().DriftInterval, 0.1))
		case <-drift.C:
			l.sweep(p, TriggerDrift)
			drift.Reset(jitter(l.current().DriftInterval, 0.1))
		case <-retry.C:
			l.retry(p)
		}
		retry.Reset(l.nextRetry())
	}
}

// pass carries the two contexts of a pass: ctx stops new work, work bounds
// writes already started.
type pass struct {
	ctx, work context.Context
}

// jitter spreads d by ±frac so that many daemons do not sweep in step.
func jitter(d time.Duration, frac float64) time.Duration {
	return time.Duration(float64(d) * (1 + frac*(2*rand.Float64()-1)))
}

// Overview returns a copy of the loop's state; safe from any goroutine.
func (l *Loop) Overview() Overview {
	l.mu.Lock()
	o := l.status.snapshot(l.conns)
	l.mu.Unlock()
	o.Ready = l.readiness(o) == nil
	return o
}

var (
	errNotSynced = errors.New("no sync done yet")
	errStale     = errors.New("the last sync is older than three drift intervals")
)

// SourceFetched records the outcome of a fetch of the source for /status,
// so that a source that cannot be read (a repository gone, a file over the
// size limit, a symbolic link leaving the directory) shows there and not
// only in the logs. Safe from any goroutine.
func (l *Loop) SourceFetched(err error) {
	l.update(func(s *Overview) {
		s.SourceError = ""
		if err != nil {
			s.SourceError = err.Error()
		}
	})
}
