package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/sipops/reconciler/internal/schema"
	"github.com/sipops/reconciler/internal/settings"
)

func runValidate(_ context.Context, std Stdio, args []string) int {
	var f specFlags
	fs := newFlags(std, "validate", "--source DIR [flags]",
		"Check a spec directory against the schema. Nothing is read from or written to AWS.\nExit 0 when valid (warnings are printed), 1 when invalid, 2 on bad usage.")
	f.register(fs)
	if err := inOrder(parsing(fs, args, std), f.requireSource, f.check); err != nil {
		return usageExit(fs, err, exitUsage)
	}
	kinds, err := f.settings.kinds(settings.Options{}) // validate decodes, it reads nothing
	if err != nil {
		fmt.Fprintf(std.Err, "validate: %v\n", err)
		return exitFailure
	}
	spec, err := schema.LoadDir(f.source, f.options(kinds))
	var inv *schema.InvalidError
	if err != nil && !errors.As(err, &inv) {
		fmt.Fprintf(std.Err, "validate: %v\n", err)
		return exitFailure
	}
	r := newValidation(f.source, spec, inv)
	if f.output == "json" {
		if err := r.writeJSON(std.Out); err != nil {
			fmt.Fprintf(std.Err, "validate: %v\n", err)
			return exitFailure
		}
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

// writeJSON writes the result for CI bots; a verdict they cannot read is
// a failure.
func (r validation) writeJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("write the result: %w", err)
	}
	return nil
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
