package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"storelens/app"
	"storelens/app/i18n"
)

func init() {
	Register(Command{Name: "inspections", Summary: "take the scheduled inspection snapshots due (inspections run) or list them", Run: runInspections})
}

// inspectionsJSON is the one object `storelens inspections --json` writes.
type inspectionsJSON struct {
	Schedules []scheduleJSON `json:"schedules"`
	Snapshots []shotJSON     `json:"snapshots"`
}

type scheduleJSON struct {
	Name     string `json:"name"`
	Store    string `json:"store"`
	Camera   string `json:"camera"`
	Weekdays int    `json:"weekdays"` // bit 0 Monday … bit 6 Sunday
	Times    string `json:"times"`
	StartsOn string `json:"starts_on"`
}

type shotJSON struct {
	Schedule   string `json:"schedule"`
	Store      string `json:"store"`
	Camera     string `json:"camera"`
	Due        string `json:"due"`
	TakenAt    string `json:"taken_at"`
	Source     string `json:"source"`
	Path       string `json:"path"`
	Suggestion string `json:"suggestion"`
	Verdict    string `json:"verdict"`
}

func runInspections(ctx context.Context, env Env, args []string) error {
	if len(args) > 0 && args[0] == "run" {
		return runInspectionsRun(ctx, env, args[1:])
	}
	fs := NewFlagSet(&env, "inspections")
	asJSON := fs.Bool("json", false, "write one JSON object to stdout")
	fromS := fs.String("from", "", "first day of the snapshots listed (default: a week ago)")
	toS := fs.String("to", "", "last day of the snapshots listed (default: today)")
	if err := ParseFlags(fs, args); err != nil {
		fmt.Fprintln(env.Stderr, env.T("cli.inspections.usage"))
		return err
	}
	day := func(s string, def time.Time) (time.Time, error) {
		if s == "" {
			return def, nil
		}
		t, err := time.ParseInLocation("2006-01-02", s, time.Local)
		if err != nil {
			return t, &saidError{say: i18n.Say("cli.inspections.date", "Date", s)}
		}
		return t, nil
	}
	today := time.Now().Truncate(24 * time.Hour)
	from, err := day(*fromS, today.AddDate(0, 0, -7))
	if err != nil {
		return err
	}
	to, err := day(*toS, today)
	if err != nil {
		return err
	}
	core, _, err := openInsight(ctx, env)
	if err != nil {
		return err
	}
	defer core.Close()
	plan, err := core.InspectionSchedules(ctx)
	if err != nil {
		return err
	}
	// A day either side covers every store's clock.
	shots, err := core.InspectionShots(ctx, from.AddDate(0, 0, -1), to.AddDate(0, 0, 2))
	if err != nil {
		return err
	}
	out := inspectionsJSON{Schedules: []scheduleJSON{}, Snapshots: []shotJSON{}}
	for _, d := range plan {
		out.Schedules = append(out.Schedules, scheduleJSON{Name: d.Name, Store: d.StoreCode, Camera: d.CameraCode, Weekdays: int(d.Weekdays), Times: d.Times, StartsOn: d.StartsOn})
	}
	for _, s := range shots {
		loc, err := time.LoadLocation(s.TimeZone)
		if err != nil {
			loc = time.Local
		}
		if d := s.Due.In(loc).Format("2006-01-02"); d < from.Format("2006-01-02") || d > to.Format("2006-01-02") {
			continue
		}
		out.Snapshots = append(out.Snapshots, shotJSON{Schedule: s.Schedule, Store: s.StoreCode, Camera: s.CameraCode,
			Due: s.Due.In(loc).Format(time.RFC3339), TakenAt: s.TakenAt.In(loc).Format(time.RFC3339), Source: s.Source,
			Path: firstNonEmpty(s.Path, s.URL), Suggestion: s.Suggestion, Verdict: s.Verdict})
	}
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetEscapeHTML(false)
		return enc.Encode(out)
	}
	if len(out.Snapshots) == 0 {
		// Nothing taken yet: say which schedules there are and what to run.
		t := &table{}
		t.add(env.T("cli.inspections.col.schedule"), env.T("cli.flags.col.store"), env.T("cli.inspections.col.camera"),
			env.T("cli.inspections.col.days"), env.T("cli.inspections.col.times"))
		for _, d := range out.Schedules {
			t.add(d.Name, d.Store, d.Camera, app.WeekdaysText(app.Weekdays(d.Weekdays), env.lang()), d.Times)
		}
		if len(out.Schedules) > 0 {
			t.write(env.Stdout)
		}
		fmt.Fprintln(env.Stderr, env.T("cli.inspections.none", "From", from.Format(time.DateOnly), "To", to.Format(time.DateOnly), "N", len(out.Schedules)))
		return nil
	}
	t := &table{}
	t.add(env.T("cli.inspections.col.due"), env.T("cli.inspections.col.schedule"), env.T("cli.flags.col.store"), env.T("cli.inspections.col.camera"),
		env.T("cli.inspections.col.source"), env.T("cli.inspections.col.verdict"), env.T("cli.inspections.col.picture"))
	for _, s := range out.Snapshots {
		verdict := "—"
		if s.Verdict != "" {
			verdict = env.T("verdict." + s.Verdict)
		}
		t.add(s.Due, s.Schedule, s.Store, s.Camera, s.Source, verdict, s.Path)
	}
	t.write(env.Stdout)
	return nil
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func runInspectionsRun(ctx context.Context, env Env, args []string) error {
	fs := NewFlagSet(&env, "inspections run")
	at := fs.String("at", "", `take what is due up to this store-local moment, "YYYY-MM-DD HH:MM" (default: now)`)
	asJSON := fs.Bool("json", false, `write {"taken": [the snapshots taken], "missing": N} to stdout`)
	feedURL := fs.String("feed", "", "HQ feed URL to fetch recordings not yet on this laptop (default: the one saved by the app; token from STORELENS_TOKEN or the keyring)")
	if err := ParseFlags(fs, args); err != nil {
		fmt.Fprintln(env.Stderr, env.T("cli.inspections.usage"))
		return err
	}
	core, _, err := openInsightWith(ctx, env, app.Config{FeedURL: strings.TrimSpace(*feedURL), Token: os.Getenv("STORELENS_TOKEN")})
	if err != nil {
		return err
	}
	defer core.Close()
	run, err := core.RunInspections(ctx, app.InspectionRequest{AtLocal: *at})
	if err != nil {
		return err
	}
	n := map[string]int{}
	var taken []shotJSON
	for _, s := range run.Taken {
		n[s.Source]++
		taken = append(taken, shotJSON{Schedule: s.Schedule, Store: s.StoreCode, Camera: s.CameraCode, Due: s.Due.Format(time.RFC3339),
			TakenAt: s.TakenAt.Format(time.RFC3339), Source: s.Source, Path: firstNonEmpty(s.Path, s.URL), Suggestion: s.Suggestion})
		// One line a snapshot only when asked: a catch-up takes thousands.
		if env.Verbose && !*asJSON {
			fmt.Fprintln(env.Stdout, strings.Join([]string{s.Due.Format(time.RFC3339), s.Schedule, s.StoreCode, s.CameraCode, s.Source, firstNonEmpty(s.Path, s.URL)}, "\t"))
		}
	}
	if *asJSON {
		if taken == nil {
			taken = []shotJSON{}
		}
		enc := json.NewEncoder(env.Stdout)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(map[string]any{"taken": taken, "missing": len(run.Missing)}); err != nil {
			return err
		}
	}
	lang := env.lang()
	fmt.Fprintln(env.Stderr, i18n.Say("cli.inspections.taken", "N", len(run.Taken), "Live", n["live"], "Rec", n["recording"], "HQ", n["hq"], "Missing", len(run.Missing)).In(lang))
	for i, m := range run.Missing {
		if i == 10 && !env.Verbose {
			break
		}
		fmt.Fprintln(env.Stderr, i18n.Say("cli.inspections.missing", "Schedule", m.Schedule, "Store", m.Store, "Camera", m.Camera,
			"Due", m.Due.Format("2006-01-02 15:04"), "Why", m.Why).In(lang))
	}
	return nil
}
