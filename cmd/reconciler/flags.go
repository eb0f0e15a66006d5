package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/sipops/reconciler/internal/envfile"
	"github.com/sipops/reconciler/internal/suggest"
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

// variables are the variables a command's flags fall back to: those of
// the process environment, or of the daemon's --env-file.
type variables struct {
	lookup func(name string) string
	// vars are the RECONCILER_* names set, each of which must be a flag's;
	// near are the other names set, each of which must not look like a
	// misspelling of one (RECONCILR_DRIFT).
	vars, near []string
	file       string         // "" for the process environment
	lines      map[string]int // file only: where each name is set
}

// environment returns the variables of std's environment for the command
// of fs. Without std.Environ the names cannot be listed and go unchecked.
func environment(std Stdio, fs *flag.FlagSet) variables {
	s := variables{lookup: std.Getenv}
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

// fileVariables returns the variables of an environment file: every
// RECONCILER_* key in it must be a flag of the command, and other keys
// (AWS_* for systemd's EnvironmentFile=) must not look like a misspelling
// of one.
func fileVariables(path string, as []envfile.Assignment) variables {
	vars := map[string]string{}
	s := variables{lookup: func(name string) string { return vars[name] }, file: path, lines: map[string]int{}}
	for _, a := range as {
		vars[a.Key], s.lines[a.Key] = a.Value, a.Line
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
func (s variables) where(name string) string {
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
func (s variables) check(fs *flag.FlagSet) error {
	var known []string
	fs.VisitAll(func(f *flag.Flag) { known = append(known, envName(fs, f.Name)) })
	var errs []error
	for _, name := range slices.Sorted(slices.Values(s.vars)) {
		if slices.Contains(known, name) {
			continue
		}
		msg := fmt.Sprintf("unknown setting %s: reconciler %s has no flag --%s", s.where(name), fs.Name(), flagOf(name))
		switch c, d := suggest.Closest(name, known); {
		case c == "":
		case d <= maxTypo+1:
			msg += "; did you mean " + c + "?"
		default:
			msg += " (the closest of its variables is " + c + ")"
		}
		errs = append(errs, errors.New(msg))
	}
	for _, name := range slices.Sorted(slices.Values(s.near)) {
		if c, d := suggest.Closest(name, known); c != "" && d <= maxTypo {
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

// parse parses args, then gives each flag not set on the command line the
// value of its environment variable, if set. Its errors are for
// usageExit: flag.ErrHelp after -h, else a *usageError.
func parse(fs *flag.FlagSet, args []string, std Stdio) error {
	return parseWith(fs, args, environment(std, fs))
}

// parsing is parse as a step of inOrder.
func parsing(fs *flag.FlagSet, args []string, std Stdio) func() error {
	return func() error { return parse(fs, args, std) }
}

// inOrder runs each step until one fails, and returns its error: the
// parsing of a command's flags, then their checks, then the reading of
// the files they name, each only if the one before it succeeded.
func inOrder(steps ...func() error) error {
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// parseWith is parse with the variables s: those set must all be flags of
// fs, and each flag not set on the command line takes the value of its
// variable, if set and not empty.
func parseWith(fs *flag.FlagSet, args []string, s variables) error {
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := s.check(fs); err != nil {
		return &usageError{msg: indentLines(err), hint: "Run 'reconciler " + fs.Name() + " -h' for the flags and their variables."}
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
			bad = &usageError{msg: fmt.Sprintf("invalid value %q for %s: %v", v, s.where(name), err)}
		}
	})
	return bad
}

// indentLines puts every line of err after the first on a line of its own,
// indented, so that several errors read as a list.
func indentLines(err error) string {
	return strings.ReplaceAll(err.Error(), "\n", "\n  ")
}
