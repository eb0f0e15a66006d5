package schema

import (
	"cmp"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/build"
	"cuelang.org/go/cue/cuecontext"
	cueerrors "cuelang.org/go/cue/errors"
	"cuelang.org/go/cue/parser"
	"cuelang.org/go/cue/token"
	"github.com/sipops/reconciler/internal/setting"
	"github.com/sipops/reconciler/internal/specdata"
)

// File is one spec file. Path is relative to the spec directory and is what
// diagnostics print.
type File struct {
	Path string
	Data []byte
}

// LoadOptions say what a spec may hold.
type LoadOptions struct {
	// DefaultRegion is given to connectors without a region. Empty leaves
	// their Region empty for the caller to fill from the AWS configuration.
	DefaultRegion string
	// Kinds are the settings a connector may name, each with its block;
	// at least one. The kinds' own options (origination's --max-routes)
	// are theirs.
	Kinds []setting.Kind
}

// InvalidError is returned for a spec with at least one error. It carries
// every error found, and the warnings, sorted by position.
type InvalidError struct {
	Errors   []Diagnostic
	Warnings []Diagnostic
}

func (e *InvalidError) Error() string {
	lines := make([]string, len(e.Errors))
	for i, d := range e.Errors {
		lines[i] = d.String()
	}
	return fmt.Sprintf("invalid spec (%d errors):\n%s", len(e.Errors), strings.Join(lines, "\n"))
}

// Load evaluates files as one CUE package and checks them against the
// contract. It returns either a Spec or an *InvalidError, never both.
func Load(files []File, opts LoadOptions) (*Spec, error) {
	if len(opts.Kinds) == 0 {
		return nil, errors.New("load spec: no setting to manage")
	}
	if len(files) == 0 {
		return nil, &InvalidError{Errors: []Diagnostic{{Message: "no .cue files found"}}}
	}
	d := &decoder{opts: opts}
	v, ok := d.build(files)
	if ok {
		d.spec(v)
	}
	if len(d.errs) > 0 {
		return nil, &InvalidError{Errors: sortDiags(d.errs), Warnings: sortDiags(d.warns)}
	}
	slices.SortFunc(d.out, func(a, b DesiredConnector) int { return strings.Compare(a.Key, b.Key) })
	return &Spec{Connectors: d.out, Warnings: sortDiags(d.warns)}, nil
}

// build evaluates the files. It reports false when nothing can be walked.
func (d *decoder) build(files []File) (cue.Value, bool) {
	inst := build.NewContext().NewInstance("", nil)
	files = slices.SortedFunc(slices.Values(files), func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	for _, f := range parse(files) {
		if f.err != nil {
			d.cueErr(f.err)
			continue
		}
		if err := inst.AddSyntax(f.file); err != nil {
			d.cueErr(err)
		}
	}
	if len(d.errs) > 0 {
		return cue.Value{}, false
	}
	v := cuecontext.New().BuildInstance(inst)
	if err := v.Validate(); err != nil {
		d.cueErr(err)
	}
	return v, v.Exists()
}

type parsed struct {
	file *ast.File
	err  error
}

// parse parses files on every core: it is a fifth of the load time of a
// large spec, and files are independent until evaluation. Comments are not
// kept; nothing reads them.
func parse(files []File) []parsed {
	out := make([]parsed, len(files))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(files)) {
		wg.Go(func() {
			for i := range next {
				out[i].file, out[i].err = parser.ParseFile(files[i].Path, files[i].Data)
			}
		})
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

// cueErr records every error of a CUE error list, see cueDiag.
func (d *decoder) cueErr(err error) {
	for _, e := range cueerrors.Errors(err) {
		format, args := e.Msg()
		msg := fmt.Sprintf(format, args...)
		if p := e.Path(); len(p) > 0 {
			msg = where(p) + ": " + msg
		}
		d.errs = append(d.errs, cueDiag(e, msg))
	}
}

// cueDiag places msg at e's first position in the operator's files and
// lists its other positions there in Also, as cue vet does: a conflict
// between two files must name both, or the operator fixes the wrong one.
func cueDiag(e cueerrors.Error, msg string) Diagnostic {
	diag := diagAt(firstPos(e), msg)
	for _, p := range cueerrors.Positions(e) {
		if p.Filename() == "" {
			continue
		}
		if loc := diagAt(p, "").location(); loc != diag.location() && !slices.Contains(diag.Also, loc) {
			diag.Also = append(diag.Also, loc)
		}
	}
	return diag
}

func firstPos(e cueerrors.Error) token.Pos {
	for _, p := range cueerrors.Positions(e) {
		if p.Filename() != "" {
			return p
		}
	}
	return e.Position()
}

// sortDiags sorts ds by position, keeping the order in which diagnostics at
// one position were found, and drops repeats.
func sortDiags(ds []Diagnostic) []Diagnostic {
	slices.SortStableFunc(ds, func(a, b Diagnostic) int {
		return cmp.Or(strings.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column))
	})
	seen := map[diagKey]bool{}
	return slices.DeleteFunc(ds, func(d Diagnostic) bool {
		k := d.key()
		if seen[k] {
			return true
		}
		seen[k] = true
		return false
	})
}

// where renders a CUE path as the loader's messages do:
// "sbc-east": origination.routes[0].priority.
func where(p []string) string {
	if len(p) < 2 || p[0] != "voiceConnectors" {
		return specdata.PathString(p)
	}
	w := fmt.Sprintf("%q", p[1])
	if len(p) > 2 {
		w += ": " + specdata.PathString(p[2:])
	}
	return w
}
