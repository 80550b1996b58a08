package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// `storelens report` writes the files asked for and prints their paths;
// a wrong format, tag, store or period is refused with exit 1 or 2 and a
// sentence naming it, in the language asked for, writing nothing.
func TestReportCommand(t *testing.T) {
	dir := chainDir(t)
	out := t.TempDir()
	code, stdout, stderr := mainRun(t, "report", "--data-dir", dir, "--period", "2026-W47", "--format", "pdf,xlsx", "--out", out, "--lang", "en")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	files := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(files) != 2 || !strings.HasSuffix(files[0], ".pdf") || !strings.HasSuffix(files[1], ".xlsx") {
		t.Fatalf("printed %q", stdout)
	}
	for _, f := range files {
		if st, err := os.Stat(f); err != nil || st.Size() < 10_000 || filepath.Dir(f) != out {
			t.Errorf("%s: %v", f, err)
		}
	}
	if !strings.Contains(stderr, "24 stores") {
		t.Errorf("stderr %q does not say how many stores", stderr)
	}

	code, stdout, _ = mainRun(t, "report", "--data-dir", dir, "--period", "2026-W47", "--format", "xlsx", "--stores", "S00001,S00004", "--out", out)
	if code != 0 || !strings.HasSuffix(strings.TrimSpace(stdout), ".xlsx") {
		t.Errorf("two stores, Excel only: exit %d, %q", code, stdout)
	}

	empty := t.TempDir()
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--format", "docx"}, 1, "docx"},
		{[]string{"--tag", "火星店"}, 1, "火星店"},
		{[]string{"--stores", "S99999"}, 1, "S99999"},
		{[]string{"--period", "2026-W99"}, 1, "2026-W99"},
		{[]string{"--period", "2031-W02"}, 1, "2031-W02"},
	} {
		args := append([]string{"report", "--data-dir", dir, "--out", empty, "--lang", "zh", "--period", "2026-W47"}, c.args...)
		code, _, stderr := mainRun(t, args...)
		if code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, %q", c.args, code, stderr)
		}
		if strings.Contains(stderr, "cannot") || !strings.ContainsAny(stderr, "：，。") {
			t.Errorf("%v: not said in Chinese: %q", c.args, stderr)
		}
	}
	if m, _ := filepath.Glob(filepath.Join(empty, "*")); len(m) != 0 {
		t.Errorf("refused reports wrote %v", m)
	}
}
