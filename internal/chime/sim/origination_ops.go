package sim

import "net/http"

// originationOutput is the body of Get and Put. With no origination the
// member is omitted: the body is {}, which SDKs decode to a nil Origination.
type originationOutput struct {
	Origination *wireOrigination `json:"Origination,omitempty"`
}

func (s *Service) getOrigination(c *call) *result {
	_, o, err := s.store.get(c.region, c.id)
	if err != nil {
		return s.storeError(c, err)
	}
	return ok(http.StatusOK, originationOutput{Origination: o})
}

// putOrigination replaces the whole origination (no merge) and echoes what
// was stored, with defaults filled in.
func (s *Service) putOrigination(c *call) *result {
	body, fail := c.body()
	if fail != nil {
		return fail
	}
	o, err := parseOrigination(body)
	if err != nil {
		return c.op.fail(excBadRequest, "%v", err)
	}
	if err := s.store.setOrigination(c.region, c.id, o); err != nil {
		return s.storeError(c, err)
	}
	return ok(http.StatusOK, originationOutput{Origination: o})
}

// deleteOrigination is idempotent: deleting what is not set answers 204.
func (s *Service) deleteOrigination(c *call) *result {
	if err := s.store.setOrigination(c.region, c.id, nil); err != nil {
		return s.storeError(c, err)
	}
	return ok(http.StatusNoContent, nil)
}
