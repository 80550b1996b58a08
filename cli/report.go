package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"storelens/app"
	"storelens/app/i18n"
	"storelens/app/insight"
	"storelens/app/report"
)

func init() {
	Register(Command{Name: "report", Summary: "write the weekly report (PDF for reading, Excel for working) for a period", Run: runReport})
}

func runReport(ctx context.Context, env Env, args []string) error {
	fs := NewFlagSet(&env, "report")
	periodS := fs.String("period", "", "day, ISO week (2026-W47), month or range (default: last complete week)")
	formats := fs.String("format", "pdf,xlsx", "pdf, xlsx or pdf,xlsx")
	out := fs.String("out", "", "folder for the files (default: the reports folder beside the data)")
	stores := fs.String("stores", "", "only these stores, by code: SH001,SH002")
	tag := fs.String("tag", "", "only the stores with this tag")
	if err := ParseFlags(fs, args); err != nil {
		return err
	}
	fmts, err := report.ParseFormats(*formats)
	if err != nil {
		return err
	}
	var p insight.Period
	if *periodS == "" {
		p = insight.WeekOf(time.Now()).Shift(-7)
	} else if p, err = insight.ParsePeriod(*periodS, nil); err != nil {
		return err
	}
	core, _, err := openInsight(ctx, env)
	if err != nil {
		return err
	}
	defer core.Close()
	warnCoverage(ctx, env, core, p)
	dir := *out
	if dir != "" {
		if dir, err = filepath.Abs(dir); err != nil {
			return err
		}
	}
	var codes []string
	for _, c := range strings.Split(*stores, ",") {
		if c = strings.TrimSpace(c); c != "" {
			codes = append(codes, c)
		}
	}
	req := app.ReportRequest{Period: p, Tag: strings.TrimSpace(*tag), Codes: codes, Lang: env.lang(), Formats: fmts, Dir: dir}
	start := time.Now()
	res, err := core.MakeReport(ctx, req, nil)
	if err != nil {
		return err
	}
	for _, f := range res.Files {
		fmt.Fprintln(env.Stdout, f)
	}
	sizes := []string{}
	for _, f := range res.Files {
		if st, err := os.Stat(f); err == nil {
			sizes = append(sizes, fmt.Sprintf("%s %s", filepath.Ext(f)[1:], kb(st.Size())))
		}
	}
	fmt.Fprintln(env.Stderr, i18n.Say("cli.report.done", "Period", p.String(), "Stores", res.Stores, "Pages", res.Pages,
		"Sizes", strings.Join(sizes, ", "), "Secs", fmt.Sprintf("%.1f", time.Since(start).Seconds())).In(env.lang()))
	return nil
}

func kb(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d KB", (n+512)/1024)
}
