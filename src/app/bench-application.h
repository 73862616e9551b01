/* bench-application.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define BENCH_TYPE_APPLICATION (bench_application_get_type ())

G_DECLARE_FINAL_TYPE (BenchApplication, bench_application, BENCH, APPLICATION, AdwApplication)

BenchApplication *bench_application_new (void);

G_END_DECLS
