package ui

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Under Debian's default locale, C.UTF-8, a program linking the window
// prints nothing of its own accord: no "Fyne error: Error parsing user
// locale C" lines at start (a cron job would mail them). The test binary
// links the same packages as storelens and runs their initialisation in a
// child with that locale.
func TestNoLocaleErrorUnderCUTF8(t *testing.T) {
	for _, locale := range []string{"C.UTF-8", "C", "POSIX"} {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		var env []string
		for _, kv := range os.Environ() {
			if k, _, _ := strings.Cut(kv, "="); k != "LANG" && k != "LC_ALL" && k != "LC_MESSAGES" && k != "LANGUAGE" {
				env = append(env, kv)
			}
		}
		cmd.Env = append(env, "LANG="+locale)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("LANG=%s: %v\n%s", locale, err, out)
		}
		if strings.Contains(string(out), "Fyne error") || strings.Contains(string(out), "locale") {
			t.Errorf("LANG=%s: the program printed at start:\n%s", locale, out)
		}
	}
}
