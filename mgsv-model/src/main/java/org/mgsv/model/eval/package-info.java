/**
 * MsG evaluation: the streamed evaluator over a whole split (exact ranks, bounded memory), its fast decoder and
 * X-Pool scorer rewrites, and the pair sources it reads.
 */
package org.mgsv.model.eval;
