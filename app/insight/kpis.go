package insight

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"storelens/localdb"
)

// kpisOf turns summed daily rollups into KPIs with product.md's formulas.
func kpisOf(t localdb.DailyTotal) KPIs {
	k := KPIs{
		Entries:                   t.Entries,
		Exits:                     t.Exits,
		PassersBy:                 t.PassersBy,
		StaffExcluded:             t.StaffExcluded,
		Transactions:              t.Transactions,
		Items:                     t.Items,
		SalesFen:                  t.SalesFen,
		TradingDays:               t.TradedDays,
		OpenHours:                 t.OpenHours,
		SuspectHours:              t.SuspectHours,
		StaffHours:                t.StaffHours,
		LocalEntries:              t.LocalEntries,
		LocalPassersBy:            t.LocalPassersBy,
		LocalHours:                t.LocalHours,
		DeviceEntriesInLocalHours: t.DeviceEntriesLocalHours,
	}
	k.fill(t.DwellSum, t.DwellN)
	return k
}

// fill derives the ratios from the counts.
func (k *KPIs) fill(dwellSum float64, dwellN int64) {
	k.EntryRate = Ratio{float64(k.Entries), float64(k.PassersBy)}
	k.Conversion = Ratio{float64(k.Transactions), float64(k.Entries)}
	k.ATVFen = Ratio{float64(k.SalesFen), float64(k.Transactions)}
	k.DwellSeconds = Ratio{dwellSum, float64(dwellN)}
	k.DailyEntries = Ratio{float64(k.Entries), float64(k.TradingDays)}
}

// add pools b into a (for region totals).
func addTotals(a *localdb.DailyTotal, b localdb.DailyTotal) {
	a.Days += b.Days
	a.TradedDays += b.TradedDays
	a.OpenHours += b.OpenHours
	a.SuspectHours += b.SuspectHours
	a.AlertKinds |= b.AlertKinds
	a.Entries += b.Entries
	a.Exits += b.Exits
	a.PassersBy += b.PassersBy
	a.StaffExcluded += b.StaffExcluded
	a.DwellSum += b.DwellSum
	a.DwellN += b.DwellN
	a.Transactions += b.Transactions
	a.Items += b.Items
	a.SalesFen += b.SalesFen
	a.StaffHours += b.StaffHours
	a.LocalHours += b.LocalHours
	a.LocalEntries += b.LocalEntries
	a.LocalPassersBy += b.LocalPassersBy
	a.DeviceEntriesLocalHours += b.DeviceEntriesLocalHours
}

// storeRec is a store with what insight needs to read its calendar.
type storeRec struct {
	localdb.Store
	loc *time.Location
}

func (in *Insight) stores(ctx context.Context, f Filter) ([]storeRec, error) {
	all, err := in.db.Stores(ctx, f.RegionID)
	if err != nil {
		return nil, fmt.Errorf("read stores: %w", err)
	}
	var out []storeRec
	for _, s := range all {
		if f.Tag != "" && !slices.Contains(s.Tags, f.Tag) {
			continue
		}
		if len(f.Codes) > 0 && !slices.ContainsFunc(f.Codes, func(c string) bool { return strings.EqualFold(c, s.Code) }) {
			continue
		}
		loc, err := zone(s.TimeZone)
		if err != nil {
			return nil, fmt.Errorf("store %s: time zone %q is unknown (%v); fix it at HQ and sync again", s.Code, s.TimeZone, err)
		}
		out = append(out, storeRec{Store: s, loc: loc})
	}
	return out, nil
}

func (in *Insight) storeByCode(ctx context.Context, code string) (storeRec, error) {
	s, err := in.db.StoreWithCode(ctx, code)
	if errors.Is(err, localdb.ErrNotFound) {
		return storeRec{}, fmt.Errorf("store %q is not in the local data: %w (check the code, or sync first)", code, ErrUnknownStore)
	}
	if err != nil {
		return storeRec{}, fmt.Errorf("read store %q: %w", code, err)
	}
	loc, err := zone(s.TimeZone)
	if err != nil {
		return storeRec{}, fmt.Errorf("store %s: time zone %q is unknown (%v); fix it at HQ and sync again", s.Code, s.TimeZone, err)
	}
	return storeRec{Store: s, loc: loc}, nil
}

func (in *Insight) info(s storeRec) StoreInfo {
	today := in.now().In(s.loc)
	hours := ""
	if o, c, ok := localdb.ScheduleOn(s.Hours, time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)); ok {
		hours = clock(o) + "–" + clock(c)
	}
	tags := s.Tags
	if tags == nil {
		tags = []string{}
	}
	return StoreInfo{ID: s.ID, Code: s.Code, Name: s.Name, RegionID: s.RegionID, City: s.City, TimeZone: s.TimeZone,
		Tags: tags, StaffCount: s.StaffCount, OpeningHours: hours}
}

var zones sync.Map // IANA name → *time.Location

// zone is time.LoadLocation with a cache: a chain has a handful of zones and
// thousands of stores.
func zone(name string) (*time.Location, error) {
	if l, ok := zones.Load(name); ok {
		return l.(*time.Location), nil
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	zones.Store(name, l)
	return l, nil
}

// clock writes minutes after midnight as HH:MM.
func clock(min int) string { return fmt.Sprintf("%02d:%02d", min/60, min%60) }

// utcRange is the instants covering the local days of p on loc's clock.
func utcRange(p Period, loc *time.Location) (time.Time, time.Time) {
	f := time.Date(p.From.Year(), p.From.Month(), p.From.Day(), 0, 0, 0, 0, loc)
	t := time.Date(p.To.Year(), p.To.Month(), p.To.Day(), 0, 0, 0, 0, loc)
	return f, t
}

// minHours is the fewest open hours a store needs in p to be compared:
// Rules.MinOpenHours per week, pro rata, at least one.
func (in *Insight) minHours(p Period) int {
	return max(1, in.rules.MinOpenHours*p.NumDays()/7)
}
