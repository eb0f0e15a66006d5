package diff

import (
	"fmt"

	"github.com/sipops/reconciler/internal/origination"
	"github.com/sipops/reconciler/internal/schema"
)

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

func conn(key string, o *origination.Origination) schema.DesiredConnector {
	return schema.DesiredConnector{Key: key, ID: "vc-" + key, Region: "us-east-1", Origination: o}
}

func absent(key string) schema.DesiredConnector {
	return schema.DesiredConnector{Key: key, ID: "vc-" + key, Region: "us-east-1", Absent: true}
}

func live(o *origination.Origination) Live {
	return Live{Origination: o}
}

// routeLines renders c's route-level changes one per line, as the text
// rendering does but without alignment.
func routeLines(c Change) []string {
	var out []string
	if before, after, changed := c.DisabledChange(); changed {
		out = append(out, fmt.Sprintf("~ disabled %t → %t", before, after))
	}
	for _, rc := range c.Routes() {
		out = append(out, fmt.Sprintf("%s %s %s", rc.Op, rc.Key, routeDetail(rc)))
	}
	return out
}
