package schema

import (
	"path/filepath"
	"strings"
	"testing"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/build"
	"cuelang.org/go/cue/cuecontext"
	"cuelang.org/go/cue/parser"
	"github.com/rogpeppe/go-internal/txtar"
)

// TestSchemaAgrees checks that the loader is never more lenient than
// schema.cue: every spec the loader accepts also satisfies #Spec. (The loader
// is stricter on purpose: rules across fields, such as exactly one of id and
// name, are not expressed in the CUE.) Every invalid case that the CUE
// schema rejects on its own must be rejected by the loader too; that is the
// same implication, checked on the other cases.
func TestSchemaAgrees(t *testing.T) {
	ctx := cuecontext.New()
	contract := build.NewContext().NewInstance("", nil)
	for _, f := range CUE(kinds(t, 0)) {
		file, err := parser.ParseFile(f.Path, f.Data)
		if err != nil {
			t.Fatalf("%s: %v", f.Path, err)
		}
		if err := contract.AddSyntax(file); err != nil {
			t.Fatalf("%s: %v", f.Path, err)
		}
	}
	schema := ctx.BuildInstance(contract)
	if err := schema.Err(); err != nil {
		t.Fatalf("the contract's CUE: %v", err)
	}
	def := schema.LookupPath(cue.ParsePath("#Spec"))
	paths, _ := filepath.Glob("testdata/*/*.txtar")
	var cueRejects int
	for _, p := range paths {
		ar, err := txtar.ParseFile(p)
		if err != nil {
			t.Fatal(err)
		}
		files, opts := caseInput(t, ar)
		inst := build.NewContext().NewInstance("", nil)
		for _, f := range files {
			if file, err := parser.ParseFile(f.Path, f.Data); err == nil {
				inst.AddSyntax(file)
			}
		}
		v := ctx.BuildInstance(inst)
		cueErr := def.Unify(v).Validate(cue.Concrete(true))
		_, loadErr := Load(files, opts)
		if cueErr != nil {
			cueRejects++
		}
		if loadErr == nil && cueErr != nil {
			t.Errorf("%s: the loader accepts what schema.cue rejects: %v", p, cueErr)
		}
		if strings.Contains(p, "/valid/") && cueErr != nil {
			t.Errorf("%s: schema.cue rejects a valid case: %v", p, cueErr)
		}
	}
	if cueRejects < 10 {
		t.Errorf("schema.cue rejected only %d cases: it no longer expresses the contract", cueRejects)
	}
}
