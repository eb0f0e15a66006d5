package reconcile

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/sipops/reconciler/internal/diff"
	"github.com/sipops/reconciler/internal/setting"
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
	// Begin, when set, is asked right before a connector's first write: a
	// connector it refuses (ok false) is not written and ends skipped;
	// otherwise done is called once its writes are over. The daemon
	// refuses the connectors an operator suspended during the pass, and a
	// suspension waits for the writes begun before it.
	Begin func(key string) (done func(), ok bool)
}

// Apply carries out the plan: for each connector that changes, re-read
// every setting it writes, plan anew those someone changed, write, and
// confirm. It returns ErrRefused, and applies nothing, when a gate
// refuses the plan.
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
			ref := p.Plan.Refused[i]
			o.ID = ref.ID
			for _, sc := range ref.Settings {
				o.Settings = append(o.Settings, SettingOutcome{Kind: sc.Kind, Before: sc.Before})
			}
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

// applyOne re-reads, writes and confirms one connector, one setting after
// the other in the order of kinds; a setting that fails ends the
// connector's writes.
func (e *Engine) applyOne(ctx context.Context, p *Planned, ch diff.Change, opts ApplyOptions) Outcome {
	o := Outcome{Key: ch.Key, ID: ch.ID, Region: ch.Region}
	for _, sc := range ch.Settings {
		o.Settings = append(o.Settings, SettingOutcome{Kind: sc.Kind, Action: sc.Action, Before: sc.Before, After: sc.After})
	}
	if !ch.Pending() {
		o.Status = StatusUnchanged
		return o
	}
	if stopped(opts.Stop) || ctx.Err() != nil {
		return o.Fail(errors.New("not started: the reconciler is stopping"))
	}
	// The plan found the connector: a NotFound now means "not configured".
	conn := ch.Connector
	conn.Known = true
	var writes []setting.Change
	for i, sc := range ch.Settings {
		if sc.Action == setting.Noop {
			continue
		}
		next, replanned, err := e.reread(ctx, p, conn, sc, opts.Gates)
		o.Settings[i] = SettingOutcome{Kind: next.Kind, Action: next.Action, Before: next.Before, After: next.After, Replanned: replanned}
		if err != nil {
			return o.Fail(err)
		}
		if next.Action != setting.Noop {
			writes = append(writes, next)
		}
	}
	if len(writes) == 0 {
		o.Status = StatusConverged
		return o
	}
	if opts.Begin != nil {
		done, ok := opts.Begin(ch.Key)
		if !ok {
			o.Status = StatusSkipped
			return o
		}
		defer done()
	}
	for _, sc := range writes {
		if err := sc.Kind.Write(ctx, conn, sc); err != nil {
			return o.Fail(err)
		}
		e.log.Info(sc.Kind.Name()+" written", attrRevision, p.Revision, attrKey, ch.Key, attrID, ch.ID, attrRegion, ch.Region,
			attrSetting, sc.Kind.Name(), attrAction, string(sc.Action), attrBefore, setting.Format(sc.Before), attrAfter, setting.Format(sc.After))
	}
	o.Status = StatusApplied
	return o
}

// reread reads the setting of sc again, right before writing it, and
// plans it anew if it changed since the plan: someone else wrote it. The
// new change is gated as the plan was, but for the mass-change gate,
// which weighs a plan; the kinds' checks are not run again (a check
// depends on what the spec asks, and the plan checked that already).
func (e *Engine) reread(ctx context.Context, p *Planned, conn setting.Connector, sc setting.Change, g diff.Gates) (_ setting.Change, replanned bool, _ error) {
	name := sc.Kind.Name()
	live, err := sc.Kind.Read(ctx, conn)
	if err != nil {
		return sc, false, fmt.Errorf("read before writing: %w", err)
	}
	if setting.Equal(live, sc.Before) {
		return sc, false, nil
	}
	want, _ := p.Desired[conn.Key].Setting(name)
	next := sc.Kind.Plan(conn, want, live)
	e.log.Warn(name+" changed since the plan, planning it again", attrRevision, p.Revision, attrKey, conn.Key, attrID, conn.ID,
		attrBefore, setting.Format(sc.Before), "now", setting.Format(live), attrAction, string(next.Action))
	if vs := diff.CheckOne(diff.Change{Connector: conn, Settings: []setting.Change{next}}, g); len(vs) > 0 {
		return next, true, fmt.Errorf("%s changed since the plan (now %s) and the new plan is refused: %s", name, setting.Format(live), vs[0].Message)
	}
	return next, true, nil
}

func stopped(stop <-chan struct{}) bool {
	select {
	case <-stop:
		return true
	default:
		return false
	}
}
