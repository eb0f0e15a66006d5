package sim

import (
	"errors"
	"strings"
)

const (
	sigV4Algorithm = "AWS4-HMAC-SHA256"
	signingName    = "chime"
)

// signingRegion returns the region of the SigV4 credential scope in an
// Authorization header:
//
//	AWS4-HMAC-SHA256 Credential=AKID/20261125/us-east-1/chime/aws4_request, SignedHeaders=..., Signature=...
//
// The signature itself is not verified (the simulator knows no secrets), but
// the header must have the shape every SigV4 signer produces, so an unsigned
// or hand-rolled request fails here as it would against AWS.
func signingRegion(header string) (string, error) {
	rest, found := strings.CutPrefix(header, sigV4Algorithm+" ")
	if !found {
		return "", errors.New("missing Authorization header with an AWS Signature Version 4 (" + sigV4Algorithm + ")")
	}
	var scope string
	var signed bool
	for part := range strings.SplitSeq(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			scope = v
		case "Signature":
			signed = v != ""
		}
	}
	if !signed {
		return "", errors.New("the Authorization header has no Signature")
	}
	return scopeRegion(scope)
}

// scopeRegion checks AKID/yyyymmdd/region/chime/aws4_request.
func scopeRegion(scope string) (string, error) {
	p := strings.Split(scope, "/")
	if len(p) != 5 || p[0] == "" || len(p[1]) != 8 || p[2] == "" || p[4] != "aws4_request" {
		return "", errors.New("the Authorization header has no credential scope of the form AKID/date/region/" + signingName + "/aws4_request")
	}
	if p[3] != signingName {
		return "", errors.New("credential should be scoped to correct service: '" + signingName + "', not '" + p[3] + "'")
	}
	return p[2], nil
}
