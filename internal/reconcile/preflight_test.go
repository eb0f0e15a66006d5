package reconcile

import (
	"context"
	"strings"
	"testing"

	"github.com/sipops/reconciler/internal/chime"
	"github.com/sipops/reconciler/internal/chime/sim"
	"github.com/sipops/reconciler/internal/diff"
	"github.com/sipops/reconciler/internal/origination"
)

// fakePreflight fails the routes to bad hosts and counts the calls.
type fakePreflight struct {
	bad   map[string]bool
	calls int
	keys  []origination.Key
}

func (f *fakePreflight) check(_ context.Context, keys []origination.Key) map[origination.Key]diff.Preflight {
	f.calls++
	f.keys = append(f.keys, keys...)
	out := map[origination.Key]diff.Preflight{}
	for _, k := range keys {
		if f.bad[k.Host] {
			out[k] = diff.Preflight{Detail: "no answer within 2s"}
		} else {
			out[k] = diff.Preflight{OK: true, Detail: "SIP/2.0 200 OK in 1ms"}
		}
	}
	return out
}

func TestPreflightModes(t *testing.T) {
	for _, mode := range []PreflightMode{PreflightOff, PreflightWarn, PreflightEnforce} {
		t.Run(string(mode), func(t *testing.T) {
			e := newEnv(t, sim.Config{}, chime.ClientOptions{})
			cs := e.w.Connectors(t, "us-east-1", "vc", 2)
			desired := fleet(cs)
			desired[1].Origination.Routes[1].Host = "dead.example.com"
			fp := &fakePreflight{bad: map[string]bool{"dead.example.com": true}}
			e.eng.SetPreflight(mode, fp.check)
			p, err := e.eng.Plan(t.Context(), "rev", desired)
			if err != nil {
				t.Fatal(err)
			}
			wantCalls, wantKeys, wantChanges, wantErrs := 1, 3, 2, 0
			switch mode {
			case PreflightOff:
				wantCalls, wantKeys = 0, 0
			case PreflightEnforce:
				wantChanges, wantErrs = 1, 1
			}
			if fp.calls != wantCalls || len(fp.keys) != wantKeys {
				t.Errorf("got %d calls for %d routes, want %d for %d", fp.calls, len(fp.keys), wantCalls, wantKeys)
			}
			if len(p.Plan.Changes) != wantChanges || len(p.Errors) != wantErrs {
				t.Fatalf("got %d changes, %d errors (%v), want %d, %d", len(p.Plan.Changes), len(p.Errors), p.Errors, wantChanges, wantErrs)
			}
			if mode == PreflightEnforce {
				got := p.Errors[desired[1].Key].Error()
				want := "blocked by --preflight=enforce: route dead.example.com:5060/UDP failed preflight: no answer within 2s"
				if got != want || !strings.Contains(strings.Join(p.Plan.Unknown, ","), desired[1].Key) {
					t.Errorf("got error %q, unknown %v; want %q", got, p.Plan.Unknown, want)
				}
				r, err := e.eng.Apply(t.Context(), p, ApplyOptions{})
				if err != nil {
					t.Fatal(err)
				}
				if r.Count(StatusApplied) != 1 || r.Converged() {
					t.Errorf("got %d applied, converged %t; want 1 applied, not converged", r.Count(StatusApplied), r.Converged())
				}
			}
		})
	}
}

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
