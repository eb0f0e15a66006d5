package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/sipops/reconciler/internal/control"
	"github.com/sipops/reconciler/internal/reconcile"
)

// This file holds the control socket: the daemon's side (where it listens,
// the suspensions it keeps) and the commands that use it, suspend, resume
// and status.

// systemdRuntimeDir is the runtime directory of the shipped units
// (RuntimeDirectory=reconciler): where the control commands look for the
// socket of a daemon started by systemd, whose $RUNTIME_DIRECTORY they do
// not see.
const systemdRuntimeDir = "/run/reconciler"

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

// daemonPath is where the daemon listens: --control-socket, else in
// systemd's runtime directory, else in the state directory.
func (c *controlFlags) daemonPath(getenv func(string) string, state string) string {
	if c.socket != "" {
		return c.socket
	}
	if rt := runtimeDir(getenv); rt != "" {
		return filepath.Join(rt, control.SocketName)
	}
	return filepath.Join(state, control.SocketName)
}

// runtimeDir is the first directory of $RUNTIME_DIRECTORY (systemd lists
// one per RuntimeDirectory=, separated by colons).
func runtimeDir(getenv func(string) string) string {
	dir, _, _ := strings.Cut(getenv("RUNTIME_DIRECTORY"), ":")
	return dir
}

// errManySockets is several daemons of reconciler@.service on one host.
var errManySockets = errors.New("several daemons run on this host")

// clientPath is the socket the control commands use: --control-socket,
// else the daemon's default as the command can work it out. A command
// run outside systemd (an operator's sudo) has no $RUNTIME_DIRECTORY, so
// it also looks where the shipped units put the socket, under systemdDir
// (systemdRuntimeDir): in it, or for reconciler@.service in
// systemdDir/<instance> when only one instance runs. With no socket found,
// it names the state directory's.
func (c *controlFlags) clientPath(getenv func(string) string, systemdDir string) (string, error) {
	if c.socket != "" {
		return c.socket, nil
	}
	if rt := runtimeDir(getenv); rt != "" {
		return filepath.Join(rt, control.SocketName), nil
	}
	unit := filepath.Join(systemdDir, control.SocketName)
	if exists(unit) {
		return unit, nil
	}
	instances, _ := filepath.Glob(filepath.Join(systemdDir, "*", control.SocketName))
	switch len(instances) {
	case 0:
	case 1:
		return instances[0], nil
	default:
		return "", fmt.Errorf("%w (%s): pick one with --control-socket", errManySockets, strings.Join(instances, ", "))
	}
	state, err := c.daemonStateDir(getenv)
	if err != nil {
		return "", err
	}
	return filepath.Join(state, control.SocketName), nil
}

// daemonStateDir is the daemon's state directory as runFlags.state works
// it out, without creating it.
func (c *controlFlags) daemonStateDir(getenv func(string) string) (string, error) {
	if dir := cmp.Or(c.stateDir, getenv("STATE_DIRECTORY")); dir != "" {
		return dir, nil
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no --control-socket and no cache directory: %w", err)
	}
	return filepath.Join(cache, "reconciler"), nil
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// daemonControl is the daemon's side of the control socket: the socket and
// the suspensions file of the state directory.
type daemonControl struct {
	path   string
	store  *control.SuspensionFile
	loaded []reconcile.Suspension // the suspensions in force at start
	srv    *control.SocketServer  // set once the loop exists
}

// newDaemonControl loads the suspensions of the state directory. A file
// that cannot be read stops the daemon: starting without the suspensions
// would revert what operators changed by hand.
func newDaemonControl(std Stdio, f *runFlags, log *slog.Logger) (*daemonControl, error) {
	state, err := f.state(std.Getenv)
	if err != nil {
		return nil, err
	}
	c := &daemonControl{path: f.control.daemonPath(std.Getenv, state), store: control.NewFile(state)}
	if c.loaded, err = c.store.Load(); err != nil {
		return nil, err
	}
	for _, s := range c.loaded {
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
	keys, code := parseKeys(fs, args, std, &all)
	if code >= 0 {
		return code
	}
	req := control.Request{Command: control.CommandSuspend, Keys: keys, All: all, Reason: reason, SudoUser: sudoUser(std.Getenv)}
	resp, code := ask(ctx, std, fs, &c, req)
	if code >= 0 {
		return code
	}
	now := time.Now()
	for _, s := range resp.Suspended {
		fmt.Fprintf(std.Out, "suspended %s%s, by %s\n", s.Key, because(s.Reason), s.By)
	}
	for _, s := range resp.Already {
		fmt.Fprintf(std.Out, "%s was already suspended %s ago by %s%s\n", s.Key, age(now, s.Since), s.By, because(s.Reason))
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
	keys, code := parseKeys(fs, args, std, &all)
	if code >= 0 {
		return code
	}
	req := control.Request{Command: control.CommandResume, Keys: keys, All: all, SudoUser: sudoUser(std.Getenv)}
	resp, code := ask(ctx, std, fs, &c, req)
	if code >= 0 {
		return code
	}
	now := time.Now()
	for _, s := range resp.Resumed {
		fmt.Fprintf(std.Out, "resumed %s (suspended %s ago by %s%s)\n", s.Key, age(now, s.Since), s.By, because(s.Reason))
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
	if code := parse(fs, args, std, exitUsage); code >= 0 {
		return code
	}
	if output != "text" && output != "json" {
		return usageErrorf(fs, exitUsage, "--output %q: want text or json", output)
	}
	resp, code := ask(ctx, std, fs, &c, control.Request{Command: control.CommandStatus})
	if code >= 0 {
		return code
	}
	if resp.Overview == nil {
		fmt.Fprintln(std.Err, "status: the daemon sent no status")
		return exitFailure
	}
	var err error
	if output == "json" {
		enc := json.NewEncoder(std.Out)
		enc.SetIndent("", "  ")
		err = enc.Encode(resp.Overview)
	} else {
		err = writeStatus(std.Out, *resp.Overview, time.Now())
	}
	if err != nil {
		fmt.Fprintf(std.Err, "status: %v\n", err)
		return exitFailure
	}
	return exitOK
}

// parseKeys parses flags and connector keys in any order (suspend KEY
// --reason TEXT), then the environment; "--" ends the flags. It returns
// -1 to go on, or an exit code.
func parseKeys(fs *flag.FlagSet, args []string, std Stdio, all *bool) ([]string, int) {
	var keys []string
	for {
		err := fs.Parse(args)
		switch {
		case errors.Is(err, flag.ErrHelp):
			return nil, exitOK
		case err != nil:
			return nil, exitUsage
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
	if code := parse(fs, nil, std, exitUsage); code >= 0 {
		return nil, code
	}
	switch {
	case *all && len(keys) > 0:
		return nil, usageErrorf(fs, exitUsage, "give connector keys or --all, not both")
	case !*all && len(keys) == 0:
		return nil, usageErrorf(fs, exitUsage, "name the connectors (their keys under voiceConnectors), or give --all")
	case slices.Contains(keys, ""):
		return nil, usageErrorf(fs, exitUsage, "an empty connector key")
	}
	return keys, -1
}

// ask sends req to the daemon and reports a failure: it returns the
// answer and -1, or an exit code.
func ask(ctx context.Context, std Stdio, fs *flag.FlagSet, c *controlFlags, req control.Request) (*control.Reply, int) {
	path, err := c.clientPath(std.Getenv, systemdRuntimeDir)
	if errors.Is(err, errManySockets) {
		return nil, usageErrorf(fs, exitUsage, "%v", err)
	}
	if err != nil {
		fmt.Fprintf(std.Err, "%s: %v\n", fs.Name(), err)
		return nil, exitFailure
	}
	resp, err := control.Do(ctx, path, req)
	if err != nil {
		fmt.Fprintf(std.Err, "%s: %v\n", fs.Name(), err)
		if errors.Is(err, control.ErrNotRunning) && c.socket == "" {
			fmt.Fprintf(std.Err, "A daemon started by systemd listens in %s; elsewhere give --control-socket PATH.\n", systemdRuntimeDir)
		}
		return nil, exitFailure
	}
	return resp, -1
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

// age is how long since was before now, as an operator reads it: 45s,
// 12m, 1h30m, 2d4h.
func age(now, since time.Time) string {
	d := max(now.Sub(since), 0)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 24*time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%dd%dh", int(d.Hours())/24, int(d.Hours())%24)
}

// writeStatus is the text of status: what an operator needs in an
// incident, the suspensions and failures first among the connectors.
func writeStatus(w io.Writer, o reconcile.Overview, now time.Time) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	if e := o.Election; e != nil {
		role := "standby: writes nothing; leader " + cmp.Or(e.Leader, "unknown")
		if e.Leading {
			role = "leader: this daemon writes"
		}
		fmt.Fprintf(tw, "election\t%s (%s)\n", role, e.Identity)
	}
	fmt.Fprintf(tw, "source\t%s\n", o.Source)
	fmt.Fprintf(tw, "revision\t%s\n", revisionLine(o, now))
	fmt.Fprintf(tw, "last sync\t%s, last success %s\n", ago(now, o.LastSync), ago(now, o.LastSuccess))
	var counts []string
	for _, s := range reconcile.ConnectorStates() {
		counts = append(counts, fmt.Sprintf("%d %s", o.Counts[s], strings.ReplaceAll(string(s), "_", " ")))
	}
	fmt.Fprintf(tw, "connectors\t%s\n", strings.Join(counts, ", "))
	if o.LastError != "" {
		fmt.Fprintf(tw, "last error\t%s\n", o.LastError)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	writeSuspensions(w, o, now)
	writeFailed(w, o, now)
	return nil
}

func revisionLine(o reconcile.Overview, now time.Time) string {
	line := "none in force"
	if r := o.LastGood; r != nil {
		line = fmt.Sprintf("%s, accepted %s", shortRev(r.ID), ago(now, r.Accepted))
	}
	if c := o.Current; c != nil && (o.LastGood == nil || c.ID != o.LastGood.ID) {
		switch {
		case len(o.Invalid) > 0:
			line += fmt.Sprintf("; newest %s is invalid: %s", shortRev(c.ID), o.Invalid[0].String())
		case len(o.Held) > 0:
			line += fmt.Sprintf("; newest %s is held: %s", shortRev(c.ID), o.Held[0].Message)
		}
	}
	return line
}

func ago(now, t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return age(now, t) + " ago"
}

func writeSuspensions(w io.Writer, o reconcile.Overview, now time.Time) {
	if len(o.Suspensions) == 0 {
		return
	}
	state := map[string]reconcile.ConnectorStatus{}
	for _, c := range o.Connectors {
		state[c.Key] = c
	}
	fmt.Fprintf(w, "\nSuspended (no write until 'reconciler resume'):\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  CONNECTOR\tFOR\tBY\tREASON\tLIVE")
	for _, s := range o.Suspensions {
		live := "as the spec says"
		c, managed := state[s.Key]
		switch {
		case !managed:
			live = "not in the spec in force"
		case c.Error != "":
			live = "unknown: " + c.Error
		case c.Differs:
			live = "differs from the spec: " + c.Live.String()
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", s.Key, age(now, s.Since), s.By, cmp.Or(s.Reason, "-"), live)
	}
	tw.Flush()
}

func writeFailed(w io.Writer, o reconcile.Overview, now time.Time) {
	var failed []reconcile.ConnectorStatus
	for _, c := range o.Connectors {
		if c.State == reconcile.StateFailed {
			failed = append(failed, c)
		}
	}
	if len(failed) == 0 {
		return
	}
	fmt.Fprintf(w, "\nFailed:\n")
	for _, c := range failed {
		retry := ""
		if c.NextRetry != nil {
			retry = fmt.Sprintf(" (retry in %s)", age(*c.NextRetry, now))
			if c.NextRetry.Before(now) {
				retry = " (retry due)"
			}
		}
		fmt.Fprintf(w, "  %s: %s%s\n", c.Key, c.Error, retry)
	}
}
