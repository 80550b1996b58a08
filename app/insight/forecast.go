package insight

import (
	"context"
	"fmt"
	"math"
	"sort"
	"time"

	"gonum.org/v1/gonum/mat"

	"storelens/localdb"
)

// ForecastHistoryWeeks is how many weeks before a forecast's origin the
// model learns from.
const ForecastHistoryWeeks = 16

// profileWeeks is how many weeks form a store's hour-of-day profile.
const profileWeeks = 8

// trendCapWeeks bounds how far a fitted trend is carried forward.
const trendCapWeeks = 4.0

// halfLifeWeeks weighs recent weeks more, so a store whose level moved
// (a fixed door, a new neighbour) is forecast at its new level.
const halfLifeWeeks = 6.0

// weatherCols are the conditions with their own coefficient; the others
// (sunny, cloudy, fog) are the baseline.
var weatherCols = []string{"rain", "heavy_rain", "snow"}

const nFeatures = 1 + 6 + 1 + 1 + 3 // intercept, Tue..Sun, trend, holiday, weather

// dayModel is a fitted regression of log daily entries.
type dayModel struct {
	origin   time.Time // date (UTC midnight) the trend is measured from
	beta     []float64
	q10, q90 float64 // residual quantiles (log scale)
	ok       bool
}

type dayBand struct{ mid, low, high float64 }

func (in *Insight) features(day time.Time, origin time.Time, weather string, x []float64) {
	for i := range x {
		x[i] = 0
	}
	x[0] = 1
	if wd := (int(day.Weekday()) + 6) % 7; wd > 0 {
		x[wd] = 1
	}
	t := day.Sub(origin).Hours() / (24 * 7)
	x[7] = math.Min(t, trendCapWeeks)
	if in.IsHoliday(day.Format(dayFmt)) {
		x[8] = 1
	}
	for i, w := range weatherCols {
		if weather == w {
			x[9+i] = 1
		}
	}
}

// usable reports whether a day's count can teach the model: traded, with
// entries, and not mostly under a camera alert.
func usable(d localdb.DailyRow) bool {
	return d.Traded && d.Entries > 0 && d.SuspectHours*2 <= d.OpenHours
}

// fit learns log(entries) ~ weekday + trend + holiday + weather by weighted
// ridge least squares over the usable days before origin.
func (in *Insight) fit(days []localdb.DailyRow, weather map[string]string, origin time.Time) dayModel {
	m := dayModel{origin: origin}
	lo := origin.AddDate(0, 0, -7*ForecastHistoryWeeks).Format(dayFmt)
	hi := origin.Format(dayFmt)
	var X [][]float64
	var y, w []float64
	for _, d := range days {
		if d.Day < lo || d.Day >= hi || !usable(d) {
			continue
		}
		day, _ := time.Parse(dayFmt, d.Day)
		x := make([]float64, nFeatures)
		in.features(day, origin, weather[d.Day], x)
		X = append(X, x)
		y = append(y, math.Log(float64(d.Entries)))
		w = append(w, math.Exp2(x[7]/halfLifeWeeks))
	}
	if len(y) < 14 {
		return m
	}
	A := mat.NewSymDense(nFeatures, nil)
	b := mat.NewVecDense(nFeatures, nil)
	for i, x := range X {
		for r := 0; r < nFeatures; r++ {
			if x[r] == 0 {
				continue
			}
			b.SetVec(r, b.AtVec(r)+w[i]*x[r]*y[i])
			for c := r; c < nFeatures; c++ {
				A.SetSym(r, c, A.At(r, c)+w[i]*x[r]*x[c])
			}
		}
	}
	// Ridge: weekdays lightly, the rare columns (holiday, weather) firmly,
	// so one rainy day in the window cannot swing the forecast.
	for r := 1; r < nFeatures; r++ {
		lambda := 0.05
		if r >= 8 {
			lambda = 2
		}
		A.SetSym(r, r, A.At(r, r)+lambda)
	}
	var ch mat.Cholesky
	if !ch.Factorize(A) {
		return m
	}
	beta := mat.NewVecDense(nFeatures, nil)
	if err := ch.SolveVecTo(beta, b); err != nil {
		return m
	}
	m.beta = beta.RawVector().Data
	res := make([]float64, len(y))
	for i, x := range X {
		res[i] = y[i] - dot(m.beta, x)
	}
	sort.Float64s(res)
	m.q10, m.q90 = quantile(res, 0.10), quantile(res, 0.90)
	m.ok = true
	return m
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// quantile of sorted values, linear between ranks.
func quantile(s []float64, q float64) float64 {
	if len(s) == 0 {
		return 0
	}
	pos := q * float64(len(s)-1)
	i := int(pos)
	if i+1 >= len(s) {
		return s[len(s)-1]
	}
	f := pos - float64(i)
	return s[i]*(1-f) + s[i+1]*f
}

func (in *Insight) predict(m dayModel, day time.Time, weather string) dayBand {
	if !m.ok {
		return dayBand{}
	}
	x := make([]float64, nFeatures)
	in.features(day, m.origin, weather, x)
	v := dot(m.beta, x)
	return dayBand{mid: math.Exp(v), low: math.Exp(v + m.q10), high: math.Exp(v + m.q90)}
}

// forecastDays predicts each date of target (UTC midnights), fitting one
// model per ISO week on the ForecastHistoryWeeks weeks before it — or before
// the last day with data, for days still to come.
func (in *Insight) forecastDays(days []localdb.DailyRow, weather map[string]string, target []time.Time) map[string]dayBand {
	out := map[string]dayBand{}
	lastData := time.Time{}
	for _, d := range days {
		if d.Traded {
			t, _ := time.Parse(dayFmt, d.Day)
			if t.After(lastData) {
				lastData = t
			}
		}
	}
	models := map[time.Time]dayModel{}
	for _, day := range target {
		origin := WeekOf(day).From
		if limit := lastData.AddDate(0, 0, 1); origin.After(limit) {
			origin = limit
		}
		m, ok := models[origin]
		if !ok {
			m = in.fit(days, weather, origin)
			models[origin] = m
		}
		out[day.Format(dayFmt)] = in.predict(m, day, weather[day.Format(dayFmt)])
	}
	return out
}

// weekendOrHoliday is the day type of the hour profiles and distributions.
func (in *Insight) weekendOrHoliday(day string, weekday int) bool {
	return weekday >= 5 || in.IsHoliday(day)
}

// hourGrid lists the UTC hour starts of local day (a date) on loc's clock.
func hourGrid(day time.Time, loc *time.Location) []time.Time {
	start := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, loc)
	end := start.AddDate(0, 0, 1)
	h := start.Truncate(time.Hour)
	if h.Before(start) {
		h = h.Add(time.Hour)
	}
	var out []time.Time
	for ; h.Before(end); h = h.Add(time.Hour) {
		out = append(out, h.UTC())
	}
	return out
}

// hours builds the store's hour points over p: every hour that is
// scheduled open or has data, with the forecast band when withForecast.
func (in *Insight) hours(ctx context.Context, s storeRec, p Period, withForecast bool) ([]HourPoint, error) {
	from, to := utcRange(p, s.loc)
	hist := p.From.AddDate(0, 0, -7*profileWeeks)
	hfrom, _ := utcRange(Period{From: hist, To: p.To}, s.loc)
	if !withForecast {
		hfrom = from
	}
	rows, err := in.db.HourlyRows(ctx, s.ID, hfrom, to)
	if err != nil {
		return nil, fmt.Errorf("read hours of store %s: %w", s.Code, err)
	}
	byStart := make(map[int64]int, len(rows))
	for i, r := range rows {
		byStart[r.Start] = i
	}
	var bands map[string]dayBand
	var profile func(week time.Time, weekend bool, hour int) float64
	if withForecast {
		first := p.From.AddDate(0, 0, -7*(ForecastHistoryWeeks+1))
		days, err := in.db.DailyRows(ctx, s.ID, first.Format(dayFmt), p.LastDay())
		if err != nil {
			return nil, fmt.Errorf("read days of store %s: %w", s.Code, err)
		}
		weather, err := in.db.WeatherDays(ctx, s.City, first.Format(dayFmt), p.LastDay())
		if err != nil {
			return nil, fmt.Errorf("read weather of %s: %w", s.City, err)
		}
		var target []time.Time
		for d := p.From; d.Before(p.To); d = d.AddDate(0, 0, 1) {
			target = append(target, time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC))
		}
		bands = in.forecastDays(days, weather, target)
		profile = in.profiles(rows)
	}
	var out []HourPoint
	for d := p.From; d.Before(p.To); d = d.AddDate(0, 0, 1) {
		date := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
		dayStr := date.Format(dayFmt)
		opens, closes, sched := localdb.ScheduleOn(s.Hours, date)
		wd := (int(date.Weekday()) + 6) % 7
		weekend := in.weekendOrHoliday(dayStr, wd)
		for _, h := range hourGrid(date, s.loc) {
			lt := h.In(s.loc)
			minute := lt.Hour()*60 + lt.Minute()
			hp := HourPoint{Start: h, LocalDay: dayStr, LocalHour: lt.Hour(), Weekday: lt.Weekday()}
			i, has := byStart[h.Unix()]
			if has {
				r := rows[i]
				hp.Open, hp.Suspect = r.Open, r.Suspect
				hp.Entries, hp.Exits, hp.PassersBy = r.Entries, r.Exits, r.PassersBy
				hp.Transactions, hp.SalesFen, hp.Staff = r.Transactions, r.SalesF, r.Staff
				hp.HasLocal, hp.LocalEntries = r.HasLocal, r.LocalEntries
			} else {
				hp.Open = sched && minute < closes && minute+60 > opens
				if !hp.Open {
					continue
				}
			}
			if withForecast {
				if b, ok := bands[dayStr]; ok && b.high > 0 {
					sh := profile(WeekOf(date).From, weekend, lt.Hour())
					lo, hi := b.low*sh, b.high*sh
					// Hourly counts are noisier than daily ones: widen by
					// Poisson noise at 80%.
					hp.Predicted = Band{Low: math.Max(0, lo-1.28*math.Sqrt(lo)), High: hi + 1.28*math.Sqrt(hi)}
				}
			}
			out = append(out, hp)
		}
	}
	return out, nil
}

// profiles returns the share of a day's entries that falls in each local
// hour, by day type, over the profileWeeks weeks before a week.
func (in *Insight) profiles(rows []localdb.HourlyRow) func(week time.Time, weekend bool, hour int) float64 {
	type key struct {
		week    time.Time
		weekend bool
	}
	sums := map[key]*[24]float64{}
	for _, r := range rows {
		if r.Suspect {
			continue
		}
		d, _ := time.Parse(dayFmt, r.Day)
		k := key{WeekOf(d).From, in.weekendOrHoliday(r.Day, r.Weekday)}
		if sums[k] == nil {
			sums[k] = &[24]float64{}
		}
		sums[k][r.Hour] += float64(r.Entries)
	}
	cache := map[key][24]float64{}
	return func(week time.Time, weekend bool, hour int) float64 {
		k := key{week, weekend}
		sh, ok := cache[k]
		if !ok {
			var acc [24]float64
			tot := 0.0
			for w := 1; w <= profileWeeks; w++ {
				if s := sums[key{week.AddDate(0, 0, -7*w), weekend}]; s != nil {
					for h := range acc {
						acc[h] += s[h]
						tot += s[h]
					}
				}
			}
			if tot > 0 {
				for h := range acc {
					sh[h] = acc[h] / tot
				}
			}
			cache[k] = sh
		}
		return sh[hour]
	}
}

// Hourly is every hour of the store's period that was scheduled open or saw
// data, with device counts, POS, staff, the local recount and the forecast
// band (each week forecast from the weeks before it), so a chart can show
// real against predicted. A year of it is what the long-range chart reads.
func (in *Insight) Hourly(ctx context.Context, code string, p Period) ([]HourPoint, error) {
	s, err := in.storeByCode(ctx, code)
	if err != nil {
		return nil, err
	}
	return in.hours(ctx, s, p, true)
}

// Forecast is the predicted entries band for each scheduled hour of the
// store's days in p: for past days beside the real counts, for days to come
// from the data up to the last synced day.
func (in *Insight) Forecast(ctx context.Context, code string, p Period) ([]HourPoint, error) {
	return in.Hourly(ctx, code, p)
}

// Backtest scores the forecast of daily entries on the weeks whole weeks
// ending at end (a date; each held-out week is forecast only from the data
// before it) against the seasonal-naive baseline — the same weekday a week
// earlier — over the filter's stores. Days without trade, without a
// baseline or mostly under a camera alert are not scored.
func (in *Insight) Backtest(ctx context.Context, f Filter, end time.Time, weeks int) (BacktestResult, error) {
	res := BacktestResult{Weeks: weeks}
	if weeks <= 0 {
		return res, fmt.Errorf("backtest needs at least one week, got %d", weeks)
	}
	stores, err := in.stores(ctx, f)
	if err != nil {
		return res, err
	}
	endDay := time.Date(end.Year(), end.Month(), end.Day(), 0, 0, 0, 0, time.UTC)
	start := endDay.AddDate(0, 0, -7*weeks)
	first := start.AddDate(0, 0, -7*(ForecastHistoryWeeks+1))
	var ape, bape float64
	covered := 0
	weatherByCity := map[string]map[string]string{}
	for _, s := range stores {
		days, err := in.db.DailyRows(ctx, s.ID, first.Format(dayFmt), endDay.AddDate(0, 0, -1).Format(dayFmt))
		if err != nil {
			return res, fmt.Errorf("read days of store %s: %w", s.Code, err)
		}
		weather, ok := weatherByCity[s.City]
		if !ok {
			if weather, err = in.db.WeatherDays(ctx, s.City, first.Format(dayFmt), endDay.Format(dayFmt)); err != nil {
				return res, fmt.Errorf("read weather of %s: %w", s.City, err)
			}
			weatherByCity[s.City] = weather
		}
		byDay := map[string]localdb.DailyRow{}
		for _, d := range days {
			byDay[d.Day] = d
		}
		scored := false
		for w := 0; w < weeks; w++ {
			ws := start.AddDate(0, 0, 7*w)
			m := in.fit(days, weather, ws)
			for i := 0; i < 7; i++ {
				day := ws.AddDate(0, 0, i)
				ds := day.Format(dayFmt)
				a, ok := byDay[ds]
				if !ok || !usable(a) {
					continue
				}
				b, ok := byDay[day.AddDate(0, 0, -7).Format(dayFmt)]
				if !ok || !b.Traded {
					continue
				}
				fc := in.predict(m, day, weather[ds])
				if fc.mid <= 0 {
					continue
				}
				act := float64(a.Entries)
				ape += math.Abs(act-fc.mid) / act
				bape += math.Abs(act-float64(b.Entries)) / act
				if act >= fc.low && act <= fc.high {
					covered++
				}
				res.Days++
				scored = true
			}
		}
		if scored {
			res.Stores++
		}
	}
	if res.Days == 0 {
		return res, fmt.Errorf("backtest: no store has the %d weeks of data before %s it needs; sync more history first", weeks+ForecastHistoryWeeks, endDay.Format(dayFmt))
	}
	res.MAPE = ape / float64(res.Days)
	res.BaselineMAPE = bape / float64(res.Days)
	res.Coverage = float64(covered) / float64(res.Days)
	return res, nil
}
