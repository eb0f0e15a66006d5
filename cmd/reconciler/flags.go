package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
)

// envPrefix names the environment variable each flag falls back to:
// --max-routes reads RECONCILER_MAX_ROUTES. The daemon's --env-file holds
// such variables (run_flags.go says how it and the environment agree). The
// simulator's flags read RECONCILER_SIM_*, so that a shell set up for the
// daemon does not configure a simulator started from it.
//
// Every RECONCILER_* variable a command sees must be one of its flags, so
// that a misspelt or misplaced setting is an error rather than silently
// ignored: the RECONCILER_SIM_* variables are sim's and only sim reads and
// checks them; every other RECONCILER_* variable belongs to the command
// that runs. A variable set to nothing is no setting (it would set no flag
// spelt right either) and is not checked. There are no other exceptions: a
// tool that runs the reconciler must not name its own variables
// RECONCILER_*.
const envPrefix = "RECONCILER_"

// simPrefix starts the variables of sim's flags.
const simPrefix = envPrefix + "SIM_"

func envName(fs *flag.FlagSet, flagName string) string {
	prefix := envPrefix
	if fs.Name() == "sim" {
		prefix = simPrefix
	}
	return prefix + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// ownVar reports whether the variable name is for the command of fs to
// read and check: RECONCILER_SIM_* for sim, the other RECONCILER_* for the
// other commands.
func ownVar(fs *flag.FlagSet, name string) bool {
	if fs.Name() == "sim" {
		return strings.HasPrefix(name, simPrefix)
	}
	return strings.HasPrefix(name, envPrefix) && !strings.HasPrefix(name, simPrefix)
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

// settings are the variables a command's flags fall back to: those of the
// process environment, or of the daemon's --env-file.
type settings struct {
	lookup func(name string) string
	// vars are the RECONCILER_* names set, each of which must be a flag's;
	// near are the other names set, each of which must not look like a
	// misspelling of one (RECONCILR_DRIFT).
	vars, near []string
	file       string         // "" for the process environment
	lines      map[string]int // file only: where each name is set
}

// environment returns the settings of std's environment for the command
// of fs. Without std.Environ the names cannot be listed and go unchecked.
func environment(std Stdio, fs *flag.FlagSet) settings {
	s := settings{lookup: std.Getenv}
	if std.Environ == nil {
		return s
	}
	for _, kv := range std.Environ() {
		name, value, _ := strings.Cut(kv, "=")
		switch {
		case value == "":
			// Set to nothing, as unset: it sets no flag, and the same
			// name spelt right would set none either.
		case ownVar(fs, name):
			s.vars = append(s.vars, name)
		case !strings.HasPrefix(name, envPrefix):
			s.near = append(s.near, name)
		}
	}
	return s
}

// fileSettings returns the settings of an environment file: every
// RECONCILER_* key in it must be a flag of the command, and other keys
// (AWS_* for systemd's EnvironmentFile=) must not look like a misspelling
// of one.
func fileSettings(path string, as []envAssignment) settings {
	vars := map[string]string{}
	s := settings{lookup: func(name string) string { return vars[name] }, file: path, lines: map[string]int{}}
	for _, a := range as {
		vars[a.key], s.lines[a.key] = a.value, a.line
	}
	for _, name := range slices.Sorted(maps.Keys(vars)) {
		switch {
		case vars[name] == "": // as in environment
		case strings.HasPrefix(name, envPrefix):
			s.vars = append(s.vars, name)
		default:
			s.near = append(s.near, name)
		}
	}
	return s
}

// where says where the variable name is set, for messages.
func (s settings) where(name string) string {
	if s.file == "" {
		return "$" + name + " in the environment"
	}
	return fmt.Sprintf("%s in %s:%d", name, s.file, s.lines[name])
}

// maxTypo is the edit distance within which a name that is not
// RECONCILER_* is taken for a misspelling of a flag's variable.
const maxTypo = 2

// check returns an error naming every variable set that is not a flag of
// fs, with the closest one that is.
func (s settings) check(fs *flag.FlagSet) error {
	var known []string
	fs.VisitAll(func(f *flag.Flag) { known = append(known, envName(fs, f.Name)) })
	var errs []error
	for _, name := range slices.Sorted(slices.Values(s.vars)) {
		if slices.Contains(known, name) {
			continue
		}
		msg := fmt.Sprintf("unknown setting %s: reconciler %s has no flag --%s", s.where(name), fs.Name(), flagOf(name))
		switch c, d := closest(name, known); {
		case c == "":
		case d <= maxTypo+1:
			msg += "; did you mean " + c + "?"
		default:
			msg += " (the closest of its variables is " + c + ")"
		}
		errs = append(errs, errors.New(msg))
	}
	for _, name := range slices.Sorted(slices.Values(s.near)) {
		if c, d := closest(name, known); c != "" && d <= maxTypo {
			errs = append(errs, fmt.Errorf("unknown setting %s; did you mean %s?", s.where(name), c))
		}
	}
	return errors.Join(errs...)
}

// flagOf is the flag a variable would be the fallback of.
func flagOf(name string) string {
	name = strings.TrimPrefix(strings.TrimPrefix(name, simPrefix), envPrefix)
	return strings.ToLower(strings.ReplaceAll(name, "_", "-"))
}

// closest returns the name of known nearest to name in edit distance, and
// the distance; "" when known is empty.
func closest(name string, known []string) (string, int) {
	best, bestD := "", -1
	for _, k := range known {
		if d := editDistance(name, k); bestD < 0 || d < bestD {
			best, bestD = k, d
		}
	}
	return best, bestD
}

// editDistance is the Levenshtein distance of a and b, in bytes: the
// names are ASCII.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// parse parses args, then gives each flag not set on the command line the
// value of its environment variable, if set. It returns -1 to go on, exitOK
// after -h, or usageCode on a bad flag, environment variable or argument.
func parse(fs *flag.FlagSet, args []string, std Stdio, usageCode int) int {
	return parseWith(fs, args, environment(std, fs), usageCode)
}

// parseWith is parse with the settings s: the variables set must all be
// flags of fs, and each flag not set on the command line takes the value
// of its variable, if set and not empty.
func parseWith(fs *flag.FlagSet, args []string, s settings, usageCode int) int {
	if code := parseFlags(fs, args, usageCode); code >= 0 {
		return code
	}
	if err := s.check(fs); err != nil {
		fmt.Fprintf(fs.Output(), "%s: %v\nRun 'reconciler %s -h' for the flags and their variables.\n", fs.Name(), indentLines(err), fs.Name())
		return usageCode
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var bad error
	fs.VisitAll(func(f *flag.Flag) {
		name := envName(fs, f.Name)
		v := s.lookup(name)
		if given[f.Name] || v == "" || bad != nil {
			return
		}
		if err := fs.Set(f.Name, v); err != nil {
			bad = fmt.Errorf("invalid value %q for %s: %w", v, s.where(name), err)
		}
	})
	if bad != nil {
		fmt.Fprintf(fs.Output(), "%s: %v\n", fs.Name(), bad)
		return usageCode
	}
	return -1
}

// indentLines puts every line of err after the first on a line of its own,
// indented, so that several errors read as a list.
func indentLines(err error) string {
	return strings.ReplaceAll(err.Error(), "\n", "\n  ")
}

// usageErrorf reports a bad combination of flags and returns code.
func usageErrorf(fs *flag.FlagSet, code int, format string, args ...any) int {
	fmt.Fprintf(fs.Output(), "%s: %s\nRun 'reconciler %s -h' for help.\n", fs.Name(), fmt.Sprintf(format, args...), fs.Name())
	return code
}
