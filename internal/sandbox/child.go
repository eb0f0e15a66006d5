package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/metrics"
	"time"

	"github.com/sipops/reconciler/internal/schema"
	"github.com/sipops/reconciler/internal/setting"
)

// Child is the child process: it loads the spec of the request it reads
// from in, its settings decoded by kinds (built from the arguments the
// Loader gave), and writes the result to out, both as JSON, and returns
// the process exit code. If the request sets a memory budget, it ends the
// process with a code of its own as soon as its heap goes over it: only an
// exit stops an evaluation in flight. So call Child only in a process of
// its own, the one [Loader] starts. For the same reason it ends the process
// when ctx ends (SIGTERM, which systemd sends to every process of the
// unit): the evaluation would otherwise run on until the parent kills it.
func Child(ctx context.Context, in io.Reader, out, errw io.Writer, kinds []setting.Kind) int {
	defer context.AfterFunc(ctx, func() {
		fmt.Fprintln(errw, "spec evaluation stopped: the process is told to stop")
		os.Exit(exitStopped)
	})()
	var req request
	if err := json.NewDecoder(in).Decode(&req); err != nil {
		fmt.Fprintf(errw, "load spec: read request: %v\n", err)
		return 1
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if req.MemoryBytes > 0 {
		go watchMemory(ctx, errw, req.MemoryBytes)
	}
	if err := json.NewEncoder(out).Encode(load(req, kinds)); err != nil {
		fmt.Fprintf(errw, "load spec: write response: %v\n", err)
		return 1
	}
	return 0
}

// load runs schema.Load and puts its outcome in a response.
func load(req request, kinds []setting.Kind) response {
	spec, err := schema.Load(req.Files, schema.LoadOptions{DefaultRegion: req.DefaultRegion, Kinds: kinds})
	var resp response
	var inv *schema.InvalidError
	switch {
	case errors.As(err, &inv):
		resp.Errors, resp.Warnings = inv.Errors, inv.Warnings
	case err != nil:
		resp.Err = err.Error()
	default:
		if resp.Spec, err = toWire(spec); err != nil {
			resp.Err = "encode the spec: " + err.Error()
		}
	}
	return resp
}

// watchMemory ends the process when its heap passes budget bytes.
func watchMemory(ctx context.Context, errw io.Writer, budget uint64) {
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
			// The exit code tells the parent; this line is for a human
			// reading the child's stderr, and a failure to write it
			// changes nothing.
			fmt.Fprintf(errw, "spec evaluation over its memory budget of %d MiB\n", budget>>20)
			os.Exit(exitMemory)
		}
	}
}
