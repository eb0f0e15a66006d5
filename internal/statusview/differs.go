package statusview

import (
	"strings"

	"github.com/sipops/reconciler/internal/daemon"
	"github.com/sipops/reconciler/internal/setting"
)

func desired(s daemon.SettingStatus) setting.Value { return s.Desired }
func live(s daemon.SettingStatus) setting.Value    { return s.Live }

// differing renders, for each setting of c that differs from the spec,
// the value pick chooses (what the spec wants, or what is live), joined
// by "; ". With named, or when c has more than one setting, each is
// prefixed with the setting's name: "origination sbc1.example.com:…".
func differing(c daemon.ConnectorStatus, pick func(daemon.SettingStatus) setting.Value, named bool) string {
	named = named || len(c.Settings) > 1
	var parts []string
	for _, s := range c.Settings {
		if !s.Differs {
			continue
		}
		v := setting.Format(pick(s))
		if named {
			v = s.Kind.Name() + " " + v
		}
		parts = append(parts, v)
	}
	return strings.Join(parts, "; ")
}
