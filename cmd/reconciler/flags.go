package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
)

// envPrefix names the environment variable each flag falls back to:
// --max-routes reads RECONCILER_MAX_ROUTES. The systemd unit's
// EnvironmentFile sets the daemon's flags this way. The simulator's flags
// read RECONCILER_SIM_*, so that a shell set up for the daemon does not
// configure a simulator started from it.
const envPrefix = "RECONCILER_"

func envName(fs *flag.FlagSet, flagName string) string {
	prefix := envPrefix
	if fs.Name() == "sim" {
		prefix += "SIM_"
	}
	return prefix + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// newFlags returns the flag set of a subcommand. Its usage shows the
// synopsis, then every flag with its default and environment variable.
func newFlags(std Stdio, name, synopsis, summary string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(std.Err)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: reconciler %s %s\n\n%s\n\nFlags:\n", name, synopsis, summary)
		printDefaults(fs.Output(), fs)
	}
	return fs
}

func printDefaults(w io.Writer, fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		arg, usage := flag.UnquoteUsage(f)
		fmt.Fprintf(w, "  --%s %s\n    \t%s", f.Name, arg, usage)
		if f.DefValue != "" && f.DefValue != "0" && f.DefValue != "false" {
			fmt.Fprintf(w, " (default %s)", f.DefValue)
		}
		fmt.Fprintf(w, " [$%s]\n", envName(fs, f.Name))
	})
}

// parse parses args, then gives each flag not set on the command line the
// value of its environment variable, if set. It returns -1 to go on, exitOK
// after -h, or usageCode on a bad flag, environment value or argument.
func parse(fs *flag.FlagSet, args []string, std Stdio, usageCode int) int {
	if code := parseFlags(fs, args, usageCode); code >= 0 {
		return code
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var bad error
	fs.VisitAll(func(f *flag.Flag) {
		v := std.Getenv(envName(fs, f.Name))
		if given[f.Name] || v == "" || bad != nil {
			return
		}
		if err := fs.Set(f.Name, v); err != nil {
			bad = fmt.Errorf("invalid value %q for $%s: %w", v, envName(fs, f.Name), err)
		}
	})
	if bad != nil {
		fmt.Fprintf(fs.Output(), "%s: %v\n", fs.Name(), bad)
		return usageCode
	}
	return -1
}

// usageErrorf reports a bad combination of flags and returns code.
func usageErrorf(fs *flag.FlagSet, code int, format string, args ...any) int {
	fmt.Fprintf(fs.Output(), "%s: %s\nRun 'reconciler %s -h' for help.\n", fs.Name(), fmt.Sprintf(format, args...), fs.Name())
	return code
}
