package chart

import (
	"math"
	"storelens/app/i18n"
	"time"

	"storelens/app/insight"
)

// StoreNames are the words the store charts print (series names, legend
// entries), in the reader's language; Weather names a weather condition
// with the number of days it covers.
type StoreNames struct {
	Actual, Band, Entries, Conversion, Device, Local string
	Weekday, Weekend, Over, Optimal, Under           string
	EntryRate, DailyEntries                          string
	Weather                                          func(condition string, days int) string
}

// Names are the store charts' words in lang ("zh" or "en") from the
// catalogue: the store page and a report's store page print the same.
func Names(lang string) StoreNames {
	c := i18n.Default()
	t := func(key string) string { return c.T(lang, key, nil) }
	return StoreNames{
		Actual: t("chart.actual"), Band: t("chart.band"),
		Entries: t("metric.entries"), Conversion: t("metric.conversion"),
		Device: t("chart.device"), Local: t("chart.local"),
		Weekday: t("chart.weekday"), Weekend: t("chart.weekend"),
		Over: t("staff.over"), Optimal: t("staff.optimal"), Under: t("staff.under"),
		EntryRate: t("metric.entry_rate"), DailyEntries: t("chart.dailyentries"),
		Weather: func(cond string, days int) string {
			name := cond
			if c.Has(lang, "weather."+cond) {
				name = t("weather." + cond)
			}
			return name + " " + c.T(lang, "chart.days", map[string]any{"N": days})
		},
	}
}

// StoreCharts are the inputs of every chart of a store: the store page and
// a report's page for the store draw the same figures from them.
type StoreCharts struct {
	Forecast          ForecastInput          // real vs predicted traffic
	TrafficConversion TrafficConversionInput // traffic against conversion
	Recount           CountComparisonInput   // device counts against local recounts
	Hourly            HourlyProfileInput     // weekday vs weekend hourly curve
	Staff             StaffRatioInput        // entries per staff member, by hour
	Trend             TrendInput             // monthly entry rate
	Weather           CategoryInput          // entries per day by weather
}

// ForStore builds the chart inputs of store detail d on loc's clock. A
// period longer than a week is drawn per day, a shorter one per hour with
// closed hours as gaps so a line never bridges a night.
func ForStore(d insight.StoreDetail, loc *time.Location, n StoreNames) StoreCharts {
	long := d.Period.NumDays() > 7

	// Real vs predicted, per hour (per day beyond a week).
	fi := ForecastInput{Step: time.Hour, ActualName: n.Actual, BandName: n.Band}
	tc := TrafficConversionInput{Step: time.Hour, EntriesName: n.Entries, ConversionName: n.Conversion}
	rc := CountComparisonInput{Step: time.Hour, DeviceName: n.Device, LocalName: n.Local}
	if long {
		fi.Step, tc.Step = 24*time.Hour, 24*time.Hour
		type day struct {
			t                 time.Time
			e, tr, lo, hi     float64
			open, hasForecast bool
		}
		var days []*day
		idx := map[string]*day{}
		for _, h := range d.Hourly {
			dd, ok := idx[h.LocalDay]
			if !ok {
				lt := h.Start.In(loc)
				dd = &day{t: time.Date(lt.Year(), lt.Month(), lt.Day(), 0, 0, 0, 0, loc)}
				idx[h.LocalDay] = dd
				days = append(days, dd)
			}
			if h.Open {
				dd.open = true
				dd.e += float64(h.Entries)
				dd.tr += float64(h.Transactions)
			}
			if h.Predicted.High > 0 {
				dd.hasForecast = true
				dd.lo += h.Predicted.Low
				dd.hi += h.Predicted.High
			}
		}
		for _, dd := range days {
			v := math.NaN()
			if dd.open {
				v = dd.e
			}
			fi.Actual = append(fi.Actual, Point{T: dd.t, V: v})
			if dd.hasForecast {
				fi.Band = append(fi.Band, BandPoint{T: dd.t, Low: dd.lo, High: dd.hi})
			}
			conv := insight.HourConversion(int64(dd.e), int64(dd.tr))
			if dd.open {
				tc.Buckets = append(tc.Buckets, HourTraffic{T: dd.t, Entries: dd.e, Conversion: conv})
			}
		}
	} else {
		// Every hour of the period is on the axis; closed hours are gaps,
		// so a line never bridges a night.
		for _, h := range d.Hourly {
			v := math.NaN()
			if h.Open {
				v = float64(h.Entries)
			}
			fi.Actual = append(fi.Actual, Point{T: h.Start, V: v})
			lo, hi := math.NaN(), math.NaN()
			if h.Predicted.High > 0 {
				lo, hi = h.Predicted.Low, h.Predicted.High
			}
			fi.Band = append(fi.Band, BandPoint{T: h.Start, Low: lo, High: hi})
			e, conv := math.NaN(), math.NaN()
			if h.Open {
				e = float64(h.Entries)
				conv = insight.HourConversion(h.Entries, h.Transactions)
			}
			tc.Buckets = append(tc.Buckets, HourTraffic{T: h.Start, Entries: e, Conversion: conv})
		}
		tc.Buckets = trimClosed(tc.Buckets)
	}
	hasBand := false
	for _, b := range fi.Band {
		if !math.IsNaN(b.High) {
			hasBand = true
		}
	}
	if allNaN(fi.Actual) && !hasBand {
		fi.Actual, fi.Band = nil, nil
	}
	for _, h := range d.Recount {
		if !h.HasLocal {
			continue
		}
		rc.Device = append(rc.Device, Point{T: h.Start, V: float64(h.Entries)})
		rc.Local = append(rc.Local, Point{T: h.Start, V: float64(h.LocalEntries)})
	}

	var hp HourlyProfileInput
	hp.WeekdayName, hp.WeekendName = n.Weekday, n.Weekend
	for i := range hp.Weekday {
		hp.Weekday[i], hp.Weekend[i] = math.NaN(), math.NaN()
	}
	for _, h := range d.Distribution.Weekday {
		if h.Hour >= 0 && h.Hour < 24 && h.Days > 0 {
			hp.Weekday[h.Hour] = h.MeanEntries
		}
	}
	for _, h := range d.Distribution.WeekendHol {
		if h.Hour >= 0 && h.Hour < 24 && h.Days > 0 {
			hp.Weekend[h.Hour] = h.MeanEntries
		}
	}

	sr := StaffRatioInput{Step: time.Hour, BandLow: d.Staff.Band.Low, BandHigh: d.Staff.Band.High,
		OverName: n.Over, OptimalName: n.Optimal, UnderName: n.Under}
	for _, h := range d.Staff.Hours {
		v := math.NaN()
		if h.Ratio.Valid() {
			v = h.Ratio.Value()
		}
		cl := StaffUnknown
		switch h.Class {
		case insight.OverStaffed:
			cl = StaffOver
		case insight.Optimal:
			cl = StaffOptimal
		case insight.UnderStaffed:
			cl = StaffUnder
		}
		sr.Hours = append(sr.Hours, StaffHour{T: h.Start, Ratio: v, Class: cl})
	}

	trend := TrendInput{Name: n.EntryRate}
	for _, m := range d.Monthly {
		t, err := time.ParseInLocation("2006-01", m.Month, loc)
		if err != nil {
			continue
		}
		v := math.NaN()
		if m.EntryRate.Valid() {
			v = m.EntryRate.Value()
		}
		trend.Months = append(trend.Months, Point{T: t, V: v})
	}
	if allNaN(trend.Months) {
		trend.Months = nil
	}

	wi := CategoryInput{Name: n.DailyEntries}
	for _, w := range d.Weather {
		if w.Days == 0 {
			continue
		}
		wi.Categories = append(wi.Categories, Category{
			Key:   w.Condition,
			Label: n.Weather(w.Condition, w.Days),
			Value: w.DailyEntries,
		})
	}

	return StoreCharts{Forecast: fi, TrafficConversion: tc, Recount: rc, Hourly: hp, Staff: sr, Trend: trend, Weather: wi}
}

func allNaN(ps []Point) bool {
	for _, p := range ps {
		if !math.IsNaN(p.V) {
			return false
		}
	}
	return true
}

// trimClosed drops the closed hours before the first and after the last
// open hour, keeping those in between as gaps.
func trimClosed(b []HourTraffic) []HourTraffic {
	first, last := -1, -1
	for i, x := range b {
		if !math.IsNaN(x.Entries) {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return nil
	}
	return b[first : last+1]
}
