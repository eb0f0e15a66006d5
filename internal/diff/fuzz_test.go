package diff

import (
	"bytes"
	"encoding/json"
	"io"
	"reflect"
	"slices"
	"testing"

	"github.com/sipops/reconciler/internal/origination"
	"github.com/sipops/reconciler/internal/schema"
	"github.com/sipops/reconciler/internal/setting"
)

// decode builds an origination from fuzz bytes: nil when empty, else a flag
// byte then three bytes per route. Hosts, ports and priorities come from
// small sets so that routes often share keys and tiers.
func decode(data []byte) *origination.Origination {
	if len(data) == 0 {
		return nil
	}
	hosts := []string{"a.example.com", "b.example.com", "198.51.100.7", "c"}
	o := &origination.Origination{Disabled: data[0]&1 == 1}
	for data = data[1:]; len(data) >= 3 && len(o.Routes) < 20; data = data[3:] {
		proto := origination.UDP
		if data[0]&0x40 != 0 {
			proto = origination.TCP
		}
		o.Routes = append(o.Routes, origination.Route{
			Host: hosts[data[0]%4], Port: []int{0, 5060, 5061}[data[0]/4%3], Protocol: proto,
			Priority: int(data[1])%4 + 1, Weight: int(data[2])%100 + 1,
		})
	}
	return o
}

// applyRoutes replays c's route-level changes on its Before routes.
func applyRoutes(c Change) []origination.Route {
	var routes []origination.Route
	b, a := before(c), after(c)
	if b != nil {
		routes = slices.Clone(b.Routes)
	}
	for _, rc := range origination.Routes(b, a) {
		if rc.Before != nil {
			i := slices.Index(routes, *rc.Before)
			routes = slices.Delete(routes, i, i+1)
		}
		if rc.After != nil {
			routes = append(routes, *rc.After)
		}
	}
	return (&origination.Origination{Routes: routes}).Normalize().Routes
}

func FuzzCompute(f *testing.F) {
	f.Add([]byte{0, 0, 0, 9, 1, 0, 9}, []byte{0, 0, 0, 19}, false, false)
	f.Add([]byte{1, 0x41, 2, 50}, []byte{}, false, true)
	f.Add([]byte{}, []byte{0, 5, 1, 1, 6, 1, 1, 7, 2, 1}, true, false)
	f.Fuzz(func(t *testing.T, desiredB, liveB []byte, isAbsent, requireTLS bool) {
		desired, before := decode(desiredB), decode(liveB)
		desiredCopy, beforeCopy := desired.Clone(), before.Clone()
		c := conn("x", desired)
		if isAbsent {
			c = absent("x")
		}
		ch := ComputeOne(c, liveAs("", requireTLS, before))
		checkAction(t, ch, c, before)
		if got, want := applyRoutes(ch), routesOf(after(ch)); !slices.Equal(got, want) {
			t.Errorf("replaying route changes: got %v, want %v", got, want)
		}
		if desired != nil && ComputeOne(conn("x", desired), live(shuffled(desired))).Pending() {
			t.Errorf("Compute(x, live=x): got a change, want noop for %+v", desired)
		}
		render(t, &Plan{Changes: []Change{ch}})
		if !reflect.DeepEqual(desired, desiredCopy) || !reflect.DeepEqual(before, beforeCopy) {
			t.Errorf("inputs changed: got %+v, %+v, want %+v, %+v", desired, before, desiredCopy, beforeCopy)
		}
	})
}

func checkAction(t *testing.T, c Change, d schema.DesiredConnector, live *origination.Origination) {
	t.Helper()
	if d.Settings == nil {
		if c.Pending() || len(c.Settings) != 0 {
			t.Errorf("a spec that names no setting: got %+v, want nothing planned", c)
		}
		return
	}
	want, _ := d.Settings[0].Value.(*origination.Origination)
	if !origination.Equal(after(c), want) {
		t.Errorf("After: got %+v, want %+v", after(c), want)
	}
	wantAct := setting.Put
	switch {
	case d.Settings[0].Absent && live != nil:
		wantAct = setting.Delete
	case d.Settings[0].Absent, origination.Equal(live, want):
		wantAct = setting.Noop
	}
	if got := originationOf(c).Action; got != wantAct {
		t.Errorf("Action: got %s, want %s", got, wantAct)
	}
}

func render(t *testing.T, p *Plan) {
	t.Helper()
	p.Check(Gates{})
	if err := p.WriteText(io.Discard, RenderOptions{Color: true}); err != nil {
		t.Errorf("WriteText: got %v, want nil", err)
	}
	var buf bytes.Buffer
	if err := p.WriteJSON(&buf, RenderOptions{}); err != nil || !json.Valid(buf.Bytes()) {
		t.Errorf("WriteJSON: got %v (valid %t), want valid JSON", err, json.Valid(buf.Bytes()))
	}
	buf.Reset()
	if err := p.WriteMarkdown(&buf, RenderOptions{}); err != nil || buf.Len() > MarkdownLimit {
		t.Errorf("WriteMarkdown: got %v and %d bytes, want nil and at most %d", err, buf.Len(), MarkdownLimit)
	}
}

// shuffled returns o with routes reversed and explicit 5060 ports omitted:
// the same setting as the service might return it.
func shuffled(o *origination.Origination) *origination.Origination {
	s := o.Clone()
	slices.Reverse(s.Routes)
	for i := range s.Routes {
		if s.Routes[i].Port == origination.DefaultPort {
			s.Routes[i].Port = 0
		}
	}
	return s
}

func routesOf(o *origination.Origination) []origination.Route {
	if o == nil {
		return nil
	}
	return o.Clone().Normalize().Routes
}
