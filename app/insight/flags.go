package insight

import (
	"context"
	"fmt"
	"math"
	"storelens/localdb"
	"time"
)

// flagger raises the flags of one store at a time; it reads a store's days
// only when a flag needs them.
type flagger struct {
	in      *Insight
	ctx     context.Context
	p       Period
	histMin []int // minimum open hours of each history period
}

func (fl *flagger) days(s storeRec) ([]localdb.DailyRow, error) {
	d, err := fl.in.db.DailyRows(fl.ctx, s.ID, fl.p.FirstDay(), fl.p.LastDay())
	if err != nil {
		return nil, fmt.Errorf("read days of store %s: %w", s.Code, err)
	}
	return d, nil
}

// dayValue is a metric on one day, when defined.
func dayValue(d localdb.DailyRow, m Metric) (float64, bool) {
	switch m {
	case DailyEntries, Entries:
		return float64(d.Entries), d.Traded
	case EntryRate:
		return float64(d.Entries) / float64(d.PassersBy), d.PassersBy > 0
	case Conversion:
		return float64(d.Transactions) / float64(d.Entries), d.Entries > 0
	case ATV:
		return float64(d.SalesFen) / float64(d.Transactions), d.Transactions > 0
	}
	return 0, false
}

// daysBelow are the traded days whose metric is below limit.
func daysBelow(days []localdb.DailyRow, m Metric, limit float64) []string {
	var out []string
	for _, d := range days {
		if v, ok := dayValue(d, m); ok && v < limit {
			out = append(out, d.Day)
		}
	}
	return out
}

// storeCase is what the rules judge of one store: its figures for the
// period and its history, the tag averages it is compared with, and its
// days, read on the first rule that needs them.
type storeCase struct {
	s          storeRec
	k          KPIs
	hist       []KPIs
	tags       map[string]*TagAverage
	tagsHist   []map[string]*TagAverage
	tagRank    map[string]map[int64]map[Metric]Rank
	early      []localdb.DailyRow
	days       []localdb.DailyRow
	base       Flag
	comparable bool
}

func (fl *flagger) loadDays(c *storeCase) error {
	if c.days != nil {
		return nil
	}
	var err error
	c.days, err = fl.days(c.s)
	if c.days == nil {
		c.days = []localdb.DailyRow{}
	}
	return err
}

// storeFlags runs every rule of the package doc on one store, in the
// order below, and sorts what they raise.
func (fl *flagger) storeFlags(s storeRec, k KPIs, hist []KPIs, tags map[string]*TagAverage, tagsHist []map[string]*TagAverage,
	tagRank map[string]map[int64]map[Metric]Rank, early []localdb.DailyRow) ([]Flag, error) {
	flags := []Flag{}
	if k.TradingDays == 0 {
		return flags, nil // closed all period: nothing to judge
	}
	c := &storeCase{s: s, k: k, hist: hist, tags: tags, tagsHist: tagsHist, tagRank: tagRank, early: early,
		base: Flag{Store: s.Code, StoreName: s.Name}, comparable: fl.in.comparable(k, fl.p)}
	rules := []func(*storeCase) ([]Flag, error){
		fl.belowTagAverage, fl.sharpDrop, fl.earlyClosing, fl.abnormalEntryRate, fl.suspectCounts,
	}
	if fl.in.CountsSuspect(k) {
		// Every other rule reads the door counts: the one thing to say is
		// that the camera needs fixing.
		rules = rules[len(rules)-1:]
	}
	for _, rule := range rules {
		fs, err := rule(c)
		if err != nil {
			return nil, err
		}
		flags = append(flags, fs...)
	}
	sortFlags(flags)
	return flags, nil
}

// belowTagAverage: per metric, the tag with the largest gap below its
// average (rule below_tag_average).
func (fl *flagger) belowTagAverage(c *storeCase) (out []Flag, err error) {
	in, p, r := fl.in, fl.p, fl.in.rules
	// Below the tag average: the tag with the largest gap per metric.
	if !c.comparable {
		return nil, nil
	}
	for _, m := range flagMetrics {
		v, ok := in.metricOK(c.k, m)
		if !ok {
			continue
		}
		var best *TagAverage
		bestGap := 0.0
		for _, t := range c.s.Tags {
			ta := c.tags[t]
			if ta == nil || ta.N[m] < r.MinTagStores || ta.Mean[m] <= 0 {
				continue
			}
			gap := (ta.Mean[m] - v) / ta.Mean[m]
			z, ok := leaveOneOutZ(ta, m, v)
			if ok && gap >= r.TagGap && z <= -r.TagZ && gap > bestGap {
				best, bestGap = ta, gap
			}
		}
		if best == nil {
			continue
		}
		// How many periods running the store sat this far below.
		streak := 1
		for i, th := range c.tagsHist {
			ta := th[best.Tag]
			hv, ok := in.metricOK(c.hist[i], m)
			if ta == nil || !ok || ta.Mean[m] <= 0 || (ta.Mean[m]-hv)/ta.Mean[m] < r.TagGap {
				break
			}
			streak++
		}
		if err := fl.loadDays(c); err != nil {
			return nil, err
		}
		f := c.base
		f.Kind, f.Metric, f.Tag = BelowTagAverage, m, best.Tag
		f.Value, f.Reference, f.Severity = v, best.Mean[m], bestGap
		f.Days = daysBelow(c.days, m, best.Mean[m])
		f.Reason = reasonBelowTag(m, v, best, c.tagRank[best.Tag][c.s.ID][m], streak, p)
		out = append(out, f)
	}
	return out, nil
}

// sharpDrop: a fall against the store's own history (rule sharp_drop).
func (fl *flagger) sharpDrop(c *storeCase) (out []Flag, err error) {
	in, p, r := fl.in, fl.p, fl.in.rules
	// Sharp drop against own history.
	if !c.comparable {
		return nil, nil
	}
	for _, m := range []Metric{DailyEntries, EntryRate, Conversion} {
		v, ok := in.metricOK(c.k, m)
		if !ok {
			continue
		}
		var hv []float64
		for i, h := range c.hist {
			if x, ok := in.metricOK(h, m); ok && comparableH(h, fl.histMin[i]) {
				hv = append(hv, x)
			}
		}
		if len(hv) < 2 {
			continue
		}
		ref, _ := meanSD(hv)
		if ref <= 0 {
			continue
		}
		drop := (ref - v) / ref
		if drop < r.DropGap {
			continue
		}
		if err := fl.loadDays(c); err != nil {
			return nil, err
		}
		f := c.base
		f.Kind, f.Metric, f.Value, f.Reference, f.Severity = SharpDrop, m, v, ref, drop
		f.Days = daysBelow(c.days, m, ref*(1-r.DropGap))
		f.Reason = reasonDrop(m, v, ref, drop, len(hv), p)
		out = append(out, f)
	}
	return out, nil
}

// earlyClosing: traffic stopping well before the scheduled closing time
// (rule early_closing).
func (fl *flagger) earlyClosing(c *storeCase) (out []Flag, err error) {
	in, p, r := fl.in, fl.p, fl.in.rules
	// Traffic stopping well before the scheduled closing time.
	need := r.EarlyCloseDays
	if p.NumDays() == 1 {
		need = 1
	}
	if len(c.early) >= need && len(c.early) > 0 {
		f := c.base
		f.Kind = EarlyClosing
		var lasts, closes []int
		worst := 0
		for _, d := range c.early {
			lasts = append(lasts, d.LastEntryMin)
			closes = append(closes, d.SchedClosesMin)
			f.Days = append(f.Days, d.Day)
			worst = max(worst, d.SchedClosesMin-d.LastEntryMin)
			day, _ := time.ParseInLocation(dayFmt, d.Day, c.s.loc)
			for m := d.LastEntryMin / 60 * 60; m < d.SchedClosesMin; m += 60 {
				t := day.Add(time.Duration(m) * time.Minute)
				f.Hours = append(f.Hours, t.Truncate(time.Hour).UTC())
			}
		}
		last, close := medianInt(lasts), medianInt(closes)
		f.Value, f.Reference = float64(last), float64(close)
		f.Severity = math.Min(1, float64(close-last)/120) * float64(len(c.early)) / float64(max(1, c.k.TradingDays))
		f.Severity = math.Max(f.Severity, 0.3)
		f.Reason = reasonEarly(last, close, len(c.early), c.k.TradingDays)
		// Say what the lost evenings cost against the store's peers.
		if v, ok := in.metricOK(c.k, DailyEntries); ok {
			var worst *TagAverage
			for _, t := range c.s.Tags {
				if ta := c.tags[t]; ta != nil && ta.N[DailyEntries] >= r.MinTagStores && v < ta.Mean[DailyEntries] &&
					(worst == nil || ta.Mean[DailyEntries] > worst.Mean[DailyEntries]) {
					worst = ta
				}
			}
			if worst != nil {
				mean := worst.Mean[DailyEntries]
				f.Reason = f.Reason.And("reason.early.tag", "Value", fmt.Sprintf("%.1f", v), "Tag", worst.Tag, "Average", fmt.Sprintf("%.1f", mean))
				f.Tag = worst.Tag
			}
		}
		out = append(out, f)
	}
	return out, nil
}

// abnormalEntryRate: an entry rate outside what a clothing store can
// plausibly have (rule abnormal_entry_rate).
func (fl *flagger) abnormalEntryRate(c *storeCase) (out []Flag, err error) {
	in, r := fl.in, fl.in.rules
	// Entry rate outside what a clothing store can plausibly have.
	if v, ok := in.metricOK(c.k, EntryRate); ok && (v < r.EntryRateLow || v > r.EntryRateHigh) {
		if err := fl.loadDays(c); err != nil {
			return nil, err
		}
		f := c.base
		f.Kind, f.Metric, f.Value = AbnormalEntryRate, EntryRate, v
		if v < r.EntryRateLow {
			f.Reference = r.EntryRateLow
			f.Severity = (r.EntryRateLow - v) / r.EntryRateLow
			f.Days = daysBelow(c.days, EntryRate, r.EntryRateLow)
		} else {
			f.Reference = r.EntryRateHigh
			f.Severity = math.Min(1, (v-r.EntryRateHigh)/r.EntryRateHigh)
			for _, d := range c.days {
				if x, ok := dayValue(d, EntryRate); ok && x > r.EntryRateHigh {
					f.Days = append(f.Days, d.Day)
				}
			}
		}
		f.Reason = reasonEntryRate(v, r.EntryRateLow, r.EntryRateHigh)
		out = append(out, f)
	}
	return out, nil
}

// suspectCounts: too many open hours under a camera alert or suspect
// counts (rule suspect_counts).
func (fl *flagger) suspectCounts(c *storeCase) (out []Flag, err error) {
	in, p := fl.in, fl.p
	// Suspect counts.
	if in.CountsSuspect(c.k) {
		from, to := utcRange(p, c.s.loc)
		hours, kinds, err := in.db.SuspectHours(fl.ctx, c.s.ID, from, to)
		if err != nil {
			return nil, fmt.Errorf("read suspect hours of store %s: %w", c.s.Code, err)
		}
		f := c.base
		f.Kind = SuspectCounts
		f.Value, f.Reference = float64(c.k.SuspectHours), float64(c.k.OpenHours)
		f.Severity = math.Min(1, 2*f.Value/f.Reference)
		f.Hours = hours
		seen := map[string]bool{}
		for _, h := range hours {
			d := h.In(c.s.loc).Format(dayFmt)
			if !seen[d] {
				seen[d] = true
				f.Days = append(f.Days, d)
			}
		}
		f.Reason = reasonSuspect(c.k.SuspectHours, c.k.OpenHours, kinds)
		out = append(out, f)
	}
	return out, nil
}
