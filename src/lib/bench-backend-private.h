/* bench-backend-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The contract between the library and its compiled-in backends.
 */
#pragma once

#include "bench-backend.h"
#include "bench-plan.h"
#include "bench-result.h"

G_BEGIN_DECLS

/*
 * BenchExecutable: a workload prepared on one device for one configuration
 * (buffers allocated, weights uploaded, kernels built). The runner calls
 * run() once per iteration from its worker thread; each call must return
 * only when the device has finished (synchronised), so that the runner's
 * host clock around it measures the iteration. Disposing releases every
 * device resource.
 */
#define BENCH_TYPE_EXECUTABLE (bench_executable_get_type ())

G_DECLARE_DERIVABLE_TYPE (BenchExecutable, bench_executable, BENCH, EXECUTABLE, GObject)

typedef struct
{
  gint64 device_ns;       /* device-timer duration, -1 when none */
  gint64 first_token_ns;  /* generation: time to the first token, -1 otherwise */
} BenchIteration;

typedef struct
{
  BenchValidation validation;
  double          max_abs_error;
  double          max_rel_error;
  double          tolerance;
} BenchValidationReport;

struct _BenchExecutableClass
{
  GObjectClass parent_class;

  /* One synchronised iteration. */
  gboolean (*run)      (BenchExecutable        *self,
                        BenchIteration         *iteration,
                        GError                **error);
  /* Compare the outputs of the last run() against a reference.
   * May be NULL: the result is then "not validated". */
  gboolean (*validate) (BenchExecutable        *self,
                        BenchValidationReport  *report,
                        GError                **error);
};

/* What one iteration does, set by the backend in prepare(). NAN/-1 unknown. */
typedef struct
{
  double flops;
  double bytes;
  double items;
  double tokens;
  gint64 weights_bytes;
  gint64 workspace_bytes;
  gint64 device_memory_bytes;
  char  *flops_breakdown_json;
  /* The result's params_json when the backend knows more than the config
   * (e.g. a model's validation scope), or NULL. */
  char  *params_json;
  /* Family and category of a workload the catalog does not know (a model
   * built from a config.json), or NULL. */
  char  *family;
  char  *category;
} BenchWork;

BenchWork *bench_executable_get_work (BenchExecutable        *self);
gboolean   bench_executable_run      (BenchExecutable        *self,
                                      BenchIteration         *iteration,
                                      GError                **error);
gboolean   bench_executable_validate (BenchExecutable        *self,
                                      BenchValidationReport  *report,
                                      GError                **error);

struct _BenchBackendClass
{
  GObjectClass parent_class;

  const char *name;   /* "cpu", "opencl", "vulkan": the prefix of device ids */

  /* Enumerate devices (BenchDevice, transfer full). No devices is not an
   * error: set the status message instead. Runs in a worker thread. */
  GPtrArray       *(*discover) (BenchBackend       *self,
                                GCancellable       *cancellable,
                                GError            **error);
  /* Build the workload for one configuration. Runs in the runner thread. */
  BenchExecutable *(*prepare)  (BenchBackend       *self,
                                BenchDevice        *device,
                                const BenchConfig  *config,
                                GCancellable       *cancellable,
                                GError            **error);
};

void             bench_backend_set_status_message (BenchBackend       *self,
                                                   const char         *message);
BenchExecutable *bench_backend_prepare            (BenchBackend       *self,
                                                   BenchDevice        *device,
                                                   const BenchConfig  *config,
                                                   GCancellable       *cancellable,
                                                   GError            **error);
void             _bench_device_set_backend        (BenchDevice        *device,
                                                   BenchBackend       *backend);

G_END_DECLS
