package schema

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
	"github.com/sipops/reconciler/internal/origination"
	"github.com/sipops/reconciler/internal/setting"
)

var update = flag.Bool("update", false, "rewrite the want sections of testdata/*/*.txtar")

// TestGolden loads every case under testdata/valid and testdata/invalid.
// Each txtar archive holds the spec files and a "want" section: the exact
// diagnostics for an invalid spec, the decoded connectors and warnings for a
// valid one. The comment may set options, e.g. "max-routes=20".
func TestGolden(t *testing.T) {
	for _, dir := range []string{"valid", "invalid"} {
		paths, _ := filepath.Glob(filepath.Join("testdata", dir, "*.txtar"))
		if len(paths) == 0 {
			t.Fatalf("no cases in testdata/%s", dir)
		}
		for _, p := range paths {
			t.Run(dir+"/"+strings.TrimSuffix(filepath.Base(p), ".txtar"), func(t *testing.T) {
				ar, err := txtar.ParseFile(p)
				if err != nil {
					t.Fatal(err)
				}
				files, opts := caseInput(t, ar)
				got := render(Load(files, opts))
				if *update {
					setWant(ar, got)
					if err := os.WriteFile(p, txtar.Format(ar), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				if want := wantOf(ar); got != want {
					t.Errorf("got:\n%s\nwant:\n%s", got, want)
				}
				if valid := strings.HasPrefix(got, "valid"); valid != (dir == "valid") {
					t.Errorf("case in testdata/%s loaded as %q", dir, firstLine(got))
				}
			})
		}
	}
}

func caseInput(t *testing.T, ar *txtar.Archive) ([]File, LoadOptions) {
	maxRoutes := 0
	for _, f := range strings.Fields(string(ar.Comment)) {
		if v, ok := strings.CutPrefix(f, "max-routes="); ok {
			n, err := strconv.Atoi(v)
			if err != nil {
				t.Fatal(err)
			}
			maxRoutes = n
		}
	}
	opts := LoadOptions{DefaultRegion: "us-east-1", Kinds: kinds(t, maxRoutes)}
	var files []File
	for _, f := range ar.Files {
		if f.Name != "want" {
			files = append(files, File{Path: f.Name, Data: f.Data})
		}
	}
	return files, opts
}

// render prints a load result in a stable form for comparison.
func render(s *Spec, err error) string {
	var b strings.Builder
	if err != nil {
		inv, ok := err.(*InvalidError)
		if !ok {
			return "error: " + err.Error() + "\n"
		}
		b.WriteString("invalid\n")
		for _, d := range inv.Errors {
			b.WriteString("error: " + d.String() + "\n")
		}
		for _, d := range inv.Warnings {
			b.WriteString("warning: " + d.String() + "\n")
		}
		return b.String()
	}
	b.WriteString("valid\n")
	for _, c := range s.Connectors {
		j, _ := json.Marshal(c)
		b.Write(j)
		b.WriteByte('\n')
	}
	for _, d := range s.Warnings {
		b.WriteString("warning: " + d.String() + "\n")
	}
	return b.String()
}

// kinds are the settings a spec may name: origination, with routes up to
// maxRoutes (0: the default).
func kinds(t testing.TB, maxRoutes int) []setting.Kind {
	t.Helper()
	k, err := origination.New(origination.Options{MaxRoutes: maxRoutes})
	if err != nil {
		t.Fatal(err)
	}
	return []setting.Kind{k}
}

func wantOf(ar *txtar.Archive) string {
	for _, f := range ar.Files {
		if f.Name == "want" {
			return string(f.Data)
		}
	}
	return ""
}

func setWant(ar *txtar.Archive, got string) {
	for i, f := range ar.Files {
		if f.Name == "want" {
			ar.Files[i].Data = []byte(got)
			return
		}
	}
	ar.Files = append(ar.Files, txtar.File{Name: "want", Data: []byte(got)})
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
