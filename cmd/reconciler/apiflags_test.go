package main

import (
	"flag"
	"io"
	"testing"

	"github.com/sipops/reconciler/internal/chime"
)

func TestAPIFlagsOptions(t *testing.T) {
	tests := []struct {
		args         []string
		wantAdaptive bool
		wantRate     float64
		wantMax      float64
	}{
		{nil, true, 0, chime.DefaultAPIRateMax},
		{[]string{"--api-rate", "auto", "--api-rate-max", "40"}, true, 0, 40},
		{[]string{"--api-rate", "20"}, false, 20, chime.DefaultAPIRateMax},
		{[]string{"--api-rate", "0.5"}, false, 0.5, chime.DefaultAPIRateMax},
		{[]string{"--api-rate", "0"}, false, 0, chime.DefaultAPIRateMax},
	}
	for _, tt := range tests {
		var a apiFlags
		fs := flag.NewFlagSet("test", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		a.register(fs)
		if err := fs.Parse(tt.args); err != nil {
			t.Fatalf("%v: %v", tt.args, err)
		}
		if err := a.check(); err != nil {
			t.Fatalf("%v: %v", tt.args, err)
		}
		o := a.options("", nil, nil)
		if o.AdaptiveRate != tt.wantAdaptive || o.APIRate != tt.wantRate || o.APIRateMax != tt.wantMax {
			t.Errorf("%v: got adaptive %v rate %v max %v, want %v %v %v",
				tt.args, o.AdaptiveRate, o.APIRate, o.APIRateMax, tt.wantAdaptive, tt.wantRate, tt.wantMax)
		}
		if o.MaxAttempts != chime.DefaultMaxAttempts || o.MaxThrottleAttempts != chime.DefaultMaxThrottleAttempts {
			t.Errorf("%v: got attempts %d and %d, want the defaults", tt.args, o.MaxAttempts, o.MaxThrottleAttempts)
		}
	}
}

func TestAPIRateValue(t *testing.T) {
	for in, want := range map[string]string{"auto": "auto", "20": "20", "0": "0", "2.5": "2.5", "1e2": "100"} {
		var r apiRate
		if err := r.Set(in); err != nil || r.String() != want {
			t.Errorf("Set(%q): got %q, %v, want %q", in, r.String(), err, want)
		}
	}
	for _, in := range []string{"", "fast", "-1", "NaN", "Inf", "-0.5"} {
		var r apiRate
		if err := r.Set(in); err == nil {
			t.Errorf("Set(%q): got %v, want an error", in, r.String())
		}
	}
}
