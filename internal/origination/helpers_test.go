package origination

import (
	"fmt"

	"github.com/sipops/reconciler/internal/setting"
)

// kind is the origination setting of the tests, with the default options.
var kind = func() *Kind {
	k, err := New(Options{})
	if err != nil {
		panic(err)
	}
	return k
}()

func udp(host string, prio, weight int) Route {
	return Route{Host: host, Port: 5060, Protocol: UDP, Priority: prio, Weight: weight}
}

func tcp(host string, port, prio, weight int) Route {
	return Route{Host: host, Port: port, Protocol: TCP, Priority: prio, Weight: weight}
}

func orig(routes ...Route) *Origination { return &Origination{Routes: routes} }

func disabled(o *Origination) *Origination {
	o.Disabled = true
	return o
}

// want asks for o; for nil, the origination deleted.
func want(o *Origination) setting.Desired {
	if o == nil {
		return setting.Desired{Kind: kind, Absent: true}
	}
	return setting.Desired{Kind: kind, Value: o}
}

// plan plans d against the live origination o of a connector.
func plan(d setting.Desired, o *Origination) setting.Change {
	return kind.Plan(setting.Connector{Key: "x"}, d, value(o))
}

// routeLines renders ch's route-level changes one per line, as the text
// rendering does but without alignment.
func routeLines(ch setting.Change) []string {
	var out []string
	before, after := changeOf(ch)
	if b, a, changed := DisabledChange(before, after); changed {
		out = append(out, fmt.Sprintf("~ disabled %t → %t", b, a))
	}
	for _, rc := range Routes(before, after) {
		out = append(out, fmt.Sprintf("%s %s %s", rc.Op, rc.Key, routeDetail(rc)))
	}
	return out
}
