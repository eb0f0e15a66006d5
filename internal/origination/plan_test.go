package origination

import (
	"slices"
	"testing"

	"github.com/sipops/reconciler/internal/setting"
)

func TestComputeOne(t *testing.T) {
	a, b := udp("sbc1.example.com", 1, 10), udp("sbc2.example.com", 1, 10)
	noPort := a
	noPort.Port = 0
	heavier := a
	heavier.Weight = 20
	demoted := a
	demoted.Priority, demoted.Weight = 2, 30
	c := tcp("sbc3.example.com", 5061, 2, 50)
	tests := []struct {
		name      string
		desired   setting.Desired
		live      *Origination
		wantAct   setting.Action
		wantLines []string
	}{
		{"no change", want(orig(a, b)), orig(a, b), setting.Noop, nil},
		{"reorder only", want(orig(b, a)), orig(a, b), setting.Noop, nil},
		{"port omitted vs 5060", want(orig(noPort)), orig(a), setting.Noop, nil},
		{"weight change", want(orig(heavier, b)), orig(a, b), setting.Put,
			[]string{"~ sbc1.example.com:5060/UDP weight 10 → 20"}},
		{"priority and weight change", want(orig(demoted, b)), orig(a, b), setting.Put,
			[]string{"~ sbc1.example.com:5060/UDP priority 1 → 2 weight 10 → 30"}},
		{"add route", want(orig(a, b, c)), orig(a, b), setting.Put,
			[]string{"+ sbc3.example.com:5061/TCP priority 2 weight 50"}},
		{"remove route", want(orig(a)), orig(a, b), setting.Put,
			[]string{"- sbc2.example.com:5060/UDP priority 1 weight 10"}},
		{"disabled toggle", want(disabled(orig(a))), orig(a), setting.Put,
			[]string{"~ disabled false → true"}},
		{"enable", want(orig(a)), disabled(orig(a)), setting.Put,
			[]string{"~ disabled true → false"}},
		{"absent with origination", want(nil), orig(a, b), setting.Delete,
			[]string{"- sbc1.example.com:5060/UDP priority 1 weight 10", "- sbc2.example.com:5060/UDP priority 1 weight 10"}},
		{"absent without origination", want(nil), nil, setting.Noop, nil},
		{"create", want(orig(c, a)), nil, setting.Put,
			[]string{"+ sbc1.example.com:5060/UDP priority 1 weight 10", "+ sbc3.example.com:5061/TCP priority 2 weight 50"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ch := plan(tt.desired, tt.live)
			if ch.Action != tt.wantAct {
				t.Errorf("Action: got %s, want %s", ch.Action, tt.wantAct)
			}
			if got := routeLines(ch); !slices.Equal(got, tt.wantLines) {
				t.Errorf("route changes:\ngot  %q\nwant %q", got, tt.wantLines)
			}
		})
	}
}
