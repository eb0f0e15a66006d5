package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"maps"
	"slices"

	"github.com/sipops/reconciler/internal/chime"
	"github.com/sipops/reconciler/internal/diff"
	"github.com/sipops/reconciler/internal/origination"
	"github.com/sipops/reconciler/internal/reconcile"
	"github.com/sipops/reconciler/internal/schema"
	"github.com/sipops/reconciler/internal/setting"
	"github.com/sipops/reconciler/internal/settings"
	"github.com/sipops/reconciler/internal/source"
)

// Exit code of plan when changes are pending, as terraform plan -detailed-exitcode.
const exitChanges = 2

// planFlags are the flags shared by plan and apply.
type planFlags struct {
	spec  specFlags
	api   apiFlags
	log   logFlags
	gates diff.Gates
	pre   preflightFlags
}

func (p *planFlags) register(fs *flag.FlagSet) {
	p.spec.register(fs)
	p.api.register(fs)
	p.log.register(fs)
	p.pre.register(fs)
	fs.BoolVar(&p.gates.AllowMassChange, "allow-mass-change", false, "allow a plan that changes or removes the origination of more than 30% of the managed connectors")
	fs.BoolVar(&p.gates.AllowTrafficLoss, "allow-traffic-loss", false, "allow a plan that disables, removes or empties the top priority of a connector's origination")
}

func (p *planFlags) check() error {
	return cmp.Or(p.spec.check(), p.api.check(), p.log.check(), p.pre.check())
}

// load reads the files the flags name (--preflight-ca-file).
func (p *planFlags) load() error { return p.pre.load() }

// engine returns the plan and apply engine of plan, apply and run, on
// client, as the flags say.
func (p *planFlags) engine(client *chime.Client, log *slog.Logger) *reconcile.Engine {
	return reconcile.NewEngine(client, reconcile.EngineOptions{Logger: log, Concurrency: p.api.concurrency})
}

// kinds returns the managed settings on client, as the flags say.
// observe, if not nil, is told the outcome of each preflight check.
func (p *planFlags) kinds(client *chime.Client, log *slog.Logger, observe func(ok bool)) ([]setting.Kind, error) {
	mode, probe := p.pre.probe(observe)
	return p.spec.settings.kinds(settings.Options{Client: client, Logger: log, Origination: origination.Options{Preflight: mode, Probe: probe}})
}

// planned is the outcome of the steps plan and apply share.
type planned struct {
	*reconcile.Planned
	engine *reconcile.Engine
	render diff.RenderOptions
}

// makePlan loads the spec and plans it against the live state. It prints
// spec errors itself and returns errPrinted for them.
func makePlan(ctx context.Context, std Stdio, f *planFlags) (*planned, error) {
	log, err := f.log.logger(std)
	if err != nil {
		return nil, err
	}
	client, err := f.api.client(ctx, f.spec.region, log, nil)
	if err != nil {
		return nil, err
	}
	snap, err := source.NewLocal(f.spec.source, source.LocalOptions{Logger: log}).Fetch(ctx)
	if err != nil {
		return nil, err
	}
	kinds, err := f.kinds(client, log, nil)
	if err != nil {
		return nil, err
	}
	opts := f.spec.options(kinds)
	opts.DefaultRegion = client.DefaultRegion()
	spec, err := schema.Load(snap.Files, opts)
	if err != nil {
		var inv *schema.InvalidError
		if errors.As(err, &inv) {
			newValidation(f.spec.source, nil, inv).writeText(std.Err, std.Err)
			return nil, errPrinted
		}
		return nil, err
	}
	for _, d := range spec.Warnings {
		fmt.Fprintln(std.Err, warning(d))
	}
	engine := f.engine(client, log)
	p, err := engine.Plan(ctx, snap.Revision, spec.Connectors)
	if err != nil {
		return nil, err
	}
	if err := refusedCredentials(p); err != nil {
		return nil, err
	}
	return &planned{Planned: p, engine: engine, render: diff.RenderOptions{Revision: snap.Revision, Color: colorOn(std, std.Out), Gates: f.gates, Errors: p.Errors}}, nil
}

// refusedCredentials returns the first error, by connector key, of a
// connector AWS refused the credentials of. A plan read with credentials
// AWS refuses is no plan: the run stops with that one error rather than
// showing every connector unknown for the same reason.
func refusedCredentials(p *reconcile.Planned) error {
	for _, key := range slices.Sorted(maps.Keys(p.Errors)) {
		if err := p.Errors[key]; chime.IsCredentials(err) {
			return err
		}
	}
	return nil
}

// errPrinted is returned for failures already shown to the operator.
var errPrinted = errors.New("already printed")

// show prints the plan, and the connectors that could not be planned.
func (p *planned) show(std Stdio, output string) error {
	var err error
	switch output {
	case "json":
		err = p.Plan.WriteJSON(std.Out, p.render)
	case "markdown":
		err = p.Plan.WriteMarkdown(std.Out, p.render)
	default:
		err = p.Plan.WriteText(std.Out, p.render)
	}
	for _, k := range p.Plan.Unknown {
		fmt.Fprintf(std.Err, "error: %s: %v\n", k, p.Errors[k])
	}
	return err
}

func runPlan(ctx context.Context, std Stdio, args []string) int {
	var f planFlags
	f.spec.markdown = true
	fs := newFlags(std, "plan", "--source DIR [flags]",
		"Show what apply would change. Reads the live state; never writes.\nExit 0 when in sync, 2 when changes are pending, 1 on an error, a refused plan or bad usage.")
	f.register(fs)
	if err := inOrder(parsing(fs, args, std), f.spec.requireSource, f.check, f.load); err != nil {
		return usageExit(fs, err, exitFailure)
	}
	p, err := makePlan(ctx, std, &f)
	if err != nil {
		return failed(std, "plan", err)
	}
	if err := p.show(std, f.spec.output); err != nil {
		return failed(std, "plan", err)
	}
	switch {
	case p.Failed() || len(p.Plan.Check(f.gates)) > 0:
		return exitFailure
	case p.Plan.Pending():
		return exitChanges
	}
	return exitOK
}

// failed reports err, unless already printed, and returns exitFailure.
func failed(std Stdio, cmd string, err error) int {
	if !errors.Is(err, errPrinted) {
		fmt.Fprintf(std.Err, "%s: %v\n", cmd, err)
	}
	return exitFailure
}
