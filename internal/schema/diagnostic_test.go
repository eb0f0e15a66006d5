package schema

import (
	"encoding/json"
	"testing"
)

// TestDiagnosticForms pins both renderings of a diagnostic: the JSON of one
// with a single position must stay as it was before Also existed.
func TestDiagnosticForms(t *testing.T) {
	tests := []struct {
		name     string
		d        Diagnostic
		wantText string
		wantJSON string
	}{
		{"no position", Diagnostic{Message: "no .cue files found"},
			"no .cue files found",
			`{"file":"","line":0,"column":0,"message":"no .cue files found"}`},
		{"file only", Diagnostic{File: "a.cue", Message: "m"},
			"a.cue: m",
			`{"file":"a.cue","line":0,"column":0,"message":"m"}`},
		{"one position", Diagnostic{File: "a.cue", Line: 3, Column: 82, Message: "m"},
			"a.cue:3:82: m",
			`{"file":"a.cue","line":3,"column":82,"message":"m"}`},
		{"two positions", Diagnostic{File: "a.cue", Line: 3, Column: 82, Message: "m", Also: []string{"b.cue:3:82"}},
			"a.cue:3:82: m (also at b.cue:3:82)",
			`{"file":"a.cue","line":3,"column":82,"message":"m","also":["b.cue:3:82"]}`},
		{"three positions", Diagnostic{File: "a.cue", Line: 1, Column: 1, Message: "m", Also: []string{"a.cue:9:1", "c/c.cue:2:5"}},
			"a.cue:1:1: m (also at a.cue:9:1, c/c.cue:2:5)",
			`{"file":"a.cue","line":1,"column":1,"message":"m","also":["a.cue:9:1","c/c.cue:2:5"]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.d.String(); got != tt.wantText {
				t.Errorf("String: got %q, want %q", got, tt.wantText)
			}
			j, err := json.Marshal(tt.d)
			if err != nil {
				t.Fatal(err)
			}
			if string(j) != tt.wantJSON {
				t.Errorf("JSON: got %s, want %s", j, tt.wantJSON)
			}
		})
	}
}

// TestSortDiags: exact duplicates collapse, even apart, while diagnostics
// that differ only in their other positions are both kept, in the order
// found.
func TestSortDiags(t *testing.T) {
	a := Diagnostic{File: "a.cue", Line: 3, Column: 61, Message: "conflict", Also: []string{"b.cue:3:30"}}
	c := Diagnostic{File: "a.cue", Line: 3, Column: 61, Message: "conflict", Also: []string{"c.cue:3:30"}}
	first := Diagnostic{File: "a.cue", Line: 1, Column: 1, Message: "first"}
	got := sortDiags([]Diagnostic{a, c, a, first})
	want := []Diagnostic{first, a, c}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i].key() != want[i].key() {
			t.Errorf("[%d]: got %v, want %v", i, got[i], want[i])
		}
	}
}
