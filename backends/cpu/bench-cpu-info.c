/* bench-cpu-info.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE
#include "config.h"

#include <sched.h>
#include <string.h>
#include <sys/utsname.h>

#include <omp.h>
#include <oneapi/dnnl/dnnl.h>

#include "bench-error.h"
#include "bench-cpu-info.h"
#include "bench-cpu-kernels.h"

/* ISA extensions worth showing for ML kernels, in display order: x86 names
 * from the "flags" line, Arm names from the "Features" line. */
static const char * const relevant_isa[] = {
  "sse2", "sse4_1", "sse4_2", "avx", "f16c", "fma", "avx2", "avx_vnni",
  "avx512f", "avx512cd", "avx512dq", "avx512bw", "avx512vl", "avx512_vnni",
  "avx512_bf16", "avx512_fp16", "amx_tile", "amx_bf16", "amx_int8",
  "asimd", "asimdhp", "asimddp", "fphp", "bf16", "i8mm", "sve", "sve2",
};

typedef struct
{
  char       *model_name;
  char       *vendor;
  char      **flags;
  GHashTable *cores;    /* "package:core" set */
  GHashTable *sockets;  /* "package" set */
} CpuInfo;

static void
cpu_info_clear (CpuInfo *info)
{
  g_clear_pointer (&info->model_name, g_free);
  g_clear_pointer (&info->vendor, g_free);
  g_clear_pointer (&info->flags, g_strfreev);
  g_clear_pointer (&info->cores, g_hash_table_unref);
  g_clear_pointer (&info->sockets, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CpuInfo, cpu_info_clear)

static char *
read_trimmed (const char *path)
{
  char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return NULL;
  g_strstrip (contents);
  if (*contents == '\0')
    g_clear_pointer (&contents, g_free);
  return contents;
}

static void
parse_cpuinfo (CpuInfo *info)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *physical_id = NULL;

  info->cores = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  info->sockets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  if (!g_file_get_contents ("/proc/cpuinfo", &contents, NULL, NULL))
    return;

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *colon = strchr (lines[i], ':');
      g_autofree char *key = NULL;
      const char *value;

      if (colon == NULL)
        {
          /* A blank line ends one processor's block. */
          g_clear_pointer (&physical_id, g_free);
          continue;
        }
      key = g_strstrip (g_strndup (lines[i], colon - lines[i]));
      value = g_strstrip (colon + 1);

      if (info->model_name == NULL && g_str_equal (key, "model name") && *value)
        info->model_name = g_strdup (value);
      else if (info->vendor == NULL && g_str_equal (key, "vendor_id") && *value)
        info->vendor = g_strdup (value);
      else if (info->flags == NULL &&
               (g_str_equal (key, "flags") || g_str_equal (key, "Features")))
        info->flags = g_strsplit_set (value, " \t", -1);
      else if (g_str_equal (key, "physical id"))
        {
          g_free (physical_id);
          physical_id = g_strdup (value);
          g_hash_table_add (info->sockets, g_strdup (value));
        }
      else if (g_str_equal (key, "core id") && physical_id != NULL)
        g_hash_table_add (info->cores, g_strdup_printf ("%s:%s", physical_id, value));
    }
}

/* Fallback for kernels whose /proc/cpuinfo has no topology (Arm). */
static void
parse_sysfs_topology (CpuInfo *info)
{
  g_autoptr(GDir) dir = g_dir_open ("/sys/devices/system/cpu", 0, NULL);
  const char *name;

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *package_path = NULL;
      g_autofree char *core_path = NULL;
      g_autofree char *package = NULL;
      g_autofree char *core = NULL;

      if (!g_str_has_prefix (name, "cpu") || !g_ascii_isdigit (name[3]))
        continue;
      package_path = g_strdup_printf ("/sys/devices/system/cpu/%s/topology/physical_package_id", name);
      core_path = g_strdup_printf ("/sys/devices/system/cpu/%s/topology/core_id", name);
      package = read_trimmed (package_path);
      core = read_trimmed (core_path);
      if (package == NULL || core == NULL)
        continue;
      g_hash_table_add (info->sockets, g_strdup (package));
      g_hash_table_add (info->cores, g_strdup_printf ("%s:%s", package, core));
    }
}

/* A "Key:   123 kB" line of /proc/meminfo, in bytes. */
static gint64
read_meminfo (const char *key)
{
  g_autofree char *contents = NULL;
  g_autofree char *needle = g_strdup_printf ("\n%s:", key);
  const char *line;
  guint64 kib;

  if (!g_file_get_contents ("/proc/meminfo", &contents, NULL, NULL))
    return -1;
  if (g_str_has_prefix (contents, needle + 1))
    line = contents + strlen (needle + 1);
  else if ((line = strstr (contents, needle)) != NULL)
    line += strlen (needle);
  else
    return -1;
  kib = g_ascii_strtoull (line, NULL, 10);
  return kib > 0 ? (gint64) kib * 1024 : -1;
}

gint64
bench_cpu_info_available_memory (void)
{
  return read_meminfo ("MemAvailable");
}

int
bench_cpu_info_usable_threads (void)
{
  cpu_set_t set;

  CPU_ZERO (&set);
  if (sched_getaffinity (0, sizeof set, &set) == 0 && CPU_COUNT (&set) > 0)
    return CPU_COUNT (&set);
  return MAX (1, (int) g_get_num_processors ());
}

/* Sizes in sysfs read "32K" (KiB); a bare number is bytes. */
static gint64
parse_cache_size (const char *text)
{
  char *end = NULL;
  guint64 value = g_ascii_strtoull (text, &end, 10);

  if (end == text)
    return -1;
  switch (g_ascii_toupper (*end))
    {
    case 'K': return (gint64) value * 1024;
    case 'M': return (gint64) value * 1024 * 1024;
    case 'G': return (gint64) value * 1024 * 1024 * 1024;
    case '\0': return (gint64) value;
    default: return -1;
    }
}

static void
add_cache_properties (BenchDevice *device)
{
  /* Sizes per instance as seen by CPU 0; key by level and type. */
  for (guint i = 0; i < 16; i++)
    {
      g_autofree char *dir = g_strdup_printf ("/sys/devices/system/cpu/cpu0/cache/index%u", i);
      g_autofree char *level_path = g_build_filename (dir, "level", NULL);
      g_autofree char *type_path = g_build_filename (dir, "type", NULL);
      g_autofree char *size_path = g_build_filename (dir, "size", NULL);
      g_autofree char *level = read_trimmed (level_path);
      g_autofree char *type = read_trimmed (type_path);
      g_autofree char *size = read_trimmed (size_path);
      g_autofree char *pretty = NULL;
      const char *key = NULL;
      gint64 bytes;

      if (level == NULL)
        {
          if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
            break;
          continue;
        }
      if (type == NULL || size == NULL || (bytes = parse_cache_size (size)) <= 0)
        continue;

      if (g_str_equal (level, "1") && g_str_equal (type, "Data"))
        key = "cache_l1d";
      else if (g_str_equal (level, "2") && !g_str_equal (type, "Instruction"))
        key = "cache_l2";
      else if (g_str_equal (level, "3") && !g_str_equal (type, "Instruction"))
        key = "cache_l3";
      if (key == NULL)
        continue;

      pretty = bench_cpu_format_size (bytes);
      bench_device_set_property_value (device, key, pretty);
    }
}

static char *
relevant_isa_string (char **flags)
{
  g_autoptr(GString) isa = g_string_new (NULL);

  if (flags == NULL)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (relevant_isa); i++)
    if (g_strv_contains ((const char * const *) flags, relevant_isa[i]))
      {
        if (isa->len > 0)
          g_string_append_c (isa, ' ');
        g_string_append (isa, relevant_isa[i]);
      }
  if (isa->len == 0)
    return NULL;
  return g_string_free (g_steal_pointer (&isa), FALSE);
}

static const char *
dnnl_runtime_to_string (unsigned runtime)
{
  switch (runtime)
    {
    case DNNL_RUNTIME_SEQ: return "sequential";
    case DNNL_RUNTIME_OMP: return "OpenMP";
    case DNNL_RUNTIME_TBB: return "TBB";
    case DNNL_RUNTIME_THREADPOOL: return "threadpool";
    default: return NULL;
    }
}

char *
bench_cpu_info_fingerprint (const char *model_name,
                            gint64      physical_cores,
                            gint64      threads,
                            gint64      memory_bytes)
{
  g_autofree char *key = NULL;
  g_autofree char *digest = NULL;
  gint64 gib = memory_bytes > 0 ? (memory_bytes + (G_GINT64_CONSTANT (1) << 29)) >> 30 : -1;

  key = g_strdup_printf ("cpu|%s|%" G_GINT64_FORMAT "|%" G_GINT64_FORMAT "|%" G_GINT64_FORMAT,
                         model_name, physical_cores, threads, gib);
  digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, key, -1);
  return g_strndup (digest, 16);
}

BenchDevice *
bench_cpu_info_discover (GError **error)
{
  g_auto(CpuInfo) info = { 0 };
  g_autoptr(BenchDevice) device = NULL;
  g_autofree char *isa = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *onednn = NULL;
  g_autofree char *omp_threads = NULL;
  g_autofree char *name = NULL;
  g_autofree char *freq = NULL;
  g_autofree char *governor = NULL;
  const dnnl_version_t *version;
  struct utsname uts;
  gint64 cores, memory;
  int threads;

  parse_cpuinfo (&info);
  if (g_hash_table_size (info.cores) == 0)
    parse_sysfs_topology (&info);

  if (info.model_name != NULL)
    name = g_strdup (info.model_name);
  else if (uname (&uts) == 0)
    name = g_strdup_printf ("Unknown %s CPU", uts.machine);
  else
    name = g_strdup ("Unknown CPU");

  threads = bench_cpu_info_usable_threads ();
  cores = g_hash_table_size (info.cores) > 0 ? (gint64) g_hash_table_size (info.cores) : -1;
  memory = read_meminfo ("MemTotal");

  device = bench_device_new ("cpu", 0, name);
  bench_device_set_device_type (device, BENCH_DEVICE_TYPE_CPU);
  if (info.vendor != NULL)
    bench_device_set_vendor (device, info.vendor);
  bench_device_set_compute_units (device, cores);
  bench_device_set_threads (device, threads);
  bench_device_set_memory_bytes (device, memory);

  version = dnnl_version ();
  if (version != NULL)
    {
      onednn = g_strdup_printf ("%d.%d.%d", version->major, version->minor, version->patch);
      g_autofree char *driver = g_strdup_printf ("oneDNN %s", onednn);

      bench_device_set_driver (device, driver);
    }

  if ((isa = relevant_isa_string (info.flags)) != NULL)
    bench_device_set_property_value (device, "isa", isa);
  add_cache_properties (device);

  if ((freq = read_trimmed ("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq")) != NULL)
    {
      guint64 khz = g_ascii_strtoull (freq, NULL, 10);

      if (khz > 0)
        {
          g_autofree char *mhz = g_strdup_printf ("%" G_GUINT64_FORMAT, khz / 1000);
          bench_device_set_property_value (device, "frequency_max_mhz", mhz);
        }
    }
  if ((governor = read_trimmed ("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor")) != NULL)
    bench_device_set_property_value (device, "governor", governor);

  if (g_hash_table_size (info.sockets) > 0)
    {
      g_autofree char *sockets = g_strdup_printf ("%u", g_hash_table_size (info.sockets));
      bench_device_set_property_value (device, "sockets", sockets);
    }
  if (uname (&uts) == 0)
    bench_device_set_property_value (device, "kernel", uts.release);
  if (onednn != NULL)
    {
      const char *runtime = dnnl_runtime_to_string (version->cpu_runtime);

      bench_device_set_property_value (device, "onednn", onednn);
      if (runtime != NULL)
        bench_device_set_property_value (device, "onednn_runtime", runtime);
    }
  omp_threads = g_strdup_printf ("%d", omp_get_max_threads ());
  bench_device_set_property_value (device, "openmp_threads", omp_threads);

  fingerprint = bench_cpu_info_fingerprint (name, cores, threads, memory);
  bench_device_set_fingerprint (device, fingerprint);

  return g_steal_pointer (&device);
}
