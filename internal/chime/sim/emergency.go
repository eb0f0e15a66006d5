package sim

//lint:file-ignore ST1005 messages start with the AWS member name, as the service's do

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
)

// EmergencyCalling is the model's EmergencyCallingConfiguration: the DNIS
// numbers emergency calls are routed to, per calling country. The JSON tags
// are the wire's; the state file keeps it in the same form.
type EmergencyCalling struct {
	DNIS []DNIS `json:"DNIS"`
}

// DNIS is the model's DNISEmergencyCallingConfiguration. EmergencyPhoneNumber
// and CallingCountry are required; TestPhoneNumber is optional ("" = absent).
type DNIS struct {
	EmergencyPhoneNumber string `json:"EmergencyPhoneNumber"`
	TestPhoneNumber      string `json:"TestPhoneNumber,omitempty"`
	CallingCountry       string `json:"CallingCountry"`
}

// e164Pattern is the model's E164PhoneNumber pattern (anchored there too):
// an optional +, then 2 to 15 digits, the first not 0.
var e164Pattern = regexp.MustCompile(`^\+?[1-9]\d{1,14}$`)

const e164Rule = "an optional + and 2 to 15 digits, the first not 0"

// countryPattern is the model's Alpha2CountryCode pattern, anchored: the
// service matches whole values.
var countryPattern = regexp.MustCompile(`^[A-Z]{2}$`)

func (ec *EmergencyCalling) clone() *EmergencyCalling {
	if ec == nil {
		return nil
	}
	return &EmergencyCalling{DNIS: append([]DNIS{}, ec.DNIS...)}
}

// validate checks the model's constraints; path prefixes member names. The
// phone numbers are sensitive in the model, so messages never repeat them.
func (ec *EmergencyCalling) validate(path string) error {
	for i, d := range ec.DNIS {
		p := fmt.Sprintf("%s.DNIS[%d]", path, i)
		switch {
		case !e164Pattern.MatchString(d.EmergencyPhoneNumber):
			return fmt.Errorf("%s.EmergencyPhoneNumber is required and must be an E.164 number: %s", p, e164Rule)
		case d.TestPhoneNumber != "" && !e164Pattern.MatchString(d.TestPhoneNumber):
			return fmt.Errorf("%s.TestPhoneNumber must be an E.164 number: %s", p, e164Rule)
		case !countryPattern.MatchString(d.CallingCountry):
			return fmt.Errorf("%s.CallingCountry is required and must be an ISO 3166-1 alpha-2 code (two upper-case letters), got %q", p, d.CallingCountry)
		}
	}
	return nil
}

// emergencyCallingOutput is the body of Get and Put. With no configuration
// the member is omitted: the body is {}.
type emergencyCallingOutput struct {
	EmergencyCallingConfiguration *EmergencyCalling `json:"EmergencyCallingConfiguration,omitempty"`
}

func (s *Service) getEmergencyCalling(c *call) *result {
	ec, err := s.store.getEmergencyCalling(c.region, c.id)
	if err != nil {
		return s.storeError(c, err)
	}
	if ec == nil && s.unconfigured == UnconfiguredNotFound {
		return c.op.fail(excNotFound, "voice connector %s has no emergency calling configuration", c.id)
	}
	return ok(http.StatusOK, emergencyCallingOutput{EmergencyCallingConfiguration: ec})
}

// putEmergencyCalling replaces the whole configuration and echoes it.
func (s *Service) putEmergencyCalling(c *call) *result {
	body, fail := c.body()
	if fail != nil {
		return fail
	}
	ec, err := parseEmergencyCalling(body)
	if err != nil {
		return c.op.fail(excBadRequest, "%v", err)
	}
	if err := s.store.setEmergencyCalling(c.region, c.id, ec); err != nil {
		return s.storeError(c, err)
	}
	return ok(http.StatusOK, emergencyCallingOutput{EmergencyCallingConfiguration: ec})
}

// deleteEmergencyCalling answers a delete of nothing as
// Config.Unconfigured says, as for origination.
func (s *Service) deleteEmergencyCalling(c *call) *result {
	err := s.store.setEmergencyCalling(c.region, c.id, nil)
	switch {
	case errors.Is(err, errUnset) && s.unconfigured == UnconfiguredNotFound:
		return c.op.fail(excNotFound, "voice connector %s has no emergency calling configuration", c.id)
	case err != nil && !errors.Is(err, errUnset):
		return s.storeError(c, err)
	}
	return ok(http.StatusNoContent, nil)
}

// parseEmergencyCalling reads and validates the EmergencyCallingConfiguration
// member of a PutVoiceConnectorEmergencyCallingConfiguration body. The
// model requires the member but not its DNIS list; the echo always holds
// DNIS, possibly empty.
func parseEmergencyCalling(body *object) (*EmergencyCalling, error) {
	const member = "EmergencyCallingConfiguration"
	o, ok := body.object(member)
	if body.err != nil {
		return nil, body.err
	}
	if !ok {
		return nil, fmt.Errorf("%s is required", member)
	}
	out := &EmergencyCalling{DNIS: []DNIS{}}
	list, _ := o.list("DNIS")
	for i := 0; o.err == nil && i < len(list); i++ {
		d := newObject(fmt.Sprintf("%s[%d]", o.member("DNIS"), i), list[i])
		var dnis DNIS
		var hasTest bool
		dnis.EmergencyPhoneNumber, _ = d.str("EmergencyPhoneNumber")
		dnis.TestPhoneNumber, hasTest = d.str("TestPhoneNumber")
		dnis.CallingCountry, _ = d.str("CallingCountry")
		if hasTest && dnis.TestPhoneNumber == "" {
			d.fail("%s must be an E.164 number: %s", d.member("TestPhoneNumber"), e164Rule)
		}
		o.err = d.err
		out.DNIS = append(out.DNIS, dnis)
	}
	if o.err != nil {
		return nil, o.err
	}
	if err := out.validate(member); err != nil {
		return nil, err
	}
	return out, nil
}
