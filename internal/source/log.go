package source

import "log/slog"

// Attribute keys of the log records this package writes.
const (
	keyDir      = "dir"
	keyURL      = "url"
	keyRef      = "ref"
	keyRevision = "revision"
	keyFiles    = "files"
	keyErr      = "err"
	keyRetryIn  = "retry_in"
)

// orDiscard returns l, or a logger that drops everything when l is nil.
func orDiscard(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.New(slog.DiscardHandler)
	}
	return l
}
