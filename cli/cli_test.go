package cli

import (
	"errors"
	"flag"
	"io"
	"strings"
	"testing"
)

func TestParseFlagsSaysWhatIsWrong(t *testing.T) {
	env := Env{Stdout: io.Discard, Stderr: io.Discard}
	fs := NewFlagSet(&env, "count")
	fs.String("video", "", "")
	if err := ParseFlags(fs, []string{"-h"}); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: %v, want flag.ErrHelp (exit 0)", err)
	}
	if err := ParseFlags(fs, []string{"--nope"}); !errors.Is(err, ErrUsage) {
		t.Errorf("unknown flag: %v, want ErrUsage (exit 2)", err)
	}
	err := ParseFlags(fs, []string{"--video", "a.mp4", "b.mp4"})
	if err == nil || !strings.Contains(err.Error(), `count: unexpected "b.mp4"`) || !strings.Contains(err.Error(), "storelens count -h") {
		t.Errorf("stray argument: %v, want it named with the help command", err)
	}
}
