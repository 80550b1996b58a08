package demofeed

import (
	"math"
	"testing"
	"time"

	"storelens/app/vocab"
	"storelens/sync/feed"
)

// storeYear sums a store's year of counts and till figures.
type storeYear struct {
	entries, passers, receipts float64
	sales                      float64 // fen
	weekday, weekend           []float64
	hourly                     [24]float64 // weekday entries by local hour
	natDay                     []float64   // entries on the National Day holiday
	sept                       []float64   // entries on ordinary September weekdays
	rain, dry                  []float64   // passers-by on rainy / dry ordinary weekdays
}

func yearOf(c *chain, s *store, sc storyClock, first, last day) storeYear {
	var y storeYear
	ci := 0
	for i, ct := range c.cities {
		if ct.name == s.city {
			ci = i
		}
	}
	for d := first; d <= last; d++ {
		cd := c.counts(s, d, sc)
		var ent, pb float64
		for k, b := range cd.feed.Buckets {
			ent += float64(b[feed.BucketEntries])
			pb += float64(b[feed.BucketPassersBy])
			if !d.weekend() && holiday(d) == ordinary {
				y.hourly[(cd.opens+15*k)/60] += float64(b[feed.BucketEntries])
			}
		}
		_, hs := c.receipts(s, d, sc, cd, false)
		for _, h := range hs {
			y.receipts += float64(h.Receipts)
			y.sales += float64(h.SalesFen)
		}
		y.entries += ent
		y.passers += pb
		t := d.date()
		switch {
		case t.Month() == 10 && t.Day() <= 7:
			y.natDay = append(y.natDay, ent)
		case holiday(d) != ordinary:
		case d.weekend():
			y.weekend = append(y.weekend, ent)
		default:
			y.weekday = append(y.weekday, ent)
			if t.Month() == 9 {
				y.sept = append(y.sept, ent)
			}
			switch c.weatherOf(ci, d).Condition {
			case feed.Rain, feed.HeavyRain:
				y.rain = append(y.rain, pb)
			case feed.Sunny, feed.Cloudy:
				y.dry = append(y.dry, pb)
			}
		}
	}
	return y
}

func mean(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / math.Max(1, float64(len(xs)))
}

func TestFiguresLookLikeRetail(t *testing.T) {
	u := untilDay(testUntil)
	c := buildChain(11, u-365, u)
	sc := newStoryClock(u)
	step := 4
	if testing.Short() {
		step = 12
	}
	var mallWeekday, mallWeekend, holidayLift []float64
	var rainStreet, dryStreet []float64
	for i, s := range c.stores {
		if i%step != 0 || s.feed.Code == storyRamp || s.feed.Code == storyBlocked || s.feed.Code == storyMoved {
			continue
		}
		y := yearOf(c, s, sc, u-365, u)
		er := y.entries / y.passers
		conv := y.receipts / y.entries
		atv := y.sales / y.receipts / 100
		t.Logf("%s %-10s %s entries/day %4.0f entry rate %4.1f%% conversion %4.1f%% ATV ¥%3.0f weekend/weekday ×%.2f", s.feed.Code, s.feed.Name, s.tag, y.entries/366, 100*er, 100*conv, atv, mean(y.weekend)/mean(y.weekday))
		if er < 0.025 || er > 0.16 {
			t.Errorf("%s %s (%s): entry rate %.1f%%, want a few %% to ~15%%", s.feed.Code, s.feed.Name, s.tag, 100*er)
		}
		if conv < 0.10 || conv > 0.36 {
			t.Errorf("%s %s: conversion %.1f%%, want 10–35%%", s.feed.Code, s.feed.Name, 100*conv)
		}
		if atv < 180 || atv > 800 {
			t.Errorf("%s %s: average transaction ¥%.0f, want a clothing basket (¥180–800)", s.feed.Code, s.feed.Name, atv)
		}
		if perDay := y.entries / 366; perDay < 60 || perDay > 1500 {
			t.Errorf("%s %s: %.0f entries a day", s.feed.Code, s.feed.Name, perDay)
		}
		// Lunch and evening peaks over the mid-morning.
		if y.hourly[12] < 1.1*y.hourly[10] || (s.tag != TagTourist && y.hourly[19] < 1.5*y.hourly[10]) {
			t.Errorf("%s %s: weekday entries by hour show no lunch/evening peak: 10h %.0f, 12h %.0f, 19h %.0f", s.feed.Code, s.feed.Name, y.hourly[10], y.hourly[12], y.hourly[19])
		}
		switch s.tag {
		case TagMall:
			mallWeekday = append(mallWeekday, mean(y.weekday))
			mallWeekend = append(mallWeekend, mean(y.weekend))
			holidayLift = append(holidayLift, mean(y.natDay)/mean(y.sept))
		case TagTourist:
			holidayLift = append(holidayLift, mean(y.natDay)/mean(y.sept))
		case TagStreet:
			rainStreet = append(rainStreet, mean(y.rain))
			dryStreet = append(dryStreet, mean(y.dry))
		}
	}
	if len(mallWeekday) == 0 || mean(mallWeekend) < 1.3*mean(mallWeekday) {
		t.Errorf("mall stores: weekend days average %.0f entries, weekdays %.0f; want weekends clearly busier", mean(mallWeekend), mean(mallWeekday))
	}
	for _, l := range holidayLift {
		if l < 1.4 {
			t.Errorf("National Day lifts mall/tourist entries only ×%.2f over September weekdays", l)
		}
	}
	if len(rainStreet) > 0 && mean(rainStreet) > 0.9*mean(dryStreet) {
		t.Errorf("street stores: rainy weekdays %.0f passers-by vs dry %.0f; rain should keep people away", mean(rainStreet), mean(dryStreet))
	}
}

func TestTagsAndSchedulesFollowTheSource(t *testing.T) {
	h := newHarness(t, Config{})
	items, _ := h.readAll(feed.CollStores)
	stores := decodeAll[feed.Store](t, items)
	if len(stores) < 100 || len(stores) > 150 {
		t.Errorf("%d stores, want about 120", len(stores))
	}
	tags := map[string]int{}
	cities := map[string]bool{}
	var qunguang *feed.Store
	for i, s := range stores {
		for _, tg := range s.Tags {
			tags[tg]++
		}
		cities[s.City] = true
		if s.Name == "武汉群光店" {
			qunguang = &stores[i]
		}
		if s.TimeZone == "" || len(s.Hours) == 0 || s.StaffCount == 0 {
			t.Errorf("%s: incomplete: %+v", s.Name, s)
		}
	}
	for _, tg := range []string{TagMall, TagTourist, TagStreet, TagCommunity, TagFlagship, TagHighSales} {
		if tags[tg] == 0 {
			t.Errorf("no store tagged %s", tg)
		}
	}
	if len(cities) < 5 {
		t.Errorf("stores in %d cities", len(cities))
	}
	if qunguang == nil {
		t.Fatal("武汉群光店 is missing")
	}
	// Seasonal ranges: the summer rule of the mall closes later than the base rule.
	var seasonal bool
	for _, h := range qunguang.Hours {
		if h.ValidFrom[5:] != "01-01" && h.Closes > "22:00" {
			seasonal = true
		}
	}
	if !seasonal {
		t.Errorf("武汉群光店 has no seasonal opening hours: %+v", qunguang.Hours)
	}
}

func TestStoriesAreInTheData(t *testing.T) {
	u := untilDay(testUntil)
	c := buildChain(5, u-365, u)
	sc := newStoryClock(u)
	stories := c.stories(sc)
	if len(stories) != 9 {
		t.Fatalf("%d stories", len(stories))
	}
	if got := Stories(testUntil); len(got) != 9 || got[0].From != stories[0].From {
		t.Errorf("Stories(until) disagrees with the server's stories")
	}
	byKind := map[string]Story{}
	for _, s := range stories {
		byKind[s.Kind] = s
		if c.byCode[s.StoreCode] == nil || s.Finding == "" || s.FindingZH == "" || s.From > s.To {
			t.Errorf("story %+v is incomplete", s)
		}
	}
	dayEntries := func(code string, d day) (ent, pb float64, cd countDay) {
		cd = c.counts(c.byCode[code], d, sc)
		for _, b := range cd.feed.Buckets {
			ent += float64(b[feed.BucketEntries])
			pb += float64(b[feed.BucketPassersBy])
		}
		return
	}
	span := func(code string, from, to day) (ent, pb float64) {
		for d := from; d <= to; d++ {
			e, p, _ := dayEntries(code, d)
			ent += e
			pb += p
		}
		return
	}

	t.Run("early close", func(t *testing.T) {
		st := byKind[StoryEarlyClose]
		s := c.byCode[st.StoreCode]
		if s.feed.Name != "武汉群光店" || len(st.Days) < 12 {
			t.Fatalf("story at %s on %d days", s.feed.Name, len(st.Days))
		}
		for _, ds := range st.Days[:6] {
			d := mustDay(ds)
			_, closes := s.openMinutes(d)
			_, _, cd := dayEntries(st.StoreCode, d)
			var late, latePB int64
			for k, b := range cd.feed.Buckets {
				if cd.opens+15*k >= 20*60 {
					late += b[feed.BucketEntries]
					latePB += b[feed.BucketPassersBy]
				}
			}
			rs, _ := c.receipts(s, d, sc, cd, true)
			lastReceipt := time.Unix(rs[len(rs)-1].T, 0).In(s.loc)
			if closes < 22*60 || late != 0 || latePB == 0 || lastReceipt.Hour()*60+lastReceipt.Minute() >= 19*60+50 {
				t.Errorf("%s: scheduled close %d:%02d, entries after 20:00 %d, passers-by %d, last receipt %s", ds, closes/60, closes%60, late, latePB, lastReceipt.Format("15:04"))
			}
		}
		// Below its tag's average over the story's weeks.
		from, to := mustDay(st.From), mustDay(st.To)
		own, _ := span(st.StoreCode, from, to)
		var sum float64
		var n int
		for _, x := range c.stores {
			if x.tag == TagMall && x != s {
				e, _ := span(x.feed.Code, from, to)
				sum += e
				n++
			}
		}
		if own >= 0.85*sum/float64(n) {
			t.Errorf("entries %.0f vs 商场店 average %.0f: not below the tag average", own, sum/float64(n))
		}
	})

	t.Run("entry rate ramp", func(t *testing.T) {
		st := byKind[StoryEntryRateRamp]
		rate := func(m int) float64 {
			a := sc.anchor.date().AddDate(0, -m, 0)
			from := dayOf(a)
			to := dayOf(a.AddDate(0, 1, -1))
			e, p := span(st.StoreCode, from, to)
			return e / p
		}
		prev := 0.0
		for m := 7; m >= 1; m-- {
			r := rate(m)
			if r <= prev {
				t.Errorf("month -%d: entry rate %.2f%% not above the month before (%.2f%%)", m, 100*r, 100*prev)
			}
			prev = r
		}
		if r := rate(7); r < 0.015 || r > 0.026 {
			t.Errorf("first month of the ramp: %.2f%%, want ~2%%", 100*r)
		}
		if r := rate(1); r < 0.075 || r > 0.092 {
			t.Errorf("last month of the ramp: %.2f%%, want ~8.4%%", 100*r)
		}
	})

	t.Run("banner blocks the camera", func(t *testing.T) {
		st := byKind[StoryCameraBlocked]
		from, to := mustDay(st.From), mustDay(st.To)
		during, duringPB := span(st.StoreCode, from, to)
		before, beforePB := span(st.StoreCode, from-14, from-1)
		if during > 0.2*before || duringPB > 0.25*beforePB {
			t.Errorf("entries %.0f vs %.0f the fortnight before; passers-by %.0f vs %.0f", during, before, duringPB, beforePB)
		}
		for d := from; d <= to; d++ {
			for _, a := range c.alerts(c.byCode[st.StoreCode], d, sc) {
				if a.Kind == vocab.AlertOcclusion && a.CameraID == c.byCode[st.StoreCode].cameras[0].ID {
					t.Errorf("the device raised an occlusion alert on %s; the story wants it silent", d)
				}
			}
		}
	})

	t.Run("camera moved", func(t *testing.T) {
		st := byKind[StoryCameraMoved]
		mv := mustDay(st.From)
		after, afterPB := span(st.StoreCode, mv+1, mv+21)
		before, beforePB := span(st.StoreCode, mv-21, mv-1)
		if after > 0.7*before || afterPB < 1.5*beforePB {
			t.Errorf("entries %.0f → %.0f, passers-by %.0f → %.0f", before, after, beforePB, afterPB)
		}
		var moved bool
		for _, a := range c.alerts(c.byCode[st.StoreCode], mv, sc) {
			moved = moved || a.Kind == vocab.AlertMoved
		}
		if !moved {
			t.Error("no 'moved' alert on the day the camera moved")
		}
	})

	t.Run("receipts with nobody at the till", func(t *testing.T) {
		st := byKind[StoryReceiptNoPerson]
		s := c.byCode[st.StoreCode]
		for _, ds := range st.Days[len(st.Days)-3:] {
			d := mustDay(ds)
			_, _, cd := dayEntries(st.StoreCode, d)
			firstEntry := int64(0)
			for k, b := range cd.feed.Buckets {
				if b[feed.BucketEntries] > 0 {
					firstEntry = cd.feed.Start(k)
					break
				}
			}
			rs, _ := c.receipts(s, d, sc, cd, true)
			early := 0
			for _, r := range rs {
				if r.T < firstEntry && r.Cashier == st.StaffCode {
					early++
				}
			}
			if early < 2 {
				t.Errorf("%s: %d receipts by %s before the first entry", ds, early, st.StaffCode)
			}
		}
	})

	t.Run("people at the till, no receipt", func(t *testing.T) {
		st := byKind[StoryTillNoReceipt]
		s := c.byCode[st.StoreCode]
		story := map[string]bool{}
		for _, ds := range st.Days {
			story[ds] = true
		}
		inWindow := func(d day) int {
			rs, _ := c.receipts(s, d, sc, c.counts(s, d, sc), true)
			from, to := d.at(s.loc, 15*60).Unix(), d.at(s.loc, 15*60+20).Unix()
			n := 0
			for _, r := range rs {
				if r.T >= from && r.T < to {
					n++
				}
			}
			return n
		}
		for _, ds := range st.Days {
			if n := inWindow(mustDay(ds)); n != 0 {
				t.Errorf("%s: %d receipts 15:00–15:20 on a story day", ds, n)
			}
		}
		busy, ordinaryDays := 0, 0
		for d := mustDay(st.From) - 40; d < mustDay(st.From); d++ {
			ordinaryDays++
			if inWindow(d) > 0 {
				busy++
			}
		}
		if busy*2 < ordinaryDays {
			t.Errorf("on ordinary days the till rings something up 15:00–15:20 only %d times in %d; the quiet window would not stand out", busy, ordinaryDays)
		}
	})

	t.Run("staff card at the till", func(t *testing.T) {
		st := byKind[StoryStaffCardAtTill]
		s := c.byCode[st.StoreCode]
		var card string
		for _, p := range s.staff {
			if p.Code == st.StaffCode {
				card = p.MemberCard
			}
		}
		for _, ds := range st.Days[len(st.Days)-3:] {
			d := mustDay(ds)
			rs, _ := c.receipts(s, d, sc, c.counts(s, d, sc), true)
			used := 0
			for _, r := range rs {
				if r.MemberCard == card && !r.IsStaffPurchase {
					used++
				}
			}
			if used < 3 {
				t.Errorf("%s: staff card used on %d customer receipts", ds, used)
			}
		}
	})

	// perDay counts, per story day and per other day of the last four
	// weeks, the receipts of cashier that match.
	perDay := func(st Story, match func(feed.Receipt) bool) (story, other []int) {
		s := c.byCode[st.StoreCode]
		days := map[string]bool{}
		for _, ds := range st.Days {
			days[ds] = true
		}
		for d := sc.until - 27; d <= sc.until; d++ {
			rs, _ := c.receipts(s, d, sc, c.counts(s, d, sc), true)
			n := 0
			for _, r := range rs {
				if match(r) {
					n++
				}
			}
			if days[d.String()] {
				story = append(story, n)
			} else {
				other = append(other, n)
			}
		}
		return
	}

	t.Run("a run of refunds", func(t *testing.T) {
		st := byKind[StoryRefundRun]
		story, other := perDay(st, func(r feed.Receipt) bool { return r.IsRefund && r.Cashier == st.StaffCode })
		if len(story) != 7 {
			t.Fatalf("%d story days in four weeks, want 7", len(story))
		}
		for i, n := range story {
			if n < 5 {
				t.Errorf("story day %s: %d refunds by %s, want ≥ 5", st.Days[i], n, st.StaffCode)
			}
		}
		for _, n := range other {
			if n > 2 {
				t.Errorf("an ordinary day with %d refunds by %s: the run would not stand out", n, st.StaffCode)
			}
		}
	})

	t.Run("heavy discounts", func(t *testing.T) {
		st := byKind[StoryHeavyDiscount]
		heavy := func(r feed.Receipt) bool {
			return !r.IsStaffPurchase && !r.IsRefund && r.DiscountFen*100 >= 40*(r.AmountFen+r.DiscountFen)
		}
		story, _ := perDay(st, func(r feed.Receipt) bool { return heavy(r) && r.Cashier == st.StaffCode && r.MemberCard == "" })
		for i, n := range story {
			if n != 3 {
				t.Errorf("story day %s: %d heavily discounted receipts by %s, want 3", st.Days[i], n, st.StaffCode)
			}
		}
		_, other := perDay(st, heavy)
		for _, n := range other {
			if n != 0 {
				t.Errorf("an ordinary day with %d receipts discounted 40 %% or more", n)
			}
		}
	})
}

// The till summary of an hour is exactly the sum of that hour's receipts, so
// trends from the summaries and the cashier audit from receipts agree.
func TestHourlySummariesAreTheSumOfReceipts(t *testing.T) {
	u := untilDay(testUntil)
	c := buildChain(8, u-365, u)
	sc := newStoryClock(u)
	for _, code := range []string{"WH001", "CS005", "ZZ001", "YY010"} {
		s := c.byCode[code]
		for d := u - 4; d <= u; d++ {
			rs, hs := c.receipts(s, d, sc, c.counts(s, d, sc), true)
			_, hsOnly := c.receipts(s, d, sc, c.entryCounts(s, d, sc), false)
			sums := map[int64]*feed.POSHour{}
			for _, r := range rs {
				h := r.T - r.T%3600
				x := sums[h]
				if x == nil {
					x = &feed.POSHour{StoreID: s.feed.ID, HourStart: h}
					sums[h] = x
				}
				switch {
				case r.IsRefund:
					x.Refunds++
				case r.IsStaffPurchase:
					x.StaffPurchases++
				default:
					x.Receipts++
					x.SalesFen += r.AmountFen
					for _, l := range r.Lines {
						x.Items += l.Qty
					}
				}
			}
			if len(hs) != len(hsOnly) {
				t.Fatalf("%s %s: %d hours with receipts kept, %d without", code, d, len(hs), len(hsOnly))
			}
			for i, h := range hs {
				want := feed.POSHour{StoreID: s.feed.ID, HourStart: h.HourStart}
				if x := sums[h.HourStart]; x != nil {
					want = *x
				}
				if h != want || hsOnly[i] != h {
					t.Errorf("%s %s hour %s: summary %+v, receipts add up to %+v (summary-only path %+v)", code, d,
						time.Unix(h.HourStart, 0).In(s.loc).Format("15:04"), h, want, hsOnly[i])
				}
			}
		}
	}
}
