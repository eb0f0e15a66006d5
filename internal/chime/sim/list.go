package sim

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
)

// DefaultPageSize is the ListVoiceConnectors page size when max-results is
// absent. The service documents none; a small default makes a client that
// forgets to paginate fail in tests rather than in production.
const DefaultPageSize = 10

// maxPageSize is the model's ResultMax maximum.
const maxPageSize = 100

type listOutput struct {
	VoiceConnectors []wireConnector `json:"VoiceConnectors"`
	NextToken       string          `json:"NextToken,omitempty"`
}

// listVoiceConnectors pages through the signing region's connectors in id
// order. The token is a cursor (the last id returned), so connectors created
// or deleted between pages never cause duplicates or skip others.
func (s *Service) listVoiceConnectors(c *call) *result {
	q := c.req.URL.Query()
	size := DefaultPageSize
	if q.Has("max-results") {
		n, err := strconv.Atoi(q.Get("max-results"))
		if err != nil || n < 1 || n > maxPageSize {
			return c.op.fail(excBadRequest, "max-results must be an integer between 1 and %d, got %q", maxPageSize, q.Get("max-results"))
		}
		size = n
	}
	var after string
	if q.Has("next-token") {
		var valid bool
		if after, valid = parseToken(q.Get("next-token"), c.region); !valid {
			return c.op.fail(excBadRequest, "next-token is not a token this listing returned in region %s", c.region)
		}
	}
	conns, more := s.store.page(c.region, after, size)
	out := listOutput{VoiceConnectors: make([]wireConnector, 0, len(conns))}
	for _, conn := range conns {
		out.VoiceConnectors = append(out.VoiceConnectors, conn.wire())
	}
	if more {
		out.NextToken = makeToken(c.region, conns[len(conns)-1].ID)
	}
	return ok(http.StatusOK, out)
}

const tokenPrefix = "vc1"

// makeToken encodes the cursor. It is opaque to clients, but bound to the
// region so that a token from one region's listing is refused in another.
func makeToken(region, lastID string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(tokenPrefix + "|" + region + "|" + lastID))
}

func parseToken(token, region string) (string, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return "", false
	}
	p := strings.Split(string(raw), "|")
	if len(p) != 3 || p[0] != tokenPrefix || p[1] != region || !idPattern.MatchString(p[2]) {
		return "", false
	}
	return p[2], true
}
