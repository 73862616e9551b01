/* bench-clblast-util.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <float.h>
#include <math.h>

#include <gio/gio.h>

#include "bench-clblast-util.h"

#include "bench-cpu-kernels.h"
#include "bench-harness-util.h"

gboolean
bench_clblast_pick_device (gint           index,
                           cl_device_id  *device,
                           char         **name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = bench_opencl_list_devices (&error);

  if (ids == NULL || ids->len == 0 || index < 0 || (guint) index >= ids->len)
    {
      g_printerr ("no OpenCL device %d%s%s\n", index,
                  error ? ": " : "", error ? error->message : "");
      return FALSE;
    }
  *device = g_array_index (ids, cl_device_id, index);
  *name = bench_opencl_device_string (*device, CL_DEVICE_NAME);
  return TRUE;
}

gboolean
bench_clblast_setup (BenchClblast  *peer,
                     cl_device_id   device,
                     gint64         n,
                     GError       **error)
{
  gsize bytes = (gsize) n * n * sizeof (float);
  cl_context context = bench_opencl_get_context (device, error);
  cl_int err = CL_SUCCESS;

  if (context == NULL)
    return FALSE;

  peer->n = n;
  peer->host_a = g_new (float, n * n);
  peer->host_b = g_new (float, n * n);
  bench_cpu_fill_uniform (peer->host_a, n * n, 1);
  bench_cpu_fill_uniform (peer->host_b, n * n, 2);
  peer->queue = clCreateCommandQueue (context, device, 0, &err);
  if (err == CL_SUCCESS)
    peer->a = clCreateBuffer (context, CL_MEM_READ_ONLY, bytes, NULL, &err);
  if (err == CL_SUCCESS)
    peer->b = clCreateBuffer (context, CL_MEM_READ_ONLY, bytes, NULL, &err);
  if (err == CL_SUCCESS)
    peer->c = clCreateBuffer (context, CL_MEM_READ_WRITE, bytes, NULL, &err);
  if (err == CL_SUCCESS)
    err = clEnqueueWriteBuffer (peer->queue, peer->a, CL_TRUE, 0, bytes, peer->host_a, 0, NULL, NULL);
  if (err == CL_SUCCESS)
    err = clEnqueueWriteBuffer (peer->queue, peer->b, CL_TRUE, 0, bytes, peer->host_b, 0, NULL, NULL);
  if (err != CL_SUCCESS)
    {
      bench_opencl_set_error (error, err, "the device", "setting up CLBlast's buffers");
      return FALSE;
    }

  return TRUE;
}

void
bench_clblast_clear (BenchClblast *peer)
{
  g_clear_pointer (&peer->a, clReleaseMemObject);
  g_clear_pointer (&peer->b, clReleaseMemObject);
  g_clear_pointer (&peer->c, clReleaseMemObject);
  g_clear_pointer (&peer->queue, clReleaseCommandQueue);
  g_clear_pointer (&peer->host_a, g_free);
  g_clear_pointer (&peer->host_b, g_free);
}

gboolean
bench_clblast_run (BenchClblast  *peer,
                   double        *seconds,
                   GError       **error)
{
  gint64 start = g_get_monotonic_time ();
  CLBlastStatusCode status;
  cl_int err;

  status = CLBlastSgemm (CLBlastLayoutRowMajor, CLBlastTransposeNo, CLBlastTransposeNo,
                         peer->n, peer->n, peer->n, 1.0f,
                         peer->a, 0, peer->n, peer->b, 0, peer->n, 0.0f,
                         peer->c, 0, peer->n, &peer->queue, NULL);
  if (status != CLBlastSuccess)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "CLBlastSgemm failed: status %d", status);
      return FALSE;
    }
  err = clFinish (peer->queue);
  if (err != CL_SUCCESS)
    {
      bench_opencl_set_error (error, err, "the device", "finishing CLBlastSgemm");
      return FALSE;
    }

  *seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  return TRUE;
}

gboolean
bench_clblast_alternate (BenchExecutable  *ours,
                         BenchClblast     *peer,
                         guint             n_calls,
                         GArray           *t_ours,
                         GArray           *t_device,
                         GArray           *t_peer,
                         GError          **error)
{
  for (guint i = 0; i < n_calls; i++)
    {
      double seconds, device_seconds;

      if (!bench_harness_time_run (ours, &seconds, &device_seconds, error))
        {
          g_prefix_error (error, "benchtop: ");
          return FALSE;
        }
      if (t_ours != NULL)
        g_array_append_val (t_ours, seconds);
      if (t_device != NULL && !isnan (device_seconds))
        g_array_append_val (t_device, device_seconds);
      if (peer == NULL)
        continue;
      if (!bench_clblast_run (peer, &seconds, error))
        {
          g_prefix_error (error, "clblast: ");
          return FALSE;
        }
      if (t_peer != NULL)
        g_array_append_val (t_peer, seconds);
    }
  return TRUE;
}

gboolean
bench_clblast_read_c (BenchClblast *peer,
                      float        *c)
{
  return clEnqueueReadBuffer (peer->queue, peer->c, CL_TRUE, 0,
                              peer->n * peer->n * sizeof (float), c, 0, NULL, NULL) == CL_SUCCESS;
}

gboolean
bench_clblast_check (BenchClblast *peer,
                     double       *max_rel)
{
  gint64 n = peer->n;
  g_autofree float *c = g_new (float, n * n);
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);

  if (!bench_clblast_read_c (peer, c))
    return FALSE;
  *max_rel = 0.0;
  for (guint s = 0; s < 256; s++)
    {
      gint64 i = g_rand_int_range (rand, 0, n), j = g_rand_int_range (rand, 0, n);
      double ref = 0.0, mag = 0.0;

      for (gint64 k = 0; k < n; k++)
        {
          double p = (double) peer->host_a[i * n + k] * peer->host_b[k * n + j];

          ref += p;
          mag += fabs (p);
        }
      *max_rel = MAX (*max_rel, fabs (c[i * n + j] - ref) / MAX (mag, DBL_MIN));
    }
  return *max_rel <= MAX (n, 16) * (double) FLT_EPSILON;
}
