// Package goldentest compares what a test produced with a golden file
// under testdata, and rewrites the file instead when the test binary runs
// with -update, so that a change of a pinned output shows in review.
package goldentest

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

// update is the test binary's -update flag, defined here for every
// package whose tests use Check.
var update = flag.Bool("update", false, "rewrite the golden files under testdata instead of comparing with them")

// Check compares got with the file at path; with -update it writes got
// there first, creating its directory. A difference fails t with both.
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run the test with -update to accept, and review the change):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}
