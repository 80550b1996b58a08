package localdb

import (
	"database/sql"
	"errors"
	"fmt"
)

// StaffMember is one member of a store's staff.
type StaffMember struct {
	ID         int64
	Code       string
	StoreID    int64
	Name       string
	Role       string
	MemberCard string // '' when none
}

// UpsertStaff stores a staff member.
func (p *FeedPage) UpsertStaff(s StaffMember) error {
	if skip, err := p.orphan("staff member "+s.Code, s.StoreID, 0); skip || err != nil {
		return err
	}
	if s.Role == "" {
		s.Role = "sales"
	}
	_, err := p.exec(`INSERT INTO staff(id, code, store_id, name, role, member_card) VALUES (?, ?, ?, ?, ?, NULLIF(?, ''))
		ON CONFLICT(id) DO UPDATE SET code = excluded.code, store_id = excluded.store_id, name = excluded.name,
			role = excluded.role, member_card = excluded.member_card`,
		s.ID, s.Code, s.StoreID, s.Name, s.Role, s.MemberCard)
	if err != nil {
		return fmt.Errorf("staff %s: %w", s.Code, err)
	}
	p.rows++
	return nil
}

// DeleteStaff removes a staff member; their shifts stay without a name.
func (p *FeedPage) DeleteStaff(id int64) error {
	_, err := p.exec(`DELETE FROM staff WHERE id = ?`, id)
	return err
}

// Shift is one staff member on shift at a store, UTC Unix seconds.
type Shift struct {
	ID      int64
	StoreID int64
	StaffID int64
	Starts  int64
	Ends    int64
}

// UpsertShift stores a shift and marks the store's rollups over it stale.
func (p *FeedPage) UpsertShift(s Shift) error {
	if skip, err := p.orphan(fmt.Sprintf("shift %d", s.ID), s.StoreID, 0); skip || err != nil {
		return err
	}
	if s.Ends <= s.Starts {
		return fmt.Errorf("shift %d of store %d ends before it starts", s.ID, s.StoreID)
	}
	// A shift of someone no longer on the staff list keeps its hours.
	_, err := p.exec(`INSERT INTO staff_shifts(id, store_id, staff_id, starts, ends) VALUES (?, ?, (SELECT id FROM staff WHERE id = ?), ?, ?)
		ON CONFLICT(id) DO UPDATE SET store_id = excluded.store_id, staff_id = excluded.staff_id, starts = excluded.starts, ends = excluded.ends`,
		s.ID, s.StoreID, s.StaffID, s.Starts, s.Ends)
	if err != nil {
		return fmt.Errorf("shift %d: %w", s.ID, err)
	}
	p.touch(s.StoreID, s.Starts, s.Ends)
	p.rows++
	return nil
}

// DeleteShift removes a shift.
func (p *FeedPage) DeleteShift(id int64) error {
	var store, starts, ends int64
	err := p.tx.QueryRowContext(p.ctx, `SELECT store_id, starts, ends FROM staff_shifts WHERE id = ?`, id).Scan(&store, &starts, &ends)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := p.exec(`DELETE FROM staff_shifts WHERE id = ?`, id); err != nil {
		return err
	}
	p.touch(store, starts, ends)
	return nil
}
