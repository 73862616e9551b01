/* bench-store.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The SQLite history of runs. The schema is created and migrated by an
 * ordered list of SQL steps (see migrations[]); values that were not
 * measured (NAN, -1, NULL) are stored as SQL NULL and read back as such.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "bench-error.h"
#include "bench-store.h"
#include "bench-sysinfo.h"
#include "bench-workload.h"

#define BUSY_TIMEOUT_MS 5000

/*
 * Forward migrations: migrations[i] takes a database from user_version i to
 * i + 1. Each step runs in a transaction of its own together with the
 * user_version update. Never edit a released step; append a new one.
 */
static const char * const migrations[] = {
  /* 0 -> 1: everything */
  "CREATE TABLE runs ("
  "  id            INTEGER PRIMARY KEY,"
  "  uuid          TEXT NOT NULL UNIQUE,"
  "  started_at    TEXT,"               /* ISO 8601 UTC, microseconds */
  "  finished_at   TEXT,"
  "  host          TEXT,"
  "  app_version   TEXT,"
  "  source        TEXT NOT NULL CHECK (source IN ('local', 'import')),"
  "  source_format TEXT,"
  "  source_file   TEXT,"
  "  status        TEXT NOT NULL,"
  "  error         TEXT,"
  "  notes         TEXT,"
  "  plan_json     TEXT,"
  "  pid           INTEGER"
  ");"
  "CREATE INDEX runs_by_started_at ON runs (started_at);"
  "CREATE INDEX runs_by_status ON runs (status);"

  "CREATE TABLE devices ("
  "  id            INTEGER PRIMARY KEY,"
  "  fingerprint   TEXT NOT NULL UNIQUE,"
  "  backend       TEXT NOT NULL,"
  "  name          TEXT NOT NULL,"
  "  vendor        TEXT,"
  "  driver        TEXT,"
  "  type          TEXT NOT NULL,"
  "  compute_units INTEGER,"
  "  threads       INTEGER,"
  "  memory_bytes  INTEGER,"
  "  peak_gflops   REAL,"
  "  bandwidth_gbs REAL,"
  "  properties    TEXT NOT NULL DEFAULT '{}'"
  ");"

  "CREATE TABLE run_devices ("
  "  run_id        INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,"
  "  device_id     INTEGER NOT NULL REFERENCES devices (id),"
  "  local_id      TEXT NOT NULL,"
  "  backend_index INTEGER NOT NULL,"
  "  position      INTEGER NOT NULL,"
  "  PRIMARY KEY (run_id, device_id)"
  ") WITHOUT ROWID;"
  "CREATE INDEX run_devices_by_device ON run_devices (device_id);"

  "CREATE TABLE workloads ("
  "  id            INTEGER PRIMARY KEY,"
  "  name          TEXT NOT NULL UNIQUE,"
  "  family        TEXT,"
  "  category      TEXT,"
  "  size_label    TEXT,"
  "  parameters    INTEGER"
  ");"

  "CREATE TABLE results ("
  "  id                   INTEGER PRIMARY KEY,"
  "  run_id               INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,"
  "  workload_id          INTEGER NOT NULL REFERENCES workloads (id),"
  "  device_id            INTEGER REFERENCES devices (id),"
  "  device_local_id      TEXT,"
  "  device_name          TEXT,"
  "  batch_size           INTEGER,"
  "  seq_len              INTEGER,"
  "  precision            TEXT,"
  "  mode                 TEXT,"
  "  params_json          TEXT,"
  "  status               TEXT NOT NULL,"
  "  error                TEXT,"
  "  started_at           TEXT,"
  "  warmup_iterations    INTEGER,"
  "  iterations           INTEGER,"
  "  setup_ns             REAL,"
  "  cold_ns              REAL,"
  "  first_token_ns       REAL,"
  "  lat_n                INTEGER NOT NULL,"
  "  lat_mean             REAL,"
  "  lat_median           REAL,"
  "  lat_min              REAL,"
  "  lat_max              REAL,"
  "  lat_stddev           REAL,"
  "  lat_p90              REAL,"
  "  lat_p95              REAL,"
  "  lat_p99              REAL,"
  "  lat_cv               REAL,"
  "  lat_ci_level         REAL,"
  "  lat_ci_low           REAL,"
  "  lat_ci_high          REAL,"
  "  lat_q1               REAL,"
  "  lat_q3               REAL,"
  "  lat_mad              REAL,"
  "  lat_outliers_low     INTEGER NOT NULL,"
  "  lat_outliers_high    INTEGER NOT NULL,"
  "  dev_n                INTEGER NOT NULL,"
  "  dev_mean             REAL,"
  "  dev_median           REAL,"
  "  dev_min              REAL,"
  "  dev_max              REAL,"
  "  dev_stddev           REAL,"
  "  dev_p90              REAL,"
  "  dev_p95              REAL,"
  "  dev_p99              REAL,"
  "  dev_cv               REAL,"
  "  dev_ci_level         REAL,"
  "  dev_ci_low           REAL,"
  "  dev_ci_high          REAL,"
  "  dev_q1               REAL,"
  "  dev_q3               REAL,"
  "  dev_mad              REAL,"
  "  dev_outliers_low     INTEGER NOT NULL,"
  "  dev_outliers_high    INTEGER NOT NULL,"
  "  items_per_iteration  REAL,"
  "  tokens_per_iteration REAL,"
  "  flops                REAL,"
  "  bytes                REAL,"
  "  items_per_second     REAL,"
  "  tokens_per_second    REAL,"
  "  gflops               REAL,"
  "  gbytes_per_second    REAL,"
  "  percent_of_peak      REAL,"
  "  flops_breakdown_json TEXT,"
  "  peak_rss_bytes       INTEGER,"
  "  device_memory_bytes  INTEGER,"
  "  weights_bytes        INTEGER,"
  "  workspace_bytes      INTEGER,"
  "  validation           TEXT NOT NULL,"
  "  max_abs_error        REAL,"
  "  max_rel_error        REAL,"
  "  tolerance            REAL"
  ");"
  "CREATE INDEX results_by_run ON results (run_id);"
  "CREATE INDEX results_by_workload ON results (workload_id);"
  "CREATE INDEX results_by_device ON results (device_id);"

  "CREATE TABLE samples ("
  "  result_id     INTEGER NOT NULL REFERENCES results (id) ON DELETE CASCADE,"
  "  idx           INTEGER NOT NULL,"
  "  latency_ns    INTEGER,"
  "  device_ns     INTEGER,"
  "  PRIMARY KEY (result_id, idx)"
  ") WITHOUT ROWID;",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == BENCH_STORE_SCHEMA_VERSION);

/* The plain columns of results, read and written generically. The others
 * (keys, workload, device, JSON text, enums, times) are handled by hand. */
typedef enum
{
  FIELD_STR,     /* char *, NULL -> NULL */
  FIELD_INT,     /* gint, -1 -> NULL */
  FIELD_INT64,   /* gint64, -1 -> NULL */
  FIELD_DOUBLE,  /* double, NAN -> NULL */
  FIELD_UINT,    /* guint, always a value */
} FieldKind;

typedef struct
{
  const char *column;
  FieldKind   kind;
  gsize       offset;
} Field;

#define RF(col, kind, member) { col, kind, G_STRUCT_OFFSET (BenchResult, member) }
static const Field result_fields[] = {
  RF ("device_local_id", FIELD_STR, device_id),
  RF ("device_name", FIELD_STR, device_name),
  RF ("batch_size", FIELD_INT, batch_size),
  RF ("seq_len", FIELD_INT, seq_len),
  RF ("precision", FIELD_STR, precision),
  RF ("mode", FIELD_STR, mode),
  RF ("error", FIELD_STR, error),
  RF ("warmup_iterations", FIELD_INT, warmup_iterations),
  RF ("iterations", FIELD_INT, iterations),
  RF ("setup_ns", FIELD_DOUBLE, setup_ns),
  RF ("cold_ns", FIELD_DOUBLE, cold_ns),
  RF ("first_token_ns", FIELD_DOUBLE, first_token_ns),
  RF ("items_per_iteration", FIELD_DOUBLE, items_per_iteration),
  RF ("tokens_per_iteration", FIELD_DOUBLE, tokens_per_iteration),
  RF ("flops", FIELD_DOUBLE, flops),
  RF ("bytes", FIELD_DOUBLE, bytes),
  RF ("items_per_second", FIELD_DOUBLE, items_per_second),
  RF ("tokens_per_second", FIELD_DOUBLE, tokens_per_second),
  RF ("gflops", FIELD_DOUBLE, gflops),
  RF ("gbytes_per_second", FIELD_DOUBLE, gbytes_per_second),
  RF ("percent_of_peak", FIELD_DOUBLE, percent_of_peak),
  RF ("peak_rss_bytes", FIELD_INT64, peak_rss_bytes),
  RF ("device_memory_bytes", FIELD_INT64, device_memory_bytes),
  RF ("weights_bytes", FIELD_INT64, weights_bytes),
  RF ("workspace_bytes", FIELD_INT64, workspace_bytes),
  RF ("max_abs_error", FIELD_DOUBLE, max_abs_error),
  RF ("max_rel_error", FIELD_DOUBLE, max_rel_error),
  RF ("tolerance", FIELD_DOUBLE, tolerance),
};
#undef RF

#define SF(col, kind, member) { col, kind, G_STRUCT_OFFSET (BenchStats, member) }
static const Field stats_fields[] = {
  SF ("n", FIELD_UINT, n),
  SF ("mean", FIELD_DOUBLE, mean),
  SF ("median", FIELD_DOUBLE, median),
  SF ("min", FIELD_DOUBLE, min),
  SF ("max", FIELD_DOUBLE, max),
  SF ("stddev", FIELD_DOUBLE, stddev),
  SF ("p90", FIELD_DOUBLE, p90),
  SF ("p95", FIELD_DOUBLE, p95),
  SF ("p99", FIELD_DOUBLE, p99),
  SF ("cv", FIELD_DOUBLE, cv),
  SF ("ci_level", FIELD_DOUBLE, ci_level),
  SF ("ci_low", FIELD_DOUBLE, ci_low),
  SF ("ci_high", FIELD_DOUBLE, ci_high),
  SF ("q1", FIELD_DOUBLE, q1),
  SF ("q3", FIELD_DOUBLE, q3),
  SF ("mad", FIELD_DOUBLE, mad),
  SF ("outliers_low", FIELD_UINT, outliers_low),
  SF ("outliers_high", FIELD_UINT, outliers_high),
};
#undef SF

/* The hand-written result columns, in the order of the generated SQL. */
#define RESULT_FIXED_INSERT_COLUMNS \
  "run_id, workload_id, device_id, params_json, flops_breakdown_json, status, started_at, validation"
#define N_RESULT_FIXED_INSERT 8
#define RESULT_FIXED_SELECT_COLUMNS \
  "r.id, ru.uuid, w.name, w.family, w.category, d.fingerprint, r.params_json, " \
  "r.flops_breakdown_json, r.status, r.started_at, r.validation"
#define N_RESULT_FIXED_SELECT 11

typedef enum
{
  DEVICE_PREFER_NEW,       /* a device just discovered or characterised here */
  DEVICE_PREFER_EXISTING,  /* an imported run: keep what the store knows */
} DevicePolicy;

struct _BenchStore
{
  GObject     parent_instance;

  char       *path;
  sqlite3    *db;
  GHashTable *statements;  /* SQL text -> sqlite3_stmt, prepared once */
  char       *insert_result_sql;
  char       *select_result_sql;
  char       *insert_samples_sql;
  int         schema_version;
};

G_DEFINE_FINAL_TYPE (BenchStore, bench_store, G_TYPE_OBJECT)

/* A cached statement is only reset when done with; a one-off statement is
 * finalized. */
typedef sqlite3_stmt CachedStmt;

static void
cached_stmt_release (CachedStmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

static void
one_off_stmt_free (sqlite3_stmt *stmt)
{
  sqlite3_finalize (stmt);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CachedStmt, cached_stmt_release)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, one_off_stmt_free)

/* ------------------------------------------------------------------ */
/* Errors                                                              */

static const char *
sqlite_hint (int code)
{
  switch (code & 0xff)
    {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return " (another benchtop process holds the database; try again when it is done)";
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CANTOPEN:
      return " (check the permissions of the file and its folder, or choose another with --db or BENCHTOP_DB)";
    case SQLITE_FULL:
      return " (the disk is full)";
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return " (the file is not a benchtop history; choose another with --db or BENCHTOP_DB)";
    default:
      return "";
    }
}

static gboolean
store_error (BenchStore  *self,
             GError     **error,
             const char  *what)
{
  int code = sqlite3_extended_errcode (self->db);

  g_set_error (error, BENCH_ERROR, BENCH_ERROR_STORE,
               "%s: %s: %s%s", self->path, what,
               sqlite3_errmsg (self->db), sqlite_hint (code));
  return FALSE;
}

/* ------------------------------------------------------------------ */
/* Statements, binding and reading                                     */

static CachedStmt *
get_stmt (BenchStore  *self,
          const char  *sql,
          GError     **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  if (sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    {
      store_error (self, error, "could not prepare a query");
      return NULL;
    }

  g_hash_table_insert (self->statements, g_strdup (sql), stmt);
  return stmt;
}

static sqlite3_stmt *
prepare_one_off (BenchStore  *self,
                 const char  *sql,
                 GError     **error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      store_error (self, error, "could not prepare a query");
      return NULL;
    }
  return stmt;
}

static gboolean
exec_sql (BenchStore  *self,
          const char  *sql,
          const char  *what,
          GError     **error)
{
  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return store_error (self, error, what);
  return TRUE;
}

static void
bind_text (sqlite3_stmt *stmt,
           int           idx,
           const char   *value)
{
  if (value == NULL)
    sqlite3_bind_null (stmt, idx);
  else
    sqlite3_bind_text (stmt, idx, value, -1, SQLITE_TRANSIENT);
}

static void
bind_double (sqlite3_stmt *stmt,
             int           idx,
             double        value)
{
  if (!isfinite (value))
    sqlite3_bind_null (stmt, idx);
  else
    sqlite3_bind_double (stmt, idx, value);
}

static void
bind_int64 (sqlite3_stmt *stmt,
            int           idx,
            gint64        value)
{
  if (value == -1)
    sqlite3_bind_null (stmt, idx);
  else
    sqlite3_bind_int64 (stmt, idx, value);
}

static char *
format_time (GDateTime *time)
{
  g_autoptr(GDateTime) utc = NULL;

  if (time == NULL)
    return NULL;

  utc = g_date_time_to_utc (time);
  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S.%fZ");
}

static void
bind_time (sqlite3_stmt *stmt,
           int           idx,
           GDateTime    *time)
{
  g_autofree char *text = format_time (time);

  bind_text (stmt, idx, text);
}

static char *
column_dup_text (sqlite3_stmt *stmt,
                 int           col)
{
  if (sqlite3_column_type (stmt, col) == SQLITE_NULL)
    return NULL;
  return g_strdup ((const char *)sqlite3_column_text (stmt, col));
}

static double
column_double (sqlite3_stmt *stmt,
               int           col)
{
  if (sqlite3_column_type (stmt, col) == SQLITE_NULL)
    return NAN;
  return sqlite3_column_double (stmt, col);
}

static gint64
column_int64 (sqlite3_stmt *stmt,
              int           col)
{
  if (sqlite3_column_type (stmt, col) == SQLITE_NULL)
    return -1;
  return sqlite3_column_int64 (stmt, col);
}

static GDateTime *
column_time (sqlite3_stmt *stmt,
             int           col)
{
  const char *text;

  if (sqlite3_column_type (stmt, col) == SQLITE_NULL)
    return NULL;
  text = (const char *)sqlite3_column_text (stmt, col);
  return g_date_time_new_from_iso8601 (text, NULL);
}

static void
bind_field (sqlite3_stmt *stmt,
            int           idx,
            const Field  *field,
            gconstpointer base)
{
  gconstpointer member = G_STRUCT_MEMBER_P (base, field->offset);

  switch (field->kind)
    {
    case FIELD_STR:
      bind_text (stmt, idx, *(char * const *)member);
      break;
    case FIELD_INT:
      bind_int64 (stmt, idx, *(const gint *)member);
      break;
    case FIELD_INT64:
      bind_int64 (stmt, idx, *(const gint64 *)member);
      break;
    case FIELD_DOUBLE:
      bind_double (stmt, idx, *(const double *)member);
      break;
    case FIELD_UINT:
      sqlite3_bind_int64 (stmt, idx, *(const guint *)member);
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
read_field (sqlite3_stmt *stmt,
            int           col,
            const Field  *field,
            gpointer      base)
{
  gpointer member = G_STRUCT_MEMBER_P (base, field->offset);

  switch (field->kind)
    {
    case FIELD_STR:
      g_free (*(char **)member);
      *(char **)member = column_dup_text (stmt, col);
      break;
    case FIELD_INT:
      *(gint *)member = (gint)column_int64 (stmt, col);
      break;
    case FIELD_INT64:
      *(gint64 *)member = column_int64 (stmt, col);
      break;
    case FIELD_DOUBLE:
      *(double *)member = column_double (stmt, col);
      break;
    case FIELD_UINT:
      *(guint *)member = (guint)sqlite3_column_int64 (stmt, col);
      break;
    default:
      g_assert_not_reached ();
    }
}

/* JSON text is stored compact, so the same value is the same row whatever
 * produced it. */
static gboolean
normalize_json (const char  *text,
                const char  *what,
                char       **out,
                GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;

  *out = NULL;
  if (text == NULL)
    return TRUE;

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, text, -1, &local_error) ||
      json_parser_get_root (parser) == NULL)
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_INVALID_ARGUMENT,
                   "%s is not valid JSON: %s", what,
                   local_error ? local_error->message : "empty");
      return FALSE;
    }

  *out = json_to_string (json_parser_get_root (parser), FALSE);
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Transactions                                                        */

static gboolean
begin_transaction (BenchStore  *self,
                   GError     **error)
{
  /* IMMEDIATE takes the write lock now, so a busy database waits on the
   * busy timeout here rather than failing half-way. */
  return exec_sql (self, "BEGIN IMMEDIATE", "could not start a transaction", error);
}

static gboolean
commit_transaction (BenchStore  *self,
                    GError     **error)
{
  return exec_sql (self, "COMMIT", "could not commit", error);
}

static void
rollback_transaction (BenchStore *self)
{
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

/* ------------------------------------------------------------------ */
/* GObject                                                             */

static void
bench_store_finalize (GObject *object)
{
  BenchStore *self = (BenchStore *)object;

  /* Finalizing the statements first lets sqlite3_close() succeed and
   * checkpoint the WAL. */
  g_clear_pointer (&self->statements, g_hash_table_unref);
  if (self->db != NULL)
    {
      sqlite3_close (self->db);
      self->db = NULL;
    }
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->insert_result_sql, g_free);
  g_clear_pointer (&self->select_result_sql, g_free);
  g_clear_pointer (&self->insert_samples_sql, g_free);

  G_OBJECT_CLASS (bench_store_parent_class)->finalize (object);
}

static void
bench_store_class_init (BenchStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bench_store_finalize;
}

static void
bench_store_init (BenchStore *self)
{
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify)one_off_stmt_free);
}

static void
build_result_sql (BenchStore *self)
{
  g_autoptr(GString) insert = g_string_new ("INSERT INTO results (" RESULT_FIXED_INSERT_COLUMNS);
  g_autoptr(GString) values = g_string_new (NULL);
  g_autoptr(GString) select = g_string_new ("SELECT " RESULT_FIXED_SELECT_COLUMNS);
  guint n_params = N_RESULT_FIXED_INSERT;

  for (guint i = 0; i < G_N_ELEMENTS (result_fields); i++)
    {
      g_string_append_printf (insert, ", %s", result_fields[i].column);
      g_string_append_printf (select, ", r.%s", result_fields[i].column);
      n_params++;
    }
  for (guint p = 0; p < 2; p++)
    {
      const char *prefix = p == 0 ? "lat_" : "dev_";

      for (guint i = 0; i < G_N_ELEMENTS (stats_fields); i++)
        {
          g_string_append_printf (insert, ", %s%s", prefix, stats_fields[i].column);
          g_string_append_printf (select, ", r.%s%s", prefix, stats_fields[i].column);
          n_params++;
        }
    }

  for (guint i = 1; i <= n_params; i++)
    g_string_append_printf (values, "%s?%u", i > 1 ? ", " : "", i);
  g_string_append_printf (insert, ") VALUES (%s)", values->str);

  g_string_append (select,
                   " FROM results r"
                   " JOIN runs ru ON ru.id = r.run_id"
                   " JOIN workloads w ON w.id = r.workload_id"
                   " LEFT JOIN devices d ON d.id = r.device_id");

  self->insert_result_sql = g_string_free (g_steal_pointer (&insert), FALSE);
  self->select_result_sql = g_string_free (g_steal_pointer (&select), FALSE);
}

/* ------------------------------------------------------------------ */
/* Opening                                                             */

/**
 * bench_store_dup_default_path:
 *
 * Returns: (transfer full): $BENCHTOP_DB when set and not empty, else
 *   $XDG_DATA_HOME/benchtop/benchtop.db
 */
char *
bench_store_dup_default_path (void)
{
  const char *env = g_getenv ("BENCHTOP_DB");

  if (env != NULL && env[0] != '\0')
    return g_strdup (env);

  return g_build_filename (g_get_user_data_dir (), "benchtop", "benchtop.db", NULL);
}

static gboolean
read_user_version (BenchStore  *self,
                   int         *version,
                   GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare_one_off (self, "PRAGMA user_version", error);

  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return store_error (self, error, "could not read the schema version");

  *version = sqlite3_column_int (stmt, 0);
  return TRUE;
}

static gboolean
migrate (BenchStore  *self,
         GError     **error)
{
  int version;

  if (!read_user_version (self, &version, error))
    return FALSE;

  if (version > BENCH_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_VERSION,
                   "%s: the history has schema version %d, newer than the %d this "
                   "benchtop knows; use a newer benchtop, or another file with --db or BENCHTOP_DB",
                   self->path, version, BENCH_STORE_SCHEMA_VERSION);
      return FALSE;
    }

  while (version < BENCH_STORE_SCHEMA_VERSION)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d", version + 1);
      g_autofree char *what = g_strdup_printf ("could not migrate the schema from version %d to %d",
                                               version, version + 1);
      int seen;

      if (!begin_transaction (self, error))
        return FALSE;

      /* Another process may have migrated while we waited for the lock. */
      if (!read_user_version (self, &seen, error))
        {
          rollback_transaction (self);
          return FALSE;
        }
      if (seen != version)
        {
          rollback_transaction (self);
          if (seen > BENCH_STORE_SCHEMA_VERSION)
            return migrate (self, error);
          version = seen;
          continue;
        }

      if (!exec_sql (self, migrations[version], what, error) ||
          !exec_sql (self, bump, what, error) ||
          !commit_transaction (self, error))
        {
          rollback_transaction (self);
          return FALSE;
        }

      version++;
    }

  self->schema_version = version;
  return TRUE;
}

static gboolean
pid_is_dead (gint64 pid)
{
  if (pid <= 0 || pid > G_MAXINT)
    return FALSE;
  if (pid == getpid ())
    return FALSE;
  return kill ((pid_t)pid, 0) == -1 && errno == ESRCH;
}

/* A run left "running" by a process of this host that no longer exists was
 * killed or crashed: say so. Runs of other hosts cannot be checked. */
static gboolean
mark_interrupted_runs (BenchStore  *self,
                       GError     **error)
{
  g_autofree char *host = bench_sysinfo_dup_hostname ();
  g_autoptr(GArray) dead = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) dead_pids = g_array_new (FALSE, FALSE, sizeof (gint64));

  {
    g_autoptr(CachedStmt) stmt = get_stmt (self,
                                           "SELECT id, pid FROM runs"
                                           " WHERE status = 'running' AND host = ?1 AND pid IS NOT NULL",
                                           error);
    int rc;

    if (stmt == NULL)
      return FALSE;
    bind_text (stmt, 1, host);
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        gint64 id = sqlite3_column_int64 (stmt, 0);
        gint64 pid = sqlite3_column_int64 (stmt, 1);

        if (pid_is_dead (pid))
          {
            g_array_append_val (dead, id);
            g_array_append_val (dead_pids, pid);
          }
      }
    if (rc != SQLITE_DONE)
      return store_error (self, error, "could not look for interrupted runs");
  }

  if (dead->len == 0)
    return TRUE;

  if (!begin_transaction (self, error))
    return FALSE;

  for (guint i = 0; i < dead->len; i++)
    {
      g_autoptr(CachedStmt) stmt = get_stmt (self,
                                             "UPDATE runs SET status = 'interrupted',"
                                             " error = coalesce(error, ?2)"
                                             " WHERE id = ?1 AND status = 'running'",
                                             error);
      g_autofree char *message = NULL;

      if (stmt == NULL)
        {
          rollback_transaction (self);
          return FALSE;
        }
      message = g_strdup_printf ("the measuring process (pid %" G_GINT64_FORMAT ") ended before the run finished",
                                 g_array_index (dead_pids, gint64, i));
      sqlite3_bind_int64 (stmt, 1, g_array_index (dead, gint64, i));
      bind_text (stmt, 2, message);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        {
          store_error (self, error, "could not mark an interrupted run");
          rollback_transaction (self);
          return FALSE;
        }
    }

  if (!commit_transaction (self, error))
    {
      rollback_transaction (self);
      return FALSE;
    }

  return TRUE;
}

/**
 * bench_store_open:
 * @path: the database file; its folder is created if needed (mode 0700)
 *
 * Returns: (transfer full): the store, or %NULL with @error naming @path
 */
BenchStore *
bench_store_open (const char  *path,
                  GError     **error)
{
  g_autoptr(BenchStore) self = NULL;
  g_autofree char *dir = NULL;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (path[0] == '\0')
    {
      g_set_error_literal (error, BENCH_ERROR, BENCH_ERROR_INVALID_ARGUMENT,
                           "The database path is empty; give a file with --db or BENCHTOP_DB");
      return NULL;
    }

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, BENCH_ERROR, BENCH_ERROR_STORE,
                   "%s: cannot create the folder %s: %s; choose another file with --db or BENCHTOP_DB",
                   path, dir, g_strerror (saved_errno));
      return NULL;
    }

  self = g_object_new (BENCH_TYPE_STORE, NULL);
  self->path = g_strdup (path);

  rc = sqlite3_open_v2 (path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    {
      if (self->db == NULL)
        {
          g_set_error (error, BENCH_ERROR, BENCH_ERROR_STORE,
                       "%s: cannot open the database: %s", path, sqlite3_errstr (rc));
          return NULL;
        }
      store_error (self, error, "cannot open the database");
      return NULL;
    }

  sqlite3_extended_result_codes (self->db, TRUE);
  sqlite3_busy_timeout (self->db, BUSY_TIMEOUT_MS);

  /* Reading the version is the first access to the file: a file that is not
   * a database fails here, before anything is written to it. */
  {
    int version;

    if (!read_user_version (self, &version, error))
      return NULL;
    if (version > BENCH_STORE_SCHEMA_VERSION)
      {
        g_set_error (error, BENCH_ERROR, BENCH_ERROR_VERSION,
                     "%s: the history has schema version %d, newer than the %d this "
                     "benchtop knows; use a newer benchtop, or another file with --db or BENCHTOP_DB",
                     path, version, BENCH_STORE_SCHEMA_VERSION);
        return NULL;
      }
  }

  if (!exec_sql (self, "PRAGMA journal_mode = WAL", "cannot switch to WAL mode", error) ||
      !exec_sql (self, "PRAGMA foreign_keys = ON", "cannot enable foreign keys", error) ||
      !exec_sql (self, "PRAGMA synchronous = NORMAL", "cannot set synchronous mode", error))
    return NULL;

  if (!migrate (self, error))
    return NULL;

  build_result_sql (self);

  if (!mark_interrupted_runs (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

const char *
bench_store_get_path (BenchStore *self)
{
  g_return_val_if_fail (BENCH_IS_STORE (self), NULL);
  return self->path;
}

int
bench_store_get_schema_version (BenchStore *self)
{
  g_return_val_if_fail (BENCH_IS_STORE (self), -1);
  return self->schema_version;
}

/* ------------------------------------------------------------------ */
/* Writing                                                             */

static char *
device_properties_to_json (BenchDevice *device)
{
  const char * const *keys = bench_device_get_property_keys (device);
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    {
      json_builder_set_member_name (builder, keys[i]);
      json_builder_add_string_value (builder, bench_device_get_property_value (device, keys[i]));
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static void
device_properties_from_json (BenchDevice *device,
                             const char  *text)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonObject *object;
  g_autoptr(GList) members = NULL;

  if (text == NULL || !json_parser_load_from_data (parser, text, -1, NULL))
    return;
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return;

  object = json_node_get_object (json_parser_get_root (parser));
  members = json_object_get_members (object);
  for (const GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *node = json_object_get_member (object, l->data);

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        bench_device_set_property_value (device, l->data, json_node_get_string (node));
    }
}

static gboolean
upsert_device (BenchStore    *self,
               BenchDevice   *device,
               DevicePolicy   policy,
               gint64        *device_row,
               GError       **error)
{
  static const char *sql_prefer_new =
    "INSERT INTO devices (fingerprint, backend, name, vendor, driver, type, compute_units,"
    " threads, memory_bytes, peak_gflops, bandwidth_gbs, properties)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
    " ON CONFLICT (fingerprint) DO UPDATE SET"
    "  backend = excluded.backend, name = excluded.name,"
    "  vendor = coalesce(excluded.vendor, vendor),"
    "  driver = coalesce(excluded.driver, driver),"
    "  type = excluded.type,"
    "  compute_units = coalesce(excluded.compute_units, compute_units),"
    "  threads = coalesce(excluded.threads, threads),"
    "  memory_bytes = coalesce(excluded.memory_bytes, memory_bytes),"
    "  peak_gflops = coalesce(excluded.peak_gflops, peak_gflops),"
    "  bandwidth_gbs = coalesce(excluded.bandwidth_gbs, bandwidth_gbs),"
    /* Merged, so that figures a characterisation stored as properties
     * survive a later run's fresh discovery. */
    "  properties = json_patch(properties, excluded.properties)"
    " RETURNING id";
  static const char *sql_prefer_existing =
    "INSERT INTO devices (fingerprint, backend, name, vendor, driver, type, compute_units,"
    " threads, memory_bytes, peak_gflops, bandwidth_gbs, properties)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
    " ON CONFLICT (fingerprint) DO UPDATE SET"
    "  vendor = coalesce(vendor, excluded.vendor),"
    "  driver = coalesce(driver, excluded.driver),"
    "  compute_units = coalesce(compute_units, excluded.compute_units),"
    "  threads = coalesce(threads, excluded.threads),"
    "  memory_bytes = coalesce(memory_bytes, excluded.memory_bytes),"
    "  peak_gflops = coalesce(peak_gflops, excluded.peak_gflops),"
    "  bandwidth_gbs = coalesce(bandwidth_gbs, excluded.bandwidth_gbs),"
    "  properties = json_patch(excluded.properties, properties)"
    " RETURNING id";
  g_autoptr(CachedStmt) stmt = NULL;
  g_autofree char *properties = NULL;

  stmt = get_stmt (self, policy == DEVICE_PREFER_NEW ? sql_prefer_new : sql_prefer_existing, error);
  if (stmt == NULL)
    return FALSE;

  properties = device_properties_to_json (device);

  bind_text (stmt, 1, bench_device_get_fingerprint (device));
  bind_text (stmt, 2, bench_device_get_backend_name (device));
  bind_text (stmt, 3, bench_device_get_name (device));
  bind_text (stmt, 4, bench_device_get_vendor (device));
  bind_text (stmt, 5, bench_device_get_driver (device));
  bind_text (stmt, 6, bench_device_type_to_string (bench_device_get_device_type (device)));
  bind_int64 (stmt, 7, bench_device_get_compute_units (device));
  bind_int64 (stmt, 8, bench_device_get_threads (device));
  bind_int64 (stmt, 9, bench_device_get_memory_bytes (device));
  bind_double (stmt, 10, bench_device_get_peak_gflops (device));
  bind_double (stmt, 11, bench_device_get_bandwidth_gbs (device));
  bind_text (stmt, 12, properties);

  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      g_autofree char *what = g_strdup_printf ("could not save device %s (%s)",
                                               bench_device_get_id (device),
                                               bench_device_get_name (device));
      return store_error (self, error, what);
    }

  if (device_row != NULL)
    *device_row = sqlite3_column_int64 (stmt, 0);

  /* Let RETURNING finish so the statement is complete. */
  while (sqlite3_step (stmt) == SQLITE_ROW)
    ;

  return TRUE;
}

static gboolean
insert_run_device (BenchStore   *self,
                   gint64        run_row,
                   BenchDevice  *device,
                   guint         position,
                   DevicePolicy  policy,
                   GError      **error)
{
  g_autoptr(CachedStmt) stmt = NULL;
  gint64 device_row;

  if (!upsert_device (self, device, policy, &device_row, error))
    return FALSE;

  stmt = get_stmt (self,
                   "INSERT INTO run_devices (run_id, device_id, local_id, backend_index, position)"
                   " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
                   error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, run_row);
  sqlite3_bind_int64 (stmt, 2, device_row);
  bind_text (stmt, 3, bench_device_get_id (device));
  sqlite3_bind_int64 (stmt, 4, bench_device_get_index (device));
  sqlite3_bind_int64 (stmt, 5, position);

  if (sqlite3_step (stmt) != SQLITE_DONE)
    return store_error (self, error, "could not link a device to its run");

  return TRUE;
}

static gboolean
insert_run (BenchStore    *self,
            BenchRun      *run,
            DevicePolicy   policy,
            gint64        *run_row,
            GError       **error)
{
  g_autoptr(CachedStmt) stmt = NULL;
  g_autofree char *plan = NULL;
  g_autofree char *what = NULL;

  if (run->uuid == NULL || run->uuid[0] == '\0')
    {
      g_set_error_literal (error, BENCH_ERROR, BENCH_ERROR_INVALID_ARGUMENT,
                           "A run without a uuid cannot be stored");
      return FALSE;
    }

  what = g_strdup_printf ("run %s: plan", run->uuid);
  if (!normalize_json (run->plan_json, what, &plan, error))
    return FALSE;

  stmt = get_stmt (self,
                   "INSERT INTO runs (uuid, started_at, finished_at, host, app_version, source,"
                   " source_format, source_file, status, error, notes, plan_json, pid)"
                   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                   error);
  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, run->uuid);
  bind_time (stmt, 2, run->started_at);
  bind_time (stmt, 3, run->finished_at);
  bind_text (stmt, 4, run->host);
  bind_text (stmt, 5, run->app_version);
  bind_text (stmt, 6, run->source != NULL ? run->source : "local");
  bind_text (stmt, 7, run->source_format);
  bind_text (stmt, 8, run->source_file);
  bind_text (stmt, 9, bench_run_status_to_string (run->status));
  bind_text (stmt, 10, run->error);
  bind_text (stmt, 11, run->notes);
  bind_text (stmt, 12, plan);
  bind_int64 (stmt, 13, run->pid);

  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      g_clear_pointer (&what, g_free);
      what = g_strdup_printf ("could not save run %s", run->uuid);
      return store_error (self, error, what);
    }

  *run_row = sqlite3_last_insert_rowid (self->db);

  for (guint i = 0; i < run->devices->len; i++)
    if (!insert_run_device (self, *run_row, g_ptr_array_index (run->devices, i), i, policy, error))
      return FALSE;

  return TRUE;
}

static gboolean
upsert_workload (BenchStore   *self,
                 BenchResult  *result,
                 gint64       *workload_row,
                 GError      **error)
{
  g_autoptr(CachedStmt) stmt = NULL;
  g_autoptr(BenchWorkload) known = NULL;

  if (result->workload == NULL)
    {
      g_set_error_literal (error, BENCH_ERROR, BENCH_ERROR_INVALID_ARGUMENT,
                           "A result without a workload name cannot be stored");
      return FALSE;
    }

  stmt = get_stmt (self,
                   "INSERT INTO workloads (name, family, category, size_label, parameters)"
                   " VALUES (?1, ?2, ?3, ?4, ?5)"
                   " ON CONFLICT (name) DO UPDATE SET"
                   "  family = coalesce(family, excluded.family),"
                   "  category = coalesce(category, excluded.category),"
                   "  size_label = coalesce(size_label, excluded.size_label),"
                   "  parameters = coalesce(parameters, excluded.parameters)"
                   " RETURNING id",
                   error);
  if (stmt == NULL)
    return FALSE;

  /* Size and parameter count are catalog facts, not measurements. */
  known = bench_workload_lookup (result->workload, NULL);

  bind_text (stmt, 1, result->workload);
  bind_text (stmt, 2, result->workload_family);
  bind_text (stmt, 3, result->workload_category);
  bind_text (stmt, 4, known ? bench_workload_get_size_label (known) : NULL);
  bind_int64 (stmt, 5, known ? bench_workload_get_parameters (known) : -1);

  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      g_autofree char *what = g_strdup_printf ("could not save workload %s", result->workload);
      return store_error (self, error, what);
    }

  *workload_row = sqlite3_column_int64 (stmt, 0);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    ;

  return TRUE;
}

static gboolean
lookup_device_row (BenchStore  *self,
                   const char  *fingerprint,
                   gint64      *device_row,
                   GError     **error)
{
  g_autoptr(CachedStmt) stmt = get_stmt (self, "SELECT id FROM devices WHERE fingerprint = ?1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, fingerprint);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *device_row = sqlite3_column_int64 (stmt, 0);
  else if (rc == SQLITE_DONE)
    *device_row = -1;
  else
    return store_error (self, error, "could not look up a device");

  return TRUE;
}

/* Samples go in SAMPLE_BATCH rows a statement: one statement a row spends
 * most of its time in statement overhead, not in the B-tree. */
#define SAMPLE_BATCH 64

static void
bind_sample (sqlite3_stmt *stmt,
             int           first,
             gint64        result_row,
             guint         i,
             BenchResult  *result)
{
  guint n_host = result->samples ? result->samples->len : 0;
  guint n_device = result->device_samples ? result->device_samples->len : 0;

  sqlite3_bind_int64 (stmt, first, result_row);
  sqlite3_bind_int64 (stmt, first + 1, i);
  if (i < n_host)
    sqlite3_bind_int64 (stmt, first + 2, g_array_index (result->samples, gint64, i));
  else
    sqlite3_bind_null (stmt, first + 2);
  if (i < n_device)
    sqlite3_bind_int64 (stmt, first + 3, g_array_index (result->device_samples, gint64, i));
  else
    sqlite3_bind_null (stmt, first + 3);
}

static gboolean
insert_samples (BenchStore   *self,
                gint64        result_row,
                BenchResult  *result,
                GError      **error)
{
  guint n_host = result->samples ? result->samples->len : 0;
  guint n_device = result->device_samples ? result->device_samples->len : 0;
  guint n = MAX (n_host, n_device);
  guint i = 0;

  if (n == 0)
    return TRUE;

  if (n >= SAMPLE_BATCH)
    {
      g_autoptr(CachedStmt) batch = NULL;

      if (self->insert_samples_sql == NULL)
        {
          g_autoptr(GString) sql = g_string_new ("INSERT INTO samples (result_id, idx, latency_ns, device_ns) VALUES ");

          for (guint j = 0; j < SAMPLE_BATCH; j++)
            g_string_append_printf (sql, "%s(?, ?, ?, ?)", j ? ", " : "");
          self->insert_samples_sql = g_string_free (g_steal_pointer (&sql), FALSE);
        }

      batch = get_stmt (self, self->insert_samples_sql, error);
      if (batch == NULL)
        return FALSE;

      for (; i + SAMPLE_BATCH <= n; i += SAMPLE_BATCH)
        {
          sqlite3_reset (batch);
          for (guint j = 0; j < SAMPLE_BATCH; j++)
            bind_sample (batch, 1 + 4 * j, result_row, i + j, result);

          if (sqlite3_step (batch) != SQLITE_DONE)
            {
              g_autofree char *what = g_strdup_printf ("could not save samples %u to %u of %s",
                                                       i, i + SAMPLE_BATCH - 1, result->workload);
              return store_error (self, error, what);
            }
        }
    }

  if (i < n)
    {
      g_autoptr(CachedStmt) stmt = get_stmt (self,
                                             "INSERT INTO samples (result_id, idx, latency_ns, device_ns)"
                                             " VALUES (?1, ?2, ?3, ?4)",
                                             error);
      if (stmt == NULL)
        return FALSE;

      for (; i < n; i++)
        {
          sqlite3_reset (stmt);
          bind_sample (stmt, 1, result_row, i, result);

          if (sqlite3_step (stmt) != SQLITE_DONE)
            {
              g_autofree char *what = g_strdup_printf ("could not save sample %u of %s", i, result->workload);
              return store_error (self, error, what);
            }
        }
    }

  return TRUE;
}

static gboolean
insert_result (BenchStore    *self,
               gint64         run_row,
               BenchRun      *run,
               BenchResult   *result,
               DevicePolicy   policy,
               gint64        *result_row,
               GError       **error)
{
  g_autoptr(CachedStmt) stmt = NULL;
  g_autofree char *label = bench_result_dup_label (result);
  g_autofree char *params = NULL;
  g_autofree char *breakdown = NULL;
  g_autofree char *what = NULL;
  gint64 workload_row = -1;
  gint64 device_row = -1;
  int idx;

  what = g_strdup_printf ("result %s: params", label);
  if (!normalize_json (result->params_json, what, &params, error))
    return FALSE;
  g_clear_pointer (&what, g_free);
  what = g_strdup_printf ("result %s: flops breakdown", label);
  if (!normalize_json (result->flops_breakdown_json, what, &breakdown, error))
    return FALSE;

  if (!upsert_workload (self, result, &workload_row, error))
    return FALSE;

  if (result->device_fingerprint != NULL)
    {
      if (!lookup_device_row (self, result->device_fingerprint, &device_row, error))
        return FALSE;

      if (device_row < 0)
        {
          /* A device added to the run after begin_run(). */
          BenchDevice *device = bench_run_find_device (run, result->device_fingerprint);

          if (device == NULL)
            {
              g_set_error (error, BENCH_ERROR, BENCH_ERROR_UNKNOWN_DEVICE,
                           "result %s refers to device %s, which is not among the devices of run %s",
                           label, result->device_fingerprint, run->uuid);
              return FALSE;
            }
          if (!insert_run_device (self, run_row, device, run->devices->len, policy, error) ||
              !lookup_device_row (self, result->device_fingerprint, &device_row, error))
            return FALSE;
        }
    }

  stmt = get_stmt (self, self->insert_result_sql, error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, run_row);
  sqlite3_bind_int64 (stmt, 2, workload_row);
  bind_int64 (stmt, 3, device_row);
  bind_text (stmt, 4, params);
  bind_text (stmt, 5, breakdown);
  bind_text (stmt, 6, bench_result_status_to_string (result->status));
  bind_time (stmt, 7, result->started_at);
  bind_text (stmt, 8, bench_validation_to_string (result->validation));
  idx = N_RESULT_FIXED_INSERT + 1;
  for (guint i = 0; i < G_N_ELEMENTS (result_fields); i++)
    bind_field (stmt, idx++, &result_fields[i], result);
  for (guint i = 0; i < G_N_ELEMENTS (stats_fields); i++)
    bind_field (stmt, idx++, &stats_fields[i], &result->latency);
  for (guint i = 0; i < G_N_ELEMENTS (stats_fields); i++)
    bind_field (stmt, idx++, &stats_fields[i], &result->device_latency);

  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      g_clear_pointer (&what, g_free);
      what = g_strdup_printf ("could not save result %s", label);
      return store_error (self, error, what);
    }

  *result_row = sqlite3_last_insert_rowid (self->db);

  return insert_samples (self, *result_row, result, error);
}

static gboolean
lookup_run_row (BenchStore  *self,
                const char  *uuid,
                gint64      *run_row,
                GError     **error)
{
  g_autoptr(CachedStmt) stmt = get_stmt (self, "SELECT id FROM runs WHERE uuid = ?1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, uuid);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *run_row = sqlite3_column_int64 (stmt, 0);
  else if (rc == SQLITE_DONE)
    *run_row = -1;
  else
    return store_error (self, error, "could not look up a run");

  return TRUE;
}

/**
 * bench_store_begin_run:
 *
 * Stores @run (normally with status running and this process's pid) and
 * its devices in one transaction, and sets @run->id.
 */
gboolean
bench_store_begin_run (BenchStore  *self,
                       BenchRun    *run,
                       GError     **error)
{
  gint64 run_row;

  g_return_val_if_fail (BENCH_IS_STORE (self), FALSE);
  g_return_val_if_fail (BENCH_IS_RUN (run), FALSE);

  if (!begin_transaction (self, error))
    return FALSE;

  if (!insert_run (self, run, DEVICE_PREFER_NEW, &run_row, error) ||
      !commit_transaction (self, error))
    {
      rollback_transaction (self);
      return FALSE;
    }

  run->id = run_row;
  return TRUE;
}

/**
 * bench_store_add_result:
 *
 * Stores one configuration's result, its samples and its workload in one
 * transaction: after a crash either all of it is there or none. Sets
 * @result->id.
 */
gboolean
bench_store_add_result (BenchStore   *self,
                        BenchRun     *run,
                        BenchResult  *result,
                        GError      **error)
{
  gint64 run_row = -1;
  gint64 result_row = -1;

  g_return_val_if_fail (BENCH_IS_STORE (self), FALSE);
  g_return_val_if_fail (BENCH_IS_RUN (run), FALSE);
  g_return_val_if_fail (BENCH_IS_RESULT (result), FALSE);

  if (!begin_transaction (self, error))
    return FALSE;

  if (!lookup_run_row (self, run->uuid, &run_row, error))
    goto failure;
  if (run_row < 0)
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_NOT_FOUND,
                   "%s: run %s is not stored; call bench_store_begin_run() first",
                   self->path, run->uuid);
      goto failure;
    }

  if (!insert_result (self, run_row, run, result, DEVICE_PREFER_NEW, &result_row, error) ||
      !commit_transaction (self, error))
    goto failure;

  run->id = run_row;
  result->id = result_row;
  if (result->run_uuid == NULL)
    result->run_uuid = g_strdup (run->uuid);
  return TRUE;

failure:
  rollback_transaction (self);
  return FALSE;
}

/**
 * bench_store_update_device:
 *
 * Stores what is known of @device (by fingerprint), e.g. peak figures
 * measured after discovery. Unknown values do not erase known ones.
 */
gboolean
bench_store_update_device (BenchStore   *self,
                           BenchDevice  *device,
                           GError      **error)
{
  g_return_val_if_fail (BENCH_IS_STORE (self), FALSE);
  g_return_val_if_fail (BENCH_IS_DEVICE (device), FALSE);

  if (!begin_transaction (self, error))
    return FALSE;

  if (!upsert_device (self, device, DEVICE_PREFER_NEW, NULL, error) ||
      !commit_transaction (self, error))
    {
      rollback_transaction (self);
      return FALSE;
    }

  return TRUE;
}

/**
 * bench_store_finish_run:
 *
 * Stores @run's final status, finished_at, error and notes.
 */
gboolean
bench_store_finish_run (BenchStore  *self,
                        BenchRun    *run,
                        GError     **error)
{
  g_autoptr(CachedStmt) stmt = NULL;

  g_return_val_if_fail (BENCH_IS_STORE (self), FALSE);
  g_return_val_if_fail (BENCH_IS_RUN (run), FALSE);

  stmt = get_stmt (self,
                   "UPDATE runs SET status = ?2, finished_at = ?3, error = ?4, notes = ?5"
                   " WHERE uuid = ?1",
                   error);
  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, run->uuid);
  bind_text (stmt, 2, bench_run_status_to_string (run->status));
  bind_time (stmt, 3, run->finished_at);
  bind_text (stmt, 4, run->error);
  bind_text (stmt, 5, run->notes);

  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      g_autofree char *what = g_strdup_printf ("could not finish run %s", run->uuid);
      return store_error (self, error, what);
    }

  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_NOT_FOUND,
                   "%s: run %s is not stored; call bench_store_begin_run() first",
                   self->path, run->uuid);
      return FALSE;
    }

  return TRUE;
}

/**
 * bench_store_import_runs:
 * @runs: (element-type BenchRun): complete runs, e.g. from a file
 *
 * Stores @runs in one transaction: either all are stored (those already
 * present by uuid are skipped and counted) or, on any error, none.
 */
gboolean
bench_store_import_runs (BenchStore  *self,
                         GPtrArray   *runs,
                         guint       *n_imported,
                         guint       *n_skipped,
                         GError     **error)
{
  guint imported = 0;
  guint skipped = 0;

  g_return_val_if_fail (BENCH_IS_STORE (self), FALSE);
  g_return_val_if_fail (runs != NULL, FALSE);

  if (n_imported != NULL)
    *n_imported = 0;
  if (n_skipped != NULL)
    *n_skipped = 0;

  if (!begin_transaction (self, error))
    return FALSE;

  for (guint i = 0; i < runs->len; i++)
    {
      BenchRun *run = g_ptr_array_index (runs, i);
      gint64 run_row;

      if (!lookup_run_row (self, run->uuid, &run_row, error))
        goto failure;
      if (run_row >= 0)
        {
          run->id = -1;
          skipped++;
          continue;
        }

      if (!insert_run (self, run, DEVICE_PREFER_EXISTING, &run_row, error))
        goto failure;
      run->id = run_row;

      for (guint j = 0; j < run->results->len; j++)
        {
          gint64 result_row;

          BenchResult *result = g_ptr_array_index (run->results, j);

          if (!insert_result (self, run_row, run, result, DEVICE_PREFER_EXISTING, &result_row, error))
            goto failure;
          result->id = result_row;
        }

      imported++;
    }

  if (!commit_transaction (self, error))
    goto failure;

  if (n_imported != NULL)
    *n_imported = imported;
  if (n_skipped != NULL)
    *n_skipped = skipped;
  return TRUE;

failure:
  rollback_transaction (self);
  /* nothing was stored: no run or result has a row */
  for (guint i = 0; i < runs->len; i++)
    {
      BenchRun *run = g_ptr_array_index (runs, i);

      run->id = -1;
      for (guint j = 0; j < run->results->len; j++)
        ((BenchResult *)g_ptr_array_index (run->results, j))->id = -1;
    }
  return FALSE;
}

/* ------------------------------------------------------------------ */
/* Reading                                                             */

#define RUN_COLUMNS \
  "r.id, r.uuid, r.started_at, r.finished_at, r.host, r.app_version, r.source," \
  " r.source_format, r.source_file, r.status, r.error, r.notes, r.plan_json, r.pid"
#define N_RUN_COLUMNS 14

static BenchRun *
run_from_row (sqlite3_stmt *stmt)
{
  BenchRun *run = bench_run_new ();
  g_autofree char *status = NULL;

  run->id = sqlite3_column_int64 (stmt, 0);
  run->uuid = column_dup_text (stmt, 1);
  run->started_at = column_time (stmt, 2);
  run->finished_at = column_time (stmt, 3);
  run->host = column_dup_text (stmt, 4);
  run->app_version = column_dup_text (stmt, 5);
  run->source = column_dup_text (stmt, 6);
  run->source_format = column_dup_text (stmt, 7);
  run->source_file = column_dup_text (stmt, 8);
  status = column_dup_text (stmt, 9);
  if (!bench_run_status_from_string (status, &run->status))
    run->status = BENCH_RUN_STATUS_FAILED;
  run->error = column_dup_text (stmt, 10);
  run->notes = column_dup_text (stmt, 11);
  run->plan_json = column_dup_text (stmt, 12);
  run->pid = column_int64 (stmt, 13);

  return run;
}

/* devices columns: fingerprint, backend, name, vendor, driver, type,
 * compute_units, threads, memory_bytes, peak_gflops, bandwidth_gbs,
 * properties, then the local index. */
#define DEVICE_COLUMNS \
  "d.fingerprint, d.backend, d.name, d.vendor, d.driver, d.type, d.compute_units," \
  " d.threads, d.memory_bytes, d.peak_gflops, d.bandwidth_gbs, d.properties"

static BenchDevice *
device_from_row (sqlite3_stmt *stmt,
                 guint         index)
{
  BenchDevice *device;
  g_autofree char *properties = NULL;

  device = bench_device_new ((const char *)sqlite3_column_text (stmt, 1), index,
                             (const char *)sqlite3_column_text (stmt, 2));
  bench_device_set_vendor (device, (const char *)sqlite3_column_text (stmt, 3));
  bench_device_set_driver (device, (const char *)sqlite3_column_text (stmt, 4));
  bench_device_set_device_type (device, bench_device_type_from_string ((const char *)sqlite3_column_text (stmt, 5)));
  bench_device_set_compute_units (device, column_int64 (stmt, 6));
  bench_device_set_threads (device, column_int64 (stmt, 7));
  bench_device_set_memory_bytes (device, column_int64 (stmt, 8));
  bench_device_set_peak_gflops (device, column_double (stmt, 9));
  bench_device_set_bandwidth_gbs (device, column_double (stmt, 10));
  properties = column_dup_text (stmt, 11);
  device_properties_from_json (device, properties);
  /* Last: the stored fingerprint is the identity, not a recomputed hash. */
  bench_device_set_fingerprint (device, (const char *)sqlite3_column_text (stmt, 0));

  return device;
}

static gboolean
load_run_devices (BenchStore  *self,
                  BenchRun    *run,
                  GError     **error)
{
  g_autoptr(CachedStmt) stmt = get_stmt (self,
                                         "SELECT " DEVICE_COLUMNS ", rd.backend_index"
                                         " FROM run_devices rd JOIN devices d ON d.id = rd.device_id"
                                         " WHERE rd.run_id = ?1 ORDER BY rd.position",
                                         error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, run->id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (run->devices, device_from_row (stmt, (guint)sqlite3_column_int64 (stmt, 12)));

  if (rc != SQLITE_DONE)
    return store_error (self, error, "could not read the devices of a run");

  return TRUE;
}

static BenchResult *
result_from_row (sqlite3_stmt *stmt)
{
  BenchResult *result = bench_result_new ();
  g_autofree char *status = NULL;
  g_autofree char *validation = NULL;
  int col;

  result->id = sqlite3_column_int64 (stmt, 0);
  result->run_uuid = column_dup_text (stmt, 1);
  result->workload = column_dup_text (stmt, 2);
  result->workload_family = column_dup_text (stmt, 3);
  result->workload_category = column_dup_text (stmt, 4);
  result->device_fingerprint = column_dup_text (stmt, 5);
  result->params_json = column_dup_text (stmt, 6);
  result->flops_breakdown_json = column_dup_text (stmt, 7);
  status = column_dup_text (stmt, 8);
  if (!bench_result_status_from_string (status, &result->status))
    result->status = BENCH_RESULT_STATUS_FAILED;
  result->started_at = column_time (stmt, 9);
  validation = column_dup_text (stmt, 10);
  if (!bench_validation_from_string (validation, &result->validation))
    result->validation = BENCH_VALIDATION_NONE;

  col = N_RESULT_FIXED_SELECT;
  for (guint i = 0; i < G_N_ELEMENTS (result_fields); i++)
    read_field (stmt, col++, &result_fields[i], result);
  for (guint i = 0; i < G_N_ELEMENTS (stats_fields); i++)
    read_field (stmt, col++, &stats_fields[i], &result->latency);
  for (guint i = 0; i < G_N_ELEMENTS (stats_fields); i++)
    read_field (stmt, col++, &stats_fields[i], &result->device_latency);

  return result;
}

static gboolean
load_samples (BenchStore   *self,
              BenchResult  *result,
              GError      **error)
{
  g_autoptr(CachedStmt) stmt = get_stmt (self,
                                         "SELECT latency_ns, device_ns FROM samples"
                                         " WHERE result_id = ?1 ORDER BY idx",
                                         error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  g_array_set_size (result->samples, 0);
  g_array_set_size (result->device_samples, 0);

  sqlite3_bind_int64 (stmt, 1, result->id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (sqlite3_column_type (stmt, 0) != SQLITE_NULL)
        {
          gint64 value = sqlite3_column_int64 (stmt, 0);
          g_array_append_val (result->samples, value);
        }
      if (sqlite3_column_type (stmt, 1) != SQLITE_NULL)
        {
          gint64 value = sqlite3_column_int64 (stmt, 1);
          g_array_append_val (result->device_samples, value);
        }
    }

  if (rc != SQLITE_DONE)
    return store_error (self, error, "could not read samples");

  return TRUE;
}

/* Runs the result query @stmt (already bound) and collects its rows. */
static GPtrArray *
collect_results (BenchStore    *self,
                 sqlite3_stmt  *stmt,
                 gboolean       with_samples,
                 GError       **error)
{
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func (g_object_unref);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (results, result_from_row (stmt));

  if (rc != SQLITE_DONE)
    {
      store_error (self, error, "could not read results");
      return NULL;
    }
  sqlite3_reset (stmt);

  if (with_samples)
    for (guint i = 0; i < results->len; i++)
      if (!load_samples (self, g_ptr_array_index (results, i), error))
        return NULL;

  return g_steal_pointer (&results);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(char * const *)a, *(char * const *)b);
}

static void
fill_summaries (BenchRun *run)
{
  g_autoptr(GString) workloads = g_string_new (NULL);
  g_autoptr(GString) devices = g_string_new (NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  run->n_results = run->results->len;
  run->n_failed = 0;
  for (guint i = 0; i < run->results->len; i++)
    {
      BenchResult *result = g_ptr_array_index (run->results, i);

      if (result->status != BENCH_RESULT_STATUS_OK)
        run->n_failed++;
      if (result->workload != NULL &&
          !g_ptr_array_find_with_equal_func (names, result->workload, g_str_equal, NULL))
        g_ptr_array_add (names, result->workload);
    }

  g_ptr_array_sort (names, compare_strings);
  for (guint i = 0; i < names->len; i++)
    g_string_append_printf (workloads, "%s%s", i ? ", " : "", (char *)g_ptr_array_index (names, i));
  for (guint i = 0; i < run->devices->len; i++)
    g_string_append_printf (devices, "%s%s", i ? ", " : "",
                            bench_device_get_id (g_ptr_array_index (run->devices, i)));

  g_free (run->summary_workloads);
  run->summary_workloads = g_string_free (g_steal_pointer (&workloads), FALSE);
  g_free (run->summary_devices);
  run->summary_devices = g_string_free (g_steal_pointer (&devices), FALSE);
}

/**
 * bench_store_list_runs:
 *
 * Returns: (transfer container) (element-type BenchRun): every run, newest
 *   first, without devices and results; n_results, n_failed (results whose
 *   status is not "ok"), summary_workloads and summary_devices are filled.
 */
GPtrArray *
bench_store_list_runs (BenchStore  *self,
                       GError     **error)
{
  g_autoptr(GPtrArray) runs = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(CachedStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (BENCH_IS_STORE (self), NULL);

  stmt = get_stmt (self,
                   "SELECT " RUN_COLUMNS ","
                   " (SELECT count(*) FROM results x WHERE x.run_id = r.id),"
                   " (SELECT count(*) FROM results x WHERE x.run_id = r.id AND x.status <> 'ok'),"
                   " (SELECT group_concat(name, ', ') FROM"
                   "   (SELECT DISTINCT w.name AS name FROM results x JOIN workloads w ON w.id = x.workload_id"
                   "    WHERE x.run_id = r.id ORDER BY w.name)),"
                   " (SELECT group_concat(local_id, ', ') FROM"
                   "   (SELECT rd.local_id AS local_id FROM run_devices rd"
                   "    WHERE rd.run_id = r.id ORDER BY rd.position))"
                   " FROM runs r ORDER BY r.started_at DESC, r.id DESC",
                   error);
  if (stmt == NULL)
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      BenchRun *run = run_from_row (stmt);

      run->n_results = sqlite3_column_int (stmt, N_RUN_COLUMNS);
      run->n_failed = sqlite3_column_int (stmt, N_RUN_COLUMNS + 1);
      run->summary_workloads = column_dup_text (stmt, N_RUN_COLUMNS + 2);
      run->summary_devices = column_dup_text (stmt, N_RUN_COLUMNS + 3);
      if (run->summary_workloads == NULL)
        run->summary_workloads = g_strdup ("");
      if (run->summary_devices == NULL)
        run->summary_devices = g_strdup ("");
      g_ptr_array_add (runs, run);
    }

  if (rc != SQLITE_DONE)
    {
      store_error (self, error, "could not list runs");
      return NULL;
    }

  return g_steal_pointer (&runs);
}

/* Finds the one run whose uuid is @uuid_or_prefix or starts with it. */
static gboolean
resolve_run (BenchStore  *self,
             const char  *uuid_or_prefix,
             gint64      *run_row,
             char       **uuid,
             GError     **error)
{
  g_autoptr(CachedStmt) stmt = NULL;
  g_autoptr(GPtrArray) uuids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *prefix = NULL;
  int rc;

  if (uuid_or_prefix == NULL || uuid_or_prefix[0] == '\0')
    {
      g_set_error_literal (error, BENCH_ERROR, BENCH_ERROR_INVALID_ARGUMENT,
                           "No run given; name one by its uuid or the start of it (see the list command)");
      return FALSE;
    }

  prefix = g_ascii_strdown (uuid_or_prefix, -1);
  stmt = get_stmt (self,
                   "SELECT id, uuid FROM runs"
                   " WHERE uuid = ?1 OR substr(lower(uuid), 1, length(?1)) = ?1"
                   " ORDER BY uuid = ?1 DESC, started_at DESC LIMIT 11",
                   error);
  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, prefix);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 row = sqlite3_column_int64 (stmt, 0);
      const char *found = (const char *)sqlite3_column_text (stmt, 1);

      /* An exact uuid wins over longer uuids sharing it as a prefix. */
      if (g_ascii_strcasecmp (found, uuid_or_prefix) == 0)
        {
          g_ptr_array_set_size (uuids, 0);
          g_array_set_size (rows, 0);
          g_ptr_array_add (uuids, g_strdup (found));
          g_array_append_val (rows, row);
          break;
        }
      g_ptr_array_add (uuids, g_strdup (found));
      g_array_append_val (rows, row);
    }
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return store_error (self, error, "could not look up a run");

  if (uuids->len == 0)
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_NOT_FOUND,
                   "%s: no run matches “%s”; the list command shows the stored runs",
                   self->path, uuid_or_prefix);
      return FALSE;
    }

  if (uuids->len > 1)
    {
      g_autoptr(GString) candidates = g_string_new (NULL);

      for (guint i = 0; i < MIN (uuids->len, 10); i++)
        g_string_append_printf (candidates, "%s%s", i ? ", " : "", (char *)g_ptr_array_index (uuids, i));
      if (uuids->len > 10)
        g_string_append (candidates, ", …");

      g_set_error (error, BENCH_ERROR, BENCH_ERROR_INVALID_ARGUMENT,
                   "%s: “%s” matches several runs (%s); give more characters of the uuid",
                   self->path, uuid_or_prefix, candidates->str);
      return FALSE;
    }

  if (run_row != NULL)
    *run_row = g_array_index (rows, gint64, 0);
  if (uuid != NULL)
    *uuid = g_strdup (g_ptr_array_index (uuids, 0));
  return TRUE;
}

/**
 * bench_store_load_run:
 *
 * Returns: (transfer full): the run named by uuid or unambiguous uuid
 *   prefix, with its devices and results (samples only if @with_samples);
 *   an error lists the candidates of an ambiguous prefix.
 */
BenchRun *
bench_store_load_run (BenchStore  *self,
                      const char  *uuid_or_prefix,
                      gboolean     with_samples,
                      GError     **error)
{
  g_autoptr(BenchRun) run = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autofree char *sql = NULL;
  gint64 run_row;

  g_return_val_if_fail (BENCH_IS_STORE (self), NULL);

  if (!resolve_run (self, uuid_or_prefix, &run_row, NULL, error))
    return NULL;

  {
    g_autoptr(CachedStmt) stmt = get_stmt (self, "SELECT " RUN_COLUMNS " FROM runs r WHERE r.id = ?1", error);

    if (stmt == NULL)
      return NULL;
    sqlite3_bind_int64 (stmt, 1, run_row);
    if (sqlite3_step (stmt) != SQLITE_ROW)
      {
        store_error (self, error, "could not read a run");
        return NULL;
      }
    run = run_from_row (stmt);
  }

  if (!load_run_devices (self, run, error))
    return NULL;

  sql = g_strconcat (self->select_result_sql, " WHERE r.run_id = ?1 ORDER BY r.id", NULL);
  {
    g_autoptr(CachedStmt) stmt = get_stmt (self, sql, error);

    if (stmt == NULL)
      return NULL;
    sqlite3_bind_int64 (stmt, 1, run_row);
    results = collect_results (self, stmt, with_samples, error);
    if (results == NULL)
      return NULL;
  }

  for (guint i = 0; i < results->len; i++)
    g_ptr_array_add (run->results, g_object_ref (g_ptr_array_index (results, i)));
  fill_summaries (run);

  return g_steal_pointer (&run);
}

/**
 * bench_store_delete_run:
 *
 * Deletes the run named by uuid or unambiguous prefix, with its results and
 * samples. Devices and workloads stay: other runs may share them.
 */
gboolean
bench_store_delete_run (BenchStore  *self,
                        const char  *uuid_or_prefix,
                        GError     **error)
{
  g_autoptr(CachedStmt) stmt = NULL;
  gint64 run_row;

  g_return_val_if_fail (BENCH_IS_STORE (self), FALSE);

  if (!resolve_run (self, uuid_or_prefix, &run_row, NULL, error))
    return FALSE;

  stmt = get_stmt (self, "DELETE FROM runs WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, run_row);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return store_error (self, error, "could not delete the run");

  return TRUE;
}

/**
 * bench_store_list_devices:
 *
 * Returns: (transfer container) (element-type BenchDevice): every stored
 *   device, with the id it had in its most recent run.
 */
GPtrArray *
bench_store_list_devices (BenchStore  *self,
                          GError     **error)
{
  g_autoptr(GPtrArray) devices = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(CachedStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (BENCH_IS_STORE (self), NULL);

  stmt = get_stmt (self,
                   "SELECT " DEVICE_COLUMNS ","
                   " coalesce((SELECT rd.backend_index FROM run_devices rd JOIN runs r ON r.id = rd.run_id"
                   "           WHERE rd.device_id = d.id ORDER BY r.started_at DESC LIMIT 1), 0)"
                   " FROM devices d ORDER BY d.backend, d.name, d.fingerprint",
                   error);
  if (stmt == NULL)
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (devices, device_from_row (stmt, (guint)sqlite3_column_int64 (stmt, 12)));

  if (rc != SQLITE_DONE)
    {
      store_error (self, error, "could not list devices");
      return NULL;
    }

  return g_steal_pointer (&devices);
}

static void
append_in_list (GString            *sql,
                GPtrArray          *params,
                const char         *expr,
                const char * const *values)
{
  g_string_append_printf (sql, "%s IN (", expr);
  for (guint i = 0; values[i] != NULL; i++)
    {
      g_ptr_array_add (params, g_strdup (values[i]));
      g_string_append_printf (sql, "%s?%u", i ? ", " : "", params->len);
    }
  g_string_append (sql, ")");
}

/**
 * bench_store_query_results:
 *
 * Returns: (transfer container) (element-type BenchResult): the results
 *   matching @filter (every result when %NULL), oldest run first, each
 *   with run_uuid set. A run prefix that matches no run or several is an
 *   error.
 */
GPtrArray *
bench_store_query_results (BenchStore               *self,
                           const BenchResultFilter  *filter,
                           GError                  **error)
{
  g_autoptr(GString) sql = NULL;
  g_autoptr(GPtrArray) params = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  BenchResultFilter empty = { 0 };

  g_return_val_if_fail (BENCH_IS_STORE (self), NULL);

  if (filter == NULL)
    filter = &empty;

  sql = g_string_new (self->select_result_sql);
  g_string_append (sql, " WHERE 1");

  if (filter->runs != NULL && filter->runs[0] != NULL)
    {
      g_autoptr(GPtrArray) uuids = g_ptr_array_new_with_free_func (g_free);

      for (guint i = 0; filter->runs[i] != NULL; i++)
        {
          char *uuid = NULL;

          if (!resolve_run (self, filter->runs[i], NULL, &uuid, error))
            return NULL;
          g_ptr_array_add (uuids, uuid);
        }
      g_ptr_array_add (uuids, NULL);

      g_string_append (sql, " AND ");
      append_in_list (sql, params, "ru.uuid", (const char * const *)uuids->pdata);
    }

  if (filter->workloads != NULL && filter->workloads[0] != NULL)
    {
      g_string_append (sql, " AND ");
      append_in_list (sql, params, "w.name", filter->workloads);
    }

  if (filter->devices != NULL && filter->devices[0] != NULL)
    {
      g_string_append (sql, " AND (");
      append_in_list (sql, params, "r.device_local_id", filter->devices);
      g_string_append (sql, " OR ");
      append_in_list (sql, params, "d.name", filter->devices);
      g_string_append (sql, " OR ");
      append_in_list (sql, params, "d.fingerprint", filter->devices);
      g_string_append (sql, ")");
    }

  if (filter->precisions != NULL && filter->precisions[0] != NULL)
    {
      g_string_append (sql, " AND ");
      append_in_list (sql, params, "r.precision", filter->precisions);
    }

  if (filter->batch_sizes != NULL && filter->n_batch_sizes > 0)
    {
      g_string_append (sql, " AND r.batch_size IN (");
      for (guint i = 0; i < filter->n_batch_sizes; i++)
        g_string_append_printf (sql, "%s%d", i ? ", " : "", filter->batch_sizes[i]);
      g_string_append (sql, ")");
    }

  if (filter->only_ok)
    g_string_append (sql, " AND r.status = 'ok'");

  g_string_append (sql, " ORDER BY ru.started_at, ru.id, r.id");

  stmt = prepare_one_off (self, sql->str, error);
  if (stmt == NULL)
    return NULL;

  for (guint i = 0; i < params->len; i++)
    bind_text (stmt, i + 1, g_ptr_array_index (params, i));

  return collect_results (self, stmt, filter->with_samples, error);
}
