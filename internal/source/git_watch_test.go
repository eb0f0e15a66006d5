package source

import (
	"context"
	"github.com/sipops/reconciler/internal/gittest"
	"testing"
	"time"
)

// gitWatch is a running Git.Watch with its outputs as channels.
type gitWatch struct {
	out     chan *Snapshot
	trigger chan struct{}
	fetched chan error
	done    chan struct{}
}

func startGitWatch(t *testing.T, opts GitOptions) *gitWatch {
	t.Helper()
	w := &gitWatch{out: make(chan *Snapshot), trigger: make(chan struct{}, 1), fetched: make(chan error, 1000), done: make(chan struct{})}
	opts.OnFetch = func(err error) { w.fetched <- err }
	g := newGit(t, opts)
	ctx, cancel := context.WithCancel(t.Context())
	go func() {
		defer close(w.done)
		if err := g.Watch(ctx, w.out, w.trigger); err != nil {
			t.Errorf("watch: %v", err)
		}
	}()
	t.Cleanup(func() {
		cancel()
		<-w.done
	})
	return w
}

func (w *gitWatch) next(t *testing.T) *Snapshot {
	t.Helper()
	select {
	case s := <-w.out:
		return s
	case <-time.After(waitTimeout):
		t.Fatal("no snapshot")
	}
	return nil
}

func (w *gitWatch) fetch(t *testing.T) error {
	t.Helper()
	select {
	case err := <-w.fetched:
		return err
	case <-time.After(waitTimeout):
		t.Fatal("no fetch")
	}
	return nil
}

func TestGitWatchTrigger(t *testing.T) {
	r := gittest.NewRepo(t)
	first := r.Commit(t, "a", map[string]string{"a.cue": "a: 1\n"})
	d := gittest.Serve(t, r.Root)
	w := startGitWatch(t, GitOptions{URL: d.URL(r.Name), Interval: time.Hour})
	if s := w.next(t); s.Revision != first {
		t.Fatalf("first snapshot %s, want %s", s.Revision, first)
	}
	w.fetch(t)

	w.trigger <- struct{}{} // nothing new: a fetch, no snapshot
	if err := w.fetch(t); err != nil {
		t.Fatal(err)
	}
	second := r.Commit(t, "b", map[string]string{"a.cue": "a: 2\n"})
	start := time.Now()
	w.trigger <- struct{}{}
	if s := w.next(t); s.Revision != second {
		t.Fatalf("after trigger: snapshot %s, want %s (an unchanged revision was sent?)", s.Revision, second)
	}
	t.Logf("trigger to snapshot: %v", time.Since(start))
}

func TestGitWatchKeepsLastGoodAndRecovers(t *testing.T) {
	r := gittest.NewRepo(t)
	first := r.Commit(t, "a", map[string]string{"a.cue": "a: 1\n"})
	d := gittest.Serve(t, r.Root)
	w := startGitWatch(t, GitOptions{URL: d.URL(r.Name), Interval: 50 * time.Millisecond})
	if s := w.next(t); s.Revision != first {
		t.Fatalf("first snapshot %s, want %s", s.Revision, first)
	}
	d.Stop()
	second := r.Commit(t, "b", map[string]string{"a.cue": "a: 2\n"})
	for failed := 0; failed < 2; { // two failures in a row: polling goes on
		if err := w.fetch(t); err != nil {
			failed++
		}
	}
	select {
	case s := <-w.out:
		t.Fatalf("snapshot %s sent while the server was down", s.Revision)
	default:
	}
	d.Start(t)
	start := time.Now()
	if s := w.next(t); s.Revision != second {
		t.Fatalf("after recovery: snapshot %s, want %s", s.Revision, second)
	}
	t.Logf("server back to snapshot: %v", time.Since(start))
}

func TestBackoff(t *testing.T) {
	tests := []struct {
		n     int
		limit time.Duration
		want  time.Duration
	}{
		{1, time.Minute, time.Second},
		{2, time.Minute, 2 * time.Second},
		{6, time.Minute, 32 * time.Second},
		{7, time.Minute, time.Minute},
		{100, time.Minute, time.Minute},
		{1, 100 * time.Millisecond, 100 * time.Millisecond},
	}
	for _, tc := range tests {
		if got := backoff(tc.n, tc.limit); got != tc.want {
			t.Errorf("backoff(%d, %v) = %v, want %v", tc.n, tc.limit, got, tc.want)
		}
	}
	for range 1000 {
		if got := jitter(time.Minute); got < 54*time.Second || got > 66*time.Second {
			t.Fatalf("jitter(1m) = %v, want within ±10%%", got)
		}
	}
}
