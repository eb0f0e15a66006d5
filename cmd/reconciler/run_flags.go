package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/sipops/reconciler/internal/httpapi"
	"github.com/sipops/reconciler/internal/reconcile"
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

	// onListen, if set, is told the HTTP server's address once it listens.
	onListen func(addr string)
	// args is the command line, parsed again on reload.
	args []string
}

// parseRun parses the daemon's flags: the command line first, then the
// environment file given by --env-file, then the process environment.
func parseRun(std Stdio, args []string) (*runFlags, int) {
	f, code := parseRunOnce(std, args)
	if code >= 0 || f.envFile == "" {
		return f, code
	}
	env, err := readEnvFile(f.envFile)
	if err != nil {
		fmt.Fprintf(std.Err, "run: %v\n", err)
		return nil, exitUsage
	}
	std.Getenv = withEnvFile(env, std.Getenv)
	return parseRunOnce(std, args)
}

// parseRunOnce parses the command line, then std.Getenv.
func parseRunOnce(std Stdio, args []string) (*runFlags, int) {
	f := &runFlags{}
	fs := newFlags(std, "run", "--source DIR | --git-url URL [flags]",
		"Run the daemon: apply each new revision of the specs, sweep for drift, export metrics.\n"+
			"SIGHUP re-reads --env-file and sweeps every connector; SIGTERM lets writes in flight finish, then exits 0.\n"+
			"With --leader-election-etcd, of the daemons sharing --leader-election-key only the one holding the lease\n"+
			"writes; the others validate each revision and take over when it goes (SIGTERM resigns at once).")
	f.register(fs)
	if code := parse(fs, args, std, exitUsage); code >= 0 {
		return nil, code
	}
	if msg := f.check(); msg != "" {
		return nil, usageErrorf(fs, exitUsage, "%s", msg)
	}
	f.expandFiles(std.Getenv)
	if msg := f.election.load(); msg != "" {
		return nil, usageErrorf(fs, exitUsage, "%s", msg)
	}
	return f, -1
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
	fs.DurationVar(&r.driftInterval, "drift-interval", reconcile.DefaultDriftInterval, "how often to sweep every managed connector for drift, jittered by 10%")
	fs.StringVar(&r.drift, "drift", string(reconcile.DriftCorrect), "what to do with drift: correct (write the spec back) or report")
	fs.DurationVar(&r.shutdownTimeout, "shutdown-timeout", reconcile.DefaultShutdownTimeout, "how long writes in flight may finish after SIGTERM")
	fs.DurationVar(&r.specTimeout, "spec-timeout", time.Minute, "how long evaluating one revision of the spec may take; longer makes the revision invalid")
	fs.Uint64Var(&r.specMemory, "spec-memory", 2048, "`MiB` of heap evaluating one revision of the spec may use; more makes the revision invalid")
	fs.StringVar(&r.envFile, "env-file", "", "`FILE` of RECONCILER_*=value lines, read at start and again on SIGHUP (the systemd EnvironmentFile)")
	r.election.register(fs)
}

func (r *runFlags) check() string {
	switch {
	case (r.plan.spec.source == "") == (r.gitURL == ""):
		return "give exactly one of --source and --git-url"
	case r.drift != string(reconcile.DriftCorrect) && r.drift != string(reconcile.DriftReport):
		return fmt.Sprintf("--drift %q: want correct or report", r.drift)
	case r.driftInterval < time.Second || r.gitInterval < time.Second:
		return "--drift-interval and --git-interval must be at least 1s"
	case r.shutdownTimeout <= 0 || r.specTimeout <= 0:
		return "--shutdown-timeout and --spec-timeout must be positive"
	case r.specMemory < 64:
		return "--spec-memory must be at least 64 MiB"
	}
	if msg := r.election.check(); msg != "" {
		return msg
	}
	return r.plan.check()
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
	dir := r.stateDir
	if dir == "" {
		dir = getenv("STATE_DIRECTORY")
	}
	if dir == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			return "", fmt.Errorf("no --state-dir and no cache directory: %w", err)
		}
		dir = filepath.Join(cache, "reconciler")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("create state directory: %w", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return "", fmt.Errorf("state directory: %w", err)
	}
	return dir, nil
}
