package suggest

import "testing"

func TestEditDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"abc", "", 3}, {"kitten", "sitting", 3},
		{"RECONCILER_DRIFT_INTERVALL", "RECONCILER_DRIFT_INTERVAL", 1},
		{"RECONCILR_DRIFT", "RECONCILER_DRIFT", 1},
	} {
		if got := Distance(tt.a, tt.b); got != tt.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestClosest(t *testing.T) {
	known := []string{"RECONCILER_DRIFT", "RECONCILER_DRIFT_INTERVAL", "RECONCILER_REGION"}
	for _, tt := range []struct {
		name  string
		known []string
		want  string
		d     int
	}{
		{"RECONCILER_DRIFT_INTERVALL", known, "RECONCILER_DRIFT_INTERVAL", 1},
		{"RECONCILR_DRIFT", known, "RECONCILER_DRIFT", 1},
		{"RECONCILER_REGION", known, "RECONCILER_REGION", 0},
		{"X", nil, "", -1},
	} {
		if got, d := Closest(tt.name, tt.known); got != tt.want || d != tt.d {
			t.Errorf("Closest(%q): got %q at %d, want %q at %d", tt.name, got, d, tt.want, tt.d)
		}
	}
}
