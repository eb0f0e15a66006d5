package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime/metrics"
	"time"

	"github.com/sipops/reconciler/internal/schema"
)

// The daemon evaluates each revision in a child process, bounded in time
// and memory: CUE is a programming language, and a revision with an
// unbounded comprehension would otherwise never finish, or take the
// daemon's memory with it. The child is this binary running the hidden
// command below; it reads the files on stdin and writes the result on
// stdout, as JSON.
const loadSpecCommand = "__load-spec"

// Exit code of the child when it goes over its memory budget.
const exitMemory = 3

type loadRequest struct {
	Files       []schema.File      `json:"files"`
	Options     schema.LoadOptions `json:"options"`
	MemoryBytes uint64             `json:"memory_bytes"`
}

type loadResponse struct {
	Spec     *schema.Spec        `json:"spec,omitempty"`
	Errors   []schema.Diagnostic `json:"errors,omitempty"`
	Warnings []schema.Diagnostic `json:"warnings,omitempty"`
	Err      string              `json:"err,omitempty"`
}

// sandbox loads specs in a child process.
type sandbox struct {
	exe     string
	timeout time.Duration
	memory  uint64
}

func newSandbox(timeout time.Duration, memory uint64) (*sandbox, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("find own executable for spec evaluation: %w", err)
	}
	return &sandbox{exe: exe, timeout: timeout, memory: memory}, nil
}

// load evaluates files like schema.Load, in a bounded child process.
func (s *sandbox) load(files []schema.File, opts schema.LoadOptions) (*schema.Spec, error) {
	req, err := json.Marshal(loadRequest{Files: files, Options: opts, MemoryBytes: s.memory})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, s.exe, loadSpecCommand)
	cmd.Args[0] = "reconciler" // also what tests dispatch on
	cmd.Stdin = bytes.NewReader(req)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &limitedWriter{w: &stderr, n: 4096}
	err = cmd.Run()
	switch {
	case ctx.Err() != nil:
		return nil, bounded(fmt.Sprintf("evaluating the spec took longer than %s (--spec-timeout): an unbounded comprehension or recursion?", s.timeout))
	case cmd.ProcessState != nil && cmd.ProcessState.ExitCode() == exitMemory:
		return nil, bounded(fmt.Sprintf("evaluating the spec needed more than %d MiB (--spec-memory): an unbounded comprehension?", s.memory>>20))
	case err != nil:
		return nil, fmt.Errorf("evaluate the spec in a child process: %w: %s", err, bytes.TrimSpace(stderr.Bytes()))
	}
	var resp loadResponse
	if err := json.Unmarshal(out.Bytes(), &resp); err != nil {
		return nil, fmt.Errorf("read the spec evaluation's answer: %w", err)
	}
	switch {
	case resp.Err != "":
		return nil, errors.New(resp.Err)
	case len(resp.Errors) > 0:
		return nil, &schema.InvalidError{Errors: resp.Errors, Warnings: resp.Warnings}
	}
	return resp.Spec, nil
}

// bounded is the error of a revision that hit a bound: invalid, like any
// spec with an error, so nothing of it is applied.
func bounded(msg string) error {
	return &schema.InvalidError{Errors: []schema.Diagnostic{{Message: msg + "; nothing of it was applied"}}}
}

// runLoadSpec is the child: it loads the spec it reads on stdin, exiting
// with exitMemory if its heap goes over the budget.
func runLoadSpec(ctx context.Context, std Stdio, _ []string) int {
	var req loadRequest
	if err := json.NewDecoder(std.In).Decode(&req); err != nil {
		fmt.Fprintf(std.Err, "load spec: read request: %v\n", err)
		return exitFailure
	}
	if req.MemoryBytes > 0 {
		go watchMemory(ctx, req.MemoryBytes)
	}
	spec, err := schema.Load(req.Files, req.Options)
	var resp loadResponse
	var inv *schema.InvalidError
	switch {
	case errors.As(err, &inv):
		resp.Errors, resp.Warnings = inv.Errors, inv.Warnings
	case err != nil:
		resp.Err = err.Error()
	default:
		resp.Spec = spec
	}
	if err := json.NewEncoder(std.Out).Encode(resp); err != nil {
		return exitFailure
	}
	return exitOK
}

// watchMemory ends the process when its heap passes budget bytes.
func watchMemory(ctx context.Context, budget uint64) {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		metrics.Read(sample)
		if sample[0].Value.Uint64() > budget {
			fmt.Fprintf(os.Stderr, "spec evaluation over its memory budget of %d MiB\n", budget>>20)
			os.Exit(exitMemory)
		}
	}
}

// limitedWriter keeps the first n bytes written to it.
type limitedWriter struct {
	w io.Writer
	n int
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if l.n > 0 {
		k := min(len(p), l.n)
		l.w.Write(p[:k])
		l.n -= k
	}
	return len(p), nil
}
