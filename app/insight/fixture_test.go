package insight_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"storelens/app/insight"
	"storelens/localdb"
	"storelens/localdb/localdbtest"
)

// fx is a hand-made chain in a real SQLite file: stores open 10:00–22:00
// every day, one entrance camera each (id = store id × 10).
type fx struct {
	t   *testing.T
	ctx context.Context
	db  *localdb.DB
	tz  map[int64]*time.Location
}

func newFx(t *testing.T) *fx {
	t.Helper()
	db, err := localdb.Open(context.Background(), localdb.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f := &fx{t: t, ctx: context.Background(), db: db, tz: map[int64]*time.Location{}}
	f.must(db.UpsertRegion(f.ctx, localdb.Region{ID: "R1", Name: "华中", TimeZone: "Asia/Shanghai"}))
	return f
}

// write runs fn in one transaction on the test's own connection to the file.
func (f *fx) write(fn func(tx *sql.Tx) error) {
	f.t.Helper()
	f.must(localdbtest.InTx(f.ctx, localdbtest.Conn(f.t, f.db), fn))
}

func (f *fx) must(err error) {
	f.t.Helper()
	if err != nil {
		f.t.Fatal(err)
	}
}

func (f *fx) store(id int64, code, tz string, tags ...string) {
	f.t.Helper()
	loc, err := time.LoadLocation(tz)
	if err != nil {
		f.t.Fatal(err)
	}
	f.tz[id] = loc
	f.must(f.db.UpsertStore(f.ctx, localdb.Store{ID: id, Code: code, Name: code + "店", RegionID: "R1", City: "武汉", TimeZone: tz, Tags: tags,
		Hours: []localdb.OpeningHours{{ValidFrom: "2020-01-01", ValidTo: "2030-12-31", Weekdays: localdb.AllWeek, Opens: "10:00", Closes: "22:00"}}}))
	f.write(func(tx *sql.Tx) error {
		_, err := tx.ExecContext(f.ctx, `INSERT INTO cameras(id, code, store_id, role) VALUES (?, ?, ?, 'entrance')`, id*10, code+"-ENT1", id)
		return err
	})
}

// at is local clock time hh:mm of day in the store's zone.
func (f *fx) at(id int64, day string, hh, mm int) time.Time {
	d, err := time.ParseInLocation("2006-01-02", day, f.tz[id])
	if err != nil {
		f.t.Fatal(err)
	}
	return time.Date(d.Year(), d.Month(), d.Day(), hh, mm, 0, 0, f.tz[id])
}

func (f *fx) bucket(id int64, t time.Time, entries, passers int64) {
	f.t.Helper()
	f.write(func(tx *sql.Tx) error {
		_, err := tx.ExecContext(f.ctx, `INSERT INTO count_buckets(camera_id, source, bucket_start, store_id, entries, exits, passers_by)
			VALUES (?, 'device', ?, ?, ?, ?, ?)
			ON CONFLICT DO UPDATE SET entries = excluded.entries, passers_by = excluded.passers_by`, id*10, t.Unix(), id, entries, entries, passers)
		return err
	})
}

// day fills hours [from, to) of a local day with one bucket at :30 each.
func (f *fx) day(id int64, day string, from, to int, entries, passers int64) {
	f.t.Helper()
	f.write(func(tx *sql.Tx) error {
		for h := from; h < to; h++ {
			if _, err := tx.ExecContext(f.ctx, `INSERT INTO count_buckets(camera_id, source, bucket_start, store_id, entries, exits, passers_by)
				VALUES (?, 'device', ?, ?, ?, ?, ?)`, id*10, f.at(id, day, h, 30).Unix(), id, entries, entries, passers); err != nil {
				return err
			}
		}
		return nil
	})
}

func (f *fx) pos(id int64, hour time.Time, receipts, salesFen int64) {
	f.t.Helper()
	f.write(func(tx *sql.Tx) error {
		_, err := tx.ExecContext(f.ctx, `INSERT INTO pos_hourly(store_id, hour_start, receipts, items, sales_fen) VALUES (?, ?, ?, ?, ?)`,
			id, hour.Unix(), receipts, receipts, salesFen)
		return err
	})
}

func (f *fx) refresh(id int64, firstDay, lastDay string) {
	f.t.Helper()
	from := f.at(id, firstDay, 0, 0)
	to := f.at(id, lastDay, 0, 0).AddDate(0, 0, 1)
	f.must(f.db.RefreshRollups(f.ctx, id, from, to))
}

func (f *fx) insight(now time.Time) *insight.Insight {
	return insight.New(insight.Params{DB: f.db, Now: func() time.Time { return now }})
}

func period(t *testing.T, s string) insight.Period {
	t.Helper()
	p, err := insight.ParsePeriod(s, nil)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestKPIFormulasByHand(t *testing.T) {
	f := newFx(t)
	f.store(1, "A", "Asia/Shanghai", "商场店")
	f.store(2, "NOPASS", "Asia/Shanghai", "商场店")
	f.store(3, "NOENTRY", "Asia/Shanghai", "商场店")
	day := "2026-11-16"
	// A: 15 entries of 150 passers-by, 3 receipts worth ¥300, two persons
	// matched on the way out after 10 and 10 minutes.
	f.bucket(1, f.at(1, day, 10, 0), 10, 100)
	f.bucket(1, f.at(1, day, 10, 15), 5, 50)
	f.write(func(tx *sql.Tx) error {
		_, err := tx.ExecContext(f.ctx, `UPDATE count_buckets SET dwell_sum_s = 1200, dwell_n = 2, staff_excluded = 4 WHERE store_id = 1 AND bucket_start = ?`, f.at(1, day, 10, 0).Unix())
		return err
	})
	f.pos(1, f.at(1, day, 10, 0), 3, 30000)
	f.bucket(2, f.at(2, day, 11, 0), 5, 0) // nobody passed by: no entry rate
	f.bucket(3, f.at(3, day, 11, 0), 0, 40)
	f.pos(3, f.at(3, day, 11, 0), 2, 5000) // receipts but no entries: no conversion
	for id := int64(1); id <= 3; id++ {
		f.refresh(id, day, day)
	}
	in := f.insight(f.at(1, day, 23, 0))
	p := period(t, day)

	d, err := in.Store(f.ctx, "A", p)
	if err != nil {
		t.Fatal(err)
	}
	k := d.KPIs
	if k.Entries != 15 || k.PassersBy != 150 || k.Transactions != 3 || k.SalesFen != 30000 || k.StaffExcluded != 4 {
		t.Fatalf("counts %+v", k)
	}
	for _, c := range []struct {
		m    insight.Metric
		want float64
		text string
	}{
		{insight.EntryRate, 0.10, "10.00%"},
		{insight.Conversion, 0.20, "20.00%"},
		{insight.ATV, 10000, "¥100.00"},
		{insight.Dwell, 600, "10.0 min"},
		{insight.DailyEntries, 15, "15.0"},
	} {
		v, ok := k.Value(c.m)
		if !ok || !near(v, c.want) || k.Format(c.m) != c.text {
			t.Errorf("%s = %v (%v) %q, want %v %q", c.m, v, ok, k.Format(c.m), c.want, c.text)
		}
	}
	if k.TradingDays != 1 || k.OpenHours != 12 {
		t.Errorf("trading days %d open hours %d, want 1 and 12 (10:00–22:00)", k.TradingDays, k.OpenHours)
	}
	var h10 *insight.HourPoint
	for i, h := range d.Hourly {
		if h.LocalHour == 10 {
			h10 = &d.Hourly[i]
		}
	}
	if h10 == nil || h10.Entries != 15 || h10.Transactions != 3 || !h10.Open {
		t.Errorf("10:00 hour = %+v, want 15 entries, 3 transactions, open", h10)
	}

	nopass, err := in.Store(f.ctx, "NOPASS", p)
	if err != nil {
		t.Fatal(err)
	}
	if nopass.KPIs.EntryRate.Valid() || nopass.KPIs.Format(insight.EntryRate) != "—" {
		t.Errorf("entry rate with no passers-by = %v %q, want undefined", nopass.KPIs.EntryRate, nopass.KPIs.Format(insight.EntryRate))
	}
	b, _ := json.Marshal(nopass.KPIs)
	if !strings.Contains(string(b), `"entry_rate":null`) {
		t.Errorf("JSON of undefined entry rate: %s", b)
	}
	if v, ok := nopass.KPIs.Value(insight.Conversion); !ok || v != 0 {
		t.Errorf("conversion with entries and no receipts = %v %v, want 0", v, ok)
	}

	noentry, err := in.Store(f.ctx, "NOENTRY", p)
	if err != nil {
		t.Fatal(err)
	}
	if noentry.KPIs.Conversion.Valid() || noentry.KPIs.Format(insight.Conversion) != "—" {
		t.Errorf("conversion with no entries = %v, want undefined", noentry.KPIs.Conversion)
	}
	if v, ok := noentry.KPIs.Value(insight.EntryRate); !ok || v != 0 {
		t.Errorf("entry rate with passers-by and no entries = %v %v, want 0%%", v, ok)
	}
	if _, err := in.Store(f.ctx, "NOPE", p); err == nil || !strings.Contains(err.Error(), "NOPE") {
		t.Errorf("unknown store error = %v, want it to name the code", err)
	}
}

// Five mall stores with entry rates 9, 10, 11, 10 and 2 % (mean 8.4 %), an
// untagged store and a mall store closed all week.
func TestTagAverageFlagsTheWeakStore(t *testing.T) {
	f := newFx(t)
	rates := []int64{9, 10, 11, 10, 2}
	for i, r := range rates {
		id := int64(i + 1)
		f.store(id, "M"+string(rune('1'+i)), "Asia/Shanghai", "商场店")
		for d := 16; d <= 22; d++ {
			day := "2026-11-" + itoa(d)
			f.day(id, day, 10, 22, r, 100)
			f.pos(id, f.at(id, day, 12, 0), r*12/4, r*12/4*20000) // conversion 25 %
		}
		f.refresh(id, "2026-11-16", "2026-11-22")
	}
	f.store(6, "LONE", "Asia/Shanghai")
	f.store(7, "SHUT", "Asia/Shanghai", "商场店")
	for d := 16; d <= 22; d++ {
		f.day(6, "2026-11-"+itoa(d), 10, 22, 5, 100)
	}
	f.refresh(6, "2026-11-16", "2026-11-22")
	f.refresh(7, "2026-11-16", "2026-11-22")

	in := f.insight(time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC))
	ov, err := in.Region(f.ctx, period(t, "2026-W47"), insight.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ov.TagAverages) != 1 {
		t.Fatalf("tag averages %+v, want only 商场店", ov.TagAverages)
	}
	ta := ov.TagAverages[0]
	if ta.Tag != "商场店" || ta.Stores != 5 || ta.N[insight.EntryRate] != 5 || !near(ta.Mean[insight.EntryRate], 0.084) {
		t.Errorf("商场店 average %+v, want 5 stores (the closed one left out), entry rate 8.4%%", ta)
	}
	if !near(ta.Mean[insight.Conversion], 0.25) || !near(ta.Mean[insight.DailyEntries], 504.0/5) {
		t.Errorf("conversion %v, entries per day %v; want 25%% and 100.8", ta.Mean[insight.Conversion], ta.Mean[insight.DailyEntries])
	}
	rows := map[string]insight.StoreKPIs{}
	for _, s := range ov.Stores {
		rows[s.Store.Code] = s
	}
	if ov.Stores[0].Store.Code != "M5" {
		t.Errorf("first row %s, want the flagged M5 first", ov.Stores[0].Store.Code)
	}
	var below *insight.Flag
	for i, fl := range rows["M5"].Flags {
		if fl.Kind == insight.BelowTagAverage && fl.Metric == insight.EntryRate {
			below = &rows["M5"].Flags[i]
		}
	}
	if below == nil {
		t.Fatalf("M5 flags %+v, want entry rate below tag average", rows["M5"].Flags)
	}
	for _, w := range []string{"2.00%", "8.40%", "商场店", "5 stores", "76% below", "rank 5 of 5"} {
		if !strings.Contains(below.Reason.In("en"), w) {
			t.Errorf("reason %q lacks %q", below.Reason.In("en"), w)
		}
	}
	if !strings.Contains(below.Reason.In("zh"), "进店率 2.00%") || !strings.Contains(below.Reason.In("zh"), "8.40%") {
		t.Errorf("Chinese reason %q", below.Reason.In("zh"))
	}
	if len(below.Days) != 7 {
		t.Errorf("triggering days %v, want the 7 days of the week", below.Days)
	}
	for _, code := range []string{"M1", "M2", "M3", "M4", "LONE", "SHUT"} {
		if len(rows[code].Flags) != 0 {
			t.Errorf("%s flagged: %+v", code, rows[code].Flags)
		}
	}
	if !rows["SHUT"].Closed || rows["LONE"].Closed {
		t.Errorf("closed: SHUT %v LONE %v", rows["SHUT"].Closed, rows["LONE"].Closed)
	}
	if r := rows["M3"].Rank[insight.EntryRate]; r != (insight.Rank{Position: 1, Of: 6}) {
		t.Errorf("M3 entry-rate rank %+v, want 1 of 6", r)
	}
	if r := rows["LONE"].Rank[insight.EntryRate]; r != (insight.Rank{Position: 5, Of: 6}) {
		t.Errorf("LONE rank %+v, want 5 of 6 (ranked in the region, no tag)", r)
	}
	if r := rows["M5"].TagRank["商场店"][insight.EntryRate]; r != (insight.Rank{Position: 5, Of: 5}) {
		t.Errorf("M5 tag rank %+v", r)
	}
	if _, ok := rows["SHUT"].Rank[insight.EntryRate]; ok {
		t.Errorf("a store closed all week is ranked")
	}
}

func itoa(n int) string {
	if n < 10 {
		return "0" + string(rune('0'+n))
	}
	return string(rune('0'+n/10)) + string(rune('0'+n%10))
}

// The 19:50 story: three evenings without an entry after 19:45 although the
// store is scheduled until 22:00.
func TestEarlyClosingPointsAtTheEvening(t *testing.T) {
	f := newFx(t)
	f.store(1, "WH", "Asia/Shanghai", "商场店")
	early := map[int]bool{17: true, 18: true, 19: true}
	for d := 16; d <= 22; d++ {
		to := 22
		if early[d] {
			to = 20 // buckets at :30 up to 19:30 → last entry by 19:45
		}
		f.day(1, "2026-11-"+itoa(d), 10, to, 10, 100)
	}
	f.refresh(1, "2026-11-16", "2026-11-22")
	in := f.insight(time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC))
	flags, n, err := in.Flags(f.ctx, period(t, "2026-W47"), insight.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 || len(flags) != 1 || flags[0].Kind != insight.EarlyClosing {
		t.Fatalf("flags %+v of %d stores, want one early_closing", flags, n)
	}
	fl := flags[0]
	if want := "Traffic stopped by 19:45 on 3 of 7 trading days, scheduled closing 22:00 (about 2h15m early)"; fl.Reason.In("en") != want {
		t.Errorf("reason %q, want %q", fl.Reason.In("en"), want)
	}
	if strings.Join(fl.Days, ",") != "2026-11-17,2026-11-18,2026-11-19" {
		t.Errorf("days %v", fl.Days)
	}
	if len(fl.Hours) != 9 || !fl.Hours[0].Equal(f.at(1, "2026-11-17", 19, 0)) || !fl.Hours[8].Equal(f.at(1, "2026-11-19", 21, 0)) {
		t.Errorf("hours %v, want 19:00, 20:00, 21:00 of each evening", fl.Hours)
	}
}

// A lens blocked from 12:00 to 15:00 makes 3 of the day's 12 open hours
// suspect (25%, above the 10% rule).
func TestSuspectHoursFromCameraAlert(t *testing.T) {
	f := newFx(t)
	f.store(1, "NC", "Asia/Shanghai")
	day := "2026-11-18"
	f.day(1, day, 10, 22, 10, 100)
	f.write(func(tx *sql.Tx) error {
		_, err := tx.ExecContext(f.ctx, `INSERT INTO camera_alerts(camera_id, kind, source, started_at, ended_at) VALUES (10, 'occlusion', 'device', ?, ?)`,
			f.at(1, day, 12, 0).Unix(), f.at(1, day, 15, 0).Unix())
		return err
	})
	f.refresh(1, day, day)
	in := f.insight(time.Date(2026, 11, 19, 2, 0, 0, 0, time.UTC))
	d, err := in.Store(f.ctx, "NC", period(t, day))
	if err != nil {
		t.Fatal(err)
	}
	if d.KPIs.SuspectHours != 3 || d.KPIs.OpenHours != 12 {
		t.Fatalf("suspect %d of %d open hours, want 3 of 12", d.KPIs.SuspectHours, d.KPIs.OpenHours)
	}
	if len(d.Flags) != 1 || d.Flags[0].Kind != insight.SuspectCounts {
		t.Fatalf("flags %+v", d.Flags)
	}
	fl := d.Flags[0]
	if fl.Reason.In("en") != "Counts suspect in 3 of 12 open hours (lens blocked); traffic figures may be wrong" || !strings.Contains(fl.Reason.In("zh"), "遮挡") {
		t.Errorf("reason %q / %q", fl.Reason.In("en"), fl.Reason.In("zh"))
	}
	if len(fl.Hours) != 3 || !fl.Hours[0].Equal(f.at(1, day, 12, 0)) || !fl.Hours[2].Equal(f.at(1, day, 14, 0)) {
		t.Errorf("hours %v, want 12:00–14:00 local", fl.Hours)
	}
}

// Day boundaries follow each store's own zone: the same two instants fall on
// different local days in Urumqi (UTC+6) and Shanghai (UTC+8), and Kolkata's
// half-hour offset still lands a 10:00 bucket on its own day.
func TestLocalDaysFollowTheStoreZone(t *testing.T) {
	f := newFx(t)
	f.store(1, "URU", "Asia/Urumqi")
	f.store(2, "SHA", "Asia/Shanghai")
	f.store(3, "KOL", "Asia/Kolkata")
	a := time.Date(2026, 11, 16, 17, 45, 0, 0, time.UTC) // Urumqi 23:45 Nov 16, Shanghai 01:45 Nov 17
	b := time.Date(2026, 11, 16, 18, 0, 0, 0, time.UTC)  // Urumqi 00:00 Nov 17, Shanghai 02:00 Nov 17
	for id := int64(1); id <= 2; id++ {
		f.bucket(id, a, 7, 70)
		f.bucket(id, b, 4, 40)
	}
	f.bucket(3, time.Date(2026, 11, 16, 4, 30, 0, 0, time.UTC), 9, 90) // Kolkata 10:00 Nov 16
	for id := int64(1); id <= 3; id++ {
		f.refresh(id, "2026-11-15", "2026-11-18")
	}
	in := f.insight(time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC))
	for _, c := range []struct {
		code, day string
		want      int64
	}{
		{"URU", "2026-11-16", 7}, {"URU", "2026-11-17", 4},
		{"SHA", "2026-11-16", 0}, {"SHA", "2026-11-17", 11},
		{"KOL", "2026-11-16", 9}, {"KOL", "2026-11-15", 0},
	} {
		d, err := in.Store(f.ctx, c.code, period(t, c.day))
		if err != nil {
			t.Fatal(err)
		}
		if d.KPIs.Entries != c.want {
			t.Errorf("%s on %s: %d entries, want %d", c.code, c.day, d.KPIs.Entries, c.want)
		}
	}
}

// Mall band 4–12 entries per staff per hour: 10 is optimal, 1 over-staffed,
// 20 under-staffed.
func TestStaffRatioClasses(t *testing.T) {
	f := newFx(t)
	f.store(1, "ST", "Asia/Shanghai", "商场店")
	day := "2026-11-16"
	f.bucket(1, f.at(1, day, 10, 0), 20, 200)
	f.bucket(1, f.at(1, day, 11, 0), 2, 20)
	f.bucket(1, f.at(1, day, 12, 0), 40, 400)
	f.write(func(tx *sql.Tx) error {
		for i := 0; i < 2; i++ {
			if _, err := tx.ExecContext(f.ctx, `INSERT INTO staff_shifts(store_id, starts, ends) VALUES (1, ?, ?)`, f.at(1, day, 10, 0).Unix(), f.at(1, day, 13, 0).Unix()); err != nil {
				return err
			}
		}
		return nil
	})
	f.refresh(1, day, day)
	d, err := f.insight(time.Date(2026, 11, 17, 0, 0, 0, 0, time.UTC)).Store(f.ctx, "ST", period(t, day))
	if err != nil {
		t.Fatal(err)
	}
	s := d.Staff
	if s.Band != (insight.Band{Low: 4, High: 12}) || len(s.Hours) != 3 {
		t.Fatalf("band %+v hours %+v", s.Band, s.Hours)
	}
	want := []insight.StaffClass{insight.Optimal, insight.OverStaffed, insight.UnderStaffed}
	for i, h := range s.Hours {
		if h.Class != want[i] || h.Staff != 2 {
			t.Errorf("hour %d: %v entries, %v staff → %s, want %s", i, h.Entries, h.Staff, h.Class, want[i])
		}
	}
	if got := s.All.Summary().In("en"); got != "67% of hours not optimal: 33% over-staffed, 33% under-staffed" {
		t.Errorf("summary %q", got)
	}
	if s.Weekday.Hours != 3 || s.Weekend.Hours != 0 {
		t.Errorf("Monday hours counted as weekday %d / weekend %d", s.Weekday.Hours, s.Weekend.Hours)
	}
	if d.KPIs.StaffHours != 6 {
		t.Errorf("staff hours %v, want 6", d.KPIs.StaffHours)
	}
}

// 120 entries a day for four weeks, then 48: a 60% drop against own history.
func TestSharpDropAgainstOwnHistory(t *testing.T) {
	f := newFx(t)
	f.store(1, "DR", "Asia/Shanghai")
	start := time.Date(2026, 10, 19, 0, 0, 0, 0, time.UTC) // Monday of W43
	for i := 0; i < 35; i++ {
		e := int64(10)
		if i >= 28 {
			e = 4
		}
		f.day(1, start.AddDate(0, 0, i).Format("2006-01-02"), 10, 22, e, 100)
	}
	f.refresh(1, "2026-10-19", "2026-11-22")
	flags, _, err := f.insight(time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC)).Flags(f.ctx, period(t, "2026-W47"), insight.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	var drop *insight.Flag
	for i, fl := range flags {
		if fl.Kind == insight.SharpDrop && fl.Metric == insight.DailyEntries {
			drop = &flags[i]
		}
	}
	if drop == nil {
		t.Fatalf("flags %+v, want a sharp drop of entries", flags)
	}
	if want := "Entries/day 48.0, down 60% from 120.0 on average over the previous 4 weeks"; drop.Reason.In("en") != want {
		t.Errorf("reason %q, want %q", drop.Reason.In("en"), want)
	}
	if len(drop.Days) != 7 {
		t.Errorf("days %v", drop.Days)
	}
}

// Entry rate 2% in the four weeks before the task, 8% in the four weeks after.
func TestTaskEffectSameWeekdayMix(t *testing.T) {
	f := newFx(t)
	f.store(1, "CS", "Asia/Shanghai")
	start := time.Date(2026, 9, 7, 0, 0, 0, 0, time.UTC) // Monday
	created := f.at(1, "2026-10-05", 9, 0)
	done := f.at(1, "2026-10-06", 18, 0)
	for i := 0; i < 63; i++ {
		d := start.AddDate(0, 0, i).Format("2006-01-02")
		e := int64(2)
		if d > "2026-10-06" {
			e = 8
		}
		f.day(1, d, 10, 22, e, 100)
	}
	f.refresh(1, "2026-09-07", "2026-11-08")
	f.write(func(tx *sql.Tx) error {
		_, err := tx.ExecContext(f.ctx, `INSERT INTO corrective_tasks(id, store_id, title, kpi, status, created_at, updated_at, done_at)
			VALUES ('t1', 1, '门口迎宾', 'entry_rate', 'done', ?, ?, ?)`, created.Unix(), done.Unix(), done.Unix())
		return err
	})
	te, err := f.insight(time.Date(2026, 11, 9, 0, 0, 0, 0, time.UTC)).TaskEffect(f.ctx, "t1")
	if err != nil {
		t.Fatal(err)
	}
	if te.Weeks != 4 || te.BeforeFrom != "2026-09-07" || te.BeforeTo != "2026-10-04" || te.AfterFrom != "2026-10-07" || te.AfterTo != "2026-11-03" {
		t.Errorf("windows %+v", te)
	}
	if !near(te.Change.Before, 0.02) || !near(te.Change.Now, 0.08) {
		t.Errorf("change %+v, want 2%% → 8%%", te.Change)
	}
	if te.Summary.In("en") != "Entry rate 2.00% → 8.00% (4 weeks before vs after)" {
		t.Errorf("summary %q", te.Summary.In("en"))
	}
	if _, err := f.insight(time.Now()).TaskEffect(f.ctx, "nope"); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("unknown task error %v", err)
	}
}

// An opening-hours task is judged by the days closed early on each side,
// not only by the entry rate: 6 of 28 days before, 0 of 28 after.
func TestOpeningHoursTaskIsJudgedByTheDaysClosedEarly(t *testing.T) {
	f := newFx(t)
	f.store(1, "CS", "Asia/Shanghai")
	start := time.Date(2026, 9, 7, 0, 0, 0, 0, time.UTC) // Monday
	created := f.at(1, "2026-10-05", 9, 0)
	done := f.at(1, "2026-10-06", 18, 0)
	early := 0
	for i := 0; i < 63; i++ {
		d := start.AddDate(0, 0, i).Format("2006-01-02")
		closes := 22
		if d < "2026-10-05" && i%5 == 0 {
			closes, early = 19, early+1 // the last entry at 18:30
		}
		f.day(1, d, 10, closes, 10, 100)
	}
	f.refresh(1, "2026-09-07", "2026-11-08")
	f.write(func(tx *sql.Tx) error {
		_, err := tx.ExecContext(f.ctx, `INSERT INTO corrective_tasks(id, store_id, category, title, kpi, status, created_at, updated_at, done_at)
			VALUES ('t1', 1, 'opening_hours', '按时营业', 'entry_rate', 'done', ?, ?, ?)`, created.Unix(), done.Unix(), done.Unix())
		return err
	})
	te, err := f.insight(time.Date(2026, 11, 9, 0, 0, 0, 0, time.UTC)).TaskEffect(f.ctx, "t1")
	if err != nil {
		t.Fatal(err)
	}
	m := te.Measure
	if m == nil || m.Kind != insight.MeasureEarlyClosed || m.Before != early || m.BeforeOf != 28 || m.After != 0 || m.AfterOf != 28 {
		t.Fatalf("measure %+v, want %d of 28 days closed early before, 0 of 28 after", m, early)
	}
	if got := te.Summary.In("en"); !strings.HasPrefix(got, fmt.Sprintf("Days closed early %d of 28 → 0 of 28 · Entry rate", early)) {
		t.Errorf("summary %q", got)
	}
	if got := te.Summary.In("zh"); !strings.HasPrefix(got, fmt.Sprintf("提前关店 %d/28天 → 0/28天；", early)) {
		t.Errorf("summary %q", got)
	}
}

func TestParsePeriod(t *testing.T) {
	for _, c := range []struct {
		in, from, last, str string
		days                int
	}{
		{"2026-11-20", "2026-11-20", "2026-11-20", "2026-11-20", 1},
		{"2026-W47", "2026-11-16", "2026-11-22", "2026-W47", 7},
		{"2026-w01", "2025-12-29", "2026-01-04", "2026-W01", 7},
		{"2026-02", "2026-02-01", "2026-02-28", "2026-02", 28},
		{"2026-11-01..2026-11-15", "2026-11-01", "2026-11-15", "2026-11-01..2026-11-15", 15},
	} {
		p, err := insight.ParsePeriod(c.in, nil)
		if err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		if p.FirstDay() != c.from || p.LastDay() != c.last || p.String() != c.str || p.NumDays() != c.days {
			t.Errorf("%s → %s..%s %q %d days", c.in, p.FirstDay(), p.LastDay(), p, p.NumDays())
		}
	}
	if p := period(t, "2026-W47"); p.Previous().String() != "2026-W46" || p.YearAgo().FirstDay() != "2025-11-17" {
		t.Errorf("previous %s, year ago %s", p.Previous(), p.YearAgo().FirstDay())
	}
	for _, bad := range []string{"", "2026-W54", "2026-13", "2026-11-15..2026-11-01", "last week"} {
		if _, err := insight.ParsePeriod(bad, nil); err == nil || !strings.Contains(err.Error(), "2026-W47") {
			t.Errorf("%q: error %v should say how to write a period", bad, err)
		}
	}
}

// Refreshing replaces the days instead of adding to them, and a store with
// a broken time zone is named in the error with nothing written.
func TestRefreshRollupsReplaces(t *testing.T) {
	f := newFx(t)
	f.store(1, "R", "Asia/Shanghai")
	day := "2026-11-16"
	f.bucket(1, f.at(1, day, 10, 0), 10, 100)
	f.refresh(1, day, day)
	f.refresh(1, day, day)
	f.bucket(1, f.at(1, day, 10, 0), 12, 100)
	f.refresh(1, day, day)
	d, err := f.insight(time.Now()).Store(f.ctx, "R", period(t, day))
	if err != nil {
		t.Fatal(err)
	}
	if d.KPIs.Entries != 12 {
		t.Errorf("entries after refreshes %d, want 12", d.KPIs.Entries)
	}
	for _, q := range []string{
		`SELECT entries FROM store_weekly WHERE store_id = 1 AND local_day = '2026-11-16'`,
		`SELECT entries FROM store_monthly WHERE store_id = 1 AND local_day = '2026-11-01'`,
	} {
		var n int
		if err := localdbtest.Conn(t, f.db).QueryRow(q).Scan(&n); err != nil || n != 12 {
			t.Errorf("%s = %d (%v), want 12", q, n, err)
		}
	}
	f.write(func(tx *sql.Tx) error {
		_, err := tx.ExecContext(f.ctx, `UPDATE stores SET time_zone = 'Mars/Olympus' WHERE id = 1`)
		return err
	})
	err = f.db.RefreshRollups(f.ctx, 1, f.at(1, day, 0, 0), f.at(1, day, 23, 0))
	if err == nil || !strings.Contains(err.Error(), "Mars/Olympus") || !strings.Contains(err.Error(), "store 1") {
		t.Errorf("error %v should name the store and the zone", err)
	}
	var n int
	localdbtest.Conn(t, f.db).QueryRow(`SELECT entries FROM store_daily WHERE store_id = 1 AND local_day = ?`, day).Scan(&n)
	if n != 12 {
		t.Errorf("stored rollup lost after a failed refresh: %d", n)
	}
}

// Previous week, the same week a year earlier (364 days back, Monday to
// Monday), weekday versus weekend hours, and traffic by weather.
func TestComparisonsDistributionAndWeather(t *testing.T) {
	f := newFx(t)
	f.store(1, "CMP", "Asia/Shanghai", "街边店")
	week := time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC) // Monday of W47
	for i := 0; i < 7; i++ {
		d := week.AddDate(0, 0, i).Format("2006-01-02")
		if i < 5 {
			f.day(1, d, 10, 12, 10, 100) // weekdays: 10 at 10:00 and 11:00
		} else {
			f.day(1, d, 15, 16, 40, 400) // weekend: 40 at 15:00
		}
		f.day(1, week.AddDate(0, 0, i-7).Format("2006-01-02"), 10, 11, 5, 50)   // W46: 5 a day
		f.day(1, week.AddDate(0, 0, i-364).Format("2006-01-02"), 10, 11, 3, 30) // W47 of 2025: 3 a day
	}
	f.write(func(tx *sql.Tx) error {
		for i := 0; i < 7; i++ {
			cond := "sunny"
			if i == 1 || i == 5 {
				cond = "rain"
			}
			if _, err := tx.ExecContext(f.ctx, `INSERT INTO weather(city, day, condition) VALUES ('武汉', ?, ?)`, week.AddDate(0, 0, i).Format("2006-01-02"), cond); err != nil {
				return err
			}
		}
		return nil
	})
	f.refresh(1, "2025-11-17", "2025-11-23")
	f.refresh(1, "2026-11-09", "2026-11-22")
	d, err := f.insight(time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC)).Store(f.ctx, "CMP", period(t, "2026-W47"))
	if err != nil {
		t.Fatal(err)
	}
	if d.KPIs.Entries != 5*20+2*40 || d.Previous.Entries != 35 || d.YearAgo.Entries != 21 {
		t.Errorf("entries now %d, previous week %d, year ago %d; want 180, 35, 21", d.KPIs.Entries, d.Previous.Entries, d.YearAgo.Entries)
	}
	dist := d.Distribution
	if dist.WeekdayShare[10] != 0.5 || dist.WeekdayShare[11] != 0.5 || dist.WeekendShare[15] != 1 {
		t.Errorf("weekday shares %v, weekend shares %v", dist.WeekdayShare, dist.WeekendShare)
	}
	for _, h := range dist.Weekday {
		if h.Hour == 10 && (h.Days != 5 || h.MeanEntries != 10) {
			t.Errorf("weekday 10:00 = %+v, want 5 days of 10", h)
		}
	}
	// Sunny: Mon, Wed, Thu, Fri (20 each) and Sun (40) → 120/5 = 24;
	// rain: Tue (20) and Sat (40) → 30.
	want := map[string]float64{"sunny": 24, "rain": 30}
	for _, w := range d.Weather {
		if w.DailyEntries != want[w.Condition] {
			t.Errorf("%s: %v entries a day over %d days, want %v", w.Condition, w.DailyEntries, w.Days, want[w.Condition])
		}
	}
	if len(d.Weather) != 2 {
		t.Errorf("weather averages %+v", d.Weather)
	}
}
