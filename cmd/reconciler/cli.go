package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/sipops/reconciler/internal/sandbox"
	"github.com/sipops/reconciler/internal/settings"
)

// Exit codes shared by the subcommands. `plan` is the exception: like
// `terraform plan -detailed-exitcode` it exits 2 when changes are pending, so
// its usage errors exit 1.
const (
	exitOK      = 0
	exitFailure = 1 // invalid spec, failed apply, runtime error
	exitUsage   = 2 // bad flags or arguments
)

// Stdio is the process environment a subcommand may use. Tests pass buffers
// and a fake Getenv so that commands run in-process.
type Stdio struct {
	In     io.Reader
	Out    io.Writer
	Err    io.Writer
	Getenv func(string) string
	// Environ lists the environment as KEY=value, so that every RECONCILER_*
	// variable in it can be checked to be a flag (flags.go); nil skips the
	// check.
	Environ func() []string
	// Reload receives one value per SIGHUP (bursts collapse into one).
	Reload <-chan struct{}
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, std Stdio, args []string) int
	hidden  bool // internal: not listed in the usage
}

func commands() []command {
	return []command{
		{name: "validate", summary: "check a spec directory against the schema; exit 0 valid, 1 invalid", run: runValidate},
		{name: "plan", summary: "show what apply would change; exit 0 in sync, 2 changes pending, 1 error", run: runPlan},
		{name: "apply", summary: "apply the spec once; exit 0 when every connector converged, 1 otherwise", run: runApply},
		{name: "import", summary: "write specs from the live state of existing Voice Connectors; plan then shows nothing to change", run: runImport},
		{name: "run", summary: "run the daemon: apply each revision from a directory or git, revert drift, export metrics", run: runRun},
		{name: "suspend", summary: "break glass: stop the running daemon from writing connectors, e.g. during an incident", run: runSuspend},
		{name: "resume", summary: "lift a suspension: the daemon reconciles those connectors at once", run: runResume},
		{name: "status", summary: "show the running daemon's revision, connectors, suspensions and failures", run: runStatus},
		{name: "demo", summary: "run the daemon on the example specs against an embedded simulator", run: runDemo},
		{name: "sim", summary: "serve a simulated Chime SDK Voice API on loopback for tests, benchmarks and demos", run: runSim},
		{name: "version", summary: "print version information", run: runVersion},
		{name: sandbox.Command, summary: "evaluate a spec read on stdin (the daemon's child process)", run: runLoadSpec, hidden: true},
	}
}

// Main runs the subcommand named by args[0] and returns the process exit code.
func Main(ctx context.Context, args []string, std Stdio) int {
	if std.Getenv == nil {
		std.Getenv = func(string) string { return "" }
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(std.Err)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	cmds := commands()
	i := slices.IndexFunc(cmds, func(c command) bool { return c.name == args[0] })
	if i < 0 {
		fmt.Fprintf(std.Err, "reconciler: unknown command %q\n\n", args[0])
		usage(std.Err)
		return exitUsage
	}
	return cmds[i].run(ctx, std, args[1:])
}

func usage(w io.Writer) {
	var b strings.Builder
	b.WriteString("Usage: reconciler <command> [flags]\n\nCommands:\n")
	for _, c := range commands() {
		if c.hidden {
			continue
		}
		fmt.Fprintf(&b, "  %-10s %s\n", c.name, c.summary)
	}
	b.WriteString("\nRun 'reconciler <command> -h' for the flags of a command.\n")
	io.WriteString(w, b.String())
}

// runLoadSpec is the child process of the daemon's spec evaluation. Its
// flags are the daemon's setting flags (settingFlags.args), and only
// those: the environment is the daemon's, not its configuration.
func runLoadSpec(ctx context.Context, std Stdio, args []string) int {
	var f settingFlags
	fs := newFlags(std, sandbox.Command, "[setting flags]", "Evaluate the spec read on stdin; the daemon's child process.")
	f.register(fs)
	if err := inOrder(func() error { return parseFlags(fs, args) }, f.check); err != nil {
		return usageExit(fs, err, exitUsage)
	}
	kinds, err := f.kinds(settings.Options{})
	if err != nil {
		fmt.Fprintf(std.Err, "%s: %v\n", sandbox.Command, err)
		return exitFailure
	}
	return sandbox.Child(ctx, std.In, std.Out, std.Err, kinds)
}

// parseFlags parses args into fs. Its errors are for usageExit:
// flag.ErrHelp after -h (package flag printed the usage), a *usageError
// for a bad flag (package flag printed it, and the usage) or a stray
// argument.
func parseFlags(fs *flag.FlagSet, args []string) error {
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return err
	case err != nil:
		return &usageError{}
	case fs.NArg() > 0:
		return &usageError{msg: fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	return nil
}

// usageError is a bad flag, argument, variable or combination of them:
// the command prints it and exits with its usage code, changing nothing.
type usageError struct {
	msg  string // "" when package flag printed what is wrong already
	hint string // a line after the message, if any
}

func (e *usageError) Error() string {
	if e.msg == "" {
		return "bad usage"
	}
	return e.msg
}

// usageExit reports err, a problem with how the command of fs was called,
// and returns the exit code: exitOK after -h, else code. Any error but a
// *usageError is a problem the flags' checks found, shown with a pointer
// to -h.
func usageExit(fs *flag.FlagSet, err error, code int) int {
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	u, ok := errors.AsType[*usageError](err)
	if !ok {
		u = &usageError{msg: err.Error(), hint: "Run 'reconciler " + fs.Name() + " -h' for help."}
	}
	if u.msg != "" {
		fmt.Fprintf(fs.Output(), "%s: %s\n", fs.Name(), u.msg)
	}
	if u.hint != "" {
		fmt.Fprintln(fs.Output(), u.hint)
	}
	return code
}
