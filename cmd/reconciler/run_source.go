package main

import (
	"context"
	"log/slog"
	"path/filepath"

	"github.com/sipops/reconciler/internal/source"
)

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
