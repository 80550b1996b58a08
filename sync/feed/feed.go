// Package feed is the wire contract between StoreLens and the chain's HQ feed:
// the URL paths, the collections a client pages through, one Go type per
// collection item, the page envelope, the bodies of pushes and the error body.
// docs/feed-api.yaml describes the same contract for HQ integrators; the demo
// chain (sync/demofeed) serves it and the sync engine (sync/engine) reads it.
//
// # Paging
//
// A client reads a collection with GET CollectionPath(name), first without a
// cursor, then with the NextCursor of the page before, until HasMore is false.
// It stores NextCursor in the same transaction as the page's items, so a crash
// never loses or repeats a page. Reading again later with the last stored
// cursor returns only what is new (time series are served oldest day first,
// new days appear at the end), items changed since (served again under the
// same key, e.g. a re-exported recording) and Tombstones for items deleted
// since.
// Cursors are opaque. A cursor HQ no longer honours (its data generation was
// rebuilt) is answered with HTTP 410 and an Error whose Code is
// CodeCursorExpired: the client drops its cursors and reads every collection
// from the start again, keeping its outbox.
//
// # Keys
//
// Every item has a stable key (see the Key methods); a re-delivered item with
// the same key replaces the stored one, and a Tombstone names the key of an
// item to delete. Times are UTC Unix seconds; local calendar days ('YYYY-MM-DD')
// and clock times ('HH:MM') belong to the store's IANA TimeZone; money is
// integer fen.
//
// # Pushes
//
// Corrective tasks, task status changes and inspection verdicts are POSTed
// with a client-generated UUID in the Idempotency-Key header. HQ stores the
// first answer for a key and returns it again (same status, same body) for a
// repeated key with the same body; a key reused with a different body is
// answered 422 with CodeIdempotencyMismatch.
package feed

import (
	"fmt"
	"strconv"
)

// Version is the protocol version, the first segment of every path.
const Version = "v1"

// URL paths, relative to the feed's base URL.
const (
	// PathCollections is the prefix of every collection: GET PathCollections + name.
	PathCollections = "/v1/collections/"
	// PathCorrectiveTasks receives pushed corrective tasks (POST CorrectiveTaskPush).
	PathCorrectiveTasks = "/v1/corrective-tasks"
	// PathTaskStatus receives status changes made by the manager (POST TaskStatusPush).
	PathTaskStatus = "/v1/task-status"
	// PathInspectionSchedules receives schedules made or changed on the
	// laptop (POST InspectionSchedulePush).
	PathInspectionSchedules = "/v1/inspection-schedules"
	// PathInspectionVerdicts receives inspection verdicts (POST InspectionVerdictPush).
	PathInspectionVerdicts = "/v1/inspection-verdicts"
	// PathRecordings is the prefix of recording downloads: GET PathRecordings + id.
	// The download honours Range, If-Range and ETag and is never compressed.
	PathRecordings = "/v1/recordings/"
	// PathSnapshots is the prefix of snapshot images: GET PathSnapshots + id (JPEG).
	PathSnapshots = "/v1/snapshots/"
)

// CollectionPath is the path of the collection called name.
func CollectionPath(name string) string { return PathCollections + name }

// RecordingPath is the download path of the recording with the given id.
func RecordingPath(id string) string { return PathRecordings + id }

// ExportPath asks HQ to export an on-request recording and answers with its
// Recording (size and SHA-256 filled in); it may take a while.
func ExportPath(id string) string { return PathRecordings + id + "/export" }

// SnapshotPath is the image path of the snapshot with the given id.
func SnapshotPath(id string) string { return PathSnapshots + id }

// Query parameters of a collection request.
const (
	// ParamCursor is the opaque cursor of the previous page ("" or absent: from the start).
	ParamCursor = "cursor"
	// ParamLimit caps the items of one page; HQ may return fewer, never more.
	ParamLimit = "limit"
	// ParamWindowDays is, for CollReceipts, how many local days back from the
	// newest day the receipts reach (default DefaultReceiptWindowDays).
	ParamWindowDays = "window_days"
	// ParamSince is, for CollReceipts, the first local day ('YYYY-MM-DD') of the
	// window; it overrides ParamWindowDays. Only the first request of a read
	// needs it: the cursor remembers the window.
	ParamSince = "since"
)

// DefaultReceiptWindowDays is the receipts window when the client names none.
const DefaultReceiptWindowDays = 35

// Collection names, in the order a first sync should read them (rows refer to
// rows of earlier collections).
const (
	CollRegions             = "regions"
	CollStores              = "stores"
	CollCameras             = "cameras"
	CollStaff               = "staff"
	CollShifts              = "shifts"
	CollWeather             = "weather"
	CollCounts              = "counts"
	CollPOSHourly           = "pos_hourly"
	CollReceipts            = "receipts"
	CollAlerts              = "alerts"
	CollRecordings          = "recordings"
	CollInspectionSchedules = "inspection_schedules"
	CollSnapshots           = "snapshots"
	CollTaskStatus          = "task_status"
)

// Collections lists every collection in dependency order.
var Collections = []string{
	CollRegions, CollStores, CollCameras, CollStaff, CollShifts, CollWeather,
	CollCounts, CollPOSHourly, CollReceipts, CollAlerts, CollRecordings,
	CollInspectionSchedules, CollSnapshots, CollTaskStatus,
}

// Page is one page of a collection. Items are of the collection's item type
// (Store for CollStores, CountDay for CollCounts, …).
type Page[T any] struct {
	Collection string      `json:"collection"`
	Items      []T         `json:"items"`
	Tombstones []Tombstone `json:"tombstones"`
	// NextCursor continues after this page; store it with the items.
	NextCursor string `json:"next_cursor"`
	// HasMore is false on the last page available now.
	HasMore bool `json:"has_more"`
}

// Tombstone says an item of the page's collection was deleted at HQ; ID is
// the item's Key.
type Tombstone struct {
	ID        string `json:"id"`
	DeletedAt int64  `json:"deleted_at"`
}

// Region is the manager's area of responsibility.
type Region struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	TimeZone string `json:"time_zone"`
}

// Key is the region's stable key.
func (r Region) Key() string { return r.ID }

// Store is one shop with its tags and opening-hours schedule.
type Store struct {
	ID         int64          `json:"id"`
	Code       string         `json:"code"`
	Name       string         `json:"name"`
	RegionID   string         `json:"region_id"`
	City       string         `json:"city"`
	Address    string         `json:"address"`
	AreaSqm    float64        `json:"area_sqm"`
	TimeZone   string         `json:"time_zone"`
	OpenedOn   string         `json:"opened_on,omitempty"`
	ClosedOn   string         `json:"closed_on,omitempty"`
	StaffCount int            `json:"staff_count"`
	Tags       []string       `json:"tags"`
	Hours      []OpeningHours `json:"hours"`
}

// Key is the store's stable key (its ID in decimal).
func (s Store) Key() string { return strconv.FormatInt(s.ID, 10) }

// OpeningHours is one rule of a schedule: on Weekdays (bit 0 Monday … bit 6
// Sunday) of the local date range [ValidFrom, ValidTo] the store is open from
// Opens to Closes, local time. Where rules overlap the highest Priority wins.
type OpeningHours struct {
	ValidFrom string `json:"valid_from"`
	ValidTo   string `json:"valid_to"`
	Weekdays  uint8  `json:"weekdays"`
	Opens     string `json:"opens"`
	Closes    string `json:"closes"`
	Priority  int    `json:"priority"`
}

// Camera roles.
const (
	RoleEntrance   = "entrance"
	RoleStorefront = "storefront"
	RoleTill       = "till"
	RoleFloor      = "floor"
)

// Camera is one camera of a store with its counting geometry.
type Camera struct {
	ID          int64          `json:"id"`
	Code        string         `json:"code"`
	StoreID     int64          `json:"store_id"`
	Name        string         `json:"name"`
	Role        string         `json:"role"`
	StreamURL   string         `json:"stream_url"`
	SnapshotURL string         `json:"snapshot_url"`
	FrameWidth  int            `json:"frame_width"`
	FrameHeight int            `json:"frame_height"`
	Lines       []CountingLine `json:"lines"`
}

// Key is the camera's stable key.
func (c Camera) Key() string { return strconv.FormatInt(c.ID, 10) }

// CountingLine is a line or zone in image pixels: Kind is "entrance" (directed
// A→B = inbound), "outside" (storefront line for passers-by), "staff_zone",
// "till_zone" (the customer side of a till counter) or "till_staff" (the
// staff side behind it); Points is "x1,y1,x2,y2[,…]".
type CountingLine struct {
	Kind   string `json:"kind"`
	Points string `json:"points"`
}

// Staff is a member of a store's staff.
type Staff struct {
	ID         int64  `json:"id"`
	Code       string `json:"code"`
	StoreID    int64  `json:"store_id"`
	Name       string `json:"name"`
	Role       string `json:"role"` // manager, sales, cashier
	MemberCard string `json:"member_card,omitempty"`
}

// Key is the staff member's stable key.
func (s Staff) Key() string { return strconv.FormatInt(s.ID, 10) }

// Shift is one staff member on shift at a store.
type Shift struct {
	ID      int64 `json:"id"`
	StoreID int64 `json:"store_id"`
	StaffID int64 `json:"staff_id"`
	Starts  int64 `json:"starts"`
	Ends    int64 `json:"ends"`
}

// Key is the shift's stable key.
func (s Shift) Key() string { return strconv.FormatInt(s.ID, 10) }

// Weather conditions.
const (
	Sunny     = "sunny"
	Cloudy    = "cloudy"
	Rain      = "rain"
	HeavyRain = "heavy_rain"
	Snow      = "snow"
	Fog       = "fog"
)

// Weather is one city's weather on one local day.
type Weather struct {
	City      string  `json:"city"`
	Day       string  `json:"day"`
	Condition string  `json:"condition"`
	TempMinC  float64 `json:"temp_min_c"`
	TempMaxC  float64 `json:"temp_max_c"`
	PrecipMM  float64 `json:"precip_mm"`
}

// Key is "city/day".
func (w Weather) Key() string { return w.City + "/" + w.Day }

// CountDay carries one camera's device counts for one local day, compactly:
// Buckets[k] is the 15-minute bucket starting at First + 900·k (UTC Unix
// seconds). Only buckets in or near opening hours travel; a bucket absent
// from the run is unknown, a bucket of zeros means nobody was counted.
type CountDay struct {
	CameraID int64    `json:"camera_id"`
	StoreID  int64    `json:"store_id"`
	Day      string   `json:"day"`
	First    int64    `json:"first"`
	Buckets  []Bucket `json:"buckets"`
}

// Key is "camera_id/day".
func (c CountDay) Key() string { return strconv.FormatInt(c.CameraID, 10) + "/" + c.Day }

// Bucket is one 15-minute device count as a JSON array, in the order of the
// Bucket* indexes: entries, exits, passers_by, staff_excluded, reentries,
// dwell_sum_s, dwell_n. Entries are after staff exclusion and re-entry
// de-duplication, as in product.md.
type Bucket [7]int64

// Indexes into a Bucket.
const (
	BucketEntries = iota
	BucketExits
	BucketPassersBy
	BucketStaffExcluded
	BucketReentries
	BucketDwellSumS
	BucketDwellN
)

// Start is the UTC Unix start of bucket k of the day.
func (c CountDay) Start(k int) int64 { return c.First + 900*int64(k) }

// POSHour is one store's till summary for one hour.
type POSHour struct {
	StoreID int64 `json:"store_id"`
	// HourStart is UTC Unix seconds, a multiple of 3600.
	HourStart int64 `json:"hour_start"`
	// Receipts counts transactions: refunds and staff purchases excluded.
	Receipts       int   `json:"receipts"`
	Items          int   `json:"items"`
	SalesFen       int64 `json:"sales_fen"`
	Refunds        int   `json:"refunds"`
	StaffPurchases int   `json:"staff_purchases"`
}

// Key is "store_id/hour_start".
func (p POSHour) Key() string {
	return strconv.FormatInt(p.StoreID, 10) + "/" + strconv.FormatInt(p.HourStart, 10)
}

// Receipt is one POS receipt with its lines.
type Receipt struct {
	ID              int64         `json:"id"`
	StoreID         int64         `json:"store_id"`
	ReceiptNo       string        `json:"receipt_no"`
	T               int64         `json:"t"`
	Till            string        `json:"till"`
	AmountFen       int64         `json:"amount_fen"`
	DiscountFen     int64         `json:"discount_fen"`
	Cashier         string        `json:"cashier"` // staff code
	MemberCard      string        `json:"member_card,omitempty"`
	IsRefund        bool          `json:"is_refund"`
	IsStaffPurchase bool          `json:"is_staff_purchase"`
	Lines           []ReceiptLine `json:"lines"`
}

// Key is the receipt's stable key.
func (r Receipt) Key() string { return strconv.FormatInt(r.ID, 10) }

// ReceiptLine is one line of a receipt; AmountFen = Qty·UnitPriceFen less any
// line discount (negative for a refund).
type ReceiptLine struct {
	SKU          string `json:"sku"`
	Name         string `json:"name"`
	Qty          int    `json:"qty"`
	UnitPriceFen int64  `json:"unit_price_fen"`
	AmountFen    int64  `json:"amount_fen"`
}

// CameraAlert is an alert a camera raised itself. EndedAt is 0 while open.
type CameraAlert struct {
	ID        string  `json:"id"`
	CameraID  int64   `json:"camera_id"`
	Kind      string  `json:"kind"`
	StartedAt int64   `json:"started_at"`
	EndedAt   int64   `json:"ended_at,omitempty"`
	Measure   float64 `json:"measure"`
	Detail    string  `json:"detail"` // JSON object
}

// Key is the alert's stable key.
func (a CameraAlert) Key() string { return a.ID }

// Recording is a footage clip HQ holds; download it from URL (relative to the
// feed's base URL) and check its Size and SHA256. A segment of a store's
// continuous recording that HQ exports from the store's recorder only when
// asked (OnRequest) comes without Size and SHA256: GET ExportPath(ID)
// first, which answers (once the export is made) with the Recording as it
// now stands.
type Recording struct {
	ID        string  `json:"id"`
	CameraID  int64   `json:"camera_id"`
	Starts    int64   `json:"starts"`
	DurationS float64 `json:"duration_s"`
	Size      int64   `json:"size"`
	SHA256    string  `json:"sha256"` // lower-case hex
	URL       string  `json:"url"`
	MediaType string  `json:"media_type"` // video/mp4
	OnRequest bool    `json:"on_request,omitempty"`
}

// Key is the recording's stable key.
func (r Recording) Key() string { return r.ID }

// InspectionSchedule is a scheduled snapshot check ("迎宾检查" at 10:00,
// 14:00 …). StoreID 0 means every store of the region.
type InspectionSchedule struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	StoreID    int64  `json:"store_id,omitempty"`
	CameraRole string `json:"camera_role"`
	Weekdays   uint8  `json:"weekdays"`
	Times      string `json:"times"` // 'HH:MM,HH:MM,…' local
	Active     bool   `json:"active"`
	// StartsOn is the local date it applies from ("" always); Tag keeps
	// the stores with the tag, StoreIDs a list of stores (both optional).
	StartsOn string  `json:"starts_on,omitempty"`
	Tag      string  `json:"tag,omitempty"`
	StoreIDs []int64 `json:"store_ids,omitempty"`
}

// InspectionSchedulePush is the body of POST PathInspectionSchedules: a
// schedule made or changed on the laptop (Deleted: removed). ID is the
// schedule's id, ChangeID the Idempotency-Key of this change.
type InspectionSchedulePush struct {
	InspectionSchedule
	ChangeID  string `json:"change_id"`
	Deleted   bool   `json:"deleted,omitempty"`
	ChangedAt int64  `json:"changed_at"`
	ChangedBy string `json:"changed_by"`
}

// Key is the schedule's stable key.
func (s InspectionSchedule) Key() string { return s.ID }

// Snapshot is a still taken by a camera for an inspection (or by the device);
// the JPEG is at URL, relative to the feed's base URL.
type Snapshot struct {
	ID         string `json:"id"`
	CameraID   int64  `json:"camera_id"`
	ScheduleID string `json:"schedule_id,omitempty"`
	T          int64  `json:"t"`
	Source     string `json:"source"` // inspection, device
	URL        string `json:"url"`
	SHA256     string `json:"sha256"`
}

// Key is the snapshot's stable key.
func (s Snapshot) Key() string { return s.ID }

// TaskStatusChange is a corrective task moving along at the store, reported
// back by HQ: acknowledged, done (Note is the store's reply, PhotoJPEG its
// photo of the work, when it sent one), or a comment (Status unchanged).
// Actor is "store" or "hq"; By is the person's name.
type TaskStatusChange struct {
	ID        string `json:"id"`
	TaskID    string `json:"task_id"`
	Status    string `json:"status"`
	At        int64  `json:"at"`
	Actor     string `json:"actor,omitempty"`
	By        string `json:"by"`
	Note      string `json:"note"`
	PhotoJPEG []byte `json:"photo_jpeg,omitempty"` // base64 in JSON
}

// Key is the change's stable key.
func (c TaskStatusChange) Key() string { return c.ID }

// CorrectiveTaskPush is the body of POST PathCorrectiveTasks. ID is the
// client's UUID (also the Idempotency-Key). Evidence is optional.
type CorrectiveTaskPush struct {
	ID                 string `json:"id"`
	StoreID            int64  `json:"store_id"`
	Category           string `json:"category"` // door_greeting, opening_hours, display, till, camera, other
	Title              string `json:"title"`
	Body               string `json:"body"`
	KPI                string `json:"kpi,omitempty"`
	AtTime             int64  `json:"at_time,omitempty"`
	EvidenceSnapshotID string `json:"evidence_snapshot_id,omitempty"` // a feed Snapshot.ID
	EvidenceJPEG       []byte `json:"evidence_jpeg,omitempty"`        // base64 in JSON; a still taken locally
	RecordingID        string `json:"recording_id,omitempty"`         // a feed Recording.ID
	CameraID           int64  `json:"camera_id,omitempty"`
	ClipFrom           int64  `json:"clip_from,omitempty"` // a range of the recording attached as evidence
	ClipTo             int64  `json:"clip_to,omitempty"`
	DueOn              string `json:"due_on,omitempty"`
	CreatedBy          string `json:"created_by"`
	CreatedAt          int64  `json:"created_at"`
}

// TaskStatusPush is the body of POST PathTaskStatus: the manager verifying
// or reopening a task the store reported done, or commenting on it (Status
// unchanged).
type TaskStatusPush struct {
	ID     string `json:"id"` // client UUID of the change, also the Idempotency-Key
	TaskID string `json:"task_id"`
	Status string `json:"status"`
	At     int64  `json:"at"`
	By     string `json:"by"`
	Note   string `json:"note"`
}

// InspectionVerdictPush is the body of POST PathInspectionVerdicts.
type InspectionVerdictPush struct {
	ID         string `json:"id"`          // client UUID, also the Idempotency-Key
	SnapshotID string `json:"snapshot_id"` // HQ's snapshot; "" for one taken on the laptop
	Verdict    string `json:"verdict"`     // pass, fail, unclear
	Note       string `json:"note"`
	DecidedAt  int64  `json:"decided_at"`
	DecidedBy  string `json:"decided_by"`
	TaskID     string `json:"task_id,omitempty"`
	// A snapshot the laptop took for a schedule (live, or from the
	// recording): its JPEG, camera, schedule and the due moment it stands for.
	SnapshotJPEG []byte `json:"snapshot_jpeg,omitempty"` // base64 in JSON
	CameraID     int64  `json:"camera_id,omitempty"`
	ScheduleID   string `json:"schedule_id,omitempty"`
	Due          int64  `json:"due,omitempty"`
	Source       string `json:"source,omitempty"` // live, recording
}

// PushAnswer is HQ's answer to an accepted push (201, or 200 for a repeat).
type PushAnswer struct {
	ID         string `json:"id"`
	Status     string `json:"status"` // "accepted"
	AcceptedAt int64  `json:"accepted_at"`
	HQRef      string `json:"hq_ref"`
}

// HeaderIdempotencyKey carries a push's client UUID.
const HeaderIdempotencyKey = "Idempotency-Key"

// Error codes in an Error body.
const (
	CodeUnauthorized        = "unauthorized"         // 401: sign in again
	CodeCursorExpired       = "cursor_expired"       // 410: read everything again
	CodeBadRequest          = "bad_request"          // 400
	CodeNotFound            = "not_found"            // 404
	CodeConflict            = "conflict"             // 409: the thing is not in the state the push assumes
	CodeIdempotencyMismatch = "idempotency_mismatch" // 422: key reused with another body
	CodeInvalid             = "invalid"              // 422: body fails validation
	CodeRateLimited         = "rate_limited"         // 429, with Retry-After
	CodeUnavailable         = "unavailable"          // 503, with Retry-After
	CodeNotImplemented      = "not_implemented"      // 501
)

// Error is the JSON body of every non-2xx answer.
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	// Action says what the client or person should do next.
	Action string `json:"action"`
}

// Error makes an Error usable as a Go error.
func (e *Error) Error() string {
	if e.Action != "" {
		return fmt.Sprintf("%s: %s (%s)", e.Code, e.Message, e.Action)
	}
	return e.Code + ": " + e.Message
}
