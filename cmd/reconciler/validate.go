package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/sipops/reconciler/internal/schema"
)

// specFlags are the flags of every command that loads a spec.
type specFlags struct {
	source    string
	region    string
	maxRoutes int
	output    string
}

func (s *specFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&s.source, "source", "", "`DIR`ectory of .cue spec files (read recursively)")
	fs.StringVar(&s.region, "region", "", "AWS `REGION` of connectors whose spec names none (default: the AWS configuration's)")
	fs.IntVar(&s.maxRoutes, "max-routes", schema.DefaultMaxRoutes, "routes allowed per connector: your account's quota, at most 20")
	fs.StringVar(&s.output, "output", "text", "output `FORMAT`: text or json")
}

// check validates the flags and returns a usage problem, or "". Whether
// --source is required is the command's business.
func (s *specFlags) check() string {
	switch {
	case s.maxRoutes < 1 || s.maxRoutes > schema.APIMaxRoutes:
		return fmt.Sprintf("--max-routes %d out of range 1..%d", s.maxRoutes, schema.APIMaxRoutes)
	case s.output != "text" && s.output != "json":
		return fmt.Sprintf("--output %q: want text or json", s.output)
	}
	return ""
}

func requireSource(dir string) string {
	if dir == "" {
		return "--source is required"
	}
	return ""
}

func (s *specFlags) options() schema.LoadOptions {
	return schema.LoadOptions{DefaultRegion: s.region, MaxRoutes: s.maxRoutes}
}

func runValidate(_ context.Context, std Stdio, args []string) int {
	var f specFlags
	fs := newFlags(std, "validate", "--source DIR [flags]",
		"Check a spec directory against the schema. Nothing is read from or written to AWS.\nExit 0 when valid (warnings are printed), 1 when invalid, 2 on bad usage.")
	f.register(fs)
	if code := parse(fs, args, std, exitUsage); code >= 0 {
		return code
	}
	if msg := cmp.Or(requireSource(f.source), f.check()); msg != "" {
		return usageErrorf(fs, exitUsage, "%s", msg)
	}
	spec, err := schema.LoadDir(f.source, f.options())
	var inv *schema.InvalidError
	if err != nil && !errors.As(err, &inv) {
		fmt.Fprintf(std.Err, "validate: %v\n", err)
		return exitFailure
	}
	r := newValidation(f.source, spec, inv)
	if f.output == "json" {
		enc := json.NewEncoder(std.Out)
		enc.SetIndent("", "  ")
		enc.Encode(r)
	} else {
		r.writeText(std.Out, std.Err)
	}
	if !r.Valid {
		return exitFailure
	}
	return exitOK
}

// validation is the result of validate, also its JSON output.
type validation struct {
	Source     string                    `json:"source"`
	Valid      bool                      `json:"valid"`
	Errors     []schema.Diagnostic       `json:"errors"`
	Warnings   []schema.Diagnostic       `json:"warnings"`
	Connectors []schema.DesiredConnector `json:"connectors"`
}

func newValidation(source string, spec *schema.Spec, inv *schema.InvalidError) validation {
	r := validation{Source: source, Errors: []schema.Diagnostic{}, Warnings: []schema.Diagnostic{}, Connectors: []schema.DesiredConnector{}}
	if inv != nil {
		r.Errors = inv.Errors
		r.Warnings = append(r.Warnings, inv.Warnings...)
		return r
	}
	r.Valid = true
	r.Warnings = append(r.Warnings, spec.Warnings...)
	r.Connectors = spec.Connectors
	return r
}

func (r validation) writeText(out, errw io.Writer) {
	for _, d := range r.Errors {
		fmt.Fprintln(errw, d)
	}
	for _, d := range r.Warnings {
		fmt.Fprintln(errw, warning(d))
	}
	if r.Valid {
		fmt.Fprintf(out, "%s: valid, %s, %s\n", r.Source, plural(len(r.Connectors), "voice connector"), plural(len(r.Warnings), "warning"))
		return
	}
	fmt.Fprintf(out, "%s: invalid, %s: nothing in it may be applied\n", r.Source, plural(len(r.Errors), "error"))
}

// warning renders a diagnostic as a warning: file:line:col: warning: message.
func warning(d schema.Diagnostic) string {
	d.Message = "warning: " + d.Message
	return d.String()
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
