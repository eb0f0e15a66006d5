package daemon

import (
	"errors"
	"time"

	"github.com/sipops/reconciler/internal/schema"
	"github.com/sipops/reconciler/internal/source"
)

// onSnapshot handles a new revision: validate it, then apply it in the
// pass of a revision (pass.go). An invalid revision changes nothing: the
// last good one stays in force. A standby only validates it, and keeps it
// for its next term.
func (l *Loop) onSnapshot(p pass, snap *source.Snapshot) {
	if cur := l.Overview().Current; cur != nil && cur.ID == snap.Revision {
		return // seen already: the same content gives the same verdict
	}
	start := time.Now()
	rev := &Revision{ID: snap.Revision, Time: snap.Time}
	l.update(func(s *Overview) { s.Current, s.Invalid, s.Held = rev, nil, nil })
	l.heart.Beat()
	spec, err := l.opts.Load(p.stop, snap.Files, l.opts.Schema)
	l.heart.Beat()
	switch {
	case err != nil && p.stop.Err() != nil:
		return // stopping: the evaluation was cut short, no verdict
	case err != nil:
		l.invalid(rev, err, start)
		if p.standby {
			l.opts.OnPass(l.Overview())
		}
		return
	}
	l.rec.SetSpecValid(true)
	if l.opts.Election != nil {
		l.validated(snap, spec, p.standby)
	}
	if !p.standby {
		l.applyRevision(p, snap, rev, spec, start)
	}
}

// invalid reports a revision that did not validate.
func (l *Loop) invalid(rev *Revision, err error, start time.Time) {
	var inv *schema.InvalidError
	diags := []schema.Diagnostic{{Message: err.Error()}}
	if errors.As(err, &inv) {
		diags = inv.Errors
	}
	l.log.Error("revision rejected: invalid spec, the last good revision stays in force",
		attrRevision, rev.ID, attrRevisionError, len(diags), "first", diags[0].String())
	l.update(func(s *Overview) {
		s.Invalid, s.LastError = diags, "revision "+rev.ID+" is invalid: "+diags[0].String()
	})
	l.rec.SetSpecValid(false)
	l.rec.ReconcileDone(TriggerRevision, PassInvalid, time.Since(start))
}
