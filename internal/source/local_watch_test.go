package source

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// waitTimeout bounds every wait in the tests; reaching it is a failure.
const waitTimeout = 10 * time.Second

// watchRun is a running Local.Watch with its outputs as channels.
type watchRun struct {
	out     chan *Snapshot
	fetched chan error
	done    chan struct{} // closed when Watch returns
	err     error         // what Watch returned, once done is closed
	cancel  context.CancelFunc
}

func startLocalWatch(t *testing.T, dir string, debounce time.Duration) *watchRun {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	r := &watchRun{out: make(chan *Snapshot), fetched: make(chan error, 1000), done: make(chan struct{}), cancel: cancel}
	l := NewLocal(dir, LocalOptions{Debounce: debounce, OnFetch: func(err error) { r.fetched <- err }})
	go func() {
		defer close(r.done)
		r.err = l.Watch(ctx, r.out)
	}()
	t.Cleanup(func() {
		cancel()
		<-r.done
	})
	return r
}

func (r *watchRun) next(t *testing.T) *Snapshot {
	t.Helper()
	select {
	case s := <-r.out:
		return s
	case <-r.done:
		t.Fatalf("watch ended: %v", r.err)
	case <-time.After(waitTimeout):
		t.Fatal("no snapshot")
	}
	return nil
}

// fetch waits for the next read of the directory and returns its error.
func (r *watchRun) fetch(t *testing.T) error {
	t.Helper()
	select {
	case err := <-r.fetched:
		return err
	case <-time.After(waitTimeout):
		t.Fatal("no read")
	}
	return nil
}

func (r *watchRun) drain() {
	for len(r.fetched) > 0 {
		<-r.fetched
	}
}

func TestLocalWatchSendsOnlyNewRevisions(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.cue"), "a: 1\n")
	r := startLocalWatch(t, dir, 20*time.Millisecond)
	first := r.next(t)
	r.drain()
	writeFile(t, filepath.Join(dir, "notes.txt"), "not a spec\n")
	if err := r.fetch(t); err != nil {
		t.Fatal(err)
	}
	// Had the read above sent a snapshot, it would arrive before this one.
	writeFile(t, filepath.Join(dir, "a.cue"), "a: 2\n")
	s := r.next(t)
	if s.Revision == first.Revision || string(s.Files[0].Data) != "a: 2\n" {
		t.Fatalf("got revision %s with %q, want a new revision with a: 2", s.Revision, s.Files[0].Data)
	}
}

func TestLocalWatchDebouncesBurst(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.cue"), "a: 1\n")
	r := startLocalWatch(t, dir, 0) // the default, 200ms
	r.next(t)
	for i := range 20 {
		writeFile(t, filepath.Join(dir, fmt.Sprintf("f%02d.cue", i)), fmt.Sprintf("f%d: 1\n", i))
	}
	wrote := time.Now()
	s := r.next(t)
	t.Logf("last write to snapshot: %v", time.Since(wrote))
	if len(s.Files) != 21 {
		t.Fatalf("first snapshot after the burst has %d files, want all 21", len(s.Files))
	}
	writeFile(t, filepath.Join(dir, "marker.cue"), "m: 1\n")
	if s = r.next(t); len(s.Files) != 22 {
		t.Fatalf("next snapshot has %d files, want 22: the burst made more than one", len(s.Files))
	}
}

func TestLocalWatchNewSubdirectories(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.cue"), "a: 1\n")
	r := startLocalWatch(t, dir, 20*time.Millisecond)
	r.next(t)
	r.drain()
	if err := os.MkdirAll(filepath.Join(dir, "sub", "deeper"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := r.fetch(t); err != nil { // the read after mkdir: same revision, nothing sent
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "sub", "deeper", "x.cue"), "x: 1\n")
	s := r.next(t)
	if got, want := paths(s), []string{"a.cue", "sub/deeper/x.cue"}; !slices.Equal(got, want) {
		t.Fatalf("paths %v, want %v", got, want)
	}
}

func TestLocalWatchRefusesEscapingSymlink(t *testing.T) {
	dir, outside := t.TempDir(), t.TempDir()
	writeFile(t, filepath.Join(outside, "secret.cue"), "s: 1\n")
	writeFile(t, filepath.Join(dir, "a.cue"), "a: 1\n")
	r := startLocalWatch(t, dir, 20*time.Millisecond)
	r.next(t)
	r.drain()
	evil := filepath.Join(dir, "evil.cue")
	if err := os.Symlink(filepath.Join(outside, "secret.cue"), evil); err != nil {
		t.Fatal(err)
	}
	if err := r.fetch(t); err == nil {
		t.Fatal("read with an escaping symlink succeeded")
	}
	if err := os.Remove(evil); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "a.cue"), "a: 2\n")
	s := r.next(t)
	if got, want := paths(s), []string{"a.cue"}; !slices.Equal(got, want) {
		t.Fatalf("paths %v, want %v", got, want)
	}
}

func TestLocalWatchStopsOnCancel(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.cue"), "a: 1\n")
	r := startLocalWatch(t, dir, 20*time.Millisecond)
	r.next(t)
	writeFile(t, filepath.Join(dir, "a.cue"), "a: 2\n") // a read pending, nobody receiving
	start := time.Now()
	r.cancel()
	select {
	case <-r.done:
		if r.err != nil {
			t.Fatalf("watch returned %v, want nil", r.err)
		}
		t.Logf("stopped %v after cancel", time.Since(start))
	case <-time.After(time.Second):
		t.Fatal("watch still running 1s after cancel")
	}
}

func TestLocalWatchMissingDir(t *testing.T) {
	l := NewLocal(filepath.Join(t.TempDir(), "absent"), LocalOptions{})
	if err := l.Watch(t.Context(), make(chan *Snapshot)); err == nil {
		t.Fatal("watch of a missing directory returned nil")
	}
}
