/* bench-history-view.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every run in a column view, with its results loaded on demand. The list
 * holds runs, not results, with the counts the store's listing gives, so
 * a history of 100,000 results is a list of a few thousand rows; reading
 * the store happens in GTask threads, each with its own connection.
 *
 * What keeps the main loop turning with thousands of runs:
 *  - the listing thread formats every cell's text and the search text of
 *    each run (RunRow, attached to the run), so binding a cell only sets
 *    a string and searching is one strstr() per run;
 *  - the view does not list the runs themselves but rows (RunSlot), one a
 *    position, each showing whichever run is there: searching, sorting
 *    and refreshing change what the rows show, so the cell widgets GTK
 *    built are updated in place; GTK 4.8 would otherwise destroy a row's
 *    widgets and build new ones for every run that moves into view;
 *  - a refresh keeps the objects of unchanged runs, so their rows do not
 *    change at all;
 *  - GTK 4.8's list views build widgets for about 200 rows around the top
 *    whatever their height, and building a row costs about a millisecond:
 *    where a list must get many new rows (the first listing, a search that
 *    widens, a run's results), a slice in front of the view lets in
 *    ROWS_PER_FRAME more each frame until there are enough (RowGate).
 */
#include "config.h"

#include <glib/gi18n.h>

#include "bench-history-view.h"
#include "bench-json.h"
#include "bench-result-columns.h"
#include "bench-store.h"

/* What a frame may add to a list view, and how many rows GTK 4.8 builds
 * at most (GTK_LIST_VIEW_MAX_LIST_ITEMS is 200, plus a few either side). */
#define ROWS_PER_FRAME  24
#define ROWS_BUILT      256

typedef struct
{
  BenchHistoryView  *self;
  GtkWidget         *view;
  GtkSliceListModel *slice;   /* size G_MAXUINT unless growing */
  guint              tick_id;
} RowGate;

struct _BenchHistoryView
{
  AdwBin              parent_instance;

  GCancellable       *cancellable;
  GCancellable       *detail_cancellable;
  GListStore         *runs;           /* BenchRun, newest first */
  GListStore         *detail;         /* BenchResult of the shown run */
  GListStore         *found;          /* BenchRun: searched and sorted, as shown */
  GListStore         *slots;          /* RunSlot: one a shown position */
  GtkMultiSelection  *selection;
  RowGate             runs_gate;
  RowGate             detail_gate;
  char               *needle;         /* normalized, casefolded search */
  GHashTable         *pending_deletes; /* uuid set: deleted once the toast goes */
  char               *detail_uuid;
  GtkFileChooserNative *chooser;
  guint               deleting;       /* deletions in flight */
  guint               exporting;      /* exports in flight */
  guint               listing : 1;
  guint               loading_detail : 1;
  guint               refresh_again : 1;
  guint               was_busy : 1;
  guint               updating : 1;   /* the shown runs are changing */

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

/* RunSlot: a row of the view, showing the run at its position. Its cells
 * follow ::changed, so that a new run there rebinds nothing. */
#define RUN_TYPE_SLOT (run_slot_get_type ())
G_DECLARE_FINAL_TYPE (RunSlot, run_slot, RUN, SLOT, GObject)

struct _RunSlot
{
  GObject   parent_instance;
  BenchRun *run;
};

G_DEFINE_FINAL_TYPE (RunSlot, run_slot, G_TYPE_OBJECT)

static guint run_slot_changed_signal;

static void
run_slot_finalize (GObject *object)
{
  g_clear_object (&RUN_SLOT (object)->run);

  G_OBJECT_CLASS (run_slot_parent_class)->finalize (object);
}

static void
run_slot_class_init (RunSlotClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = run_slot_finalize;

  run_slot_changed_signal = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
run_slot_init (RunSlot *self)
{
}

/* Makes @slots show @runs: rows that stay get their new run, and only the
 * difference in length is added or removed. */
static void
slots_set_runs (GListStore *slots,
                BenchRun  **runs,
                guint       n_runs)
{
  guint n_slots = g_list_model_get_n_items (G_LIST_MODEL (slots));

  for (guint i = 0; i < MIN (n_slots, n_runs); i++)
    {
      g_autoptr(RunSlot) slot = g_list_model_get_item (G_LIST_MODEL (slots), i);

      if (g_set_object (&slot->run, runs[i]))
        g_signal_emit (slot, run_slot_changed_signal, 0);
    }

  if (n_runs > n_slots)
    {
      g_autoptr(GPtrArray) added = g_ptr_array_new_full (n_runs - n_slots, g_object_unref);

      for (guint i = n_slots; i < n_runs; i++)
        {
          RunSlot *slot = g_object_new (RUN_TYPE_SLOT, NULL);

          slot->run = g_object_ref (runs[i]);
          g_ptr_array_add (added, slot);
        }
      g_list_store_splice (slots, n_slots, 0, added->pdata, added->len);
    }
  else if (n_runs < n_slots)
    g_list_store_splice (slots, n_runs, n_slots - n_runs, NULL, 0);
}

/* Row gates */

/* Growing counts as busy only where it can go on: a view that is not
 * shown gets no frames, and grows once it is. */
static gboolean
row_gate_busy (RowGate *gate)
{
  return gate->tick_id != 0 && gate->view != NULL && gtk_widget_get_mapped (gate->view);
}

static void notify_busy (BenchHistoryView *self);

static void
row_gate_open (RowGate *gate)
{
  if (gate->tick_id != 0)
    gtk_widget_remove_tick_callback (gate->view, gate->tick_id);
  gate->tick_id = 0;
  gtk_slice_list_model_set_size (gate->slice, G_MAXUINT);
}

static gboolean
row_gate_tick_cb (GtkWidget     *view,
                  GdkFrameClock *clock,
                  gpointer       user_data)
{
  RowGate *gate = user_data;
  guint size = gtk_slice_list_model_get_size (gate->slice);
  guint n_items = g_list_model_get_n_items (gtk_slice_list_model_get_model (gate->slice));

  if (size + ROWS_PER_FRAME >= MIN (n_items, ROWS_BUILT))
    {
      gate->tick_id = 0;
      gtk_slice_list_model_set_size (gate->slice, G_MAXUINT);
      notify_busy (gate->self);
      return G_SOURCE_REMOVE;
    }

  gtk_slice_list_model_set_size (gate->slice, size + ROWS_PER_FRAME);
  return G_SOURCE_CONTINUE;
}

/* Call before the list behind the gate changes, with its length now: when
 * it has fewer rows than GTK builds, the change may need many new rows,
 * so they come in a few at a time. With more, GTK rebinds the rows it has. */
static void
row_gate_before_change (RowGate *gate,
                        guint    n_items)
{
  if (gate->tick_id != 0 || n_items >= ROWS_BUILT)
    return;

  gtk_slice_list_model_set_size (gate->slice, MAX (n_items, ROWS_PER_FRAME));
  gate->tick_id = gtk_widget_add_tick_callback (gate->view, row_gate_tick_cb, gate, NULL);
  notify_busy (gate->self);
}

static GListModel *
row_gate_init (RowGate          *gate,
               BenchHistoryView *self,
               GtkWidget        *view,
               GListModel       *model)
{
  gate->self = self;
  gate->view = view;
  gate->slice = gtk_slice_list_model_new (model, 0, G_MAXUINT);
  /* Growing is busy only while the view is shown. */
  g_signal_connect_swapped (view, "map", G_CALLBACK (notify_busy), self);
  g_signal_connect_swapped (view, "unmap", G_CALLBACK (notify_busy), self);
  return G_LIST_MODEL (gate->slice);
}

gboolean
bench_history_view_get_busy (BenchHistoryView *self)
{
  g_return_val_if_fail (BENCH_IS_HISTORY_VIEW (self), FALSE);

  return self->listing || self->loading_detail || self->deleting > 0 || self->exporting > 0 ||
         row_gate_busy (&self->runs_gate) || row_gate_busy (&self->detail_gate);
}

static void
notify_busy (BenchHistoryView *self)
{
  gboolean busy = bench_history_view_get_busy (self);

  if (busy == self->was_busy)
    return;
  self->was_busy = busy;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
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

  /* All of it: the view may still be letting rows in. */
  return G_LIST_MODEL (self->found);
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
  self->listing = !!listing;
  self->loading_detail = !!loading_detail;
  if (self->spinner != NULL)
    gtk_spinner_set_spinning (self->spinner, self->listing);
  notify_busy (self);
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

/* A run's cells, formatted once by the listing thread. */
enum {
  COLUMN_DATE,
  COLUMN_HOST,
  COLUMN_SOURCE,
  COLUMN_DEVICES,
  COLUMN_MODELS,
  COLUMN_CONFIGS,
  COLUMN_STATUS,
  N_COLUMNS
};

typedef struct
{
  char       *text[N_COLUMNS];
  char       *sort_key[N_COLUMNS];  /* collation keys of the text columns */
  char       *search;     /* normalized and casefolded: what a search matches */
  const char *css_class;  /* of the status */
} RunRow;

static GQuark run_row_quark;

static void
run_row_free (gpointer data)
{
  RunRow *row = data;

  for (guint i = 0; i < N_COLUMNS; i++)
    {
      g_free (row->text[i]);
      g_free (row->sort_key[i]);
    }
  g_free (row->search);
  g_free (row);
}

static char *
search_key (const char *text)
{
  g_autofree char *normalized = g_utf8_normalize (text, -1, G_NORMALIZE_ALL);

  return normalized != NULL ? g_utf8_casefold (normalized, -1) : g_strdup ("");
}

/* Any thread: the run is not shared yet. */
static void
run_row_attach (BenchRun *run)
{
  RunRow *row = g_new0 (RunRow, 1);
  g_autofree char *search = NULL;

  row->text[COLUMN_DATE] = run_date_text (run);
  row->text[COLUMN_HOST] = g_strdup (run->host != NULL ? run->host : _("unknown host"));
  row->text[COLUMN_SOURCE] = run_source_text (run);
  row->text[COLUMN_DEVICES] = g_strdup (run->summary_devices != NULL ? run->summary_devices : "");
  row->text[COLUMN_MODELS] = g_strdup (run->summary_workloads != NULL ? run->summary_workloads : "");
  if (run->n_failed > 0)
    /* Translators: "12 (2 failed)" configurations */
    row->text[COLUMN_CONFIGS] = g_strdup_printf (_("%u (%u failed)"), run->n_results, run->n_failed);
  else
    row->text[COLUMN_CONFIGS] = g_strdup_printf ("%u", run->n_results);
  row->text[COLUMN_STATUS] = g_strdup (run_status_label (run->status, &row->css_class));

  /* What the search matches: date, host, source, devices, models, id. */
  search = g_strjoin (" ", row->text[COLUMN_DATE], run->host ? run->host : "", row->text[COLUMN_SOURCE],
                      row->text[COLUMN_DEVICES], row->text[COLUMN_MODELS], run->uuid ? run->uuid : "", NULL);
  row->search = search_key (search);

  /* As GtkStringSorter would sort them, case aside. */
  for (guint i = 0; i < N_COLUMNS; i++)
    {
      g_autofree char *folded = g_utf8_casefold (row->text[i], -1);

      row->sort_key[i] = g_utf8_collate_key (folded, -1);
    }

  g_object_set_qdata_full (G_OBJECT (run), run_row_quark, row, run_row_free);
}

static RunRow *
run_row (BenchRun *run)
{
  return g_object_get_qdata (G_OBJECT (run), run_row_quark);
}

/* Whether a listed run shows as the one listed before: then the old
 * object, and the widgets bound to it, stay. */
static gboolean
run_row_equal (BenchRun *a,
               BenchRun *b)
{
  RunRow *ra = run_row (a), *rb = run_row (b);

  for (guint i = 0; i < N_COLUMNS; i++)
    if (g_strcmp0 (ra->text[i], rb->text[i]) != 0)
      return FALSE;
  return a->status == b->status && g_strcmp0 (a->error, b->error) == 0;
}

/* The view's sorter orders runs (in refilter()), by keys made once. */
static int
compare_text (gconstpointer a,
              gconstpointer b,
              gpointer      column)
{
  guint i = GPOINTER_TO_UINT (column);
  int cmp = strcmp (run_row ((BenchRun *) a)->sort_key[i], run_row ((BenchRun *) b)->sort_key[i]);

  return (cmp > 0) - (cmp < 0);
}

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
  guint column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (label), "column"));
  RunSlot *slot = gtk_list_item_get_item (item);
  BenchRun *run = slot != NULL ? slot->run : NULL;
  const char *text;

  if (run == NULL)
    return FALSE;
  if (column == COLUMN_DATE)
    text = run->uuid;
  else if (column == COLUMN_STATUS && run->error != NULL)
    text = run->error;
  else
    text = run_row (run)->text[column];
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
  gtk_inscription_set_min_chars (GTK_INSCRIPTION (label), GPOINTER_TO_UINT (user_data) == COLUMN_DATE ? 16 : 6);
  gtk_inscription_set_nat_chars (GTK_INSCRIPTION (label),
                                 GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "nat-chars")));
  g_object_set_data (G_OBJECT (label), "column", user_data);
  gtk_widget_set_has_tooltip (label, TRUE);
  g_signal_connect (label, "query-tooltip", G_CALLBACK (run_query_tooltip_cb), item);
  gtk_list_item_set_child (item, label);
}

/* Only sets what the listing thread formatted. */
static void
run_cell_update (GtkWidget *label,
                 RunSlot   *slot)
{
  guint column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (label), "column"));
  BenchRun *run = slot->run;
  RunRow *row = run_row (run);

  gtk_inscription_set_text (GTK_INSCRIPTION (label), row->text[column]);
  /* Tests find a run's row by its id. */
  if (column == COLUMN_DATE)
    g_object_set_data_full (G_OBJECT (label), "uuid", g_strdup (run->uuid), g_free);

  if (column == COLUMN_STATUS)
    {
      for (const char * const *c = (const char * const[]) { "accent", "success", "warning", "error", NULL }; *c; c++)
        if (*c != row->css_class)
          gtk_widget_remove_css_class (label, *c);
      gtk_widget_add_css_class (label, row->css_class);
    }
}

static void
run_bind_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  user_data)
{
  RunSlot *slot = gtk_list_item_get_item (item);
  GtkWidget *label = gtk_list_item_get_child (item);

  run_cell_update (label, slot);
  g_signal_connect_swapped (slot, "changed", G_CALLBACK (run_cell_update), label);
}

static void
run_unbind_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  RunSlot *slot = gtk_list_item_get_item (item);
  GtkWidget *label = gtk_list_item_get_child (item);

  g_signal_handlers_disconnect_by_func (slot, run_cell_update, label);
}

static void
add_run_column (GtkColumnView    *view,
                const char       *title,
                guint             column_id,
                GCompareDataFunc  compare,
                guint             nat_chars,
                gboolean          expand)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *column;
  GtkSorter *sorter;

  g_object_set_data (G_OBJECT (factory), "nat-chars", GUINT_TO_POINTER (nat_chars));
  g_signal_connect (factory, "setup", G_CALLBACK (run_setup_cb), GUINT_TO_POINTER (column_id));
  g_signal_connect (factory, "bind", G_CALLBACK (run_bind_cb), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (run_unbind_cb), NULL);
  /* Text columns compare collation keys the listing thread made. */
  if (compare != NULL)
    sorter = GTK_SORTER (gtk_custom_sorter_new (compare, NULL, NULL));
  else
    sorter = GTK_SORTER (gtk_custom_sorter_new (compare_text, GUINT_TO_POINTER (column_id), NULL));
  column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_sorter (column, sorter);
  gtk_column_view_column_set_resizable (column, TRUE);
  gtk_column_view_column_set_expand (column, expand);
  gtk_column_view_append_column (view, column);
  g_object_unref (sorter);
  g_object_unref (column);
}

/* Searching and refreshing */

static GPtrArray *dup_selected_runs (BenchHistoryView *self);
static void selection_changed_cb (BenchHistoryView *self);

/* Makes @store hold @items, in order, with one splice of what lies between
 * the common start and end: one items-changed, so that GTK rebinds the row
 * widgets it has rather than building new ones, and a deletion or an
 * added run changes one row. */
static void
sync_store (GListStore *store,
            gpointer   *items,
            guint       n_items)
{
  guint n_old = g_list_model_get_n_items (G_LIST_MODEL (store));
  guint prefix = 0, suffix = 0;

  while (prefix < n_old && prefix < n_items)
    {
      g_autoptr(GObject) old = g_list_model_get_item (G_LIST_MODEL (store), prefix);

      if (old != items[prefix])
        break;
      prefix++;
    }
  while (suffix < n_old - prefix && suffix < n_items - prefix)
    {
      g_autoptr(GObject) old = g_list_model_get_item (G_LIST_MODEL (store), n_old - 1 - suffix);

      if (old != items[n_items - 1 - suffix])
        break;
      suffix++;
    }

  if (prefix == n_old && prefix == n_items)
    return;
  g_list_store_splice (store, prefix, n_old - prefix - suffix, items + prefix, n_items - prefix - suffix);
}

static int
compare_by_sorter (gconstpointer a,
                   gconstpointer b,
                   gpointer      sorter)
{
  return gtk_sorter_compare (sorter, *(gpointer *) a, *(gpointer *) b);
}

/* Shows the runs the search matches (case and accents aside, as
 * GtkStringFilter would), in the order of the view's sorter, keeping the
 * selected runs selected. */
static void
refilter (BenchHistoryView *self)
{
  GListModel *runs = G_LIST_MODEL (self->runs);
  GtkSorter *sorter;
  guint n_runs = g_list_model_get_n_items (runs);
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GPtrArray) selected = NULL;
  g_autoptr(GtkBitset) selection = NULL;
  g_autoptr(GtkBitset) mask = NULL;

  /* The template's widgets are gone: the view is being disposed. */
  if (self->runs_view == NULL)
    return;

  sorter = gtk_column_view_get_sorter (self->runs_view);
  found = g_ptr_array_new_full (n_runs, g_object_unref);
  selected = dup_selected_runs (self);
  selection = gtk_bitset_new_empty ();

  for (guint i = 0; i < n_runs; i++)
    {
      BenchRun *run = g_list_model_get_item (runs, i);

      if (self->needle == NULL || strstr (run_row (run)->search, self->needle) != NULL)
        g_ptr_array_add (found, run);
      else
        g_object_unref (run);
    }
  /* A stable sort: equal runs stay newest first. */
  if (sorter != NULL && gtk_sorter_get_order (sorter) != GTK_SORTER_ORDER_NONE)
    g_ptr_array_sort_with_data (found, compare_by_sorter, sorter);

  /* The rows change under the selection, which goes by position: it is
   * put back on the same runs, and only then followed. */
  self->updating = TRUE;
  row_gate_before_change (&self->runs_gate, g_list_model_get_n_items (G_LIST_MODEL (self->slots)));
  sync_store (self->found, found->pdata, found->len);
  slots_set_runs (self->slots, (BenchRun **) found->pdata, found->len);

  if (selected->len > 0)
    {
      g_autoptr(GHashTable) was_selected = g_hash_table_new (NULL, NULL);
      guint n_shown = g_list_model_get_n_items (G_LIST_MODEL (self->selection));

      for (guint j = 0; j < selected->len; j++)
        g_hash_table_add (was_selected, g_ptr_array_index (selected, j));
      for (guint i = 0; i < found->len && i < n_shown; i++)
        if (g_hash_table_contains (was_selected, g_ptr_array_index (found, i)))
          gtk_bitset_add (selection, i);
      mask = gtk_bitset_new_range (0, n_shown);
      gtk_selection_model_set_selection (GTK_SELECTION_MODEL (self->selection), selection, mask);
    }
  self->updating = FALSE;
  selection_changed_cb (self);
}

static void
search_changed_cb (BenchHistoryView *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  g_clear_pointer (&self->needle, g_free);
  if (text != NULL && text[0] != '\0')
    self->needle = search_key (text);
  refilter (self);
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

  /* Every cell's text, here rather than on the main thread. */
  for (guint i = 0; i < runs->len; i++)
    run_row_attach (g_ptr_array_index (runs, i));

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
  g_autoptr(GHashTable) old = NULL;
  guint n_old;

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

  /* Runs listed before and shown the same keep their objects. */
  n_old = g_list_model_get_n_items (G_LIST_MODEL (self->runs));
  old = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);
  for (guint i = 0; i < n_old; i++)
    {
      BenchRun *run = g_list_model_get_item (G_LIST_MODEL (self->runs), i);

      if (run->uuid != NULL)
        g_hash_table_insert (old, run->uuid, run);
      else
        g_object_unref (run);
    }

  kept = g_ptr_array_new ();
  for (guint i = 0; i < runs->len; i++)
    {
      BenchRun *run = g_ptr_array_index (runs, i);
      BenchRun *before;

      if (run->uuid != NULL && g_hash_table_contains (self->pending_deletes, run->uuid))
        continue;
      before = run->uuid != NULL ? g_hash_table_lookup (old, run->uuid) : NULL;
      g_ptr_array_add (kept, before != NULL && run_row_equal (before, run) ? before : run);
    }

  sync_store (self->runs, kept->pdata, kept->len);
  refilter (self);
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
  guint n_old;

  run = g_task_propagate_pointer (G_TASK (result), &error);
  /* Cancelled, or the view is gone. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->detail_title == NULL)
    return;

  set_busy (self, self->listing, FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->detail_view), TRUE);

  if (run == NULL)
    {
      gtk_label_set_text (self->detail_title, error->message);
      g_list_store_remove_all (self->detail);
      return;
    }

  date = run_date_text (run);
  /* Translators: "Results of the run of 2024-05-01 10:00 on host (id)" */
  title = g_strdup_printf (_("Results of the run of %s on %s (%.8s)"), date,
                           run->host != NULL ? run->host : _("unknown host"), run->uuid);
  gtk_label_set_text (self->detail_title, title);
  /* One splice over the last run's results: their rows are rebound. */
  n_old = g_list_model_get_n_items (G_LIST_MODEL (self->detail));
  row_gate_before_change (&self->detail_gate, n_old);
  g_list_store_splice (self->detail, 0, n_old, run->results->pdata, run->results->len);
}

static void
show_detail (BenchHistoryView *self,
             BenchRun         *run)
{
  g_autoptr(GTask) task = NULL;
  RunTaskData *data;

  if ((run != NULL && g_strcmp0 (run->uuid, self->detail_uuid) == 0) || self->detail_view == NULL)
    return;

  g_cancellable_cancel (self->detail_cancellable);
  g_clear_object (&self->detail_cancellable);
  g_free (self->detail_uuid);
  self->detail_uuid = run != NULL ? g_strdup (run->uuid) : NULL;

  if (run == NULL || run->uuid == NULL)
    {
      g_list_store_remove_all (self->detail);
      gtk_widget_set_sensitive (GTK_WIDGET (self->detail_view), TRUE);
      gtk_label_set_text (self->detail_title, _("Select a run to see its results"));
      set_busy (self, self->listing, FALSE);
      return;
    }

  /* The last run's results stay, dimmed, until these replace them. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->detail_view), FALSE);
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
      {
        g_autoptr(RunSlot) slot = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

        g_ptr_array_add (runs, g_object_ref (slot->run));
      }
    while (gtk_bitset_iter_next (&iter, &position));

  return runs;
}

static void
selection_changed_cb (BenchHistoryView *self)
{
  g_autoptr(GPtrArray) runs = NULL;

  if (self->updating)
    return;

  runs = dup_selected_runs (self);
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

  /* Positions are in the shown list; the view may not have them all yet. */
  for (guint i = 0; i < n_positions; i++)
    if (positions[i] >= g_list_model_get_n_items (G_LIST_MODEL (self->selection)))
      {
        row_gate_open (&self->runs_gate);
        notify_busy (self);
      }
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
  notify_busy (self);

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
      pending->self->deleting++;
      notify_busy (pending->self);
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
  refilter (self);
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
  self->exporting--;
  notify_busy (self);
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
  self->exporting++;
  notify_busy (self);
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
  if (self->runs_gate.tick_id != 0)
    row_gate_open (&self->runs_gate);
  if (self->detail_gate.tick_id != 0)
    row_gate_open (&self->detail_gate);
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
  g_clear_object (&self->slots);
  g_clear_object (&self->found);
  g_clear_object (&self->runs_gate.slice);
  g_clear_object (&self->detail_gate.slice);
  g_clear_object (&self->runs);
  g_clear_object (&self->detail);
  g_clear_pointer (&self->pending_deletes, g_hash_table_unref);
  g_clear_pointer (&self->detail_uuid, g_free);
  g_clear_pointer (&self->needle, g_free);

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

  run_row_quark = g_quark_from_static_string ("bench-history-run-row");

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
  g_autoptr(GtkSortListModel) detail_sorted = NULL;
  g_autoptr(GtkNoSelection) detail_selection = NULL;
  GListModel *gated;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->runs = g_list_store_new (BENCH_TYPE_RUN);
  self->found = g_list_store_new (BENCH_TYPE_RUN);
  self->detail = g_list_store_new (BENCH_TYPE_RESULT);
  self->pending_deletes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  add_run_column (self->runs_view, _("Date"), COLUMN_DATE, compare_date, 17, FALSE);
  add_run_column (self->runs_view, _("Host"), COLUMN_HOST, NULL, 14, FALSE);
  add_run_column (self->runs_view, _("Source"), COLUMN_SOURCE, NULL, 16, FALSE);
  add_run_column (self->runs_view, _("Devices"), COLUMN_DEVICES, NULL, 16, TRUE);
  add_run_column (self->runs_view, _("Models"), COLUMN_MODELS, NULL, 20, TRUE);
  add_run_column (self->runs_view, _("Configurations"), COLUMN_CONFIGS, compare_configs, 8, FALSE);
  add_run_column (self->runs_view, _("Status"), COLUMN_STATUS, NULL, 10, FALSE);

  /* Runs → searched and sorted (found) → slots → gate → selection. */
  self->slots = g_list_store_new (RUN_TYPE_SLOT);
  g_signal_connect_object (self->search_entry, "changed",
                           G_CALLBACK (search_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_column_view_get_sorter (self->runs_view), "changed",
                           G_CALLBACK (refilter), self, G_CONNECT_SWAPPED);
  gated = row_gate_init (&self->runs_gate, self, GTK_WIDGET (self->runs_view),
                         G_LIST_MODEL (g_object_ref (self->slots)));
  self->selection = gtk_multi_selection_new (g_object_ref (gated));
  gtk_column_view_set_model (self->runs_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_object (self->selection, "selection-changed",
                           G_CALLBACK (selection_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->selection, "items-changed",
                           G_CALLBACK (selection_changed_cb), self, G_CONNECT_SWAPPED);

  bench_result_columns_add (self->detail_view);
  detail_sorted = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (self->detail)),
                                           g_object_ref (gtk_column_view_get_sorter (self->detail_view)));
  gated = row_gate_init (&self->detail_gate, self, GTK_WIDGET (self->detail_view),
                         G_LIST_MODEL (g_steal_pointer (&detail_sorted)));
  detail_selection = gtk_no_selection_new (g_object_ref (gated));
  gtk_column_view_set_model (self->detail_view, GTK_SELECTION_MODEL (detail_selection));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "history.compare", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "history.export", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "history.delete", FALSE);
}
