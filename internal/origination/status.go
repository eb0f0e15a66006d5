package origination

import (
	"html/template"
	"strings"

	"github.com/sipops/reconciler/internal/setting"
)

// cellHTML is origination's cell of the status page: the live routes,
// each with its share of its priority tier's calls.
const cellHTML = `{{if .}}{{if .Disabled}}<b>disabled</b>{{end}}
<table class="routes"><tr><th>host</th><th>port</th><th>proto</th><th>priority</th><th>weight</th><th>share</th></tr>
{{range shares .}}<tr><td>{{.Route.Host}}</td><td>{{.Route.Port}}</td><td>{{.Route.Protocol}}</td><td>{{.Route.Priority}}</td><td>{{.Route.Weight}}</td><td>{{printf "%.0f%%" .Percent}}</td></tr>{{end}}
</table>{{else}}<span class="muted">no origination</span>{{end}}`

func newCell() *template.Template {
	return template.Must(template.New(Name).Funcs(template.FuncMap{"shares": Shares}).Parse(cellHTML))
}

// Column implements setting.Kind.
func (k *Kind) Column() string { return "live routes and share of calls" }

// Cell implements setting.Kind.
func (k *Kind) Cell(live setting.Value) template.HTML {
	var b strings.Builder
	if err := k.cell.Execute(&b, of(live)); err != nil {
		return template.HTML(template.HTMLEscapeString("render origination: " + err.Error()))
	}
	return template.HTML(b.String()) // #nosec: html/template escaped it
}

// RouteShare is one route and its share of its priority tier's calls.
type RouteShare struct {
	Route   Route
	Percent float64
}

// Shares lists the routes of o with each one's share of its tier's calls;
// a disabled origination carries none.
func Shares(o *Origination) []RouteShare {
	if o == nil {
		return nil
	}
	o = o.Clone().Normalize()
	total := map[int]int{}
	for _, r := range o.Routes {
		total[r.Priority] += r.Weight
	}
	out := make([]RouteShare, len(o.Routes))
	for i, r := range o.Routes {
		out[i] = RouteShare{Route: r}
		if !o.Disabled && total[r.Priority] > 0 {
			out[i].Percent = 100 * float64(r.Weight) / float64(total[r.Priority])
		}
	}
	return out
}
