package demofeed

import (
	"encoding/json"
	"strconv"

	"storelens/sync/feed"
)

// appendPage writes a page as encoding/json would, with hand-written
// encoders for the four bulky item types (counts, till hours, receipts,
// shifts): they are most of a first sync and reflection is most of their cost.
func appendPage(b []byte, pg *page) ([]byte, error) {
	b = append(b, `{"collection":`...)
	b = appendString(b, pg.Collection)
	b = append(b, `,"items":[`...)
	for i, it := range pg.Items {
		if i > 0 {
			b = append(b, ',')
		}
		switch x := it.(type) {
		case feed.CountDay:
			b = appendCountDay(b, &x)
		case feed.POSHour:
			b = appendPOSHour(b, &x)
		case feed.Shift:
			b = appendShift(b, &x)
		case feed.Receipt:
			b = appendReceipt(b, &x)
		default:
			j, err := json.Marshal(it)
			if err != nil {
				return nil, err
			}
			b = append(b, j...)
		}
	}
	b = append(b, `],"tombstones":`...)
	j, err := json.Marshal(pg.Tombstones)
	if err != nil {
		return nil, err
	}
	b = append(b, j...)
	b = append(b, `,"next_cursor":`...)
	b = appendString(b, pg.NextCursor)
	b = append(b, `,"has_more":`...)
	b = strconv.AppendBool(b, pg.HasMore)
	return append(b, '}'), nil
}

// appendString quotes s as JSON; strings needing escapes take the slow path
// so the output stays what encoding/json writes.
func appendString(b []byte, s string) []byte {
	wide := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			j, _ := json.Marshal(s)
			return append(b, j...)
		}
		wide = wide || c >= 0x80
	}
	if wide && !plainUTF8(s) {
		j, _ := json.Marshal(s)
		return append(b, j...)
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// plainUTF8 reports whether s has no U+2028/U+2029 or invalid UTF-8, which
// encoding/json would escape.
func plainUTF8(s string) bool {
	for _, r := range s {
		if r == 0x2028 || r == 0x2029 || r == 0xFFFD {
			return false
		}
	}
	return true
}

func appendInt(b []byte, key string, v int64) []byte {
	b = append(b, key...)
	return strconv.AppendInt(b, v, 10)
}

func appendCountDay(b []byte, c *feed.CountDay) []byte {
	b = appendInt(b, `{"camera_id":`, c.CameraID)
	b = appendInt(b, `,"store_id":`, c.StoreID)
	b = append(b, `,"day":`...)
	b = appendString(b, c.Day)
	b = appendInt(b, `,"first":`, c.First)
	b = append(b, `,"buckets":`...)
	if c.Buckets == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range c.Buckets {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, '[')
			for k, v := range c.Buckets[i] {
				if k > 0 {
					b = append(b, ',')
				}
				b = strconv.AppendInt(b, v, 10)
			}
			b = append(b, ']')
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

func appendPOSHour(b []byte, p *feed.POSHour) []byte {
	b = appendInt(b, `{"store_id":`, p.StoreID)
	b = appendInt(b, `,"hour_start":`, p.HourStart)
	b = appendInt(b, `,"receipts":`, int64(p.Receipts))
	b = appendInt(b, `,"items":`, int64(p.Items))
	b = appendInt(b, `,"sales_fen":`, p.SalesFen)
	b = appendInt(b, `,"refunds":`, int64(p.Refunds))
	b = appendInt(b, `,"staff_purchases":`, int64(p.StaffPurchases))
	return append(b, '}')
}

func appendShift(b []byte, s *feed.Shift) []byte {
	b = appendInt(b, `{"id":`, s.ID)
	b = appendInt(b, `,"store_id":`, s.StoreID)
	b = appendInt(b, `,"staff_id":`, s.StaffID)
	b = appendInt(b, `,"starts":`, s.Starts)
	b = appendInt(b, `,"ends":`, s.Ends)
	return append(b, '}')
}

func appendReceipt(b []byte, r *feed.Receipt) []byte {
	b = appendInt(b, `{"id":`, r.ID)
	b = appendInt(b, `,"store_id":`, r.StoreID)
	b = append(b, `,"receipt_no":`...)
	b = appendString(b, r.ReceiptNo)
	b = appendInt(b, `,"t":`, r.T)
	b = append(b, `,"till":`...)
	b = appendString(b, r.Till)
	b = appendInt(b, `,"amount_fen":`, r.AmountFen)
	b = appendInt(b, `,"discount_fen":`, r.DiscountFen)
	b = append(b, `,"cashier":`...)
	b = appendString(b, r.Cashier)
	if r.MemberCard != "" {
		b = append(b, `,"member_card":`...)
		b = appendString(b, r.MemberCard)
	}
	b = append(b, `,"is_refund":`...)
	b = strconv.AppendBool(b, r.IsRefund)
	b = append(b, `,"is_staff_purchase":`...)
	b = strconv.AppendBool(b, r.IsStaffPurchase)
	b = append(b, `,"lines":`...)
	if r.Lines == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range r.Lines {
			l := &r.Lines[i]
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"sku":`...)
			b = appendString(b, l.SKU)
			b = append(b, `,"name":`...)
			b = appendString(b, l.Name)
			b = appendInt(b, `,"qty":`, int64(l.Qty))
			b = appendInt(b, `,"unit_price_fen":`, l.UnitPriceFen)
			b = appendInt(b, `,"amount_fen":`, l.AmountFen)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	return append(b, '}')
}
