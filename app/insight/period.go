package insight

import (
	"encoding/json"
	"fmt"
	"storelens/app/i18n"
	"strconv"
	"strings"
	"time"
)

// PeriodKind is the calendar unit a period was given in.
type PeriodKind int

// The kinds of period.
const (
	Day PeriodKind = iota
	Week
	Month
	Range
)

// Period is a run of whole local calendar days [From, To). From and To are
// midnights; only their dates matter, because each store reads the period
// on its own local calendar (a store in Urumqi and one in Shanghai both
// cover "2026-11-16" as their own day).
type Period struct {
	Kind     PeriodKind
	From, To time.Time
}

const dayFmt = "2006-01-02"

// PeriodError is a period that cannot be read, said for a person.
type PeriodError struct{ Say i18n.Text }

func (e *PeriodError) Error() string   { return e.Say.In(i18n.English) }
func (e *PeriodError) Text() i18n.Text { return e.Say }

// ParsePeriod reads a period the way managers write one:
//
//	2026-11-20               a day
//	2026-W47                 an ISO week (Monday to Sunday)
//	2026-11                  a month
//	2026-11-01..2026-11-15   a range of days, both ends included
//
// loc is the zone the dates are given in (the region's); only dates matter.
func ParsePeriod(s string, loc *time.Location) (Period, error) {
	if loc == nil {
		loc = time.UTC
	}
	s = strings.TrimSpace(s)
	bad := func(why string, kv ...any) (Period, error) {
		return Period{}, &PeriodError{Say: i18n.Say("period.err."+why, append([]any{"Text", s}, kv...)...).And("period.err.write")}
	}
	if a, b, ok := strings.Cut(s, ".."); ok {
		from, err := time.ParseInLocation(dayFmt, strings.TrimSpace(a), loc)
		if err != nil {
			return bad("first")
		}
		to, err := time.ParseInLocation(dayFmt, strings.TrimSpace(b), loc)
		if err != nil {
			return bad("last")
		}
		if to.Before(from) {
			return bad("order")
		}
		return Period{Kind: Range, From: from, To: to.AddDate(0, 0, 1)}, nil
	}
	if y, w, ok := strings.Cut(strings.ToUpper(s), "-W"); ok {
		year, err1 := strconv.Atoi(y)
		week, err2 := strconv.Atoi(w)
		if err1 != nil || err2 != nil {
			return bad("week")
		}
		from := isoWeekStart(year, week, loc)
		if yy, ww := from.ISOWeek(); week < 1 || yy != year || ww != week {
			last := isoWeekStart(year+1, 1, loc).AddDate(0, 0, -7)
			_, weeks := last.ISOWeek()
			return bad("noweek", "Year", year, "Week", week, "Weeks", weeks)
		}
		return Period{Kind: Week, From: from, To: from.AddDate(0, 0, 7)}, nil
	}
	if t, err := time.ParseInLocation(dayFmt, s, loc); err == nil {
		return Period{Kind: Day, From: t, To: t.AddDate(0, 0, 1)}, nil
	}
	if t, err := time.ParseInLocation("2006-01", s, loc); err == nil {
		return Period{Kind: Month, From: t, To: t.AddDate(0, 1, 0)}, nil
	}
	return bad("shape")
}

// isoWeekStart is the Monday of ISO week w of year y.
func isoWeekStart(y, w int, loc *time.Location) time.Time {
	jan4 := time.Date(y, 1, 4, 0, 0, 0, 0, loc)
	off := (int(jan4.Weekday()) + 6) % 7 // days since Monday
	return jan4.AddDate(0, 0, -off+7*(w-1))
}

// WeekOf is the ISO week holding t's date.
func WeekOf(t time.Time) Period {
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
	off := (int(d.Weekday()) + 6) % 7
	from := d.AddDate(0, 0, -off)
	return Period{Kind: Week, From: from, To: from.AddDate(0, 0, 7)}
}

// NumDays is the number of days in the period.
func (p Period) NumDays() int {
	if !p.To.After(p.From) {
		return 0
	}
	// Dates only: count on a UTC calendar so a zone's clock changes cannot
	// make a day 23 or 25 hours long.
	f := time.Date(p.From.Year(), p.From.Month(), p.From.Day(), 0, 0, 0, 0, time.UTC)
	t := time.Date(p.To.Year(), p.To.Month(), p.To.Day(), 0, 0, 0, 0, time.UTC)
	return int(t.Sub(f).Hours() / 24)
}

// Days lists the period's dates as 'YYYY-MM-DD'.
func (p Period) Days() []string {
	var out []string
	for d := p.From; d.Before(p.To); d = d.AddDate(0, 0, 1) {
		out = append(out, d.Format(dayFmt))
	}
	return out
}

// FirstDay and LastDay are the period's first and last dates ('YYYY-MM-DD').
func (p Period) FirstDay() string { return p.From.Format(dayFmt) }

// LastDay is the period's last date, included.
func (p Period) LastDay() string { return p.To.AddDate(0, 0, -1).Format(dayFmt) }

// Previous is the period of the same kind and length just before p.
func (p Period) Previous() Period {
	switch p.Kind {
	case Month:
		return Period{Kind: Month, From: p.From.AddDate(0, -1, 0), To: p.From}
	default:
		n := p.NumDays()
		return Period{Kind: p.Kind, From: p.From.AddDate(0, 0, -n), To: p.From}
	}
}

// Shift moves the period by n days (negative for earlier), keeping its kind.
func (p Period) Shift(days int) Period {
	return Period{Kind: p.Kind, From: p.From.AddDate(0, 0, days), To: p.To.AddDate(0, 0, days)}
}

// YearAgo is the same period a year earlier, aligned by weekday (52 weeks
// back) so a week compares Monday with Monday; a month is the calendar month.
func (p Period) YearAgo() Period {
	if p.Kind == Month {
		return Period{Kind: Month, From: p.From.AddDate(-1, 0, 0), To: p.To.AddDate(-1, 0, 0)}
	}
	return p.Shift(-364)
}

// String writes the period the way ParsePeriod reads it.
func (p Period) String() string {
	switch p.Kind {
	case Day:
		return p.FirstDay()
	case Week:
		y, w := p.From.ISOWeek()
		return fmt.Sprintf("%d-W%02d", y, w)
	case Month:
		return p.From.Format("2006-01")
	}
	return p.FirstDay() + ".." + p.LastDay()
}

// MarshalJSON writes the period as its String.
func (p Period) MarshalJSON() ([]byte, error) { return json.Marshal(p.String()) }

func mustDay(s string) time.Time {
	t, err := time.Parse(dayFmt, s)
	if err != nil {
		panic(err)
	}
	return t
}
