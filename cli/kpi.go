package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"storelens/app/i18n"
	"storelens/app/insight"
)

func init() {
	Register(Command{Name: "kpi", Summary: "print a store's KPIs for a period beside its tag averages and ranks", Run: runKPI})
}

// kpiJSON is the one object `storelens kpi --json` writes.
type kpiJSON struct {
	Period      string                                     `json:"period"`
	Store       insight.StoreInfo                          `json:"store"`
	KPIs        insight.KPIs                               `json:"kpis"`
	Previous    insight.KPIs                               `json:"previous"`
	YearAgo     insight.KPIs                               `json:"year_ago"`
	Rank        map[insight.Metric]insight.Rank            `json:"rank"`
	TagRank     map[string]map[insight.Metric]insight.Rank `json:"tag_rank"`
	TagAverages []insight.TagAverage                       `json:"tag_averages"`
	Staff       insight.StaffShares                        `json:"staff"`
	Flags       []flagJSONItem                             `json:"flags"`
}

func runKPI(ctx context.Context, env Env, args []string) error {
	fs := NewFlagSet(&env, "kpi")
	code := fs.String("store", "", "store code")
	periodS := fs.String("period", "", "day (2026-11-20), ISO week (2026-W47), month (2026-11) or range (2026-11-01..2026-11-15)")
	asJSON := fs.Bool("json", false, "write one JSON object to stdout")
	if err := ParseFlags(fs, args); err != nil {
		return err
	}
	lang := env.lang()
	if *code == "" || *periodS == "" {
		fmt.Fprintln(env.Stderr, env.T("cli.err.needstore"))
		return ErrUsage
	}
	p, core, in, err := openPeriod(ctx, env, *periodS)
	if err != nil {
		return err
	}
	defer core.Close()
	d, err := in.Store(ctx, *code, p)
	if err != nil {
		return err
	}
	if *asJSON {
		out := kpiJSON{Period: p.String(), Store: d.Store, KPIs: d.KPIs, Previous: d.Previous, YearAgo: d.YearAgo, Rank: d.Rank,
			TagRank: d.TagRank, TagAverages: d.TagAverages, Staff: d.Staff.All, Flags: []flagJSONItem{}}
		for _, f := range d.Flags {
			out.Flags = append(out.Flags, flagJSONItem{Store: f.Store, Name: f.StoreName, Kind: string(f.Kind), Reason: f.Reason.In(lang), Hours: hoursRFC(f)})
		}
		enc := json.NewEncoder(env.Stdout)
		enc.SetEscapeHTML(false)
		return enc.Encode(out)
	}
	writeKPITable(env, p, d)
	return nil
}

func hoursRFC(f insight.Flag) []string {
	out := []string{}
	for _, h := range f.Hours {
		out = append(out, h.UTC().Format("2006-01-02T15:04:05Z07:00"))
	}
	return out
}

func writeKPITable(env Env, p insight.Period, d insight.StoreDetail) {
	w, lang := env.Stdout, env.lang()
	fmt.Fprintf(w, "%s %s  %s  %s  %s\n\n", d.Store.Code, d.Store.Name, p, strings.Join(d.Store.Tags, ", "), d.Store.TimeZone)
	t := &table{right: []bool{false, true, true, true, true}}
	head := []string{env.T("cli.kpi.col.metric"), env.T("cli.kpi.col.value"), env.T("cli.kpi.col.previous"), env.T("cli.kpi.col.yearago"), env.T("cli.kpi.col.rank")}
	for _, ta := range d.TagAverages {
		head = append(head, env.T("cli.kpi.col.tag", "Tag", ta.Tag))
		t.right = append(t.right, true)
	}
	t.add(head...)
	// A comparison period without data shows a dash, not zeros.
	format := func(k insight.KPIs, m insight.Metric) string {
		if k.TradingDays == 0 {
			return "—"
		}
		v, ok := k.Value(m)
		return insight.FormatValueIn(m, v, ok, lang)
	}
	for _, m := range insight.Metrics {
		rank := "—"
		if r, ok := d.Rank[m]; ok && r.Position > 0 {
			rank = fmt.Sprintf("%d/%d", r.Position, r.Of)
		}
		row := []string{m.Label(lang), format(d.KPIs, m), format(d.Previous, m), format(d.YearAgo, m), rank}
		for _, ta := range d.TagAverages {
			v, ok := ta.Mean[m]
			row = append(row, insight.FormatValueIn(m, v, ok, lang))
		}
		t.add(row...)
	}
	t.write(w)
	k := d.KPIs
	fmt.Fprintln(w)
	fmt.Fprintln(w, env.T("cli.kpi.hours", "Days", k.TradingDays, "Open", k.OpenHours, "Suspect", k.SuspectHours))
	if k.LocalHours > 0 {
		fmt.Fprintln(w, env.T("cli.kpi.recount", "Hours", k.LocalHours, "Local", k.LocalEntries, "Device", k.DeviceEntriesInLocalHours))
	}
	if d.Staff.All.Hours > 0 {
		fmt.Fprintln(w, d.Staff.All.Summary().In(lang))
	}
	for _, f := range d.Flags {
		fmt.Fprintln(w, env.T("cli.kpi.flag", "Flag", i18n.Label("flag."+string(f.Kind)), "Reason", f.Reason.In(lang)))
	}
}
