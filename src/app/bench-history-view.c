/* bench-history-view.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every run in a column view, with its results loaded on demand. The list
 * holds runs, not results, with the counts the store's listing gives, so
 * a history of 100,000 results is a list of a few thousand rows; reading
 * the store happens in GTask threads, each with its own connection.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "bench-history-view.h"
#include "bench-json.h"
#include "bench-result-columns.h"
#include "bench-store.h"

struct _BenchHistoryView
{
  AdwBin              parent_instance;

  GCancellable       *cancellable;
  GCancellable       *detail_cancellable;
  GListStore         *runs;           /* BenchRun, newest first */
  GListStore         *detail;         /* BenchResult of the shown run */
  GtkFilterListModel *filtered;
  GtkSortListModel   *sorted;
  GtkMultiSelection  *selection;
  GHashTable         *pending_deletes; /* uuid set: deleted once the toast goes */
  char               *detail_uuid;
  GtkFileChooserNative *chooser;
  guint               deleting;       /* deletions in flight */
  guint               exporting;      /* exports in flight */
  guint               listing : 1;
  guint               loading_detail : 1;
  guint               refresh_again : 1;

  /* Template children */
  GtkStack           *stack;
  GtkSpinner         *spinner;
  AdwStatusPage      *error_page;
  GtkSearchEntry     *search_entry;
  GtkColumnView      *runs_view;
  GtkLabel           *detail_title;
  GtkColumnView      *detail_view;
};

G_DEFINE_FINAL_TYPE (BenchHistoryView, bench_history_view, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  COMPARE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
show_toast (GtkWidget  *widget,
            const char *text)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (escaped));
}

gboolean
bench_history_view_get_busy (BenchHistoryView *self)
{
  g_return_val_if_fail (BENCH_IS_HISTORY_VIEW (self), FALSE);

  return self->listing || self->loading_detail || self->deleting > 0 || self->exporting > 0;
}

GListModel *
bench_history_view_get_runs (BenchHistoryView *self)
{
  g_return_val_if_fail (BENCH_IS_HISTORY_VIEW (self), NULL);

  return G_LIST_MODEL (self->runs);
}

GListModel *
bench_history_view_get_shown (BenchHistoryView *self)
{
  g_return_val_if_fail (BENCH_IS_HISTORY_VIEW (self), NULL);

  return G_LIST_MODEL (self->selection);
}

GListModel *
bench_history_view_get_detail (BenchHistoryView *self)
{
  g_return_val_if_fail (BENCH_IS_HISTORY_VIEW (self), NULL);

  return G_LIST_MODEL (self->detail);
}

static void
set_busy (BenchHistoryView *self,
          gboolean          listing,
          gboolean          loading_detail)
{
  gboolean was_busy = bench_history_view_get_busy (self);

  self->listing = !!listing;
  self->loading_detail = !!loading_detail;
  if (self->spinner != NULL)
    gtk_spinner_set_spinning (self->spinner, self->listing);
  if (was_busy != bench_history_view_get_busy (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* Formatting */

static char *
run_source_text (BenchRun *run)
{
  if (run->source == NULL || g_str_equal (run->source, "local"))
    return g_strdup (_("measured here"));

  if (run->source_file != NULL)
    {
      g_autofree char *base = g_path_get_basename (run->source_file);

      /* Translators: "imported from results.json (benchtop-json)" */
      return g_strdup_printf (_("imported from %s (%s)"), base,
                              run->source_format != NULL ? run->source_format : run->source);
    }

  /* Translators: "imported (benchtop-json)" */
  return g_strdup_printf (_("imported (%s)"),
                          run->source_format != NULL ? run->source_format : run->source);
}

static const char *
run_status_label (BenchRunStatus status,
                  const char   **css_class)
{
  switch (status)
    {
    case BENCH_RUN_STATUS_RUNNING:
      *css_class = "accent";
      return _("Running");
    case BENCH_RUN_STATUS_COMPLETED:
      *css_class = "success";
      return _("Completed");
    case BENCH_RUN_STATUS_CANCELLED:
      *css_class = "warning";
      return _("Cancelled");
    case BENCH_RUN_STATUS_FAILED:
      *css_class = "error";
      return _("Failed");
    case BENCH_RUN_STATUS_INTERRUPTED:
    default:
      *css_class = "warning";
      return _("Interrupted");
    }
}

static char *
run_date_text (BenchRun *run)
{
  g_autoptr(GDateTime) local = NULL;

  if (run->started_at == NULL)
    return g_strdup (_("Unknown date"));
  local = g_date_time_to_local (run->started_at);
  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

static char *text_date (BenchRun *run) { return run_date_text (run); }
static char *text_host (BenchRun *run) { return g_strdup (run->host != NULL ? run->host : _("unknown host")); }
static char *text_source (BenchRun *run) { return run_source_text (run); }
static char *text_devices (BenchRun *run) { return g_strdup (run->summary_devices != NULL ? run->summary_devices : ""); }
static char *text_models (BenchRun *run) { return g_strdup (run->summary_workloads != NULL ? run->summary_workloads : ""); }

static char *
text_configs (BenchRun *run)
{
  if (run->n_failed > 0)
    /* Translators: "12 (2 failed)" configurations */
    return g_strdup_printf (_("%u (%u failed)"), run->n_results, run->n_failed);
  return g_strdup_printf ("%u", run->n_results);
}

static char *
text_status (BenchRun *run)
{
  const char *css_class;

  return g_strdup (run_status_label (run->status, &css_class));
}

typedef char *(*RunText) (BenchRun *run);

static int
compare_date (gconstpointer a,
              gconstpointer b,
              gpointer      user_data)
{
  const BenchRun *ra = a, *rb = b;

  if (ra->started_at == NULL || rb->started_at == NULL)
    return (ra->started_at == NULL) - (rb->started_at == NULL);
  return g_date_time_compare (ra->started_at, rb->started_at);
}

static int
compare_configs (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  const BenchRun *ra = a, *rb = b;

  return (ra->n_results > rb->n_results) - (ra->n_results < rb->n_results);
}

/* Tooltips are computed when asked for: setting one on every bound cell
 * would ask the display server where the pointer is, each time. */
static gboolean
run_query_tooltip_cb (GtkWidget   *label,
                      int          x,
                      int          y,
                      gboolean     keyboard,
                      GtkTooltip  *tooltip,
                      GtkListItem *item)
{
  RunText text_func = g_object_get_data (G_OBJECT (label), "text-func");
  BenchRun *run = gtk_list_item_get_item (item);
  g_autofree char *text = NULL;

  if (run == NULL)
    return FALSE;
  if (text_func == text_date)
    text = g_strdup (run->uuid);
  else if (text_func == text_status && run->error != NULL)
    text = g_strdup (run->error);
  else
    text = text_func (run);
  if (text == NULL || text[0] == '\0')
    return FALSE;

  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
run_setup_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  /* GtkInscription: a cell that is cheap to measure, for long lists. */
  GtkWidget *label = gtk_inscription_new (NULL);

  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (label), GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  /* The date is the one column that must not be cut short. */
  gtk_inscription_set_min_chars (GTK_INSCRIPTION (label), user_data == (gpointer) text_date ? 16 : 6);
  gtk_inscription_set_nat_chars (GTK_INSCRIPTION (label),
                                 GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "nat-chars")));
  g_object_set_data (G_OBJECT (label), "text-func", user_data);
  gtk_widget_set_has_tooltip (label, TRUE);
  g_signal_connect (label, "query-tooltip", G_CALLBACK (run_query_tooltip_cb), item);
  gtk_list_item_set_child (item, label);
}

static void
run_bind_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  user_data)
{
  RunText text_func = user_data;
  BenchRun *run = gtk_list_item_get_item (item);
  GtkWidget *label = gtk_list_item_get_child (item);
  g_autofree char *text = text_func (run);

  gtk_inscription_set_text (GTK_INSCRIPTION (label), text);
  /* Tests find a run's row by its id. */
  if (text_func == text_date)
    g_object_set_data_full (G_OBJECT (label), "uuid", g_strdup (run->uuid), g_free);

  if (text_func == text_status)
    {
      const char *css_class = NULL;

      for (const char * const *c = (const char * const[]) { "accent", "success", "warning", "error", NULL }; *c; c++)
        gtk_widget_remove_css_class (label, *c);
      run_status_label (run->status, &css_class);
      gtk_widget_add_css_class (label, css_class);
    }
}

static void
add_run_column (GtkColumnView    *view,
                const char       *title,
                RunText           text_func,
                GCompareDataFunc  compare,
                guint             nat_chars,
                gboolean          expand)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *column;
  GtkSorter *sorter;

  g_object_set_data (G_OBJECT (factory), "nat-chars", GUINT_TO_POINTER (nat_chars));
  g_signal_connect (factory, "setup", G_CALLBACK (run_setup_cb), text_func);
  g_signal_connect (factory, "bind", G_CALLBACK (run_bind_cb), text_func);
  /* Text columns sort through a string sorter: its collation keys are
   * computed once per run, not twice per comparison. */
  if (compare != NULL)
    sorter = GTK_SORTER (gtk_custom_sorter_new (compare, NULL, NULL));
  else
    sorter = GTK_SORTER (gtk_string_sorter_new (gtk_cclosure_expression_new (G_TYPE_STRING, NULL, 0, NULL,
                                                                             G_CALLBACK (text_func),
                                                                             NULL, NULL)));
  column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_sorter (column, sorter);
  gtk_column_view_column_set_resizable (column, TRUE);
  gtk_column_view_column_set_expand (column, expand);
  gtk_column_view_append_column (view, column);
  g_object_unref (sorter);
  g_object_unref (column);
}

/* What the search matches: date, host, source, devices, models, id. */
static char *
run_search_text (BenchRun *run)
{
  g_autofree char *date = NULL;
  g_autofree char *source = NULL;

  if (run == NULL)
    return NULL;
  date = run_date_text (run);
  source = run_source_text (run);
  return g_strjoin (" ", date, run->host ? run->host : "", source,
                    run->summary_devices ? run->summary_devices : "",
                    run->summary_workloads ? run->summary_workloads : "",
                    run->uuid ? run->uuid : "", NULL);
}

/* Listing */

static void
list_runs_worker (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  const char *path = task_data;
  g_autoptr(BenchStore) store = NULL;
  GPtrArray *runs;
  GError *error = NULL;

  /* Listing must not create a history: with no file there are no runs. */
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_task_return_pointer (task, g_ptr_array_new_with_free_func (g_object_unref),
                             (GDestroyNotify) g_ptr_array_unref);
      return;
    }

  if (!(store = bench_store_open (path, &error)) ||
      !(runs = bench_store_list_runs (store, &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, runs, (GDestroyNotify) g_ptr_array_unref);
}

static void
list_runs_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  BenchHistoryView *self = BENCH_HISTORY_VIEW (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GPtrArray) kept = NULL;

  runs = g_task_propagate_pointer (G_TASK (result), &error);
  set_busy (self, FALSE, self->loading_detail);

  if (runs == NULL)
    {
      g_autofree char *escaped = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      /* The store's messages name the file and say what to do. */
      escaped = g_markup_escape_text (error->message, -1);
      adw_status_page_set_description (self->error_page, escaped);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }

  kept = g_ptr_array_new ();
  for (guint i = 0; i < runs->len; i++)
    {
      BenchRun *run = g_ptr_array_index (runs, i);

      if (run->uuid == NULL || !g_hash_table_contains (self->pending_deletes, run->uuid))
        g_ptr_array_add (kept, run);
    }

  g_list_store_splice (self->runs, 0, g_list_model_get_n_items (G_LIST_MODEL (self->runs)),
                       kept->pdata, kept->len);
  gtk_stack_set_visible_child_name (self->stack, kept->len > 0 ? "list" : "empty");

  if (self->refresh_again)
    {
      self->refresh_again = FALSE;
      bench_history_view_refresh (self);
    }
}

void
bench_history_view_refresh (BenchHistoryView *self)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (BENCH_IS_HISTORY_VIEW (self));

  /* A change during a listing is read by one more listing after it. */
  if (self->listing)
    {
      self->refresh_again = TRUE;
      return;
    }

  /* Keep showing the list while it is refreshed; only a first load spins. */
  if (g_list_model_get_n_items (G_LIST_MODEL (self->runs)) == 0)
    gtk_stack_set_visible_child_name (self->stack, "loading");

  set_busy (self, TRUE, self->loading_detail);

  task = g_task_new (self, self->cancellable, list_runs_cb, NULL);
  g_task_set_source_tag (task, bench_history_view_refresh);
  g_task_set_task_data (task, bench_store_dup_default_path (), g_free);
  g_task_run_in_thread (task, list_runs_worker);
}

/* Detail */

typedef struct
{
  char *path;
  char *uuid;
} RunTaskData;

static void
run_task_data_free (RunTaskData *data)
{
  g_free (data->path);
  g_free (data->uuid);
  g_free (data);
}

static void
load_run_worker (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  RunTaskData *data = task_data;
  g_autoptr(BenchStore) store = NULL;
  BenchRun *run;
  GError *error = NULL;

  if (!(store = bench_store_open (data->path, &error)) ||
      !(run = bench_store_load_run (store, data->uuid, FALSE, &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, run, g_object_unref);
}

static void
load_run_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(BenchHistoryView) self = user_data;
  g_autoptr(BenchRun) run = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *date = NULL;
  g_autofree char *title = NULL;

  run = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_busy (self, self->listing, FALSE);

  if (run == NULL)
    {
      gtk_label_set_text (self->detail_title, error->message);
      return;
    }

  date = run_date_text (run);
  /* Translators: "Results of the run of 2024-05-01 10:00 on host (id)" */
  title = g_strdup_printf (_("Results of the run of %s on %s (%.8s)"), date,
                           run->host != NULL ? run->host : _("unknown host"), run->uuid);
  gtk_label_set_text (self->detail_title, title);
  g_list_store_splice (self->detail, 0, g_list_model_get_n_items (G_LIST_MODEL (self->detail)),
                       run->results->pdata, run->results->len);
}

static void
show_detail (BenchHistoryView *self,
             BenchRun         *run)
{
  g_autoptr(GTask) task = NULL;
  RunTaskData *data;

  if (run != NULL && g_strcmp0 (run->uuid, self->detail_uuid) == 0)
    return;

  g_cancellable_cancel (self->detail_cancellable);
  g_clear_object (&self->detail_cancellable);
  g_free (self->detail_uuid);
  self->detail_uuid = run != NULL ? g_strdup (run->uuid) : NULL;
  g_list_store_remove_all (self->detail);

  if (run == NULL || run->uuid == NULL)
    {
      gtk_label_set_text (self->detail_title, _("Select a run to see its results"));
      set_busy (self, self->listing, FALSE);
      return;
    }

  gtk_label_set_text (self->detail_title, _("Reading the results…"));
  set_busy (self, self->listing, TRUE);

  data = g_new0 (RunTaskData, 1);
  data->path = bench_store_dup_default_path ();
  data->uuid = g_strdup (run->uuid);
  self->detail_cancellable = g_cancellable_new ();
  task = g_task_new (NULL, self->detail_cancellable, load_run_cb, g_object_ref (self));
  g_task_set_source_tag (task, show_detail);
  g_task_set_task_data (task, data, (GDestroyNotify) run_task_data_free);
  g_task_run_in_thread (task, load_run_worker);
}

static GPtrArray *
dup_selected_runs (BenchHistoryView *self)
{
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  GPtrArray *runs = g_ptr_array_new_with_free_func (g_object_unref);
  GtkBitsetIter iter;
  guint position;

  if (gtk_bitset_iter_init_first (&iter, selected, &position))
    do
      g_ptr_array_add (runs, g_list_model_get_item (G_LIST_MODEL (self->selection), position));
    while (gtk_bitset_iter_next (&iter, &position));

  return runs;
}

static void
selection_changed_cb (BenchHistoryView *self)
{
  g_autoptr(GPtrArray) runs = dup_selected_runs (self);

  show_detail (self, runs->len > 0 ? g_ptr_array_index (runs, 0) : NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "history.compare", runs->len == 2);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "history.export", runs->len == 1);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "history.delete", runs->len > 0);
}

void
bench_history_view_select (BenchHistoryView *self,
                           const guint      *positions,
                           guint             n_positions)
{
  g_autoptr(GtkBitset) set = gtk_bitset_new_empty ();
  g_autoptr(GtkBitset) mask = NULL;

  g_return_if_fail (BENCH_IS_HISTORY_VIEW (self));

  for (guint i = 0; i < n_positions; i++)
    gtk_bitset_add (set, positions[i]);
  mask = gtk_bitset_new_range (0, g_list_model_get_n_items (G_LIST_MODEL (self->selection)));
  gtk_selection_model_set_selection (GTK_SELECTION_MODEL (self->selection), set, mask);
}

/* Delete, with undo */

static void
delete_worker (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GPtrArray *args = task_data;  /* path, then uuids */
  g_autoptr(BenchStore) store = NULL;
  GError *error = NULL;

  if (!(store = bench_store_open (g_ptr_array_index (args, 0), &error)))
    {
      g_task_return_error (task, error);
      return;
    }
  for (guint i = 1; i < args->len; i++)
    if (!bench_store_delete_run (store, g_ptr_array_index (args, i), &error))
      {
        g_task_return_error (task, error);
        return;
      }

  g_task_return_boolean (task, TRUE);
}

static void
delete_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(BenchHistoryView) self = user_data;
  g_autoptr(GError) error = NULL;
  GPtrArray *args = g_task_get_task_data (G_TASK (result));

  for (guint i = 1; i < args->len; i++)
    g_hash_table_remove (self->pending_deletes, g_ptr_array_index (args, i));
  self->deleting--;
  if (self->deleting == 0 && !self->listing && !self->loading_detail)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *text = g_strdup_printf (_("Could not delete the run: %s"), error->message);

      show_toast (GTK_WIDGET (self), text);
    }

  /* The list shows the truth again: deleted, or back after a failure. */
  if (self->stack != NULL)
    bench_history_view_refresh (self);
}

typedef struct
{
  BenchHistoryView *self;   /* weak */
  GPtrArray        *runs;   /* BenchRun */
  gboolean          undone;
  gboolean          done;
} PendingDelete;

static void
pending_delete_free (PendingDelete *pending)
{
  g_clear_weak_pointer (&pending->self);
  g_ptr_array_unref (pending->runs);
  g_free (pending);
}

static void
pending_delete_notify (gpointer  data,
                       GClosure *closure)
{
  pending_delete_free (data);
}

static void
undo_cb (AdwToast      *toast,
         PendingDelete *pending)
{
  pending->undone = TRUE;
  if (pending->self == NULL)
    return;
  for (guint i = 0; i < pending->runs->len; i++)
    g_hash_table_remove (pending->self->pending_deletes,
                         ((BenchRun *) g_ptr_array_index (pending->runs, i))->uuid);
  bench_history_view_refresh (pending->self);
}

static void
dismissed_cb (AdwToast      *toast,
              PendingDelete *pending)
{
  g_autoptr(GTask) task = NULL;
  GPtrArray *args;

  if (pending->undone || pending->done)
    return;
  pending->done = TRUE;

  /* The view may be gone (the window closed): the deletion happens anyway. */
  args = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (args, bench_store_dup_default_path ());
  for (guint i = 0; i < pending->runs->len; i++)
    g_ptr_array_add (args, g_strdup (((BenchRun *) g_ptr_array_index (pending->runs, i))->uuid));

  if (pending->self != NULL)
    {
      task = g_task_new (NULL, NULL, delete_cb, g_object_ref (pending->self));
      if (pending->self->deleting++ == 0)
        g_object_notify_by_pspec (G_OBJECT (pending->self), properties[PROP_BUSY]);
    }
  else
    task = g_task_new (NULL, NULL, NULL, NULL);  /* nobody to tell */
  g_task_set_source_tag (task, dismissed_cb);
  g_task_set_task_data (task, args, (GDestroyNotify) g_ptr_array_unref);
  g_task_run_in_thread (task, delete_worker);
}

AdwToast *
bench_history_view_delete_selected (BenchHistoryView *self)
{
  g_autoptr(GPtrArray) runs = NULL;
  g_autofree char *title = NULL;
  PendingDelete *pending;
  GtkWidget *overlay;
  AdwToast *toast;

  g_return_val_if_fail (BENCH_IS_HISTORY_VIEW (self), NULL);

  runs = dup_selected_runs (self);
  if (runs->len == 0)
    return NULL;

  for (guint i = 0; i < runs->len; i++)
    {
      BenchRun *run = g_ptr_array_index (runs, i);
      guint position;

      g_hash_table_add (self->pending_deletes, g_strdup (run->uuid));
      if (g_list_store_find (self->runs, run, &position))
        g_list_store_remove (self->runs, position);
    }
  if (g_list_model_get_n_items (G_LIST_MODEL (self->runs)) == 0)
    gtk_stack_set_visible_child_name (self->stack, "empty");

  pending = g_new0 (PendingDelete, 1);
  g_set_weak_pointer (&pending->self, self);
  pending->runs = g_ptr_array_ref (runs);

  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u run deleted", "%u runs deleted", runs->len),
                           runs->len);
  toast = adw_toast_new (title);
  adw_toast_set_button_label (toast, _("_Undo"));
  g_signal_connect (toast, "button-clicked", G_CALLBACK (undo_cb), pending);
  g_signal_connect_data (toast, "dismissed", G_CALLBACK (dismissed_cb), pending,
                         pending_delete_notify, 0);

  overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  if (overlay != NULL)
    {
      adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
      return toast;
    }

  /* No overlay to undo from: delete now. */
  dismissed_cb (toast, pending);
  g_object_unref (toast);
  return NULL;
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  bench_history_view_delete_selected (BENCH_HISTORY_VIEW (widget));
}

/* Export */

typedef struct
{
  char *path;
  char *uuid;
  char *file;
} ExportData;

static void
export_data_free (ExportData *data)
{
  g_free (data->path);
  g_free (data->uuid);
  g_free (data->file);
  g_free (data);
}

static void
export_worker (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ExportData *data = task_data;
  g_autoptr(BenchStore) store = NULL;
  g_autoptr(BenchRun) run = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  GError *error = NULL;

  if (!(store = bench_store_open (data->path, &error)) ||
      !(run = bench_store_load_run (store, data->uuid, TRUE, &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  runs = g_ptr_array_new ();
  g_ptr_array_add (runs, run);
  if (!bench_json_write_file (runs, data->file, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
export_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(BenchHistoryView) self = user_data;
  g_autoptr(GError) error = NULL;
  ExportData *data = g_task_get_task_data (G_TASK (result));
  g_autofree char *base = g_filename_display_basename (data->file);
  g_autofree char *text = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    text = g_strdup_printf (_("Could not export the run to %s: %s"), base, error->message);
  else
    text = g_strdup_printf (_("Exported the run to %s"), base);
  show_toast (GTK_WIDGET (self), text);
  if (--self->exporting == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

void
bench_history_view_export_run (BenchHistoryView *self,
                               const char       *uuid,
                               const char       *file)
{
  g_autoptr(GTask) task = NULL;
  ExportData *data;

  g_return_if_fail (BENCH_IS_HISTORY_VIEW (self));
  g_return_if_fail (uuid != NULL && file != NULL);

  data = g_new0 (ExportData, 1);

  data->path = bench_store_dup_default_path ();
  data->uuid = g_strdup (uuid);
  data->file = g_strdup (file);
  task = g_task_new (NULL, self->cancellable, export_cb, g_object_ref (self));
  g_task_set_source_tag (task, bench_history_view_export_run);
  if (self->exporting++ == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
  g_task_set_task_data (task, data, (GDestroyNotify) export_data_free);
  g_task_run_in_thread (task, export_worker);
}

static void
export_response_cb (GtkNativeDialog  *dialog,
                    int               response,
                    BenchHistoryView *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);
      const char *uuid = g_object_get_data (G_OBJECT (dialog), "uuid");

      if (path != NULL)
        bench_history_view_export_run (self, uuid, path);
    }

  g_clear_object (&self->chooser);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  BenchHistoryView *self = BENCH_HISTORY_VIEW (widget);
  g_autoptr(GPtrArray) runs = dup_selected_runs (self);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *name = NULL;
  BenchRun *run;

  if (runs->len != 1)
    return;
  run = g_ptr_array_index (runs, 0);

  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (_("Export Run"),
                                               GTK_WINDOW (gtk_widget_get_root (widget)),
                                               GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _("_Export"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Benchtop results (JSON)"));
  gtk_file_filter_add_suffix (filter, "json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  name = g_strdup_printf ("benchtop-run-%.8s.json", run->uuid);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  g_object_set_data_full (G_OBJECT (self->chooser), "uuid", g_strdup (run->uuid), g_free);
  g_signal_connect (self->chooser, "response", G_CALLBACK (export_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
compare_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  BenchHistoryView *self = BENCH_HISTORY_VIEW (widget);
  g_autoptr(GPtrArray) runs = dup_selected_runs (self);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) uuids = NULL;

  if (runs->len != 2)
    return;
  for (guint i = 0; i < runs->len; i++)
    g_strv_builder_add (builder, ((BenchRun *) g_ptr_array_index (runs, i))->uuid);
  uuids = g_strv_builder_end (builder);
  g_signal_emit (self, signals[COMPARE], 0, uuids);
}

/* GObject */

static void
bench_history_view_dispose (GObject *object)
{
  BenchHistoryView *self = (BenchHistoryView *) object;

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->detail_cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);

  /* AdwBin unparents its child itself: let go of it first, so that the
   * template does not unparent it a second time. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), BENCH_TYPE_HISTORY_VIEW);

  G_OBJECT_CLASS (bench_history_view_parent_class)->dispose (object);
}

static void
bench_history_view_finalize (GObject *object)
{
  BenchHistoryView *self = (BenchHistoryView *) object;

  g_clear_object (&self->cancellable);
  g_clear_object (&self->detail_cancellable);
  g_clear_object (&self->selection);
  g_clear_object (&self->runs);
  g_clear_object (&self->detail);
  g_clear_pointer (&self->pending_deletes, g_hash_table_unref);
  g_clear_pointer (&self->detail_uuid, g_free);

  G_OBJECT_CLASS (bench_history_view_parent_class)->finalize (object);
}

static void
bench_history_view_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  BenchHistoryView *self = BENCH_HISTORY_VIEW (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, bench_history_view_get_busy (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bench_history_view_class_init (BenchHistoryViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bench_history_view_dispose;
  object_class->finalize = bench_history_view_finalize;
  object_class->get_property = bench_history_view_get_property;

  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * BenchHistoryView::compare:
   * @uuids: the two runs to compare
   */
  signals[COMPARE] =
    g_signal_new ("compare", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRV);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/benchtop/Benchtop/bench-history-view.ui");
  gtk_widget_class_bind_template_child (widget_class, BenchHistoryView, stack);
  gtk_widget_class_bind_template_child (widget_class, BenchHistoryView, spinner);
  gtk_widget_class_bind_template_child (widget_class, BenchHistoryView, error_page);
  gtk_widget_class_bind_template_child (widget_class, BenchHistoryView, search_entry);
  gtk_widget_class_bind_template_child (widget_class, BenchHistoryView, runs_view);
  gtk_widget_class_bind_template_child (widget_class, BenchHistoryView, detail_title);
  gtk_widget_class_bind_template_child (widget_class, BenchHistoryView, detail_view);

  gtk_widget_class_install_action (widget_class, "history.compare", NULL, compare_action);
  gtk_widget_class_install_action (widget_class, "history.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "history.delete", NULL, delete_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "history.delete", NULL);
}

static void
bench_history_view_init (BenchHistoryView *self)
{
  GtkExpression *expression;
  GtkStringFilter *filter;
  g_autoptr(GtkSortListModel) detail_sorted = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->runs = g_list_store_new (BENCH_TYPE_RUN);
  self->detail = g_list_store_new (BENCH_TYPE_RESULT);
  self->pending_deletes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  add_run_column (self->runs_view, _("Date"), text_date, compare_date, 17, FALSE);
  add_run_column (self->runs_view, _("Host"), text_host, NULL, 14, FALSE);
  add_run_column (self->runs_view, _("Source"), text_source, NULL, 16, FALSE);
  add_run_column (self->runs_view, _("Devices"), text_devices, NULL, 16, TRUE);
  add_run_column (self->runs_view, _("Models"), text_models, NULL, 20, TRUE);
  add_run_column (self->runs_view, _("Configurations"), text_configs, compare_configs, 8, FALSE);
  add_run_column (self->runs_view, _("Status"), text_status, NULL, 10, FALSE);

  /* Runs → search → sort (by the clicked column) → selection. */
  expression = gtk_cclosure_expression_new (G_TYPE_STRING, NULL, 0, NULL,
                                            G_CALLBACK (run_search_text), NULL, NULL);
  filter = gtk_string_filter_new (expression);
  gtk_string_filter_set_ignore_case (filter, TRUE);
  gtk_string_filter_set_match_mode (filter, GTK_STRING_FILTER_MATCH_MODE_SUBSTRING);
  g_object_bind_property (self->search_entry, "text", filter, "search", G_BINDING_SYNC_CREATE);
  self->filtered = gtk_filter_list_model_new (G_LIST_MODEL (g_object_ref (self->runs)), GTK_FILTER (filter));
  self->sorted = gtk_sort_list_model_new (G_LIST_MODEL (self->filtered),
                                          g_object_ref (gtk_column_view_get_sorter (self->runs_view)));
  self->selection = gtk_multi_selection_new (G_LIST_MODEL (self->sorted));
  gtk_column_view_set_model (self->runs_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_object (self->selection, "selection-changed",
                           G_CALLBACK (selection_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->selection, "items-changed",
                           G_CALLBACK (selection_changed_cb), self, G_CONNECT_SWAPPED);

  bench_result_columns_add (self->detail_view);
  detail_sorted = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (self->detail)),
                                           g_object_ref (gtk_column_view_get_sorter (self->detail_view)));
  gtk_column_view_set_model (self->detail_view,
                             GTK_SELECTION_MODEL (gtk_no_selection_new (G_LIST_MODEL (g_steal_pointer (&detail_sorted)))));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "history.compare", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "history.export", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "history.delete", FALSE);
}
