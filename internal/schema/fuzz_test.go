package schema

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
	"github.com/sipops/reconciler/internal/origination"
)

// FuzzLoad feeds arbitrary CUE to the loader. It must never panic, and must
// return exactly one of a Spec or an *InvalidError whose every error has a
// message; a Spec it returns must satisfy the contract.
func FuzzLoad(f *testing.F) {
	paths, _ := filepath.Glob("testdata/*/*.txtar")
	for _, p := range paths {
		ar, err := txtar.ParseFile(p)
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range ar.Files {
			if file.Name != "want" {
				f.Add(file.Data)
			}
		}
	}
	ks := kinds(f, 0)
	f.Fuzz(func(t *testing.T, data []byte) {
		spec, err := Load([]File{{Path: "fuzz.cue", Data: data}}, LoadOptions{Kinds: ks})
		var inv *InvalidError
		switch {
		case err != nil && !errors.As(err, &inv):
			t.Fatalf("got %T %v, want *InvalidError", err, err)
		case err != nil && (spec != nil || len(inv.Errors) == 0):
			t.Fatalf("got spec %v and %d errors", spec, len(inv.Errors))
		case err != nil:
			for _, d := range inv.Errors {
				if d.Message == "" {
					t.Fatalf("error without a message: %+v", d)
				}
			}
		default:
			checkContract(t, spec)
		}
	})
}

func checkContract(t *testing.T, spec *Spec) {
	t.Helper()
	for _, c := range spec.Connectors {
		d, ok := c.Setting(origination.Name)
		if (c.ID == "") == (c.Name == "") || !ok || d.Absent != (d.Value == nil) {
			t.Fatalf("connector breaks the contract: %+v", c)
		}
		if d.Absent {
			continue
		}
		o := d.Value.(*origination.Origination)
		if len(o.Routes) == 0 && !o.Disabled || len(o.Routes) > origination.DefaultMaxRoutes {
			t.Fatalf("%s: %d routes, disabled %v", c.Key, len(o.Routes), o.Disabled)
		}
		for _, r := range o.Routes {
			if r.Port < 1 || r.Port > 65535 || r.Priority < 1 || r.Priority > 100 || r.Weight < 1 || r.Weight > 100 ||
				(r.Protocol != "TCP" && r.Protocol != "UDP") || r.Host == "" {
				t.Fatalf("%s: route breaks the contract: %+v", c.Key, r)
			}
		}
	}
}
