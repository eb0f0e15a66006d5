package main

import (
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/sipops/reconciler/internal/chime"
	"github.com/sipops/reconciler/internal/daemon"
	"github.com/sipops/reconciler/internal/envfile"
	"github.com/sipops/reconciler/internal/httpapi"
	"github.com/sipops/reconciler/internal/source"
)

// runFlags are the flags of the daemon.
type runFlags struct {
	plan planFlags // --source, --region, --max-routes, API and log flags, --preflight*, --allow-*

	gitURL, gitRef, gitPath string
	gitInterval             time.Duration
	gitSSHKey, gitKnown     string
	gitTokenFile, gitKeys   string
	stateDir                string
	webhookSecretFile       string
	listen                  string
	driftInterval           time.Duration
	drift                   string
	shutdownTimeout         time.Duration
	envFile                 string
	specTimeout             time.Duration
	specMemory              uint64
	election                electionFlags // --leader-election-*, --etcd-*
	control                 controlFlags  // --control-socket

	// onListen, if set, is told the HTTP server's address once it listens.
	onListen func(addr string)
	// args is the command line, parsed again on reload.
	args []string
	// fs holds the flags: a reload compares their values.
	fs *flag.FlagSet
}

// parseRun parses the daemon's flags at start: the command line first, then
// the RECONCILER_* settings of --env-file if one is given, else of the
// process environment; then it checks them and reads the files they name
// (the etcd TLS files and password, --preflight-ca-file). It returns the
// flags with their flag set even with an error, for usageExit.
//
// With --env-file the file is the one source of the RECONCILER_* settings,
// read again on every reload: a setting removed from the file reverts to
// its default on the next reload, whatever the environment inherited at
// start. So that the environment cannot hold a setting the file does not
// (systemd's EnvironmentFile= loads the same file, for the AWS_* variables
// the SDK reads), every RECONCILER_* variable of the environment must be
// in the file, with the same value, at start.
func parseRun(std Stdio, args []string) (*runFlags, error) {
	f, err := parseRunFlags(std, args, true)
	if err != nil {
		return f, err
	}
	f.expandFiles(std.Getenv)
	return f, inOrder(f.election.load, f.plan.load)
}

// parseReload parses the daemon's flags again on reload, once: the
// command line, then --env-file read anew, and checks them. It reads no
// file the flags name: those settings take effect on restart only. The
// process environment does not change while the daemon runs, so it is not
// read for settings, nor checked again.
func parseReload(std Stdio, args []string) (*runFlags, error) {
	return parseRunFlags(std, args, false)
}

func parseRunFlags(std Stdio, args []string, start bool) (*runFlags, error) {
	f := &runFlags{}
	fs := newFlags(std, "run", "--source DIR | --git-url URL [flags]",
		"Run the daemon: apply each new revision of the specs, sweep for drift, export metrics.\n"+
			"SIGHUP re-reads --env-file and sweeps every connector; SIGTERM lets writes in flight finish, then exits 0.\n"+
			"With --env-file, the file is the one source of RECONCILER_* settings (the environment's are checked against it).\n"+
			"With --leader-election-etcd, of the daemons sharing --leader-election-key only the one holding the lease\n"+
			"writes; the others validate each revision and take over when it goes (SIGTERM resigns at once).")
	f.register(fs)
	f.fs = fs
	vars := environment(std, fs)
	if path := envFileArg(std, args); path != "" {
		file, err := envfile.Read(path)
		if err != nil {
			return f, &usageError{msg: err.Error()}
		}
		fvars := fileVariables(path, file)
		if err := checkEnvFile(fs, vars, fvars, start); err != nil {
			return f, &usageError{msg: indentLines(err)}
		}
		vars = fvars
		f.envFile = path
	}
	if err := parseWith(fs, args, vars); err != nil {
		return f, err
	}
	return f, f.check()
}

// envFileArg returns the --env-file of args, else $RECONCILER_ENV_FILE:
// the one setting the file cannot hold. Bad arguments return "": the
// parse that follows reports them.
func envFileArg(std Stdio, args []string) string {
	var f runFlags
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	f.register(fs)
	if err := fs.Parse(args); err != nil {
		return ""
	}
	return cmp.Or(f.envFile, std.Getenv(envPrefix+"ENV_FILE"))
}

// checkEnvFile checks the settings of --env-file against the process
// environment's at start: every RECONCILER_* variable of the environment
// must be a flag, and be in the file with the same value. The file must
// not name itself.
func checkEnvFile(fs *flag.FlagSet, env, file variables, start bool) error {
	var errs []error
	if slices.Contains(file.vars, envPrefix+"ENV_FILE") {
		errs = append(errs, fmt.Errorf("%s: the file cannot name itself; give --env-file on the command line", file.where(envPrefix+"ENV_FILE")))
	}
	if !start {
		return errors.Join(errs...)
	}
	// The environment's own unknown names; those it shares with the file
	// parseWith reports, with their line.
	only := variables{lookup: env.lookup}
	for _, name := range env.vars {
		if !slices.Contains(file.vars, name) {
			only.vars = append(only.vars, name)
		}
	}
	for _, name := range env.near {
		if !slices.Contains(file.near, name) {
			only.near = append(only.near, name)
		}
	}
	if err := only.check(fs); err != nil {
		return errors.Join(append(errs, err)...)
	}
	for _, name := range slices.Sorted(slices.Values(env.vars)) {
		got := env.lookup(name)
		switch want, ok := file.lookup(name), slices.Contains(file.vars, name); {
		case name == envPrefix+"ENV_FILE":
		case !ok:
			errs = append(errs, fmt.Errorf("%s is set in the environment but not in %s: with --env-file the file is the one source of "+
				"RECONCILER_* settings, and a reload would not see it; put it in the file, or give --%s", name, file.file, flagOf(name)))
		case want != got:
			errs = append(errs, fmt.Errorf("%s is %q in the environment but %q in %s:%d: with --env-file the file is the one source of "+
				"RECONCILER_* settings; have systemd's EnvironmentFile= load that same file", name, got, want, file.file, file.lines[name]))
		}
	}
	return errors.Join(errs...)
}

func (r *runFlags) register(fs *flag.FlagSet) {
	r.plan.register(fs)
	fs.StringVar(&r.gitURL, "git-url", "", "git repository `URL` of the specs (https://, ssh://, git@host:path, git://, file://), instead of --source")
	fs.StringVar(&r.gitRef, "git-ref", "", "branch, tag or commit `REF` to apply (default: the remote's HEAD branch)")
	fs.StringVar(&r.gitPath, "git-path", "", "`DIR`ectory of the specs inside the repository (default: its root)")
	fs.DurationVar(&r.gitInterval, "git-interval", source.DefaultInterval, "how often to fetch the repository, jittered by 10%")
	fs.StringVar(&r.gitSSHKey, "git-ssh-key", "", "SSH private key `FILE` for ssh URLs")
	fs.StringVar(&r.gitKnown, "git-known-hosts", "", "known_hosts `FILE` the SSH host key is checked against (required for ssh URLs)")
	fs.StringVar(&r.gitTokenFile, "git-token-file", "", "`FILE` holding an HTTPS token (read at each fetch, never logged)")
	fs.StringVar(&r.gitKeys, "git-verify-keyring", "", "armored OpenPGP keyring `FILE`: apply only commits signed by one of its keys")
	fs.StringVar(&r.stateDir, "state-dir", "", "`DIR`ectory for the git clone (default: $STATE_DIRECTORY, else the user cache directory)")
	fs.StringVar(&r.webhookSecretFile, "webhook-secret-file", "", "`FILE` holding the secret of POST /hooks/git (X-Hub-Signature-256); none disables the webhook")
	fs.StringVar(&r.listen, "listen", httpapi.DefaultAddr, "`ADDR`ess of the HTTP server: /metrics, /healthz, /readyz, /status, /hooks/git")
	fs.DurationVar(&r.driftInterval, "drift-interval", daemon.DefaultDriftInterval, "how often to sweep every managed connector for drift, jittered by 10%")
	fs.StringVar(&r.drift, "drift", string(daemon.DriftCorrect), "what to do with drift: correct (write the spec back) or report")
	fs.DurationVar(&r.shutdownTimeout, "shutdown-timeout", daemon.DefaultShutdownTimeout, "how long writes in flight may finish after SIGTERM")
	fs.DurationVar(&r.specTimeout, "spec-timeout", time.Minute, "how long evaluating one revision of the spec may take; longer makes the revision invalid")
	fs.Uint64Var(&r.specMemory, "spec-memory", 2048, "`MiB` of heap evaluating one revision of the spec may use; more makes the revision invalid")
	fs.StringVar(&r.envFile, "env-file", "", "`FILE` of RECONCILER_*=value lines, read at start and again on SIGHUP (the systemd EnvironmentFile)")
	r.election.register(fs)
	r.control.register(fs)
}

// stall is how long the loop may go without progress before the watchdog
// stops pinging: longer than an API call may take with all its attempts
// (chime.DefaultCallTimeout), than an evaluation (--spec-timeout) and than
// a preflight probe, with a minute to spare.
func (r *runFlags) stall() time.Duration {
	return max(chime.DefaultCallTimeout, r.specTimeout, r.plan.pre.timeout) + time.Minute
}

func (r *runFlags) check() error {
	switch {
	case (r.plan.spec.source == "") == (r.gitURL == ""):
		return errors.New("give exactly one of --source and --git-url")
	case r.drift != string(daemon.DriftCorrect) && r.drift != string(daemon.DriftReport):
		return fmt.Errorf("--drift %q: want correct or report", r.drift)
	case r.driftInterval < time.Second || r.gitInterval < time.Second:
		return errors.New("--drift-interval and --git-interval must be at least 1s")
	case r.shutdownTimeout <= 0 || r.specTimeout <= 0:
		return errors.New("--shutdown-timeout and --spec-timeout must be positive")
	case r.specMemory < 64:
		return errors.New("--spec-memory must be at least 64 MiB")
	}
	return cmp.Or(r.election.check(), r.plan.check())
}

// expandFiles expands $CREDENTIALS_DIRECTORY and $STATE_DIRECTORY in the
// file flags: systemd's LoadCredential= puts secrets there, and an
// EnvironmentFile cannot refer to it by itself.
func (r *runFlags) expandFiles(getenv func(string) string) {
	for _, p := range append([]*string{&r.gitSSHKey, &r.gitKnown, &r.gitTokenFile, &r.gitKeys, &r.webhookSecretFile, &r.stateDir}, r.election.files()...) {
		*p = os.Expand(*p, func(v string) string {
			if v == "CREDENTIALS_DIRECTORY" || v == "STATE_DIRECTORY" {
				return getenv(v)
			}
			return "$" + v
		})
	}
}

// state returns the state directory, created with mode 0700: it holds the
// clone of a possibly private repository.
func (r *runFlags) state(getenv func(string) string) (string, error) {
	dir, err := stateDirOf(r.stateDir, getenv)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("create state directory: %w", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return "", fmt.Errorf("state directory: %w", err)
	}
	return dir, nil
}

// stateDirOf is the daemon's state directory: flag (--state-dir), else
// $STATE_DIRECTORY as systemd sets it, else the user's cache directory.
// The daemon and the commands that look for its socket agree on it.
func stateDirOf(flag string, getenv func(string) string) (string, error) {
	if dir := cmp.Or(flag, getenv("STATE_DIRECTORY")); dir != "" {
		return dir, nil
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no --state-dir and no cache directory: %w", err)
	}
	return filepath.Join(cache, "reconciler"), nil
}
