package diff

import (
	"slices"
	"testing"

	"github.com/sipops/reconciler/internal/origination"
	"github.com/sipops/reconciler/internal/schema"
	"github.com/sipops/reconciler/internal/setting"
)

func TestComputeOneIdentity(t *testing.T) {
	c := schema.DesiredConnector{Key: "k", Name: "sbc-east", Region: "eu-west-2", Settings: []setting.Desired{{Kind: kind, Value: orig(udp("h", 1, 1))}}}
	ch := ComputeOne(c, liveAs("resolved", true, nil))
	got := [...]any{ch.Key, ch.ID, ch.Name, ch.Region, ch.RequireEncryption}
	want := [...]any{"k", "resolved", "sbc-east", "eu-west-2", true}
	if got != want {
		t.Errorf("got %v, want %v", got, want)
	}
}

// TestComputeOne: each setting the spec names is planned by its kind, and
// one it does not name is not planned at all, whatever is live.
func TestComputeOne(t *testing.T) {
	a := udp("sbc1.example.com", 1, 10)
	tests := []struct {
		name    string
		desired schema.DesiredConnector
		live    *origination.Origination
		want    []setting.Action // by setting, in the spec's order
	}{
		{"named", conn("x", orig(a)), nil, []setting.Action{setting.Put}},
		{"named, in sync", conn("x", orig(a)), orig(a), []setting.Action{setting.Noop}},
		{"absent", absent("x"), orig(a), []setting.Action{setting.Delete}},
		{"nothing desired", conn("x", nil), orig(a), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ch := ComputeOne(tt.desired, live(tt.live))
			var got []setting.Action
			for _, s := range ch.Settings {
				got = append(got, s.Action)
			}
			if !slices.Equal(got, tt.want) || ch.Pending() != (len(tt.want) > 0 && tt.want[0] != setting.Noop) {
				t.Errorf("got %v (pending %v), want %v", got, ch.Pending(), tt.want)
			}
		})
	}
}

func TestComputeUnknownAndOrder(t *testing.T) {
	desired := []schema.DesiredConnector{conn("b", orig(udp("h", 1, 1))), conn("missing", nil), conn("a", orig(udp("h", 1, 1)))}
	p := Compute(desired, map[string]Live{"a": live(nil), "b": live(nil)})
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
	originationOf(p.Changes[0]).After.(*origination.Origination).Routes[0].Host = "changed"
	if !slices.Equal(desired.Routes, want) || !slices.Equal(lv.Routes, want) {
		t.Errorf("inputs changed: got %v and %v, want %v", desired.Routes, lv.Routes, want)
	}
}

func TestSummaryAndPending(t *testing.T) {
	a := orig(udp("h", 1, 1))
	p := Compute(
		[]schema.DesiredConnector{conn("create", a), conn("change", orig(udp("h", 1, 2))), absent("delete"), conn("same", a)},
		map[string]Live{"create": live(nil), "change": live(a), "delete": live(a), "same": live(a)})
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
	if !p.Refuse("c-disable", origination.Name, "why c") || !p.Refuse("b-delete", origination.Name, "why b") {
		t.Fatalf("Refuse: got false for a planned change, want true")
	}
	if p.Refuse("b-delete", origination.Name, "again") || p.Refuse("missing", origination.Name, "never planned") {
		t.Errorf("Refuse: got true for a key not in Changes, want false")
	}
	var keys []string
	for _, r := range p.Refused {
		keys = append(keys, r.Key+": "+string(r.refused().Action)+": "+r.Reason)
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
