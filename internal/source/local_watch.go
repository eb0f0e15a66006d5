package source

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// maxDelayFactor bounds the debounce: a directory that never stays quiet
// (a log file written into it every 100 ms) still gets read every
// maxDelayFactor × Debounce.
const maxDelayFactor = 10

// Watch sends a snapshot of the directory at start and after every change
// whose revision differs from the last one sent. Changes are debounced: a
// burst of events (an editor's save, a git checkout of many files) yields
// one read once the directory has been quiet for the debounce time. Every
// directory under the root is watched, including ones created later;
// hidden directories and cue.mod are not. A read that fails (a file removed
// mid-read, a symbolic link out of the directory) is logged and retried at
// the next change; nothing partial is ever sent.
//
// Watch blocks until ctx is done and then returns nil. It returns an error
// only when the watch cannot be set up.
func (l *Local) Watch(ctx context.Context, out chan<- *Snapshot) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watch spec directory %s: %w", l.dir, err)
	}
	defer w.Close()
	if err := addTree(w, l.dir); err != nil {
		return fmt.Errorf("watch spec directory %s: %w", l.dir, err)
	}
	var last string
	l.publish(ctx, out, &last)
	d := newDebouncer(l.debounce, maxDelayFactor*l.debounce)
	defer d.timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			l.event(w, ev, d)
		case err, ok := <-w.Errors:
			if !ok {
				return nil
			}
			l.watchError(w, err, d)
		case <-d.timer.C:
			d.fired()
			l.publish(ctx, out, &last)
		}
	}
}

// event starts watching new directories and schedules a read.
func (l *Local) event(w *fsnotify.Watcher, ev fsnotify.Event, d *debouncer) {
	if ev.Op == fsnotify.Chmod {
		return // touch, chmod: the content is the same
	}
	if ev.Has(fsnotify.Create) {
		if fi, err := os.Lstat(ev.Name); err == nil && fi.IsDir() && !skipDir(fi.Name()) {
			if err := addTree(w, ev.Name); err != nil {
				l.log.Warn("cannot watch new directory", keyErr, err)
			}
		}
	}
	d.poke(time.Now())
}

// watchError logs err. After an overflow events were lost, so the watch
// list is rebuilt and the directory read again.
func (l *Local) watchError(w *fsnotify.Watcher, err error, d *debouncer) {
	l.log.Warn("watch error", keyErr, err)
	if errors.Is(err, fsnotify.ErrEventOverflow) {
		if err := addTree(w, l.dir); err != nil {
			l.log.Warn("cannot rebuild the watch", keyErr, err)
		}
		d.poke(time.Now())
	}
}

// publish reads the directory and sends the snapshot if its revision is new.
func (l *Local) publish(ctx context.Context, out chan<- *Snapshot, last *string) {
	s, err := l.Fetch(ctx)
	if err != nil {
		if ctx.Err() == nil {
			l.log.Warn("spec directory not read, waiting for the next change", keyErr, err)
		}
		return
	}
	if s.Revision == *last {
		l.log.Debug("spec directory unchanged", keyRevision, s.Revision)
		return
	}
	select {
	case out <- s:
		*last = s.Revision
		l.log.Info("new spec revision", keyRevision, s.Revision, keyFiles, len(s.Files))
	case <-ctx.Done():
	}
}

// addTree watches dir and every directory under it that a read would visit.
// Adding a directory twice is harmless.
func addTree(w *fsnotify.Watcher, dir string) error {
	return filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !e.IsDir() {
			return nil
		}
		if p != dir && skipDir(e.Name()) {
			return fs.SkipDir
		}
		return w.Add(p)
	})
}

// skipDir reports the directories schema.ReadDir does not read.
func skipDir(name string) bool {
	return strings.HasPrefix(name, ".") || name == "cue.mod"
}
