package sim

import (
	"errors"
	"io"
	"net/http"
)

// maxBody bounds request bodies; the largest valid body (20 routes) is a few
// KiB.
const maxBody = 1 << 20

// call is one authenticated, admitted API call.
type call struct {
	op     operation
	id     string // VoiceConnectorId label; "" for operations without one
	region string // from the SigV4 credential scope
	req    *http.Request
}

func (s *Service) dispatch(c *call) *result {
	switch c.op {
	case opCreateVoiceConnector:
		return s.createVoiceConnector(c)
	case opListVoiceConnectors:
		return s.listVoiceConnectors(c)
	case opListAvailableVoiceConnectorRegions:
		return ok(http.StatusOK, regionsOutput{VoiceConnectorRegions: Regions()})
	}
	if !idPattern.MatchString(c.id) {
		return c.op.fail(excBadRequest, "VoiceConnectorId %q is not a voice connector id "+
			"(22 lower-case letters and digits, or a UUID)", c.id)
	}
	switch c.op {
	case opGetVoiceConnector:
		return s.getVoiceConnector(c)
	case opDeleteVoiceConnector:
		return s.deleteVoiceConnector(c)
	case opGetVoiceConnectorOrigination:
		return s.getOrigination(c)
	case opPutVoiceConnectorOrigination:
		return s.putOrigination(c)
	}
	return s.deleteOrigination(c)
}

// body reads and parses the JSON request body.
func (c *call) body() (*object, *result) {
	data, err := io.ReadAll(io.LimitReader(c.req.Body, maxBody+1))
	if err != nil {
		return nil, c.op.fail(excBadRequest, "read request body: %v", err)
	}
	if len(data) > maxBody {
		return nil, c.op.fail(excBadRequest, "request body is larger than %d bytes", maxBody)
	}
	o, err := parseBody(data)
	if err != nil {
		return nil, c.op.fail(excBadRequest, "%v", err)
	}
	return o, nil
}

// storeError maps a store error to the answer the service would give.
func (s *Service) storeError(c *call, err error) *result {
	switch {
	case errors.Is(err, ErrNotFound):
		return c.op.fail(excNotFound, "voice connector %s not found in region %s", c.id, c.region)
	case errors.Is(err, errQuota):
		return c.op.fail(excResourceLimitExceeded, "%v", err)
	}
	s.log.Error("state not saved; change undone", "op", c.op.String(), "err", err)
	return c.op.fail(excServiceFailure, "the change could not be saved and was not applied; retry")
}

type connectorOutput struct {
	VoiceConnector wireConnector `json:"VoiceConnector"`
}

type regionsOutput struct {
	VoiceConnectorRegions []string `json:"VoiceConnectorRegions"`
}

func (s *Service) createVoiceConnector(c *call) *result {
	body, fail := c.body()
	if fail != nil {
		return fail
	}
	in, err := parseCreate(body, c.region)
	if err != nil {
		return c.op.fail(excBadRequest, "%v", err)
	}
	conn := newConnector(s.account, s.store.freshID(), in.name, in.region, in.encrypt, s.now())
	if err := s.store.create(conn); err != nil {
		return s.storeError(c, err)
	}
	return ok(http.StatusCreated, connectorOutput{VoiceConnector: conn.wire()})
}

func (s *Service) getVoiceConnector(c *call) *result {
	conn, _, err := s.store.get(c.region, c.id)
	if err != nil {
		return s.storeError(c, err)
	}
	return ok(http.StatusOK, connectorOutput{VoiceConnector: conn.wire()})
}

func (s *Service) deleteVoiceConnector(c *call) *result {
	if err := s.store.delete(c.region, c.id); err != nil {
		return s.storeError(c, err)
	}
	return ok(http.StatusNoContent, nil)
}
