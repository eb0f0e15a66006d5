package origination

import (
	"slices"
	"strings"
	"testing"

	"github.com/sipops/reconciler/internal/setting"
)

func TestTrafficLossGate(t *testing.T) {
	a, b := udp("a.example.com", 1, 50), udp("b.example.com", 1, 50)
	backup := udp("backup.example.com", 2, 100)
	demote := func(r Route) Route { r.Priority = 3; return r }
	promote := backup
	promote.Priority = 1
	tests := []struct {
		name    string
		desired setting.Desired
		before  *Origination
		want    string
	}{
		{"delete", want(nil), orig(a, b), "deletes the origination" + noCalls},
		{"disable", want(disabled(orig(a, b))), orig(a, b), "disables the origination" + noCalls},
		{"zero routes", want(orig()), orig(a, b), "leaves no routes" + noCalls},
		{"top tier demoted", want(orig(demote(a), demote(b), backup)), orig(a, b, backup),
			"moves or removes every route of priority 1, so the destinations that take calls today would stop getting them"},
		{"top tier removed", want(orig(backup)), orig(a, b, backup),
			"moves or removes every route of priority 1, so the destinations that take calls today would stop getting them"},
		{"top tier replaced by a new route", want(orig(udp("c.example.com", 1, 1))), orig(a, b),
			"moves or removes every route of priority 1, so the destinations that take calls today would stop getting them"},
		{"one top route kept", want(orig(a, backup)), orig(a, b, backup), ""},
		{"backup promoted, top kept", want(orig(a, b, promote)), orig(a, b, backup), ""},
		{"weights only", want(orig(a, udp("b.example.com", 1, 1))), orig(a, b), ""},
		{"delete disabled origination", want(nil), disabled(orig(a)), ""},
		{"create", want(orig(a)), nil, ""},
		{"noop", want(orig(a)), orig(a), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ch := plan(tt.desired, tt.before)
			if got := TrafficLoss(ch); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			wantGates := []setting.Gate(nil)
			if tt.want != "" {
				wantGates = []setting.Gate{setting.TrafficLoss}
			}
			if got := gates(kind.Gates(setting.Connector{Key: "x"}, ch)); !slices.Equal(got, wantGates) {
				t.Errorf("Gates: got %v, want %v", got, wantGates)
			}
		})
	}
}

func TestEncryptionGate(t *testing.T) {
	secure := tcp("sbc.example.com", 5061, 1, 10)
	plain := udp("sbc.example.com", 1, 10)
	tests := []struct {
		name    string
		desired *Origination
		before  *Origination
		require bool
		want    []setting.Gate
	}{
		{"UDP refused when encryption required", orig(secure, plain), orig(secure), true, []setting.Gate{setting.Encryption}},
		{"TCP only is fine", orig(secure), nil, true, nil},
		{"UDP fine without encryption", orig(plain), nil, false, nil},
		{"existing UDP untouched is not a write", orig(plain), orig(plain), true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := setting.Connector{Key: "x", RequireEncryption: tt.require}
			ch := kind.Plan(c, want(tt.desired), value(tt.before))
			vs := slices.DeleteFunc(kind.Gates(c, ch), func(v setting.Violation) bool { return v.Kind == setting.TrafficLoss })
			if got := gates(vs); !slices.Equal(got, tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			if len(vs) > 0 && !strings.Contains(vs[0].Message, "sbc.example.com:5060/UDP") {
				t.Errorf("Message: got %q, want it to name the UDP route", vs[0].Message)
			}
		})
	}
}

func gates(vs []setting.Violation) []setting.Gate {
	var out []setting.Gate
	for _, v := range vs {
		out = append(out, v.Kind)
	}
	return out
}

// TestMaxRoutesOption: the route quota is 1..20, the API's limit.
func TestMaxRoutesOption(t *testing.T) {
	for _, n := range []int{-1, 21} {
		if _, err := New(Options{MaxRoutes: n}); err == nil {
			t.Errorf("MaxRoutes %d: got no error, want one", n)
		}
	}
}
