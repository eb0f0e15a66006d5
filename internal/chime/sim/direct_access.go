package sim

import (
	"errors"
	"fmt"

	"github.com/sipops/reconciler/internal/origination"
)

// The methods in this file give tests, benchmarks and the demo direct access
// to the state. They bypass the rate limit, fault injection, latency and
// stats, but not validation, the rules between configurations, or the state
// file.

// CreateConnector creates a connector in region ("" = DefaultRegion).
func (s *Service) CreateConnector(name, region string, requireEncryption bool) (StoredConnector, error) {
	return s.CreateConnectorWithID(s.store.freshID(), name, region, requireEncryption)
}

// CreateConnectorWithID creates a connector with a chosen id, so that a
// demo or a test can match specs written in advance. The id must follow
// the service's pattern and be unused.
func (s *Service) CreateConnectorWithID(id, name, region string, requireEncryption bool) (StoredConnector, error) {
	if region == "" {
		region = DefaultRegion
	}
	if err := validateName(name); err != nil {
		return StoredConnector{}, fmt.Errorf("create voice connector: %w", err)
	}
	if !validRegion(region) {
		return StoredConnector{}, fmt.Errorf("create voice connector: region %q is not a Voice Connector region", region)
	}
	c := newConnector(s.account, id, name, region, requireEncryption, s.now())
	if err := s.store.create(c); err != nil {
		return StoredConnector{}, fmt.Errorf("create voice connector %q: %w", name, err)
	}
	return c, nil
}

// Connectors lists the connectors of region ("" = all regions) in the
// order ListVoiceConnectors pages through them.
func (s *Service) Connectors(region string) []StoredConnector { return s.store.all(region) }

// Origination returns the origination of connector id, nil if none is set.
// The error wraps ErrNotFound for an unknown id.
func (s *Service) Origination(id string) (*origination.Origination, error) {
	_, o, err := s.store.get("", id)
	if err != nil {
		return nil, fmt.Errorf("get origination: %w", err)
	}
	return o.model(), nil
}

// SetOrigination replaces the origination of connector id as a
// PutVoiceConnectorOrigination would (nil deletes it; deleting what is not
// set is no error). It is validated like a Put, up to MaxRoutes routes
// whatever Config.RouteQuota; zero Port, Priority and Weight and an empty
// Protocol mean absent (Port becomes 5060). Like the API, it refuses to
// delete or disable origination while emergency calling is configured.
func (s *Service) SetOrigination(id string, o *origination.Origination) error {
	var w *wireOrigination
	if o != nil {
		var err error
		if w, err = fromModel(o); err != nil {
			return fmt.Errorf("set origination of %s: %w", id, err)
		}
	}
	if err := s.store.setOrigination("", id, w); err != nil && !errors.Is(err, errUnset) {
		return fmt.Errorf("set origination: %w", err)
	}
	return nil
}

// EmergencyCalling returns the emergency calling configuration of
// connector id, nil if none is set. The error wraps ErrNotFound for an
// unknown id.
func (s *Service) EmergencyCalling(id string) (*EmergencyCalling, error) {
	ec, err := s.store.getEmergencyCalling("", id)
	if err != nil {
		return nil, fmt.Errorf("get emergency calling: %w", err)
	}
	return ec, nil
}

// SetEmergencyCalling replaces the emergency calling configuration of
// connector id as a PutVoiceConnectorEmergencyCallingConfiguration would
// (nil deletes it; deleting what is not set is no error), validated like
// a Put.
func (s *Service) SetEmergencyCalling(id string, ec *EmergencyCalling) error {
	if ec != nil {
		ec = ec.clone()
		if ec.DNIS == nil {
			ec.DNIS = []DNIS{}
		}
		if err := ec.validate("EmergencyCallingConfiguration"); err != nil {
			return fmt.Errorf("set emergency calling of %s: %w", id, err)
		}
	}
	if err := s.store.setEmergencyCalling("", id, ec); err != nil && !errors.Is(err, errUnset) {
		return fmt.Errorf("set emergency calling: %w", err)
	}
	return nil
}
