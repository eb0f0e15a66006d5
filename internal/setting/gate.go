package setting

// Gate names a safety gate.
type Gate string

// Gates, as they also appear in JSON renderings.
const (
	// MassChange: a plan changes or removes one setting of too many of
	// the connectors that have it; allowed by --allow-mass-change.
	MassChange Gate = "mass-change"
	// TrafficLoss: a change would stop calls that flow today; allowed by
	// --allow-traffic-loss.
	TrafficLoss Gate = "traffic-loss"
	// Encryption: a change the connector's encryption forbids; no flag
	// allows it.
	Encryption Gate = "encryption"
)

// Violation is a safety gate a plan trips. Its fields marshal with their
// Go names: /status has shown them so since the first format.
type Violation struct {
	Kind    Gate
	Keys    []string // connectors concerned, sorted
	Message string   // for operators; names the flag that allows it, if any
}
