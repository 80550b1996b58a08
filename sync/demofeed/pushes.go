package demofeed

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"storelens/app/vocab"
	"storelens/sync/feed"
)

// The pushes: corrective tasks, task status changes, inspection verdicts
// and schedules, each kept with its first answer per Idempotency-Key.

const maxPushBytes = 8 << 20

// idempotent runs handle once per Idempotency-Key and replays its answer.
func (s *Server) idempotent(w http.ResponseWriter, r *http.Request, what string, handle func(body []byte) (int, any)) {
	key := r.Header.Get(feed.HeaderIdempotencyKey)
	if key == "" {
		writeError(w, http.StatusBadRequest, feed.CodeBadRequest, "the "+what+" push has no Idempotency-Key header", "send the item's UUID as Idempotency-Key")
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxPushBytes+1))
	if err != nil {
		writeError(w, http.StatusBadRequest, feed.CodeBadRequest, "the "+what+" body could not be read: "+err.Error(), "send it again")
		return
	}
	if len(body) > maxPushBytes {
		writeError(w, http.StatusRequestEntityTooLarge, feed.CodeInvalid, "the "+what+" body is larger than 8 MiB", "attach a smaller evidence image")
		return
	}
	sum := sha256.Sum256(body)
	id := r.URL.Path + "\x00" + key
	s.mu.Lock()
	defer s.mu.Unlock()
	if prev, ok := s.answers[id]; ok {
		if prev.bodySum != sum {
			writeError(w, http.StatusUnprocessableEntity, feed.CodeIdempotencyMismatch,
				"Idempotency-Key "+key+" was already used for a different "+what, "send a new UUID for a new "+what+", or the same body as before")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Idempotent-Replayed", "true")
		w.WriteHeader(prev.status)
		w.Write(prev.body)
		return
	}
	status, ans := handle(body)
	if e, ok := ans.(*feed.Error); ok {
		// Refusals are not remembered: the client may correct the body and retry.
		writeError(w, status, e.Code, e.Message, e.Action)
		return
	}
	b, _ := json.Marshal(ans)
	s.answers[id] = storedAnswer{bodySum: sum, status: status, body: b}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b)
}

func invalid(what, msg, action string) (int, any) {
	return http.StatusUnprocessableEntity, &feed.Error{Code: feed.CodeInvalid, Message: what + ": " + msg, Action: action}
}

func isUUID(s string) bool {
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return false
	}
	_, err := hex.DecodeString(strings.ReplaceAll(s, "-", ""))
	return err == nil
}

func (s *Server) storeByID(id int64) *store {
	if id < 1 || int(id) > len(s.chain.stores) {
		return nil
	}
	return s.chain.stores[id-1]
}

func (s *Server) pushTask(w http.ResponseWriter, r *http.Request) {
	s.idempotent(w, r, "corrective task", func(body []byte) (int, any) {
		var t feed.CorrectiveTaskPush
		if err := json.Unmarshal(body, &t); err != nil {
			return invalid("corrective task", "the body is not valid JSON ("+err.Error()+")", "send a CorrectiveTaskPush object")
		}
		switch {
		case !isUUID(t.ID):
			return invalid("corrective task", "id "+strconv.Quote(t.ID)+" is not a UUID", "generate the id with a UUID library")
		case s.storeByID(t.StoreID) == nil:
			return invalid("corrective task "+t.ID, "store_id "+strconv.FormatInt(t.StoreID, 10)+" is not a store of this region", "sync the stores and pick one of them")
		case strings.TrimSpace(t.Title) == "":
			return invalid("corrective task "+t.ID, "the title is empty", "give the task a title")
		}
		if t.Category != "" && !vocab.Valid(vocab.TaskCategories, t.Category) {
			return invalid("corrective task "+t.ID, "category "+strconv.Quote(t.Category)+" is not a task category", "send one of "+strings.Join(vocab.TaskCategories, ", "))
		}
		now := s.cfg.Now()
		s.tasks[t.ID] = t
		s.received++
		s.scheduleSteps(t, now, s.received%4 != 0, false)
		return http.StatusCreated, feed.PushAnswer{ID: t.ID, Status: "accepted", AcceptedAt: now.Unix(), HQRef: "HQ-T-" + strings.ToUpper(t.ID[:8])}
	})
}

// scheduleSteps plays the store's side of a task received (or reopened) at
// now: acknowledged after TaskSteps[0], and, when done is set, reported
// done after TaskSteps[1] with the store manager's reply and a photo.
func (s *Server) scheduleSteps(t feed.CorrectiveTaskPush, now time.Time, done, again bool) {
	st := s.storeByID(t.StoreID)
	by := st.staff[0].Name
	round := fmt.Sprintf("%d", now.Unix())
	ack, reply := "店长已收到，今天安排整改", "已按要求整改，请复核"
	if again {
		ack, reply = "收到退回，重新整改", "已重新整改，附照片，请复核"
	}
	s.addChange(feed.TaskStatusChange{ID: t.ID + "/" + round + "/" + vocab.TaskAcknowledged, TaskID: t.ID, Status: vocab.TaskAcknowledged,
		At: now.Add(s.cfg.TaskSteps[0]).Unix(), Actor: vocab.ActorStore, By: by, Note: ack})
	if !done || len(s.cfg.TaskSteps) < 2 {
		return
	}
	var photo []byte
	if len(s.media.stills) > 0 {
		photo = s.media.stills[stillIndex(t.ID+round, len(s.media.stills))].data
	}
	s.addChange(feed.TaskStatusChange{ID: t.ID + "/" + round + "/" + vocab.TaskDone, TaskID: t.ID, Status: vocab.TaskDone,
		At: now.Add(s.cfg.TaskSteps[1]).Unix(), Actor: vocab.ActorStore, By: by, Note: reply, PhotoJPEG: photo})
}

// managed is a status the manager set at HQ, and when.
type managed struct {
	status string
	at     int64
}

// taskStatusAt is the status HQ holds for a task at now: the latest of
// the store's changes visible by then and the manager's last push, or sent.
func (s *Server) taskStatusAt(id string, now int64) string {
	status, at := vocab.TaskSent, int64(0)
	if m, ok := s.managed[id]; ok {
		status, at = m.status, m.at
	}
	for _, c := range s.changes {
		if c.At > now {
			break
		}
		if c.TaskID == id && c.At >= at {
			status = c.Status
		}
	}
	return status
}

func (s *Server) addChange(c feed.TaskStatusChange) {
	i := sort.Search(len(s.changes), func(i int) bool { return s.changes[i].At > c.At })
	s.changes = append(s.changes, feed.TaskStatusChange{})
	copy(s.changes[i+1:], s.changes[i:])
	s.changes[i] = c
}

func (s *Server) visibleChanges() []keyed {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.cfg.Now().Unix()
	var out []keyed
	for _, c := range s.changes {
		if c.At > now {
			break
		}
		out = append(out, keyed{c.Key(), c})
	}
	return out
}

func (s *Server) pushTaskStatus(w http.ResponseWriter, r *http.Request) {
	s.idempotent(w, r, "task status change", func(body []byte) (int, any) {
		var c feed.TaskStatusPush
		if err := json.Unmarshal(body, &c); err != nil {
			return invalid("task status change", "the body is not valid JSON ("+err.Error()+")", "send a TaskStatusPush object")
		}
		if _, ok := s.tasks[c.TaskID]; !ok {
			return http.StatusNotFound, &feed.Error{Code: feed.CodeNotFound, Message: "task " + c.TaskID + " is not known at HQ", Action: "push the corrective task first"}
		}
		now := s.cfg.Now()
		cur := s.taskStatusAt(c.TaskID, now.Unix())
		switch {
		case c.Status == cur && strings.TrimSpace(c.Note) != "":
			// A comment: kept, nothing moves.
		case (c.Status == vocab.TaskVerified || c.Status == vocab.TaskReopened) && cur == vocab.TaskDone:
			// The store stops working on it: drop its pending steps.
			kept := s.changes[:0]
			for _, x := range s.changes {
				if x.TaskID != c.TaskID || x.At <= now.Unix() {
					kept = append(kept, x)
				}
			}
			s.changes = kept
			s.managed[c.TaskID] = managed{c.Status, now.Unix()}
			if c.Status == vocab.TaskReopened {
				s.scheduleSteps(s.tasks[c.TaskID], now, true, true)
			}
		case c.Status == vocab.TaskVerified || c.Status == vocab.TaskReopened:
			return http.StatusConflict, &feed.Error{Code: feed.CodeConflict, Message: "task " + c.TaskID + " is " + cur + " at HQ, not done",
				Action: "sync, then verify or reopen it once the store reports it done"}
		default:
			return invalid("task status change", "status "+strconv.Quote(c.Status)+" cannot be set by a manager", "send verified or reopened, or a comment with the task's status")
		}
		return http.StatusCreated, feed.PushAnswer{ID: c.ID, Status: "accepted", AcceptedAt: now.Unix(), HQRef: "HQ-S-" + strings.ToUpper(strings.ReplaceAll(c.ID, "-", "")[:8])}
	})
}

func (s *Server) pushVerdict(w http.ResponseWriter, r *http.Request) {
	s.idempotent(w, r, "inspection verdict", func(body []byte) (int, any) {
		var v feed.InspectionVerdictPush
		if err := json.Unmarshal(body, &v); err != nil {
			return invalid("inspection verdict", "the body is not valid JSON ("+err.Error()+")", "send an InspectionVerdictPush object")
		}
		switch {
		case !isUUID(v.ID):
			return invalid("inspection verdict", "id "+strconv.Quote(v.ID)+" is not a UUID", "generate the id with a UUID library")
		case v.Verdict != "pass" && v.Verdict != "fail" && v.Verdict != "unclear":
			return invalid("inspection verdict "+v.ID, "verdict "+strconv.Quote(v.Verdict)+" is not pass, fail or unclear", "send pass, fail or unclear")
		case v.SnapshotID == "" && (len(v.SnapshotJPEG) == 0 || v.CameraID == 0 || v.Due == 0):
			return invalid("inspection verdict "+v.ID, "a snapshot taken on the laptop comes without its picture, camera or due moment", "send snapshot_jpeg, camera_id and due with it")
		case v.SnapshotID == "" && !bytes.HasPrefix(v.SnapshotJPEG, []byte{0xff, 0xd8}):
			return invalid("inspection verdict "+v.ID, "snapshot_jpeg is not a JPEG", "send the snapshot as a JPEG")
		case v.SnapshotID != "" && !strings.HasPrefix(v.SnapshotID, "sn-"):
			return invalid("inspection verdict "+v.ID, "snapshot_id "+strconv.Quote(v.SnapshotID)+" is not a snapshot of this feed", "sync the snapshots and judge one of them")
		}
		s.verdicts[v.ID] = v
		return http.StatusCreated, feed.PushAnswer{ID: v.ID, Status: "accepted", AcceptedAt: s.cfg.Now().Unix(), HQRef: "HQ-V-" + strings.ToUpper(v.ID[:8])}
	})
}

// pushSchedule takes a schedule made, changed or deleted on the laptop and
// serves it back in the schedules collection, as HQ's own.
func (s *Server) pushSchedule(w http.ResponseWriter, r *http.Request) {
	s.idempotent(w, r, "inspection schedule", func(body []byte) (int, any) {
		var v feed.InspectionSchedulePush
		if err := json.Unmarshal(body, &v); err != nil {
			return invalid("inspection schedule", "the body is not valid JSON ("+err.Error()+")", "send an InspectionSchedulePush object")
		}
		switch {
		case v.ID == "" || !isUUID(v.ChangeID):
			return invalid("inspection schedule", "it has no id or its change_id is not a UUID", "send the schedule's id and a UUID per change")
		case !v.Deleted && (strings.TrimSpace(v.Name) == "" || v.Weekdays == 0 || v.Weekdays > 127 || v.Times == ""):
			return invalid("inspection schedule "+v.ID, "it has no name, no day of the week or no time", "send a name, days and times")
		}
		// idempotent holds s.mu.
		list := slices.Clone(s.static[feed.CollInspectionSchedules])
		i := slices.IndexFunc(list, func(k keyed) bool { return k.key == v.ID })
		if v.Deleted {
			if i >= 0 {
				s.static[feed.CollInspectionSchedules] = slices.Delete(list, i, i+1)
			}
			if s.deleted[feed.CollInspectionSchedules] == nil {
				s.deleted[feed.CollInspectionSchedules] = map[string]bool{}
			}
			s.deleted[feed.CollInspectionSchedules][v.ID] = true
			s.tombs[feed.CollInspectionSchedules] = append(s.tombs[feed.CollInspectionSchedules], feed.Tombstone{ID: v.ID, DeletedAt: s.cfg.Now().Unix()})
		} else {
			item := keyed{v.ID, v.InspectionSchedule}
			if i >= 0 {
				list[i] = item
			} else {
				list = append(list, item)
			}
			s.static[feed.CollInspectionSchedules] = list
			delete(s.deleted[feed.CollInspectionSchedules], v.ID)
			s.changed[feed.CollInspectionSchedules] = append(s.changed[feed.CollInspectionSchedules], item)
		}
		s.schedulePushes = append(s.schedulePushes, v)
		return http.StatusCreated, feed.PushAnswer{ID: v.ChangeID, Status: "accepted", AcceptedAt: s.cfg.Now().Unix(), HQRef: "HQ-P-" + strings.ToUpper(strings.ReplaceAll(v.ChangeID, "-", "")[:8])}
	})
}

// SchedulePushes are the schedule changes HQ received, in order.
func (s *Server) SchedulePushes() []feed.InspectionSchedulePush {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.schedulePushes)
}
