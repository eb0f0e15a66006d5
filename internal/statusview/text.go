package statusview

import (
	"cmp"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/sipops/reconciler/internal/daemon"
)

// Age is how long since was before now, as an operator reads it: 45s,
// 12m, 1h30m, 2d4h.
func Age(now, since time.Time) string {
	d := max(now.Sub(since), 0)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 24*time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%dd%dh", int(d.Hours())/24, int(d.Hours())%24)
}

// WriteText writes the text of "reconciler status": what an operator needs
// in an incident, the suspensions and failures first among the connectors.
func WriteText(w io.Writer, o daemon.Overview, now time.Time) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	if e := o.Election; e != nil {
		role := "standby: writes nothing; leader " + cmp.Or(e.Leader, "unknown")
		if e.Leading {
			role = "leader: this daemon writes"
		}
		fmt.Fprintf(tw, "election\t%s (%s)\n", role, e.Identity)
	}
	fmt.Fprintf(tw, "source\t%s\n", o.Source)
	fmt.Fprintf(tw, "revision\t%s\n", revisionLine(o, now))
	fmt.Fprintf(tw, "last sync\t%s, last success %s\n", ago(now, o.LastSync), ago(now, o.LastSuccess))
	var counts []string
	for _, s := range daemon.ConnectorStates() {
		counts = append(counts, fmt.Sprintf("%d %s", o.Counts[s], strings.ReplaceAll(string(s), "_", " ")))
	}
	fmt.Fprintf(tw, "connectors\t%s\n", strings.Join(counts, ", "))
	if o.LastError != "" {
		fmt.Fprintf(tw, "last error\t%s\n", o.LastError)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	writeSuspensions(w, o, now)
	writeFailed(w, o, now)
	return nil
}

func revisionLine(o daemon.Overview, now time.Time) string {
	line := "none in force"
	if r := o.LastGood; r != nil {
		line = fmt.Sprintf("%s, accepted %s", short(r.ID), ago(now, r.Accepted))
	}
	if c := o.Current; c != nil && (o.LastGood == nil || c.ID != o.LastGood.ID) {
		switch {
		case len(o.Invalid) > 0:
			line += fmt.Sprintf("; newest %s is invalid: %s", short(c.ID), o.Invalid[0].String())
		case len(o.Held) > 0:
			line += fmt.Sprintf("; newest %s is held: %s", short(c.ID), o.Held[0].Message)
		}
	}
	return line
}

func ago(now, t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return Age(now, t) + " ago"
}

func writeSuspensions(w io.Writer, o daemon.Overview, now time.Time) {
	if len(o.Suspensions) == 0 {
		return
	}
	state := map[string]daemon.ConnectorStatus{}
	for _, c := range o.Connectors {
		state[c.Key] = c
	}
	fmt.Fprintf(w, "\nSuspended (no write until 'reconciler resume'):\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  CONNECTOR\tFOR\tBY\tREASON\tLIVE")
	for _, s := range o.Suspensions {
		shown := "as the spec says"
		c, managed := state[s.Key]
		switch {
		case !managed:
			shown = "not in the spec in force"
		case c.Error != "":
			shown = "unknown: " + c.Error
		case c.Differs:
			shown = "differs from the spec: " + differing(c, live, false)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", s.Key, Age(now, s.Since), s.By, cmp.Or(s.Reason, "-"), shown)
	}
	tw.Flush()
}

func writeFailed(w io.Writer, o daemon.Overview, now time.Time) {
	var failed []daemon.ConnectorStatus
	for _, c := range o.Connectors {
		if c.State == daemon.StateFailed {
			failed = append(failed, c)
		}
	}
	if len(failed) == 0 {
		return
	}
	fmt.Fprintf(w, "\nFailed:\n")
	for _, c := range failed {
		retry := ""
		if c.NextRetry != nil {
			retry = fmt.Sprintf(" (retry in %s)", Age(*c.NextRetry, now))
			if c.NextRetry.Before(now) {
				retry = " (retry due)"
			}
		}
		fmt.Fprintf(w, "  %s: %s%s\n", c.Key, c.Error, retry)
	}
}
