package audit

import (
	"fmt"
	"testing"
	"time"

	"storelens/localdb"
)

var shanghai = time.FixedZone("CST", 8*3600)

// day0 is the audited day; the four weeks before it are the baseline.
var day0 = time.Date(2026, 11, 18, 0, 0, 0, 0, shanghai)

// ordinaryStore is a store with four weeks of ordinary trade before day0 and
// on it: three cashiers, a receipt every six minutes from 10:00 to 22:00,
// one refund every other day per cashier, members' 5 % off.
func ordinaryStore() Store {
	s := Store{ID: 1, Code: "T001", Loc: shanghai, From: day0, To: day0.AddDate(0, 0, 1), StaffCards: map[string]localdb.StaffCard{
		"STAFF1": {Card: "STAFF1", StaffCode: "T001-S04", Name: "王芳", StoreCode: "T001", StoreID: 1},
	}}
	n := 0
	for d := -28; d <= 0; d++ {
		open := day0.AddDate(0, 0, d).Add(10 * time.Hour)
		for k := 0; k < 120; k++ {
			n++
			r := localdb.Receipt{ID: int64(n), ReceiptNo: fmt.Sprintf("R%05d", n), T: open.Add(time.Duration(k) * 6 * time.Minute).Unix(),
				Cashier: fmt.Sprintf("T001-S%02d", 1+k%3), AmountFen: 30000,
				Lines: []localdb.ReceiptLine{{SKU: "TS1001", Name: "短袖T恤", Qty: 1, UnitPriceFen: 30000, AmountFen: 30000}}}
			if k%2 == 0 {
				r.MemberCard = fmt.Sprintf("M%04d", (n*37)%4000)
				r.AmountFen, r.DiscountFen = 28500, 1500
			}
			if (k == 7 || k == 77) && (d+k)%2 == 0 {
				r.IsRefund, r.AmountFen, r.DiscountFen = true, -30000, 0
			}
			s.Receipts = append(s.Receipts, r)
		}
	}
	return s
}

func kinds(fs []Finding) map[string]int {
	out := map[string]int{}
	for _, f := range fs {
		out[f.Kind]++
	}
	return out
}

func TestAnOrdinaryDayHasNoFinding(t *testing.T) {
	if fs := Run(ordinaryStore(), Defaults); len(fs) != 0 {
		t.Fatalf("findings on an ordinary day: %+v", fs)
	}
}

func lastDay(s *Store) []int {
	var idx []int
	for i, r := range s.Receipts {
		if r.T >= day0.Unix() {
			idx = append(idx, i)
		}
	}
	return idx
}

func TestRefundsInARunAreAFindingSpreadOnesAreNot(t *testing.T) {
	s := ordinaryStore()
	idx := lastDay(&s)
	// Five refunds by one cashier spread over the day: busy, not a run.
	for _, k := range []int{10, 34, 58, 82, 106} {
		r := &s.Receipts[idx[k]]
		r.IsRefund, r.Cashier, r.AmountFen, r.DiscountFen = true, "T001-S02", -30000, 0
	}
	if got := kinds(Run(s, Defaults)); got[RefundPattern] != 0 {
		t.Fatalf("refunds spread over the day taken for a run: %v", got)
	}
	// Five within forty minutes.
	for _, k := range []int{90, 92, 94, 96, 97} {
		r := &s.Receipts[idx[k]]
		r.IsRefund, r.Cashier, r.AmountFen, r.DiscountFen = true, "T001-S01", -30000, 0
	}
	fs := Run(s, Defaults)
	if got := kinds(fs); got[RefundPattern] != 1 || len(fs) != 1 {
		t.Fatalf("a run of five refunds in forty minutes: %v", got)
	}
	ev := fs[0].Evidence
	if ev.Cashier != "T001-S01" || ev.Count != 5 || len(ev.Receipts) != 5 || !ev.Receipts[0].Refund || ev.Usual <= 0 {
		t.Errorf("evidence %+v", ev)
	}
	// A manager who sets the run at six sees nothing.
	th := Defaults
	th.RefundRun = 6
	if got := kinds(Run(s, th)); got[RefundPattern] != 0 {
		t.Errorf("run of five with the threshold at six: %v", got)
	}
}

func TestDiscountsAboveTheStoresUsual(t *testing.T) {
	s := ordinaryStore()
	idx := lastDay(&s)
	r := &s.Receipts[idx[50]]
	r.AmountFen, r.DiscountFen, r.MemberCard = 16500, 13500, "" // 45 % off
	r2 := &s.Receipts[idx[51]]
	r2.AmountFen, r2.DiscountFen = 24000, 6000 // 20 %: under the threshold
	fs := Run(s, Defaults)
	if got := kinds(fs); got[DiscountPattern] != 1 || len(fs) != 1 {
		t.Fatalf("findings %v", got)
	}
	if ev := fs[0].Evidence; ev.Count != 1 || ev.Receipts[0].No != r.ReceiptNo || ev.Limit != 30 || ev.Usual != 5 || ev.Top != 45 {
		t.Errorf("evidence %+v", ev)
	}
	// A store whose usual is deep discounts (a clearance outlet) is judged by it.
	for i := range s.Receipts {
		if s.Receipts[i].T < day0.Unix() && !s.Receipts[i].IsRefund && i%3 == 0 {
			s.Receipts[i].AmountFen, s.Receipts[i].DiscountFen = 15000, 15000
		}
	}
	if got := kinds(Run(s, Defaults)); got[DiscountPattern] != 0 {
		t.Errorf("45 %% off at a store that gives 50 %% every day: %v", got)
	}
}

func TestStaffCardsAndOverusedCards(t *testing.T) {
	s := ordinaryStore()
	idx := lastDay(&s)
	s.Receipts[idx[20]].MemberCard = "STAFF1"
	s.Receipts[idx[21]].MemberCard = "STAFF1"
	for _, k := range []int{30, 40, 50, 60} { // a shopper's card four times a day
		s.Receipts[idx[k]].MemberCard = "M0042"
	}
	// A staff purchase on the staff card is fine.
	s.Receipts[idx[70]].MemberCard, s.Receipts[idx[70]].IsStaffPurchase = "STAFF1", true
	fs := Run(s, Defaults)
	if got := kinds(fs); got[StaffMemberCard] != 2 || len(fs) != 2 {
		t.Fatalf("findings %v", got)
	}
	for _, f := range fs {
		switch f.Evidence.Card {
		case "STAFF1":
			if f.Evidence.Count != 2 || f.Evidence.CardHolder != "T001-S04" {
				t.Errorf("staff card evidence %+v", f.Evidence)
			}
		case "M0042":
			if f.Evidence.Count != 4 || f.Evidence.CardHolder != "" || f.Evidence.Limit != 3 {
				t.Errorf("overused card evidence %+v", f.Evidence)
			}
		default:
			t.Errorf("finding on card %s", f.Evidence.Card)
		}
	}
}

// presence makes a scanned stretch of till footage from (offset, customers,
// waiting) samples every 2 s.
func presence(from time.Time, dur time.Duration, at func(t time.Duration) (int, int)) localdb.TillCoverage {
	c := localdb.TillCoverage{CameraID: 12, RecordingID: 1, Starts: from, End: from.Add(dur), Step: 2 * time.Second, Detector: "dnn"}
	for o := time.Duration(0); o < dur; o += 2 * time.Second {
		cu, w := at(o)
		c.Samples = append(c.Samples, localdb.PresenceSample{T: from.Add(o), Customers: cu, Waiting: w, Staff: 1})
	}
	return c
}

func TestTillFootageAgainstReceipts(t *testing.T) {
	s := ordinaryStore()
	idx := lastDay(&s)
	// 10:00–10:30: a receipt every six minutes. The counter is empty from
	// 10:10 to 10:15 (the 10:12 receipt has nobody), busy otherwise with
	// people walking past.
	s.Presence = []localdb.TillCoverage{presence(day0.Add(10*time.Hour), 30*time.Minute, func(o time.Duration) (int, int) {
		if o >= 10*time.Minute && o < 15*time.Minute {
			return 0, 0
		}
		return 2, 0
	})}
	fs := Run(s, Defaults)
	if got := kinds(fs); got[ReceiptNoCustomer] != 1 || len(fs) != 1 {
		t.Fatalf("findings %v", got)
	}
	if f := fs[0]; f.Evidence.Receipts[0].No != s.Receipts[idx[2]].ReceiptNo || f.CameraID != 12 || f.Evidence.Presence.Customers != 0 {
		t.Errorf("finding %+v", f)
	}
	// People standing at the till for six minutes, 14:00–14:06, while
	// nothing is rung up from 13:58 to 14:10.
	s.Presence = []localdb.TillCoverage{presence(day0.Add(13*time.Hour+50*time.Minute), 30*time.Minute, func(o time.Duration) (int, int) {
		if o >= 10*time.Minute && o < 16*time.Minute {
			return 3, 3
		}
		return 1, 0
	})}
	for _, i := range idx {
		r := &s.Receipts[i]
		if r.T >= day0.Add(13*time.Hour+58*time.Minute).Unix() && r.T < day0.Add(14*time.Hour+10*time.Minute).Unix() {
			r.T -= 10 * 60 // rung up before the wait instead
		}
	}
	fs = Run(s, Defaults)
	if got := kinds(fs); got[CustomerNoReceipt] != 1 || len(fs) != 1 {
		t.Fatalf("findings %v", got)
	}
	if p := fs[0].Evidence.Presence; p.Waiting != 3 || p.To.Sub(p.From) < 5*time.Minute {
		t.Errorf("span %+v", p)
	}
	// With the wait threshold at ten minutes it is not one.
	th := Defaults
	th.Wait = 10 * time.Minute
	if got := kinds(Run(s, th)); got[CustomerNoReceipt] != 0 {
		t.Errorf("a six-minute wait with the threshold at ten: %v", got)
	}
}
