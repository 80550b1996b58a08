package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"storelens/app/i18n"
	"storelens/cli"
	"storelens/localdb"
	"storelens/localdb/localdbtest/synthchain"
)

func chainDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	db, err := localdb.Open(context.Background(), localdb.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	o := synthchain.Options{Stores: 24, Regions: 1, Days: 8 * 7, End: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC), Seed: 3, Stories: true}
	if err := synthchain.Build(context.Background(), db, o, nil); err != nil {
		t.Fatal(err)
	}
	db.Close()
	return dir
}

func run(t *testing.T, dir, name string, args ...string) (string, string, error) {
	t.Helper()
	c, ok := cli.Lookup(name)
	if !ok {
		t.Fatalf("no %s command", name)
	}
	var out, errb bytes.Buffer
	err := c.Run(context.Background(), cli.Env{Stdout: &out, Stderr: &errb, DataDir: dir}, args)
	return out.String(), errb.String(), err
}

func TestFlagsAndKPICommands(t *testing.T) {
	dir := chainDir(t)
	out, _, err := run(t, dir, "flags", "--period", "2026-W47", "--json", "--lang", "en")
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Period string `json:"period"`
		Stores int    `json:"stores"`
		Flags  []struct {
			Store, Name, Kind, Reason string
			Hours                     []string
		} `json:"flags"`
	}
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("stdout is not the flags object: %v\n%s", err, out)
	}
	if got.Period != "2026-W47" || got.Stores != 24 {
		t.Errorf("period %q stores %d", got.Period, got.Stores)
	}
	found := false
	for _, f := range got.Flags {
		if f.Store == synthchain.StoryEarlyClose && f.Kind == "early_closing" {
			found = true
			if !strings.Contains(f.Reason, "scheduled closing 22:00") || len(f.Hours) == 0 || !strings.HasSuffix(f.Hours[0], "Z") {
				t.Errorf("early closing flag %+v", f)
			}
		}
		if f.Name == "" || f.Reason == "" {
			t.Errorf("flag without name or reason: %+v", f)
		}
	}
	if !found {
		t.Errorf("early closing story not listed: %s", out)
	}

	table, _, err := run(t, dir, "flags", "--period", "2026-W47", "--lang", "zh")
	if err != nil || !strings.Contains(table, "计划营业至 22:00") || !strings.Contains(table, "家门店中") {
		t.Errorf("table output (err %v):\n%s", err, table)
	}

	kpi, _, err := run(t, dir, "kpi", "--store", synthchain.StoryLowRate, "--period", "2026-W47", "--lang", "en")
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"Entry rate", "is abnormally low", "! Abnormal entry rate:", synthchain.StoryLowRate} {
		if !strings.Contains(kpi, w) {
			t.Errorf("kpi output lacks %q:\n%s", w, kpi)
		}
	}
	js, _, err := run(t, dir, "kpi", "--store", synthchain.StoryLowRate, "--period", "2026-11-20", "--json")
	var k struct {
		KPIs struct {
			Entries   int64    `json:"entries"`
			EntryRate *float64 `json:"entry_rate"`
		} `json:"kpis"`
	}
	if err != nil || json.Unmarshal([]byte(js), &k) != nil || k.KPIs.Entries == 0 || k.KPIs.EntryRate == nil || *k.KPIs.EntryRate > 0.03 {
		t.Errorf("kpi --json (err %v): %s", err, js)
	}
}

func TestFlagsCommandErrorsSayWhatToDo(t *testing.T) {
	dir := chainDir(t)
	if _, _, err := run(t, dir, "flags", "--period", "week 47"); err == nil || !strings.Contains(err.Error(), "2026-W47") {
		t.Errorf("bad period: %v", err)
	}
	if _, errOut, err := run(t, dir, "flags"); !errors.Is(err, cli.ErrUsage) || !strings.Contains(errOut, "--period") {
		t.Errorf("missing period: %v %q", err, errOut)
	}
	if _, _, err := run(t, dir, "kpi", "--store", "ZZ999", "--period", "2026-W47"); err == nil || !strings.Contains(err.Error(), "ZZ999") {
		t.Errorf("unknown store: %v", err)
	}
	if _, _, err := run(t, t.TempDir(), "flags", "--period", "2026-W47"); err == nil || !strings.Contains(err.Error(), "storelens sync") {
		t.Errorf("empty data dir: %v", err)
	}
}

// A filter value nobody has, or a data folder with no data, is an error
// that says what is valid and what to do, and creates nothing.
func TestFlagsRefusesUnknownFiltersAndMissingData(t *testing.T) {
	dir := chainDir(t)
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"--period", "2026-W47", "--tag", "机场店"}, []string{"--tag “机场店”", "choose one of", "商场店"}},
		{[]string{"--period", "2026-W47", "--region", "R99"}, []string{"--region “R99”", "choose one of", "R01"}},
	} {
		out, _, err := run(t, dir, "flags", c.args...)
		if err == nil {
			t.Fatalf("flags %v: no error, printed %q", c.args, out)
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("flags %v: error %q does not say %q", c.args, err, w)
			}
		}
	}
	empty := t.TempDir() + "/nothing-here"
	_, _, err := run(t, empty, "flags", "--period", "2026-W47")
	if err == nil || !strings.Contains(err.Error(), "no StoreLens data") || !strings.Contains(err.Error(), "storelens sync") {
		t.Fatalf("flags on a folder with no data: %v", err)
	}
	if _, statErr := os.Stat(empty); !os.IsNotExist(statErr) {
		t.Errorf("a read command created %s", empty)
	}
}

// A snapshot into a folder that does not exist is refused at once, in the
// user's language, naming the folder, before any footage is fetched.
func TestSnapshotIntoAMissingFolder(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "no", "such")
	for _, c := range []struct{ lang, want string }{{"en", "does not exist"}, {"zh", "不存在"}} {
		_, _, err := run(t, dir, "snapshot", "--store", "WH001", "--at", "2026-11-19 10:41:30", "--out", filepath.Join(missing, "x.png"), "--lang", c.lang)
		if err == nil {
			t.Fatal("a snapshot into a missing folder succeeded")
		}
		var said interface{ Text() i18n.Text }
		if !errors.As(err, &said) {
			t.Fatalf("%s: a raw error: %v", c.lang, err)
		}
		if msg := said.Text().In(c.lang); !strings.Contains(msg, missing) || !strings.Contains(msg, c.want) {
			t.Errorf("%s: %q", c.lang, msg)
		}
	}
}

// Every command's -h speaks Chinese under --lang zh: each flag's words,
// not only the heading.
func TestEveryHelpIsInTheUsersLanguage(t *testing.T) {
	han := regexp.MustCompile(`\p{Han}`)
	dir := t.TempDir()
	for _, inv := range [][]string{{"audit"}, {"count"}, {"demo-feed"}, {"flags"}, {"health"}, {"inspections"}, {"inspections", "run"},
		{"kpi"}, {"report"}, {"snapshot"}, {"sync"}, {"task", "new"}, {"task", "set"}, {"tasks"}} {
		args := append(append([]string(nil), inv[1:]...), "--lang", "zh", "-h")
		_, stderr, err := run(t, dir, inv[0], args...)
		if !errors.Is(err, flag.ErrHelp) {
			t.Errorf("%v -h: %v", inv, err)
		}
		lines := strings.Split(stderr, "\n")
		if !strings.Contains(lines[0], "的选项") {
			t.Errorf("%v -h heading: %q", inv, lines[0])
		}
		flags := 0
		for i, l := range lines {
			if !strings.HasPrefix(l, "  -") {
				continue
			}
			flags++
			words := l
			if i+1 < len(lines) && strings.HasPrefix(lines[i+1], "    \t") {
				words = lines[i+1]
			}
			if !han.MatchString(words) {
				t.Errorf("%v -h: %q is not in Chinese", inv, strings.TrimSpace(l+" "+words))
			}
		}
		if flags < 3 {
			t.Errorf("%v -h lists %d flags:\n%s", inv, flags, stderr)
		}
	}
}
