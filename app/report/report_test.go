package report_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"storelens/app/audit"
	"storelens/app/i18n"
	"storelens/app/insight"
	"storelens/app/report"
	"storelens/app/vocab"
	"storelens/localdb"
	"storelens/localdb/localdbtest"
	"storelens/sync/demofeed"
)

// week is the demo chain's last full week, holding some of its stories.
func week(t testing.TB) insight.Period {
	p, err := insight.ParsePeriod("2026-W46", time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func makeReport(t testing.TB, db *localdb.DB, req report.Request) (report.Result, *report.Sources) {
	t.Helper()
	src := &report.Sources{Insight: demoInsight(db), DB: db}
	if req.Dir == "" {
		req.Dir = t.TempDir()
	}
	if req.Now.IsZero() {
		req.Now = demoUntil.Add(30 * time.Hour)
	}
	if req.RegionID == "" {
		req.RegionID, req.RegionName = demofeed.RegionID, "华中区"
	}
	res, err := report.Make(context.Background(), *src, req, nil)
	if err != nil {
		t.Fatal(err)
	}
	return res, src
}

func fileOf(t testing.TB, res report.Result, ext string) string {
	t.Helper()
	for _, f := range res.Files {
		if strings.HasSuffix(f, ext) {
			return f
		}
	}
	t.Fatalf("no %s file among %v", ext, res.Files)
	return ""
}

// The workbook holds the figures insight computes, as numbers in number
// formats: each store's entries and sales to the fen, percentages as
// fractions, the per-hour sheet summing to the region's entries.
func TestWorkbookFiguresAreInsights(t *testing.T) {
	db := demoChain(t)
	p := week(t)
	res, src := makeReport(t, db, report.Request{Period: p, Lang: i18n.Chinese, Formats: []report.Format{report.Excel}})
	ov, err := src.Insight.Region(context.Background(), p, insight.Filter{RegionID: demofeed.RegionID})
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(fileOf(t, res, ".xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := []string{"概览", "异常", "门店指标", "标签均值", "区域逐日", "门店逐日", "门店逐时", "摄像头告警", "整改任务", "定时抓拍", "收银追溯"}
	if got := f.GetSheetList(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("sheets %v, want %v", got, want)
		t.Errorf("sheets %v, want %v", got, want)
	}

	// A flag's days and a store's tags are not cut by the next column.
	for _, c := range []struct{ sheet, col, title string }{{"异常", "F", "日期"}, {"门店指标", "D", "标签"}} {
		vals, err := f.GetCols(c.sheet)
		if err != nil {
			t.Fatal(err)
		}
		w, _ := f.GetColWidth(c.sheet, c.col)
		idx := int(c.col[0] - 'A')
		if idx >= len(vals) {
			t.Fatalf("%s has no column %s", c.sheet, c.col)
		}
		longest := 0.0
		for _, v := range vals[idx][1:] {
			longest = max(longest, float64(i18n.Cells(v)))
		}
		if longest > 0 && w < min(longest, 40) {
			t.Errorf("%s column %s (%s) is %.0f wide for texts up to %.0f", c.sheet, c.col, vals[idx][0], w, longest)
		}
	}
	rows, err := f.GetRows("门店指标", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	head := rows[0]
	col := func(title string) int {
		for i, h := range head {
			if h == title {
				return i
			}
		}
		t.Fatalf("門店指标 has no column %q: %v", title, head)
		return -1
	}
	cE, cS, cR := col("进店客流"), col("销售额"), col("进店率")
	if len(rows)-1 != len(ov.Stores) {
		t.Fatalf("%d store rows, want %d", len(rows)-1, len(ov.Stores))
	}
	byCode := map[string]insight.StoreKPIs{}
	for _, s := range ov.Stores {
		byCode[s.Store.Code] = s
	}
	var sumE, sumFen int64
	for _, r := range rows[1:] {
		s, ok := byCode[r[0]]
		if !ok {
			t.Fatalf("row for unknown store %q", r[0])
		}
		e, _ := strconv.ParseInt(r[cE], 10, 64)
		if e != s.KPIs.Entries {
			t.Errorf("%s entries %d in the workbook, %d in insight", r[0], e, s.KPIs.Entries)
		}
		sales, _ := strconv.ParseFloat(r[cS], 64)
		if fen := int64(math.Round(sales * 100)); fen != s.KPIs.SalesFen {
			t.Errorf("%s sales %v yuan, insight %d fen", r[0], sales, s.KPIs.SalesFen)
		}
		if s.KPIs.EntryRate.Valid() {
			rate, _ := strconv.ParseFloat(r[cR], 64)
			if math.Abs(rate-s.KPIs.EntryRate.Value()) > 1e-12 {
				t.Errorf("%s entry rate %v, insight %v", r[0], rate, s.KPIs.EntryRate.Value())
			}
		}
		sumE += e
		sumFen += int64(math.Round(sales * 100))
	}
	if sumE != ov.Total.Entries || sumFen != ov.Total.SalesFen {
		t.Errorf("stores sum to %d entries and %d fen; the region's total is %d and %d", sumE, sumFen, ov.Total.Entries, ov.Total.SalesFen)
	}
	// Formats: money as money, a rate as a percentage, counts grouped.
	fmtOf := func(sheet, cell string) string {
		id, err := f.GetCellStyle(sheet, cell)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		if st.CustomNumFmt != nil {
			return *st.CustomNumFmt
		}
		return strconv.Itoa(st.NumFmt)
	}
	cell := func(c int) string { n, _ := excelize.CoordinatesToCellName(c+1, 2); return n }
	if got := fmtOf("门店指标", cell(cS)); !strings.Contains(got, "¥") || !strings.Contains(got, "0.00") {
		t.Errorf("sales format %q, want yuan to the fen", got)
	}
	if got := fmtOf("门店指标", cell(cR)); got != "10" {
		t.Errorf("entry rate format %q, want 0.00%% (10)", got)
	}
	if got := fmtOf("门店指标", cell(cE)); got != "3" {
		t.Errorf("entries format %q, want #,##0 (3)", got)
	}
	if typ, _ := f.GetCellType("门店指标", cell(cE)); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("entries are stored as %v, not numbers", typ)
	}
	// Header frozen, filter on, a below-average rule and a chart.
	panes, err := f.GetPanes("门店指标")
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("门店指标 header not frozen: %+v %v", panes, err)
	}
	cf, err := f.GetConditionalFormats("门店指标")
	if err != nil || len(cf) < 4 {
		t.Errorf("门店指标 has %d conditional formats (%v), want one per compared metric", len(cf), err)
	}
	for ref, opts := range cf {
		for _, o := range opts {
			if o.Type != "formula" || !strings.Contains(o.Criteria, "<") {
				t.Errorf("%s: rule %+v does not compare with the tag average", ref, o)
			}
		}
	}

	// The hourly sheet adds up to the days, and the days to the region.
	hours, err := f.GetRows("门店逐时", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	var hourE int64
	for _, r := range hours[1:] {
		if r[3] == "是" { // open hours: the KPIs count open hours
			e, _ := strconv.ParseInt(r[5], 10, 64)
			hourE += e
		}
	}
	days, err := f.GetRows("区域逐日", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	var dayE int64
	for _, r := range days[1:] {
		e, _ := strconv.ParseInt(r[4], 10, 64)
		dayE += e
	}
	t.Logf("%d hour rows; entries: open hours %d, days %d, region %d", len(hours)-1, hourE, dayE, ov.Total.Entries)
	if hourE != ov.Total.Entries {
		t.Errorf("the open hours sum to %d entries, the region's total is %d", hourE, ov.Total.Entries)
	}
	if len(days)-1 != p.NumDays() {
		t.Errorf("%d region days, want %d", len(days)-1, p.NumDays())
	}
}

// The PDF carries the flagged stores with their reasons in Chinese,
// renders in a real reader, embeds subsets of its fonts and says nothing
// the reader cannot show.
func TestPDFReadsInChinese(t *testing.T) {
	db := demoChain(t)
	p := week(t)
	res, src := makeReport(t, db, report.Request{Period: p, Lang: i18n.Chinese, Formats: []report.Format{report.PDF}})
	pdf := fileOf(t, res, ".pdf")
	ov, err := src.Insight.Region(context.Background(), p, insight.Filter{RegionID: demofeed.RegionID})
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", pdf, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext (poppler-utils, make deps): %v", err)
	}
	text := string(out)
	flat := strings.Join(strings.Fields(text), "")
	flagged := 0
	for _, s := range ov.Stores {
		if len(s.Flags) == 0 {
			continue
		}
		flagged++
		if !strings.Contains(flat, s.Store.Name) {
			t.Errorf("flagged store %s %s is not in the PDF", s.Store.Code, s.Store.Name)
		}
		for _, f := range s.Flags {
			reason := strings.Join(strings.Fields(f.Reason.In(i18n.Chinese)), "")
			if r := []rune(reason); len(r) > 24 {
				reason = string(r[:24])
			}
			if !strings.Contains(flat, reason) {
				t.Errorf("%s: reason %q is not in the PDF", s.Store.Code, reason)
			}
		}
	}
	if flagged == 0 {
		t.Fatal("no store flagged in the demo week: the check would prove nothing")
	}
	for _, w := range []string{"门店经营周报", "华中区", "2026-W46", "区域指标", "进店率", "摄像头健康", "整改任务"} {
		if !strings.Contains(flat, w) {
			t.Errorf("the PDF lacks %q", w)
		}
	}
	if strings.ContainsRune(text, '\uFFFD') || strings.Contains(text, "□") {
		t.Error("the PDF holds characters its fonts cannot show")
	}
	if n := strings.Count(text, "\f"); n != res.Pages {
		t.Errorf("pdftotext sees %d pages, the report says %d", n, res.Pages)
	}
	if !regexp.MustCompile(`\b1\s*/\s*\d+\b`).MatchString(text) {
		t.Error("no page numbers")
	}
	fonts, err := exec.Command("pdffonts", pdf).Output()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("fonts:\n%s", fonts)
	for _, l := range strings.Split(string(fonts), "\n")[2:] {
		if f := strings.Fields(l); len(f) > 4 && !strings.Contains(l, "yes yes") {
			t.Errorf("font not embedded as a subset: %s", l)
		}
	}
	// It renders: the first page as a picture with ink on it.
	png := filepath.Join(t.TempDir(), "p")
	if out, err := exec.Command("pdftoppm", "-r", "40", "-f", "1", "-l", "1", "-png", pdf, png).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
	pics, _ := filepath.Glob(png + "-*.png")
	if len(pics) != 1 {
		t.Fatalf("pdftoppm wrote %v", pics)
	}
	st, err := os.Stat(pics[0])
	if err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(pdf)
	t.Logf("%d pages, %d KB; page 1 picture %d bytes", res.Pages, fi.Size()/1024, st.Size())
	if keep := os.Getenv("STORELENS_REPORT_KEEP"); keep != "" {
		b, _ := os.ReadFile(pdf)
		os.WriteFile(filepath.Join(keep, filepath.Base(pdf)), b, 0o644)
	}
}

// LibreOffice opens the workbook and prints it: a real reader takes it.
func TestLibreOfficeOpensTheWorkbook(t *testing.T) {
	db := demoChain(t)
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Fatal("LibreOffice is not installed (make deps installs libreoffice-calc-nogui)")
	}
	res, _ := makeReport(t, db, report.Request{Period: week(t), Lang: i18n.English, Formats: []report.Format{report.Excel}})
	out := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, soffice, "--headless", "-env:UserInstallation=file://"+filepath.Join(out, "profile"),
		"--convert-to", "pdf", "--outdir", out, fileOf(t, res, ".xlsx"))
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("libreoffice: %v\n%s", err, b)
	}
	pdfs, _ := filepath.Glob(filepath.Join(out, "*.pdf"))
	if len(pdfs) != 1 {
		t.Fatalf("LibreOffice wrote %v", pdfs)
	}
	text, err := exec.Command("pdftotext", pdfs[0], "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"Weekly store report", "Entry rate"} {
		if !strings.Contains(string(text), w) {
			t.Errorf("LibreOffice's print of the workbook lacks %q", w)
		}
	}
	if keep := os.Getenv("STORELENS_REPORT_KEEP"); keep != "" {
		b, _ := os.ReadFile(pdfs[0])
		os.WriteFile(filepath.Join(keep, "workbook-libreoffice.pdf"), b, 0o644)
		b, _ = os.ReadFile(fileOf(t, res, ".xlsx"))
		os.WriteFile(filepath.Join(keep, filepath.Base(fileOf(t, res, ".xlsx"))), b, 0o644)
	}
}

// A request the local data cannot answer is refused in the reader's
// language, naming the thing, and leaves an earlier report whole.
func TestBadRequestsAreExplained(t *testing.T) {
	db := demoChain(t)
	src := report.Sources{Insight: demoInsight(db), DB: db}
	dir := t.TempDir()
	cases := []struct {
		name string
		req  report.Request
		want string
	}{
		{"unknown tag", report.Request{Tag: "火星店"}, "火星店"},
		{"unknown store", report.Request{Codes: []string{"XX999"}}, "XX999"},
		// A code one digit short: the message offers the codes it is close to,
		// and no longer sends the user to `flags` (which lists flagged stores only).
		{"mistyped store", report.Request{Codes: []string{"WH00"}}, "相近的编号：WH001"},
		{"no data", report.Request{Period: insight.Period{Kind: insight.Week, From: time.Date(2030, 1, 7, 0, 0, 0, 0, time.UTC), To: time.Date(2030, 1, 14, 0, 0, 0, 0, time.UTC)}}, "2030-W02"},
	}
	for _, c := range cases {
		req := c.req
		if req.Period.To.IsZero() {
			req.Period = week(t)
		}
		req.RegionID, req.Dir, req.Lang = demofeed.RegionID, dir, i18n.Chinese
		_, err := report.Make(context.Background(), src, req, nil)
		var re *report.Error
		if !errors.As(err, &re) {
			t.Errorf("%s: %v, want a report.Error", c.name, err)
			continue
		}
		if msg := re.Text().In(i18n.Chinese); !strings.Contains(msg, c.want) {
			t.Errorf("%s: %q does not name %q", c.name, msg, c.want)
		}
	}
	if _, err := report.ParseFormats("pdf,docx"); err == nil || !strings.Contains(err.Error(), "docx") {
		t.Errorf("format docx: %v", err)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "*")); len(m) != 0 {
		t.Errorf("refused reports left files: %v", m)
	}
}

// Corrective tasks raised, done and overdue in the period are counted in
// the summary and listed with their marks; a task done in the weeks before
// shows its measured effect.
func TestTasksOfThePeriod(t *testing.T) {
	db := demoChain(t)
	ctx := context.Background()
	st, err := db.StoreByCode(ctx, "CS001")
	if err != nil {
		t.Fatal(err)
	}
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, time.FixedZone("CST", 8*3600))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	record := func(id, title, due string, steps ...localdb.TaskStatusChange) {
		for i := range steps {
			steps[i].TaskID = id
		}
		task := localdb.CorrectiveTask{ID: id, StoreID: st.ID, Category: vocab.TaskCatDoorGreeting, Title: title, KPI: "entry_rate", DueOn: due, CreatedBy: vocab.ActorManager}
		if _, err := db.RecordPastTask(ctx, task, steps); err != nil {
			t.Fatal(err)
		}
	}
	record("7c1f0000-0000-4000-8000-000000000001", "门口迎宾未到位，请整改", "2026-11-13",
		localdb.TaskStatusChange{Status: vocab.TaskSent, At: at("2026-11-10 10:05"), Actor: vocab.ActorManager})
	record("7c1f0000-0000-4000-8000-000000000002", "橱窗陈列更新", "2026-11-08",
		localdb.TaskStatusChange{Status: vocab.TaskSent, At: at("2026-11-02 09:00"), Actor: vocab.ActorManager},
		localdb.TaskStatusChange{Status: vocab.TaskDone, At: at("2026-11-12 18:00"), Actor: vocab.ActorStore})

	res, _ := makeReport(t, db, report.Request{Period: week(t), Lang: i18n.Chinese})
	f, err := excelize.OpenFile(fileOf(t, res, ".xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("整改任务")
	if err != nil {
		t.Fatal(err)
	}
	marks := map[string]string{}
	for _, r := range rows[1:] {
		for len(r) < 12 {
			r = append(r, "")
		}
		marks[r[2]] = r[9] + "/" + r[10] + "/" + r[11]
	}
	if got := marks["门口迎宾未到位，请整改"]; got != "是//是" {
		t.Errorf("the task raised and overdue in the week is marked %q", got)
	}
	if got := marks["橱窗陈列更新"]; got != "/是/" {
		t.Errorf("the task done in the week is marked %q", got)
	}
	out, err := exec.Command("pdftotext", fileOf(t, res, ".pdf"), "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	flat := strings.Join(strings.Fields(string(out)), "")
	for _, w := range []string{"本期下发1项、完成1项，期末逾期1项", "门口迎宾未到位，请整改", "橱窗陈列更新"} {
		if !strings.Contains(flat, w) {
			t.Errorf("the PDF lacks %q", w)
		}
	}
}

// The inspections of the period are counted per schedule and store, with
// their verdicts, in their own section and sheet.
func TestInspectionsSection(t *testing.T) {
	db := demoChain(t)
	c := localdbtest.Conn(t, db)
	run := func(q string, args ...any) {
		t.Helper()
		if _, err := c.Exec(q, args...); err != nil {
			t.Fatal(err)
		}
	}
	run(`INSERT OR IGNORE INTO inspection_schedules(remote_id, name, store_id, camera_role, weekdays, times, active)
		VALUES ('test-door', '门口叫卖检查', (SELECT id FROM stores WHERE code = 'CS002'), 'entrance', 127, '10:00', 1)`)
	cam := `(SELECT c.id FROM cameras c JOIN stores s ON s.id = c.store_id WHERE s.code = 'CS002' AND c.role = 'entrance' LIMIT 1)`
	sched := `(SELECT id FROM inspection_schedules WHERE remote_id = 'test-door')`
	sh, _ := time.LoadLocation("Asia/Shanghai")
	for i, day := range []string{"2026-11-10", "2026-11-11", "2026-11-12"} {
		due, _ := time.ParseInLocation("2006-01-02 15:04", day+" 10:00", sh)
		run(`INSERT OR IGNORE INTO snapshots(remote_id, camera_id, schedule_id, t, source, url) VALUES (?, `+cam+`, `+sched+`, ?, 'inspection', 'x')`, "test-snap-"+day, due.Unix())
		run(`INSERT OR IGNORE INTO inspection_shots(schedule_id, camera_id, due, taken_at, source, snapshot_id) VALUES (`+sched+`, `+cam+`, ?, ?, 'hq', (SELECT id FROM snapshots WHERE remote_id = ?))`,
			due.Unix(), due.Unix(), "test-snap-"+day)
		if i < 2 {
			verdict := []string{"pass", "fail"}[i]
			run(`INSERT OR IGNORE INTO inspection_results(id, snapshot_id, verdict, note, decided_at, decided_by) VALUES (?, (SELECT id FROM snapshots WHERE remote_id = ?), ?, '', ?, 'm')`,
				fmt.Sprintf("00000000-0000-4000-8000-00000000000%d", i), "test-snap-"+day, verdict, due.Unix()+60)
		}
	}
	res, _ := makeReport(t, db, report.Request{Period: week(t), Lang: i18n.Chinese})
	f, err := excelize.OpenFile(fileOf(t, res, ".xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("定时抓拍")
	if err != nil {
		t.Fatal(err)
	}
	// Due every day at 10:00: 7 in the week, 3 taken, 4 missing.
	var row []string
	for _, r := range rows {
		if len(r) > 1 && r[0] == "门口叫卖检查" && r[1] == "CS002" {
			row = r
		}
	}
	if len(row) < 10 || strings.Join(row[3:], "|") != "7|3|4|1|1|0|1" {
		t.Errorf("CS002's 门口叫卖检查 row %q, want due 7, taken 3, missing 4, then 1 pass, 1 fail, 0 unclear, 1 open", row)
	}
	out, err := exec.Command("pdftotext", fileOf(t, res, ".pdf"), "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	flat := strings.Join(strings.Fields(string(out)), "")
	if !strings.Contains(flat, "定时抓拍：应拍") || !strings.Contains(flat, "缺") {
		t.Error("the summary does not say how many inspections were due and missing")
	}
}

// The cashier audit's findings of the period are counted per store and
// kind and listed with their sentences; a dismissed one is listed with its
// reason but not counted against the store, and one outside the period is
// left out.
func TestCashierAuditSection(t *testing.T) {
	db := demoChain(t)
	ctx := context.Background()
	sh, _ := time.LoadLocation("Asia/Shanghai")
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, sh)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	zz, err := db.StoreByCode(ctx, "ZZ001")
	if err != nil {
		t.Fatal(err)
	}
	yc, err := db.StoreByCode(ctx, "YC001")
	if err != nil {
		t.Fatal(err)
	}
	rc := audit.Receipt{No: "ZZ001-20261111-0003", At: at("2026-11-11 15:12"), Cashier: "ZZ001-S01", AmountFen: 39900,
		MemberCard: "M0000012345", Lines: []audit.ReceiptLine{{SKU: "JN1020", Name: "牛仔裤", Qty: 1, AmountFen: 39900}}}
	mk := func(st localdb.Store, kind, subject, when string, ev audit.Evidence) localdb.AuditFinding {
		b, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		return localdb.AuditFinding{StoreID: st.ID, Kind: kind, Subject: "report-test-" + subject, At: at(when), Evidence: b}
	}
	found := []localdb.AuditFinding{
		mk(zz, audit.StaffMemberCard, "card", "2026-11-11 15:12", audit.Evidence{Basis: "pos", Card: "M0000012345", CardHolder: "ZZ001-S04",
			CardHolderName: "王芳", Count: 3, Receipts: []audit.Receipt{rc}}),
		mk(zz, audit.ReceiptNoCustomer, "early", "2026-11-12 09:36", audit.Evidence{Basis: "till_footage", Cashier: "ZZ001-S02",
			Receipts: []audit.Receipt{{No: "ZZ001-20261112-0001", At: at("2026-11-12 09:36"), Cashier: "ZZ001-S02", AmountFen: 18900}},
			Presence: &audit.Span{From: at("2026-11-12 09:35"), To: at("2026-11-12 09:37"), Staff: 1}}),
		mk(yc, audit.RefundPattern, "refunds", "2026-11-13 20:05", audit.Evidence{Basis: "pos", Cashier: "YC001-S02", Count: 5, Usual: 0.3}),
		mk(yc, audit.RefundPattern, "later", "2026-11-18 20:05", audit.Evidence{Basis: "pos", Cashier: "YC001-S02", Count: 5, Usual: 0.3}),
	}
	ids, err := db.ReplaceFindings(ctx, localdb.AuditScope{}, found)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetFindingStatus(ctx, ids[2], localdb.FindingDismissed, "店长已核实：顾客集中退换", ""); err != nil {
		t.Fatal(err)
	}
	res, _ := makeReport(t, db, report.Request{Period: week(t), Lang: i18n.Chinese})
	f, err := excelize.OpenFile(fileOf(t, res, ".xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("收银追溯")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows[1:] {
		for len(r) < 8 {
			r = append(r, "")
		}
		got = append(got, r[1]+"|"+r[3]+"|"+r[4]+"|"+r[6]+"|"+r[7])
	}
	want := []string{"ZZ001|内部会员卡|待处理|ZZ001-20261111-0003|", "ZZ001|有单无人|待处理|ZZ001-20261112-0001|",
		"YC001|异常退货|已忽略||店长已核实：顾客集中退换"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("audit sheet rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	out, err := exec.Command("pdftotext", fileOf(t, res, ".pdf"), "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	flat := strings.Join(strings.Fields(string(out)), "")
	for _, w := range []string{"收银追溯：1家门店共2条发现，其中0条已派整改；另有1条已忽略。", "店员ZZ001-S04王芳的会员卡M0000012345用于3笔顾客小票",
		"小票ZZ001-20261112-0001（¥189.00，收银员ZZ001-S02）09:36：收银台录像中顾客一侧无人", "店长已核实：顾客集中退换"} {
		if !strings.Contains(flat, w) {
			t.Errorf("the PDF lacks %q", w)
		}
	}
	if strings.Contains(flat, "11-1820:05") {
		t.Error("a finding after the period is in the report")
	}
}

// A store whose counts are suspect is not shown as under-performing: its
// page says its traffic figures are not judged and draws no staffing
// conclusion from them, and its traffic cells are marked suspect.
func TestSuspectCountsAreNotUnderPerformance(t *testing.T) {
	db := demoChain(t)
	p := week(t)
	res, src := makeReport(t, db, report.Request{Period: p, Lang: i18n.Chinese, Formats: []report.Format{report.PDF, report.Excel}})
	ov, err := src.Insight.Region(context.Background(), p, insight.Filter{RegionID: demofeed.RegionID})
	if err != nil {
		t.Fatal(err)
	}
	suspectCountsInExcel(t, fileOf(t, res, ".xlsx"), &ov)
	out, err := exec.Command("pdftotext", fileOf(t, res, ".pdf"), "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	pages := strings.Split(string(out), "\f")
	checked := 0
	for _, s := range ov.Stores {
		if !s.CountsSuspect {
			continue
		}
		for _, pg := range pages {
			flat := strings.Join(strings.Fields(pg), "")
			if !strings.Contains(flat, s.Store.Code+s.Store.Name) || !strings.Contains(flat, i18n.Say("report.col.ranktag").In(i18n.Chinese)) ||
				strings.Contains(flat, i18n.Say("report.sec.highlights").In(i18n.Chinese)) {
				continue
			}
			checked++
			if !strings.Contains(flat, "客流数据存疑") || !strings.Contains(flat, "（存疑）") {
				t.Errorf("%s's page does not say its counts are suspect:\n%s", s.Store.Code, flat)
			}
			if strings.Contains(flat, "人员配置不合理") {
				t.Errorf("%s's page concludes on staffing from suspect counts", s.Store.Code)
			}
		}
	}
	if checked == 0 {
		for _, s := range ov.Stores {
			if s.CountsSuspect {
				t.Logf("suspect: %s %s, %d flags", s.Store.Code, s.Store.Name, len(s.Flags))
			}
		}
		t.Fatal("no page of a store with suspect counts in the report; the demo chain scripts one")
	}
}

// In the workbook a store with suspect counts says so in its row, and its
// figures from the counts have no tag average beside them (so the sheet's
// red for "under the average" cannot fall on them) and no rank.
func suspectCountsInExcel(t *testing.T, path string, ov *insight.RegionOverview) {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("门店指标", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	col := func(title string) int {
		for i, h := range rows[0] {
			if h == title {
				return i
			}
		}
		t.Fatalf("门店指标 has no column %q: %v", title, rows[0])
		return -1
	}
	at := func(r []string, i int) string {
		if i < len(r) {
			return r[i]
		}
		return ""
	}
	cC, cRate, cRank := col("计数"), col("进店率"), col("区域排名：进店率")
	suspect := map[string]bool{}
	for _, s := range ov.Stores {
		suspect[s.Store.Code] = s.CountsSuspect
	}
	n := 0
	for _, r := range rows[1:] {
		if !suspect[r[0]] {
			if at(r, cC) != "" {
				t.Errorf("%s: counts %q, but they are trusted", r[0], at(r, cC))
			}
			continue
		}
		n++
		if at(r, cC) != "存疑，不作比较" {
			t.Errorf("%s has suspect counts; its row says %q", r[0], at(r, cC))
		}
		if avg, rank := at(r, cRate+1), at(r, cRank); avg != "" || rank != "" {
			t.Errorf("%s has suspect counts, yet its entry rate is compared: tag average %q, rank %q", r[0], avg, rank)
		}
	}
	if n == 0 {
		t.Error("no store with suspect counts in the workbook; the demo chain scripts one")
	}
}
