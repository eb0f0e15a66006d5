package statusview

import (
	"cmp"
	_ "embed"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/sipops/reconciler/internal/daemon"
	"github.com/sipops/reconciler/internal/setting"
)

//go:embed page.html
var pageHTML string

// Handler serves the page for the overview returned by status.
type Handler struct {
	status  func() daemon.Overview
	kinds   []setting.Kind
	tmpl    *template.Template
	refresh time.Duration
	now     func() time.Time
}

// New returns the page handler. refresh is how often the page reloads
// itself; kinds are the managed settings, one column each, in this order.
func New(status func() daemon.Overview, refresh time.Duration, kinds []setting.Kind) *Handler {
	h := &Handler{status: status, kinds: kinds, refresh: refresh, now: time.Now}
	h.tmpl = template.Must(template.New("page").Funcs(template.FuncMap{
		"ago":    h.ago,
		"since":  h.since,
		"short":  short,
		"format": setting.Format,
		"cell":   cell,
		"wants":  func(c daemon.ConnectorStatus) string { return differing(c, desired, len(h.kinds) > 1) },
		"count":  func(c map[daemon.ConnectorState]int, s string) int { return c[daemon.ConnectorState(s)] },
		// standby: leader election is on and this daemon does not lead.
		"standby": func(e *daemon.ElectionStatus) bool { return e != nil && !e.Leading },
	}).Parse(pageHTML))
	return h
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	o := h.status()
	slices.Reverse(o.Changes) // newest first
	// Those that need attention first: in a fleet of hundreds, a failed
	// connector in key order would be off the screen.
	slices.SortStableFunc(o.Connectors, func(a, b daemon.ConnectorStatus) int {
		return cmp.Compare(attention(a.State), attention(b.State))
	})
	data := struct {
		daemon.Overview
		Refresh int
		Kinds   []setting.Kind
		// Named: the page names the setting of a change, there being more
		// than one.
		Named bool
	}{o, int(h.refresh.Seconds()), h.kinds, len(h.kinds) > 1}
	if err := h.tmpl.Execute(w, data); err != nil {
		http.Error(w, "render status page: "+err.Error(), http.StatusInternalServerError)
	}
}

// attention ranks a connector state for the page, most urgent first; a
// state this page does not know yet counts as urgent.
func attention(s daemon.ConnectorState) int {
	switch s {
	case daemon.StateDrifted:
		return 1
	case daemon.StateSuspended:
		return 2
	case daemon.StatePending:
		return 3
	case daemon.StateInSync:
		return 4
	}
	return 0
}

func (h *Handler) ago(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	d := h.now().Sub(t).Round(time.Second)
	return fmt.Sprintf("%s ago (%s)", d, t.UTC().Format("2006-01-02 15:04:05 UTC"))
}

// since is how long ago t was, to the second.
func (h *Handler) since(t time.Time) string { return h.now().Sub(t).Round(time.Second).String() }

// short shortens a revision for display: a commit SHA or a content hash.
func short(rev string) string {
	rev = strings.TrimPrefix(rev, "sha256:")
	return rev[:min(len(rev), 12)]
}

// cell is the cell of kind k in the row of c: the kind's rendering of the
// live value, if c's spec names the setting.
func cell(k setting.Kind, c daemon.ConnectorStatus) template.HTML {
	st, ok := c.Setting(k.Name())
	if !ok {
		return `<span class="muted">not in the spec</span>`
	}
	return k.Cell(st.Live)
}
