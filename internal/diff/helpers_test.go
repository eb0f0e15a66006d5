package diff

import (
	"context"

	"github.com/sipops/reconciler/internal/origination"
	"github.com/sipops/reconciler/internal/schema"
	"github.com/sipops/reconciler/internal/setting"
)

// kind is the origination setting the test plans are made of.
var kind = func() *origination.Kind {
	k, err := origination.New(origination.Options{})
	if err != nil {
		panic(err)
	}
	return k
}()

func udp(host string, prio, weight int) origination.Route {
	return origination.Route{Host: host, Port: 5060, Protocol: origination.UDP, Priority: prio, Weight: weight}
}

func tcp(host string, port, prio, weight int) origination.Route {
	return origination.Route{Host: host, Port: port, Protocol: origination.TCP, Priority: prio, Weight: weight}
}

func orig(routes ...origination.Route) *origination.Origination {
	return &origination.Origination{Routes: routes}
}

func disabled(o *origination.Origination) *origination.Origination {
	o.Disabled = true
	return o
}

// conn is a connector whose spec asks for origination o; for nil, one
// whose spec names no setting.
func conn(key string, o *origination.Origination) schema.DesiredConnector {
	c := schema.DesiredConnector{Key: key, ID: "vc-" + key, Region: "us-east-1"}
	if o != nil {
		c.Settings = []setting.Desired{{Kind: kind, Value: o}}
	}
	return c
}

func absent(key string) schema.DesiredConnector {
	return schema.DesiredConnector{Key: key, ID: "vc-" + key, Region: "us-east-1", Settings: []setting.Desired{{Kind: kind, Absent: true}}}
}

// live is a connector holding origination o (nil: none), resolved to id.
func live(o *origination.Origination) Live { return liveAs("", false, o) }

func liveAs(id string, encrypted bool, o *origination.Origination) Live {
	l := Live{Connector: setting.Connector{ID: id, RequireEncryption: encrypted}, Values: map[string]setting.Value{}}
	if o != nil {
		l.Values[origination.Name] = o
	}
	return l
}

// originationOf returns the origination change of c.
func originationOf(c Change) setting.Change {
	ch, _ := c.Setting(origination.Name)
	return ch
}

// before returns the origination c found.
func before(c Change) *origination.Origination {
	o, _ := originationOf(c).Before.(*origination.Origination)
	return o
}

// after returns the origination c plans.
func after(c Change) *origination.Origination {
	o, _ := originationOf(c).After.(*origination.Origination)
	return o
}

// preflighted runs origination's check of p's changes with a preflight
// that answers as results say for the routes they hold, and nothing for
// the others.
func preflighted(p *Plan, results map[origination.Key]origination.Probe) *Plan {
	probe := func(_ context.Context, targets []origination.Target) map[origination.Target]origination.Probe {
		out := map[origination.Target]origination.Probe{}
		for _, t := range targets {
			if r, ok := results[t.Key]; ok {
				out[t] = r
			}
		}
		return out
	}
	k, err := origination.New(origination.Options{Preflight: origination.PreflightWarn, Probe: probe})
	if err != nil {
		panic(err)
	}
	var checks []*setting.Check
	for i := range p.Changes {
		c := &p.Changes[i]
		for j := range c.Settings {
			if c.Settings[j].Action != setting.Noop {
				checks = append(checks, &setting.Check{Connector: c.Connector, Change: &c.Settings[j]})
			}
		}
	}
	k.Check(context.Background(), sequential{}, checks)
	return p
}

// sequential is a setting.CheckEnv that checks one change at a time and
// finds no emergency calling.
type sequential struct{}

func (sequential) Each(_ context.Context, n int, fn func(int)) {
	for i := range n {
		fn(i)
	}
}

func (sequential) EmergencyCalling(context.Context, setting.Connector) (bool, error) {
	return false, nil
}
