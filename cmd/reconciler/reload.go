package main

import (
	"context"
	"errors"
	"flag"
	"log/slog"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/sipops/reconciler/internal/daemon"
)

// reloadable is what a reload (SIGHUP) changes in the running daemon, and
// the one list of the flags it is made of (reloadableFlags): the drift
// mode and interval and the --allow-* gates, which the loop takes, and the
// log level, which the logger takes. Every other flag of run keeps the
// value it had at start until a restart, and a reload that finds one
// changed names it in the log.
type reloadable struct {
	loop     daemon.Settings
	logLevel slog.Level
}

// reloadableFlags names the flags of run a reload applies, those
// reloadableOf reads, and nothing else.
func reloadableFlags() []string {
	return []string{"allow-mass-change", "allow-traffic-loss", "drift", "drift-interval", "log-level"}
}

// reloadableOf returns the reloadable settings of r, parsed and checked.
func reloadableOf(r *runFlags) (reloadable, error) {
	level, err := r.plan.log.parseLevel()
	if err != nil {
		return reloadable{}, err
	}
	return reloadable{
		loop:     daemon.Settings{DriftInterval: r.driftInterval, Drift: daemon.DriftMode(r.drift), Gates: r.plan.gates},
		logLevel: level,
	}, nil
}

// restartOnly names, as --flag and in order, the flags that are not
// reloadable and whose value differs between r, the running daemon's, and
// o: they keep r's value until a restart.
func (r *runFlags) restartOnly(o *runFlags) []string {
	if r.fs == nil || o.fs == nil {
		return nil
	}
	var changed []string
	r.fs.VisitAll(func(f *flag.Flag) {
		g := o.fs.Lookup(f.Name)
		if !slices.Contains(reloadableFlags(), f.Name) && g != nil && g.Value.String() != f.Value.String() {
			changed = append(changed, "--"+f.Name)
		}
	})
	return changed
}

// forwardReloads turns each SIGHUP into a reload: the flags are parsed
// again with the environment file re-read, the settings a running daemon
// can change are handed to the loop, and the loop sweeps every connector.
// A reload that fails keeps the running settings.
//
// The newest reload wins: one still queued for a loop busy with a pass is
// replaced by the next, never the other way round, and
// config_last_reload_successful says 1 only once the loop has put the
// newest settings in force (0 at once when they fail to parse).
func (d *wired) forwardReloads(ctx context.Context, reload chan daemon.Reload) {
	var newest atomic.Uint64
	for {
		select {
		case <-ctx.Done():
			return
		case <-d.std.Reload:
		}
		d.notifyFailed(d.notify.Reloading())
		d.onReload(reload, &newest)
	}
}

// onReload handles one SIGHUP; newest counts them.
func (d *wired) onReload(reload chan daemon.Reload, newest *atomic.Uint64) {
	n := newest.Add(1)
	r, err := d.reload(func() bool { return newest.Load() == n })
	if err != nil {
		d.log.Error("reload failed, the running settings stay", "err", err)
		d.m.SetReloadSuccessful(false)
	}
	replaceQueued(reload, r)
}

// replaceQueued hands r to the loop, in place of a reload the loop has not
// taken yet. Only forwardReloads sends on reload, so this ends at once.
func replaceQueued(reload chan daemon.Reload, r daemon.Reload) {
	for {
		select {
		case reload <- r:
			return
		default:
		}
		select {
		case <-reload: // older, not applied: replaced
		default:
		}
	}
}

// reload parses the daemon's command line and environment file again,
// once, and returns the reload for the loop: the reloadable settings, and
// the log level and the metric to swap in once the loop has put them in
// force (newest says whether this is still the newest reload). On an
// error nothing changes but the loop still sweeps, as SIGHUP asks.
func (d *wired) reload(newest func() bool) (daemon.Reload, error) {
	next, err := reparse(d.std, d.flags)
	if err != nil {
		return daemon.Reload{}, err
	}
	r, err := reloadableOf(next)
	if err != nil {
		return daemon.Reload{}, err
	}
	if changed := d.flags.restartOnly(next); len(changed) > 0 {
		d.log.Warn("reload: these settings changed but only a restart applies them", "flags", strings.Join(changed, " "))
	}
	return daemon.Reload{Settings: &r.loop, Applied: func() {
		d.flags.plan.log.current.Set(r.logLevel)
		if newest() {
			d.m.SetReloadSuccessful(true)
		}
	}}, nil
}

// reparse parses the daemon's command line again, re-reading the
// environment file (parseReload). What it has to say about bad usage
// becomes the error.
func reparse(std Stdio, f *runFlags) (*runFlags, error) {
	var msgs strings.Builder
	std.Err = &msgs
	next, err := parseReload(std, f.args)
	if err != nil {
		usageExit(next.fs, err, exitUsage)
		return nil, errors.New(strings.TrimSpace(msgs.String()))
	}
	return next, nil
}
