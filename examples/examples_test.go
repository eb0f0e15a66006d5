// Package examples_test keeps the Grafana dashboard and the Prometheus rules
// in examples/ honest: promtool accepts and unit-tests them, and every metric
// they query is one the daemon really exports, so a renamed metric breaks
// this test rather than a dashboard at 3 a.m. The same holds for the CI
// examples (ci_test.go: actionlint, structure, exit codes run against a fake
// reconciler) and the IAM policies (iam_test.go: derived from the Chime
// operations the code calls).
package examples_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"go.yaml.in/yaml/v3"

	"github.com/sipops/reconciler/internal/daemon"
	"github.com/sipops/reconciler/internal/metrics"
	"github.com/sipops/reconciler/internal/setting"
	"github.com/sipops/reconciler/internal/settings"
	"github.com/sipops/reconciler/internal/suspension"
)

const (
	dashboardFile  = "grafana/reconciler-dashboard.json"
	alertsFile     = "prometheus/alerts.yml"
	alertTestsFile = "prometheus/alerts_test.yml"
)

// intentionallyUnused names the metrics of metrics.Names that neither the
// dashboard nor the alerts use, with the reason. Empty: all are used.
var intentionallyUnused = map[string]string{
	// A failing route blocks (enforce) or is shown (warn) in the plan and
	// the connector's outcome, which the existing panels and alerts cover.
	"chime_reconciler_preflight_total": "route failures already surface as failed connectors and in plan output",
}

var metricName = regexp.MustCompile(`chime_reconciler_[a-z_]+`)

func promtool(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("promtool")
	if err != nil {
		t.Fatal("promtool not found: run scripts/install-test-deps.sh")
	}
	return p
}

func TestPromtool(t *testing.T) {
	bin := promtool(t)
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"check rules", []string{"check", "rules", "alerts.yml"}},
		{"test rules", []string{"test", "rules", "alerts_test.yml"}},
		{"check config", []string{"check", "config", "scrape.yml"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			runPromtool(t, bin, "prometheus", tc.args...)
		})
	}
}

func runPromtool(t *testing.T, bin, dir string, args ...string) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), bin, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("promtool %s: got %v\n%s\nwant success", strings.Join(args, " "), err, out)
	}
}

// TestDashboardExpressionsParse has promtool parse every dashboard query, as
// recording rules with Grafana's variables replaced by plausible values.
func TestDashboardExpressionsParse(t *testing.T) {
	bin := promtool(t)
	vars := strings.NewReplacer(`$job`, `.*`, `$instance`, `.*`, `$__rate_interval`, `1m`, `$__interval`, `1m`, `$__range`, `1h`)
	var rules strings.Builder
	rules.WriteString("groups:\n  - name: dashboard\n    rules:\n")
	for i, e := range dashboardExprs(t) {
		expr := vars.Replace(e)
		if strings.Contains(expr, "$") {
			t.Errorf("dashboard expression %q: got an unknown variable, want only $job, $instance and Grafana's intervals", e)
		}
		q, _ := json.Marshal(expr) // a JSON string is a YAML double-quoted scalar
		fmt.Fprintf(&rules, "      - record: dashboard:expr_%d\n        expr: %s\n", i, q)
	}
	path := filepath.Join(t.TempDir(), "dashboard_rules.yml")
	if err := os.WriteFile(path, []byte(rules.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	runPromtool(t, bin, ".", "check", "rules", path)
}

// TestMetricNamesExported checks every metric name the examples mention, in
// queries, annotations or test series, against metrics.Names and against what
// a registry really gathers.
func TestMetricNamesExported(t *testing.T) {
	gathered := exercisedFamilies(t)
	for _, file := range []string{dashboardFile, alertsFile, alertTestsFile} {
		t.Run(file, func(t *testing.T) {
			text := readFile(t, file)
			for _, name := range unique(metricName.FindAllString(text, -1)) {
				base, suffix := baseName(name)
				if !slices.Contains(metrics.Names, base) {
					t.Errorf("%s: got %s, want a name of metrics.Names", file, name)
				}
				mf, ok := gathered[base]
				switch {
				case !ok:
					t.Errorf("%s: got %s, want it gathered from a registry after metrics.New", file, name)
				case suffix != "" && mf.GetType() != dto.MetricType_HISTOGRAM:
					t.Errorf("%s: %s is a %v, want a histogram for the %s suffix", file, base, mf.GetType(), suffix)
				}
			}
		})
	}
}

// TestMetricNamesCovered checks that every exported metric is queried by a
// dashboard panel or an alert rule, or listed in intentionallyUnused.
func TestMetricNamesCovered(t *testing.T) {
	used := map[string]bool{}
	for _, e := range append(dashboardExprs(t), alertExprs(t)...) {
		for _, name := range metricName.FindAllString(e, -1) {
			base, _ := baseName(name)
			used[base] = true
		}
	}
	for _, name := range metrics.Names {
		reason, exempt := intentionallyUnused[name]
		switch {
		case !used[name] && !exempt:
			t.Errorf("%s: used by no panel or alert, want it used or listed in intentionallyUnused with a reason", name)
		case used[name] && exempt:
			t.Errorf("%s: used, but listed in intentionallyUnused (%s); want it removed from the list", name, reason)
		}
	}
	for name := range intentionallyUnused {
		if !slices.Contains(metrics.Names, name) {
			t.Errorf("intentionallyUnused: got %s, want a name of metrics.Names", name)
		}
	}
}

// baseName strips a histogram's series suffix.
func baseName(name string) (base, suffix string) {
	for _, s := range []string{"_bucket", "_sum", "_count"} {
		if b, ok := strings.CutSuffix(name, s); ok {
			return b, s
		}
	}
	return name, ""
}

// exercisedFamilies returns the families a fresh registry gathers after one
// call of every recording method: some series exist only after an event.
func exercisedFamilies(t *testing.T) map[string]*dto.MetricFamily {
	t.Helper()
	reg := prometheus.NewRegistry()
	m := metrics.New(reg)
	now := time.Now()
	kinds, err := settings.Kinds(settings.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m.SetSettings(setting.Names(kinds))
	m.ReconcileDone("drift", "success", time.Second)
	m.LastSuccess(now)
	m.SetRevision("dir /srv/specs", "0123abcd")
	m.SetSpecValid(true)
	m.SetHeld(false)
	m.SetReloadSuccessful(true)
	m.SetConnectors(map[daemon.ConnectorState]int{daemon.StateInSync: 1})
	m.DriftDetected(kinds[0].Name(), 1)
	m.Change(kinds[0].Name(), setting.Put, true)
	m.SourceFetched(nil, now)
	m.Request("us-east-1", "GetVoiceConnectorOrigination", "ok", 50*time.Millisecond)
	m.Retry("us-east-1", "GetVoiceConnectorOrigination")
	m.Throttle("us-east-1", "GetVoiceConnectorOrigination")
	m.RateLimit("us-east-1", 20)
	m.SetSuspensions([]suspension.Suspension{{Key: "sbc-east", Since: now}})
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatalf("gather: got %v, want no error", err)
	}
	out := make(map[string]*dto.MetricFamily, len(mfs))
	for _, mf := range mfs {
		out[mf.GetName()] = mf
	}
	return out
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func unique(s []string) []string {
	slices.Sort(s)
	return slices.Compact(s)
}

// alertExprs returns the expr of every rule of alerts.yml.
func alertExprs(t *testing.T) []string {
	t.Helper()
	var f struct {
		Groups []struct {
			Rules []struct {
				Alert string `yaml:"alert"`
				Expr  string `yaml:"expr"`
			} `yaml:"rules"`
		} `yaml:"groups"`
	}
	if err := yaml.Unmarshal([]byte(readFile(t, alertsFile)), &f); err != nil {
		t.Fatalf("parse %s: %v", alertsFile, err)
	}
	var exprs []string
	for _, g := range f.Groups {
		for _, r := range g.Rules {
			exprs = append(exprs, r.Expr)
		}
	}
	if len(exprs) == 0 {
		t.Fatalf("%s: got no rules, want some", alertsFile)
	}
	return exprs
}

type dashboard struct {
	UID           string `json:"uid"`
	Title         string `json:"title"`
	SchemaVersion int    `json:"schemaVersion"`
	Inputs        []struct {
		Name, Type, PluginID string
	} `json:"__inputs"`
	Templating struct {
		List []struct {
			Name, Type, Definition string
			Query                  any
		} `json:"list"`
	} `json:"templating"`
	Annotations struct {
		List []struct {
			Name, Expr string
			Datasource *datasource
		} `json:"list"`
	} `json:"annotations"`
	Panels []panel `json:"panels"`
}

type panel struct {
	ID                       int
	Type, Title, Description string
	Datasource               *datasource
	Targets                  []struct {
		Expr       string
		Datasource *datasource
	}
	Panels []panel // the panels of a collapsed row
}

type datasource struct{ Type, UID string }

const dsVar = "${datasource}"

func loadDashboard(t *testing.T) dashboard {
	t.Helper()
	var d dashboard
	if err := json.Unmarshal([]byte(readFile(t, dashboardFile)), &d); err != nil {
		t.Fatalf("parse %s: got %v, want valid JSON", dashboardFile, err)
	}
	return d
}

// allPanels flattens rows, collapsed or not.
func allPanels(ps []panel) []panel {
	var out []panel
	for _, p := range ps {
		out = append(out, p)
		out = append(out, allPanels(p.Panels)...)
	}
	return out
}

// dashboardExprs returns the PromQL of every panel target and annotation.
func dashboardExprs(t *testing.T) []string {
	t.Helper()
	d := loadDashboard(t)
	var exprs []string
	for _, p := range allPanels(d.Panels) {
		for _, tg := range p.Targets {
			exprs = append(exprs, tg.Expr)
		}
	}
	for _, a := range d.Annotations.List {
		if a.Expr != "" {
			exprs = append(exprs, a.Expr)
		}
	}
	return exprs
}

func TestDashboard(t *testing.T) {
	d := loadDashboard(t)
	if d.UID == "" || d.Title != "Chime Voice Connector reconciler" || d.SchemaVersion < 39 {
		t.Errorf("uid, title, schemaVersion: got %q, %q, %d, want set, %q, >= 39", d.UID, d.Title, d.SchemaVersion, "Chime Voice Connector reconciler")
	}
	if !slices.ContainsFunc(d.Inputs, func(in struct{ Name, Type, PluginID string }) bool {
		return in.Name == "DS_PROMETHEUS" && in.Type == "datasource" && in.PluginID == "prometheus"
	}) {
		t.Errorf("__inputs: got %+v, want a prometheus datasource input DS_PROMETHEUS", d.Inputs)
	}
	for _, want := range []struct{ name, typ, query string }{
		{"datasource", "datasource", "prometheus"},
		{"job", "query", "label_values(chime_reconciler_connectors, job)"},
		{"instance", "query", `label_values(chime_reconciler_connectors{job=~"$job"}, instance)`},
	} {
		t.Run("variable "+want.name, func(t *testing.T) {
			i := slices.IndexFunc(d.Templating.List, func(v struct {
				Name, Type, Definition string
				Query                  any
			}) bool {
				return v.Name == want.name
			})
			if i < 0 {
				t.Fatalf("templating: got no variable %s, want one", want.name)
			}
			v := d.Templating.List[i]
			got := v.Definition
			if q, ok := v.Query.(string); ok {
				got = q
			}
			if v.Type != want.typ || got != want.query {
				t.Errorf("variable %s: got type %s, query %q, want %s, %q", want.name, v.Type, got, want.typ, want.query)
			}
		})
	}
	for _, a := range d.Annotations.List {
		if a.Expr != "" && (a.Datasource == nil || a.Datasource.UID != dsVar) {
			t.Errorf("annotation %q: got datasource %+v, want uid %s", a.Name, a.Datasource, dsVar)
		}
	}
}

func TestDashboardPanels(t *testing.T) {
	ids := map[int]string{}
	for _, p := range allPanels(loadDashboard(t).Panels) {
		t.Run(fmt.Sprintf("%d %s", p.ID, p.Title), func(t *testing.T) {
			if other, dup := ids[p.ID]; dup {
				t.Errorf("id: got %d, also the id of %q, want unique", p.ID, other)
			}
			ids[p.ID] = p.Title
			if p.Title == "" {
				t.Errorf("title: got none, want one")
			}
			if p.Type == "row" {
				return // a row only groups panels: Grafana shows no description
			}
			if len(p.Description) < 40 {
				t.Errorf("description: got %q, want one that tells on-call what they see", p.Description)
			}
			if p.Datasource == nil || p.Datasource.UID != dsVar {
				t.Errorf("datasource: got %+v, want uid %s", p.Datasource, dsVar)
			}
			if len(p.Targets) == 0 {
				t.Errorf("targets: got none, want a query")
			}
			for _, tg := range p.Targets {
				if tg.Expr == "" || tg.Datasource == nil || tg.Datasource.UID != dsVar {
					t.Errorf("target: got expr %q, datasource %+v, want an expr and uid %s", tg.Expr, tg.Datasource, dsVar)
				}
				if !strings.Contains(tg.Expr, `instance=~"$instance"`) {
					t.Errorf("target %q: got no instance filter, want $instance applied", tg.Expr)
				}
			}
		})
	}
}
