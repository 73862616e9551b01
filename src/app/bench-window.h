/* bench-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "bench-application.h"

G_BEGIN_DECLS

#define BENCH_TYPE_WINDOW (bench_window_get_type ())

G_DECLARE_FINAL_TYPE (BenchWindow, bench_window, BENCH, WINDOW, AdwApplicationWindow)

BenchWindow *bench_window_new          (BenchApplication *application);
/* TRUE while device discovery or the history listing is under way. */
gboolean     bench_window_get_busy     (BenchWindow      *self);
/* The name of the visible page: "run", "charts" or "history". */
const char  *bench_window_get_visible_view (BenchWindow  *self);

G_END_DECLS
