/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-runner"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "augur-cost.h"
#include "augur-error.h"
#include "augur-file.h"
#include "augur-image-info.h"
#include "augur-label-report.h"
#include "augur-manifest.h"
#include "augur-rng.h"
#include "augur-runner.h"

G_DEFINE_QUARK (augur-runner-error-quark, augur_runner_error)

static const char *const format_names[] = {
  [AUGUR_IMAGE_FORMAT_PNG]  = "png",
  [AUGUR_IMAGE_FORMAT_JPEG] = "jpeg",
  [AUGUR_IMAGE_FORMAT_WEBP] = "webp",
};

const char *
augur_runner_format_name (AugurImageFormat format)
{
  g_return_val_if_fail ((guint) format < G_N_ELEMENTS (format_names), NULL);
  return format_names[format];
}

/* One output of one input. */
typedef struct
{
  guint        variant;
  guint64      seed;
  char        *output;  /* relative to the output folder, '/'-separated */
  AugurReplay *replay;  /* replays only: read from the manifest */
} Variant;

static void
variant_clear (gpointer data)
{
  Variant *v = data;

  g_free (v->output);
  g_clear_pointer (&v->replay, augur_replay_free);
}

/* One input and its variants: what a worker does in one go. */
typedef struct
{
  guint      seq;
  guint      root;
  char      *source;
  char      *path;
  GArray    *variants;  /* Variant */
  /* results */
  GPtrArray *lines;     /* char *, manifest lines, in variant order */
  GPtrArray *label_lines; /* JsonNode, each line's label numbers (with --labels) */
  GError    *error;
  gboolean   stopped;   /* not run: the run is stopping */
} Job;

static Job *
job_new (guint       root,
         const char *source,
         const char *path)
{
  Job *job = g_new0 (Job, 1);

  job->root = root;
  job->source = g_strdup (source);
  job->path = g_strdup (path);
  job->variants = g_array_new (FALSE, TRUE, sizeof (Variant));
  g_array_set_clear_func (job->variants, variant_clear);
  job->lines = g_ptr_array_new_with_free_func (g_free);
  job->label_lines = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  return job;
}

static void
job_free (Job *job)
{
  g_free (job->source);
  g_free (job->path);
  g_array_unref (job->variants);
  g_ptr_array_unref (job->lines);
  g_ptr_array_unref (job->label_lines);
  g_clear_error (&job->error);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Job, job_free)

/* A manifest line read (replays), or the error that refused it. */
typedef struct
{
  guint    lineno;
  guint    root;
  char    *source;
  Variant  variant;
  GError  *error;
} Line;

static void
line_free (Line *line)
{
  g_free (line->source);
  variant_clear (&line->variant);
  g_clear_error (&line->error);
  g_free (line);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Line, line_free)

struct _AugurRunner
{
  AugurRecipe         *recipe;      /* its seed is the run's seed */
  guint                variants;
  guint                threads;
  guint                shard_index; /* 0-based */
  guint                shard_count;
  gboolean             resume;
  AugurImageFormat     format;
  gboolean             keep_format; /* each output in its input's format */
  double               max_work;    /* the cost budget per input; 0: none */
  double               max_memory;
  /* Admission: the memory the inputs in flight may hold together. */
  GMutex               admit_lock;
  GCond                admit_cond;
  double               memory_budget;
  double               memory_used;
  guint                in_flight;
  guint                max_in_flight;
  int                  quality;
  char                *manifest;    /* as set, or NULL for the default */
  char                *manifest_default;
  gint64               max_pixels;
  AugurRunnerProgress  progress;
  AugurRunnerFailure   failure;
  gpointer             user_data;

  GPtrArray           *roots;       /* char *, the INPUT arguments as given */
  GPtrArray           *roots_abs;   /* char *, the folder of each root, absolute */
  GPtrArray           *inputs;      /* AugurRunnerInput, sorted */
  /* Blends: the folders of the reference pool (NULL: the input roots),
   * and the pool, built when a run with blends starts */
  GPtrArray           *reference_roots;
  AugurReferencePool  *pool;

  /* Replays */
  gboolean             replaying;
  char                *replay_path;
  FILE                *replay_file;
  guint                replay_lineno;
  guint                replay_lines;
  Line                *lookahead;
  GHashTable          *outputs_seen;

  /* Labels (borrowed), and during a run where they are written and counted */
  AugurLabelSource    *labels;
  AugurLabelSink      *label_sink;
  AugurLabelReport    *label_report;

  /* During a run */
  char                *output_dir;
  guint                cursor;
  GAsyncQueue         *results;
  gint                 stopping;    /* atomic: a worker found the disk full */
};

void
augur_runner_input_free (AugurRunnerInput *input)
{
  if (input == NULL)
    return;
  g_free (input->key);
  g_free (input->path);
  g_free (input->stem);
  g_clear_error (&input->error);
  g_free (input);
}

static AugurRunner *
runner_new (void)
{
  AugurRunner *runner = g_new0 (AugurRunner, 1);

  runner->variants = 1;
  runner->threads = MAX (g_get_num_processors (), 1);
  runner->shard_count = 1;
  runner->format = AUGUR_IMAGE_FORMAT_PNG;
  runner->keep_format = TRUE;
  runner->max_work = AUGUR_COST_DEFAULT_MAX_WORK;
  runner->max_memory = AUGUR_COST_DEFAULT_MAX_MEMORY;
  g_mutex_init (&runner->admit_lock);
  g_cond_init (&runner->admit_cond);
  runner->memory_budget = augur_runner_default_memory_budget ();
  runner->quality = AUGUR_RUNNER_DEFAULT_QUALITY;
  runner->max_pixels = AUGUR_DEFAULT_MAX_PIXELS;
  runner->roots = g_ptr_array_new_with_free_func (g_free);
  runner->roots_abs = g_ptr_array_new_with_free_func (g_free);
  runner->inputs = g_ptr_array_new_with_free_func ((GDestroyNotify) augur_runner_input_free);
  return runner;
}

/**
 * augur_runner_new:
 * @recipe: the recipe to apply (copied); its seed is the default seed
 */
AugurRunner *
augur_runner_new (const AugurRecipe *recipe)
{
  AugurRunner *runner;

  g_return_val_if_fail (recipe != NULL, NULL);

  runner = runner_new ();
  runner->recipe = augur_recipe_copy (recipe);
  return runner;
}

void
augur_runner_free (AugurRunner *runner)
{
  if (runner == NULL)
    return;
  g_clear_pointer (&runner->recipe, augur_recipe_free);
  g_clear_pointer (&runner->label_sink, augur_label_sink_free);
  g_clear_pointer (&runner->label_report, augur_label_report_free);
  g_free (runner->manifest);
  g_free (runner->manifest_default);
  g_ptr_array_unref (runner->roots);
  g_ptr_array_unref (runner->roots_abs);
  g_ptr_array_unref (runner->inputs);
  g_clear_pointer (&runner->reference_roots, g_ptr_array_unref);
  g_clear_pointer (&runner->pool, augur_reference_pool_unref);
  g_free (runner->replay_path);
  g_clear_pointer (&runner->replay_file, fclose);
  g_clear_pointer (&runner->lookahead, line_free);
  g_clear_pointer (&runner->outputs_seen, g_hash_table_unref);
  g_free (runner->output_dir);
  g_mutex_clear (&runner->admit_lock);
  g_cond_clear (&runner->admit_cond);
  g_free (runner);
}

void
augur_runner_set_seed (AugurRunner *runner,
                       guint64      seed)
{
  g_return_if_fail (!runner->replaying);
  runner->recipe->seed = seed & AUGUR_SEED_MASK;
}

void
augur_runner_set_variants (AugurRunner *runner,
                           guint        variants)
{
  g_return_if_fail (variants > 0);
  runner->variants = variants;
}

void
augur_runner_set_threads (AugurRunner *runner,
                          guint        threads)
{
  runner->threads = threads > 0 ? threads : MAX (g_get_num_processors (), 1);
}

/* @index is 1-based, as on the command line. */
void
augur_runner_set_shard (AugurRunner *runner,
                        guint        index,
                        guint        count)
{
  g_return_if_fail (count > 0 && index >= 1 && index <= count);
  runner->shard_index = index - 1;
  runner->shard_count = count;
  g_clear_pointer (&runner->manifest_default, g_free);
}

void
augur_runner_set_resume (AugurRunner *runner,
                         gboolean     resume)
{
  runner->resume = resume;
}

/**
 * augur_runner_set_format:
 *
 * Writes every output as @format. Without it, each output keeps its input's
 * format (JPEG stays JPEG, WebP stays WebP), and inputs in a format Augur
 * does not write (BMP, TIFF) become PNG.
 */
void
augur_runner_set_format (AugurRunner      *runner,
                         AugurImageFormat  format,
                         int               quality)
{
  g_return_if_fail (!runner->replaying);
  g_return_if_fail ((guint) format < G_N_ELEMENTS (format_names));
  runner->format = format;
  runner->keep_format = FALSE;
  runner->quality = CLAMP (quality, 1, 100);
}

/**
 * augur_runner_set_budget:
 * @max_work: the most work the recipe may cost one input (augur-cost.h);
 *   0 for no limit
 * @max_memory: the most memory, in bytes; 0 for no limit
 *
 * An input on which the recipe could cost more fails, with a message that
 * says what is over, before the recipe runs; the others are still written.
 */
void
augur_runner_set_budget (AugurRunner *runner,
                         double       max_work,
                         double       max_memory)
{
  runner->max_work = MAX (max_work, 0);
  runner->max_memory = MAX (max_memory, 0);
}

/**
 * augur_runner_default_memory_budget:
 *
 * Half of the machine's memory: what the inputs in flight may hold
 * together unless augur_runner_set_memory_budget() says otherwise.
 */
double
augur_runner_default_memory_budget (void)
{
  long pages = sysconf (_SC_PHYS_PAGES), page = sysconf (_SC_PAGESIZE);

  if (pages <= 0 || page <= 0)
    return 4.0 * 1024 * 1024 * 1024;
  return (double) pages * page / 2;
}

/**
 * augur_runner_set_memory_budget:
 * @bytes: what the inputs being processed at once may hold together (their
 *   cost's peak memory, augur-cost.h); 0 for no limit
 *
 * Workers take an input only when its memory fits beside the others in
 * flight, so that many large inputs queue instead of exhausting the
 * machine; an input larger than the whole budget runs alone.
 */
void
augur_runner_set_memory_budget (AugurRunner *runner,
                                double       bytes)
{
  runner->memory_budget = MAX (bytes, 0);
}

/* How many inputs were ever in flight at once (for tests). */
guint
augur_runner_get_max_in_flight (AugurRunner *runner)
{
  return runner->max_in_flight;
}

static void
admit (AugurRunner *runner,
       double       bytes)
{
  g_mutex_lock (&runner->admit_lock);
  while (runner->memory_budget > 0 && runner->in_flight > 0 &&
         runner->memory_used + bytes > runner->memory_budget)
    g_cond_wait (&runner->admit_cond, &runner->admit_lock);
  runner->memory_used += bytes;
  runner->in_flight++;
  runner->max_in_flight = MAX (runner->max_in_flight, runner->in_flight);
  g_mutex_unlock (&runner->admit_lock);
}

static void
release (AugurRunner *runner,
         double       bytes)
{
  g_mutex_lock (&runner->admit_lock);
  runner->memory_used -= bytes;
  runner->in_flight--;
  g_cond_broadcast (&runner->admit_cond);
  g_mutex_unlock (&runner->admit_lock);
}

/* An admitted input, released when it goes out of scope. */
typedef struct
{
  AugurRunner *runner;
  double       bytes;
} Admission;

static void
admission_clear (Admission *admission)
{
  if (admission->runner != NULL)
    release (admission->runner, admission->bytes);
  admission->runner = NULL;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Admission, admission_clear)

/* The most the recipe can cost an input of @info's size: either way round
 * (EXIF may turn it), four channels unless gray. */
static void
input_cost (AugurRunner          *runner,
            const AugurImageInfo *info,
            AugurCost            *cost)
{
  int channels = info->gray ? 1 : 4;
  AugurShape a = { (int) info->width, (int) info->height, channels };
  AugurShape b = { (int) info->height, (int) info->width, channels };
  AugurShape out;
  AugurCost other;

  augur_node_cost (runner->recipe->pipeline, &a, &out, cost);
  augur_node_cost (runner->recipe->pipeline, &b, &out, &other);
  cost->work = MAX (cost->work, other.work);
  cost->memory = MAX (cost->memory, other.memory);
}

/* The quality of JPEG and WebP outputs, whatever decides their format. */
void
augur_runner_set_quality (AugurRunner *runner,
                          int          quality)
{
  g_return_if_fail (!runner->replaying);
  runner->quality = CLAMP (quality, 1, 100);
}

/* The format the outputs of the input @key are written in. */
static AugurImageFormat
output_format (AugurRunner *runner,
               const char  *key)
{
  const char *dot = strrchr (key, '.');
  AugurImageFormat format;

  if (!runner->keep_format)
    return runner->format;
  if (dot != NULL && strchr (dot, '/') == NULL && augur_image_format_from_string (dot + 1, &format))
    return format;
  return AUGUR_IMAGE_FORMAT_PNG;
}

void
augur_runner_set_manifest (AugurRunner *runner,
                           const char  *path)
{
  g_free (runner->manifest);
  runner->manifest = g_strdup (path);
}

void
augur_runner_set_max_pixels (AugurRunner *runner,
                             gint64       max_pixels)
{
  runner->max_pixels = max_pixels > 0 ? max_pixels : AUGUR_DEFAULT_MAX_PIXELS;
}

static char *resolve_path (const char *path);

/**
 * augur_runner_set_references:
 * @dir: (nullable): the folder whose images blends draw from; NULL: the
 *   run's own inputs (all of them, whatever the shard)
 */
void
augur_runner_set_references (AugurRunner *runner,
                             const char  *dir)
{
  g_return_if_fail (!runner->replaying);

  g_clear_pointer (&runner->reference_roots, g_ptr_array_unref);
  if (dir)
    {
      runner->reference_roots = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (runner->reference_roots, resolve_path (dir));
    }
}

/**
 * augur_runner_reference_pool:
 * @paths: folders and files, as the inputs of a run
 *
 * The reference pool of the images under @paths: each keyed by its path
 * relative to its folder (as inputs are), in the inputs' sorted order (a
 * key seen under an earlier folder keeps its first file), decoded only
 * when a blend draws it.
 */
AugurReferencePool *
augur_runner_reference_pool (const char * const  *paths,
                             gint64               max_pixels,
                             GError             **error)
{
  g_autoptr(GPtrArray) found = augur_runner_collect_inputs (paths, NULL, error);
  AugurReferencePool *pool;

  if (found == NULL)
    {
      g_prefix_error (error, "reference images: ");
      return NULL;
    }
  pool = augur_reference_pool_new ();
  augur_reference_pool_set_max_pixels (pool, max_pixels);
  for (guint i = 0; i < found->len; i++)
    {
      AugurRunnerInput *input = found->pdata[i];

      if (input->error == NULL)
        augur_reference_pool_add_file (pool, input->key, input->path);
    }
  return pool;
}

/* A reference's labels: what the run's label source holds for its key
 * (its path relative to the input folder, which is the reference folder),
 * or none when it holds nothing for it. */
static AugurLabels *
read_reference_labels (const char  *key,
                       int          width,
                       int          height,
                       gpointer     user_data,
                       GError     **error)
{
  AugurLabelSource *source = user_data;

  if (!augur_label_source_has (source, key))
    return NULL;
  return augur_label_source_read (source, key, width, height, error);
}

/* Whether the pool is the run's inputs (no other reference folder), whose
 * labels the label source holds. A reference folder of its own has none
 * there: the source's entry for the same relative path is another image's. */
static gboolean
references_are_inputs (AugurRunner *runner)
{
  GPtrArray *refs = runner->reference_roots;

  if (refs == NULL)
    return TRUE;
  if (refs->len != runner->roots_abs->len)
    return FALSE;
  for (guint i = 0; i < refs->len; i++)
    {
      g_autofree char *a = resolve_path (refs->pdata[i]);
      g_autofree char *b = resolve_path (runner->roots_abs->pdata[i]);

      if (!g_str_equal (a, b))
        return FALSE;
    }
  return TRUE;
}

/* The pool of a run whose recipe has blends: the reference folder, or all
 * the inputs (whatever the shard, so that every shard draws alike). An
 * empty pool stops the run before any output is written. */
static gboolean
build_pool (AugurRunner  *runner,
            GError      **error)
{
  GPtrArray *roots = runner->reference_roots ? runner->reference_roots : runner->roots_abs;
  g_autoptr(GPtrArray) paths = g_ptr_array_new ();

  if (runner->pool || !augur_node_has_blends (runner->recipe->pipeline))
    return TRUE;

  for (guint i = 0; i < roots->len; i++)
    g_ptr_array_add (paths, roots->pdata[i]);
  g_ptr_array_add (paths, NULL);
  runner->pool = augur_runner_reference_pool ((const char * const *) paths->pdata, runner->max_pixels, error);
  if (runner->pool == NULL)
    return FALSE;
  if (!augur_node_check_references (runner->recipe->pipeline, runner->pool, error))
    {
      g_autofree char *where = g_strjoinv (", ", (char **) paths->pdata);

      g_prefix_error (error, "no reference images in %s: ", where);
      return FALSE;
    }
  if (runner->labels && references_are_inputs (runner))
    augur_reference_pool_set_label_reader (runner->pool, read_reference_labels, runner->labels);
  return TRUE;
}

void
augur_runner_set_callbacks (AugurRunner         *runner,
                            AugurRunnerProgress  progress,
                            AugurRunnerFailure   failure,
                            gpointer             user_data)
{
  runner->progress = progress;
  runner->failure = failure;
  runner->user_data = user_data;
}

/**
 * augur_runner_set_labels:
 * @labels: (nullable): the inputs' labels; must outlive the runs
 *
 * Carries each input's labels through its outputs' steps, writes them in
 * their format beside the outputs, adds each output's label numbers to its
 * manifest line, and ends the manifest with the run's annotation-loss
 * report (augur-label-report.h). An input whose labels cannot be read
 * fails, with the label file's error. Blends that show other images
 * bring in those images' labels from the same source (none for an image
 * it has nothing for: the report counts them). A replay with labels
 * writes the label files the run it replays wrote.
 */
void
augur_runner_set_labels (AugurRunner      *runner,
                         AugurLabelSource *labels)
{
  runner->labels = labels;
}

/**
 * augur_runner_get_label_report:
 *
 * Returns: (nullable): the annotation-loss report of the last run with
 *   labels
 */
const AugurLabelReport *
augur_runner_get_label_report (AugurRunner *runner)
{
  return runner->label_report;
}

/* Inputs -------------------------------------------------------------------------- */

static const char *const image_extensions[] = {
  "png", "jpg", "jpeg", "webp", "tif", "tiff", "bmp",
};

/* Whether a file found in an input folder counts as an input, by its
 * extension. Its content is checked by magic bytes when it is read. */
gboolean
augur_runner_is_image_name (const char *name)
{
  const char *dot = strrchr (name, '.');

  if (dot == NULL || dot == name)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (image_extensions); i++)
    if (g_ascii_strcasecmp (dot + 1, image_extensions[i]) == 0)
      return TRUE;
  return FALSE;
}

/* The key without the extension of its last component. */
static char *
stem_of (const char *key)
{
  const char *slash = strrchr (key, '/');
  const char *base = slash ? slash + 1 : key;
  const char *dot = strrchr (base, '.');

  if (dot == NULL || dot == base)
    return g_strdup (key);
  return g_strndup (key, (gsize) (dot - key));
}

/**
 * augur_runner_output_name:
 *
 * Returns: `STEM_VARIANT.EXT`, the output of one variant of one input,
 *   relative to the output folder
 */
char *
augur_runner_output_name (const char       *stem,
                          guint             variant,
                          AugurImageFormat  format)
{
  return g_strdup_printf ("%s_%u.%s", stem, variant, augur_image_format_extension (format));
}

static AugurRunnerInput *
input_new (guint       root,
           const char *key,
           const char *path)
{
  AugurRunnerInput *input = g_new0 (AugurRunnerInput, 1);

  input->root = root;
  input->key = g_strdup (key);
  input->path = g_strdup (path);
  input->stem = stem_of (key);
  if (!g_utf8_validate (key, -1, NULL))
    {
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (&input->error, AUGUR_RUNNER_ERROR, AUGUR_RUNNER_ERROR_FAILED,
                   "%s: the file name is not UTF-8, which the manifest cannot record", display);
    }
  return input;
}

/* An entry that cannot be read as an input: reported, in its place in the
 * order, as a failed input, so that nothing is skipped in silence. */
static void
add_skipped (GPtrArray  *inputs,
             guint       root,
             const char *key,
             const char *path,
             const char *why)
{
  AugurRunnerInput *input = input_new (root, key, path);
  g_autofree char *display = g_filename_display_name (path);

  g_clear_error (&input->error);
  g_set_error (&input->error, AUGUR_RUNNER_ERROR, AUGUR_RUNNER_ERROR_FAILED,
               "%s: skipped: %s", display, why);
  g_ptr_array_add (inputs, input);
}

static const char *
file_kind (mode_t mode)
{
  if (S_ISFIFO (mode))
    return "not a regular file (a FIFO)";
  if (S_ISCHR (mode) || S_ISBLK (mode))
    return "not a regular file (a device)";
  if (S_ISSOCK (mode))
    return "not a regular file (a socket)";
  return "not a regular file";
}

/* Hidden entries (".git", ".cache", our own ".NAME.part") are skipped, and
 * files without an image extension; symbolic links to files are followed,
 * to folders not (no loops). Anything else that is not read is reported
 * as a failed input: a folder that cannot be read (it fails alone, the
 * rest of the walk goes on), a link that leads nowhere or to a folder, an
 * image name on a FIFO or a device. */
static void
walk (const char  *dir_path,
      const char  *prefix,
      guint        root,
      GPtrArray   *inputs,
      guint        depth)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *name;

  if (depth > 256)
    {
      add_skipped (inputs, root, prefix, dir_path, "folders nested too deeply");
      return;
    }

  dir = g_dir_open (dir_path, 0, &local_error);
  if (dir == NULL)
    {
      g_autofree char *why = g_strdup_printf ("the folder cannot be read (%s)", local_error->message);

      add_skipped (inputs, root, *prefix ? prefix : ".", dir_path, why);
      return;
    }

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *full = NULL;
      g_autofree char *key = NULL;
      gboolean image_name = augur_runner_is_image_name (name);
      GStatBuf st;

      if (name[0] == '.')
        continue;

      full = g_build_filename (dir_path, name, NULL);
      key = *prefix ? g_strconcat (prefix, "/", name, NULL) : g_strdup (name);

      if (g_lstat (full, &st) != 0)
        {
          add_skipped (inputs, root, key, full, g_strerror (errno));
          continue;
        }

      if (S_ISDIR (st.st_mode))
        {
          walk (full, key, root, inputs, depth + 1);
          continue;
        }

      if (S_ISLNK (st.st_mode))
        {
          if (g_stat (full, &st) != 0)
            {
              int saved_errno = errno;

              if (image_name)
                add_skipped (inputs, root, key, full,
                             saved_errno == ELOOP ? "a symbolic link loop"
                             : saved_errno == ENOENT ? "a dangling symbolic link"
                             : g_strerror (saved_errno));
              continue;
            }
          if (S_ISDIR (st.st_mode))
            {
              add_skipped (inputs, root, key, full, "a symbolic link to a folder, not followed");
              continue;
            }
        }

      if (!image_name)
        continue;
      if (S_ISREG (st.st_mode))
        g_ptr_array_add (inputs, input_new (root, key, full));
      else
        add_skipped (inputs, root, key, full, file_kind (st.st_mode));
    }
}

static int
compare_inputs (gconstpointer a,
                gconstpointer b)
{
  const AugurRunnerInput *x = *(AugurRunnerInput *const *) a;
  const AugurRunnerInput *y = *(AugurRunnerInput *const *) b;

  return strcmp (x->key, y->key);
}

/**
 * augur_runner_collect_inputs:
 * @paths: files and folders
 * @roots: (out) (optional): for each path, the absolute folder its keys
 *   are relative to (a folder given: itself; a file: its folder)
 *
 * Lists the inputs under @paths: files given directly whatever their name,
 * and in folders (recursively) the files with an image extension. The
 * order is that of @paths, then of the keys, bytewise.
 *
 * Returns: (transfer full): AugurRunnerInput
 */
GPtrArray *
augur_runner_collect_inputs (const char * const  *paths,
                             GPtrArray          **roots,
                             GError             **error)
{
  g_autoptr(GPtrArray) inputs = g_ptr_array_new_with_free_func ((GDestroyNotify) augur_runner_input_free);
  g_autoptr(GPtrArray) abs_roots = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; paths[i]; i++)
    {
      const char *path = paths[i];
      g_autofree char *absolute = g_canonicalize_filename (path, NULL);
      GStatBuf st;

      if (g_stat (path, &st) != 0)
        {
          augur_file_set_errno_error (error, errno, path, NULL);
          return NULL;
        }

      if (S_ISDIR (st.st_mode))
        {
          guint start = inputs->len;

          walk (path, "", i, inputs, 0);
          /* An empty folder leaves the array's data NULL: no pointer to sort. */
          if (inputs->len > start)
            qsort (inputs->pdata + start, inputs->len - start, sizeof (gpointer), compare_inputs);
          g_ptr_array_add (abs_roots, g_steal_pointer (&absolute));
        }
      else if (S_ISREG (st.st_mode))
        {
          g_autofree char *base = g_path_get_basename (absolute);

          g_ptr_array_add (inputs, input_new (i, base, path));
          g_ptr_array_add (abs_roots, g_path_get_dirname (absolute));
        }
      else
        {
          g_autofree char *display = g_filename_display_name (path);

          g_set_error (error, AUGUR_RUNNER_ERROR, AUGUR_RUNNER_ERROR_FAILED,
                       "%s: not a file or a folder", display);
          return NULL;
        }
    }

  if (roots)
    *roots = g_steal_pointer (&abs_roots);
  return g_steal_pointer (&inputs);
}

/**
 * augur_runner_add_inputs:
 *
 * Adds the inputs found under @paths (see augur_runner_collect_inputs()).
 * May be called once.
 */
gboolean
augur_runner_add_inputs (AugurRunner        *runner,
                         const char * const *paths,
                         GError            **error)
{
  g_autoptr(GPtrArray) roots = NULL;
  g_autoptr(GPtrArray) inputs = NULL;

  g_return_val_if_fail (!runner->replaying, FALSE);
  g_return_val_if_fail (runner->roots->len == 0, FALSE);

  inputs = augur_runner_collect_inputs (paths, &roots, error);
  if (inputs == NULL)
    return FALSE;

  for (guint i = 0; i < roots->len; i++)
    {
      if (!g_utf8_validate (roots->pdata[i], -1, NULL))
        {
          g_autofree char *display = g_filename_display_name (roots->pdata[i]);

          g_set_error (error, AUGUR_RUNNER_ERROR, AUGUR_RUNNER_ERROR_FAILED,
                       "%s: the path is not UTF-8, which the manifest cannot record", display);
          return FALSE;
        }
      g_ptr_array_add (runner->roots, g_strdup (paths[i]));
      g_ptr_array_add (runner->roots_abs, g_strdup (roots->pdata[i]));
    }
  g_ptr_array_extend_and_steal (runner->inputs, g_steal_pointer (&inputs));
  return TRUE;
}

/* Two inputs must not share an output name (a.png and a.jpg, or the same
 * relative path under two roots). */
static gboolean
check_collisions (AugurRunner  *runner,
                  GError      **error)
{
  g_autoptr(GHashTable) stems = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < runner->inputs->len; i++)
    {
      AugurRunnerInput *input = runner->inputs->pdata[i];
      AugurRunnerInput *other = g_hash_table_lookup (stems, input->stem);

      if (input->error != NULL)
        continue;   /* writes nothing */
      if (other != NULL)
        {
          g_autofree char *name = augur_runner_output_name (input->stem, 0, output_format (runner, input->key));
          g_autofree char *a = g_filename_display_name (other->path);
          g_autofree char *b = g_filename_display_name (input->path);

          g_set_error (error, AUGUR_RUNNER_ERROR, AUGUR_RUNNER_ERROR_COLLISION,
                       "%s and %s would both be written as %s (and its other variants); "
                       "rename one, or run them separately", a, b, name);
          return FALSE;
        }
      g_hash_table_insert (stems, input->stem, input);
    }
  return TRUE;
}

/* Folders: output and inputs may not overlap --------------------------------------- */

/* An absolute path with symbolic links resolved, for a path that may not
 * exist yet: its longest existing ancestor is resolved. */
static char *
resolve_path (const char *path)
{
  g_autofree char *absolute = g_canonicalize_filename (path, NULL);
  g_autofree char *parent = NULL;
  g_autofree char *base = NULL;
  g_autofree char *resolved_parent = NULL;
  char *resolved = realpath (absolute, NULL);

  if (resolved != NULL)
    {
      char *copy = g_strdup (resolved);

      free (resolved);
      return copy;
    }

  parent = g_path_get_dirname (absolute);
  if (g_str_equal (parent, absolute))
    return g_steal_pointer (&absolute);

  base = g_path_get_basename (absolute);
  resolved_parent = resolve_path (parent);
  return g_build_filename (resolved_parent, base, NULL);
}

/* Whether @path is @folder or inside it. */
static gboolean
is_within (const char *path,
           const char *folder)
{
  gsize n = strlen (folder);

  if (g_str_equal (folder, "/"))
    return TRUE;
  return strncmp (path, folder, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/**
 * augur_runner_check_overlap:
 * @roots: the inputs, files or folders
 *
 * Refuses an output folder that is an input folder or inside one, and an
 * input (file or folder) inside the output folder: a run never writes
 * among its inputs.
 */
gboolean
augur_runner_check_overlap (const char * const  *roots,
                            guint                n_roots,
                            const char          *output_dir,
                            GError             **error)
{
  g_autofree char *out = resolve_path (output_dir);

  for (guint i = 0; i < n_roots; i++)
    {
      g_autofree char *root = resolve_path (roots[i]);
      g_autofree char *display_root = g_filename_display_name (roots[i]);
      g_autofree char *display_out = g_filename_display_name (output_dir);
      gboolean is_dir = g_file_test (root, G_FILE_TEST_IS_DIR);

      if (is_dir && is_within (out, root))
        {
          g_set_error (error, AUGUR_RUNNER_ERROR, AUGUR_RUNNER_ERROR_OVERLAP,
                       g_str_equal (out, root)
                       ? "the output folder %s is the input folder %s; choose a folder outside the inputs"
                       : "the output folder %s is inside the input folder %s; choose a folder outside the inputs",
                       display_out, display_root);
          return FALSE;
        }
      if (is_within (root, out))
        {
          g_set_error (error, AUGUR_RUNNER_ERROR, AUGUR_RUNNER_ERROR_OVERLAP,
                       "the input %s is inside the output folder %s; choose a folder outside the inputs",
                       display_root, display_out);
          return FALSE;
        }
    }
  return TRUE;
}

/* Manifests ------------------------------------------------------------------------ */

/**
 * augur_runner_get_manifest_path:
 *
 * The manifest set with augur_runner_set_manifest(), or by default
 * `OUTDIR/manifest.jsonl`, and for a shard `OUTDIR/manifest.shard-I-of-N.jsonl`
 * (shards often share one output folder; each writes its own manifest).
 */
const char *
augur_runner_get_manifest_path (AugurRunner *runner,
                                const char  *output_dir)
{
  g_autofree char *name = NULL;

  if (runner->manifest)
    return runner->manifest;

  if (runner->shard_count > 1)
    name = g_strdup_printf ("manifest.shard-%u-of-%u.jsonl", runner->shard_index + 1, runner->shard_count);
  else
    name = g_strdup (AUGUR_MANIFEST_DEFAULT_NAME);

  g_free (runner->manifest_default);
  runner->manifest_default = g_build_filename (output_dir, name, NULL);
  return runner->manifest_default;
}

/* The path of @target relative to the folder @from, both resolved: "." for
 * the folder itself, with ".." components where @target lies elsewhere;
 * @target itself when the two share no folder but the root. */
static char *
relative_path (const char *from,
               const char *target)
{
  g_auto(GStrv) a = g_strsplit (from, "/", -1);
  g_auto(GStrv) b = g_strsplit (target, "/", -1);
  g_autoptr(GString) rel = g_string_new (NULL);
  guint common = 0;

  while (a[common] && b[common] && g_str_equal (a[common], b[common]))
    common++;
  /* Both start with the empty component before the first '/'. */
  if (common < 2)
    return g_strdup (target);
  for (guint i = common; a[i]; i++)
    if (*a[i] != '\0')
      g_string_append (rel, rel->len ? "/.." : "..");
  for (guint i = common; b[i]; i++)
    if (*b[i] != '\0')
      {
        if (rel->len)
          g_string_append_c (rel, '/');
        g_string_append (rel, b[i]);
      }
  if (rel->len == 0)
    g_string_append_c (rel, '.');
  return g_string_free (g_steal_pointer (&rel), FALSE);
}

/* The first line: the same for every shard of one run but for "shard",
 * which `manifest merge` checks and drops. The recipe is written with the
 * seed the run used; the input folders relative to the manifest's folder,
 * so that a dataset moved as a whole (inputs, outputs and manifest) still
 * replays. */
static char *
manifest_header (AugurRunner *runner,
                 const char  *manifest_dir)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *from = resolve_path (manifest_dir);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "manifest");
  json_builder_add_string_value (builder, AUGUR_MANIFEST_FORMAT);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, AUGUR_MANIFEST_VERSION);
  json_builder_set_member_name (builder, "recipe");
  json_builder_add_value (builder, augur_recipe_to_json (runner->recipe));
  json_builder_set_member_name (builder, "format");
  /* "input": each output in its input's format */
  json_builder_add_string_value (builder, runner->keep_format ? "input" : format_names[runner->format]);
  json_builder_set_member_name (builder, "quality");
  json_builder_add_int_value (builder, runner->quality);
  json_builder_set_member_name (builder, "inputs");
  json_builder_begin_array (builder);
  for (guint i = 0; i < runner->roots_abs->len; i++)
    {
      g_autofree char *target = resolve_path (runner->roots_abs->pdata[i]);
      g_autofree char *rel = relative_path (from, target);

      json_builder_add_string_value (builder, rel);
    }
  json_builder_end_array (builder);
  /* The reference folders, so that --replay finds the same pool; only
   * for recipes with blends, whose replays name references. */
  if (augur_node_has_blends (runner->recipe->pipeline))
    {
      GPtrArray *roots = runner->reference_roots ? runner->reference_roots : runner->roots_abs;

      json_builder_set_member_name (builder, "references");
      json_builder_begin_array (builder);
      for (guint i = 0; i < roots->len; i++)
        {
          g_autofree char *target = resolve_path (roots->pdata[i]);
          g_autofree char *rel = relative_path (from, target);

          json_builder_add_string_value (builder, rel);
        }
      json_builder_end_array (builder);
    }
  if (runner->shard_count > 1)
    {
      json_builder_set_member_name (builder, "shard");
      json_builder_begin_array (builder);
      json_builder_add_int_value (builder, runner->shard_index + 1);
      json_builder_add_int_value (builder, runner->shard_count);
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return augur_json_to_string (root, FALSE);
}

/* The run record --------------------------------------------------------------------- */

/* What makes two runs the same run: written (atomically) beside the
 * manifest when a run starts, so that a run killed before its manifest
 * exists can still be resumed, and a --resume of anything else refused. */
static JsonNode *
run_record (AugurRunner *runner)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "run");
  json_builder_add_string_value (builder, AUGUR_MANIFEST_FORMAT);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, AUGUR_MANIFEST_VERSION);
  json_builder_set_member_name (builder, "seed");
  json_builder_add_int_value (builder, (gint64) runner->recipe->seed);
  json_builder_set_member_name (builder, "recipe");
  json_builder_add_value (builder, augur_recipe_to_json (runner->recipe));
  json_builder_set_member_name (builder, "inputs");
  json_builder_begin_array (builder);
  for (guint i = 0; i < runner->roots_abs->len; i++)
    json_builder_add_string_value (builder, runner->roots_abs->pdata[i]);
  json_builder_end_array (builder);
  if (runner->reference_roots)
    {
      json_builder_set_member_name (builder, "references");
      json_builder_add_string_value (builder, runner->reference_roots->pdata[0]);
    }
  json_builder_set_member_name (builder, "format");
  json_builder_add_string_value (builder, runner->keep_format ? "input" : format_names[runner->format]);
  json_builder_set_member_name (builder, "quality");
  json_builder_add_int_value (builder, runner->quality);
  json_builder_set_member_name (builder, "variants");
  json_builder_add_int_value (builder, runner->variants);
  json_builder_set_member_name (builder, "shard");
  {
    g_autofree char *shard = g_strdup_printf ("%u/%u", runner->shard_index + 1, runner->shard_count);

    json_builder_add_string_value (builder, shard);
  }
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* The run record of another manifest in @manifest's folder (another
 * shard's), or NULL. */
static char *
sibling_record (const char *manifest)
{
  g_autofree char *dir_path = g_path_get_dirname (manifest);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (name[0] == '.' && g_str_has_suffix (name, ".run"))
      return g_build_filename (dir_path, name, NULL);
  return NULL;
}

/* The first member of @now whose value differs in @then (or is missing
 * there): NULL when every member of @now is the same. */
static const char *
first_difference (JsonObject  *then,
                  JsonObject  *now,
                  char       **was,
                  char       **is)
{
  g_autoptr(GList) members = json_object_get_members (now);

  for (GList *l = members; l; l = l->next)
    {
      JsonNode *a = json_object_get_member (then, l->data);
      JsonNode *b = json_object_get_member (now, l->data);
      g_autofree char *ta = a ? augur_json_to_string (a, FALSE) : g_strdup ("(none)");
      g_autofree char *tb = augur_json_to_string (b, FALSE);

      if (!g_str_equal (ta, tb))
        {
          *was = g_steal_pointer (&ta);
          *is = g_steal_pointer (&tb);
          return l->data;
        }
    }
  return NULL;
}

/* Whether @path holds a file that is not hidden, in it or below: an
 * output. A run killed before it wrote its record leaves at most hidden
 * temporaries. */
static gboolean
holds_outputs (const char *path,
               guint       depth)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (name[0] == '.')
        continue;
      if (!g_file_test (child, G_FILE_TEST_IS_DIR) || g_file_test (child, G_FILE_TEST_IS_SYMLINK) ||
          depth >= 256 || holds_outputs (child, depth + 1))
        return TRUE;
    }
  return FALSE;
}

/* --resume: the run that wrote @manifest's folder must be this one, as
 * its run record says (or, for a folder written before records existed,
 * its manifest's header); a folder with neither is refused unless empty. */
static gboolean
check_resume (const char   *output_dir,
              const char   *manifest,
              JsonNode     *record,
              GError      **error)
{
  g_autofree char *record_file = augur_file_hidden_sibling (manifest, "run");
  g_autofree char *sibling = NULL;
  g_autofree char *text = NULL;
  g_autofree char *was = NULL;
  g_autofree char *is = NULL;
  g_autoptr(JsonNode) then = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonObject) now = json_object_ref (json_node_get_object (record));
  g_autofree char *display = g_filename_display_name (output_dir);
  const char *source = record_file;
  const char *member;
  gsize len;

  if (!g_file_get_contents (record_file, &text, &len, &local_error))
    {
      if (!g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      g_clear_error (&local_error);
      sibling = sibling_record (manifest);
      if (sibling != NULL && g_file_get_contents (sibling, &text, &len, NULL))
        {
          /* Another shard of the run wrote here first. */
          source = sibling;
          json_object_remove_member (now, "shard");
        }
      else if (g_file_get_contents (manifest, &text, &len, NULL))
        {
          /* The header line of a finished run written without a record. */
          char *end = memchr (text, '\n', len);

          len = end ? (gsize) (end - text) : len;
          source = manifest;
          json_object_remove_member (now, "run");
          json_object_remove_member (now, "seed");
          json_object_remove_member (now, "variants");
          json_object_remove_member (now, "shard");
        }
      else
        {
          if (!holds_outputs (output_dir, 0))
            return TRUE;   /* nothing written yet (temporaries at most): nothing to mix */
          g_set_error (error, AUGUR_RUNNER_ERROR, AUGUR_RUNNER_ERROR_RESUME,
                       "--resume: nothing records which run wrote %s (no run record, no manifest); "
                       "run without --resume, or into another folder", display);
          return FALSE;
        }
    }

  then = augur_json_parse_limited (text, (gssize) len, AUGUR_MANIFEST_MAX_LINE, 64, &local_error);
  if (then == NULL || !JSON_NODE_HOLDS_OBJECT (then))
    {
      g_autofree char *where = g_filename_display_name (source);

      g_set_error (error, AUGUR_RUNNER_ERROR, AUGUR_RUNNER_ERROR_RESUME,
                   "--resume: %s cannot be read: %s", where,
                   local_error ? local_error->message : "expected a JSON object");
      return FALSE;
    }

  member = first_difference (json_node_get_object (then), now, &was, &is);
  if (member != NULL)
    {
      if (strlen (was) > 80)
        g_stpcpy (was + 72, "...");
      if (strlen (is) > 80)
        g_stpcpy (is + 72, "...");
      g_set_error (error, AUGUR_RUNNER_ERROR, AUGUR_RUNNER_ERROR_RESUME,
                   "--resume: %s was written by another run: its %s was %s, now %s; "
                   "run without --resume, or into another folder", display, member, was, is);
      return FALSE;
    }
  return TRUE;
}

static char *
manifest_line (AugurRunner       *runner,
               const Job         *job,
               const Variant     *variant,
               const AugurReplay *replay,
               JsonNode          *labels)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "source");
  json_builder_add_string_value (builder, job->source);
  json_builder_set_member_name (builder, "root");
  json_builder_add_int_value (builder, job->root);
  json_builder_set_member_name (builder, "output");
  json_builder_add_string_value (builder, variant->output);
  json_builder_set_member_name (builder, "variant");
  json_builder_add_int_value (builder, variant->variant);
  json_builder_set_member_name (builder, "seed");
  json_builder_add_int_value (builder, (gint64) variant->seed);
  json_builder_set_member_name (builder, "replay");
  json_builder_add_value (builder, augur_replay_to_json (replay, runner->recipe->pipeline));
  if (labels)
    {
      json_builder_set_member_name (builder, AUGUR_LABEL_LINE_MEMBER);
      json_builder_add_value (builder, json_node_ref (labels));
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return augur_json_to_string (root, FALSE);
}

static gboolean
get_member (JsonObject   *object,
            const char   *name,
            GType         type,
            JsonNode    **out,
            GError      **error)
{
  JsonNode *member = json_object_get_member (object, name);

  if (member == NULL)
    {
      g_set_error (error, AUGUR_RUNNER_ERROR, AUGUR_RUNNER_ERROR_MANIFEST, "%s: missing", name);
      return FALSE;
    }
  if (type == JSON_TYPE_ARRAY ? !JSON_NODE_HOLDS_ARRAY (member)
      : type == JSON_TYPE_OBJECT ? !JSON_NODE_HOLDS_OBJECT (member)
      : (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != type))
    {
      g_set_error (error, AUGUR_RUNNER_ERROR, AUGUR_RUNNER_ERROR_MANIFEST, "%s: expected %s", name,
                   type == JSON_TYPE_ARRAY ? "a list" : type == JSON_TYPE_OBJECT ? "an object"
                   : type == G_TYPE_STRING ? "a string" : type == G_TYPE_INT64 ? "an integer" : "a value");
      return FALSE;
    }
  *out = member;
  return TRUE;
}

static gboolean
get_int (JsonObject  *object,
         const char  *name,
         gint64       min,
         gint64       max,
         gint64      *out,
         GError     **error)
{
  JsonNode *member;

  if (!get_member (object, name, G_TYPE_INT64, &member, error))
    return FALSE;
  *out = json_node_get_int (member);
  if (*out < min || *out > max)
    {
      g_set_error (error, AUGUR_RUNNER_ERROR, AUGUR_RUNNER_ERROR_MANIFEST,
                   "%s: %" G_GINT64_FORMAT " is outside [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "]",
                   name, *out, min, max);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_only_members (JsonObject         *object,
                    const char * const *allowed,
                    GError            **error)
{
  g_autoptr(GList) names = json_object_get_members (object);

  for (GList *l = names; l; l = l->next)
    if (!g_strv_contains (allowed, l->data))
      {
        g_set_error (error, AUGUR_RUNNER_ERROR, AUGUR_RUNNER_ERROR_MANIFEST,
                     "%s: unknown member", (char *) l->data);
        return FALSE;
      }
  return TRUE;
}

/* A relative path that stays below its folder: no empty, "." or ".."
 * component, not absolute. Manifests are untrusted. */
static gboolean
is_safe_relative (const char *path)
{
  g_auto(GStrv) parts = NULL;

  if (*path == '\0' || *path == '/' || strchr (path, '\\') != NULL)
    return FALSE;
  parts = g_strsplit (path, "/", -1);
  for (guint i = 0; parts[i]; i++)
    if (*parts[i] == '\0' || g_str_equal (parts[i], ".") || g_str_equal (parts[i], ".."))
      return FALSE;
  return TRUE;
}

static gboolean
read_header (AugurRunner  *runner,
             JsonObject   *object,
             GError      **error)
{
  static const char *const fields[] = { "manifest", "version", "recipe", "format", "quality", "inputs",
                                        "references", "shard", NULL };
  g_autofree char *manifest_abs = g_canonicalize_filename (runner->replay_path, NULL);
  g_autofree char *manifest_dir = g_path_get_dirname (manifest_abs);
  JsonNode *member;
  gint64 value;
  JsonArray *inputs;

  if (!get_member (object, "manifest", G_TYPE_STRING, &member, error))
    return FALSE;
  if (!g_str_equal (json_node_get_string (member), AUGUR_MANIFEST_FORMAT))
    {
      g_set_error (error, AUGUR_RUNNER_ERROR, AUGUR_RUNNER_ERROR_MANIFEST,
                   "manifest: expected \"%s\"", AUGUR_MANIFEST_FORMAT);
      return FALSE;
    }
  if (!get_int (object, "version", AUGUR_MANIFEST_VERSION, AUGUR_MANIFEST_VERSION, &value, error) ||
      !check_only_members (object, fields, error))
    return FALSE;

  if (!get_member (object, "recipe", JSON_TYPE_OBJECT, &member, error))
    return FALSE;
  runner->recipe = augur_recipe_from_json (member, error);
  if (runner->recipe == NULL)
    {
      g_prefix_error (error, "recipe: ");
      return FALSE;
    }

  if (!get_member (object, "format", G_TYPE_STRING, &member, error))
    return FALSE;
  runner->keep_format = g_str_equal (json_node_get_string (member), "input");
  if (!runner->keep_format && !augur_image_format_from_string (json_node_get_string (member), &runner->format))
    {
      g_set_error (error, AUGUR_RUNNER_ERROR, AUGUR_RUNNER_ERROR_MANIFEST,
                   "format: \"%s\" is not input, png, jpeg or webp", json_node_get_string (member));
      return FALSE;
    }
  if (!get_int (object, "quality", 1, 100, &value, error))
    return FALSE;
  runner->quality = (int) value;

  if (!get_member (object, "inputs", JSON_TYPE_ARRAY, &member, error))
    return FALSE;
  inputs = json_node_get_array (member);
  for (guint i = 0; i < json_array_get_length (inputs); i++)
    {
      JsonNode *element = json_array_get_element (inputs, i);

      const char *path;

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING ||
          *(path = json_node_get_string (element)) == '\0')
        {
          g_set_error (error, AUGUR_RUNNER_ERROR, AUGUR_RUNNER_ERROR_MANIFEST,
                       "inputs[%u]: expected a folder path", i);
          return FALSE;
        }
      /* Relative to the manifest's folder (absolute in older manifests). */
      g_ptr_array_add (runner->roots, g_canonicalize_filename (path, manifest_dir));
      g_ptr_array_add (runner->roots_abs, g_canonicalize_filename (path, manifest_dir));
    }

  /* The reference folders of a recipe with blends, as "inputs". */
  member = json_object_get_member (object, "references");
  if (member != NULL)
    {
      JsonArray *refs;

      if (!JSON_NODE_HOLDS_ARRAY (member))
        {
          g_set_error (error, AUGUR_RUNNER_ERROR, AUGUR_RUNNER_ERROR_MANIFEST,
                       "references: expected a list of folder paths");
          return FALSE;
        }
      refs = json_node_get_array (member);
      runner->reference_roots = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; i < json_array_get_length (refs); i++)
        {
          JsonNode *element = json_array_get_element (refs, i);
          const char *path;

          if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING ||
              *(path = json_node_get_string (element)) == '\0')
            {
              g_set_error (error, AUGUR_RUNNER_ERROR, AUGUR_RUNNER_ERROR_MANIFEST,
                           "references[%u]: expected a folder path", i);
              return FALSE;
            }
          g_ptr_array_add (runner->reference_roots, g_canonicalize_filename (path, manifest_dir));
        }
    }
  return TRUE;
}

/**
 * augur_runner_new_replay:
 * @manifest: a manifest written by a run
 *
 * A runner that reproduces the outputs listed in @manifest: the recipe,
 * format and inputs come from its header, each output from its line's
 * replay (checked against the pipeline). The manifest is untrusted: each
 * line is size- and depth-limited, paths must stay below their folders,
 * and errors name the line.
 */
AugurRunner *
augur_runner_new_replay (const char  *manifest,
                         GError     **error)
{
  g_autoptr(AugurRunner) runner = runner_new ();
  g_autoptr(GString) line = g_string_new (NULL);
  g_autoptr(JsonNode) header = NULL;
  g_autofree char *display = g_filename_display_name (manifest);
  gboolean too_long;
  int c;

  runner->replaying = TRUE;
  runner->replay_path = g_strdup (manifest);
  runner->outputs_seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  /* Opened without blocking, so that a FIFO with no writer is refused
   * rather than waited on; a device (/dev/zero) would never end and a
   * folder reads as nothing: the line count below needs a file that ends. */
  {
    GStatBuf st;
    int fd = g_open (manifest, O_RDONLY | O_CLOEXEC | O_NONBLOCK, 0);

    if (fd < 0 || fstat (fd, &st) != 0)
      {
        augur_file_set_errno_error (error, errno, manifest, NULL);
        if (fd >= 0)
          close (fd);
        return NULL;
      }
    if (!S_ISREG (st.st_mode))
      {
        g_set_error (error, G_FILE_ERROR, S_ISDIR (st.st_mode) ? G_FILE_ERROR_ISDIR : G_FILE_ERROR_INVAL,
                     "%s: %s", display, S_ISDIR (st.st_mode) ? "a folder, not a manifest" : "not a regular file");
        close (fd);
        return NULL;
      }
    runner->replay_file = fdopen (fd, "rb");
    if (runner->replay_file == NULL)
      {
        augur_file_set_errno_error (error, errno, manifest, NULL);
        close (fd);
        return NULL;
      }
  }

  /* Count the lines first, for the progress. */
  while ((c = getc (runner->replay_file)) != EOF)
    if (c == '\n')
      runner->replay_lines++;
  rewind (runner->replay_file);

  if (!augur_manifest_read_line (runner->replay_file, line, AUGUR_MANIFEST_MAX_LINE, &too_long, error))
    {
      if (error && *error == NULL)
        g_set_error (error, AUGUR_RUNNER_ERROR, AUGUR_RUNNER_ERROR_MANIFEST, "%s: empty", display);
      else
        g_prefix_error (error, "%s: ", display);
      return NULL;
    }
  runner->replay_lineno = 1;
  if (too_long)
    {
      g_set_error (error, AUGUR_RUNNER_ERROR, AUGUR_RUNNER_ERROR_MANIFEST,
                   "%s:1: longer than %d bytes", display, AUGUR_MANIFEST_MAX_LINE);
      return NULL;
    }

  header = augur_manifest_parse_line (line->str, line->len, error);
  if (header == NULL || !read_header (runner, json_node_get_object (header), error))
    {
      g_prefix_error (error, "%s:1: ", display);
      return NULL;
    }

  return g_steal_pointer (&runner);
}

static gboolean
parse_line_fields (AugurRunner  *runner,
                   JsonObject   *object,
                   Line         *line,
                   GError      **error)
{
  static const char *const fields[] = { "source", "root", "output", "variant", "seed", "replay",
                                        AUGUR_LABEL_LINE_MEMBER, NULL };
  g_autofree char *suffix = NULL;
  JsonNode *member;
  gint64 value;
  const char *output;

  if (!check_only_members (object, fields, error))
    return FALSE;

  if (!get_member (object, "source", G_TYPE_STRING, &member, error))
    return FALSE;
  if (!is_safe_relative (json_node_get_string (member)))
    {
      g_set_error (error, AUGUR_RUNNER_ERROR, AUGUR_RUNNER_ERROR_MANIFEST,
                   "source: \"%s\" is not a relative path below its input folder", json_node_get_string (member));
      return FALSE;
    }
  line->source = g_strdup (json_node_get_string (member));
  suffix = g_strconcat (".", augur_image_format_extension (output_format (runner, line->source)), NULL);

  if (!get_int (object, "root", 0, (gint64) runner->roots->len - 1, &value, error))
    return FALSE;
  line->root = (guint) value;

  if (!get_member (object, "output", G_TYPE_STRING, &member, error))
    return FALSE;
  output = json_node_get_string (member);
  if (!is_safe_relative (output) || !g_str_has_suffix (output, suffix) ||
      *(strrchr (output, '/') ? strrchr (output, '/') + 1 : output) == '.')
    {
      g_set_error (error, AUGUR_RUNNER_ERROR, AUGUR_RUNNER_ERROR_MANIFEST,
                   "output: \"%s\" is not a relative path below the output folder ending in %s",
                   output, suffix);
      return FALSE;
    }
  if (g_hash_table_contains (runner->outputs_seen, output))
    {
      g_set_error (error, AUGUR_RUNNER_ERROR, AUGUR_RUNNER_ERROR_MANIFEST,
                   "output: \"%s\" is listed twice", output);
      return FALSE;
    }
  line->variant.output = g_strdup (output);

  if (!get_int (object, "variant", 0, G_MAXINT, &value, error))
    return FALSE;
  line->variant.variant = (guint) value;
  if (!get_int (object, "seed", 0, (gint64) AUGUR_SEED_MASK, &value, error))
    return FALSE;
  line->variant.seed = (guint64) value;

  if (!get_member (object, "replay", JSON_TYPE_OBJECT, &member, error))
    return FALSE;
  line->variant.replay = augur_replay_from_json (member, runner->recipe->pipeline, error);
  if (line->variant.replay == NULL)
    return FALSE;

  g_hash_table_add (runner->outputs_seen, g_strdup (output));
  return TRUE;
}

/* The next line of the manifest, NULL at its end (or on a read error,
 * which is then set). A malformed line comes back with its error set. */
static Line *
next_line (AugurRunner  *runner,
           GError      **error)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *display = g_filename_display_name (runner->replay_path);
  g_autoptr(Line) line = NULL;
  g_autoptr(JsonNode) node = NULL;
  gboolean too_long;

  do
    {
      if (!augur_manifest_read_line (runner->replay_file, text, AUGUR_MANIFEST_MAX_LINE, &too_long, error))
        {
          /* a read error, or the end: a read error names where it stopped */
          g_prefix_error (error, "%s:%u: ", display, runner->replay_lineno + 1);
          return NULL;
        }
      runner->replay_lineno++;
    }
  while (text->len == 0 && !too_long);

  line = g_new0 (Line, 1);
  line->lineno = runner->replay_lineno;

  if (too_long)
    g_set_error (&line->error, AUGUR_RUNNER_ERROR, AUGUR_RUNNER_ERROR_MANIFEST,
                 "longer than %d bytes", AUGUR_MANIFEST_MAX_LINE);
  else if ((node = augur_manifest_parse_line (text->str, text->len, &line->error)) != NULL)
    {
      /* The annotation-loss report that ends a run with labels: the end
       * of the outputs, and only at the end. */
      if (json_object_has_member (json_node_get_object (node), AUGUR_LABEL_REPORT_MEMBER))
        {
          while (augur_manifest_read_line (runner->replay_file, text, AUGUR_MANIFEST_MAX_LINE,
                                           &too_long, error))
            if (text->len > 0 || too_long)
              {
                g_set_error (&line->error, AUGUR_RUNNER_ERROR, AUGUR_RUNNER_ERROR_MANIFEST,
                             "the \"%s\" line must be the manifest's last", AUGUR_LABEL_REPORT_MEMBER);
                break;
              }
          if (line->error == NULL)
            {
              g_prefix_error (error, "%s:%u: ", display, runner->replay_lineno + 1);
              return NULL;
            }
        }
      else
        parse_line_fields (runner, json_node_get_object (node), line, &line->error);
    }

  if (line->error)
    g_prefix_error (&line->error, "%s:%u: ", display, line->lineno);
  return g_steal_pointer (&line);
}

static char *
source_path (AugurRunner *runner,
             guint        root,
             const char  *source)
{
  return g_build_filename (runner->roots->pdata[root], source, NULL);
}

/* Replays: consecutive lines of one source make one job (one decode). */
static Job *
next_replay_job (AugurRunner  *runner,
                 GError      **error)
{
  g_autoptr(Job) job = NULL;

  for (;;)
    {
      g_autoptr(Line) line = g_steal_pointer (&runner->lookahead);

      if (line == NULL)
        line = next_line (runner, error);
      if (line == NULL)
        return (error && *error) ? NULL : g_steal_pointer (&job);

      if (line->error)
        {
          if (job != NULL)
            {
              runner->lookahead = g_steal_pointer (&line);
              return g_steal_pointer (&job);
            }
          job = job_new (0, "", "");
          job->error = g_steal_pointer (&line->error);
          return g_steal_pointer (&job);
        }

      if (job != NULL && (job->root != line->root || !g_str_equal (job->source, line->source)))
        {
          runner->lookahead = g_steal_pointer (&line);
          return g_steal_pointer (&job);
        }

      if (job == NULL)
        {
          g_autofree char *path = source_path (runner, line->root, line->source);

          job = job_new (line->root, line->source, path);
        }
      g_array_append_val (job->variants, line->variant);
      memset (&line->variant, 0, sizeof line->variant); /* moved */
    }
}

static Job *
next_apply_job (AugurRunner *runner)
{
  while (runner->cursor < runner->inputs->len)
    {
      guint i = runner->cursor++;
      AugurRunnerInput *input = runner->inputs->pdata[i];
      Job *job;

      if (i % runner->shard_count != runner->shard_index)
        continue;

      job = job_new (input->root, input->key, input->path);
      if (input->error)
        {
          job->error = g_error_copy (input->error);
          return job;
        }
      for (guint k = 0; k < runner->variants; k++)
        {
          Variant v = { 0 };

          v.variant = k;
          v.seed = augur_seed_derive (runner->recipe->seed, input->key, k);
          v.output = augur_runner_output_name (input->stem, k, output_format (runner, input->key));
          g_array_append_val (job->variants, v);
        }
      return job;
    }
  return NULL;
}

/* Workers -------------------------------------------------------------------------- */

/* Encoded, written under a temporary name beside @final, flushed to disk,
 * renamed: a file under its final name is always complete, and exactly the
 * bytes encoded for it. */
static gboolean
write_output (AugurRunner       *runner,
              const AugurImage  *image,
              const char        *final,
              GError           **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *dir = g_path_get_dirname (final);
  AugurImageFormat format;
  const char *data;
  gsize len;

  /* The output's name says its format (augur_runner_output_name()). */
  if (!augur_image_format_from_string (strrchr (final, '.') + 1, &format))
    g_return_val_if_reached (FALSE);
  bytes = augur_image_encode (image, format, runner->quality, error);
  if (bytes == NULL)
    return FALSE;
  data = g_bytes_get_data (bytes, &len);

  if (g_mkdir_with_parents (dir, 0755) != 0)
    return augur_file_set_errno_error (error, errno, dir, "cannot create the folder");
  return augur_file_write_atomic (final, data, len, error);
}

/* Whether a step of @record moved pixels (and so the labels), or showed
 * other images' (a blend that combines labels). */
static gboolean
labels_moved (const AugurLabelRecord *record)
{
  for (guint i = 0; i < record->steps->len; i++)
    {
      const AugurNode *node = g_array_index (record->steps, AugurLabelStep, i).node;

      if (node && (augur_transform_is_spatial (node->info) || node->info->blend_regions != NULL))
        return TRUE;
    }
  return FALSE;
}

/* With --labels: the output's labels through the same replay (for an
 * output already complete, the labels alone), written beside it; returns
 * its numbers for the manifest line, or NULL on error. */
static JsonNode *
carry_labels (AugurRunner        *runner,
              const Job          *job,
              const Variant      *v,
              const AugurImage   *image,
              const AugurLabels  *labels,
              const AugurReplay  *replay,
              AugurImage        **out,
              GError            **error)
{
  g_autoptr(AugurLabelRecord) record = augur_label_record_new ();
  g_autoptr(AugurLabels) out_labels = NULL;

  if (!augur_node_apply_labels_full (runner->recipe->pipeline, image, labels, replay, runner->pool,
                                     runner->recipe->labels, out, &out_labels, record, error))
    {
      g_autofree char *display = g_filename_display_name (job->path);

      g_prefix_error (error, "%s: ", display);
      return NULL;
    }
  if (!augur_label_sink_add (runner->label_sink, job->source, v->output, out_labels,
                             labels_moved (record), error))
    return NULL;
  return augur_label_report_line (labels, out_labels, record);
}

static gboolean
process_job (AugurRunner  *runner,
             Job          *job,
             GError      **error)
{
  const AugurNode *pipeline = runner->recipe->pipeline;
  g_auto(Admission) admission = { NULL, 0 };
  g_autoptr(AugurImage) image = NULL;
  g_autoptr(AugurLabels) labels = NULL;
  g_autofree gboolean *skip = g_new0 (gboolean, MAX (job->variants->len, 1));
  gboolean need_image = runner->labels != NULL;

  /* --resume: an output under its final name is complete (it was renamed
   * there once written); its stale .part, if any, goes. */
  for (guint i = 0; i < job->variants->len; i++)
    {
      Variant *v = &g_array_index (job->variants, Variant, i);
      g_autofree char *final = g_build_filename (runner->output_dir, v->output, NULL);

      if (runner->resume && g_file_test (final, G_FILE_TEST_EXISTS))
        {
          g_autofree char *part = augur_file_temporary_path (final);

          if (g_unlink (part) != 0 && errno != ENOENT)
            return augur_file_set_errno_error (error, errno, part, "cannot remove");
          skip[i] = TRUE;
          /* The replay of a skipped output is sampled again, which needs the
           * image's shape: the image is decoded for it, as that is the one
           * way to know the shape exactly as a full run sees it (after EXIF
           * orientation, with gray detected). */
          need_image = need_image || v->replay == NULL;
        }
      else
        need_image = TRUE;
    }

  if (need_image)
    {
      g_autoptr(GBytes) bytes = augur_image_read_file (job->path, runner->max_pixels, error);
      g_autofree char *display = g_filename_display_name (job->path);
      AugurImageInfo info;
      AugurCost cost;
      const guint8 *data;
      gsize len;

      if (bytes == NULL)
        return FALSE;

      /* From the header, before any decoder runs: what the recipe could
       * cost on this input, against the budget per input, then against
       * what the inputs in flight already hold. */
      data = g_bytes_get_data (bytes, &len);
      if (!augur_image_info_read (data, len, &info, error))
        {
          g_prefix_error (error, "%s: ", display);
          return FALSE;
        }
      /* Over the pixel limit, the decoder refuses it (allocating nothing)
       * with the message every other command gives. */
      if ((double) info.width * info.height <= (double) runner->max_pixels)
        {
          input_cost (runner, &info, &cost);
          if (!augur_cost_check (&cost, runner->max_work, runner->max_memory, error))
            {
              g_prefix_error (error, "%s: %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT ": ", display,
                              info.width, info.height);
              return FALSE;
            }
          admit (runner, cost.memory);
          admission = (Admission) { runner, cost.memory };
        }

      image = augur_image_load_bytes (bytes, runner->max_pixels, error);
      if (image == NULL)
        {
          g_prefix_error (error, "%s: ", job->path);
          return FALSE;
        }
    }
  if (runner->labels)
    {
      labels = augur_label_source_read (runner->labels, job->source, image->width, image->height, error);
      if (labels == NULL)
        return FALSE;
    }

  for (guint i = 0; i < job->variants->len; i++)
    {
      Variant *v = &g_array_index (job->variants, Variant, i);
      g_autoptr(AugurReplay) drawn = NULL;
      g_autoptr(JsonNode) label_line = NULL;
      const AugurReplay *replay = v->replay;

      if (labels != NULL)
        {
          g_autoptr(AugurImage) out = NULL;

          if (replay == NULL)
            {
              AugurShape shape = { image->width, image->height, image->channels };

              replay = drawn = augur_node_sample_full (pipeline, &shape, v->seed, FALSE, runner->pool, error);
              if (replay == NULL)
                {
                  g_autofree char *display = g_filename_display_name (job->path);

                  g_prefix_error (error, "%s: ", display);
                  return FALSE;
                }
            }
          label_line = carry_labels (runner, job, v, skip[i] ? NULL : image, labels, replay, &out, error);
          if (label_line == NULL)
            return FALSE;
          if (!skip[i])
            {
              g_autofree char *final = g_build_filename (runner->output_dir, v->output, NULL);

              if (!write_output (runner, out, final, error))
                {
                  g_autofree char *display = g_filename_display_name (job->path);

                  g_prefix_error (error, "%s: ", display);
                  return FALSE;
                }
            }
          g_ptr_array_add (job->label_lines, json_node_ref (label_line));
        }
      else if (!skip[i])
        {
          g_autofree char *final = g_build_filename (runner->output_dir, v->output, NULL);
          g_autoptr(AugurImage) out = NULL;

          if (replay != NULL)
            out = augur_node_apply_full (pipeline, image, replay, runner->pool, NULL, NULL, error);
          else
            {
              out = augur_node_run_full (pipeline, image, v->seed, runner->pool, &drawn, error);
              replay = drawn;
            }
          if (out == NULL || !write_output (runner, out, final, error))
            {
              g_autofree char *display = g_filename_display_name (job->path);

              g_prefix_error (error, "%s: ", display);
              return FALSE;
            }
        }
      else if (replay == NULL)
        {
          AugurShape shape = { image->width, image->height, image->channels };

          drawn = augur_node_sample_full (pipeline, &shape, v->seed, FALSE, runner->pool, error);
          if (drawn == NULL)
            {
              g_autofree char *display = g_filename_display_name (job->path);

              g_prefix_error (error, "%s: ", display);
              return FALSE;
            }
          replay = drawn;
        }

      g_ptr_array_add (job->lines, manifest_line (runner, job, v, replay, label_line));
    }

  return TRUE;
}

static void
worker (gpointer data,
        gpointer user_data)
{
  Job *job = data;
  AugurRunner *runner = user_data;

  /* A full disk stops the run: the jobs already queued are not run, so
   * that the disk-full error is reported once, not once per input. */
  if (g_atomic_int_get (&runner->stopping))
    job->stopped = TRUE;
  else if (!process_job (runner, job, &job->error) &&
           g_error_matches (job->error, G_FILE_ERROR, G_FILE_ERROR_NOSPC))
    g_atomic_int_set (&runner->stopping, 1);
  g_async_queue_push (runner->results, job);
}

/* Running -------------------------------------------------------------------------- */

static gboolean
write_text (AugurFileWriter  *file,
            const char       *text,
            GError          **error)
{
  return augur_file_writer_write (file, text, strlen (text), error) &&
         augur_file_writer_write (file, "\n", 1, error);
}

static guint
job_units (AugurRunner *runner,
           const Job   *job)
{
  /* Progress counts outputs: every variant of an input, every manifest line. */
  return runner->replaying ? MAX (job->variants->len, 1) : runner->variants;
}

/**
 * augur_runner_run:
 * @output_dir: created if needed; may not overlap the inputs
 * @n_failed: (out) (optional): how many inputs (or manifest lines) failed
 *
 * Runs the whole job: every input of this shard, every variant. An input
 * that fails is reported through the failure callback and skipped; the
 * others are still processed, and the manifest lists what was written.
 *
 * Returns: FALSE on an error that stops the run (overlap, collision, no
 *   inputs, the manifest cannot be written)
 */
gboolean
augur_runner_run (AugurRunner  *runner,
                  const char   *output_dir,
                  guint        *n_failed,
                  GError      **error)
{
  g_autoptr(GHashTable) done = NULL;
  GThreadPool *pool;
  g_autoptr(GError) fatal = NULL;
  g_autofree char *manifest_dir = NULL;
  g_autofree char *header = NULL;
  g_autoptr(AugurFileWriter) file = NULL;
  const char *manifest;
  guint total = 0, units = 0, failed = 0;
  guint next_seq = 0, emit_seq = 0, window;
  gboolean eof = FALSE;

  g_return_val_if_fail (runner->recipe != NULL, FALSE);
  g_return_val_if_fail (runner->results == NULL, FALSE);

  if (n_failed)
    *n_failed = 0;

  if (!runner->replaying)
    {
      if (runner->inputs->len == 0)
        {
          g_set_error (error, AUGUR_RUNNER_ERROR, AUGUR_RUNNER_ERROR_NO_INPUTS,
                       "no input images found (looked for files ending in .png, .jpg, .jpeg, "
                       ".webp, .tif, .tiff or .bmp)");
          return FALSE;
        }
      if (!check_collisions (runner, error))
        return FALSE;
      for (guint i = 0; i < runner->inputs->len; i++)
        if (i % runner->shard_count == runner->shard_index)
          total += runner->variants;
    }
  else
    total = runner->replay_lines > 0 ? runner->replay_lines - 1 : 0;

  manifest = augur_runner_get_manifest_path (runner, output_dir);
  manifest_dir = g_path_get_dirname (manifest);
  if (!augur_runner_check_overlap ((const char * const *) runner->roots->pdata, runner->roots->len,
                                   output_dir, error))
    return FALSE;
  for (guint i = 0; i < runner->roots->len; i++)
    {
      g_autofree char *root = resolve_path (runner->roots->pdata[i]);
      g_autofree char *dir = resolve_path (manifest_dir);

      if (g_file_test (root, G_FILE_TEST_IS_DIR) && is_within (dir, root))
        {
          g_autofree char *display = g_filename_display_name (manifest);

          g_set_error (error, AUGUR_RUNNER_ERROR, AUGUR_RUNNER_ERROR_OVERLAP,
                       "the manifest %s would be inside the input folder %s",
                       display, (char *) runner->roots->pdata[i]);
          return FALSE;
        }
    }

  if (!build_pool (runner, error))
    return FALSE;
  /* Outputs written under the reference folder would join the pool of a
   * resumed or later run, and change its draws. */
  if (runner->pool && runner->reference_roots &&
      !augur_runner_check_overlap ((const char * const *) runner->reference_roots->pdata,
                                   runner->reference_roots->len, output_dir, error))
    {
      g_prefix_error (error, "--reference: ");
      return FALSE;
    }

  /* Also loads GdkPixbuf's modules here, before the workers use them. */
  for (guint i = 0; i < (runner->keep_format ? runner->inputs->len : 1); i++)
    {
      AugurImageFormat format = runner->keep_format
        ? output_format (runner, ((AugurRunnerInput *) runner->inputs->pdata[i])->key) : runner->format;

      if (!augur_image_format_available (format))
        {
          g_set_error (error, AUGUR_RUNNER_ERROR, AUGUR_RUNNER_ERROR_FAILED,
                       "this system cannot write %s images (no GdkPixbuf saver)", format_names[format]);
          return FALSE;
        }
    }

  if (g_mkdir_with_parents (output_dir, 0755) != 0)
    return augur_file_set_errno_error (error, errno, output_dir, "cannot create the output folder");
  if (g_mkdir_with_parents (manifest_dir, 0755) != 0)
    return augur_file_set_errno_error (error, errno, manifest_dir, "cannot create the manifest's folder");

  if (!runner->replaying)
    {
      g_autoptr(JsonNode) record = run_record (runner);
      g_autofree char *record_file = augur_file_hidden_sibling (manifest, "run");
      g_autofree char *record_text = augur_json_to_string (record, FALSE);

      if (runner->resume && !check_resume (output_dir, manifest, record, error))
        return FALSE;
      if (!augur_file_write_atomic (record_file, record_text, strlen (record_text), error))
        return FALSE;
    }

  file = augur_file_writer_new (manifest, error);
  if (file == NULL)
    return FALSE;

  header = manifest_header (runner, manifest_dir);
  if (!write_text (file, header, error))
    return FALSE;

  g_clear_pointer (&runner->label_sink, augur_label_sink_free);
  g_clear_pointer (&runner->label_report, augur_label_report_free);
  if (runner->labels)
    {
      runner->label_sink = augur_label_sink_new (runner->labels, output_dir);
      augur_label_sink_set_shard (runner->label_sink, runner->shard_index + 1, runner->shard_count);
      runner->label_report = augur_label_report_new ();
    }

  runner->output_dir = g_strdup (output_dir);
  runner->cursor = 0;
  runner->results = g_async_queue_new ();
  done = g_hash_table_new (g_direct_hash, g_direct_equal);
  pool = g_thread_pool_new (worker, runner, (int) runner->threads, FALSE, NULL);

  /* Bounded work in flight: decoded images live only inside workers, and
   * results wait in @done only while an earlier one is still running. */
  window = runner->threads * 4 + 4;

  if (runner->progress)
    runner->progress (0, total, runner->user_data);

  while (!eof || emit_seq < next_seq)
    {
      Job *job;

      while (!eof && fatal == NULL && next_seq - emit_seq < window)
        {
          job = runner->replaying ? next_replay_job (runner, &fatal) : next_apply_job (runner);
          if (job == NULL)
            {
              eof = TRUE;
              break;
            }
          job->seq = next_seq++;
          if (job->error)
            g_async_queue_push (runner->results, job);
          else
            g_thread_pool_push (pool, job, NULL);
        }
      if (fatal != NULL)
        eof = TRUE;
      if (emit_seq == next_seq)
        break;

      job = g_async_queue_pop (runner->results);
      g_hash_table_insert (done, GUINT_TO_POINTER (job->seq), job);

      /* The writer emits in input order, whatever order workers finish in. */
      while ((job = g_hash_table_lookup (done, GUINT_TO_POINTER (emit_seq))) != NULL)
        {
          g_hash_table_remove (done, GUINT_TO_POINTER (emit_seq));
          emit_seq++;

          if (job->stopped || g_error_matches (job->error, G_FILE_ERROR, G_FILE_ERROR_NOSPC))
            {
              if (fatal == NULL && job->error != NULL)
                {
                  g_autofree char *display = g_filename_display_name (output_dir);

                  g_set_error (&fatal, G_FILE_ERROR, G_FILE_ERROR_NOSPC,
                               "%s: the disk is full (%s); stopped. The outputs written are complete: "
                               "make room and run again with --resume", display, job->error->message);
                }
              job_free (job);
              continue;
            }
          for (guint i = 0; fatal == NULL && i < job->lines->len; i++)
            write_text (file, job->lines->pdata[i], &fatal);
          for (guint i = 0; fatal == NULL && i < job->label_lines->len; i++)
            augur_label_report_add (runner->label_report, job->label_lines->pdata[i], &fatal);
          if (job->error)
            {
              failed++;
              if (runner->failure)
                runner->failure (job->error, runner->user_data);
            }
          units += job_units (runner, job);
          if (runner->progress)
            runner->progress (units, MAX (total, units), runner->user_data);
          job_free (job);
        }
    }

  /* Every job has come back: the pool is idle. */
  g_thread_pool_free (pool, FALSE, TRUE);
  g_clear_pointer (&runner->results, g_async_queue_unref);
  g_clear_pointer (&runner->output_dir, g_free);

  if (fatal != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&fatal));
      return FALSE;
    }
  /* With labels: the files written once (COCO's, YOLO's classes), and the
   * manifest's last line, the sum of its lines' label numbers. */
  if (runner->labels)
    {
      g_autoptr(JsonNode) report = augur_label_report_to_json (runner->label_report);
      g_autofree char *text = augur_json_to_string (report, FALSE);

      if (!augur_label_sink_finish (runner->label_sink, error) || !write_text (file, text, error))
        return FALSE;
    }
  if (!augur_file_writer_commit (file, error))
    return FALSE;

  if (n_failed)
    *n_failed = failed;
  return TRUE;
}
