package origination

import "testing"

func TestParsePreflightMode(t *testing.T) {
	for _, s := range []string{"off", "warn", "enforce"} {
		if m, err := ParsePreflightMode(s); err != nil || string(m) != s {
			t.Errorf("ParsePreflightMode(%q): got %q, %v", s, m, err)
		}
	}
	if _, err := ParsePreflightMode("on"); err == nil {
		t.Error("ParsePreflightMode(on): got nil error")
	}
}
