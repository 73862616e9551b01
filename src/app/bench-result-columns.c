/* bench-result-columns.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "bench-result-columns.h"

typedef char *(*ResultText) (BenchResult *result);
typedef double (*ResultNumber) (BenchResult *result);

char *
bench_result_format_latency (double ns)
{
  if (isnan (ns))
    return g_strdup (_("n/a"));
  if (ns >= 1e9)
    return g_strdup_printf ("%.3f s", ns / 1e9);
  if (ns >= 1e6)
    return g_strdup_printf ("%.3f ms", ns / 1e6);
  return g_strdup_printf ("%.2f µs", ns / 1e3);
}

static char *
format_rate (double value)
{
  if (isnan (value))
    return g_strdup (_("n/a"));
  if (value >= 1e6)
    return g_strdup_printf ("%.2f M", value / 1e6);
  if (value >= 1e3)
    return g_strdup_printf ("%.2f k", value / 1e3);
  return g_strdup_printf ("%.2f", value);
}

static char *
format_dimension (gint value)
{
  /* -1: the workload has no such dimension. */
  if (value < 0)
    return g_strdup ("–");
  return g_strdup_printf ("%d", value);
}

char *
bench_result_dup_status_text (BenchResult *result)
{
  const char *status = bench_result_status_to_string (result->status);

  if (result->error != NULL && result->error[0] != '\0')
    return g_strdup_printf ("%s: %s", status, result->error);
  return g_strdup (status);
}

static char *text_workload (BenchResult *r) { return g_strdup (r->workload); }
static char *text_device (BenchResult *r) { return g_strdup (r->device_name != NULL ? r->device_name : r->device_id); }
static char *text_batch (BenchResult *r) { return format_dimension (r->batch_size); }
static char *text_seq (BenchResult *r) { return format_dimension (r->seq_len); }
static char *text_precision (BenchResult *r) { return g_strdup (r->precision); }
static char *text_latency (BenchResult *r) { return bench_result_format_latency (r->latency.n > 0 ? r->latency.median : NAN); }
static char *text_throughput (BenchResult *r) { return format_rate (r->items_per_second); }
static char *text_gflops (BenchResult *r) { return format_rate (r->gflops); }

static double num_batch (BenchResult *r) { return r->batch_size; }
static double num_seq (BenchResult *r) { return r->seq_len; }
static double num_latency (BenchResult *r) { return r->latency.n > 0 ? r->latency.median : NAN; }
static double num_throughput (BenchResult *r) { return r->items_per_second; }
static double num_gflops (BenchResult *r) { return r->gflops; }
static double num_status (BenchResult *r) { return r->status; }

/* The status column's tooltip has the whole error; computed when asked,
 * as setting tooltips on every bound cell is slow. */
static gboolean
status_query_tooltip_cb (GtkWidget   *label,
                         int          x,
                         int          y,
                         gboolean     keyboard,
                         GtkTooltip  *tooltip,
                         GtkListItem *item)
{
  BenchResult *result = gtk_list_item_get_item (item);
  g_autofree char *text = NULL;

  if (result == NULL)
    return FALSE;
  text = bench_result_dup_status_text (result);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          gpointer                  numeric)
{
  /* GtkInscription: a cell that is cheap to measure, for long lists. */
  GtkWidget *label = gtk_inscription_new (NULL);

  gtk_inscription_set_xalign (GTK_INSCRIPTION (label), numeric ? 1.0 : 0.0);
  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (label), GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  gtk_inscription_set_min_chars (GTK_INSCRIPTION (label), numeric ? 6 : 8);
  gtk_inscription_set_nat_chars (GTK_INSCRIPTION (label), numeric ? 10 : 16);
  if (numeric)
    gtk_widget_add_css_class (label, "numeric");
  if (g_object_get_data (G_OBJECT (factory), "text-func") == (gpointer) bench_result_dup_status_text)
    {
      gtk_widget_set_has_tooltip (label, TRUE);
      g_signal_connect (label, "query-tooltip", G_CALLBACK (status_query_tooltip_cb), item);
    }
  gtk_list_item_set_child (item, label);
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *item,
         gpointer                  user_data)
{
  ResultText text_func = g_object_get_data (G_OBJECT (factory), "text-func");
  BenchResult *result = gtk_list_item_get_item (item);
  GtkWidget *label = gtk_list_item_get_child (item);
  g_autofree char *text = text_func (result);

  gtk_inscription_set_text (GTK_INSCRIPTION (label), text != NULL ? text : "");
  if (text_func == (ResultText) bench_result_dup_status_text)
    {
      gtk_widget_remove_css_class (label, "error");
      gtk_widget_remove_css_class (label, "success");
      gtk_widget_add_css_class (label, result->status == BENCH_RESULT_STATUS_OK ? "success" : "error");
    }
}

static int
compare_text (gconstpointer a,
              gconstpointer b,
              gpointer      user_data)
{
  ResultText text_func = user_data;
  g_autofree char *ta = text_func ((BenchResult *) a);
  g_autofree char *tb = text_func ((BenchResult *) b);

  return g_utf8_collate (ta != NULL ? ta : "", tb != NULL ? tb : "");
}

static int
compare_number (gconstpointer a,
                gconstpointer b,
                gpointer      user_data)
{
  ResultNumber num_func = user_data;
  double va = num_func ((BenchResult *) a);
  double vb = num_func ((BenchResult *) b);

  /* Not measured sorts last. */
  if (isnan (va) || isnan (vb))
    return isnan (va) - isnan (vb);
  return (va > vb) - (va < vb);
}

static void
add_column (GtkColumnView *view,
            const char    *title,
            ResultText     text_func,
            ResultNumber   num_func,
            gboolean       expand)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *column;
  GtkSorter *sorter;

  g_object_set_data (G_OBJECT (factory), "text-func", text_func);
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), GINT_TO_POINTER (num_func != NULL && num_func != num_status));
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), NULL);

  if (num_func != NULL)
    sorter = GTK_SORTER (gtk_custom_sorter_new (compare_number, num_func, NULL));
  else
    sorter = GTK_SORTER (gtk_custom_sorter_new (compare_text, text_func, NULL));

  column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_sorter (column, sorter);
  gtk_column_view_column_set_resizable (column, TRUE);
  gtk_column_view_column_set_expand (column, expand);
  gtk_column_view_append_column (view, column);
  g_object_unref (sorter);
  g_object_unref (column);
}

void
bench_result_columns_add (GtkColumnView *view)
{
  g_return_if_fail (GTK_IS_COLUMN_VIEW (view));

  add_column (view, _("Workload"), text_workload, NULL, TRUE);
  add_column (view, _("Device"), text_device, NULL, TRUE);
  add_column (view, _("Batch"), text_batch, num_batch, FALSE);
  add_column (view, _("Sequence"), text_seq, num_seq, FALSE);
  add_column (view, _("Precision"), text_precision, NULL, FALSE);
  add_column (view, _("Median Latency"), text_latency, num_latency, FALSE);
  add_column (view, _("Items/s"), text_throughput, num_throughput, FALSE);
  add_column (view, _("GFLOP/s"), text_gflops, num_gflops, FALSE);
  add_column (view, _("Status"), (ResultText) bench_result_dup_status_text, num_status, TRUE);
}
