package statusview

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/sipops/reconciler/internal/daemon"
	"github.com/sipops/reconciler/internal/diff"
	"github.com/sipops/reconciler/internal/origination"
	"github.com/sipops/reconciler/internal/suspension"
)

// TestWriteStatus: the text of status, for an operator in an incident.
func TestWriteStatus(t *testing.T) {
	now := time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)
	retry := now.Add(30 * time.Second)
	dr := &origination.Origination{Routes: []origination.Route{{Host: "dr.example.com", Port: 5060, Protocol: "UDP", Priority: 1, Weight: 100}}}
	s := suspension.Suspension{Key: "sbc-east", Reason: "INC-4242", By: suspension.Operator{User: "root", SudoUser: "alice"}, Since: now.Add(-90 * time.Minute)}
	o := daemon.Overview{
		Source:   "git https://git.example.com/voice/specs.git@main",
		LastGood: &daemon.Revision{ID: "4f1c2a9e0b7d1234", Accepted: now.Add(-2 * time.Hour)},
		Current:  &daemon.Revision{ID: "99aa"}, Held: []diff.Violation{{Message: "sbc-west would lose every route"}},
		LastSync: now.Add(-10 * time.Second), LastSuccess: now.Add(-10 * time.Second),
		Counts: map[daemon.ConnectorState]int{daemon.StateInSync: 7, daemon.StateFailed: 1, daemon.StateSuspended: 2},
		Connectors: []daemon.ConnectorStatus{
			{Key: "sbc-east", State: daemon.StateSuspended, Settings: withOrigination(nil, dr, true), Differs: true, Suspension: &s},
			{Key: "sbc-west", State: daemon.StateFailed, Error: "put origination: AccessDenied", NextRetry: &retry},
		},
		Suspensions: []suspension.Suspension{s, {Key: "old", By: suspension.Operator{User: "bob"}, Since: now.Add(-50 * time.Hour)}},
		Election:    &daemon.ElectionStatus{Identity: "host-b", Leader: "host-a"},
	}
	var b bytes.Buffer
	if err := WriteText(&b, o, now); err != nil {
		t.Fatal(err)
	}
	want := `election    standby: writes nothing; leader host-a (host-b)
source      git https://git.example.com/voice/specs.git@main
revision    4f1c2a9e0b7d, accepted 2h00m ago; newest 99aa is held: sbc-west would lose every route
last sync   10s ago, last success 10s ago
connectors  7 in sync, 0 drifted, 1 failed, 0 pending, 2 suspended

Suspended (no write until 'reconciler resume'):
  CONNECTOR  FOR    BY                    REASON    LIVE
  sbc-east   1h30m  root (sudo by alice)  INC-4242  differs from the spec: dr.example.com:5060/UDP p1 w100
  old        2d2h   bob                   -         not in the spec in force

Failed:
  sbc-west: put origination: AccessDenied (retry in 30s)
`
	if got := b.String(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// TestWriteStatusSettings: a suspended connector with more than one
// setting names the ones whose live value differs.
func TestWriteStatusSettings(t *testing.T) {
	now := time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)
	dr := &origination.Origination{Routes: []origination.Route{{Host: "dr.example.com", Port: 5060, Protocol: "UDP", Priority: 1, Weight: 100}}}
	s := suspension.Suspension{Key: "sbc-east", By: suspension.Operator{User: "bob"}, Since: now.Add(-time.Minute)}
	settings := append(withOrigination(dr, dr, false), daemon.SettingStatus{Kind: termination{}, Desired: cidrs("10.0.0.0/24"), Live: cidrs("10.9.9.0/24"), Differs: true})
	o := daemon.Overview{
		Connectors:  []daemon.ConnectorStatus{{Key: "sbc-east", State: daemon.StateSuspended, Settings: settings, Differs: true, Suspension: &s}},
		Suspensions: []suspension.Suspension{s},
	}
	var b bytes.Buffer
	if err := WriteText(&b, o, now); err != nil {
		t.Fatal(err)
	}
	if want := "sbc-east   1m   bob  -       differs from the spec: termination 10.9.9.0/24\n"; !strings.Contains(b.String(), want) {
		t.Errorf("got:\n%s\nwant a line %q", b.String(), want)
	}
}
