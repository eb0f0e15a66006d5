package sim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
)

// result is a complete answer: status, JSON body (nil for 204) and, for
// errors, the shape name for X-Amzn-ErrorType.
type result struct {
	status    int
	body      any
	errorType string
	fault     bool // injected by FaultRate
}

func ok(status int, body any) *result { return &result{status: status, body: body} }

// fail builds op's answer for exc. An exception the model does not list for
// op is a simulator bug; it is answered as ServiceFailureException, which
// every operation lists, so clients still get a typed error.
func (op operation) fail(exc exception, format string, args ...any) *result {
	msg := fmt.Sprintf(format, args...)
	if !op.allows(exc) {
		msg = fmt.Sprintf("simulator bug: %s cannot answer %s: %s", op, exc.name(), msg)
		exc = excServiceFailure
	}
	return &result{
		status:    exc.status(),
		body:      errorBody{Code: exc.code(), Message: msg},
		errorType: exc.name(),
	}
}

// write sends res as JSON (no body for 204).
func write(w http.ResponseWriter, res *result) {
	h := w.Header()
	if res.errorType != "" {
		h.Set("X-Amzn-ErrorType", res.errorType)
	}
	if res.status == http.StatusNoContent || res.body == nil {
		w.WriteHeader(res.status)
		return
	}
	data, err := json.Marshal(res.body)
	if err != nil { // only plain structs are marshalled; cannot happen
		data, res.status = []byte(`{"Code":"ServiceFailure","Message":"encode answer"}`), 500
	}
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(res.status)
	_, _ = w.Write(data)
}

// errorBody is the JSON body of every error answer.
type errorBody struct {
	Code    string `json:"Code"`
	Message string `json:"Message"`
}

// exception is one of the service model's error shapes.
type exception int

const (
	excBadRequest exception = iota
	excUnauthorized
	excForbidden
	excAccessDenied
	excNotFound
	excConflict
	excResourceLimitExceeded
	excThrottled
	excServiceFailure
	excServiceUnavailable
)

// name is the shape name sent in X-Amzn-ErrorType; SDKs pick the typed
// error from it.
func (e exception) name() string {
	switch e {
	case excBadRequest:
		return "BadRequestException"
	case excUnauthorized:
		return "UnauthorizedClientException"
	case excForbidden:
		return "ForbiddenException"
	case excAccessDenied:
		return "AccessDeniedException"
	case excNotFound:
		return "NotFoundException"
	case excConflict:
		return "ConflictException"
	case excResourceLimitExceeded:
		return "ResourceLimitExceededException"
	case excThrottled:
		return "ThrottledClientException"
	case excServiceFailure:
		return "ServiceFailureException"
	}
	return "ServiceUnavailableException"
}

// code is the ErrorCode enum value sent in the body's Code member: the shape
// name without its Exception/ClientException suffix.
func (e exception) code() string {
	switch e {
	case excBadRequest:
		return "BadRequest"
	case excUnauthorized:
		return "Unauthorized"
	case excForbidden:
		return "Forbidden"
	case excAccessDenied:
		return "AccessDenied"
	case excNotFound:
		return "NotFound"
	case excConflict:
		return "Conflict"
	case excResourceLimitExceeded:
		return "ResourceLimitExceeded"
	case excThrottled:
		return "Throttled"
	case excServiceFailure:
		return "ServiceFailure"
	}
	return "ServiceUnavailable"
}

// status is the HTTP status the model gives the shape (httpStatusCode).
func (e exception) status() int {
	switch e {
	case excBadRequest, excResourceLimitExceeded:
		return 400
	case excUnauthorized:
		return 401
	case excForbidden, excAccessDenied:
		return 403
	case excNotFound:
		return 404
	case excConflict:
		return 409
	case excThrottled:
		return 429
	case excServiceFailure:
		return 500
	}
	return 503
}
