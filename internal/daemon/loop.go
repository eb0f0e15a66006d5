package daemon

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/sipops/reconciler/internal/diff"
	"github.com/sipops/reconciler/internal/reconcile"
	"github.com/sipops/reconciler/internal/schema"
	"github.com/sipops/reconciler/internal/source"
	"github.com/sipops/reconciler/internal/suspension"
)

// Loop defaults.
const (
	DefaultDriftInterval   = 5 * time.Minute
	DefaultRetryBase       = 10 * time.Second
	DefaultRetryMax        = 10 * time.Minute
	DefaultShutdownTimeout = 30 * time.Second
)

// Engine is what the loop needs of the plan and apply engine (package
// reconcile).
type Engine interface {
	Plan(ctx context.Context, revision string, desired []schema.DesiredConnector) (*reconcile.Planned, error)
	Apply(ctx context.Context, p *reconcile.Planned, opts reconcile.ApplyOptions) (*reconcile.Result, error)
}

var _ Engine = (*reconcile.Engine)(nil)

// Muter is what a pass asks of the operators' suspensions before it
// writes: whether a connector is suspended, and, right before each write,
// whether it may begin (done is called once it is over).
type Muter interface {
	Mutes(key string) bool
	Begin(key string) (done func(), ok bool)
}

// Suspensions is the operators' suspensions (package suspension): a Muter
// for the passes, and what the loop's Suspend and Resume change.
type Suspensions interface {
	Muter
	Suspend(keys []string, all bool, reason string, by suspension.Operator, managed []string) (made, already []suspension.Suspension, err error)
	Resume(keys []string, all bool, managed []string) (resumed []suspension.Suspension, notSuspended []string, err error)
	AwaitWrites(keys []string, d time.Duration) []string
	List() []suspension.Suspension
}

var _ Suspensions = (*suspension.Book)(nil)

// Options configure a Loop. Zero durations take the defaults.
type Options struct {
	Source string // how operators name the source, e.g. "git https://host/specs.git@main"
	// Engine plans and applies; required.
	Engine Engine
	Schema schema.LoadOptions
	// Load evaluates a revision; nil means schema.Load in this process. The
	// daemon bounds it in time and memory in a child process, which it
	// kills when ctx ends: the loop is stopping.
	Load            func(ctx context.Context, files []schema.File, opts schema.LoadOptions) (*schema.Spec, error)
	DriftInterval   time.Duration
	Drift           DriftMode
	Gates           diff.Gates // what the flags allow; commit trailers may allow more per revision
	RetryBase       time.Duration
	RetryMax        time.Duration
	ShutdownTimeout time.Duration // how long in-flight writes may run after the loop is told to stop
	Recorder        Recorder
	Logger          *slog.Logger
	// Heartbeat is beaten at each turn of the loop and around each
	// evaluation; the daemon also beats it at each API call that returns.
	// Nil: the loop makes its own.
	Heartbeat *Heartbeat
	// Stall is how long the loop may go without progress before Alive
	// reports false: longer than an API call with all its attempts, and
	// than Load, may take. Zero means DefaultStall.
	Stall time.Duration
	// OnPass is called after every pass with the new status, from the loop's
	// goroutine (systemd READY=1 and STATUS=).
	OnPass func(Overview)
	// Election, when set, makes the loop write only during a term of
	// leadership (leadership.go). Nil: the loop always writes, as the
	// only daemon.
	Election Election
	// Suspensions are the operators' suspensions, usually a
	// *suspension.Book on the state directory's file. Nil: a book in
	// memory, lost on exit.
	Suspensions Suspensions
}

// Settings are the options a reload may change while the loop runs.
type Settings struct {
	DriftInterval time.Duration
	Drift         DriftMode
	Gates         diff.Gates
}

// Reload asks for a full sweep, with new settings when not nil.
type Reload struct {
	Settings *Settings
	// Applied, when set, is called by the loop once Settings are in force,
	// before the sweep: a reload queued behind another may be replaced by
	// a newer one and never be applied.
	Applied func()
}

// Loop is the daemon: it applies new revisions, sweeps for drift, retries
// failed connectors, takes the operators' suspensions and resumes, and
// keeps the Overview. Its passes are in pass.go, the connectors' states
// in tracker.go, leader election in leadership.go.
type Loop struct {
	opts  Options
	log   *slog.Logger
	rec   Recorder
	mutes Suspensions
	heart *Heartbeat

	mu       sync.Mutex // guards status, track, settings, term and validKeys, read from other goroutines
	status   Overview   // but its connectors, changes and counts, which track keeps
	track    *tracker
	settings Settings
	term     context.Context // the term of leadership the loop writes in; nil between terms
	// validKeys, with an election: the keys of the newest valid revision,
	// which a standby may be asked to suspend.
	validKeys map[string]bool

	operators sync.Mutex      // one operator's request (suspend, resume) at a time
	resumed   map[string]bool // resumed, not reconciled yet; guarded by mu
	wake      chan struct{}   // a resume happened

	// Owned by Run's goroutine.
	desired map[string]schema.DesiredConnector
	valid   *checked // with an election: the newest valid revision, for a takeover
}

// checked is a revision that passed validation, and its spec.
type checked struct {
	snap *source.Snapshot
	spec *schema.Spec
}

// New returns a Loop; it runs once Run is called.
func New(opts Options) *Loop {
	opts = opts.withDefaults()
	l := &Loop{
		opts: opts, log: opts.Logger, rec: opts.Recorder, mutes: opts.Suspensions, heart: opts.Heartbeat,
		status:    Overview{Source: opts.Source, Drift: opts.Drift},
		track:     newTracker(retryPolicy{base: opts.RetryBase, max: opts.RetryMax}),
		settings:  Settings{DriftInterval: opts.DriftInterval, Drift: opts.Drift, Gates: opts.Gates},
		validKeys: map[string]bool{}, resumed: map[string]bool{}, wake: make(chan struct{}, 1),
		desired: map[string]schema.DesiredConnector{},
	}
	l.rec.SetSuspensions(l.mutes.List())
	if opts.Election != nil {
		l.status.Election = &ElectionStatus{Identity: opts.Election.Identity(), Since: time.Now()}
	}
	return l
}

func (o Options) withDefaults() Options {
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
		o.Load = func(_ context.Context, files []schema.File, opts schema.LoadOptions) (*schema.Spec, error) {
			return schema.Load(files, opts)
		}
	}
	o.Stall = orDuration(o.Stall, DefaultStall)
	if o.Heartbeat == nil {
		o.Heartbeat = NewHeartbeat()
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.OnPass == nil {
		o.OnPass = func(Overview) {}
	}
	if o.Suspensions == nil {
		o.Suspensions = suspension.NewBook(nil, nil)
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
//
// With an election, the loop does all that only during a term of
// leadership (leadership.go); between terms it is a standby that
// validates each revision and reads and writes nothing of the Chime API.
func (l *Loop) Run(ctx context.Context, snaps <-chan *source.Snapshot, reload <-chan Reload) error {
	work, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	defer context.AfterFunc(ctx, func() { time.AfterFunc(l.opts.ShutdownTimeout, cancel) })()
	lead := l.leadership(ctx, work)
	defer lead.end()
	drift := time.NewTimer(jitter(l.current().DriftInterval, 0.1))
	defer drift.Stop()
	retry := time.NewTimer(time.Hour)
	defer retry.Stop()
	idle := time.NewTicker(l.opts.Stall / 4) // an idle loop turns, and beats, all the same
	defer idle.Stop()
	for {
		l.heart.Beat()
		select {
		case <-ctx.Done():
			return nil
		case <-idle.C:
			continue
		case term := <-lead.terms:
			if lead.begin(term) {
				drift.Reset(jitter(l.current().DriftInterval, 0.1))
			}
		case <-lead.termDone():
			lead.follow()
		case s := <-snaps:
			l.onSnapshot(lead.pass, s)
		case r := <-reload:
			l.reconfigure(r.Settings)
			if r.Applied != nil {
				r.Applied()
			}
			l.sweep(lead.pass, TriggerReload)
			drift.Reset(jitter(l.current().DriftInterval, 0.1))
		case <-drift.C:
			l.sweep(lead.pass, TriggerDrift)
			drift.Reset(jitter(l.current().DriftInterval, 0.1))
		case <-retry.C:
			l.retry(lead.pass)
		case <-l.wake:
			l.reconcileResumed(lead.pass)
		}
		retry.Reset(l.nextRetry(lead.pass))
	}
}

// jitter spreads d by ±frac so that many daemons do not sweep in step.
func jitter(d time.Duration, frac float64) time.Duration {
	return time.Duration(float64(d) * (1 + frac*(2*rand.Float64()-1)))
}

// current returns the settings in force; a reload may change them.
func (l *Loop) current() Settings {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.settings
}

// reconfigure puts new settings in force, with defaults for zero values.
func (l *Loop) reconfigure(s *Settings) {
	if s == nil {
		return
	}
	s.DriftInterval = orDuration(s.DriftInterval, DefaultDriftInterval)
	if s.Drift == "" {
		s.Drift = DriftCorrect
	}
	l.update(func(o *Overview) { l.settings, o.Drift = *s, s.Drift })
	l.log.Info("settings reloaded", "drift", string(s.Drift), "drift_interval", s.DriftInterval,
		"allow_mass_change", s.Gates.AllowMassChange, "allow_traffic_loss", s.Gates.AllowTrafficLoss)
}

// revision is the revision in force, "" before the first.
func (l *Loop) revision() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.revisionLocked()
}

func (l *Loop) revisionLocked() string {
	if l.status.LastGood == nil {
		return ""
	}
	return l.status.LastGood.ID
}

// update changes the status under the lock.
func (l *Loop) update(f func(*Overview)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f(&l.status)
}

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

// Log attribute keys.
const (
	attrRevision      = "revision"
	attrTrigger       = "trigger"
	attrKey           = "connector"
	attrID            = "id"
	attrErr           = "err"
	attrBy            = "by"
	attrUID           = "uid"
	attrReason        = "reason"
	attrRevisionError = "errors"
)
