package reconcile

import (
	"time"

	"github.com/sipops/reconciler/internal/diff"
)

// Settings are the options a reload may change while the loop runs.
type Settings struct {
	DriftInterval time.Duration
	Drift         DriftMode
	Gates         diff.Gates
}

// Reload asks for a full sweep, with new settings when not nil.
type Reload struct {
	Settings *Settings
}

func (l *Loop) current() Settings {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.settings
}

func (l *Loop) reconfigure(s *Settings) {
	if s == nil {
		return
	}
	s.DriftInterval = orDuration(s.DriftInterval, DefaultDriftInterval)
	if s.Drift == "" {
		s.Drift = DriftCorrect
	}
	l.update(func(o *Overview) { l.settings, o.Drift = *s, s.Drift })
	l.log.Info("settings reloaded", "drift", string(s.Drift), "drift_interval", s.DriftInterval,
		"allow_mass_change", s.Gates.AllowMassChange, "allow_traffic_loss", s.Gates.AllowTrafficLoss)
}
