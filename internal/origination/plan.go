package origination

import (
	"github.com/sipops/reconciler/internal/setting"
)

// Plan implements setting.Kind: put the spec's origination when it
// routes calls differently from live, delete it when the spec says absent
// and the connector has one, else nothing. Before and After are
// normalised copies (ports defaulted, routes in canonical order), so that
// route order and an omitted default port never cause a write.
func (k *Kind) Plan(_ setting.Connector, want setting.Desired, live setting.Value) setting.Change {
	before := of(live).Clone().Normalize()
	ch := setting.Change{Kind: k, Before: value(before)}
	switch {
	case want.Absent:
		ch.Action = setting.Noop
		if before != nil {
			ch.Action = setting.Delete
		}
	default:
		after := of(want.Value).Clone().Normalize()
		ch.After, ch.Action = value(after), setting.Put
		if Equal(before, after) {
			ch.Action = setting.Noop
		}
	}
	return ch
}

// changeOf returns the originations of ch, before and after.
func changeOf(ch setting.Change) (before, after *Origination) { return of(ch.Before), of(ch.After) }
