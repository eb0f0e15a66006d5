// Package suspension keeps the operators' suspensions, the break glass of
// an incident: an operator who must change a connector by hand (send its
// calls to the DR site) suspends it, and nothing writes it, whatever the
// trigger, until it is resumed. Alertmanager keeps its silences apart from
// the dispatcher in the same way.
//
// A Book holds the suspensions in force and counts the writes in flight;
// the daemon consults it before each write through two questions only:
// Mutes (is this connector suspended?) and Begin (may this write start
// now?). Every change is saved in its Store (File: suspensions.json in the
// state directory, replaced atomically) before it takes effect, so that
// suspensions survive restarts and upgrades, and a daemon that cannot read
// the file does not start: starting without the suspensions would revert
// what operators changed by hand.
//
// It is internal to the reconciler and has no compatibility promise; the
// file's format is versioned.
package suspension
