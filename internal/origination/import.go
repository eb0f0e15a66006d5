package origination

import (
	"fmt"
	"strings"

	"cuelang.org/go/cue/literal"

	"github.com/sipops/reconciler/internal/setting"
)

// Import implements setting.Kind: what the planner will compare with the
// live state, disabled with its routes (the planner compares both), no
// origination as absent: true. Routes are one per line in the planner's
// canonical order (priority, then host); the host is written as it is
// live, since the planner compares hosts exactly and changing its case or
// trailing dot would plan a write; the port is left out when it is the
// default the schema fills in.
func (k *Kind) Import(live setting.Value) string {
	o := of(live).Clone().Normalize()
	var b strings.Builder
	switch {
	case o == nil:
		b.WriteString("origination: absent: true\n")
	case o.Disabled && len(o.Routes) == 0:
		b.WriteString("origination: disabled: true\n")
	case o.Disabled:
		b.WriteString("origination: {\ndisabled: true\n")
		writeRoutes(&b, o.Routes)
		b.WriteString("}\n")
	default:
		b.WriteString("origination: ")
		writeRoutes(&b, o.Routes)
	}
	return b.String()
}

func writeRoutes(b *strings.Builder, routes []Route) {
	b.WriteString("routes: [\n")
	for _, r := range routes {
		fmt.Fprintf(b, "{host: %s, ", literal.String.Quote(r.Host))
		if r.Port != DefaultPort {
			fmt.Fprintf(b, "port: %d, ", r.Port)
		}
		fmt.Fprintf(b, "protocol: %s, priority: %d, weight: %d},\n", literal.String.Quote(r.Protocol), r.Priority, r.Weight)
	}
	b.WriteString("]\n")
}
