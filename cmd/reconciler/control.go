package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"time"

	"github.com/sipops/reconciler/internal/control"
	"github.com/sipops/reconciler/internal/daemon"
	"github.com/sipops/reconciler/internal/statusview"
	"github.com/sipops/reconciler/internal/suspension"
)

// This file holds the control socket: the daemon's side (where it listens,
// the suspensions it keeps) and the commands that use it, suspend, resume
// and status.

// controlFlags is --control-socket, of run and of the control commands,
// and for the commands --state-dir.
type controlFlags struct {
	socket   string
	stateDir string // the commands': the daemon's --state-dir, where its socket is without systemd
}

func (c *controlFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.socket, "control-socket", "", "`PATH` of the control socket of reconciler suspend, resume and status "+
		"(default: $RUNTIME_DIRECTORY/control.sock under systemd, else control.sock in the state directory)")
}

// registerClient registers the flags of the commands that use the socket.
func (c *controlFlags) registerClient(fs *flag.FlagSet) {
	c.register(fs)
	fs.StringVar(&c.stateDir, "state-dir", "", "the daemon's state `DIR`ectory, whose control.sock to use without --control-socket "+
		"outside systemd (default: $STATE_DIRECTORY, else the user cache directory)")
}

// daemonPath is where the daemon listens (control.DaemonPath).
func (c *controlFlags) daemonPath(getenv func(string) string, state string) string {
	return control.DaemonPath(c.socket, getenv, state)
}

// clientPath is the socket the commands use (control.ClientPath); without
// one found, the daemon's state directory's: --state-dir, as the daemon
// works it out.
func (c *controlFlags) clientPath(getenv func(string) string, systemdDir string) (string, error) {
	return control.ClientPath(c.socket, getenv, systemdDir, func() (string, error) {
		dir, err := stateDirOf(c.stateDir, getenv)
		if err != nil {
			return "", fmt.Errorf("no --control-socket: %w", err)
		}
		return dir, nil
	})
}

// daemonControl is the daemon's side of the control socket: the socket and
// the suspensions, kept in the state directory's file.
type daemonControl struct {
	path string
	book *suspension.Book
	srv  *control.SocketServer // set once the loop exists
}

// newDaemonControl loads the suspensions of the state directory. A file
// that cannot be read stops the daemon: starting without the suspensions
// would revert what operators changed by hand.
func newDaemonControl(std Stdio, f *runFlags, log *slog.Logger) (*daemonControl, error) {
	state, err := f.state(std.Getenv)
	if err != nil {
		return nil, err
	}
	file := suspension.NewFile(state)
	loaded, err := file.Load()
	if err != nil {
		return nil, err
	}
	c := &daemonControl{path: f.control.daemonPath(std.Getenv, state), book: suspension.NewBook(file, loaded)}
	for _, s := range loaded {
		log.Warn("connector suspended since before the start: no write until it is resumed", "connector", s.Key,
			"by", s.By.String(), "reason", s.Reason, "since", s.Since)
	}
	return c, nil
}

// serve builds the server on the loop; the daemon listens and serves it.
func (c *daemonControl) serve(loop control.Suspender, log *slog.Logger) {
	c.srv = control.NewServer(c.path, loop, log)
}

// The commands.

const (
	suspendSummary = "Stop the running daemon from writing the connectors named by KEY (the keys under voiceConnectors),\n" +
		"or every managed one with --all, during an incident: drift correction, new revisions and retries\n" +
		"leave them alone, while their drift is still read and shown. The suspension is kept in the daemon's\n" +
		"state directory until 'reconciler resume', across restarts. Exit 0 done, 1 refused or no daemon, 2 bad usage."
	resumeSummary = "Lift the suspensions of the connectors named by KEY, or every one with --all; the daemon reconciles\n" +
		"them at once, writing the spec in force over what was changed by hand.\n" +
		"Exit 0 done, 1 refused or no daemon, 2 bad usage."
	statusSummary = "Show the running daemon's state: revision, connectors by state, suspensions with who, why and since\n" +
		"when, failed connectors. --output json prints what /status serves. Exit 0, 1 with no daemon."
	socketHelp = "Without --control-socket, a daemon started by the shipped systemd units is found in /run/reconciler."
)

func runSuspend(ctx context.Context, std Stdio, args []string) int {
	var c controlFlags
	var reason string
	var all bool
	fs := newFlags(std, "suspend", "[flags] (KEY... | --all)", suspendSummary+"\n"+socketHelp)
	c.registerClient(fs)
	fs.StringVar(&reason, "reason", "", "why, e.g. the incident: `TEXT` shown with the suspension and logged")
	fs.BoolVar(&all, "all", false, "suspend every connector the daemon manages")
	keys, err := parseKeys(fs, args, std, &all)
	if err != nil {
		return usageExit(fs, err, exitUsage)
	}
	req := control.Request{Command: control.CommandSuspend, Keys: keys, All: all, Reason: reason, SudoUser: sudoUser(std.Getenv)}
	resp, err := c.ask(ctx, std, req)
	if err != nil {
		return c.failed(std, fs, err)
	}
	now := time.Now()
	for _, s := range resp.Suspended {
		fmt.Fprintf(std.Out, "suspended %s%s, by %s\n", s.Key, because(s.Reason), s.By)
	}
	for _, s := range resp.Already {
		fmt.Fprintf(std.Out, "%s was already suspended %s ago by %s%s\n", s.Key, statusview.Age(now, s.Since), s.By, because(s.Reason))
	}
	if len(resp.Suspended) > 0 {
		fmt.Fprintln(std.Out, "The daemon writes none of them until 'reconciler resume'; 'reconciler status' shows their drift.")
	}
	for _, k := range resp.InFlight {
		fmt.Fprintf(std.Err, "suspend: warning: a write of %s begun before the suspension has not ended yet and may still land: check it with 'reconciler status' before changing it by hand\n", k)
	}
	return exitOK
}

func runResume(ctx context.Context, std Stdio, args []string) int {
	var c controlFlags
	var all bool
	fs := newFlags(std, "resume", "[flags] (KEY... | --all)", resumeSummary+"\n"+socketHelp)
	c.registerClient(fs)
	fs.BoolVar(&all, "all", false, "resume every suspended connector")
	keys, err := parseKeys(fs, args, std, &all)
	if err != nil {
		return usageExit(fs, err, exitUsage)
	}
	req := control.Request{Command: control.CommandResume, Keys: keys, All: all, SudoUser: sudoUser(std.Getenv)}
	resp, err := c.ask(ctx, std, req)
	if err != nil {
		return c.failed(std, fs, err)
	}
	now := time.Now()
	for _, s := range resp.Resumed {
		fmt.Fprintf(std.Out, "resumed %s (suspended %s ago by %s%s)\n", s.Key, statusview.Age(now, s.Since), s.By, because(s.Reason))
	}
	for _, k := range resp.NotSuspended {
		fmt.Fprintf(std.Out, "%s was not suspended\n", k)
	}
	switch {
	case len(resp.Resumed) > 0:
		fmt.Fprintln(std.Out, "The daemon reconciles them now; 'reconciler status' shows the outcome.")
	case all:
		fmt.Fprintln(std.Out, "No connector was suspended.")
	}
	return exitOK
}

func runStatus(ctx context.Context, std Stdio, args []string) int {
	var c controlFlags
	var output string
	fs := newFlags(std, "status", "[flags]", statusSummary+"\n"+socketHelp)
	c.registerClient(fs)
	fs.StringVar(&output, "output", "text", "output `FORMAT`: text or json")
	checkOutput := func() error {
		if output != "text" && output != "json" {
			return fmt.Errorf("--output %q: want text or json", output)
		}
		return nil
	}
	if err := inOrder(parsing(fs, args, std), checkOutput); err != nil {
		return usageExit(fs, err, exitUsage)
	}
	resp, err := c.ask(ctx, std, control.Request{Command: control.CommandStatus})
	if err != nil {
		return c.failed(std, fs, err)
	}
	if resp.Overview == nil {
		fmt.Fprintln(std.Err, "status: the daemon sent no status")
		return exitFailure
	}
	if output == "json" {
		err = writeIndented(std.Out, resp.Overview)
	} else {
		err = writeStatus(std.Out, resp.Overview)
	}
	if err != nil {
		fmt.Fprintf(std.Err, "status: %v\n", err)
		return exitFailure
	}
	return exitOK
}

// writeIndented writes the daemon's JSON document as it is, indented.
func writeIndented(w io.Writer, doc json.RawMessage) error {
	var b bytes.Buffer
	if err := json.Indent(&b, doc, "", "  "); err != nil {
		return fmt.Errorf("the daemon's status is not JSON: %w", err)
	}
	b.WriteByte('\n')
	_, err := w.Write(b.Bytes())
	return err
}

// writeStatus writes the daemon's status document as text.
func writeStatus(w io.Writer, doc json.RawMessage) error {
	kinds, err := defaultKinds()
	if err != nil {
		return err
	}
	o, err := daemon.ParseOverview(doc, kinds)
	if err != nil {
		return err
	}
	return statusview.WriteText(w, o, time.Now())
}

// parseKeys parses flags and connector keys in any order (suspend KEY
// --reason TEXT), then the environment; "--" ends the flags. Its errors
// are for usageExit.
func parseKeys(fs *flag.FlagSet, args []string, std Stdio, all *bool) ([]string, error) {
	var keys []string
	for {
		err := fs.Parse(args)
		switch {
		case errors.Is(err, flag.ErrHelp):
			return nil, err
		case err != nil:
			return nil, &usageError{} // package flag printed it
		}
		rest := fs.Args()
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			keys = append(keys, rest...)
			break
		}
		if len(rest) == 0 {
			break
		}
		keys, args = append(keys, rest[0]), rest[1:]
	}
	if err := parse(fs, nil, std); err != nil {
		return nil, err
	}
	switch {
	case *all && len(keys) > 0:
		return nil, errors.New("give connector keys or --all, not both")
	case !*all && len(keys) == 0:
		return nil, errors.New("name the connectors (their keys under voiceConnectors), or give --all")
	case slices.Contains(keys, ""):
		return nil, errors.New("an empty connector key")
	}
	return keys, nil
}

// ask sends req to the daemon and returns its answer.
func (c *controlFlags) ask(ctx context.Context, std Stdio, req control.Request) (*control.Reply, error) {
	path, err := c.clientPath(std.Getenv, control.SystemdRuntimeDir)
	if err != nil {
		return nil, err
	}
	return control.Do(ctx, path, req)
}

// failed reports a request that could not be made or that the daemon
// refused, and returns the exit code: several daemons to choose from is
// bad usage; anything else, a failure.
func (c *controlFlags) failed(std Stdio, fs *flag.FlagSet, err error) int {
	if errors.Is(err, control.ErrManySockets) {
		return usageExit(fs, err, exitUsage)
	}
	fmt.Fprintf(std.Err, "%s: %v\n", fs.Name(), err)
	if errors.Is(err, control.ErrNotRunning) && c.socket == "" {
		fmt.Fprintf(std.Err, "A daemon started by systemd listens in %s; elsewhere give --control-socket PATH.\n", control.SystemdRuntimeDir)
	}
	return exitFailure
}

// sudoUser is who ran the command under sudo, for the daemon to record.
func sudoUser(getenv func(string) string) string {
	if os.Geteuid() != 0 {
		return ""
	}
	return getenv("SUDO_USER")
}

func because(reason string) string {
	if reason == "" {
		return ""
	}
	return ": " + reason
}
