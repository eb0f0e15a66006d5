package main

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/sipops/reconciler/internal/reconcile"
)

// forwardReloads turns each SIGHUP into a reload: the flags are parsed
// again with the environment file re-read, the settings a running daemon
// can change are handed to the loop, and the loop sweeps every connector.
// A reload that fails keeps the running settings.
func (d *daemon) forwardReloads(ctx context.Context, reload chan<- reconcile.Reload) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-d.std.Reload:
		}
		d.notifyFailed(d.notify.Reloading())
		r := reconcile.Reload{}
		if s, err := d.reload(); err != nil {
			d.log.Error("reload failed, the running settings stay", "err", err)
			d.m.SetReloadSuccessful(false)
		} else {
			r.Settings = &s
			d.m.SetReloadSuccessful(true)
		}
		select {
		case reload <- r:
		default: // one is already queued
		}
	}
}

// reload parses the daemon's command line again, re-reading the
// environment file, applies the new log level and returns the settings
// for the loop. Nothing changes if it fails.
func (d *daemon) reload() (reconcile.Settings, error) {
	next, err := reparse(d.std, d.flags)
	if err != nil {
		return reconcile.Settings{}, err
	}
	level, err := next.plan.log.parseLevel()
	if err != nil {
		return reconcile.Settings{}, err
	}
	if changed := d.flags.restartOnly(next); len(changed) > 0 {
		d.log.Warn("reload: these settings changed but only a restart applies them", "flags", strings.Join(changed, " "))
	}
	d.flags.plan.log.current.Set(level)
	return next.settings(), nil
}

// reparse parses the daemon's command line again, re-reading the
// environment file. Its usage messages become the error.
func reparse(std Stdio, f *runFlags) (*runFlags, error) {
	var msgs strings.Builder
	std.Err = &msgs
	next, code := parseRun(std, f.args)
	if code >= 0 {
		return nil, errors.New(strings.TrimSpace(msgs.String()))
	}
	return next, nil
}

// settings are the flags a reload may change.
func (r *runFlags) settings() reconcile.Settings {
	return reconcile.Settings{DriftInterval: r.driftInterval, Drift: reconcile.DriftMode(r.drift), Gates: r.plan.gates}
}

// restartOnly names the flags that differ between r and o and that only a
// restart applies.
func (r *runFlags) restartOnly(o *runFlags) []string {
	var changed []string
	a, b := r, o
	for name, differs := range map[string]bool{
		"source": a.plan.spec.source != b.plan.spec.source, "git-url": a.gitURL != b.gitURL, "git-ref": a.gitRef != b.gitRef,
		"git-path": a.gitPath != b.gitPath, "listen": a.listen != b.listen, "region": a.plan.spec.region != b.plan.spec.region,
		"endpoint": a.plan.api.endpoint != b.plan.api.endpoint, "api-rate": a.plan.api.apiRate != b.plan.api.apiRate,
		"max-routes": a.plan.spec.maxRoutes != b.plan.spec.maxRoutes, "webhook-secret-file": a.webhookSecretFile != b.webhookSecretFile,
		"state-dir": a.stateDir != b.stateDir, "concurrency": a.plan.api.concurrency != b.plan.api.concurrency,
	} {
		if differs {
			changed = append(changed, "--"+name)
		}
	}
	for name, differs := range a.election.changed(&b.election) {
		if differs {
			changed = append(changed, "--"+name)
		}
	}
	slices.Sort(changed)
	return changed
}
