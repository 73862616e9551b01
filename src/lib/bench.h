/* bench.h: the umbrella header of libbenchtop
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "bench-backend.h"
#include "bench-compare.h"
#include "bench-device.h"
#include "bench-error.h"
#include "bench-json.h"
#include "bench-plan.h"
#include "bench-registry.h"
#include "bench-result.h"
#include "bench-run.h"
#include "bench-runner.h"
#include "bench-stats.h"
#include "bench-store.h"
#include "bench-sysinfo.h"
#include "bench-workload.h"
