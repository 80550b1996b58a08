// Package report writes the weekly report a regional manager hands upward:
// a PDF for reading (a summary, the stores beside their tag averages, a
// page for each flagged store, camera health, corrective tasks) and an
// Excel workbook for working (the same figures as numbers, per store, per
// day and per hour). Every figure comes from package insight and every
// chart from package chart, the code the screens use.
//
// A report is a list of sections (Section): each collects what it needs,
// then writes its pages and its sheets. A new section is a new type in the
// list; it touches no other.
package report

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"storelens/app/i18n"
	"storelens/app/insight"
	"storelens/localdb"
)

// Format is a kind of file the report is written as.
type Format string

// The formats.
const (
	PDF   Format = "pdf"
	Excel Format = "xlsx"
)

// Formats are the formats in the order they are written.
var Formats = []Format{PDF, Excel}

// ParseFormats reads a list such as "pdf,xlsx" (also "excel").
func ParseFormats(s string) ([]Format, error) {
	var out []Format
	for _, f := range strings.Split(s, ",") {
		f = strings.ToLower(strings.TrimSpace(f))
		switch f {
		case "":
			continue
		case "pdf":
			out = appendOnce(out, PDF)
		case "xlsx", "excel":
			out = appendOnce(out, Excel)
		default:
			return nil, &Error{Say: i18n.Say("report.err.format", "Format", f)}
		}
	}
	if len(out) == 0 {
		return nil, &Error{Say: i18n.Say("report.err.format", "Format", s)}
	}
	return out, nil
}

func appendOnce(fs []Format, f Format) []Format {
	if slices.Contains(fs, f) {
		return fs
	}
	return append(fs, f)
}

// Error is a report that cannot be made, said for a person: the thing
// that is wrong and what to do.
type Error struct{ Say i18n.Text }

func (e *Error) Error() string   { return e.Say.In(i18n.English) }
func (e *Error) Text() i18n.Text { return e.Say }

// Request is what a report covers and where it goes.
type Request struct {
	Period insight.Period
	// RegionID keeps one region's stores ("" for every store here);
	// RegionName names it in the header.
	RegionID, RegionName string
	// Tag keeps the stores with this tag; Codes, when set, only these
	// stores (compared with the averages of the region or tag).
	Tag   string
	Codes []string
	// Lang is the reader's language (i18n.Chinese or i18n.English).
	Lang    string
	Formats []Format
	// Dir is the folder the files are written to (made if missing).
	Dir string
	// Now is when the report is made (the zero value: time.Now).
	Now time.Time
	// MaxStorePages caps the PDF's flagged-store pages, most serious
	// first (0: DefaultMaxStorePages); the rest are listed in the summary.
	MaxStorePages int
}

// DefaultMaxStorePages keeps a chain-wide PDF a size that can be mailed.
const DefaultMaxStorePages = 40

// Sources are what a report reads.
type Sources struct {
	Insight *insight.Insight
	DB      *localdb.DB
}

// Progress hears how far the report has got (0–1) and what it is doing.
type Progress func(fraction float64, step i18n.Text)

// Result is what Make wrote.
type Result struct {
	Files  []string
	Stores int
	Pages  int // of the PDF, 0 without one
}

// Report is one report being made: its request, the figures every section
// shares, and the sections.
type Report struct {
	Request
	src Sources
	// Base is the region (or tag) overview as the dashboard shows it: tag
	// averages and ranks are among its stores.
	Base insight.RegionOverview
	// Sel is the overview of the stores reported on (Base itself unless
	// Codes picks some): its tiles are the report's totals.
	Sel insight.RegionOverview
	// Rows are the reported stores' rows of Base, flagged first.
	Rows []insight.StoreKPIs
	// Flagged are the rows with a flag, most serious first.
	Flagged []insight.StoreKPIs
	// codes is the set of reported store codes.
	codes map[string]bool

	sections []Section
}

// Section is one part of the report. Collect runs first for every section,
// then WritePDF and WriteExcel for the formats asked for. A section with
// nothing to say in a format writes nothing.
type Section interface {
	Collect(ctx context.Context, r *Report) error
	WritePDF(d *Doc, r *Report) error
	WriteExcel(ctx context.Context, b *Book, r *Report) error
}

// Highlighter is a section that adds lines to the summary's highlights
// (alerts, tasks, …), so the summary names every section's news without
// knowing the sections.
type Highlighter interface {
	Highlights(r *Report) []i18n.Text
}

// Sections are the report's sections in order. Sections added later
// (inspections, the cashier audit) go into this list.
func Sections() []Section {
	return []Section{&summary{}, &storesSection{}, &traffic{}, &storePages{}, &health{}, &tasks{}, &inspections{}, &cashierAudit{}}
}

// T is the catalogue's sentence key in the report's language.
func (r *Report) T(key string, kv ...any) string { return i18n.Say(key, kv...).In(r.Lang) }

// Source is what the report reads.
func (r *Report) Source() Sources { return r.src }

// Has reports whether the store with code is reported on.
func (r *Report) Has(code string) bool { return r.codes[code] }

// Make collects the report and writes its files into req.Dir.
func Make(ctx context.Context, src Sources, req Request, progress Progress) (Result, error) {
	if progress == nil {
		progress = func(float64, i18n.Text) {}
	}
	if req.Now.IsZero() {
		req.Now = time.Now()
	}
	if req.Lang == "" {
		req.Lang = i18n.Chinese
	}
	if len(req.Formats) == 0 {
		req.Formats = Formats
	}
	if req.MaxStorePages <= 0 {
		req.MaxStorePages = DefaultMaxStorePages
	}
	r := &Report{Request: req, src: src, sections: Sections()}
	progress(0, i18n.Say("report.step.figures"))
	if err := r.overview(ctx); err != nil {
		return Result{}, err
	}
	for i, s := range r.sections {
		if err := s.Collect(ctx, r); err != nil {
			return Result{}, err
		}
		progress(0.1+0.4*float64(i+1)/float64(len(r.sections)), i18n.Say("report.step.figures"))
	}
	if err := os.MkdirAll(req.Dir, 0o755); err != nil {
		return Result{}, &Error{Say: i18n.Say("report.err.dir", "Dir", req.Dir, "Err", err.Error())}
	}
	res := Result{Stores: len(r.Rows)}
	for i, f := range req.Formats {
		path := filepath.Join(req.Dir, r.fileName(f))
		var err error
		switch f {
		case PDF:
			progress(0.5+0.5*float64(i)/float64(len(req.Formats)), i18n.Say("report.step.pdf"))
			res.Pages, err = writeFile(path, func(w *os.File) (int, error) { return r.writePDF(w) })
		case Excel:
			progress(0.5+0.5*float64(i)/float64(len(req.Formats)), i18n.Say("report.step.excel"))
			_, err = writeFile(path, func(w *os.File) (int, error) { return 0, r.writeExcel(ctx, w) })
		}
		if err != nil {
			return res, err
		}
		res.Files = append(res.Files, path)
	}
	progress(1, i18n.Say("report.step.done"))
	return res, nil
}

// writeFile writes through a temporary file renamed into place, so a
// failure leaves no half file and an earlier report of the same name
// stays whole.
func writeFile(path string, write func(*os.File) (int, error)) (int, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".report-*")
	if err != nil {
		return 0, &Error{Say: i18n.Say("report.err.write", "File", path, "Err", err.Error())}
	}
	defer os.Remove(tmp.Name())
	n, err := write(tmp)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		var re *Error
		if errors.As(err, &re) || errors.Is(err, context.Canceled) {
			return 0, err
		}
		return 0, &Error{Say: i18n.Say("report.err.write", "File", path, "Err", err.Error())}
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return 0, err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return 0, &Error{Say: i18n.Say("report.err.write", "File", path, "Err", err.Error())}
	}
	return n, nil
}

// overview makes the figures every section shares and checks the request
// against the local store: a tag no store has, a store code not here, a
// period without data.
func (r *Report) overview(ctx context.Context) error {
	in := r.src.Insight
	if r.Tag != "" {
		tags, err := r.src.DB.TagNames(ctx)
		if err != nil {
			return err
		}
		if !slices.Contains(tags, r.Tag) {
			return &Error{Say: i18n.Say("report.err.tag", "Tag", r.Tag, "Tags", strings.Join(tags, "、"))}
		}
	}
	var err error
	r.Base, err = in.Region(ctx, r.Period, insight.Filter{RegionID: r.RegionID, Tag: r.Tag})
	if err != nil {
		return err
	}
	if len(r.Base.Stores) == 0 {
		return &Error{Say: i18n.Say("report.err.nostores")}
	}
	if r.Base.NoData() {
		return &Error{Say: i18n.Say("report.err.nodata", "Period", r.Period.String(), "From", r.Base.DataFrom, "Through", r.Base.DataThrough)}
	}
	r.Sel = r.Base
	r.codes = map[string]bool{}
	if len(r.Codes) > 0 {
		have := map[string]bool{}
		for _, s := range r.Base.Stores {
			have[s.Store.Code] = true
		}
		var codes []string
		for _, c := range r.Codes {
			c = strings.TrimSpace(c)
			if c == "" || slices.Contains(codes, c) {
				continue
			}
			if !have[c] {
				return &Error{Say: i18n.Say("report.err.store", "Code", c, "Near", strings.Join(nearCodes(c, have, 5), ", "), "N", len(have))}
			}
			codes = append(codes, c)
		}
		r.Codes = codes
		if r.Sel, err = in.Region(ctx, r.Period, insight.Filter{RegionID: r.RegionID, Tag: r.Tag, Codes: codes}); err != nil {
			return err
		}
		for _, c := range codes {
			r.codes[c] = true
		}
	} else {
		for _, s := range r.Base.Stores {
			r.codes[s.Store.Code] = true
		}
	}
	for _, s := range r.Base.Stores {
		if r.codes[s.Store.Code] {
			r.Rows = append(r.Rows, s)
			if len(s.Flags) > 0 {
				r.Flagged = append(r.Flagged, s)
			}
		}
	}
	return nil
}

// Scope says what the report covers: the region, the tag or the stores.
func (r *Report) Scope() string {
	place := r.RegionName
	if place == "" {
		place = r.T("report.scope.all")
	}
	switch {
	case len(r.Codes) > 0:
		return place + " · " + r.T("report.scope.stores", "N", len(r.Codes))
	case r.Tag != "":
		return place + " · " + r.Tag
	}
	return place
}

// ScopeKey is the scope as the list of recent reports keeps it.
func (r *Report) ScopeKey() string {
	switch {
	case len(r.Codes) > 0:
		return "stores:" + strings.Join(r.Codes, ",")
	case r.Tag != "":
		return "tag:" + r.Tag
	}
	return ""
}

// PeriodText is the period for a reader: "2026-W47 (2026-11-16 – 11-22)".
func (r *Report) PeriodText() string { return PeriodText(r.Period, r.Lang) }

// PeriodText writes p for a reader in lang, with its days.
func PeriodText(p insight.Period, lang string) string {
	first, last := p.From, p.To.AddDate(0, 0, -1)
	days := first.Format("2006-01-02")
	if last.After(first) {
		end := last.Format("01-02")
		if last.Year() != first.Year() {
			end = last.Format("2006-01-02")
		}
		days += " – " + end
	}
	if p.Kind == insight.Day || p.Kind == insight.Range {
		return days
	}
	return i18n.Say("report.period", "Period", p.String(), "Days", days).In(lang)
}

// fileName is the report's file name for format f: scope and period.
func (r *Report) fileName(f Format) string {
	scope := r.RegionName
	switch {
	case len(r.Codes) == 1:
		scope = r.Codes[0]
	case len(r.Codes) > 1:
		scope = r.T("report.scope.stores", "N", len(r.Codes))
	case r.Tag != "":
		scope = r.Tag
	}
	if scope == "" {
		scope = r.T("report.scope.all")
	}
	name := r.T("report.file", "Scope", scope, "Period", r.Period.String())
	return safeName(name) + "." + string(f)
}

// safeName keeps a file name legal on every system, without spaces.
func safeName(s string) string {
	return strings.Map(func(c rune) rune {
		switch {
		case strings.ContainsRune(`/\:*?"<>|`, c) || c < 32:
			return '-'
		case c == ' ':
			return '_' // a name a script can pass around unquoted
		}
		return c
	}, s)
}

// storeZone is a store's clock (UTC when its zone is unknown).
func storeZone(name string) *time.Location {
	if loc, err := time.LoadLocation(name); err == nil && name != "" {
		return loc
	}
	return time.UTC
}

// inPeriod reports whether t falls on one of the period's days on the
// clock loc.
func (r *Report) inPeriod(t time.Time, loc *time.Location) bool {
	d := t.In(loc).Format("2006-01-02")
	return d >= r.Period.FirstDay() && d <= r.Period.LastDay()
}

// sentence joins a store's code and name for a reader.
func storeLabel(code, name string) string { return fmt.Sprintf("%s %s", code, name) }

// Title is the report's title: weekly, monthly, or for any other period.
func (r *Report) Title() string {
	switch r.Period.Kind {
	case insight.Week:
		return r.T("report.title.week")
	case insight.Month:
		return r.T("report.title.month")
	}
	return r.T("report.title.other")
}

// nearCodes are up to n of the codes in have that share the longest
// beginning with code (ignoring case), in order: what the user probably
// meant.
func nearCodes(code string, have map[string]bool, n int) []string {
	common := func(a, b string) int {
		a, b = strings.ToUpper(a), strings.ToUpper(b)
		i := 0
		for i < len(a) && i < len(b) && a[i] == b[i] {
			i++
		}
		return i
	}
	all := make([]string, 0, len(have))
	for c := range have {
		all = append(all, c)
	}
	sort.Slice(all, func(i, j int) bool {
		ci, cj := common(code, all[i]), common(code, all[j])
		return ci > cj || ci == cj && all[i] < all[j]
	})
	return all[:min(n, len(all))]
}
