package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sipops/reconciler/internal/chime"
	"github.com/sipops/reconciler/internal/daemon"
	"github.com/sipops/reconciler/internal/httpapi"
	"github.com/sipops/reconciler/internal/leader"
	"github.com/sipops/reconciler/internal/metrics"
	"github.com/sipops/reconciler/internal/sandbox"
	"github.com/sipops/reconciler/internal/sdnotify"
	"github.com/sipops/reconciler/internal/setting"
	"github.com/sipops/reconciler/internal/source"
	"github.com/sipops/reconciler/internal/statusview"
)

func runRun(ctx context.Context, std Stdio, args []string) int {
	f, err := parseRun(std, args)
	if err != nil {
		return usageExit(f.fs, err, exitUsage)
	}
	f.args = args
	if err := runDaemon(ctx, std, f); err != nil {
		fmt.Fprintf(std.Err, "run: %v\n", err)
		return exitFailure
	}
	return exitOK
}

// wired is the daemon with its parts wired together: supervise runs them, then stops them.
type wired struct {
	std     Stdio
	flags   *runFlags
	log     *slog.Logger
	notify  *sdnotify.Notifier
	m       *metrics.Metrics
	kinds   []setting.Kind // the managed settings, on the daemon's client
	heart   *daemon.Heartbeat
	loop    *daemon.Loop
	src     *specSource
	srv     *httpapi.Server
	elector *leader.Elector // nil without --leader-election-etcd
	ctl     *daemonControl
}

var _ daemon.Election = (*leader.Elector)(nil)

// runDaemon wires the parts together and runs them until ctx ends.
func runDaemon(ctx context.Context, std Stdio, f *runFlags) error {
	d, err := newDaemon(ctx, std, f)
	if err != nil {
		return err
	}
	if err := d.srv.Listen(); err != nil {
		return err
	}
	if err := d.ctl.srv.Listen(); err != nil {
		return err
	}
	if f.onListen != nil {
		f.onListen(d.srv.Addr())
	}
	d.log.Info("started", "source", d.src.name, "listen", d.srv.Addr(), "control", d.ctl.srv.Path(), "drift", f.drift, "drift_interval", f.driftInterval)
	if d.elector != nil {
		d.log.Info("leader election on etcd: writing only while leading", "endpoints", strings.Join(f.election.endpoints, ","),
			"key", f.election.key, "identity", d.elector.Identity(), "ttl", f.election.ttl)
	}
	return d.supervise(ctx)
}

// newDaemon builds every part of the daemon; nothing runs yet.
func newDaemon(ctx context.Context, std Stdio, f *runFlags) (*wired, error) {
	log, err := f.plan.log.logger(std)
	if err != nil {
		return nil, err
	}
	reg := prometheus.NewRegistry()
	d := &wired{std: std, flags: f, log: log, m: metrics.New(reg), heart: daemon.NewHeartbeat()}
	// Every API call that returns is progress, for the watchdog.
	client, err := f.plan.api.client(ctx, f.plan.spec.region, log.With("component", "chime"), chime.Observers{d.m, chime.Progress(d.heart.Beat)})
	if err != nil {
		return nil, err
	}
	if d.kinds, err = f.plan.kinds(client, log.With("component", "apply"), d.m.PreflightDone); err != nil {
		return nil, err
	}
	d.m.SetSettings(setting.Names(d.kinds))
	d.src, err = newSource(std, f, log.With("component", "source"), func(err error) {
		d.m.SourceFetched(err, time.Now())
		d.loop.SourceFetched(err) // set below, before the source is watched
	})
	if err != nil {
		return nil, err
	}
	d.notify = sdnotify.New(std.Getenv)
	if f.election.enabled() {
		opts := f.election.options(f.listen, log.With("component", "leader"), d.m)
		if d.elector, err = leader.New(opts); err != nil {
			return nil, err
		}
		d.m.SetElection(f.election.key)
	}
	if d.ctl, err = newDaemonControl(std, f, log); err != nil {
		return nil, err
	}
	if d.loop, err = d.newLoop(client); err != nil {
		return nil, err
	}
	d.ctl.serve(d.loop, log.With("component", "control"))
	if d.srv, err = d.newServer(reg); err != nil {
		return nil, err
	}
	return d, nil
}

// newLoop returns the loop, evaluating each revision in a bounded child
// process.
func (d *wired) newLoop(client *chime.Client) (*daemon.Loop, error) {
	f := d.flags
	sb, err := sandbox.New(f.specTimeout, f.specMemory<<20, f.plan.spec.settings.args()...)
	if err != nil {
		return nil, err
	}
	opts := f.plan.spec.options(d.kinds)
	opts.DefaultRegion = client.DefaultRegion()
	lo := daemon.Options{
		Source: d.src.name, Engine: f.plan.engine(client, d.log.With("component", "apply")),
		Schema: opts, Load: sb.Load,
		DriftInterval: f.driftInterval, Drift: daemon.DriftMode(f.drift), Gates: f.plan.gates,
		ShutdownTimeout: f.shutdownTimeout, Recorder: d.m, Logger: d.log.With("component", "loop"),
		Heartbeat: d.heart, Stall: f.stall(), OnPass: d.reportPass,
		Suspensions: d.ctl.book, // the control socket's, kept in the state directory
	}
	if d.elector != nil {
		lo.Election = d.elector
	}
	return daemon.New(lo), nil
}

// newServer returns the HTTP server of the metrics, the status and the
// webhook; it does not listen yet.
func (d *wired) newServer(reg *prometheus.Registry) (*httpapi.Server, error) {
	secret, err := readSecret(d.flags.webhookSecretFile)
	if err != nil {
		return nil, err
	}
	return httpapi.NewServer(httpapi.ServerOptions{
		Addr: d.flags.listen, Gatherer: reg, Status: func() any { return d.loop.Overview() }, Ready: d.loop.Ready,
		Page:          statusview.New(d.loop.Overview, 10*time.Second, d.kinds),
		WebhookSecret: secret, OnWebhook: d.src.poke, Logger: d.log.With("component", "http"),
	})
}

// supervise runs the source, the loop and the HTTP server until ctx ends,
// then stops them in order: no new work, writes in flight finish, exit. If
// the source or the server fails (a spec directory that does not exist, a
// port taken), everything stops and the daemon exits with that error rather
// than running on with nothing to apply.
func (d *wired) supervise(ctx context.Context) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	snaps := make(chan *source.Snapshot, 1)
	reload := make(chan daemon.Reload, 1)
	runs := []func(context.Context) error{
		func(ctx context.Context) error { return d.src.watch(ctx, snaps) },
		d.srv.Serve,
		d.ctl.srv.Serve,
	}
	done := make(chan struct{}, len(runs))
	for _, run := range runs {
		go func() {
			if err := run(ctx); err != nil {
				cancel(err)
			}
			done <- struct{}{}
		}()
	}
	go d.forwardReloads(ctx, reload)
	// The watchdog pings only while the loop makes progress: systemd
	// restarts a daemon wedged in a pass or an evaluation.
	go d.notify.RunWatchdog(ctx, d.loop.Alive)
	resign := d.campaign(ctx)
	loopErr := d.loop.Run(ctx, snaps, reload)
	resign()
	d.notifyFailed(d.notify.Stopping())
	d.log.Info("stopping")
	cancel(nil)
	for range runs {
		<-done
	}
	if err := context.Cause(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return loopErr
}

// campaign runs the leader election, if any, until the returned function
// is called: the loop has returned, so no write is in flight, and the
// elector revokes its lease for a standby to take over at once.
func (d *wired) campaign(ctx context.Context) (resign func()) {
	if d.elector == nil {
		return func() {}
	}
	ectx, stop := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		d.elector.Run(ectx)
		close(done)
	}()
	return func() {
		stop()
		<-done
	}
}

// notifyFailed logs a failed message to systemd: the daemon runs on
// without it, as it would without systemd.
func (d *wired) notifyFailed(err error) {
	if err != nil {
		d.log.Warn("systemd notify failed", "err", err)
	}
}

// reportPass reports each pass to systemd: READY=1 after the first one
// (a connector that failed in it does not hold the start back: it shows in
// the counts), and a STATUS= line with the revision and the counts.
// A standby is ready once it has validated a revision it can take over with.
func (d *wired) reportPass(o daemon.Overview) {
	if o.Ready {
		d.notifyFailed(d.notify.Ready(statusview.Line(o)))
	} else {
		d.notifyFailed(d.notify.Status(statusview.Line(o)))
	}
}

// readSecret reads a secret file; "" means none.
func readSecret(path string) ([]byte, error) {
	if path == "" {
		return nil, nil
	}
	b, err := os.ReadFile(filepath.Clean(path))
	if err != nil {
		return nil, fmt.Errorf("read webhook secret: %w", err)
	}
	s := []byte(strings.TrimSpace(string(b)))
	if len(s) == 0 {
		return nil, fmt.Errorf("webhook secret file %s is empty", path)
	}
	return s, nil
}

// specSource is the daemon's source of revisions: a directory or git.
type specSource struct {
	name  string
	watch func(ctx context.Context, out chan<- *source.Snapshot) error
	poke  func() // the webhook: fetch now (git only)
}

// newSource returns the source; onFetch is told the outcome of every fetch.
func newSource(std Stdio, f *runFlags, log *slog.Logger, onFetch func(error)) (*specSource, error) {
	if f.gitURL == "" {
		l := source.NewLocal(f.plan.spec.source, source.LocalOptions{Logger: log, OnFetch: onFetch})
		return &specSource{name: "dir " + f.plan.spec.source, watch: l.Watch, poke: func() {}}, nil
	}
	state, err := f.state(std.Getenv)
	if err != nil {
		return nil, err
	}
	g, err := source.NewGit(source.GitOptions{
		URL: f.gitURL, Ref: f.gitRef, Path: f.gitPath, Dir: filepath.Join(state, "git"),
		SSHKeyFile: f.gitSSHKey, KnownHostsFile: f.gitKnown, TokenFile: f.gitTokenFile, VerifyKeyring: f.gitKeys,
		Interval: f.gitInterval, Logger: log, OnFetch: onFetch,
	})
	if err != nil {
		return nil, err
	}
	trigger := make(chan struct{}, 1)
	return &specSource{
		name:  "git " + g.String(),
		watch: func(ctx context.Context, out chan<- *source.Snapshot) error { return g.Watch(ctx, out, trigger) },
		poke: func() {
			select {
			case trigger <- struct{}{}:
			default: // a fetch is already due
			}
		},
	}, nil
}
