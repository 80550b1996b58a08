package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

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
	langS := fs.String("lang", "zh", "language: zh or en")
	if err := ParseFlags(fs, args); err != nil {
		return err
	}
	lang, err := langFlag(*langS)
	if err != nil {
		return err
	}
	if *code == "" || *periodS == "" {
		fmt.Fprintln(env.Stderr, "storelens kpi: --store and --period are required, e.g. --store WH001 --period 2026-W47")
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
	writeKPITable(env.Stdout, p, d, lang)
	return nil
}

func hoursRFC(f insight.Flag) []string {
	out := []string{}
	for _, h := range f.Hours {
		out = append(out, h.UTC().Format("2006-01-02T15:04:05Z07:00"))
	}
	return out
}

func writeKPITable(w io.Writer, p insight.Period, d insight.StoreDetail, lang string) {
	fmt.Fprintf(w, "%s %s  %s  %v  %s\n\n", d.Store.Code, d.Store.Name, p, d.Store.Tags, d.Store.TimeZone)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
	head := "metric\tvalue\tprevious\tyear ago\trank\t"
	if lang == "zh" {
		head = "指标\t本期\t上期\t去年同期\t排名\t"
	}
	for _, ta := range d.TagAverages {
		head += ta.Tag + "\t"
	}
	fmt.Fprintln(tw, head)
	for _, m := range insight.Metrics {
		rank := ""
		if r, ok := d.Rank[m]; ok {
			rank = fmt.Sprintf("%d/%d", r.Position, r.Of)
		}
		line := fmt.Sprintf("%s\t%s\t%s\t%s\t%s\t", m.Label(lang), d.KPIs.Format(m), d.Previous.Format(m), d.YearAgo.Format(m), rank)
		for _, ta := range d.TagAverages {
			v, ok := ta.Mean[m]
			line += insight.FormatValue(m, v, ok) + "\t"
		}
		fmt.Fprintln(tw, line)
	}
	tw.Flush()
	k := d.KPIs
	if lang == "zh" {
		fmt.Fprintf(w, "\n营业日 %d，营业小时 %d（可疑 %d），本地复核小时 %d：本地进店 %d / 设备 %d\n", k.TradingDays, k.OpenHours, k.SuspectHours, k.LocalHours, k.LocalEntries, k.DeviceEntriesInLocalHours)
	} else {
		fmt.Fprintf(w, "\ntrading days %d, open hours %d (suspect %d), recounted hours %d: local entries %d vs device %d\n", k.TradingDays, k.OpenHours, k.SuspectHours, k.LocalHours, k.LocalEntries, k.DeviceEntriesInLocalHours)
	}
	if d.Staff.All.Hours > 0 {
		fmt.Fprintln(w, d.Staff.All.Summary().In(lang))
	}
	for _, f := range d.Flags {
		fmt.Fprintf(w, "! %s: %s\n", f.Kind, f.Reason.In(lang))
	}
}
