/* bench-graph-private.h: shared between the graph files, not installed API.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "bench-graph.h"

G_BEGIN_DECLS

/* "[768, 2304]" */
char *_bench_shape_to_string (guint         n_dims,
                              const gint64 *shape);

G_END_DECLS
