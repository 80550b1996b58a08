package localdb

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"testing"
	"testing/fstest"
)

// upTo is the embedded migrations before version v.
func upTo(t *testing.T, v int) fs.FS {
	t.Helper()
	out := fstest.MapFS{}
	all := embedded()
	entries, _ := fs.ReadDir(all, ".")
	for _, e := range entries {
		var n int
		if _, err := fmtSscan(e.Name(), &n); err != nil || n >= v {
			continue
		}
		b, _ := fs.ReadFile(all, e.Name())
		out[e.Name()] = &fstest.MapFile{Data: b}
	}
	return out
}

func TestTaskLifecycleMigrationKeepsTasksHistoryAndVerdicts(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	db, err := Open(ctx, Options{Dir: dir, Migrations: upTo(t, 70)})
	if err != nil {
		t.Fatal(err)
	}
	s := seedStore(t, db)
	err = db.write(ctx, func(tx *sql.Tx) error {
		for _, q := range []string{
			`INSERT INTO cameras(id, code, store_id, role) VALUES (1, 'C1', 101, 'entrance')`,
			`INSERT INTO snapshots(id, remote_id, camera_id, t, source) VALUES (1, 'sn-1', 1, 100, 'inspection')`,
			`INSERT INTO corrective_tasks(id, store_id, title, status, created_at, updated_at) VALUES ('a', 101, '门口', 'open', 10, 10)`,
			`INSERT INTO corrective_tasks(id, store_id, title, status, created_at, updated_at) VALUES ('b', 101, '陈列', 'in_progress', 20, 30)`,
			`INSERT INTO task_status_history(task_id, status, at, by, source) VALUES ('a', 'open', 10, 'm', 'local')`,
			`INSERT INTO task_status_history(task_id, remote_id, status, at, by, source) VALUES ('b', 'r', 'in_progress', 30, '店长', 'hq')`,
			`INSERT INTO inspection_results(id, snapshot_id, verdict, decided_at, task_id) VALUES ('v', 1, 'fail', 40, 'a')`,
			`INSERT INTO outbox(idempotency_key, kind, payload, created_at) VALUES ('a', 'corrective_task', '{}', 10)`,
		} {
			if _, err := tx.Exec(q); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = Open(ctx, Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tasks, err := db.Tasks(ctx, TaskFilter{StoreID: s.ID})
	if err != nil || len(tasks) != 2 {
		t.Fatalf("tasks %+v, %v", tasks, err)
	}
	if tasks[0].Status != "sent" || !tasks[0].WaitingToSend || tasks[1].Status != "acknowledged" || tasks[0].Category != "other" {
		t.Errorf("migrated tasks %+v", tasks)
	}
	ha, _ := db.TaskStatusHistory(ctx, "a")
	hb, _ := db.TaskStatusHistory(ctx, "b")
	if len(ha) != 1 || len(hb) != 1 || hb[0].Actor != "store" || hb[0].Status != "acknowledged" {
		t.Errorf("history a %+v b %+v", ha, hb)
	}
	var taskID string
	db.r.QueryRow(`SELECT task_id FROM inspection_results WHERE id = 'v'`).Scan(&taskID)
	if taskID != "a" {
		t.Errorf("the verdict's task is %q, want a", taskID)
	}
	// The references follow the renamed tables: deleting a task cascades.
	db.write(ctx, func(tx *sql.Tx) error { _, err := tx.Exec(`DELETE FROM corrective_tasks WHERE id = 'b'`); return err })
	if hb, _ := db.TaskStatusHistory(ctx, "b"); len(hb) != 0 {
		t.Errorf("history of a deleted task survived: %+v", hb)
	}
}

func fmtSscan(name string, n *int) (int, error) { return fmt.Sscanf(name, "%04d_", n) }
