package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/sipops/reconciler/internal/importer"
	"github.com/sipops/reconciler/internal/settings"
)

// importFlags are the flags of `reconciler import`.
type importFlags struct {
	regions, ids, names listFlag
	out                 string
	skipUnconfigured    bool
	force               bool
	settings            settingFlags
	api                 apiFlags
	log                 logFlags
}

func (f *importFlags) register(fs *flag.FlagSet) {
	fs.Var(&f.regions, "region", "AWS `REGION` to import, one file each; repeat or separate with commas")
	fs.StringVar(&f.out, "out", "", "`DIR`ectory to write <region>/connectors.cue into, or - for stdout")
	fs.Var(&f.ids, "id", "import only the Voice Connector with this `ID`; repeat or separate with commas")
	fs.Var(&f.names, "name", "import only the Voice Connector with this `NAME`; repeat or separate with commas")
	fs.BoolVar(&f.skipUnconfigured, "skip-unconfigured", false, "leave out connectors without origination instead of writing them as absent: true")
	fs.BoolVar(&f.force, "force", false, "write into a directory that already holds .cue files, replacing the imported files")
	f.settings.register(fs)
	fs.Lookup("max-routes").Usage = "routes allowed per connector, as validate --max-routes: your account's quota, at most 20"
	f.api.register(fs)
	f.log.register(fs)
}

func (f *importFlags) check() error {
	switch {
	case len(f.regions) == 0:
		return errors.New("--region is required")
	case f.out == "":
		return errors.New("--out is required")
	}
	return cmp.Or(f.settings.check(), f.api.check(), f.log.check())
}

// listFlag is a flag given once per value, or once with values separated
// by commas (as an environment variable can only be).
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(v string) error {
	for s := range strings.SplitSeq(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*l = append(*l, s)
		}
	}
	return nil
}

func runImport(ctx context.Context, std Stdio, args []string) int {
	var f importFlags
	fs := newFlags(std, "import", "--region REGION [--region ...] --out DIR|- [flags]",
		"Write specs from the live state: one CUE file per region, DIR/<region>/connectors.cue, such that\n"+
			"plan then shows nothing to change. Connectors the spec rules reject are written with a comment\n"+
			"saying what must change, and named on stderr.\n"+
			"Exit 0 when every connector was imported as a valid spec, 1 otherwise, 2 on bad usage.")
	f.register(fs)
	if err := inOrder(parsing(fs, args, std), f.check); err != nil {
		return usageExit(fs, err, exitUsage)
	}
	if err := importSpecs(ctx, std, &f); err != nil {
		return failed(std, "import", err)
	}
	return exitOK
}

// importSpecs reads the live state and writes it as specs. It returns
// errPrinted when the files are written but name connectors the spec rules
// reject.
func importSpecs(ctx context.Context, std Stdio, f *importFlags) error {
	if f.out != "-" {
		if err := checkOut(f.out, f.force); err != nil {
			return err
		}
	}
	log, err := f.log.logger(std)
	if err != nil {
		return err
	}
	client, err := f.api.client(ctx, f.regions[0], log, nil)
	if err != nil {
		return err
	}
	kinds, err := f.settings.kinds(settings.Options{Client: client, Logger: log})
	if err != nil {
		return err
	}
	results, err := importer.Import(ctx, client, importer.ImportOptions{
		Regions: f.regions, IDs: f.ids, Names: f.names, SkipUnconfigured: f.skipUnconfigured,
		Kinds: kinds, Concurrency: f.api.concurrency, Progress: progress(std),
	})
	if err != nil {
		return err
	}
	if f.out == "-" {
		err = printSpecs(std, results)
	} else {
		err = importer.Write(f.out, results, f.force)
	}
	if err != nil {
		return err
	}
	return report(std, f.out, results)
}

// checkOut refuses a directory that already holds a spec: an import would
// add a second definition of connectors it already names, or overwrite
// what someone edited.
func checkOut(dir string, force bool) error {
	if force {
		return nil
	}
	var found string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(path, ".cue") {
			found = path
			return fs.SkipAll
		}
		return nil
	})
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("read output directory: %w", err)
	case found != "":
		return fmt.Errorf("%s already holds a spec (%s): import into an empty directory, or give --force to replace the imported files", dir, found)
	}
	return nil
}

// printSpecs writes every file to stdout, each after a comment naming
// where it belongs: one CUE file per region, as --out DIR would write.
func printSpecs(std Stdio, results []importer.RegionFile) error {
	for i, r := range results {
		sep := ""
		if i > 0 {
			sep = "\n"
		}
		if _, err := fmt.Fprintf(std.Out, "%s// %s\n%s", sep, r.Path, r.CUE); err != nil {
			return fmt.Errorf("write to stdout: %w", err)
		}
	}
	return nil
}

// report prints the warnings, the problems and a summary on stderr, and
// returns errPrinted when there are problems.
func report(std Stdio, out string, results []importer.RegionFile) error {
	var connectors, skipped int
	var problems []importer.Problem
	for _, r := range results {
		connectors, skipped = connectors+r.Connectors, skipped+r.Skipped
		problems = append(problems, r.Problems...)
		for _, w := range r.Warnings {
			fmt.Fprintf(std.Err, "warning: %s\n", w)
		}
	}
	for _, p := range problems {
		fmt.Fprintf(std.Err, "error: %s\n", p)
	}
	where := out
	if out == "-" {
		where = "stdout"
	}
	summary := fmt.Sprintf("imported %d voice connectors of %d regions to %s", connectors, len(results), where)
	if skipped > 0 {
		summary += fmt.Sprintf(", left out %d without origination", skipped)
	}
	fmt.Fprintln(std.Err, summary)
	if len(problems) > 0 {
		fmt.Fprintf(std.Err, "import: %d connectors are written as they are live, but the spec rules reject them: change each as its comment says before applying\n", len(problems))
		return errPrinted
	}
	return nil
}

// progress counts the connectors read on a terminal, on one line; elsewhere
// (a CI log, a pipe) it stays quiet.
func progress(std Stdio) func(done, total int) {
	if !isTerminal(std.Err) {
		return nil
	}
	return func(done, total int) {
		fmt.Fprintf(std.Err, "\rread %d/%d connectors", done, total)
		if done == total {
			fmt.Fprintln(std.Err)
		}
	}
}
