// Package audit is the cashier audit (收银追溯): it cross-checks a store's
// POS receipts with who stood at its till, as the till camera's footage
// showed it, and with the store's own pattern of refunds and discounts.
// It reads nothing itself: the caller hands it one store's receipts,
// presence samples, entrance counts and the chain's staff cards, and it
// returns findings with their evidence. Each rule is written for
// precision first: a finding is something a regional manager should look
// at, and a list of a hundred a week is a list nobody reads.
package audit

import (
	"fmt"
	"math"
	"sort"
	"time"

	"storelens/localdb"
)

// Finding kinds, as the feed and `storelens audit --json` name them.
const (
	ReceiptNoCustomer = "receipt_no_customer" // 有单无人: a receipt with nobody at the till
	CustomerNoReceipt = "customer_no_receipt" // 有人无单: people waiting at the till, nothing rung up
	StaffMemberCard   = "staff_member_card"   // 内部会员卡: a staff card, or a card used far too often
	RefundPattern     = "refund_pattern"      // refunds far beyond the store's usual
	DiscountPattern   = "discount_pattern"    // discounts far beyond the store's usual
)

// Kinds lists every finding kind in the order screens show them.
var Kinds = []string{ReceiptNoCustomer, CustomerNoReceipt, StaffMemberCard, RefundPattern, DiscountPattern}

// Thresholds are the audit's settings; Defaults are what a store is
// judged by unless the manager changes them.
type Thresholds struct {
	// ReceiptBefore and ReceiptAfter bound the window around a receipt in
	// which a customer must be seen on the customer side of the till.
	ReceiptBefore, ReceiptAfter time.Duration
	// Wait is how long people may wait at the till before a missing
	// receipt is a finding.
	Wait time.Duration
	// CardUsesPerDay is the most receipts one member card is on in a day
	// before it is a finding (staff cards are a finding on any receipt
	// that is not a staff purchase).
	CardUsesPerDay int
	// RefundRun is the fewest refunds by one cashier within RefundWindow
	// that can be a finding; the run must also be far beyond the store's
	// usual (a chance of under RefundChance in its pattern).
	RefundRun    int
	RefundWindow time.Duration
	RefundChance float64
	// DiscountPct is the smallest discount, in per cent of the list price,
	// that can be a finding; it must also be DiscountMargin points above
	// the store's usual top discount (its 99th percentile).
	DiscountPct, DiscountMargin float64
	// Baseline is how far back the store's usual is read.
	Baseline time.Duration
}

// Defaults are the audit's default thresholds.
var Defaults = Thresholds{
	ReceiptBefore: 60 * time.Second, ReceiptAfter: 30 * time.Second,
	Wait:           4 * time.Minute,
	CardUsesPerDay: 3,
	RefundRun:      4, RefundWindow: time.Hour, RefundChance: 1e-4,
	DiscountPct: 30, DiscountMargin: 10,
	Baseline: 28 * 24 * time.Hour,
}

// Store is one store's data for the audit.
type Store struct {
	ID       int64
	Code     string
	Loc      *time.Location
	From, To time.Time // the period audited
	// Receipts cover [From − Baseline, To) so that the store's usual can
	// be read; only those in [From, To) can be findings.
	Receipts []localdb.Receipt
	// Presence is what the till camera's scanned recordings showed.
	Presence []localdb.TillCoverage
	// StaffCards are the chain's staff members' own cards.
	StaffCards map[string]localdb.StaffCard
}

// Finding is one thing the audit found.
type Finding struct {
	Kind     string
	Subject  string // what makes it one finding (a receipt, a card on a day …)
	At       time.Time
	CameraID int64 // the till camera whose footage shows it, 0 for none
	Evidence Evidence
}

// Evidence is what a finding rests on, as the list, the report and
// `storelens audit --json` show it.
type Evidence struct {
	// Basis is what showed it: "till_footage" or "pos" (the receipts).
	Basis    string    `json:"basis"`
	Receipts []Receipt `json:"receipts,omitempty"`
	Presence *Span     `json:"presence,omitempty"`
	Cashier  string    `json:"cashier,omitempty"`
	Card     string    `json:"card,omitempty"`
	// CardHolder is the staff member whose own card it is ("" when the
	// card is a shopper's used too often); CardHolderStore their store.
	CardHolder      string `json:"card_holder,omitempty"`
	CardHolderName  string `json:"card_holder_name,omitempty"`
	CardHolderStore string `json:"card_holder_store,omitempty"`
	// Count is the receipts, refunds or uses concerned; Usual what the
	// store's pattern expects (refunds per cashier-day, top discount %).
	Count int     `json:"count,omitempty"`
	Usual float64 `json:"usual,omitempty"`
	// Top is the deepest discount, in per cent, of a discount finding.
	Top float64 `json:"top,omitempty"`
	// Limit is the threshold the finding went past.
	Limit float64 `json:"limit,omitempty"`
	// Snapshot is the kept still of the footage at the finding's moment
	// (its path on this laptop and its snapshot id), set by the app.
	Snapshot   string `json:"snapshot,omitempty"`
	SnapshotID int64  `json:"snapshot_id,omitempty"`
}

// Receipt is a receipt as evidence.
type Receipt struct {
	No          string        `json:"receipt_no"`
	At          time.Time     `json:"at"`
	Till        string        `json:"till,omitempty"`
	Cashier     string        `json:"cashier"`
	AmountFen   int64         `json:"amount_fen"`
	DiscountFen int64         `json:"discount_fen"`
	MemberCard  string        `json:"member_card,omitempty"`
	Refund      bool          `json:"refund,omitempty"`
	Lines       []ReceiptLine `json:"lines"`
}

// ReceiptLine is one line of a receipt as evidence.
type ReceiptLine struct {
	SKU       string `json:"sku"`
	Name      string `json:"name"`
	Qty       int    `json:"qty"`
	AmountFen int64  `json:"amount_fen"`
}

// Span is a stretch of till footage as evidence: from, to, and the most
// people seen on each side of the counter in it.
type Span struct {
	From      time.Time `json:"from"`
	To        time.Time `json:"to"`
	Customers int       `json:"customers"`
	Waiting   int       `json:"waiting"`
	Staff     int       `json:"staff"`
}

// Run audits one store.
func Run(s Store, th Thresholds) []Finding {
	var out []Finding
	out = append(out, receiptsWithoutCustomer(s, th)...)
	out = append(out, waitingWithoutReceipt(s, th)...)
	out = append(out, memberCards(s, th)...)
	out = append(out, refunds(s, th)...)
	out = append(out, discounts(s, th)...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out
}

func inPeriod(s Store, t int64) bool { return t >= s.From.Unix() && t < s.To.Unix() }

func asEvidence(r localdb.Receipt) Receipt {
	e := Receipt{No: r.ReceiptNo, At: time.Unix(r.T, 0).UTC(), Till: r.Till, Cashier: r.Cashier, AmountFen: r.AmountFen,
		DiscountFen: r.DiscountFen, MemberCard: r.MemberCard, Refund: r.IsRefund, Lines: []ReceiptLine{}}
	for _, l := range r.Lines {
		e.Lines = append(e.Lines, ReceiptLine{SKU: l.SKU, Name: l.Name, Qty: l.Qty, AmountFen: l.AmountFen})
	}
	return e
}

// localDay is the receipt's day on the store's calendar.
func localDay(s Store, t int64) string { return time.Unix(t, 0).In(s.Loc).Format(time.DateOnly) }

// coverage is the scanned stretch of till footage that holds all of
// [from, to], if any.
func coverage(s Store, from, to time.Time) *localdb.TillCoverage {
	for i := range s.Presence {
		c := &s.Presence[i]
		if !c.Starts.After(from) && !c.End.Before(to) && len(c.Samples) > 0 {
			return c
		}
	}
	return nil
}

// receiptsWithoutCustomer: a sale rung up while nobody stands on the
// customer side of the till (有单无人), where the till footage of the
// moment has been scanned. Without footage there is no finding: the
// entrance count is too coarse (quarter hours, and a first shopper often
// buys within minutes) to tell an empty shop from a quick sale.
func receiptsWithoutCustomer(s Store, th Thresholds) []Finding {
	var out []Finding
	for _, r := range s.Receipts {
		if !inPeriod(s, r.T) || r.IsStaffPurchase || r.IsRefund {
			continue
		}
		at := time.Unix(r.T, 0).UTC()
		from, to := at.Add(-th.ReceiptBefore), at.Add(th.ReceiptAfter)
		c := coverage(s, from, to)
		if c == nil {
			continue
		}
		span := Span{From: from, To: to}
		seen := false
		for _, p := range c.Samples {
			if p.T.Before(from) || p.T.After(to) {
				continue
			}
			seen = true
			span.Customers = max(span.Customers, p.Customers)
			span.Waiting = max(span.Waiting, p.Waiting)
			span.Staff = max(span.Staff, p.Staff)
		}
		if seen && span.Customers == 0 {
			out = append(out, Finding{Kind: ReceiptNoCustomer, Subject: r.ReceiptNo, At: at, CameraID: c.CameraID,
				Evidence: Evidence{Basis: "till_footage", Receipts: []Receipt{asEvidence(r)}, Presence: &span, Cashier: r.Cashier}})
		}
	}
	return out
}

// waitingWithoutReceipt: people standing at the till for longer than
// th.Wait with nothing rung up from the start of their wait to
// th.ReceiptAfter after its end (有人无单). Walking past is not waiting:
// only customers standing where they stood at the sample before count,
// and a wait may miss one sample (someone stepping aside).
func waitingWithoutReceipt(s Store, th Thresholds) []Finding {
	var out []Finding
	times := make([]int64, 0, len(s.Receipts))
	for _, r := range s.Receipts {
		if !r.IsStaffPurchase {
			times = append(times, r.T)
		}
	}
	rungBetween := func(from, to time.Time) bool {
		i := sort.Search(len(times), func(i int) bool { return times[i] >= from.Unix() })
		return i < len(times) && times[i] <= to.Unix()
	}
	for _, c := range s.Presence {
		gap := 2*c.Step + time.Second
		var span *Span
		var last time.Time
		flush := func() {
			if span != nil && span.To.Sub(span.From) >= th.Wait && inPeriod(s, span.From.Unix()) &&
				!rungBetween(span.From, span.To.Add(th.ReceiptAfter)) {
				sp := *span
				out = append(out, Finding{Kind: CustomerNoReceipt, Subject: fmt.Sprintf("%d@%d", c.CameraID, sp.From.Unix()), At: sp.From,
					CameraID: c.CameraID, Evidence: Evidence{Basis: "till_footage", Presence: &sp}})
			}
			span = nil
		}
		for _, p := range c.Samples {
			if p.Waiting == 0 {
				if span != nil && p.T.Sub(last) > gap {
					flush()
				}
				continue
			}
			if span != nil && p.T.Sub(last) > gap {
				flush()
			}
			if span == nil {
				span = &Span{From: p.T}
			}
			span.To = p.T
			span.Customers = max(span.Customers, p.Customers)
			span.Waiting = max(span.Waiting, p.Waiting)
			span.Staff = max(span.Staff, p.Staff)
			last = p.T
		}
		flush()
	}
	return out
}

// memberCards: a staff member's own card on a receipt that is not a staff
// purchase (the employee collects the shopper's points), or any card on
// more than th.CardUsesPerDay receipts of the store in a day. One finding
// per card and day, at its first receipt.
func memberCards(s Store, th Thresholds) []Finding {
	type key struct{ card, day string }
	uses := map[key][]localdb.Receipt{}
	var order []key
	for _, r := range s.Receipts {
		if !inPeriod(s, r.T) || r.MemberCard == "" || r.IsStaffPurchase || r.IsRefund {
			continue
		}
		k := key{r.MemberCard, localDay(s, r.T)}
		if _, ok := uses[k]; !ok {
			order = append(order, k)
		}
		uses[k] = append(uses[k], r)
	}
	var out []Finding
	for _, k := range order {
		rs := uses[k]
		holder, staff := s.StaffCards[k.card]
		if !staff && len(rs) <= th.CardUsesPerDay {
			continue
		}
		ev := Evidence{Basis: "pos", Card: k.card, Count: len(rs)}
		if staff {
			ev.CardHolder, ev.CardHolderName, ev.CardHolderStore = holder.StaffCode, holder.Name, holder.StoreCode
		} else {
			ev.Limit = float64(th.CardUsesPerDay)
		}
		for _, r := range rs {
			ev.Receipts = append(ev.Receipts, asEvidence(r))
		}
		out = append(out, Finding{Kind: StaffMemberCard, Subject: k.card + "@" + k.day, At: time.Unix(rs[0].T, 0).UTC(), Evidence: ev})
	}
	return out
}

// cashierDays groups receipts by cashier and local day.
type cashierDay struct{ cashier, day string }

// refunds: a run of refunds by one cashier — at least th.RefundRun within
// th.RefundWindow — that the store's usual refund rate (per cashier and
// open hour over the baseline, the busiest tenth of cashier-days left out
// so that a past run does not excuse the next one) gives a chance under
// th.RefundChance. A run is what refunds without returned goods look
// like; refunds spread over a busy day are not one. One finding per
// cashier and day, at the run's first refund.
func refunds(s Store, th Thresholds) []Finding {
	base := map[cashierDay]int{}
	spans := map[string][2]int64{} // local day → first and last receipt, baseline days
	cur := map[cashierDay][]localdb.Receipt{}
	var order []cashierDay
	for _, r := range s.Receipts {
		k := cashierDay{r.Cashier, localDay(s, r.T)}
		if !inPeriod(s, r.T) {
			if r.T >= s.From.Add(-th.Baseline).Unix() {
				if r.IsRefund {
					base[k]++
				} else if _, ok := base[k]; !ok {
					base[k] = 0
				}
				sp, ok := spans[k.day]
				if !ok {
					sp = [2]int64{r.T, r.T}
				}
				sp[0], sp[1] = min(sp[0], r.T), max(sp[1], r.T)
				spans[k.day] = sp
			}
			continue
		}
		if !r.IsRefund {
			continue
		}
		if _, ok := cur[k]; !ok {
			order = append(order, k)
		}
		cur[k] = append(cur[k], r)
	}
	if len(base) < 7 || len(spans) < 7 {
		return nil // too little history to know the store's usual
	}
	counts := make([]int, 0, len(base))
	for _, n := range base {
		counts = append(counts, n)
	}
	sort.Ints(counts)
	counts = counts[:len(counts)-len(counts)/10]
	sum := 0
	for _, n := range counts {
		sum += n
	}
	var hours float64
	for _, sp := range spans {
		hours += float64(sp[1]-sp[0]) / 3600
	}
	hours = math.Max(hours/float64(len(spans)), 1)
	perDay := float64(sum) / float64(len(counts))
	lambda := math.Max(perDay*th.RefundWindow.Hours()/hours, 0.01)
	var out []Finding
	win := int64(th.RefundWindow.Seconds())
	for _, k := range order {
		rs := cur[k]
		// The most refunds in any window, by two pointers over the day.
		best, bi := 0, 0
		for i, j := 0, 0; j < len(rs); j++ {
			for rs[j].T-rs[i].T > win {
				i++
			}
			if j-i+1 > best {
				best, bi = j-i+1, i
			}
		}
		if best < th.RefundRun || poissonTail(best, lambda) >= th.RefundChance {
			continue
		}
		run := rs[bi : bi+best]
		ev := Evidence{Basis: "pos", Cashier: k.cashier, Count: best, Usual: math.Round(perDay*100) / 100, Limit: float64(th.RefundRun)}
		for _, r := range run {
			ev.Receipts = append(ev.Receipts, asEvidence(r))
		}
		out = append(out, Finding{Kind: RefundPattern, Subject: k.cashier + "@" + k.day, At: time.Unix(run[0].T, 0).UTC(), Evidence: ev})
	}
	return out
}

// poissonTail is P(X ≥ k) for X ~ Poisson(lambda).
func poissonTail(k int, lambda float64) float64 {
	term, cdf := math.Exp(-lambda), 0.0
	for i := 0; i < k; i++ {
		cdf += term
		term *= lambda / float64(i+1)
	}
	return math.Max(0, 1-cdf)
}

// discountPct is a receipt's discount in per cent of its list price.
func discountPct(r localdb.Receipt) float64 {
	list := r.AmountFen + r.DiscountFen
	if list <= 0 || r.DiscountFen <= 0 {
		return 0
	}
	return 100 * float64(r.DiscountFen) / float64(list)
}

// discounts: receipts (staff purchases and refunds aside) discounted by at
// least th.DiscountPct and th.DiscountMargin points above the store's usual
// top discount (the 99th percentile over the baseline). One finding per
// cashier and day, at the first such receipt.
func discounts(s Store, th Thresholds) []Finding {
	var base []float64
	cur := map[cashierDay][]localdb.Receipt{}
	var order []cashierDay
	for _, r := range s.Receipts {
		if r.IsStaffPurchase || r.IsRefund {
			continue
		}
		if !inPeriod(s, r.T) {
			if r.T >= s.From.Add(-th.Baseline).Unix() {
				base = append(base, discountPct(r))
			}
			continue
		}
		k := cashierDay{r.Cashier, localDay(s, r.T)}
		cur[k] = append(cur[k], r)
		if len(cur[k]) == 1 {
			order = append(order, k)
		}
	}
	usual := 0.0
	if len(base) >= 100 {
		sort.Float64s(base)
		usual = base[len(base)*99/100]
	}
	limit := math.Max(th.DiscountPct, usual+th.DiscountMargin)
	var out []Finding
	for _, k := range order {
		var rs []localdb.Receipt
		for _, r := range cur[k] {
			if discountPct(r) >= limit {
				rs = append(rs, r)
			}
		}
		if len(rs) == 0 {
			continue
		}
		top := 0.0
		for _, r := range rs {
			top = math.Max(top, discountPct(r))
		}
		ev := Evidence{Basis: "pos", Cashier: k.cashier, Count: len(rs), Usual: math.Round(usual*10) / 10, Limit: math.Round(limit*10) / 10,
			Top: math.Round(top*10) / 10}
		for _, r := range rs {
			ev.Receipts = append(ev.Receipts, asEvidence(r))
		}
		out = append(out, Finding{Kind: DiscountPattern, Subject: k.cashier + "@" + k.day, At: time.Unix(rs[0].T, 0).UTC(), Evidence: ev})
	}
	return out
}
