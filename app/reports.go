package app

import (
	"context"
	"path/filepath"
	"strings"
	"time"

	"storelens/app/report"
	"storelens/localdb"
)

// ReportRequest is what a report covers and where it goes (package
// app/report).
type ReportRequest = report.Request

// ReportRecord is a report made on this laptop, as the Reports area lists it.
type ReportRecord = localdb.ReportRecord

// ReportsDir is where reports go unless the manager picks a folder.
func (a *App) ReportsDir() string { return filepath.Join(filepath.Dir(a.db.Path()), "reports") }

// MakeReport writes the report req asks for (into ReportsDir when it names
// no folder) from the figures the screens show, and notes it among the
// recent reports. progress, when set, hears how far it has got.
func (a *App) MakeReport(ctx context.Context, req ReportRequest, progress report.Progress) (report.Result, error) {
	if req.Dir == "" {
		req.Dir = a.ReportsDir()
	}
	if req.Now.IsZero() {
		req.Now = time.Now()
	}
	if err := a.nameRegion(ctx, &req); err != nil {
		return report.Result{}, err
	}
	res, err := report.Make(ctx, report.Sources{Insight: a.insight, DB: a.db}, req, progress)
	if err != nil {
		return res, err
	}
	scope := ""
	switch {
	case len(req.Codes) > 0:
		scope = "stores:" + strings.Join(req.Codes, ",")
	case req.Tag != "":
		scope = "tag:" + req.Tag
	}
	if _, err := a.db.RecordReport(ctx, localdb.ReportRecord{MadeAt: req.Now, Period: req.Period.String(), Scope: scope,
		Lang: req.Lang, Stores: res.Stores, Files: res.Files}); err != nil {
		a.log.Warn("note the report", "err", err)
	}
	return res, nil
}

// nameRegion fills the region's name for the header; a laptop holding one
// region's stores reports on that region.
func (a *App) nameRegion(ctx context.Context, req *ReportRequest) error {
	if req.RegionName != "" {
		return nil
	}
	places, err := a.db.Places(ctx)
	if err != nil {
		return err
	}
	regions := map[string]string{}
	for _, p := range places {
		regions[p.RegionID] = p.RegionName
	}
	if req.RegionID == "" && len(regions) == 1 {
		for id := range regions {
			req.RegionID = id
		}
	}
	req.RegionName = regions[req.RegionID]
	return nil
}

// RecentReports lists the reports made here, newest first.
func (a *App) RecentReports(ctx context.Context, limit int) ([]ReportRecord, error) {
	return a.db.RecentReports(ctx, limit)
}

// Tags are the store tags held here, for choosing the stores of a report.
func (a *App) Tags(ctx context.Context) ([]string, error) { return a.db.TagNames(ctx) }

// DataDays are the first and last local days with figures here ("" before
// any sync).
func (a *App) DataDays(ctx context.Context) (first, last string, err error) {
	return a.db.DataDays(ctx)
}
