package diff

import (
	"slices"
	"testing"

	"github.com/sipops/reconciler/internal/origination"
	"github.com/sipops/reconciler/internal/schema"
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
		desired   schema.DesiredConnector
		live      *origination.Origination
		wantAct   Action
		wantLines []string
	}{
		{"no change", conn("x", orig(a, b)), orig(a, b), Noop, nil},
		{"reorder only", conn("x", orig(b, a)), orig(a, b), Noop, nil},
		{"port omitted vs 5060", conn("x", orig(noPort)), orig(a), Noop, nil},
		{"weight change", conn("x", orig(heavier, b)), orig(a, b), Put,
			[]string{"~ sbc1.example.com:5060/UDP weight 10 → 20"}},
		{"priority and weight change", conn("x", orig(demoted, b)), orig(a, b), Put,
			[]string{"~ sbc1.example.com:5060/UDP priority 1 → 2 weight 10 → 30"}},
		{"add route", conn("x", orig(a, b, c)), orig(a, b), Put,
			[]string{"+ sbc3.example.com:5061/TCP priority 2 weight 50"}},
		{"remove route", conn("x", orig(a)), orig(a, b), Put,
			[]string{"- sbc2.example.com:5060/UDP priority 1 weight 10"}},
		{"disabled toggle", conn("x", disabled(orig(a))), orig(a), Put,
			[]string{"~ disabled false → true"}},
		{"enable", conn("x", orig(a)), disabled(orig(a)), Put,
			[]string{"~ disabled true → false"}},
		{"absent with origination", absent("x"), orig(a, b), Delete,
			[]string{"- sbc1.example.com:5060/UDP priority 1 weight 10", "- sbc2.example.com:5060/UDP priority 1 weight 10"}},
		{"absent without origination", absent("x"), nil, Noop, nil},
		{"create", conn("x", orig(c, a)), nil, Put,
			[]string{"+ sbc1.example.com:5060/UDP priority 1 weight 10", "+ sbc3.example.com:5061/TCP priority 2 weight 50"}},
		{"nothing desired", conn("x", nil), orig(a), Noop, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ch := ComputeOne(tt.desired, live(tt.live))
			if ch.Action != tt.wantAct {
				t.Errorf("Action: got %s, want %s", ch.Action, tt.wantAct)
			}
			if got := routeLines(ch); !slices.Equal(got, tt.wantLines) {
				t.Errorf("route changes:\ngot  %q\nwant %q", got, tt.wantLines)
			}
		})
	}
}

func TestComputeOneIdentity(t *testing.T) {
	c := schema.DesiredConnector{Key: "k", Name: "sbc-east", Region: "eu-west-2", Origination: orig(udp("h", 1, 1))}
	ch := ComputeOne(c, Live{ID: "resolved", RequireEncryption: true})
	got := [...]any{ch.Key, ch.ID, ch.Name, ch.Region, ch.RequireEncryption}
	want := [...]any{"k", "resolved", "sbc-east", "eu-west-2", true}
	if got != want {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestComputeUnknownAndOrder(t *testing.T) {
	desired := []schema.DesiredConnector{conn("b", orig(udp("h", 1, 1))), conn("missing", nil), conn("a", orig(udp("h", 1, 1)))}
	p := Compute(desired, map[string]Live{"a": {}, "b": {}})
	var keys []string
	for _, c := range p.Changes {
		keys = append(keys, c.Key)
	}
	if want := []string{"a", "b"}; !slices.Equal(keys, want) {
		t.Errorf("Changes: got %v, want %v", keys, want)
	}
	if want := []string{"missing"}; !slices.Equal(p.Unknown, want) {
		t.Errorf("Unknown: got %v, want %v", p.Unknown, want)
	}
	if got, want := p.Summary(), (Summary{Create: 2, Unknown: 1}); got != want {
		t.Errorf("Summary: got %+v, want %+v", got, want)
	}
}

func TestComputeDoesNotMutate(t *testing.T) {
	want := []origination.Route{udp("b", 2, 1), {Host: "a", Protocol: origination.TCP, Priority: 1, Weight: 1}}
	desired := orig(slices.Clone(want)...)
	lv := orig(slices.Clone(want)...)
	p := Compute([]schema.DesiredConnector{conn("x", desired)}, map[string]Live{"x": live(lv)})
	p.Changes[0].After.Routes[0].Host = "changed"
	if !slices.Equal(desired.Routes, want) || !slices.Equal(lv.Routes, want) {
		t.Errorf("inputs changed: got %v and %v, want %v", desired.Routes, lv.Routes, want)
	}
}

func TestSummaryAndPending(t *testing.T) {
	a := orig(udp("h", 1, 1))
	p := Compute(
		[]schema.DesiredConnector{conn("create", a), conn("change", orig(udp("h", 1, 2))), absent("delete"), conn("same", a)},
		map[string]Live{"create": {}, "change": live(a), "delete": live(a), "same": live(a)})
	if got, want := p.Summary(), (Summary{Create: 1, Change: 1, Delete: 1, Noop: 1}); got != want {
		t.Errorf("Summary: got %+v, want %+v", got, want)
	}
	if !p.Pending() {
		t.Errorf("Pending: got false, want true")
	}
	if p := Compute([]schema.DesiredConnector{conn("same", a)}, map[string]Live{"same": live(a)}); p.Pending() {
		t.Errorf("Pending for noop plan: got true, want false")
	}
}

func TestRefuse(t *testing.T) {
	a := orig(udp("h", 1, 1))
	p := Compute(
		[]schema.DesiredConnector{absent("b-delete"), conn("a-change", orig(udp("h", 1, 2))), conn("c-disable", disabled(orig(udp("h", 1, 1))))},
		map[string]Live{"b-delete": live(a), "a-change": live(a), "c-disable": live(a)})
	if !p.Refuse("c-disable", "why c") || !p.Refuse("b-delete", "why b") {
		t.Fatalf("Refuse: got false for a planned change, want true")
	}
	if p.Refuse("b-delete", "again") || p.Refuse("missing", "never planned") {
		t.Errorf("Refuse: got true for a key not in Changes, want false")
	}
	var keys []string
	for _, r := range p.Refused {
		keys = append(keys, r.Key+": "+string(r.Action)+": "+r.Reason)
	}
	if want := []string{"b-delete: delete: why b", "c-disable: put: why c"}; !slices.Equal(keys, want) {
		t.Errorf("Refused: got %q, want %q", keys, want)
	}
	if len(p.Changes) != 1 || p.Changes[0].Key != "a-change" {
		t.Errorf("Changes: got %+v, want only a-change", p.Changes)
	}
	if got, want := p.Summary(), (Summary{Change: 1, Refused: 2}); got != want {
		t.Errorf("Summary: got %+v, want %+v", got, want)
	}
	if len(p.Check(Gates{})) != 0 {
		t.Errorf("Check: got %v, want no violation: refused changes are not made", p.Check(Gates{}))
	}
}
