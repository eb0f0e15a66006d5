package source

import (
	"context"
	"log/slog"
	"time"

	"github.com/sipops/reconciler/internal/schema"
)

// DefaultDebounce is how long Local.Watch waits after the last change in the
// directory before it reads it: long enough to take an editor's
// write-rename burst or a git checkout as one change.
const DefaultDebounce = 200 * time.Millisecond

// LocalOptions tune a Local source.
type LocalOptions struct {
	// Debounce is the quiet time after a change before the directory is
	// read; 0 means DefaultDebounce.
	Debounce time.Duration
	// Logger receives the watch's events; nil discards them.
	Logger *slog.Logger
	// OnFetch, when set, is called after every read of the directory with
	// nil or the error, for metrics.
	OnFetch func(err error)
}

// Local reads specs from a directory on this machine. Its revision is a
// content hash, so touching a file or changing a file that is not a spec
// does not make a new revision.
type Local struct {
	dir      string
	debounce time.Duration
	log      *slog.Logger
	onFetch  func(error)
}

// NewLocal returns a source for the spec directory dir.
func NewLocal(dir string, opts LocalOptions) *Local {
	if opts.Debounce <= 0 {
		opts.Debounce = DefaultDebounce
	}
	return &Local{
		dir:      dir,
		debounce: opts.Debounce,
		log:      orDiscard(opts.Logger).With(keyDir, dir),
		onFetch:  opts.OnFetch,
	}
}

// Fetch reads the directory now. It follows schema.ReadDir's rules: .cue
// files only, hidden directories and cue.mod skipped, symbolic links out of
// the directory refused, at most schema.MaxFileBytes per file.
func (l *Local) Fetch(ctx context.Context) (*Snapshot, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s, err := l.read()
	if l.onFetch != nil {
		l.onFetch(err)
	}
	return s, err
}

func (l *Local) read() (*Snapshot, error) {
	files, err := schema.ReadDir(l.dir)
	if err != nil {
		return nil, err
	}
	sortFiles(files)
	return &Snapshot{Revision: contentRevision(files), Files: files, Time: time.Now()}, nil
}
