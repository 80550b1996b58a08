package insight

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"

	"storelens/app/i18n"
	"storelens/app/vocab"
)

// Metric names a KPI, with the names of product.md. The string is the key
// used in JSON, in corrective_tasks.kpi and in translations.
type Metric string

// The KPIs of product.md.
const (
	Entries       Metric = "entries"        // 进店客流
	PassersBy     Metric = "passers_by"     // 过店客流
	EntryRate     Metric = "entry_rate"     // 进店率 = entries / passers-by
	Transactions  Metric = "transactions"   // 成交笔数
	Conversion    Metric = "conversion"     // 成交率 = transactions / entries
	Sales         Metric = "sales"          // 销售额 (fen)
	ATV           Metric = "atv"            // 客单价 = sales / transactions (fen)
	Dwell         Metric = "dwell"          // 平均停留时长 (seconds)
	StaffExcluded Metric = "staff_excluded" // crossings removed as staff
	DailyEntries  Metric = "daily_entries"  // entries per trading day, the fair traffic comparison between stores
)

// Metrics lists the KPIs in the order screens show them.
var Metrics = []Metric{Entries, PassersBy, EntryRate, Transactions, Conversion, Sales, ATV, Dwell, DailyEntries}

// LabelKey is the metric's name as a catalogue key ("metric.entry_rate").
func (m Metric) LabelKey() i18n.Label { return i18n.Label("metric." + string(m)) }

// Label is the metric's name in the language lang ("zh" or "en"), from the
// catalogue.
func (m Metric) Label(lang string) string { return i18n.Default().T(lang, string(m.LabelKey()), nil) }

// Ratio is a quotient kept as its two sides, so "no passers-by" shows as
// "—" instead of 0% or a division by zero. The zero value is undefined.
type Ratio struct {
	Num, Den float64
}

// Valid reports whether the ratio has a denominator.
func (r Ratio) Valid() bool { return r.Den > 0 }

// Value is Num/Den, or 0 when the ratio is undefined.
func (r Ratio) Value() float64 {
	if r.Den <= 0 {
		return 0
	}
	return r.Num / r.Den
}

// Percent formats the ratio as "6.25%", or "—" when undefined.
func (r Ratio) Percent() string {
	if !r.Valid() {
		return "—"
	}
	return fmt.Sprintf("%.2f%%", 100*r.Value())
}

// MarshalJSON writes the value, or null when undefined.
func (r Ratio) MarshalJSON() ([]byte, error) {
	if !r.Valid() || math.IsNaN(r.Value()) || math.IsInf(r.Value(), 0) {
		return []byte("null"), nil
	}
	return json.Marshal(round(r.Value(), 6))
}

// KPIs are one store's (or a group's) figures over some hours, computed
// with product.md's formulas from the device counts. The local recount, where
// one exists, is beside them in LocalEntries/LocalPassersBy.
type KPIs struct {
	Entries       int64 `json:"entries"`
	Exits         int64 `json:"exits"`
	PassersBy     int64 `json:"passers_by"`
	StaffExcluded int64 `json:"staff_excluded"`
	Transactions  int64 `json:"transactions"`
	Items         int64 `json:"items"`
	SalesFen      int64 `json:"sales_fen"`
	// EntryRate = Entries / PassersBy.
	EntryRate Ratio `json:"entry_rate"`
	// Conversion = Transactions / Entries.
	Conversion Ratio `json:"conversion"`
	// ATVFen = SalesFen / Transactions, in fen.
	ATVFen Ratio `json:"atv_fen"`
	// DwellSeconds = mean dwell of persons matched on the way out.
	DwellSeconds Ratio `json:"dwell_s"`
	// TradingDays is the number of local days with at least one open hour.
	TradingDays int `json:"trading_days"`
	// OpenHours counts the hours inside opening hours; SuspectHours those of
	// them whose counts are suspect (device flag or a camera alert).
	OpenHours    int `json:"open_hours"`
	SuspectHours int `json:"suspect_hours"`
	// DailyEntries = Entries / TradingDays.
	DailyEntries Ratio `json:"daily_entries"`
	// StaffHours is the sum over hours of staff on shift.
	StaffHours float64 `json:"staff_hours"`
	// LocalEntries and LocalPassersBy are the local recount over the
	// LocalHours hours that have one (0 when none).
	LocalEntries   int64 `json:"local_entries"`
	LocalPassersBy int64 `json:"local_passers_by"`
	LocalHours     int   `json:"local_hours"`
	// DeviceEntriesInLocalHours is the device count over the same hours as
	// the recount, so the two can be compared like for like.
	DeviceEntriesInLocalHours int64 `json:"device_entries_in_local_hours"`
}

// Value returns the metric's value and whether it is defined.
func (k KPIs) Value(m Metric) (float64, bool) {
	switch m {
	case Entries:
		return float64(k.Entries), true
	case PassersBy:
		return float64(k.PassersBy), true
	case EntryRate:
		return k.EntryRate.Value(), k.EntryRate.Valid()
	case Transactions:
		return float64(k.Transactions), true
	case Conversion:
		return k.Conversion.Value(), k.Conversion.Valid()
	case Sales:
		return float64(k.SalesFen), true
	case ATV:
		return k.ATVFen.Value(), k.ATVFen.Valid()
	case Dwell:
		return k.DwellSeconds.Value(), k.DwellSeconds.Valid()
	case StaffExcluded:
		return float64(k.StaffExcluded), true
	case DailyEntries:
		return k.DailyEntries.Value(), k.DailyEntries.Valid()
	}
	return 0, false
}

// Format renders the metric's value for people: counts as integers, rates
// as percentages, money in yuan, dwell in minutes; "—" when undefined.
func (k KPIs) Format(m Metric) string {
	v, ok := k.Value(m)
	return FormatValue(m, v, ok)
}

// MinEntriesForConversion is the fewest entries an hour (or day) needs
// before its conversion is drawn: 2 receipts over 1 entry is not a 200%
// conversion, it is noise that would flatten the rest of the curve.
const MinEntriesForConversion = 5

// HourConversion is transactions / entries for a chart's hour or day, NaN
// when there are too few entries or no POS data.
func HourConversion(entries, transactions int64) float64 {
	if entries < MinEntriesForConversion || transactions <= 0 {
		return math.NaN()
	}
	return float64(transactions) / float64(entries)
}

// FormatValueIn is FormatValue with the units in lang ("86.5 min",
// "86.5分钟"): what screens, commands and reports show a person.
func FormatValueIn(m Metric, v float64, ok bool, lang string) string {
	if m == Dwell && ok && !math.IsNaN(v) {
		return i18n.Say("unit.minutes", "N", fmt.Sprintf("%.1f", v/60)).In(lang)
	}
	return FormatValue(m, v, ok)
}

// FormatValue renders a value of metric m like KPIs.Format.
func FormatValue(m Metric, v float64, ok bool) string {
	if !ok || math.IsNaN(v) {
		return "—"
	}
	switch m {
	case EntryRate, Conversion:
		return fmt.Sprintf("%.2f%%", 100*v)
	case Sales, ATV:
		return FormatMoney(int64(math.Round(v)))
	case Dwell:
		return fmt.Sprintf("%.1f min", v/60)
	case DailyEntries:
		return fmt.Sprintf("%.1f", v)
	}
	return GroupDigits(fmt.Sprintf("%.0f", v))
}

// FormatMoney writes an amount in fen for a person to read, with thousands
// separators: to the cent below ¥10,000 ("¥412.50", a basket), in whole
// yuan from there on ("¥1,234,568", a week's sales, where cents are noise
// that would only widen the screen). It is the one money format of every
// screen, command and report text; files for working (Excel) carry the
// exact amount as a number.
func FormatMoney(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	if fen >= 1_000_000 {
		return sign + "¥" + GroupDigits(fmt.Sprint((fen+50)/100))
	}
	return fmt.Sprintf("%s¥%s.%02d", sign, GroupDigits(fmt.Sprint(fen/100)), fen%100)
}

// GroupDigits puts thousands separators into an integer's digits.
func GroupDigits(s string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// StoreInfo is what a screen shows in a store's header.
type StoreInfo struct {
	ID         int64    `json:"id"`
	Code       string   `json:"code"`
	Name       string   `json:"name"`
	RegionID   string   `json:"region"`
	City       string   `json:"city"`
	TimeZone   string   `json:"time_zone"`
	Tags       []string `json:"tags"`
	StaffCount int      `json:"staff_count"`
	// OpeningHours is today's schedule as "10:00–22:00" (empty when closed).
	OpeningHours string `json:"opening_hours"`
}

// Filter narrows the region overview. The zero value is every store.
type Filter struct {
	// RegionID keeps the stores of one region ("" for all).
	RegionID string
	// Tag keeps the stores with this tag ("" for all).
	Tag string
	// Codes keeps only these stores (nil for all).
	Codes []string
}

// Rank is a position among Of stores, 1 being the best for the metric.
type Rank struct {
	Position int `json:"position"`
	Of       int `json:"of"`
}

// Change compares a value with its value in a reference period.
type Change struct {
	Now      float64 `json:"now"`
	Before   float64 `json:"before"`
	NowOK    bool    `json:"now_ok"`
	BeforeOK bool    `json:"before_ok"`
}

// Relative is (Now−Before)/Before; ok is false when it cannot be computed.
func (c Change) Relative() (float64, bool) {
	if !c.NowOK || !c.BeforeOK || c.Before == 0 {
		return 0, false
	}
	return (c.Now - c.Before) / c.Before, true
}

// StoreKPIs is one row of the region overview.
type StoreKPIs struct {
	Store StoreInfo `json:"store"`
	KPIs  KPIs      `json:"kpis"`
	// Previous are the KPIs of the previous period of the same length.
	Previous KPIs `json:"previous"`
	// YearAgo are the KPIs of the same period a year earlier, aligned by
	// weekday (364 days back).
	YearAgo KPIs `json:"year_ago"`
	// Rank is the store's place in the overview's stores per metric.
	Rank map[Metric]Rank `json:"rank"`
	// TagRank is its place among the stores of each of its tags.
	TagRank map[string]map[Metric]Rank `json:"tag_rank"`
	// Flags are the flags raised for the store, most serious first.
	Flags []Flag `json:"flags"`
	// Closed is true when the store had no open hour in the period (never
	// for a period without data yet).
	Closed bool `json:"closed"`
	// CountsSuspect is true when too many open hours carry a camera alert
	// for the traffic figures to be judged (no traffic rank, one flag).
	CountsSuspect bool `json:"counts_suspect"`
}

// TagAverage is the mean of each metric over the stores that share a tag
// in the same period (product.md's 标签均值). Stores closed all period and
// stores with too little data (Rules.MinOpenHours) are left out.
type TagAverage struct {
	Tag    string             `json:"tag"`
	Stores int                `json:"stores"`
	Mean   map[Metric]float64 `json:"mean"`
	StdDev map[Metric]float64 `json:"stddev"`
	// N is how many stores had the metric defined.
	N map[Metric]int `json:"n"`
}

// Tile is one region total with its change against the previous period.
type Tile struct {
	Metric   Metric  `json:"metric"`
	Value    float64 `json:"value"`
	Previous float64 `json:"previous"`
	OK       bool    `json:"ok"`
	PrevOK   bool    `json:"prev_ok"`
	// YearAgo is the value of the same period a year earlier (aligned by
	// weekday, like StoreKPIs.YearAgo).
	YearAgo   float64 `json:"year_ago"`
	YearAgoOK bool    `json:"year_ago_ok"`
}

// Change is the tile as a Change against the previous period.
func (t Tile) Change() Change {
	return Change{Now: t.Value, Before: t.Previous, NowOK: t.OK, BeforeOK: t.PrevOK}
}

// YearChange is the tile as a Change against the same period a year ago.
func (t Tile) YearChange() Change {
	return Change{Now: t.Value, Before: t.YearAgo, NowOK: t.OK, BeforeOK: t.YearAgoOK}
}

// RegionOverview is the dashboard: every store's KPIs beside its tag
// averages, flagged stores first.
type RegionOverview struct {
	Coverage
	// Stores are ordered flagged first (most flags, most severe), then by code.
	Stores      []StoreKPIs  `json:"stores"`
	TagAverages []TagAverage `json:"tag_averages"`
	// Flags are all flags of all stores, most severe first.
	Flags []Flag `json:"flags"`
	// Tiles are the region totals (entries, passers-by, entry rate, …).
	Tiles []Tile `json:"tiles"`
	// Total is the region's pooled KPIs for the period; PreviousTotal
	// those of Previous, YearAgoTotal those of the same days a year earlier.
	Total         KPIs `json:"total"`
	PreviousTotal KPIs `json:"previous_total"`
	YearAgoTotal  KPIs `json:"year_ago_total"`
}

// Coverage is what a period's figures cover and what their changes compare
// with.
type Coverage struct {
	Period Period `json:"period"`
	// Previous is what the changes compare with: the previous period, or
	// only its first Days days when the data ends inside Period.
	Previous Period `json:"previous"`
	// DataFrom and DataThrough are the first and last local days with data
	// in the local store ('' before any).
	DataFrom    string `json:"data_from"`
	DataThrough string `json:"data_through"`
	// Days are the days of Period the figures cover: all of them, or fewer
	// when the data ends inside it (0 when it starts after the data).
	Days int `json:"days"`
	// YearAgo is what the year-ago figures are of: the same days a year
	// earlier, aligned by weekday.
	YearAgo Period `json:"year_ago"`
	// YearAgoDays are the days of YearAgo that the data holds. When it
	// holds fewer than all of them (the history starts inside it), there
	// is no year-ago comparison: a week is never compared with two days.
	YearAgoDays int `json:"year_ago_days"`
}

// YearAgoIncomplete reports whether the data starts inside the year-ago
// period, so it has no year-ago figures to compare with.
func (c Coverage) YearAgoIncomplete() bool { return c.YearAgoDays < c.YearAgo.NumDays() }

// Incomplete reports whether the data ends inside the period, so its
// figures cover only Days of its days.
func (c Coverage) Incomplete() bool { return c.Days > 0 && c.Days < c.Period.NumDays() }

// NoData reports whether the period lies wholly after or before the local
// data, so a store without figures is not closed but not yet synced (or
// before its history).
func (c Coverage) NoData() bool {
	return c.DataThrough == "" || c.Days == 0 || c.Period.LastDay() < c.DataFrom
}

// FlagKind says why a store was flagged.
type FlagKind string

// The kinds of flag.
const (
	BelowTagAverage   FlagKind = vocab.FlagBelowTagAverage
	SharpDrop         FlagKind = vocab.FlagSharpDrop
	EarlyClosing      FlagKind = vocab.FlagEarlyClosing
	AbnormalEntryRate FlagKind = vocab.FlagAbnormalEntryRate
	SuspectCounts     FlagKind = vocab.FlagSuspectCounts
)

// Text is a sentence for a person (a flag's reason, a summary) as
// catalogue phrases: the front end renders it in the manager's language
// with Text.In (package app/i18n).
type Text = i18n.Text

// Flag is one reason for a manager to look at a store, with the numbers and
// the hours or days that raised it so the UI can jump to the footage.
type Flag struct {
	Store     string   `json:"store"` // store code
	StoreName string   `json:"name"`
	Kind      FlagKind `json:"kind"`
	Metric    Metric   `json:"metric,omitempty"`
	// Value is the store's figure, Reference what it was compared with
	// (tag average, own history, scheduled closing minute, bound).
	Value     float64 `json:"value"`
	Reference float64 `json:"reference"`
	// Severity orders flags: larger is worse (roughly a relative gap).
	Severity float64 `json:"severity"`
	Reason   Text    `json:"reason"`
	// Hours are the UTC starts of the hours that triggered the flag.
	Hours []time.Time `json:"hours,omitempty"`
	// Days are the store-local dates ('YYYY-MM-DD') that triggered it.
	Days []string `json:"days,omitempty"`
	// Tag is the tag whose average the reason quotes (BelowTagAverage, and
	// EarlyClosing when the store's traffic is below its tag's).
	Tag string `json:"tag,omitempty"`
}

// Band is a low–high range.
type Band struct {
	Low  float64 `json:"low"`
	High float64 `json:"high"`
}

// HourPoint is one store-hour: device counts, POS, staff and the forecast.
type HourPoint struct {
	Start        time.Time    `json:"start"` // UTC
	LocalDay     string       `json:"local_day"`
	LocalHour    int          `json:"local_hour"`
	Weekday      time.Weekday `json:"weekday"`
	Open         bool         `json:"open"`
	Suspect      bool         `json:"suspect"`
	Entries      int64        `json:"entries"`
	Exits        int64        `json:"exits"`
	PassersBy    int64        `json:"passers_by"`
	Transactions int64        `json:"transactions"`
	SalesFen     int64        `json:"sales_fen"`
	Staff        float64      `json:"staff"` // staff on shift (staff-hours in the hour)
	// LocalEntries is the local recount; HasLocal false when none exists.
	LocalEntries int64 `json:"local_entries"`
	HasLocal     bool  `json:"has_local"`
	// Predicted is the forecast band of entries (zero when not computed).
	Predicted Band `json:"predicted"`
}

// HourOfDay aggregates one local clock hour over the days of a period.
type HourOfDay struct {
	Hour int `json:"hour"`
	// MeanEntries is the mean entries in this hour per day counted.
	MeanEntries  float64 `json:"mean_entries"`
	Entries      int64   `json:"entries"`
	Transactions int64   `json:"transactions"`
	Conversion   Ratio   `json:"conversion"`
	EntryRate    Ratio   `json:"entry_rate"`
	Days         int     `json:"days"`
}

// HourlyDistribution is traffic by local hour on weekdays versus weekends and
// public holidays; Share is each hour's part of its day type's traffic.
type HourlyDistribution struct {
	Weekday      []HourOfDay `json:"weekday"`
	WeekendHol   []HourOfDay `json:"weekend_holiday"`
	WeekdayShare [24]float64 `json:"weekday_share"`
	WeekendShare [24]float64 `json:"weekend_share"`
}

// StaffClass is how an hour was staffed.
type StaffClass string

// Staffing classes against the tag's band of entries per staff per hour.
const (
	OverStaffed  StaffClass = "over"    // fewer entries per staff than the band's low
	Optimal      StaffClass = "optimal" // inside the band
	UnderStaffed StaffClass = "under"   // more entries per staff than the band's high (or nobody on shift)
)

// StaffHour is one open hour's staff ratio.
type StaffHour struct {
	Start   time.Time  `json:"start"`
	Entries int64      `json:"entries"`
	Staff   float64    `json:"staff"`
	Ratio   Ratio      `json:"ratio"` // entries / staff
	Class   StaffClass `json:"class"`
	Weekend bool       `json:"weekend"`
}

// StaffShares is the share of open hours in each class.
type StaffShares struct {
	Hours   int     `json:"hours"`
	Over    float64 `json:"over"`
	Optimal float64 `json:"optimal"`
	Under   float64 `json:"under"`
}

// NotOptimal is the share of hours over- or under-staffed.
func (s StaffShares) NotOptimal() float64 { return s.Over + s.Under }

// Summary says the shares in a sentence ("80% of hours not optimal: 70%
// over-staffed, 10% under-staffed").
func (s StaffShares) Summary() Text {
	return i18n.Say("staff.summary", "NotOptimal", pct0(100*s.NotOptimal()), "Over", pct0(100*s.Over), "Under", pct0(100*s.Under))
}

// StaffRatio is the store's staffing over the period.
type StaffRatio struct {
	Band    Band        `json:"band"` // entries per staff per hour counted optimal
	Hours   []StaffHour `json:"hours"`
	All     StaffShares `json:"all"`
	Weekday StaffShares `json:"weekday"`
	Weekend StaffShares `json:"weekend"`
}

// MonthPoint is one month of the entry-rate trend (sparkline data).
type MonthPoint struct {
	Month      string `json:"month"` // 'YYYY-MM' local
	EntryRate  Ratio  `json:"entry_rate"`
	Conversion Ratio  `json:"conversion"`
	Entries    int64  `json:"entries"`
}

// WeatherAverage is the store's mean daily traffic under one weather condition.
type WeatherAverage struct {
	Condition    string  `json:"condition"`
	Days         int     `json:"days"`
	DailyEntries float64 `json:"daily_entries"`
	EntryRate    Ratio   `json:"entry_rate"`
}

// StoreDetail is the store page.
type StoreDetail struct {
	Store StoreInfo `json:"store"`
	Coverage
	KPIs     KPIs `json:"kpis"`
	Previous KPIs `json:"previous"`
	YearAgo  KPIs `json:"year_ago"`
	// Rank is the store's place in its region; TagRank within each tag.
	Rank        map[Metric]Rank            `json:"rank"`
	TagRank     map[string]map[Metric]Rank `json:"tag_rank"`
	TagAverages []TagAverage               `json:"tag_averages"`
	Flags       []Flag                     `json:"flags"`
	// CountsSuspect: as in StoreKPIs.
	CountsSuspect bool `json:"counts_suspect"`
	// Hourly is every hour of the period with its forecast band.
	Hourly []HourPoint `json:"hourly"`
	// ByHour is traffic versus conversion by local hour.
	ByHour       []HourOfDay        `json:"by_hour"`
	Distribution HourlyDistribution `json:"distribution"`
	Staff        StaffRatio         `json:"staff"`
	// Monthly is the entry-rate trend of the 12 months up to the period's end.
	Monthly []MonthPoint     `json:"monthly"`
	Weather []WeatherAverage `json:"weather"`
	// Recount compares device and local counts where a recount exists.
	Recount []HourPoint `json:"recount"`
}

// TaskEffect is a corrective task's targeted KPI before and after it was
// done, over the same number of whole weeks on each side so the weekday
// mix is the same.
type TaskEffect struct {
	TaskID string `json:"task_id"`
	Store  string `json:"store"`
	Title  string `json:"title"`
	Metric Metric `json:"metric"`
	// Before covers the weeks up to the task's creation, After the weeks
	// from the day after it was done.
	BeforeFrom string `json:"before_from"`
	BeforeTo   string `json:"before_to"`
	AfterFrom  string `json:"after_from"`
	AfterTo    string `json:"after_to"`
	Weeks      int    `json:"weeks"`
	Before     KPIs   `json:"before"`
	After      KPIs   `json:"after"`
	Change     Change `json:"change"`
	// Done is false while the task is not done; After is then empty.
	Done bool `json:"done"`
	// Category is the task's (a vocab.TaskCategories key, "" other).
	Category string `json:"category,omitempty"`
	// Measure is what the category is judged by beside the KPI: days
	// closed early for an opening-hours task, till findings for a till
	// task, inspections passed for a greeting task; nil for the others.
	Measure *EffectMeasure `json:"measure,omitempty"`
	// Summary says it in a sentence ("entry rate 2.00% → 8.36%").
	Summary Text `json:"summary"`
}

// What an EffectMeasure counts.
const (
	MeasureEarlyClosed = "early_closed_days"  // of the days traded
	MeasureTill        = "till_findings"      // the cashier audit's, over the weeks
	MeasureInspections = "inspections_passed" // of the inspections judged
)

// EffectMeasure counts what a task's category is about on each side of
// it: Before of BeforeOf, After of AfterOf (Of is 0 where there is no
// whole, as for till findings). After is meaningful only when the task's
// Weeks is above 0.
type EffectMeasure struct {
	Kind     string `json:"kind"`
	Before   int    `json:"before"`
	BeforeOf int    `json:"before_of"`
	After    int    `json:"after"`
	AfterOf  int    `json:"after_of"`
}

// Say is the measure in a few words, before → after when measured.
func (m EffectMeasure) Say(measured bool) Text {
	if !measured {
		return i18n.Say("effect.m."+m.Kind+".before", "Before", m.Before, "BeforeOf", m.BeforeOf)
	}
	return i18n.Say("effect.m."+m.Kind, "Before", m.Before, "BeforeOf", m.BeforeOf, "After", m.After, "AfterOf", m.AfterOf)
}

// BacktestResult is the forecast's error on held-out weeks against the
// seasonal-naive baseline (same weekday last week).
type BacktestResult struct {
	Weeks  int `json:"weeks"`
	Stores int `json:"stores"`
	// Days is the number of store-days scored (actual entries > 0).
	Days int `json:"days"`
	// MAPE of daily entries, forecast and baseline, as fractions.
	MAPE         float64 `json:"mape"`
	BaselineMAPE float64 `json:"baseline_mape"`
	// Coverage is the share of scored days whose actual fell in the band.
	Coverage float64 `json:"coverage"`
}

func round(v float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(v*p) / p
}
