package diff

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/sipops/reconciler/internal/schema"
	"github.com/sipops/reconciler/internal/setting"
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
		lv[key] = live(nil)
	}
	return Compute(desired, lv)
}

func kinds(vs []Violation) []setting.Gate {
	var out []setting.Gate
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
		want                      []setting.Gate
	}{
		{"10 connectors, 3 changed is 30%", 10, 3, 0, false, nil},
		{"10 connectors, 4 changed is over 30%", 10, 4, 0, false, []setting.Gate{setting.MassChange}},
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
		p.Changes[i] = ComputeOne(absent(p.Changes[i].Key), live(before(p.Changes[i])))
	}
	vs := p.Check(Gates{AllowTrafficLoss: true})
	if got, want := kinds(vs), []setting.Gate{setting.MassChange}; !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if got, want := vs[0].Keys, []string{"vc00", "vc01", "vc02", "vc03"}; !slices.Equal(got, want) {
		t.Errorf("Keys: got %v, want %v", got, want)
	}
	if !strings.Contains(vs[0].Message, "--allow-mass-change") {
		t.Errorf("Message: got %q, want it to name --allow-mass-change", vs[0].Message)
	}
}
