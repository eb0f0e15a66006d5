package suspension

import (
	"os"
	"slices"
	"testing"
	"time"
)

func TestFile(t *testing.T) {
	dir := t.TempDir()
	f := NewFile(dir)
	if ss, err := f.Load(); err != nil || ss != nil {
		t.Fatalf("no file: got %v, %v; want none", ss, err)
	}
	since := time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)
	want := []Suspension{{Key: "sbc-east", Reason: "INC-4242", By: Operator{User: "root", SudoUser: "alice"}, Since: since}}
	if err := f.Save(want); err != nil {
		t.Fatal(err)
	}
	got, err := f.Load()
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("load: got %+v, %v; want %+v", got, err, want)
	}
	fi, err := os.Stat(f.Path())
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("file mode: got %v, %v; want 0600", fi.Mode(), err)
	}
	if err := f.Save(nil); err != nil {
		t.Fatal(err)
	}
	if got, err := f.Load(); err != nil || len(got) != 0 {
		t.Errorf("after saving none: got %v, %v", got, err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("directory holds %v, want the file only", entries)
	}
	for _, tc := range []struct{ data, want string }{
		{`{"version":1,"suspensions":[`, "read suspensions " + f.Path() + ": unexpected end of JSON input: fix or remove the file (removing it resumes every connector)"},
		{`{"version":2,"suspensions":[]}`, "read suspensions " + f.Path() + ": format version 2, this daemon reads 1"},
		{`{"version":1,"suspensions":[{"reason":"x"}]}`, "read suspensions " + f.Path() + ": suspension 1 has no key"},
	} {
		os.WriteFile(f.Path(), []byte(tc.data), 0o600)
		if _, err := f.Load(); err == nil || err.Error() != tc.want {
			t.Errorf("%s: got %v, want %s", tc.data, err, tc.want)
		}
	}
}
