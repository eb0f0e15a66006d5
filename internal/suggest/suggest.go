// Package suggest finds, for a name an operator got wrong, the one they
// probably meant: "did you mean RECONCILER_DRIFT_INTERVAL?".
//
// It is internal to the reconciler and has no compatibility promise.
package suggest

// Closest returns the name of known nearest to name in edit distance, and
// that distance; "" and -1 when known is empty. Of names equally near, the
// first in known wins.
func Closest(name string, known []string) (string, int) {
	best, bestD := "", -1
	for _, k := range known {
		if d := Distance(name, k); bestD < 0 || d < bestD {
			best, bestD = k, d
		}
	}
	return best, bestD
}

// Distance is the Levenshtein distance of a and b, in bytes: the names it
// is asked about are ASCII.
func Distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
