// Package leader campaigns for leadership on etcd and says, at every moment,
// whether this process holds a live lease. Several daemons that manage the
// same connectors run the same election (the same etcd key); the one whose
// lease holds the key leads and is the only one that writes.
//
// # Terms
//
// An Elector hands out one context per term of leadership (Terms). The
// context is cancelled the instant the term ends: the lease was lost, it
// could not be renewed in time, another process holds the key, or the
// elector stopped. The caller uses the term's context as the context of
// every write, so that losing the lease cancels writes in flight and keeps
// writes not yet started from starting.
//
// # Fencing
//
// etcd expires a lease TTL after the last renewal it received. The elector
// renews the lease itself every TTL/3 and notes when each renewal was sent:
// the lease cannot expire on the server before that moment plus the TTL.
// The term ends a safety margin (TTL/4) before that bound whenever a
// renewal is overdue, so that no write is started on a lease that may have
// expired, and a write sent just before the end has the margin to land
// before another process can win. The keep-alive of the etcd session
// (concurrency.Session) ends the term too if it gives up first.
//
// The Chime SDK Voice API takes no fencing token, so the margin is the
// fence: a write request already on the wire when the term ends is not
// recalled. That is the limit of any lease-based leader election in front
// of an API without conditional writes.
//
// # Campaigning
//
// Run campaigns until its context ends, through etcd's election recipe
// (concurrency.Election): the key with the lowest creation revision under
// the prefix leads, and each candidate waits for the key before its own to
// go. An etcd that cannot be reached is not an error: Run reports it in
// Leader and keeps trying every second. When Run's context ends it revokes
// the lease, which deletes this process's key at once, so that a standby
// takes over without waiting for the TTL: the caller ends Run only after
// its writes in flight are done.
//
// It is internal to the reconciler and has no compatibility promise.
package leader
