package insight

import (
	"context"
	"fmt"
	"math"
	"sort"
	"time"

	"storelens/localdb"
)

// flagMetrics are the KPIs compared with the tag average and own history.
var flagMetrics = []Metric{DailyEntries, EntryRate, Conversion}

// periodBack is the k-th period of p's kind and length before p.
func periodBack(p Period, k int) Period {
	if p.Kind == Month {
		return Period{Kind: Month, From: p.From.AddDate(0, -k, 0), To: p.From.AddDate(0, -k+1, 0)}
	}
	return p.Shift(-k * p.NumDays())
}

// comparable reports whether a store has enough data in a period to be
// compared with others or with its own history.
func (in *Insight) comparable(k KPIs, p Period) bool {
	return comparableH(k, in.minHours(p))
}

// comparableH is comparable with the period's minimum hours worked out.
func comparableH(k KPIs, minH int) bool {
	return k.TradingDays > 0 && k.OpenHours >= minH
}

// FromCounts reports whether m is computed from the door counts, so
// suspect counts make it untrustworthy (sales and ATV stay good).
func (m Metric) FromCounts() bool {
	switch m {
	case Entries, PassersBy, EntryRate, Conversion, Dwell, DailyEntries:
		return true
	}
	return false
}

// CountsSuspect reports whether so many of the store's open hours carry a
// camera alert or a suspect device bucket (Rules.SuspectShare) that its
// counts cannot be judged: it then gets the suspect_counts flag only, no
// traffic rank, and stays out of the tag averages of traffic metrics.
func (in *Insight) CountsSuspect(k KPIs) bool {
	return k.OpenHours > 0 && float64(k.SuspectHours)/float64(k.OpenHours) >= in.rules.SuspectShare
}

// metricOK is the metric's value when it is defined and backed by enough
// data (rates need Rules.MinEntries entries or passers-by behind them) and,
// for a traffic metric, when the counts are not suspect.
func (in *Insight) metricOK(k KPIs, m Metric) (float64, bool) {
	v, ok := k.Value(m)
	if !ok {
		return 0, false
	}
	if m.FromCounts() && in.CountsSuspect(k) {
		return 0, false
	}
	switch m {
	case EntryRate:
		ok = k.PassersBy >= in.rules.MinEntries
	case Conversion:
		ok = k.Entries >= in.rules.MinEntries
	case ATV:
		ok = k.Transactions >= 5
	}
	return v, ok
}

// tagAverages computes the mean and standard deviation of each metric over
// the comparable stores of each tag.
func (in *Insight) tagAverages(stores []storeRec, kpis map[int64]KPIs, p Period) map[string]*TagAverage {
	out := map[string]*TagAverage{}
	vals := map[string]map[Metric][]float64{}
	minH := in.minHours(p)
	for _, s := range stores {
		k := kpis[s.ID]
		if !comparableH(k, minH) {
			continue
		}
		for _, tag := range s.Tags {
			ta := out[tag]
			if ta == nil {
				ta = &TagAverage{Tag: tag, Mean: map[Metric]float64{}, StdDev: map[Metric]float64{}, N: map[Metric]int{}}
				out[tag] = ta
				vals[tag] = map[Metric][]float64{}
			}
			ta.Stores++
			for _, m := range Metrics {
				if v, ok := in.metricOK(k, m); ok {
					vals[tag][m] = append(vals[tag][m], v)
				}
			}
		}
	}
	for tag, ta := range out {
		for m, vs := range vals[tag] {
			mean, sd := meanSD(vs)
			ta.Mean[m], ta.StdDev[m], ta.N[m] = mean, sd, len(vs)
		}
	}
	return out
}

// meanSD is the mean and the sample standard deviation (0 for one value).
func meanSD(vs []float64) (float64, float64) {
	if len(vs) == 0 {
		return 0, 0
	}
	s := 0.0
	for _, v := range vs {
		s += v
	}
	mean := s / float64(len(vs))
	if len(vs) < 2 {
		return mean, 0
	}
	ss := 0.0
	for _, v := range vs {
		ss += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(ss / float64(len(vs)-1))
}

// ranks places each store per metric among those with the metric defined,
// 1 = highest. Ties share the better place.
func (in *Insight) ranks(ids []int64, kpis map[int64]KPIs, p Period) map[int64]map[Metric]Rank {
	out := map[int64]map[Metric]Rank{}
	for _, id := range ids {
		out[id] = map[Metric]Rank{}
	}
	minH := in.minHours(p)
	for _, m := range Metrics {
		type iv struct {
			id int64
			v  float64
		}
		var vs []iv
		for _, id := range ids {
			k := kpis[id]
			if !comparableH(k, minH) {
				continue
			}
			if v, ok := in.metricOK(k, m); ok {
				vs = append(vs, iv{id, v})
			}
		}
		sort.Slice(vs, func(i, j int) bool { return vs[i].v > vs[j].v })
		for i, x := range vs {
			pos := i + 1
			if i > 0 && x.v == vs[i-1].v {
				pos = out[vs[i-1].id][m].Position
			}
			out[x.id][m] = Rank{Position: pos, Of: len(vs)}
		}
	}
	return out
}

// Region is the dashboard for period: every store of the filter with its
// KPIs, previous-period and year-ago KPIs, ranks in the overview and in each
// tag, the tag averages and the flags. Stores are ordered flagged first.
func (in *Insight) Region(ctx context.Context, p Period, f Filter) (RegionOverview, error) {
	if !p.To.After(p.From) {
		return RegionOverview{}, fmt.Errorf("period %s is empty; pick a day, week, month or range", p)
	}
	stores, err := in.stores(ctx, f)
	if err != nil {
		return RegionOverview{}, err
	}
	ov := RegionOverview{Coverage: Coverage{Period: p, Previous: p.Previous()}, Stores: []StoreKPIs{}, Flags: []Flag{}, TagAverages: []TagAverage{}}
	// The period and its history are consecutive: one pass reads them all.
	nHist := max(1, in.rules.HistoryPeriods)
	bounds := make([]string, 0, nHist+2)
	for k := nHist; k >= 1; k-- {
		bounds = append(bounds, periodBack(p, k).FirstDay())
	}
	bounds = append(bounds, p.FirstDay(), p.To.Format(dayFmt))
	grain := localdb.GrainDay
	switch {
	case p.Kind == Week && p.From.Weekday() == time.Monday && p.NumDays() == 7:
		grain = localdb.GrainWeek
	case p.Kind == Month && p.From.Day() == 1:
		grain = localdb.GrainMonth
	}
	spans, err := in.db.DailyTotalsSplit(ctx, grain, f.RegionID, bounds)
	if err != nil {
		return ov, fmt.Errorf("read KPIs of %s and the %d periods before: %w", p, nHist, err)
	}
	now := spans[nHist]
	hist := make([]map[int64]localdb.DailyTotal, in.rules.HistoryPeriods)
	for k := range hist {
		hist[k] = spans[nHist-1-k]
	}
	prev := spans[nHist-1]
	ya := p.YearAgo()
	ov.DataFrom, ov.DataThrough, err = in.db.DataDays(ctx)
	if err != nil {
		return ov, fmt.Errorf("read which days hold data: %w", err)
	}
	ov.Days = p.NumDays()
	if ov.DataThrough != "" && p.LastDay() > ov.DataThrough {
		// The period runs past the data: compare like with like, the same
		// first days of the previous period and of the year before.
		ov.Days = max(0, int(mustDay(ov.DataThrough).Sub(mustDay(p.FirstDay())).Hours()/24)+1)
	}
	yGrain := grain
	if ov.Days < p.NumDays() && ov.Days > 0 {
		ov.Previous = Period{Kind: Range, From: ov.Previous.From, To: ov.Previous.From.AddDate(0, 0, ov.Days)}
		ya = Period{Kind: Range, From: ya.From, To: ya.From.AddDate(0, 0, ov.Days)}
		yGrain = localdb.GrainDay
		ps, err := in.db.DailyTotalsSplit(ctx, localdb.GrainDay, f.RegionID, []string{ov.Previous.FirstDay(), ov.Previous.To.Format(dayFmt)})
		if err != nil {
			return ov, fmt.Errorf("read KPIs of %s: %w", ov.Previous, err)
		}
		prev = ps[0]
	}
	yspans, err := in.db.DailyTotalsSplit(ctx, yGrain, f.RegionID, []string{ya.FirstDay(), ya.To.Format(dayFmt)})
	if err != nil {
		return ov, fmt.Errorf("read KPIs of %s a year earlier: %w", p, err)
	}
	yago := yspans[0]
	ov.YearAgo, ov.YearAgoDays = ya, ya.NumDays()
	if ov.DataFrom == "" || ya.LastDay() < ov.DataFrom {
		ov.YearAgoDays = 0
	} else if ya.FirstDay() < ov.DataFrom {
		ov.YearAgoDays = int(mustDay(ya.LastDay()).Sub(mustDay(ov.DataFrom)).Hours()/24) + 1
	}
	if ov.YearAgoIncomplete() {
		// Like with like: a year ago only partly in the data is no
		// comparison at all, in every front end.
		yago = map[int64]localdb.DailyTotal{}
	}

	kNow := map[int64]KPIs{}
	kHist := make([]map[int64]KPIs, len(hist))
	for i := range kHist {
		kHist[i] = map[int64]KPIs{}
	}
	ids := make([]int64, 0, len(stores))
	var total, totalPrev, totalYA localdb.DailyTotal
	for _, s := range stores {
		ids = append(ids, s.ID)
		kNow[s.ID] = kpisOf(now[s.ID])
		for i := range hist {
			kHist[i][s.ID] = kpisOf(hist[i][s.ID])
		}
		addTotals(&total, now[s.ID])
		addTotals(&totalPrev, prev[s.ID])
		addTotals(&totalYA, yago[s.ID])
	}
	tags := in.tagAverages(stores, kNow, p)
	tagsHist := make([]map[string]*TagAverage, len(hist))
	for i := range hist {
		tagsHist[i] = in.tagAverages(stores, kHist[i], periodBack(p, i+1))
	}
	rank := in.ranks(ids, kNow, p)
	tagRank := map[string]map[int64]map[Metric]Rank{}
	byTag := map[string][]int64{}
	for _, s := range stores {
		for _, t := range s.Tags {
			byTag[t] = append(byTag[t], s.ID)
		}
	}
	for t, tids := range byTag {
		tagRank[t] = in.ranks(tids, kNow, p)
	}

	early, err := in.earlyClosing(ctx, f.RegionID, p)
	if err != nil {
		return ov, err
	}
	fl := flagger{in: in, ctx: ctx, p: p}
	for k := range hist {
		fl.histMin = append(fl.histMin, in.minHours(periodBack(p, k+1)))
	}
	noData := ov.NoData()
	for _, s := range stores {
		k := kNow[s.ID]
		row := StoreKPIs{Store: in.info(s), KPIs: k, Previous: kpisOf(prev[s.ID]), YearAgo: kpisOf(yago[s.ID]),
			Rank: rank[s.ID], TagRank: map[string]map[Metric]Rank{}, Flags: []Flag{}, Closed: k.TradingDays == 0 && !noData, CountsSuspect: in.CountsSuspect(k)}
		for _, t := range s.Tags {
			row.TagRank[t] = tagRank[t][s.ID]
		}
		hk := make([]KPIs, len(hist))
		for i := range hist {
			hk[i] = kHist[i][s.ID]
		}
		flags, err := fl.storeFlags(s, k, hk, tags, tagsHist, tagRank, early[s.ID])
		if err != nil {
			return ov, err
		}
		row.Flags = flags
		ov.Flags = append(ov.Flags, flags...)
		ov.Stores = append(ov.Stores, row)
	}
	sort.SliceStable(ov.Stores, func(i, j int) bool {
		a, b := ov.Stores[i], ov.Stores[j]
		if (len(a.Flags) > 0) != (len(b.Flags) > 0) {
			return len(a.Flags) > 0
		}
		if sa, sb := maxSeverity(a.Flags), maxSeverity(b.Flags); sa != sb {
			return sa > sb
		}
		return a.Store.Code < b.Store.Code
	})
	sortFlags(ov.Flags)
	for _, ta := range tags {
		ov.TagAverages = append(ov.TagAverages, *ta)
	}
	sort.Slice(ov.TagAverages, func(i, j int) bool { return ov.TagAverages[i].Tag < ov.TagAverages[j].Tag })
	kt, kp, ky := kpisOf(total), kpisOf(totalPrev), kpisOf(totalYA)
	ov.Total, ov.PreviousTotal, ov.YearAgoTotal = kt, kp, ky
	for _, m := range []Metric{Entries, PassersBy, EntryRate, Transactions, Conversion, Sales, ATV, Dwell} {
		v, ok := kt.Value(m)
		pv, pok := kp.Value(m)
		yv, yok := ky.Value(m)
		// A comparison period without a trading day has no figures, not zeros.
		pok, yok = pok && kp.TradingDays > 0, yok && ky.TradingDays > 0
		ov.Tiles = append(ov.Tiles, Tile{Metric: m, Value: v, Previous: pv, OK: ok, PrevOK: pok, YearAgo: yv, YearAgoOK: yok})
	}
	return ov, nil
}

// Flags are the flags of the filter's stores for period, most severe first,
// and the number of stores looked at.
func (in *Insight) Flags(ctx context.Context, p Period, f Filter) ([]Flag, int, error) {
	ov, err := in.Region(ctx, p, f)
	if err != nil {
		return nil, 0, err
	}
	return ov.Flags, len(ov.Stores), nil
}

func maxSeverity(fs []Flag) float64 {
	m := 0.0
	for _, f := range fs {
		m = math.Max(m, f.Severity)
	}
	return m
}

func sortFlags(fs []Flag) {
	sort.SliceStable(fs, func(i, j int) bool {
		if fs[i].Severity != fs[j].Severity {
			return fs[i].Severity > fs[j].Severity
		}
		if fs[i].Store != fs[j].Store {
			return fs[i].Store < fs[j].Store
		}
		return fs[i].Kind < fs[j].Kind
	})
}

// earlyClosing lists, per store, the days it stopped counting entries well
// before its scheduled closing time.
func (in *Insight) earlyClosing(ctx context.Context, regionID string, p Period) (map[int64][]localdb.DailyRow, error) {
	rows, err := in.db.EarlyClosedDays(ctx, regionID, p.FirstDay(), p.LastDay(), in.rules.EarlyCloseMinutes)
	if err != nil {
		return nil, fmt.Errorf("read closing times of %s: %w", p, err)
	}
	out := map[int64][]localdb.DailyRow{}
	for _, r := range rows {
		if in.closedEarly(r) {
			out[r.StoreID] = append(out[r.StoreID], r)
		}
	}
	return out, nil
}

// closedEarly says whether a day's last entry came EarlyCloseMinutes or
// more before the scheduled closing, and the stop cost customers: at the
// day's own pace, the closed stretch would have seen EarlyCloseMinEntries
// entries. A store whose counts collapsed (a blocked lens) has quiet
// evenings, not an early closing.
func (in *Insight) closedEarly(r localdb.DailyRow) bool {
	if !r.Traded || r.SchedOpensMin < 0 || r.SchedClosesMin < 0 || r.LastEntryMin < 0 || r.LastEntryMin <= r.SchedOpensMin {
		return false
	}
	if r.SchedClosesMin-r.LastEntryMin < in.rules.EarlyCloseMinutes {
		return false
	}
	pace := float64(r.Entries) / float64(r.LastEntryMin-r.SchedOpensMin)
	return pace*float64(r.SchedClosesMin-r.LastEntryMin) >= float64(in.rules.EarlyCloseMinEntries)
}

// earlyClosedOf counts the days of a store closed early, of those traded,
// between two local days (inclusive).
func (in *Insight) earlyClosedOf(ctx context.Context, storeID int64, first, last string) (closed, traded int, err error) {
	days, err := in.db.DailyRows(ctx, storeID, first, last)
	if err != nil {
		return 0, 0, err
	}
	for _, d := range days {
		if d.Traded {
			traded++
			if in.closedEarly(d) {
				closed++
			}
		}
	}
	return closed, traded, nil
}

// leaveOneOutZ is v's z-score against the other stores of the tag (the
// tag's mean and deviation with v taken out), so one bad store cannot hide
// behind the spread it causes itself, even in a small tag.
func leaveOneOutZ(ta *TagAverage, m Metric, v float64) (float64, bool) {
	n := float64(ta.N[m])
	if n < 3 {
		return 0, false
	}
	sum := ta.Mean[m] * n
	ss := ta.StdDev[m]*ta.StdDev[m]*(n-1) + n*ta.Mean[m]*ta.Mean[m] // Σx²
	mo := (sum - v) / (n - 1)
	vo := (ss - v*v - (n-1)*mo*mo) / (n - 2)
	if vo <= 0 {
		return math.Inf(-1), v < mo
	}
	return (v - mo) / math.Sqrt(vo), true
}

func medianInt(v []int) int {
	if len(v) == 0 {
		return 0
	}
	s := append([]int(nil), v...)
	sort.Ints(s)
	return s[len(s)/2]
}

// TagAverageFor is the tag average a store's metric is compared with on
// every screen and in reports: the tag of its below-average flag if any,
// else its first tag with an average of the metric. ok is false when none
// of its tags has one.
func (ov RegionOverview) TagAverageFor(s StoreKPIs, m Metric) (avg float64, tag string, ok bool) {
	tags := append([]string{}, s.Store.Tags...)
	for _, f := range s.Flags {
		if f.Kind == BelowTagAverage && f.Tag != "" {
			tags = append([]string{f.Tag}, tags...)
			break
		}
	}
	for _, t := range tags {
		for _, ta := range ov.TagAverages {
			if ta.Tag != t {
				continue
			}
			if n := ta.N[m]; n > 0 || ta.N == nil {
				if v, ok := ta.Mean[m]; ok {
					return v, t, true
				}
			}
		}
	}
	return 0, "", false
}
