package statusview

import (
	"cmp"
	"fmt"

	"github.com/sipops/reconciler/internal/daemon"
)

// Line is the daemon's status in one line, for systemd's STATUS= (what
// "systemctl status" shows): the revision in force and the connectors by
// state, or, on a standby, who leads and the revision it validated.
func Line(o daemon.Overview) string {
	if e := o.Election; e != nil && !e.Leading {
		rev, leader := "none", cmp.Or(e.Leader, "unknown")
		if o.Validated != nil {
			rev = short(o.Validated.ID)
		}
		return fmt.Sprintf("standby, leader %s: revision %s validated", leader, rev)
	}
	rev := "none"
	if o.LastGood != nil {
		rev = short(o.LastGood.ID)
	}
	return fmt.Sprintf("revision %s: %d in sync, %d drifted, %d failed, %d pending, %d suspended", rev,
		o.Counts[daemon.StateInSync], o.Counts[daemon.StateDrifted], o.Counts[daemon.StateFailed], o.Counts[daemon.StatePending],
		o.Counts[daemon.StateSuspended])
}
