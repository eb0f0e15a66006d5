package reconcile

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/sipops/reconciler/internal/chime"
	"github.com/sipops/reconciler/internal/diff"
	"github.com/sipops/reconciler/internal/origination"
)

// ErrRefused is returned by Apply for a plan that a safety gate refuses.
var ErrRefused = errors.New("plan refused by safety gates")

// ApplyOptions tune one Apply.
type ApplyOptions struct {
	// Gates the plan must pass; a refused plan is not applied at all.
	Gates diff.Gates
	// Stop, when closed, keeps connectors not yet started from starting;
	// writes in flight finish (bounded by ctx). The daemon closes it on
	// SIGTERM so that no connector is left half-done.
	Stop <-chan struct{}
	// Begin, when set, is asked right before each write: a connector it
	// refuses (ok false) is not written and ends skipped; otherwise done
	// is called once the write is over. The daemon refuses the connectors
	// an operator suspended during the pass, and a suspension waits for
	// the writes begun before it.
	Begin func(key string) (done func(), ok bool)
}

// Apply carries out the plan: for each change, re-read, write, confirm.
// It returns ErrRefused, and applies nothing, when a gate refuses the plan.
func (e *Engine) Apply(ctx context.Context, p *Planned, opts ApplyOptions) (*Result, error) {
	if vs := p.Plan.Check(opts.Gates); len(vs) > 0 {
		msgs := make([]string, len(vs))
		for i, v := range vs {
			msgs[i] = v.Message
		}
		return nil, fmt.Errorf("%w: %s", ErrRefused, strings.Join(msgs, "; "))
	}
	r := &Result{Revision: p.Revision}
	for key, err := range p.Errors {
		d := p.Desired[key]
		o := Outcome{Key: key, ID: d.ID, Region: d.Region}
		if i := slices.IndexFunc(p.Plan.Refused, func(r diff.Refusal) bool { return r.Key == key }); i >= 0 {
			o.ID, o.Before = p.Plan.Refused[i].ID, p.Plan.Refused[i].Before
		}
		r.Outcomes = append(r.Outcomes, o.Fail(err))
	}
	changes := p.Plan.Changes
	out := make([]Outcome, len(changes))
	e.each(ctx, len(changes), func(i int) {
		out[i] = e.applyOne(ctx, p, changes[i], opts)
	})
	r.Outcomes = append(r.Outcomes, out...)
	slices.SortFunc(r.Outcomes, func(a, b Outcome) int { return strings.Compare(a.Key, b.Key) })
	return r, nil
}

// applyOne re-reads, writes and confirms one connector.
func (e *Engine) applyOne(ctx context.Context, p *Planned, ch diff.Change, opts ApplyOptions) Outcome {
	o := Outcome{Key: ch.Key, ID: ch.ID, Region: ch.Region, Action: ch.Action, Before: ch.Before, After: ch.After}
	if ch.Action == diff.Noop {
		o.Status = StatusUnchanged
		return o
	}
	if stopped(opts.Stop) || ctx.Err() != nil {
		return o.Fail(errors.New("not started: the reconciler is stopping"))
	}
	// The plan found the connector: a NotFound now means no origination.
	live, err := e.api.GetOriginationOf(ctx, connector(ch))
	if err != nil {
		return o.Fail(fmt.Errorf("read before writing: %w", err))
	}
	if !origination.Equal(live, ch.Before) {
		next, err := e.replan(p, ch, live, opts.Gates)
		o.Replanned, o.Before, o.After, o.Action = true, next.Before, next.After, next.Action
		switch {
		case err != nil:
			return o.Fail(err)
		case next.Action == diff.Noop:
			o.Status = StatusConverged
			return o
		}
		ch = next
	}
	if opts.Begin != nil {
		done, ok := opts.Begin(ch.Key)
		if !ok {
			o.Status = StatusSkipped
			return o
		}
		defer done()
	}
	if err := e.write(ctx, ch); err != nil {
		return o.Fail(err)
	}
	e.log.Info("origination written", attrRevision, p.Revision, attrKey, ch.Key, attrID, ch.ID, attrRegion, ch.Region,
		attrAction, string(ch.Action), attrBefore, ch.Before.String(), attrAfter, ch.After.String())
	o.Status = StatusApplied
	return o
}

// replan plans a connector anew when its live origination changed since the
// plan: someone else wrote it. The new change turns origination off only if
// the planned one did (the spec says disabled or absent), and the plan read
// emergency calling for that one already.
func (e *Engine) replan(p *Planned, ch diff.Change, live *origination.Origination, g diff.Gates) (diff.Change, error) {
	next := diff.ComputeOne(p.Desired[ch.Key], diff.Live{ID: ch.ID, RequireEncryption: ch.RequireEncryption, Origination: live})
	e.log.Warn("origination changed since the plan, planning it again", attrRevision, p.Revision, attrKey, ch.Key, attrID, ch.ID,
		attrBefore, ch.Before.String(), "now", live.String(), attrAction, string(next.Action))
	if vs := (&diff.Plan{Changes: []diff.Change{next}}).Check(g); len(vs) > 0 {
		return next, fmt.Errorf("origination changed since the plan (now %s) and the new plan is refused: %s", live, vs[0].Message)
	}
	return next, nil
}

// connector is the connector of a planned change: the plan found it, by
// listing or GetVoiceConnector, so it exists.
func connector(ch diff.Change) chime.VoiceConnector {
	return chime.VoiceConnector{ID: ch.ID, Region: ch.Region}
}

// write makes the change and confirms that the service holds the desired
// state: the Put's answer, or a read-back when there is none to check. The
// port's errors name the call ("put origination of ..."); a refusal over
// the route quota also says what to do.
func (e *Engine) write(ctx context.Context, ch diff.Change) error {
	var got *origination.Origination
	var err error
	switch ch.Action {
	case diff.Put:
		got, err = e.api.PutOrigination(ctx, ch.Region, ch.ID, ch.After)
		if err == nil && got == nil {
			got, err = e.api.GetOriginationOf(ctx, connector(ch))
		}
	case diff.Delete:
		if err = e.api.DeleteOrigination(ctx, ch.Region, ch.ID); err == nil {
			got, err = e.api.GetOriginationOf(ctx, connector(ch))
		}
	}
	switch {
	case err != nil:
		return e.explain(err)
	case !origination.Equal(got, ch.After):
		return fmt.Errorf("%s: the service holds %s, not the desired %s", ch.Action, got, ch.After)
	}
	return nil
}

// explain adds to a refusal over the route quota which flag to lower: the
// spec passed --max-routes, so the account's quota is below it.
func (e *Engine) explain(err error) error {
	if _, ok := errors.AsType[*chime.RouteQuotaError](err); !ok {
		return err
	}
	if e.opts.MaxRoutes == 0 {
		return fmt.Errorf("%w; your account's quota is lower than --max-routes: lower --max-routes or ask AWS for more", err)
	}
	return fmt.Errorf("%w; your account's quota is lower than --max-routes %d: lower --max-routes or ask AWS for more", err, e.opts.MaxRoutes)
}

func stopped(stop <-chan struct{}) bool {
	select {
	case <-stop:
		return true
	default:
		return false
	}
}
