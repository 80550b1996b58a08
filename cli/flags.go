package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"storelens/app"
	"storelens/app/i18n"
	"storelens/app/insight"
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
	return p, core, in, err
}

// openInsight opens the local store of env and an Insight over it; it fails
// with a next step when the store holds no stores yet.
func openInsight(ctx context.Context, env Env) (*app.App, *insight.Insight, error) {
	core, err := app.New(ctx, app.Config{DataDir: env.DataDir, Existing: true})
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
		return nil, nil, fmt.Errorf("no stores in %s yet: run `storelens sync` (or pass --data-dir with the folder that holds your data)", path)
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
	return fmt.Errorf("%s %q: no store on this laptop has it; choose one of %s", flag, value, strings.Join(valid, ", "))
}

// langFlag reads --lang: zh or en (zh-CN, cn, en_US … are understood).
func langFlag(s string) (string, error) {
	if c, ok := i18n.Lang(s); ok {
		return c, nil
	}
	return "", fmt.Errorf("--lang %q: use zh or en", s)
}

func runFlags(ctx context.Context, env Env, args []string) error {
	fs := NewFlagSet(&env, "flags")
	periodS := fs.String("period", "", "day (2026-11-20), ISO week (2026-W47), month (2026-11) or range (2026-11-01..2026-11-15)")
	asJSON := fs.Bool("json", false, "write one JSON object to stdout")
	region := fs.String("region", "", "only the stores of this region id")
	tag := fs.String("tag", "", "only the stores with this tag (e.g. 商场店)")
	langS := fs.String("lang", "zh", "language of the reasons: zh or en")
	if err := ParseFlags(fs, args); err != nil {
		return err
	}
	lang, err := langFlag(*langS)
	if err != nil {
		return err
	}
	if *periodS == "" {
		fmt.Fprintln(env.Stderr, "storelens flags: --period is required, e.g. --period 2026-W47")
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
	writeFlagsTable(env.Stdout, p, n, flags, lang)
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

func writeFlagsTable(w io.Writer, p insight.Period, n int, flags []insight.Flag, lang string) {
	stores := map[string]bool{}
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	for _, f := range flags {
		stores[f.Store] = true
		when := ""
		if len(f.Days) > 0 {
			when = f.Days[0]
			if len(f.Days) > 1 {
				when += fmt.Sprintf(" (+%d)", len(f.Days)-1)
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", f.Store, f.StoreName, f.Kind, when, f.Reason.In(lang))
	}
	tw.Flush()
	if lang == "zh" {
		fmt.Fprintf(w, "%s：%d 家店中 %d 家被标记，共 %d 条\n", p, n, len(stores), len(flags))
	} else {
		fmt.Fprintf(w, "%s: %d of %d stores flagged, %d flags\n", p, len(stores), n, len(flags))
	}
}
