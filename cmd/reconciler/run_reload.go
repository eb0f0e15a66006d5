package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/sipops/reconciler/internal/metrics"
	"github.com/sipops/reconciler/internal/reconcile"
	"github.com/sipops/reconciler/internal/sdnotify"
)

// forwardReloads turns each SIGHUP into a reload: the flags are parsed
// again with the environment file re-read, the settings a running daemon
// can change are handed to the loop, and the loop sweeps every connector.
// A reload that fails keeps the running settings.
func forwardReloads(ctx context.Context, std Stdio, f *runFlags, reload chan<- reconcile.Reload, notify *sdnotify.Notifier, m *metrics.Metrics, log *slog.Logger) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-std.Reload:
		}
		notify.Reloading()
		r := reconcile.Reload{}
		if next, err := reparse(std, f); err != nil {
			log.Error("reload failed, the running settings stay", "err", err)
			m.SetReloadSuccessful(false)
		} else {
			if changed := f.restartOnly(next); len(changed) > 0 {
				log.Warn("reload: these settings changed but only a restart applies them", "flags", strings.Join(changed, " "))
			}
			f.plan.aws.level.Set(next.plan.aws.level.Level())
			s := next.settings()
			r.Settings = &s
			m.SetReloadSuccessful(true)
		}
		select {
		case reload <- r:
		default: // one is already queued
		}
	}
}

// reparse parses the daemon's command line again, re-reading the
// environment file.
func reparse(std Stdio, f *runFlags) (*runFlags, error) {
	var msgs strings.Builder
	std.Err = &msgs
	next, code := parseRun(std, f.args)
	if code >= 0 {
		return nil, fmt.Errorf("%s", strings.TrimSpace(msgs.String()))
	}
	next.plan.aws.level.UnmarshalText([]byte(next.plan.aws.logLevel))
	return next, nil
}
