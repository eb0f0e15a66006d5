package settings

import (
	"slices"
	"strings"
	"testing"

	"github.com/sipops/reconciler/internal/origination"
	"github.com/sipops/reconciler/internal/setting"
)

// TestKinds: every kind has a name of its own, and a kind's options out of
// range are an error naming them.
func TestKinds(t *testing.T) {
	kinds, err := Kinds(Options{})
	if err != nil {
		t.Fatal(err)
	}
	names := setting.Names(kinds)
	if !slices.Contains(names, origination.Name) || len(slices.Compact(slices.Sorted(slices.Values(names)))) != len(names) {
		t.Errorf("names: got %v, want origination among names that differ", names)
	}
	if _, err := Kinds(Options{Origination: origination.Options{MaxRoutes: 21}}); err == nil || !strings.Contains(err.Error(), "max routes 21") {
		t.Errorf("max routes 21: got %v, want it refused", err)
	}
}
