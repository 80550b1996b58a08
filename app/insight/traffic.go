package insight

import (
	"context"
	"slices"
	"strings"
	"time"
)

// DayPoint is one store-day summed from its hour points: what a per-day
// table shows.
type DayPoint struct {
	Day          string       `json:"day"` // local 'YYYY-MM-DD'
	Weekday      time.Weekday `json:"weekday"`
	OpenHours    int          `json:"open_hours"`
	SuspectHours int          `json:"suspect_hours"`
	Entries      int64        `json:"entries"`
	PassersBy    int64        `json:"passers_by"`
	Transactions int64        `json:"transactions"`
	SalesFen     int64        `json:"sales_fen"`
	EntryRate    Ratio        `json:"entry_rate"`
	Conversion   Ratio        `json:"conversion"`
	ATVFen       Ratio        `json:"atv_fen"`
}

// Days sums hour points (in time order, as Store and Traffic give them)
// per local day, with the day's ratios by product.md's formulas.
func Days(hours []HourPoint) []DayPoint {
	var out []DayPoint
	for _, h := range hours {
		if len(out) == 0 || out[len(out)-1].Day != h.LocalDay {
			out = append(out, DayPoint{Day: h.LocalDay, Weekday: mustDay(h.LocalDay).Weekday()})
		}
		d := &out[len(out)-1]
		if h.Open {
			d.OpenHours++
			if h.Suspect {
				d.SuspectHours++
			}
		}
		d.Entries += h.Entries
		d.PassersBy += h.PassersBy
		d.Transactions += h.Transactions
		d.SalesFen += h.SalesFen
	}
	for i := range out {
		out[i].ratios()
	}
	return out
}

func (d *DayPoint) ratios() {
	d.EntryRate = Ratio{Num: float64(d.Entries), Den: float64(d.PassersBy)}
	d.Conversion = Ratio{Num: float64(d.Transactions), Den: float64(d.Entries)}
	d.ATVFen = Ratio{Num: float64(d.SalesFen), Den: float64(d.Transactions)}
}

// DayTotals pools the days of many stores (a region's day-by-day line).
// The zero value is empty and ready.
type DayTotals struct {
	days map[string]*DayPoint
}

// Add pools one store's days.
func (t *DayTotals) Add(days []DayPoint) {
	if t.days == nil {
		t.days = map[string]*DayPoint{}
	}
	for _, d := range days {
		p, ok := t.days[d.Day]
		if !ok {
			p = &DayPoint{Day: d.Day, Weekday: d.Weekday}
			t.days[d.Day] = p
		}
		p.OpenHours += d.OpenHours
		p.SuspectHours += d.SuspectHours
		p.Entries += d.Entries
		p.PassersBy += d.PassersBy
		p.Transactions += d.Transactions
		p.SalesFen += d.SalesFen
	}
}

// Days are the pooled days in date order, with their ratios.
func (t *DayTotals) Days() []DayPoint {
	out := make([]DayPoint, 0, len(t.days))
	for _, d := range t.days {
		c := *d
		c.ratios()
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b DayPoint) int { return strings.Compare(a.Day, b.Day) })
	return out
}

// Traffic calls fn with every hour of period p (scheduled open or with
// data, on the store's clock, no forecast) of each store of the filter,
// store by store in code order, so an export of thousands of stores holds
// one store's hours at a time. It stops at fn's first error.
func (in *Insight) Traffic(ctx context.Context, p Period, f Filter, fn func(StoreInfo, []HourPoint) error) error {
	stores, err := in.stores(ctx, f)
	if err != nil {
		return err
	}
	for _, s := range stores {
		if err := ctx.Err(); err != nil {
			return err
		}
		hours, err := in.hours(ctx, s, p, false)
		if err != nil {
			return err
		}
		if err := fn(in.info(s), hours); err != nil {
			return err
		}
	}
	return nil
}
