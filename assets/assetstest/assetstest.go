// Package assetstest hands tests the sample footage. Under `make test` (and
// so in CI) the Makefile fetches the footage and names its folder in
// STORELENS_TESTDATA: there a missing clip fails the test, so a run cannot
// go green without testing vision. A bare `go test` on a machine without
// the footage skips, saying how to get it.
package assetstest

import (
	"os"
	"testing"

	"storelens/assets"
)

// Footage returns the path of the sample clip name (vtest.avi, tree.avi).
func Footage(tb testing.TB, name string) string {
	tb.Helper()
	p, err := assets.SampleFootage(name)
	if err == nil {
		return p
	}
	if os.Getenv("STORELENS_TESTDATA") != "" || os.Getenv("CI") != "" {
		tb.Fatalf("sample footage %s is missing: %v (run `make testdata`)", name, err)
	}
	tb.Skipf("sample footage %s is missing: %v (run `make testdata`, or `make test`)", name, err)
	return ""
}
