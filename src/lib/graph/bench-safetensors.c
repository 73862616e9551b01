/* bench-safetensors.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "bench-error.h"
#include "bench-graph-private.h"
#include "bench-safetensors.h"

/* A header larger than this is not a safetensors file we should trust. */
#define MAX_HEADER (100 * 1024 * 1024)

typedef enum
{
  DT_F32,
  DT_F16,
  DT_BF16,
  DT_F64,
  DT_OTHER,
} DType;

typedef struct
{
  char   *name;
  DType   dtype;
  char   *dtype_name;
  guint   n_dims;
  gint64  shape[8];
  gint64  numel;
  gsize   begin;   /* offsets into the data section */
  gsize   end;
} Info;

typedef struct
{
  GMappedFile *file;
  const guint8 *data;   /* start of the data section */
  gsize         data_size;
  GPtrArray    *infos;
} File;

static void
info_free (gpointer data)
{
  Info *info = data;

  g_free (info->name);
  g_free (info->dtype_name);
  g_free (info);
}

static void
file_clear (File *f)
{
  g_clear_pointer (&f->file, g_mapped_file_unref);
  g_clear_pointer (&f->infos, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (File, file_clear)

static gsize
dtype_size (DType dtype)
{
  switch (dtype)
    {
    case DT_F16:
    case DT_BF16:
      return 2;
    case DT_F64:
      return 8;
    case DT_F32:
    default:
      return 4;
    }
}

static gboolean
parse_entry (const char  *path,
             const char  *name,
             JsonNode    *node,
             gsize        data_size,
             Info       **out,
             GError     **error)
{
  g_autoptr(GPtrArray) owner = NULL;
  Info *info;
  JsonObject *obj;
  JsonArray *shape, *offsets;
  const char *dtype;
  gint64 begin, end;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    goto bad;
  obj = json_node_get_object (node);
  if (!json_object_has_member (obj, "dtype") || !json_object_has_member (obj, "shape") ||
      !json_object_has_member (obj, "data_offsets"))
    goto bad;
  if (!JSON_NODE_HOLDS_VALUE (json_object_get_member (obj, "dtype")) ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (obj, "shape")) ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (obj, "data_offsets")))
    goto bad;
  dtype = json_object_get_string_member (obj, "dtype");
  shape = json_object_get_array_member (obj, "shape");
  offsets = json_object_get_array_member (obj, "data_offsets");
  if (dtype == NULL || json_array_get_length (offsets) != 2 || json_array_get_length (shape) > 8)
    goto bad;

  info = g_new0 (Info, 1);
  owner = g_ptr_array_new_with_free_func (info_free);
  g_ptr_array_add (owner, info);
  info->name = g_strdup (name);
  info->dtype_name = g_strdup (dtype);
  info->dtype = g_str_equal (dtype, "F32") ? DT_F32 :
                g_str_equal (dtype, "F16") ? DT_F16 :
                g_str_equal (dtype, "BF16") ? DT_BF16 :
                g_str_equal (dtype, "F64") ? DT_F64 : DT_OTHER;
  info->n_dims = json_array_get_length (shape);
  info->numel = 1;
  for (guint i = 0; i < info->n_dims; i++)
    {
      gint64 d = json_array_get_int_element (shape, i);
      if (d < 0 || d > G_MAXINT32)
        goto bad;
      info->shape[i] = d;
      info->numel *= d;
    }
  begin = json_array_get_int_element (offsets, 0);
  end = json_array_get_int_element (offsets, 1);
  if (begin < 0 || end < begin || (guint64)end > data_size)
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_PARSE,
                   "%s: tensor “%s” has data offsets [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "] outside the %" G_GSIZE_FORMAT " bytes of data; the file is truncated or corrupt",
                   path, name, begin, end, data_size);
      return FALSE;
    }
  info->begin = begin;
  info->end = end;
  if (info->dtype != DT_OTHER && (guint64)(end - begin) != (guint64)info->numel * dtype_size (info->dtype))
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_PARSE,
                   "%s: tensor “%s” has %" G_GINT64_FORMAT " bytes of data for %" G_GINT64_FORMAT " %s elements",
                   path, name, end - begin, info->numel, dtype);
      return FALSE;
    }
  *out = g_ptr_array_steal_index (owner, 0);
  return TRUE;

bad:
  g_set_error (error, BENCH_ERROR, BENCH_ERROR_PARSE,
               "%s: header entry “%s” is malformed (expected dtype, shape and two data_offsets)",
               path, name);
  return FALSE;
}

static int
info_cmp (gconstpointer a,
          gconstpointer b)
{
  const Info *ia = *(const Info **)a, *ib = *(const Info **)b;
  return strcmp (ia->name, ib->name);
}

static gboolean
file_open (File        *f,
           const char  *path,
           GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  const guint8 *bytes;
  gsize size;
  guint64 header_len;
  JsonNode *root;
  JsonObject *obj;
  g_autoptr(GList) members = NULL;

  f->infos = g_ptr_array_new_with_free_func (info_free);
  f->file = g_mapped_file_new (path, FALSE, &local_error);
  if (f->file == NULL)
    {
      gboolean missing = g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT);

      g_set_error (error, BENCH_ERROR, missing ? BENCH_ERROR_NOT_FOUND : BENCH_ERROR_FAILED,
                   "Cannot open weights file %s: %s", path, local_error->message);
      return FALSE;
    }
  bytes = (const guint8 *)g_mapped_file_get_contents (f->file);
  size = g_mapped_file_get_length (f->file);
  if (size < 8)
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_PARSE,
                   "%s is not a safetensors file: %" G_GSIZE_FORMAT " bytes, too short for the header length",
                   path, size);
      return FALSE;
    }
  memcpy (&header_len, bytes, 8);
  header_len = GUINT64_FROM_LE (header_len);
  if (header_len < 2 || header_len > MAX_HEADER || header_len > size - 8)
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_PARSE,
                   "%s is not a valid safetensors file: header length %" G_GUINT64_FORMAT " does not fit its %" G_GSIZE_FORMAT " bytes",
                   path, header_len, size);
      return FALSE;
    }
  if (!json_parser_load_from_data (parser, (const char *)bytes + 8, header_len, &local_error))
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_PARSE,
                   "%s: the safetensors header is not valid JSON: %s", path, local_error->message);
      return FALSE;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, BENCH_ERROR, BENCH_ERROR_PARSE,
                   "%s: the safetensors header must be a JSON object", path);
      return FALSE;
    }
  f->data = bytes + 8 + header_len;
  f->data_size = size - 8 - header_len;

  obj = json_node_get_object (root);
  members = json_object_get_members (obj);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      Info *info = NULL;

      if (g_str_equal (name, "__metadata__"))
        continue;
      if (!parse_entry (path, name, json_object_get_member (obj, name), f->data_size, &info, error))
        return FALSE;
      g_ptr_array_add (f->infos, info);
    }
  g_ptr_array_sort (f->infos, info_cmp);
  return TRUE;
}

GStrv
bench_safetensors_list_names (const char  *path,
                              GError     **error)
{
  g_auto(File) f = { 0, };
  GStrvBuilder *builder;

  if (!file_open (&f, path, error))
    return NULL;
  builder = g_strv_builder_new ();
  for (guint i = 0; i < f.infos->len; i++)
    g_strv_builder_add (builder, ((Info *)g_ptr_array_index (f.infos, i))->name);
  {
    GStrv names = g_strv_builder_end (builder);
    g_strv_builder_unref (builder);
    return names;
  }
}

static const Info *
find_info (File        *f,
           const char  *path,
           const char  *name,
           GError     **error)
{
  g_autofree char *suffix = g_strconcat (".", name, NULL);
  const Info *found = NULL;

  for (guint i = 0; i < f->infos->len; i++)
    {
      const Info *info = g_ptr_array_index (f->infos, i);
      if (g_str_equal (info->name, name))
        return info;
    }
  for (guint i = 0; i < f->infos->len; i++)
    {
      const Info *info = g_ptr_array_index (f->infos, i);

      if (!g_str_has_suffix (info->name, suffix))
        continue;
      if (found != NULL)
        {
          g_set_error (error, BENCH_ERROR, BENCH_ERROR_PARSE,
                       "%s: tensor “%s” is ambiguous: both “%s” and “%s” match",
                       path, name, found->name, info->name);
          return NULL;
        }
      found = info;
    }
  if (found == NULL)
    g_set_error (error, BENCH_ERROR, BENCH_ERROR_NOT_FOUND,
                 "%s has no tensor “%s” (nor any ending in “%s”); is it a checkpoint of this architecture?",
                 path, name, suffix);
  return found;
}

static float
half_to_float (guint16 h)
{
  guint32 sign = (guint32)(h & 0x8000) << 16;
  guint32 exp = (h >> 10) & 0x1f;
  guint32 mant = h & 0x3ff;
  guint32 bits;
  float f;

  if (exp == 0)
    {
      if (mant == 0)
        bits = sign;
      else
        {
          /* subnormal: renormalise */
          exp = 127 - 15 + 1;
          while ((mant & 0x400) == 0)
            {
              mant <<= 1;
              exp--;
            }
          bits = sign | (exp << 23) | ((mant & 0x3ff) << 13);
        }
    }
  else if (exp == 0x1f)
    bits = sign | 0x7f800000 | (mant << 13);
  else
    bits = sign | ((exp + 127 - 15) << 23) | (mant << 13);
  memcpy (&f, &bits, 4);
  return f;
}

static float *
convert (const Info   *info,
         const guint8 *src)
{
  float *out = g_new (float, MAX (info->numel, 1));

  for (gint64 i = 0; i < info->numel; i++)
    {
      switch (info->dtype)
        {
        case DT_F32:
          {
            guint32 bits;
            memcpy (&bits, src + 4 * i, 4);
            bits = GUINT32_FROM_LE (bits);
            memcpy (&out[i], &bits, 4);
          }
          break;
        case DT_F16:
          {
            guint16 h;
            memcpy (&h, src + 2 * i, 2);
            out[i] = half_to_float (GUINT16_FROM_LE (h));
          }
          break;
        case DT_BF16:
          {
            guint16 h;
            guint32 bits;
            memcpy (&h, src + 2 * i, 2);
            bits = (guint32)GUINT16_FROM_LE (h) << 16;
            memcpy (&out[i], &bits, 4);
          }
          break;
        case DT_F64:
          {
            guint64 bits;
            double d;
            memcpy (&bits, src + 8 * i, 8);
            bits = GUINT64_FROM_LE (bits);
            memcpy (&d, &bits, 8);
            out[i] = (float)d;
          }
          break;
        case DT_OTHER:
        default:
          g_assert_not_reached ();
        }
    }
  return out;
}

BenchWeights *
bench_safetensors_load (const char  *path,
                        BenchGraph  *graph,
                        GError     **error)
{
  g_auto(File) f = { 0, };
  g_autoptr(BenchWeights) weights = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (graph != NULL, NULL);

  if (!file_open (&f, path, error))
    return NULL;

  weights = bench_weights_new ();
  for (guint i = 0; i < bench_graph_get_n_tensors (graph); i++)
    {
      const BenchTensor *t = bench_graph_get_tensor (graph, i);
      const Info *info;
      const guint8 *src;
      gboolean same;

      if (t->role != BENCH_TENSOR_WEIGHT || bench_weights_lookup (weights, t->name, NULL, NULL) != NULL)
        continue;
      info = find_info (&f, path, t->name, error);
      if (info == NULL)
        return NULL;

      same = info->n_dims == t->n_dims;
      for (guint d = 0; same && d < t->n_dims; d++)
        same = info->shape[d] == t->shape[d];
      if (!same)
        {
          g_autofree char *have = _bench_shape_to_string (info->n_dims, info->shape);
          g_autofree char *want = _bench_shape_to_string (t->n_dims, t->shape);

          g_set_error (error, BENCH_ERROR, BENCH_ERROR_INVALID_ARGUMENT,
                       "Tensor “%s” in %s has shape %s, but model %s expects %s for “%s”",
                       info->name, path, have, bench_graph_get_name (graph), want, t->name);
          return NULL;
        }
      if (info->dtype == DT_OTHER)
        {
          g_set_error (error, BENCH_ERROR, BENCH_ERROR_NOT_SUPPORTED,
                       "Tensor “%s” in %s has dtype %s; only F32, F16, BF16 and F64 weights can be loaded",
                       info->name, path, info->dtype_name);
          return NULL;
        }

      src = f.data + info->begin;
      if (info->dtype == DT_F32 && G_BYTE_ORDER == G_LITTLE_ENDIAN && ((guintptr)src % sizeof (float)) == 0)
        bench_weights_insert_view (weights, t->name, t->n_dims, t->shape, (const float *)(gconstpointer)src,
                                   g_mapped_file_ref (f.file), (GDestroyNotify)g_mapped_file_unref);
      else
        bench_weights_insert (weights, t->name, t->n_dims, t->shape, convert (info, src));
    }
  return g_steal_pointer (&weights);
}
