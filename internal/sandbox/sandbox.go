package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"time"

	"github.com/sipops/reconciler/internal/schema"
	"github.com/sipops/reconciler/internal/setting"
)

// Command is the hidden subcommand that runs [Child].
const Command = "__load-spec"

// childName is os.Args[0] of the child: what tests dispatch on, as the
// child is their own test binary.
const childName = "reconciler"

// exitMemory is the child's exit code when it goes over its memory budget.
const exitMemory = 3

// exitStopped is the child's exit code when it is told to stop.
const exitStopped = 4

// waitDelay is how long Load waits for the child's output once the child
// has been killed.
const waitDelay = time.Second

// stderrLimit bounds how much of the child's stderr goes into an error.
const stderrLimit = 4096

// Loader loads specs in a child process.
type Loader struct {
	exe     string
	args    []string
	timeout time.Duration
	memory  uint64
}

// New returns a Loader whose children may each run for timeout and use
// memoryBytes of heap (0 for no memory bound). args follow [Command] on
// the child's command line: the flags the child builds its kinds of
// setting with, which must be those of the kinds Load is given.
func New(timeout time.Duration, memoryBytes uint64, args ...string) (*Loader, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("find own executable for spec evaluation: %w", err)
	}
	return &Loader{exe: exe, args: args, timeout: timeout, memory: memoryBytes}, nil
}

// Load evaluates files like schema.Load, in a bounded child process; the
// child decodes the settings with its own kinds, the parent reads their
// values back with opts.Kinds. A revision that goes over a bound is a
// *schema.InvalidError. When ctx ends first (the daemon stops), the child
// is killed at once and Load returns ctx's error: the revision is neither
// valid nor invalid.
func (l *Loader) Load(ctx context.Context, files []schema.File, opts schema.LoadOptions) (*schema.Spec, error) {
	req, err := json.Marshal(request{Files: files, DefaultRegion: opts.DefaultRegion, MemoryBytes: l.memory})
	if err != nil {
		return nil, fmt.Errorf("encode the spec evaluation's request: %w", err)
	}
	bound, cancel := context.WithTimeout(ctx, l.timeout)
	defer cancel()
	cmd := exec.CommandContext(bound, l.exe, append([]string{Command}, l.args...)...)
	cmd.Args[0] = childName
	cmd.Stdin = bytes.NewReader(req)
	// The child starts no process of its own, so its pipes close when it
	// is killed; WaitDelay bounds the wait should that ever change.
	cmd.WaitDelay = waitDelay
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &limitedWriter{w: &stderr, n: stderrLimit}
	err = run(cmd)
	switch {
	case ctx.Err() != nil:
		return nil, fmt.Errorf("spec evaluation stopped: %w", context.Cause(ctx))
	case bound.Err() != nil:
		return nil, bounded(fmt.Sprintf("evaluating the spec took longer than %s (--spec-timeout): an unbounded comprehension or recursion?", l.timeout))
	case cmd.ProcessState != nil && cmd.ProcessState.ExitCode() == exitMemory:
		return nil, bounded(fmt.Sprintf("evaluating the spec needed more than %d MiB (--spec-memory): an unbounded comprehension?", l.memory>>20))
	case err != nil:
		return nil, fmt.Errorf("evaluate the spec in a child process: %w: %s", err, bytes.TrimSpace(stderr.Bytes()))
	}
	return decode(out.Bytes(), opts.Kinds)
}

// decode turns the child's answer into what schema.Load would return.
func decode(b []byte, kinds []setting.Kind) (*schema.Spec, error) {
	var resp response
	if err := json.Unmarshal(b, &resp); err != nil {
		return nil, fmt.Errorf("read the spec evaluation's answer: %w", err)
	}
	switch {
	case resp.Err != "":
		return nil, errors.New(resp.Err)
	case len(resp.Errors) > 0:
		return nil, &schema.InvalidError{Errors: resp.Errors, Warnings: resp.Warnings}
	case resp.Spec == nil:
		return nil, errors.New("read the spec evaluation's answer: no spec, no error")
	}
	return fromWire(resp.Spec, kinds)
}

// bounded is the error of a revision that hit a bound: invalid, like any
// spec with an error, so nothing of it is applied.
func bounded(msg string) error {
	return &schema.InvalidError{Errors: []schema.Diagnostic{{Message: msg + "; nothing of it was applied"}}}
}

// limitedWriter keeps the first n bytes written to it and discards the
// rest: a child that floods its stderr must not fill the parent's memory.
type limitedWriter struct {
	w io.Writer
	n int
}

// Write reports bytes past the limit as written, so that the child's
// output is drained; an error of the underlying writer is returned.
func (l *limitedWriter) Write(p []byte) (int, error) {
	if l.n <= 0 {
		return len(p), nil
	}
	k := min(len(p), l.n)
	n, err := l.w.Write(p[:k])
	l.n -= n
	if err != nil {
		return n, err
	}
	return len(p), nil
}
