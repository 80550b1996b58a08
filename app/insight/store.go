package insight

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"time"

	"storelens/app/i18n"
	"storelens/app/vocab"
	"storelens/localdb"
)

// weatherDays is how far back the traffic-by-weather averages look from the
// period's end: a week has too few rainy days to say anything.
const weatherDays = 91

// Store is the store page of the store with code for period: header, KPIs
// with previous-period and year-ago figures, ranks in its region and tags,
// its tag averages and flags, every hour with the forecast band, traffic
// versus conversion by hour, weekday versus weekend distribution, staff
// ratio, the monthly entry-rate trend, traffic by weather and the device
// versus local recount.
func (in *Insight) Store(ctx context.Context, code string, p Period) (StoreDetail, error) {
	s, err := in.storeByCode(ctx, code)
	if err != nil {
		return StoreDetail{}, err
	}
	ov, err := in.Region(ctx, p, Filter{RegionID: s.RegionID})
	if err != nil {
		return StoreDetail{}, err
	}
	return in.storeIn(ctx, ov, s)
}

// StoreIn is Store for a store of the region overview ov (made with
// Filter{RegionID: its region} for ov's period), without making the
// overview again: a report of many store pages makes it once.
func (in *Insight) StoreIn(ctx context.Context, ov RegionOverview, code string) (StoreDetail, error) {
	s, err := in.storeByCode(ctx, code)
	if err != nil {
		return StoreDetail{}, err
	}
	return in.storeIn(ctx, ov, s)
}

func (in *Insight) storeIn(ctx context.Context, ov RegionOverview, s storeRec) (StoreDetail, error) {
	p := ov.Period
	var err error
	d := StoreDetail{Store: in.info(s), Coverage: ov.Coverage, Flags: []Flag{}, TagAverages: []TagAverage{}}
	for _, row := range ov.Stores {
		if row.Store.ID == s.ID {
			d.KPIs, d.Previous, d.YearAgo = row.KPIs, row.Previous, row.YearAgo
			d.Rank, d.TagRank, d.Flags = row.Rank, row.TagRank, row.Flags
			d.CountsSuspect = row.CountsSuspect
		}
	}
	for _, ta := range ov.TagAverages {
		for _, t := range s.Tags {
			if ta.Tag == t {
				d.TagAverages = append(d.TagAverages, ta)
			}
		}
	}
	if d.Hourly, err = in.hours(ctx, s, p, true); err != nil {
		return d, err
	}
	d.ByHour, d.Distribution = in.byHour(d.Hourly)
	d.Staff = in.staffRatio(s, d.Hourly)
	for _, h := range d.Hourly {
		if h.HasLocal {
			d.Recount = append(d.Recount, h)
		}
	}
	if d.Monthly, err = in.monthly(ctx, s, p); err != nil {
		return d, err
	}
	if d.Weather, err = in.byWeather(ctx, s, p); err != nil {
		return d, err
	}
	return d, nil
}

// byHour aggregates open hours by local clock hour: all days, and weekdays
// versus weekends and public holidays.
func (in *Insight) byHour(hours []HourPoint) ([]HourOfDay, HourlyDistribution) {
	type acc struct {
		e, t, p int64
		days    map[string]bool
	}
	var all, wk, we [24]acc
	for i := range all {
		all[i].days, wk[i].days, we[i].days = map[string]bool{}, map[string]bool{}, map[string]bool{}
	}
	for _, h := range hours {
		if !h.Open {
			continue
		}
		wd := (int(h.Weekday) + 6) % 7
		for _, a := range []*acc{&all[h.LocalHour], pick(in.weekendOrHoliday(h.LocalDay, wd), &we[h.LocalHour], &wk[h.LocalHour])} {
			a.e += h.Entries
			a.t += h.Transactions
			a.p += h.PassersBy
			a.days[h.LocalDay] = true
		}
	}
	conv := func(a [24]acc) []HourOfDay {
		var out []HourOfDay
		for hr, x := range a {
			if len(x.days) == 0 {
				continue
			}
			out = append(out, HourOfDay{Hour: hr, Entries: x.e, Transactions: x.t, Days: len(x.days),
				MeanEntries: float64(x.e) / float64(len(x.days)),
				Conversion:  Ratio{float64(x.t), float64(x.e)}, EntryRate: Ratio{float64(x.e), float64(x.p)}})
		}
		if out == nil {
			out = []HourOfDay{}
		}
		return out
	}
	dist := HourlyDistribution{Weekday: conv(wk), WeekendHol: conv(we)}
	share := func(a [24]acc, out *[24]float64) {
		tot := 0.0
		for _, x := range a {
			tot += float64(x.e)
		}
		if tot > 0 {
			for h, x := range a {
				out[h] = float64(x.e) / tot
			}
		}
	}
	share(wk, &dist.WeekdayShare)
	share(we, &dist.WeekendShare)
	return conv(all), dist
}

func pick[T any](c bool, a, b T) T {
	if c {
		return a
	}
	return b
}

// StaffBand is the optimal band of entries per staff per hour for a store
// with tags: the first tag with a band in the rules, else the default.
func (r Rules) StaffBand(tags []string) Band {
	for _, t := range tags {
		if b, ok := r.StaffBands[t]; ok {
			return b
		}
	}
	return r.DefaultStaffBand
}

// ClassifyStaff classes one hour: entries per staff below the band is
// over-staffed, above it (or customers with nobody on shift) under-staffed.
func ClassifyStaff(entries int64, staff float64, b Band) (Ratio, StaffClass) {
	r := Ratio{float64(entries), staff}
	switch {
	case staff <= 0:
		if entries > 0 {
			return r, UnderStaffed
		}
		return r, Optimal
	case r.Value() < b.Low:
		return r, OverStaffed
	case r.Value() > b.High:
		return r, UnderStaffed
	}
	return r, Optimal
}

// staffRatio classes every open hour that traded and gives the shares.
func (in *Insight) staffRatio(s storeRec, hours []HourPoint) StaffRatio {
	sr := StaffRatio{Band: in.rules.StaffBand(s.Tags), Hours: []StaffHour{}}
	var cAll, cWk, cWe [3]int
	idx := map[StaffClass]int{OverStaffed: 0, Optimal: 1, UnderStaffed: 2}
	for _, h := range hours {
		if !h.Open || (h.Entries == 0 && h.Staff == 0) {
			continue
		}
		r, c := ClassifyStaff(h.Entries, h.Staff, sr.Band)
		wd := (int(h.Weekday) + 6) % 7
		weekend := in.weekendOrHoliday(h.LocalDay, wd)
		sr.Hours = append(sr.Hours, StaffHour{Start: h.Start, Entries: h.Entries, Staff: h.Staff, Ratio: r, Class: c, Weekend: weekend})
		cAll[idx[c]]++
		if weekend {
			cWe[idx[c]]++
		} else {
			cWk[idx[c]]++
		}
	}
	shares := func(c [3]int) StaffShares {
		n := c[0] + c[1] + c[2]
		if n == 0 {
			return StaffShares{}
		}
		return StaffShares{Hours: n, Over: float64(c[0]) / float64(n), Optimal: float64(c[1]) / float64(n), Under: float64(c[2]) / float64(n)}
	}
	sr.All, sr.Weekday, sr.Weekend = shares(cAll), shares(cWk), shares(cWe)
	return sr
}

// monthly is the entry-rate trend of the 12 local months up to p's end.
func (in *Insight) monthly(ctx context.Context, s storeRec, p Period) ([]MonthPoint, error) {
	last := p.To.AddDate(0, 0, -1)
	first := time.Date(last.Year(), last.Month()-11, 1, 0, 0, 0, 0, time.UTC)
	ms, err := in.db.MonthlyTotals(ctx, s.ID, first.Format(dayFmt), last.Format(dayFmt))
	if err != nil {
		return nil, fmt.Errorf("read months of store %s: %w", s.Code, err)
	}
	got := map[string]localdb.MonthTotal{}
	for _, m := range ms {
		got[m.Month] = m
	}
	out := []MonthPoint{}
	for m := first; !m.After(last); m = m.AddDate(0, 1, 0) {
		key := m.Format("2006-01")
		t := got[key]
		out = append(out, MonthPoint{Month: key, Entries: t.Entries,
			EntryRate:  Ratio{float64(t.Entries), float64(t.PassersBy)},
			Conversion: Ratio{float64(t.Transactions), float64(t.Entries)}})
	}
	return out, nil
}

// byWeather averages traded days by weather condition over the weatherDays
// days up to p's end.
func (in *Insight) byWeather(ctx context.Context, s storeRec, p Period) ([]WeatherAverage, error) {
	last := p.To.AddDate(0, 0, -1)
	first := last.AddDate(0, 0, -weatherDays+1)
	if p.From.Before(first) {
		first = p.From
	}
	days, err := in.db.DailyRows(ctx, s.ID, first.Format(dayFmt), last.Format(dayFmt))
	if err != nil {
		return nil, fmt.Errorf("read days of store %s: %w", s.Code, err)
	}
	weather, err := in.db.WeatherDays(ctx, s.City, first.Format(dayFmt), last.Format(dayFmt))
	if err != nil {
		return nil, fmt.Errorf("read weather of %s: %w", s.City, err)
	}
	type acc struct {
		n    int
		e, p int64
	}
	by := map[string]*acc{}
	for _, d := range days {
		c, ok := weather[d.Day]
		if !ok || !d.Traded {
			continue
		}
		a := by[c]
		if a == nil {
			a = &acc{}
			by[c] = a
		}
		a.n++
		a.e += d.Entries
		a.p += d.PassersBy
	}
	out := []WeatherAverage{}
	for c, a := range by {
		out = append(out, WeatherAverage{Condition: c, Days: a.n, DailyEntries: float64(a.e) / float64(a.n),
			EntryRate: Ratio{float64(a.e), float64(a.p)}})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Condition < out[j].Condition })
	return out, nil
}

// effectWeeks is the most whole weeks compared on each side of a task.
const effectWeeks = 4

// TaskEffect compares the KPI a corrective task targeted (entry rate when
// it names none) over the whole weeks before it was created and the same
// number of whole weeks after the day it was done, so both sides have the
// same weekday mix. Until the task is done, or while not a full week has
// passed since, After is empty and Weeks is 0.
func (in *Insight) TaskEffect(ctx context.Context, taskID string) (TaskEffect, error) {
	t, err := in.db.TaskByID(ctx, taskID)
	if err != nil {
		return TaskEffect{}, err
	}
	var s storeRec
	all, err := in.stores(ctx, Filter{})
	if err != nil {
		return TaskEffect{}, err
	}
	for _, x := range all {
		if x.ID == t.StoreID {
			s = x
		}
	}
	if s.loc == nil {
		return TaskEffect{}, fmt.Errorf("corrective task %s: its store (id %d) is not in the local data; sync first", taskID, t.StoreID)
	}
	m := Metric(t.KPI)
	if !slices.Contains(Metrics, m) {
		m = EntryRate
	}
	te := TaskEffect{TaskID: t.ID, Store: s.Code, Title: t.Title, Metric: m}
	created := localDate(t.CreatedAt, s.loc)
	te.Done = !t.DoneAt.IsZero()
	weeks := effectWeeks
	var afterFrom time.Time
	if te.Done {
		afterFrom = localDate(t.DoneAt, s.loc).AddDate(0, 0, 1)
		today := localDate(in.now(), s.loc)
		avail := int(today.Sub(afterFrom).Hours()/24) / 7
		weeks = min(weeks, avail)
	} else {
		weeks = 0
	}
	span := max(weeks, 1)
	beforeFrom := created.AddDate(0, 0, -7*span)
	te.BeforeFrom, te.BeforeTo = beforeFrom.Format(dayFmt), created.AddDate(0, 0, -1).Format(dayFmt)
	bt, err := in.db.StoreDailyTotal(ctx, s.ID, te.BeforeFrom, te.BeforeTo)
	if err != nil {
		return te, fmt.Errorf("read KPIs of store %s before task %s: %w", s.Code, taskID, err)
	}
	te.Before = kpisOf(bt)
	te.Change.Before, te.Change.BeforeOK = te.Before.Value(m)
	if weeks > 0 {
		te.Weeks = weeks
		te.AfterFrom, te.AfterTo = afterFrom.Format(dayFmt), afterFrom.AddDate(0, 0, 7*weeks-1).Format(dayFmt)
		at, err := in.db.StoreDailyTotal(ctx, s.ID, te.AfterFrom, te.AfterTo)
		if err != nil {
			return te, fmt.Errorf("read KPIs of store %s after task %s: %w", s.Code, taskID, err)
		}
		te.After = kpisOf(at)
		te.Change.Now, te.Change.NowOK = te.After.Value(m)
	}
	te.Category = t.Category
	if t.Category == vocab.TaskCatOpeningHours {
		ms := EffectMeasure{Kind: MeasureEarlyClosed}
		if ms.Before, ms.BeforeOf, err = in.earlyClosedOf(ctx, s.ID, te.BeforeFrom, te.BeforeTo); err != nil {
			return te, fmt.Errorf("read closing times of store %s: %w", s.Code, err)
		}
		if weeks > 0 {
			if ms.After, ms.AfterOf, err = in.earlyClosedOf(ctx, s.ID, te.AfterFrom, te.AfterTo); err != nil {
				return te, fmt.Errorf("read closing times of store %s: %w", s.Code, err)
			}
		}
		te.Measure = &ms
	}
	te.Summarise()
	return te, nil
}

// Summarise says the effect in a sentence: the category's measure first
// (when there is one), then the KPI.
func (te *TaskEffect) Summarise() {
	m := te.Metric
	bs := FormatValue(m, te.Change.Before, te.Change.BeforeOK)
	switch {
	case !te.Done:
		te.Summary = i18n.Say("effect.not_done", "Metric", m.LabelKey(), "Before", bs)
	case te.Weeks == 0:
		te.Summary = i18n.Say("effect.too_soon", "Metric", m.LabelKey(), "Before", bs)
	default:
		as := FormatValue(m, te.Change.Now, te.Change.NowOK)
		te.Summary = i18n.Say("effect.measured", "Metric", m.LabelKey(), "Before", bs, "After", as, "Weeks", te.Weeks)
	}
	if te.Measure != nil {
		te.Summary = append(te.Measure.Say(te.Weeks > 0), te.Summary...)
	}
}

// localDate is t's date on loc's clock, as a UTC midnight.
func localDate(t time.Time, loc *time.Location) time.Time {
	l := t.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, time.UTC)
}
