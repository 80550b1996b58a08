package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"storelens/app"
	"storelens/app/i18n"
	"storelens/app/insight"
	"storelens/localdb"
)

func init() {
	Register(Command{Name: "flags", Summary: "list flagged stores of a period with their reasons", Run: runFlags})
}

// flagsJSON is the one object `storelens flags --json` writes.
type flagsJSON struct {
	Period string         `json:"period"`
	Stores int            `json:"stores"`
	Flags  []flagJSONItem `json:"flags"`
}

type flagJSONItem struct {
	Store  string   `json:"store"`
	Name   string   `json:"name"`
	Kind   string   `json:"kind"`
	Reason string   `json:"reason"`
	Hours  []string `json:"hours"`
}

// openPeriod reads a --period and opens the app's insight on env's store.
func openPeriod(ctx context.Context, env Env, period string) (insight.Period, *app.App, *insight.Insight, error) {
	p, err := insight.ParsePeriod(period, nil)
	if err != nil {
		return p, nil, nil, err
	}
	core, in, err := openInsight(ctx, env)
	if err != nil {
		return p, nil, nil, err
	}
	warnCoverage(ctx, env, core, p)
	return p, core, in, nil
}

// warnCoverage says on stderr when the period reaches past the local data:
// empty figures are not a store that had no shoppers.
func warnCoverage(ctx context.Context, env Env, core *app.App, p insight.Period) {
	_, last, err := core.DB().DataDays(ctx)
	if err != nil || last == "" {
		return
	}
	switch end := p.To.AddDate(0, 0, -1).Format("2006-01-02"); {
	case p.FirstDay() > last:
		fmt.Fprintln(env.Stderr, env.T("cli.period.future", "Period", p.String(), "Last", last))
	case end > last:
		fmt.Fprintln(env.Stderr, env.T("cli.period.partial", "Period", p.String(), "Last", last))
	}
}

// openInsight opens the local store of env and an Insight over it; it fails
// with a next step when the store holds no stores yet.
func openInsight(ctx context.Context, env Env) (*app.App, *insight.Insight, error) {
	return openInsightWith(ctx, env, app.Config{})
}

// openInsightWith is openInsight with more of the app's configuration
// (the feed a command fetches footage from).
func openInsightWith(ctx context.Context, env Env, cfg app.Config) (*app.App, *insight.Insight, error) {
	cfg.DataDir, cfg.Existing = env.DataDir, true
	core, err := app.New(ctx, cfg)
	if errors.Is(err, app.ErrNoStore) {
		dir := env.DataDir
		if dir == "" {
			dir, _ = localdb.DefaultDir()
		}
		return nil, nil, sayErr("nodata", "Dir", dir)
	}
	if err != nil {
		return nil, nil, err
	}
	n, err := core.DB().StoreCount(ctx)
	if err != nil {
		core.Close()
		return nil, nil, fmt.Errorf("read stores in %s: %w", core.DB().Path(), err)
	}
	if n == 0 {
		path := core.DB().Path()
		core.Close()
		return nil, nil, sayErr("nostores", "Path", path)
	}
	return core, core.Insight(), nil
}

// known checks a filter's value against what the local store holds, so a
// typo is an error listing the valid values instead of "0 of 0 flagged".
func known(ctx context.Context, flag, value string, list func(context.Context) ([]string, error)) error {
	if value == "" {
		return nil
	}
	valid, err := list(ctx)
	if err != nil {
		return err
	}
	if slices.Contains(valid, value) {
		return nil
	}
	return sayErr("unknown", "Flag", flag, "Value", value, "Valid", strings.Join(valid, ", "))
}

func runFlags(ctx context.Context, env Env, args []string) error {
	fs := NewFlagSet(&env, "flags")
	periodS := fs.String("period", "", "day (2026-11-20), ISO week (2026-W47), month (2026-11) or range (2026-11-01..2026-11-15)")
	asJSON := fs.Bool("json", false, "write one JSON object to stdout")
	region := fs.String("region", "", "only the stores of this region id")
	tag := fs.String("tag", "", "only the stores with this tag (e.g. 商场店)")
	if err := ParseFlags(fs, args); err != nil {
		return err
	}
	lang := env.lang()
	if *periodS == "" {
		fmt.Fprintln(env.Stderr, env.T("cli.err.needperiod", "Cmd", "flags"))
		return ErrUsage
	}
	p, core, in, err := openPeriod(ctx, env, *periodS)
	if err != nil {
		return err
	}
	defer core.Close()
	if err := known(ctx, "--region", *region, core.DB().RegionIDs); err != nil {
		return err
	}
	if err := known(ctx, "--tag", *tag, core.DB().TagNames); err != nil {
		return err
	}
	flags, n, err := in.Flags(ctx, p, insight.Filter{RegionID: *region, Tag: *tag})
	if err != nil {
		return err
	}
	if *asJSON {
		return writeFlagsJSON(env.Stdout, p, n, flags, lang)
	}
	writeFlagsTable(env, p, n, flags)
	return nil
}

func writeFlagsJSON(w io.Writer, p insight.Period, n int, flags []insight.Flag, lang string) error {
	out := flagsJSON{Period: p.String(), Stores: n, Flags: []flagJSONItem{}}
	for _, f := range flags {
		it := flagJSONItem{Store: f.Store, Name: f.StoreName, Kind: string(f.Kind), Reason: f.Reason.In(lang), Hours: []string{}}
		for _, h := range f.Hours {
			it.Hours = append(it.Hours, h.UTC().Format(time.RFC3339))
		}
		out.Flags = append(out.Flags, it)
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

func writeFlagsTable(env Env, p insight.Period, n int, flags []insight.Flag) {
	w, lang := env.Stdout, env.lang()
	stores := map[string]bool{}
	t := &table{}
	if len(flags) > 0 {
		t.add(env.T("cli.flags.col.store"), env.T("cli.flags.col.name"), env.T("cli.flags.col.flag"), env.T("cli.flags.col.when"), env.T("cli.flags.col.reason"))
	}
	for _, f := range flags {
		stores[f.Store] = true
		when := ""
		switch len(f.Days) {
		case 0:
		case 1:
			when = f.Days[0]
		default:
			when = env.T("cli.flags.days", "First", f.Days[0], "N", len(f.Days))
		}
		t.add(f.Store, f.StoreName, i18n.Default().T(lang, "flag."+string(f.Kind), nil), when, f.Reason.In(lang))
	}
	t.write(w)
	fmt.Fprintln(w, env.T("cli.flags.summary", "Period", p.String(), "Flagged", len(stores), "Stores", n, "Flags", len(flags)))
}
