package localdb

import (
	"context"
	"fmt"
)

// Camera is one camera of a store with its counting geometry.
type Camera struct {
	ID          int64
	Code        string
	StoreID     int64
	Name        string
	Role        string // entrance, storefront, till, floor
	StreamURL   string
	SnapshotURL string
	FrameWidth  int
	FrameHeight int
	Lines       []CountingLine
}

// CountingLine is a line or zone of a camera in image pixels: Kind is
// entrance, outside, staff_zone, till_zone (customer side of a till) or
// till_staff (its staff side); Points "x1,y1,x2,y2[,…]".
type CountingLine struct {
	Kind   string
	Points string
}

// UpsertCamera stores a camera and replaces its counting lines.
func (p *FeedPage) UpsertCamera(c Camera) error {
	if skip, err := p.orphan("camera "+c.Code, c.StoreID, 0); skip || err != nil {
		return err
	}
	p.setParent("cameras", c.ID, true)
	if _, err := p.exec(`INSERT INTO cameras(id, code, store_id, name, role, stream_url, snapshot_url, frame_width, frame_height)
		VALUES (?, ?, ?, ?, ?, ?, ?, NULLIF(?, 0), NULLIF(?, 0))
		ON CONFLICT(id) DO UPDATE SET code = excluded.code, store_id = excluded.store_id, name = excluded.name, role = excluded.role,
			stream_url = excluded.stream_url, snapshot_url = excluded.snapshot_url, frame_width = excluded.frame_width,
			frame_height = excluded.frame_height, updated_at = unixepoch()`,
		c.ID, c.Code, c.StoreID, c.Name, c.Role, c.StreamURL, c.SnapshotURL, c.FrameWidth, c.FrameHeight); err != nil {
		return fmt.Errorf("camera %s: %w", c.Code, err)
	}
	p.camStore[c.ID] = c.StoreID
	if _, err := p.exec(`DELETE FROM counting_lines WHERE camera_id = ?`, c.ID); err != nil {
		return err
	}
	for _, l := range c.Lines {
		if _, err := p.exec(`INSERT INTO counting_lines(camera_id, kind, points) VALUES (?, ?, ?)`, c.ID, l.Kind, l.Points); err != nil {
			return fmt.Errorf("camera %s line %s: %w", c.Code, l.Kind, err)
		}
	}
	p.rows++
	return nil
}

// DeleteCamera removes a camera with its counts, footage index and alerts.
func (p *FeedPage) DeleteCamera(id int64) error {
	p.setParent("cameras", id, false)
	_, err := p.exec(`DELETE FROM cameras WHERE id = ?`, id)
	return err
}

// StoreCameras lists a store's cameras (without their lines), entrance
// cameras first, then by code.
func (db *DB) StoreCameras(ctx context.Context, storeID int64) ([]Camera, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, code, store_id, name, role, stream_url, snapshot_url,
			COALESCE(frame_width, 0), COALESCE(frame_height, 0)
		FROM cameras WHERE store_id = ? ORDER BY role <> 'entrance', code`, storeID)
	if err != nil {
		return nil, fmt.Errorf("read the store's cameras: %w", MapError(err))
	}
	defer rows.Close()
	var out []Camera
	for rows.Next() {
		var c Camera
		if err := rows.Scan(&c.ID, &c.Code, &c.StoreID, &c.Name, &c.Role, &c.StreamURL, &c.SnapshotURL, &c.FrameWidth, &c.FrameHeight); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
