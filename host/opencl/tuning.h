/* tuning.h: which tiles the blocked forward kernel uses for a problem: the
 * ones clconv_tune_forward() found fastest for it on this device and driver
 * (kept in the context and in the disk cache), else the default. */
#ifndef CLCONV_TUNING_H
#define CLCONV_TUNING_H

#include "core/internal.h"
#include "tiles/tiles_fwd_blocked.h"

/* The tiles for problem @p g, flattened by the backend into @p f (a 1x1
 * problem becomes one wide row): forced ones during a tuning search, else
 * tuned ones for @p g, else the default for @p f. */
clconv__tiles_fwd_blocked
clconv__tuning_tiles_for(clconv_context *ctx, const clconv__corr2d_geom *g,
                         const clconv__corr2d_geom *f);

/* Makes every forward of @p ctx use @p t (NULL: stop), where valid. */
clconv_status clconv__tuning_force(clconv_context *ctx,
                                   const clconv__tiles_fwd_blocked *t);

/* Remembers @p t as the tiles for @p g in the context and, when the disk
 * cache is on, on disk. @return OK (@p *stored 1 when written to disk) or
 * OUT_OF_HOST_MEMORY. */
clconv_status clconv__tuning_remember(clconv_context *ctx,
                                      const clconv__corr2d_geom *g,
                                      const clconv__tiles_fwd_blocked *t,
                                      int *stored);

/* Frees what the context keeps about tuning. */
void clconv__tuning_release(clconv_context *ctx);

#endif
