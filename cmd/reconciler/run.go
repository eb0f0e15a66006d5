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

	"github.com/sipops/reconciler/internal/httpapi"
	"github.com/sipops/reconciler/internal/metrics"
	"github.com/sipops/reconciler/internal/reconcile"
	"github.com/sipops/reconciler/internal/sdnotify"
	"github.com/sipops/reconciler/internal/source"
	"github.com/sipops/reconciler/internal/statuspage"
)

func runRun(ctx context.Context, std Stdio, args []string) int {
	f, code := parseRun(std, args)
	if code >= 0 {
		return code
	}
	f.args = args
	if err := daemon(ctx, std, f); err != nil {
		fmt.Fprintf(std.Err, "run: %v\n", err)
		return exitFailure
	}
	return exitOK
}

// parseRun parses the daemon's flags: the command line first, then the
// environment file given by --env-file, then the process environment.
func parseRun(std Stdio, args []string) (*runFlags, int) {
	parseOnce := func(std Stdio) (*runFlags, int) {
		f := &runFlags{}
		fs := newFlags(std, "run", "--source DIR | --git-url URL [flags]",
			"Run the daemon: apply each new revision of the specs, sweep for drift, export metrics.\n"+
				"SIGHUP re-reads --env-file and sweeps every connector; SIGTERM lets writes in flight finish, then exits 0.")
		f.register(fs)
		if code := parse(fs, args, std, exitUsage); code >= 0 {
			return nil, code
		}
		if msg := f.check(); msg != "" {
			return nil, usageErrorf(fs, exitUsage, "%s", msg)
		}
		f.expandFiles(std.Getenv)
		return f, -1
	}
	f, code := parseOnce(std)
	if code >= 0 || f.envFile == "" {
		return f, code
	}
	env, err := readEnvFile(f.envFile)
	if err != nil {
		fmt.Fprintf(std.Err, "run: %v\n", err)
		return nil, exitUsage
	}
	std.Getenv = withEnvFile(env, std.Getenv)
	return parseOnce(std)
}

// daemon wires the parts together and runs them until ctx ends.
func daemon(ctx context.Context, std Stdio, f *runFlags) error {
	log := f.plan.aws.logger(std)
	reg := prometheus.NewRegistry()
	m := metrics.New(reg)
	client, err := f.plan.aws.client(ctx, f.plan.spec.region, log.With("component", "chime"), m)
	if err != nil {
		return err
	}
	var loop *reconcile.Loop // set below, before the source is watched
	src, err := newSource(std, f, log.With("component", "source"), func(err error) {
		m.SourceFetched(err, time.Now())
		loop.SourceFetched(err)
	})
	if err != nil {
		return err
	}
	notify := sdnotify.New(std.Getenv)
	sb, err := newSandbox(f.specTimeout, f.specMemory<<20)
	if err != nil {
		return err
	}
	opts := f.plan.spec.options()
	opts.DefaultRegion = client.DefaultRegion()
	engine := reconcile.New(client, log.With("component", "apply"), f.plan.aws.concurrency)
	f.plan.pre.setup(engine, m.PreflightDone)
	loop = reconcile.NewLoop(engine, reconcile.LoopOptions{
		Source: src.name, Schema: opts, DriftInterval: f.driftInterval, Drift: reconcile.DriftMode(f.drift),
		Gates: f.plan.gates, ShutdownTimeout: f.shutdownTimeout, Recorder: m, Logger: log.With("component", "loop"),
		Load:   sb.load,
		OnPass: systemdStatus(notify, log),
	})
	secret, err := readSecret(f.webhookSecretFile)
	if err != nil {
		return err
	}
	srv, err := httpapi.NewServer(httpapi.ServerOptions{
		Addr: f.listen, Gatherer: reg, Status: func() any { return loop.Overview() }, Ready: loop.Ready,
		Page:          statuspage.New(loop.Overview, 10*time.Second),
		WebhookSecret: secret, OnWebhook: src.poke, Logger: log.With("component", "http"),
	})
	if err != nil {
		return err
	}
	if err := srv.Listen(); err != nil {
		return err
	}
	if f.onListen != nil {
		f.onListen(srv.Addr())
	}
	log.Info("started", "source", src.name, "listen", srv.Addr(), "drift", f.drift, "drift_interval", f.driftInterval)
	return supervise(ctx, std, f, log, notify, m, loop, src, srv)
}

// supervise runs the source, the loop and the HTTP server until ctx ends,
// then stops them in order: no new work, writes in flight finish, exit. If
// the source or the server fails (a spec directory that does not exist, a
// port taken), everything stops and the daemon exits with that error rather
// than running on with nothing to apply.
func supervise(ctx context.Context, std Stdio, f *runFlags, log *slog.Logger, notify *sdnotify.Notifier, m *metrics.Metrics, loop *reconcile.Loop, src *specSource, srv *httpapi.Server) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	snaps := make(chan *source.Snapshot, 1)
	reload := make(chan reconcile.Reload, 1)
	done := make(chan struct{}, 2)
	for _, run := range []func(context.Context) error{
		func(ctx context.Context) error { return src.watch(ctx, snaps) },
		srv.Serve,
	} {
		go func() {
			if err := run(ctx); err != nil {
				cancel(err)
			}
			done <- struct{}{}
		}()
	}
	go forwardReloads(ctx, std, f, reload, notify, m, log)
	go notify.RunWatchdog(ctx, func() bool { return true })
	loopErr := loop.Run(ctx, snaps, reload)
	notify.Stopping()
	log.Info("stopping")
	cancel(nil)
	<-done
	<-done
	if err := context.Cause(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return loopErr
}

// systemdStatus reports each pass to systemd: READY=1 after the first one
// (a connector that failed in it does not hold the start back: it shows in
// the counts), and a STATUS= line with the revision and the counts.
func systemdStatus(n *sdnotify.Notifier, log *slog.Logger) func(reconcile.Overview) {
	return func(o reconcile.Overview) {
		rev := "none"
		if o.LastGood != nil {
			rev = shortRev(o.LastGood.ID)
		}
		status := fmt.Sprintf("revision %s: %d in sync, %d drifted, %d failed, %d pending", rev,
			o.Counts[reconcile.StateInSync], o.Counts[reconcile.StateDrifted], o.Counts[reconcile.StateFailed], o.Counts[reconcile.StatePending])
		var err error
		if !o.LastSync.IsZero() {
			err = n.Ready(status)
		} else {
			err = n.Status(status)
		}
		if err != nil {
			log.Warn("systemd notify failed", "err", err)
		}
	}
}

func shortRev(r string) string {
	r = strings.TrimPrefix(r, "sha256:")
	return r[:min(len(r), 12)]
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
