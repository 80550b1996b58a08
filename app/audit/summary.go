package audit

import (
	"encoding/json"
	"fmt"
	"time"

	"storelens/app/i18n"
	"storelens/app/insight"
)

// Summary is a finding of kind in one sentence with its figures, its
// times on the store's clock loc.
func Summary(kind string, loc *time.Location, ev Evidence) i18n.Text {
	hm := func(t time.Time) string { return t.In(loc).Format("15:04") }
	switch kind {
	case ReceiptNoCustomer:
		no, amt := "", ""
		if len(ev.Receipts) > 0 {
			no, amt = ev.Receipts[0].No, insight.FormatMoney(ev.Receipts[0].AmountFen)
		}
		return i18n.Say("audit.why.receipt_no_customer", "Receipt", no, "Amount", amt, "Cashier", ev.Cashier, "Time", hm(receiptTime(ev)))
	case CustomerNoReceipt:
		if ev.Presence == nil {
			break
		}
		return i18n.Say("audit.why.customer_no_receipt", "From", hm(ev.Presence.From), "To", hm(ev.Presence.To),
			"Minutes", int(ev.Presence.To.Truncate(time.Minute).Sub(ev.Presence.From.Truncate(time.Minute)).Minutes()), "People", ev.Presence.Waiting)
	case StaffMemberCard:
		if ev.CardHolder != "" {
			return i18n.Say("audit.why.staff_member_card", "Card", ev.Card, "Holder", ev.CardHolder, "Name", ev.CardHolderName, "N", ev.Count)
		}
		return i18n.Say("audit.why.frequent_card", "Card", ev.Card, "N", ev.Count, "Limit", int(ev.Limit))
	case RefundPattern:
		return i18n.Say("audit.why.refund_pattern", "Cashier", ev.Cashier, "N", ev.Count, "Usual", fmt.Sprintf("%.1f", ev.Usual))
	case DiscountPattern:
		return i18n.Say("audit.why.discount_pattern", "Cashier", ev.Cashier, "N", ev.Count, "Top", fmt.Sprintf("%.0f", ev.Top),
			"Limit", fmt.Sprintf("%.0f", ev.Limit), "Usual", fmt.Sprintf("%.0f", ev.Usual))
	}
	return i18n.Say("audit.kind." + kind)
}

// receiptTime is the first receipt's moment (zero without one).
func receiptTime(ev Evidence) time.Time {
	if len(ev.Receipts) == 0 {
		return time.Time{}
	}
	return ev.Receipts[0].At
}

// Decode reads a finding's evidence as stored.
func Decode(raw []byte) (Evidence, error) {
	var ev Evidence
	err := json.Unmarshal(raw, &ev)
	return ev, err
}
