// Package insight is StoreLens's judgement: every KPI, tag average, rank,
// flag, forecast and staffing figure that a screen or report shows comes
// from here, computed with the metric names and formulas of product.md.
//
// It reads the local store's read-only pool, and only the rollup tables
// (store_hourly, store_daily, store_weekly, store_monthly) that
// localdb.RefreshRollups keeps up to date at sync time, so a screen never
// aggregates raw 15-minute buckets. A day's totals cover all its hours, so no
// receipt is lost to a schedule; open hours, staffing classes and the hourly
// distributions follow the opening hours. In a zone with a half-hour offset
// the UTC hour that straddles local midnight counts to the day it starts on.
//
// # Periods and time zones
//
// A Period is a run of local calendar days; each store reads it on its own
// calendar (stores.time_zone), so "2026-W47" is Monday to Sunday in every
// store's own clock. Nothing assumes a zone.
//
// # Flags
//
// A store is flagged, with a reason in Chinese and English and the hours or
// days that raised it, when (defaults in DefaultRules):
//
//   - below_tag_average: a KPI (entries per trading day, entry rate,
//     conversion) is at least Rules.TagGap (30%) below the mean of the
//     stores sharing one of its tags AND its z-score against the other
//     stores of the tag is at most −Rules.TagZ (−2.0), the tag has at least
//     Rules.MinTagStores (3) stores with data, and the store has
//     Rules.MinOpenHours (20 per week) open hours; the tag with the largest
//     gap is reported, with how many periods running the store sat below;
//   - sharp_drop: entries per trading day, entry rate or conversion fell by
//     Rules.DropGap (35%) or more against the mean of the store's own
//     previous Rules.HistoryPeriods (4) periods of the same length;
//   - early_closing: on at least Rules.EarlyCloseDays days (2, or 1 for a
//     one-day period) the last counted entry came Rules.EarlyCloseMinutes
//     (60) or more before the scheduled closing time, and at the day's own
//     pace the closed stretch would have seen Rules.EarlyCloseMinEntries
//     (15) entries — a busy store shut early (the 19:50 story), not a quiet
//     evening or a blocked lens;
//   - abnormal_entry_rate: the entry rate is below Rules.EntryRateLow (3%) or
//     above Rules.EntryRateHigh (60%), which in clothing retail means a
//     miscounting line or a store nobody walks into;
//   - suspect_counts: at least Rules.SuspectShare (10%) of open hours carry
//     a camera alert or a suspect device bucket, so the KPIs above may lie.
//     The flag lists those open hours (never the night hours of an alert
//     that stayed open).
//
// # Suspect counts
//
// A store whose counts are suspect (suspect_counts above) is judged on its
// camera only: it gets the suspect_counts flag and no other, since every
// other rule reads the door counts; it has no region or tag rank in the
// traffic metrics (entries, passers-by, entry rate, conversion, dwell,
// entries per day), and its traffic figures stay out of the tag averages and
// z-scores other stores are judged against, so one moved camera cannot pull
// a tag's average down and hide a weak store. Sales, transactions and ATV
// come from the till and keep their ranks. A history period whose counts
// were suspect is left out of the store's own baseline (sharp_drop). Below
// the share, the few suspect hours stay in the store's totals: they are
// shown (open hours, of which suspect) but do not change a judgement.
//
// A store closed the whole period is never flagged for its KPIs, and a store
// without a tag is compared with nobody (it can still drop, close early or
// be suspect).
//
// # Forecast
//
// Predicted traffic is a per-store weighted ridge regression (gonum) of log
// daily entries on weekday, a linear trend (carried at most four weeks
// ahead), public holidays (Params.Holidays) and rain/heavy rain/snow, fitted
// on the ForecastHistoryWeeks (16) weeks before each forecast week, recent
// weeks weighing more (half-life six weeks); days mostly under a camera
// alert are left out. The daily figure is spread over the hours with the
// store's hour-of-day profile of the eight weeks before, by day type
// (weekday, or weekend/holiday), and the band is the 10th–90th percentile of
// the fit's residuals, widened per hour for counting noise. Backtest reports
// the MAPE of daily entries on held-out weeks next to the seasonal-naive
// baseline (same weekday last week). Shopping festivals (6·18, 双十一) are
// not modelled.
package insight

import (
	"errors"
	"time"

	"storelens/localdb"
)

// Rules are the thresholds of the flags and of the staffing classes. The
// zero value is not useful; start from DefaultRules.
type Rules struct {
	// TagGap is the relative gap below the tag average that flags (0.25 = 25%).
	TagGap float64
	// TagZ is the z-score against the tag's other stores at or below −TagZ
	// that flags.
	TagZ float64
	// MinTagStores is the fewest stores with data for a tag average to count.
	MinTagStores int
	// MinOpenHours is the fewest open hours a store needs in the period to
	// be compared at all.
	MinOpenHours int
	// MinEntries is the fewest entries for rate flags (entry rate, conversion).
	MinEntries int64
	// DropGap is the relative fall against own history that flags.
	DropGap float64
	// HistoryPeriods is how many previous periods form the store's history.
	HistoryPeriods int
	// EarlyCloseMinutes is how long before scheduled closing the last entry
	// must be to count the day as closed early.
	EarlyCloseMinutes int
	// EarlyCloseDays is how many such days flag (1 for a one-day period).
	EarlyCloseDays int
	// EarlyCloseMinEntries is how many entries the closed stretch would
	// have seen at the day's own pace for the day to count.
	EarlyCloseMinEntries int
	// EntryRateLow and EntryRateHigh bound a plausible entry rate.
	EntryRateLow, EntryRateHigh float64
	// SuspectShare is the share of suspect open hours that flags.
	SuspectShare float64
	// StaffBands are the optimal entries per staff per hour by tag; a store
	// with several tags uses the first tag found here, else DefaultStaffBand.
	StaffBands       map[string]Band
	DefaultStaffBand Band
}

// DefaultRules are the thresholds the package doc describes.
func DefaultRules() Rules {
	return Rules{
		TagGap:               0.30,
		TagZ:                 2.0,
		MinTagStores:         3,
		MinOpenHours:         20,
		MinEntries:           50,
		DropGap:              0.35,
		HistoryPeriods:       4,
		EarlyCloseMinutes:    60,
		EarlyCloseDays:       2,
		EarlyCloseMinEntries: 15,
		EntryRateLow:         0.03,
		EntryRateHigh:        0.60,
		SuspectShare:         0.10,
		StaffBands: map[string]Band{
			"商场店": {Low: 4, High: 12},
			"景区店": {Low: 5, High: 15},
			"街边店": {Low: 3, High: 10},
			"社区店": {Low: 2, High: 8},
			"旗舰店": {Low: 5, High: 14},
		},
		DefaultStaffBand: Band{Low: 3, High: 10},
	}
}

// Params are what Insight needs. DB is required.
type Params struct {
	DB *localdb.DB
	// Rules default to DefaultRules.
	Rules *Rules
	// Holidays are local dates ('YYYY-MM-DD') of public holidays; nil means
	// the built-in Chinese calendar (DefaultHolidays).
	Holidays map[string]string
	// Now is the clock (tests fix it); nil means time.Now.
	Now func() time.Time
}

// Insight answers the screens' questions. It is safe for concurrent use:
// it holds no state but its parameters and reads through the read-only pool.
type Insight struct {
	db       *localdb.DB
	rules    Rules
	holidays map[string]string
	now      func() time.Time
}

// New returns an Insight over p.DB.
func New(p Params) *Insight {
	r := DefaultRules()
	if p.Rules != nil {
		r = *p.Rules
	}
	h := p.Holidays
	if h == nil {
		h = DefaultHolidays()
	}
	now := p.Now
	if now == nil {
		now = time.Now
	}
	return &Insight{db: p.DB, rules: r, holidays: h, now: now}
}

// Rules returns the thresholds in use.
func (in *Insight) Rules() Rules { return in.rules }

// ErrUnknownStore is returned for a store code that is not in the local store.
var ErrUnknownStore = errors.New("unknown store")

// IsHoliday reports whether the local date day is a public holiday.
func (in *Insight) IsHoliday(day string) bool { _, ok := in.holidays[day]; return ok }
