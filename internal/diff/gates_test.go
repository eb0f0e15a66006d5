package diff

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/sipops/reconciler/internal/origination"
	"github.com/sipops/reconciler/internal/schema"
)

// fleet plans managed connectors that all have origination, changed of
// which get a new weight, plus created connectors that have none yet.
func fleet(managed, changed, created int) *Plan {
	var desired []schema.DesiredConnector
	lv := map[string]Live{}
	for i := range managed {
		key := fmt.Sprintf("vc%02d", i)
		want := orig(udp("sbc.example.com", 1, 10))
		if i < changed {
			want = orig(udp("sbc.example.com", 1, 20))
		}
		desired = append(desired, conn(key, want))
		lv[key] = live(orig(udp("sbc.example.com", 1, 10)))
	}
	for i := range created {
		key := fmt.Sprintf("new%02d", i)
		desired = append(desired, conn(key, orig(udp("sbc.example.com", 1, 10))))
		lv[key] = Live{}
	}
	return Compute(desired, lv)
}

func kinds(vs []Violation) []Kind {
	var out []Kind
	for _, v := range vs {
		out = append(out, v.Kind)
	}
	return out
}

func TestMassChangeGate(t *testing.T) {
	tests := []struct {
		name                      string
		managed, changed, created int
		allow                     bool
		want                      []Kind
	}{
		{"10 connectors, 3 changed is 30%", 10, 3, 0, false, nil},
		{"10 connectors, 4 changed is over 30%", 10, 4, 0, false, []Kind{MassChange}},
		{"allowed by flag", 10, 4, 0, true, nil},
		{"9 connectors never trip", 9, 9, 0, false, nil},
		{"creates do not count", 10, 3, 20, false, nil},
		{"creates are not managed connectors", 9, 9, 5, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := fleet(tt.managed, tt.changed, tt.created)
			if got := kinds(p.Check(Gates{AllowMassChange: tt.allow})); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestMassChangeCountsDeletes(t *testing.T) {
	p := fleet(10, 0, 0)
	for i := range 4 {
		p.Changes[i] = ComputeOne(absent(p.Changes[i].Key), live(p.Changes[i].Before))
	}
	vs := p.Check(Gates{AllowTrafficLoss: true})
	if got, want := kinds(vs), []Kind{MassChange}; !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if got, want := vs[0].Keys, []string{"vc00", "vc01", "vc02", "vc03"}; !slices.Equal(got, want) {
		t.Errorf("Keys: got %v, want %v", got, want)
	}
	if !strings.Contains(vs[0].Message, "--allow-mass-change") {
		t.Errorf("Message: got %q, want it to name --allow-mass-change", vs[0].Message)
	}
}

func TestTrafficLossGate(t *testing.T) {
	a, b := udp("a.example.com", 1, 50), udp("b.example.com", 1, 50)
	backup := udp("backup.example.com", 2, 100)
	demote := func(r origination.Route) origination.Route { r.Priority = 3; return r }
	promote := backup
	promote.Priority = 1
	tests := []struct {
		name    string
		desired schema.DesiredConnector
		before  *origination.Origination
		want    string
	}{
		{"delete", absent("x"), orig(a, b), "deletes the origination" + noCalls},
		{"disable", conn("x", disabled(orig(a, b))), orig(a, b), "disables the origination" + noCalls},
		{"zero routes", conn("x", orig()), orig(a, b), "leaves no routes" + noCalls},
		{"top tier demoted", conn("x", orig(demote(a), demote(b), backup)), orig(a, b, backup),
			"moves or removes every route of priority 1, so the destinations that take calls today would stop getting them"},
		{"top tier removed", conn("x", orig(backup)), orig(a, b, backup),
			"moves or removes every route of priority 1, so the destinations that take calls today would stop getting them"},
		{"top tier replaced by a new route", conn("x", orig(udp("c.example.com", 1, 1))), orig(a, b),
			"moves or removes every route of priority 1, so the destinations that take calls today would stop getting them"},
		{"one top route kept", conn("x", orig(a, backup)), orig(a, b, backup), ""},
		{"backup promoted, top kept", conn("x", orig(a, b, promote)), orig(a, b, backup), ""},
		{"weights only", conn("x", orig(a, udp("b.example.com", 1, 1))), orig(a, b), ""},
		{"delete disabled origination", absent("x"), disabled(orig(a)), ""},
		{"create", conn("x", orig(a)), nil, ""},
		{"noop", conn("x", orig(a)), orig(a), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ComputeOne(tt.desired, live(tt.before))
			if got := c.TrafficLoss(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			p := &Plan{Changes: []Change{c}}
			wantKinds := []Kind(nil)
			if tt.want != "" {
				wantKinds = []Kind{TrafficLoss}
			}
			if got := kinds(p.Check(Gates{})); !slices.Equal(got, wantKinds) {
				t.Errorf("Check: got %v, want %v", got, wantKinds)
			}
			if got := p.Check(Gates{AllowTrafficLoss: true}); len(got) != 0 {
				t.Errorf("Check with AllowTrafficLoss: got %v, want none", got)
			}
		})
	}
}

func TestEncryptionGate(t *testing.T) {
	secure := tcp("sbc.example.com", 5061, 1, 10)
	plain := udp("sbc.example.com", 1, 10)
	all := Gates{AllowMassChange: true, AllowTrafficLoss: true}
	tests := []struct {
		name    string
		desired *origination.Origination
		before  *origination.Origination
		require bool
		want    []Kind
	}{
		{"UDP refused when encryption required", orig(secure, plain), orig(secure), true, []Kind{Encryption}},
		{"TCP only is fine", orig(secure), nil, true, nil},
		{"UDP fine without encryption", orig(plain), nil, false, nil},
		{"existing UDP untouched is not a write", orig(plain), orig(plain), true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ComputeOne(conn("x", tt.desired), Live{RequireEncryption: tt.require, Origination: tt.before})
			vs := (&Plan{Changes: []Change{c}}).Check(all)
			if got := kinds(vs); !slices.Equal(got, tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			if len(vs) > 0 && !strings.Contains(vs[0].Message, "sbc.example.com:5060/UDP") {
				t.Errorf("Message: got %q, want it to name the UDP route", vs[0].Message)
			}
		})
	}
}
