package localdb

import "fmt"

// POSHour is one store's till summary for one UTC hour.
type POSHour struct {
	StoreID        int64
	HourStart      int64
	Receipts       int // transactions: refunds and staff purchases excluded
	Items          int
	SalesFen       int64
	Refunds        int
	StaffPurchases int
}

// UpsertPOSHour stores a store's till summary of an hour.
func (p *FeedPage) UpsertPOSHour(h POSHour) error {
	if skip, err := p.orphan(fmt.Sprintf("POS hour %d of store %d", h.HourStart, h.StoreID), h.StoreID, 0); skip || err != nil {
		return err
	}
	if h.HourStart%3600 != 0 {
		return fmt.Errorf("POS hour of store %d at %d does not start on the hour", h.StoreID, h.HourStart)
	}
	if p.posHours == nil {
		p.posHours = p.newBatcher(`INSERT INTO pos_hourly(store_id, hour_start, receipts, items, sales_fen, refunds, staff_purchases) VALUES `,
			`(?,?,?,?,?,?,?)`, ` ON CONFLICT(store_id, hour_start) DO UPDATE SET receipts = excluded.receipts, items = excluded.items,
			sales_fen = excluded.sales_fen, refunds = excluded.refunds, staff_purchases = excluded.staff_purchases`, 4096)
	}
	p.touch(h.StoreID, h.HourStart, h.HourStart+3600)
	return p.posHours.add(h.StoreID, h.HourStart, h.Receipts, h.Items, h.SalesFen, h.Refunds, h.StaffPurchases)
}

// DeletePOSHour removes a store's till summary of an hour.
func (p *FeedPage) DeletePOSHour(storeID, hourStart int64) error {
	if err := p.posHours.flushIfAny(); err != nil {
		return err
	}
	if _, err := p.exec(`DELETE FROM pos_hourly WHERE store_id = ? AND hour_start = ?`, storeID, hourStart); err != nil {
		return err
	}
	p.touch(storeID, hourStart, hourStart+3600)
	return nil
}

func (b *batcher) flushIfAny() error {
	if b == nil {
		return nil
	}
	return b.flush()
}

// Receipt is one POS receipt with its lines.
type Receipt struct {
	ID              int64
	StoreID         int64
	ReceiptNo       string
	T               int64
	Till            string
	AmountFen       int64
	DiscountFen     int64
	Cashier         string
	MemberCard      string // '' when none
	IsRefund        bool
	IsStaffPurchase bool
	Lines           []ReceiptLine
}

// ReceiptLine is one line of a receipt.
type ReceiptLine struct {
	SKU          string
	Name         string
	Qty          int
	UnitPriceFen int64
	AmountFen    int64
}

// UpsertReceipt stores a receipt and replaces its lines.
func (p *FeedPage) UpsertReceipt(r Receipt) error {
	if skip, err := p.orphan("receipt "+r.ReceiptNo, r.StoreID, 0); skip || err != nil {
		return err
	}
	if r.ReceiptNo == "" {
		return fmt.Errorf("receipt %d of store %d has no receipt number", r.ID, r.StoreID)
	}
	if p.receipts == nil {
		p.receipts = p.newBatcher(`INSERT INTO pos_receipts(id, store_id, receipt_no, t, till, amount_fen, discount_fen, cashier,
			member_card, is_refund, is_staff_purchase) VALUES `, `(?,?,?,?,?,?,?,?,NULLIF(?,''),?,?)`,
			` ON CONFLICT(id) DO UPDATE SET store_id = excluded.store_id, receipt_no = excluded.receipt_no, t = excluded.t,
			till = excluded.till, amount_fen = excluded.amount_fen, discount_fen = excluded.discount_fen, cashier = excluded.cashier,
			member_card = excluded.member_card, is_refund = excluded.is_refund, is_staff_purchase = excluded.is_staff_purchase`, 2048)
		p.lines = p.newBatcher(`INSERT INTO pos_receipt_lines(receipt_id, line_no, sku, name, qty, unit_price_fen, amount_fen) VALUES `,
			`(?,?,?,?,?,?,?)`, ` ON CONFLICT(receipt_id, line_no) DO UPDATE SET sku = excluded.sku, name = excluded.name,
			qty = excluded.qty, unit_price_fen = excluded.unit_price_fen, amount_fen = excluded.amount_fen`, 4096)
		// A re-delivered receipt replaces its lines: the old ones go when
		// its batch is written, before any of its new lines (which are only
		// written after their receipt: a batch of lines writes the pending
		// receipts first, for the foreign key).
		p.receipts.before = func(rows string) error {
			_, err := p.exec(`DELETE FROM pos_receipt_lines WHERE receipt_id IN (SELECT value->>0 FROM json_each(?))`, rows)
			return err
		}
		p.lines.before = func(string) error { return p.receipts.flush() }
	}
	if err := p.receipts.add(r.ID, r.StoreID, r.ReceiptNo, r.T, r.Till, r.AmountFen, r.DiscountFen, r.Cashier, r.MemberCard,
		r.IsRefund, r.IsStaffPurchase); err != nil {
		return fmt.Errorf("receipt %s of store %d: %w", r.ReceiptNo, r.StoreID, err)
	}
	for i, l := range r.Lines {
		if err := p.lines.add(r.ID, i+1, l.SKU, l.Name, l.Qty, l.UnitPriceFen, l.AmountFen); err != nil {
			return fmt.Errorf("receipt %s of store %d line %d: %w", r.ReceiptNo, r.StoreID, i+1, err)
		}
	}
	return nil
}

// DeleteReceipt removes a receipt and its lines.
func (p *FeedPage) DeleteReceipt(id int64) error {
	if err := p.receipts.flushIfAny(); err != nil {
		return err
	}
	if err := p.lines.flushIfAny(); err != nil {
		return err
	}
	_, err := p.exec(`DELETE FROM pos_receipts WHERE id = ?`, id)
	return err
}

// PruneReceipts removes receipts (with their lines) more than keep seconds
// older than the newest stored receipt: the cashier audit keeps only a
// recent window of detail, the trends read the hourly summaries. Counting
// from the newest receipt, not the clock, keeps a laptop that was offline
// for a month from emptying its audit.
func (p *FeedPage) PruneReceipts(keep int64) error {
	if err := p.receipts.flushIfAny(); err != nil {
		return err
	}
	if err := p.lines.flushIfAny(); err != nil {
		return err
	}
	_, err := p.exec(`DELETE FROM pos_receipts WHERE t < (SELECT max(t) FROM pos_receipts) - ?`, keep)
	return err
}
