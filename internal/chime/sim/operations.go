package sim

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// operation is one Chime SDK Voice API operation served by the simulator.
type operation int

const (
	opUnknown operation = iota
	opCreateVoiceConnector
	opGetVoiceConnector
	opListVoiceConnectors
	opDeleteVoiceConnector
	opGetVoiceConnectorOrigination
	opPutVoiceConnectorOrigination
	opDeleteVoiceConnectorOrigination
	opListAvailableVoiceConnectorRegions
	opGetVoiceConnectorEmergencyCallingConfiguration
	opPutVoiceConnectorEmergencyCallingConfiguration
	opDeleteVoiceConnectorEmergencyCallingConfiguration
	numOperations
)

// String is the operation name as in the service model; stats are keyed by it.
func (op operation) String() string {
	switch op {
	case opCreateVoiceConnector:
		return "CreateVoiceConnector"
	case opGetVoiceConnector:
		return "GetVoiceConnector"
	case opListVoiceConnectors:
		return "ListVoiceConnectors"
	case opDeleteVoiceConnector:
		return "DeleteVoiceConnector"
	case opGetVoiceConnectorOrigination:
		return "GetVoiceConnectorOrigination"
	case opPutVoiceConnectorOrigination:
		return "PutVoiceConnectorOrigination"
	case opDeleteVoiceConnectorOrigination:
		return "DeleteVoiceConnectorOrigination"
	case opListAvailableVoiceConnectorRegions:
		return "ListAvailableVoiceConnectorRegions"
	case opGetVoiceConnectorEmergencyCallingConfiguration:
		return "GetVoiceConnectorEmergencyCallingConfiguration"
	case opPutVoiceConnectorEmergencyCallingConfiguration:
		return "PutVoiceConnectorEmergencyCallingConfiguration"
	case opDeleteVoiceConnectorEmergencyCallingConfiguration:
		return "DeleteVoiceConnectorEmergencyCallingConfiguration"
	}
	return "UnknownOperation"
}

// Operations lists the operations the simulator serves, by name.
func Operations() []string {
	var out []string
	for op := opUnknown + 1; op < numOperations; op++ {
		out = append(out, op.String())
	}
	return out
}

// allows reports whether the service model lists exc among op's errors.
// Answering an unlisted error would make older SDKs return an untyped error.
func (op operation) allows(exc exception) bool {
	switch exc {
	case excUnauthorized, excForbidden, excBadRequest, excThrottled, excServiceUnavailable, excServiceFailure:
		return op != opUnknown
	case excNotFound:
		return op != opCreateVoiceConnector && op != opListVoiceConnectors &&
			op != opListAvailableVoiceConnectorRegions && op != opUnknown
	case excAccessDenied:
		return op == opCreateVoiceConnector || op == opPutVoiceConnectorOrigination
	case excResourceLimitExceeded:
		return op == opCreateVoiceConnector
	case excConflict:
		return op == opDeleteVoiceConnector
	}
	return false
}

// target is what a request line resolves to: an operation and its
// VoiceConnectorId label, or no operation and the methods the path allows
// (empty when the path itself is unknown).
type target struct {
	op    operation
	id    string
	allow string
}

// route resolves method and escaped path. The path is split before
// unescaping so that an id containing %2F stays one label, and an empty
// label (/voice-connectors//origination) stays empty instead of being cleaned
// away as http.ServeMux would.
func route(method, escapedPath string) target {
	seg := strings.Split(strings.TrimPrefix(escapedPath, "/"), "/")
	switch {
	case len(seg) == 1 && seg[0] == "voice-connector-regions":
		return pick(method, "GET", map[string]operation{"GET": opListAvailableVoiceConnectorRegions}, "")
	case len(seg) == 1 && seg[0] == "voice-connectors":
		return pick(method, "GET, POST", map[string]operation{
			"GET": opListVoiceConnectors, "POST": opCreateVoiceConnector}, "")
	case len(seg) == 2 && seg[0] == "voice-connectors":
		return pick(method, "GET, DELETE", map[string]operation{
			"GET": opGetVoiceConnector, "DELETE": opDeleteVoiceConnector}, seg[1])
	case len(seg) == 3 && seg[0] == "voice-connectors" && seg[2] == "origination":
		return pick(method, "GET, PUT, DELETE", map[string]operation{
			"GET":    opGetVoiceConnectorOrigination,
			"PUT":    opPutVoiceConnectorOrigination,
			"DELETE": opDeleteVoiceConnectorOrigination}, seg[1])
	case len(seg) == 3 && seg[0] == "voice-connectors" && seg[2] == "emergency-calling-configuration":
		return pick(method, "GET, PUT, DELETE", map[string]operation{
			"GET":    opGetVoiceConnectorEmergencyCallingConfiguration,
			"PUT":    opPutVoiceConnectorEmergencyCallingConfiguration,
			"DELETE": opDeleteVoiceConnectorEmergencyCallingConfiguration}, seg[1])
	}
	return target{}
}

func pick(method, allow string, ops map[string]operation, label string) target {
	op, ok := ops[method]
	if !ok {
		return target{allow: allow}
	}
	id, err := url.PathUnescape(label)
	if err != nil {
		id = label // malformed escapes fail the id pattern check instead
	}
	return target{op: op, id: id}
}

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
	case opDeleteVoiceConnectorOrigination:
		return s.deleteOrigination(c)
	case opGetVoiceConnectorEmergencyCallingConfiguration:
		return s.getEmergencyCalling(c)
	case opPutVoiceConnectorEmergencyCallingConfiguration:
		return s.putEmergencyCalling(c)
	}
	return s.deleteEmergencyCalling(c)
}

// maxBody bounds request bodies; the largest valid body (20 routes) is a few
// KiB.
const maxBody = 1 << 20

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
