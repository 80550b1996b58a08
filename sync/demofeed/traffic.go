package demofeed

import (
	"fmt"
	"math"
	"sort"
	"strconv"

	"storelens/app/vocab"
	"storelens/sync/feed"
)

// Streams of the generator: each kind of figure draws from its own rng so
// generating one never shifts another.
const (
	streamDay uint64 = iota + 10
	streamCounts
	streamReceipts
	streamShifts
	streamWeather
	streamAlerts
	streamSamples
	streamEntries
)

// weatherOf is a city's weather on d.
func (c *chain) weatherOf(ci int, d day) feed.Weather {
	ct := c.cities[ci]
	r := newRNG(c.seed, streamWeather, uint64(ci), uint64(d))
	t := d.date()
	doy := float64(t.YearDay())
	mean := (ct.climate.jan+ct.climate.jul)/2 - (ct.climate.jul-ct.climate.jan)/2*math.Cos(2*math.Pi*(doy-20)/365)
	mean += 2.5 * r.norm()
	w := feed.Weather{City: ct.name, Day: d.String(), Condition: feed.Sunny,
		TempMinC: math.Round((mean-4-r.float()*2)*10) / 10, TempMaxC: math.Round((mean+4+r.float()*2)*10) / 10}
	m := int(t.Month()) - 1
	x := r.float()
	switch {
	case x < ct.climate.rain[m]:
		w.Condition = feed.Rain
		w.PrecipMM = math.Round(r.between(1, 18)*10) / 10
		if (m == 5 || m == 6) && r.float() < .3 {
			w.Condition = feed.HeavyRain
			w.PrecipMM = math.Round(r.between(25, 90)*10) / 10
		}
		if w.TempMaxC < 3 {
			w.Condition = feed.Snow
		}
	case x < ct.climate.rain[m]+.3:
		w.Condition = feed.Cloudy
	case (m <= 1 || m == 11) && x > .95:
		w.Condition = feed.Fog
	}
	return w
}

// dayTraits are the factors of one store-day.
type dayTraits struct {
	opens, closes int // scheduled local minutes
	closeAt       int // the minute the store actually closes
	traffic       float64
	entryRate     float64
	conversion    float64
	atv           float64 // price factor
	promo         bool
}

var monthTraffic = [12]float64{.96, .9, .92, .95, 1, .97, 1.03, 1.04, .95, 1.05, .98, 1.07}

func (c *chain) traits(s *store, d day, sc storyClock) dayTraits {
	r := newRNG(c.seed, streamDay, uint64(s.idx), uint64(d))
	var t dayTraits
	t.opens, t.closes = s.openMinutes(d)
	t.closeAt = t.closes
	wd := d.weekday()
	f := [7]float64{.88, .86, .9, .92, 1, s.weekendLft, s.weekendLft * .93}[wd]
	t.entryRate, t.conversion, t.atv = s.entryRate, s.conversion, 1
	switch holiday(d) {
	case publicHoliday:
		f = s.weekendLft * 1.12
		if s.tag == TagTourist {
			f *= 1.4
		}
		if s.tag == TagCommunity {
			f = 1.1
		}
	case springEve:
		f, t.closeAt = .45, t.closes-180
	case springFestival:
		f = map[string]float64{TagMall: 1.35, TagTourist: 1.9, TagStreet: 1.2, TagCommunity: .8}[s.tag]
	case preSpring:
		f *= 1.22
		t.conversion *= 1.1
	case shopping618:
		f *= 1.1
		t.conversion *= 1.18
		t.promo = true
	case double11:
		f *= 1.05
		t.conversion *= 1.22
		t.promo = true
	case double12:
		f *= 1.04
		t.conversion *= 1.08
		t.promo = true
	}
	ci := 0
	for i, ct := range c.cities {
		if ct.name == s.city {
			ci = i
		}
	}
	w := c.weatherOf(ci, d)
	switch w.Condition {
	case feed.Rain:
		f *= s.rainFactor
	case feed.HeavyRain:
		f *= s.rainFactor * s.rainFactor
	case feed.Snow:
		f *= .6
		if s.tag == TagMall {
			f *= 1.4
		}
	}
	if w.TempMaxC > 35 && s.tag != TagMall {
		f *= .85
	}
	m := int(d.date().Month()) - 1
	f *= monthTraffic[m]
	// Coats in winter, T-shirts in summer.
	t.atv = [12]float64{1.45, 1.35, 1.1, 1, .92, .85, .82, .85, .95, 1.1, 1.3, 1.4}[m]
	t.traffic = s.passersBy * f * math.Exp(.07*r.norm())
	t.entryRate *= math.Exp(.06 * r.norm())
	t.conversion *= math.Exp(.06 * r.norm())
	switch s.feed.Code {
	case storyRamp:
		t.entryRate = sc.rampEntryRate(d) * math.Exp(.05*r.norm())
	case storyEarlyClose:
		if sc.earlyClose(d) {
			t.closeAt = 19*60 + 50
		}
	}
	return t
}

// shape is the relative traffic at local minute m of the day: lunch and
// evening peaks, a long afternoon at weekends, a morning wave at tourist spots.
func shape(tag string, weekend bool, m int) float64 {
	h := float64(m) / 60
	g := func(mu, sd float64) float64 { return math.Exp(-(h - mu) * (h - mu) / (2 * sd * sd)) }
	v := .25 + g(12.6, 1.1)
	if weekend {
		v += 1.2 * g(15.5, 1.8)
	} else {
		v += .55 * g(15.5, 1.6)
	}
	switch tag {
	case TagMall:
		v += 1.35 * g(19.5, 1.3)
	case TagStreet:
		v += 1.1 * g(19, 1.3)
	case TagCommunity:
		v += 1.5 * g(19.2, 1.1)
	case TagTourist:
		v += .9*g(10.5, 1.2) + .7*g(19.5, 1.3)
	}
	return v
}

// countDay is the device counts of a store's entrance camera on d.
type countDay struct {
	feed    feed.CountDay
	entries []int // per bucket, for the receipts
	opens   int
	traits  dayTraits
}

// entryPlan is the expected passers-by and entries of each bucket of a day.
type entryPlan struct {
	t             dayTraits
	pbExp, entExp []float64
}

func (c *chain) plan(s *store, d day, sc storyClock) entryPlan {
	t := c.traits(s, d, sc)
	n := (t.closes - t.opens + 14) / 15
	p := entryPlan{t: t, pbExp: make([]float64, n), entExp: make([]float64, n)}
	var sum float64
	for k := 0; k < n; k++ {
		w := shape(s.tag, d.weekend(), t.opens+15*k+7)
		if k == 0 {
			w *= .6
		}
		p.pbExp[k] = w
		sum += w
	}
	moved := s.feed.Code == storyMoved && d >= sc.moveDay()
	blocked := s.feed.Code == storyBlocked && sc.blocked(d)
	till := s.feed.Code == storyTill && sc.tillDay(d)
	for k := 0; k < n; k++ {
		start := t.opens + 15*k
		pbExp := t.traffic * p.pbExp[k] / sum
		er := t.entryRate
		if start >= 18*60 {
			er *= 1.08
		}
		entExp := pbExp * er
		if start >= t.closeAt {
			entExp = 0
		} else if start+15 > t.closeAt {
			entExp *= float64(t.closeAt-start) / 15
		}
		if moved && (d > sc.moveDay() || start >= 11*60) {
			pbExp, entExp = pbExp*1.9, entExp*.45
		}
		if blocked {
			pbExp, entExp = pbExp*.15, entExp*.1
		}
		if till && k < 2 {
			entExp = 0
		}
		p.pbExp[k], p.entExp[k] = pbExp, entExp
	}
	return p
}

// entryCounts draws only the entries of each bucket: all the till summary
// needs, and the same numbers counts serves.
func (c *chain) entryCounts(s *store, d day, sc storyClock) countDay {
	return c.entriesOf(c.plan(s, d, sc), s, d)
}

func (c *chain) entriesOf(p entryPlan, s *store, d day) countDay {
	re := newRNG(c.seed, streamEntries, uint64(s.idx), uint64(d))
	cd := countDay{opens: p.t.opens, traits: p.t, entries: make([]int, len(p.entExp))}
	for k, e := range p.entExp {
		cd.entries[k] = re.poisson(e)
	}
	return cd
}

func (c *chain) counts(s *store, d day, sc storyClock) countDay {
	p := c.plan(s, d, sc)
	cd := c.entriesOf(p, s, d)
	r := newRNG(c.seed, streamCounts, uint64(s.idx), uint64(d))
	n := len(cd.entries)
	cd.feed = feed.CountDay{CameraID: s.cameras[0].ID, StoreID: s.feed.ID, Day: d.String(),
		First: d.at(s.loc, p.t.opens).Unix(), Buckets: make([]feed.Bucket, n)}
	carry := 0
	for k, ent := range cd.entries {
		pb := r.poisson(p.pbExp[k])
		stay := r.binomial(ent, .55)
		exits := ent - stay + carry
		carry = stay
		if k == n-1 {
			exits += carry
			carry = 0
		}
		staff := r.poisson(1.1)
		if k == 0 || k == n-1 {
			staff += 3
		}
		dwellN := r.binomial(exits, .86)
		dwell := int64(math.Round(float64(dwellN) * s.dwellMin * 60 * math.Exp(.15*r.norm())))
		cd.feed.Buckets[k] = feed.Bucket{int64(ent), int64(exits), int64(pb), int64(staff), int64(r.binomial(ent, .03)), dwell, int64(dwellN)}
	}
	return cd
}

var tillNames = []string{"", "T1", "T2"}

// On the till story's days nothing is rung up from 15:00 to 15:20 although
// the till camera shows people waiting there.
const (
	tillQuietHour    = 15
	tillQuietMinutes = 20
)

type category struct {
	sku, name string
	prices    []int64 // yuan
	season    [4]float64
	multi     bool // sold by several
}

// A clothing chain's assortment: weights by season (winter, spring, summer, autumn).
var catalog = []category{
	{"TS", "短袖T恤", []int64{79, 99, 129, 159}, [4]float64{.1, 1, 2.2, .6}, false},
	{"SH", "衬衫", []int64{169, 199, 259, 299}, [4]float64{.5, 1, 1, 1}, false},
	{"JN", "牛仔裤", []int64{199, 259, 299, 399}, [4]float64{1, 1, .8, 1.1}, false},
	{"DR", "连衣裙", []int64{259, 299, 399, 499}, [4]float64{.2, .9, 1.6, .6}, false},
	{"KN", "针织衫", []int64{229, 299, 359, 459}, [4]float64{1.2, .8, .1, 1.2}, false},
	{"JK", "外套", []int64{399, 499, 599, 799}, [4]float64{.9, .8, .1, 1.2}, false},
	{"DW", "羽绒服", []int64{699, 899, 1099, 1499}, [4]float64{1.4, .1, 0, .4}, false},
	{"PT", "休闲裤", []int64{159, 199, 239, 299}, [4]float64{.8, 1, 1, 1}, false},
	{"SK", "袜子", []int64{29, 39}, [4]float64{.5, .5, .5, .5}, true},
	{"AC", "帽子围巾", []int64{59, 79, 99, 129}, [4]float64{.8, .3, .3, .5}, false},
}

func seasonOf(d day) int {
	switch d.date().Month() {
	case 12, 1, 2:
		return 0
	case 3, 4, 5:
		return 1
	case 6, 7, 8:
		return 2
	}
	return 3
}

// receipts generates a store's receipts on d and their hourly summary. With
// keep false only the summary is built (same draws, fewer allocations).
func (c *chain) receipts(s *store, d day, sc storyClock, cd countDay, keep bool) ([]feed.Receipt, []feed.POSHour) {
	t := cd.traits
	r := newRNG(c.seed, streamReceipts, uint64(s.idx), uint64(d))
	season := seasonOf(d)
	weights := make([]float64, len(catalog))
	for i, ct := range catalog {
		weights[i] = ct.season[season]
	}
	cashiers := []int{1, 2, 0} // staff indexes: two cashiers and the manager
	tills := 1
	if hasTag(s.feed.Tags, TagFlagship) {
		tills = 2
	}
	var out []feed.Receipt
	var hours []feed.POSHour
	dayStart := d.at(s.loc, 0).Unix()
	n := 0
	var scratch feed.Receipt
	mk := func(ts int64) *feed.Receipt {
		n++
		till := 1 + r.intn(tills)
		cashier := s.staff[cashiers[r.intn(len(cashiers))]%len(s.staff)].Code
		scratch = feed.Receipt{ID: (int64(d)*200+int64(s.idx))*10000 + int64(n), StoreID: s.feed.ID, T: ts, Cashier: cashier}
		if keep {
			scratch.Till = tillNames[till]
		}
		return &scratch
	}
	// addLines rings up nLines articles; the items count travels in qtySum.
	var qtySum int
	addLines := func(rc *feed.Receipt, nLines int, discount float64) {
		var total int64
		qtySum = 0
		for l := 0; l < nLines; l++ {
			ct := &catalog[r.pick(weights)]
			price := ct.prices[r.intn(len(ct.prices))]
			price = int64(math.Round(float64(price)*t.atv*.75/10))*10 - 1 // list price × season × typical markdown
			if price < 19 {
				price = 19
			}
			qty := 1
			if ct.multi {
				qty += r.intn(3)
			}
			style := r.intn(60)
			amt := int64(qty) * price * 100
			if keep {
				rc.Lines = append(rc.Lines, feed.ReceiptLine{SKU: ct.sku + strconv.Itoa(1000+style), Name: ct.name,
					Qty: qty, UnitPriceFen: price * 100, AmountFen: amt})
			}
			qtySum += qty
			total += amt
		}
		rc.DiscountFen = int64(math.Round(float64(total)*discount/100/100)) * 100 // whole yuan
		rc.AmountFen = total - rc.DiscountFen
	}
	// Per hour: transactions follow the entries of the hour.
	byHour := map[int]int{}
	for k, e := range cd.entries {
		byHour[(cd.opens+15*k)/60] += e
	}
	hs := make([]int, 0, len(byHour))
	for h := range byHour {
		hs = append(hs, h)
	}
	sort.Ints(hs)
	till := s.feed.Code == storyTill && sc.tillDay(d)
	card := s.feed.Code == storyTill && sc.staffCardDay(d)
	refundRun := s.feed.Code == storyRefund && sc.refundDay(d)
	heavyDiscount := s.feed.Code == storyDiscount && sc.discountDay(d)
	for hx, h := range hs {
		ent := byHour[h]
		conv := t.conversion
		if h >= 18 {
			conv *= 1.1
		} else if h <= 11 {
			conv *= .85
		}
		k := r.poisson(float64(ent) * conv)
		var sum feed.POSHour
		sum.StoreID = s.feed.ID
		sum.HourStart = dayStart + int64(h)*3600
		lo := int64(h * 60)
		if o := int64(cd.opens); lo < o {
			lo = o
		}
		if till && h == tillQuietHour {
			lo += tillQuietMinutes // 有人无单: people at the till, nothing rung up
		}
		hi := int64(h*60 + 60)
		if cl := int64(t.closeAt); hi > cl {
			hi = cl
		}
		if hi <= lo {
			continue
		}
		var rs []feed.Receipt
		// The stories' receipts come after the hour's k ordinary ones.
		nTill, nCard, nRefund, nDiscount := 0, 0, 0, 0
		if till && h == cd.opens/60 {
			nTill = 2
		}
		if card && h >= 14 && h <= 16 {
			nCard = 1
		}
		if refundRun && hx == len(hs)-2 {
			nRefund = 5
		}
		if heavyDiscount && h >= 17 && h <= 19 {
			nDiscount = 1
		}
		for i := 0; i < k+nTill+nCard+nRefund+nDiscount; i++ {
			ts := dayStart + lo*60 + int64(r.intn(int((hi-lo)*60)))
			rc := mk(ts)
			discount := 0.0
			if r.float() < .45 {
				card := r.intn(4000)
				if keep {
					rc.MemberCard = fmt.Sprintf("M%04d%06d", s.feed.ID, card)
				}
				discount = 5
			}
			if t.promo {
				discount += 10
			}
			nl := 1 + r.poisson(s.basket-1)
			if nl > 6 {
				nl = 6
			}
			x := r.float()
			j := i - k
			switch {
			case j >= 0 && j < nTill:
				rc.T = dayStart + int64(cd.opens)*60 + 180 + int64(r.intn(540))
				rc.Cashier = s.staff[1].Code
				rc.MemberCard = ""
				addLines(rc, 1, 0)
			case j >= nTill && j < nTill+nCard:
				staffer := s.staff[3%len(s.staff)]
				rc.MemberCard = staffer.MemberCard
				addLines(rc, 1+r.intn(2), 15)
			case j >= nTill+nCard && j < nTill+nCard+nRefund:
				rc.Cashier = s.staff[1].Code
				rc.MemberCard = ""
				rc.IsRefund = true
				addLines(rc, 1, 0)
				for j := range rc.Lines {
					rc.Lines[j].Qty, rc.Lines[j].AmountFen = -rc.Lines[j].Qty, -rc.Lines[j].AmountFen
				}
				rc.AmountFen = -rc.AmountFen
			case j >= nTill+nCard+nRefund:
				rc.Cashier = s.staff[2].Code
				rc.MemberCard = ""
				addLines(rc, 1+r.intn(2), 45)
			case x < .02:
				rc.IsRefund = true
				addLines(rc, 1, 0)
				for j := range rc.Lines {
					rc.Lines[j].Qty, rc.Lines[j].AmountFen = -rc.Lines[j].Qty, -rc.Lines[j].AmountFen
				}
				rc.AmountFen = -rc.AmountFen
			case x < .025:
				rc.IsStaffPurchase = true
				rc.MemberCard = s.staff[r.intn(len(s.staff))].MemberCard
				addLines(rc, nl, 30)
			default:
				addLines(rc, nl, discount)
			}
			switch {
			case rc.IsRefund:
				sum.Refunds++
			case rc.IsStaffPurchase:
				sum.StaffPurchases++
			default:
				sum.Receipts++
				sum.SalesFen += rc.AmountFen
				sum.Items += qtySum
			}
			if keep {
				rs = append(rs, *rc)
			}
		}
		hours = append(hours, sum)
		if keep {
			sort.SliceStable(rs, func(i, j int) bool { return rs[i].T < rs[j].T })
			out = append(out, rs...)
		}
	}
	for i := range out {
		out[i].ReceiptNo = fmt.Sprintf("%s-%s-%04d", s.feed.Code, d.date().Format("20060102"), i+1)
	}
	return out, hours
}

// shifts is the roster of a store on d: early and late shifts, two days off
// a week per person, the manager in the middle of the day.
func (c *chain) shifts(s *store, d day, sc storyClock) []feed.Shift {
	t := c.traits(s, d, sc)
	r := newRNG(c.seed, streamShifts, uint64(s.idx), uint64(d))
	var out []feed.Shift
	for i, st := range s.staff {
		if (int(d)+i*3)%7 < 2 {
			continue
		}
		var from, to int
		switch {
		case i == 0:
			from, to = t.opens+60, t.opens+60+9*60
		case (int(d)+i)%2 == 0:
			from, to = t.opens-30, t.opens-30+8*60
		default:
			from, to = t.closes+30-8*60, t.closes+30
		}
		from += 5 * (r.intn(3) - 1)
		out = append(out, feed.Shift{ID: (int64(d)*200+int64(s.idx))*100 + int64(i), StoreID: s.feed.ID, StaffID: st.ID,
			Starts: d.at(s.loc, from).Unix(), Ends: d.at(s.loc, to).Unix()})
	}
	return out
}

// alerts are the alerts a store's cameras raised on d: network drops at night,
// someone standing in front of a lens for minutes, and the moved camera.
func (c *chain) alerts(s *store, d day, sc storyClock) []feed.CameraAlert {
	r := newRNG(c.seed, streamAlerts, uint64(s.idx), uint64(d))
	var out []feed.CameraAlert
	for _, cam := range s.cameras {
		if r.float() < .006 {
			st := d.at(s.loc, 120+r.intn(120)).Unix()
			out = append(out, feed.CameraAlert{ID: fmt.Sprintf("al-%d-%s-n", cam.ID, d), CameraID: cam.ID, Kind: vocab.AlertNoSignal,
				StartedAt: st, EndedAt: st + int64(600+r.intn(3000)), Detail: `{"reason":"network"}`})
		}
		if r.float() < .004 {
			st := d.at(s.loc, 11*60+r.intn(8*60)).Unix()
			out = append(out, feed.CameraAlert{ID: fmt.Sprintf("al-%d-%s-o", cam.ID, d), CameraID: cam.ID, Kind: vocab.AlertOcclusion,
				StartedAt: st, EndedAt: st + int64(120+r.intn(400)), Measure: math.Round(r.between(.3, .6)*100) / 100, Detail: `{"covered":"partial"}`})
		}
	}
	if s.feed.Code == storyMoved && d == sc.moveDay() {
		st := d.at(s.loc, 11*60).Unix()
		out = append(out, feed.CameraAlert{ID: fmt.Sprintf("al-%d-%s-m", s.cameras[0].ID, d), CameraID: s.cameras[0].ID, Kind: vocab.AlertMoved,
			StartedAt: st, Measure: 0.41, Detail: `{"similarity_to_reference":0.41}`})
	}
	return out
}
