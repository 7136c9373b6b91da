package org.mgsv.core.metrics;

/**
 * Temporal IoU of a predicted moment with the ground-truth moment, computed exactly as the reference's
 * {@code detr_iou} + {@code individual_IoU_tensor} do it, in float32 arithmetic:
 * <ol>
 *   <li>{@code pred_st = max(pred_st, 0)}, {@code pred_ed = min(pred_ed, 240)} (max music duration);</li>
 *   <li>IoU = 0 if {@code gt_st >= gt_ed};</li>
 *   <li>{@code pred_ed = min(pred_ed, music_duration)};</li>
 *   <li>intersection = {@code max(min(gt_ed, pred_ed) - max(gt_st, pred_st), 0)},
 *       union = {@code (pred_ed - pred_st) + (gt_ed - gt_st) - intersection};</li>
 *   <li>IoU = 0 if union &lt;= 0, else intersection / union.</li>
 * </ol>
 * Every operation is a float32 operation in the reference's order, so the result is bit-identical to the
 * reference for float32 inputs.
 */
public final class MomentIou {
    /** The reference's {@code max_m_duration}: tracks are cut to 240 s. */
    public static final float MAX_MUSIC_DURATION = 240f;

    private MomentIou() {}

    /** IoU with the reference's clamping (inputs are rounded to float32 first, as the reference holds them). */
    public static float iou(double gtStart, double gtEnd, double musicDuration, double predStart, double predEnd) {
        return iou((float) gtStart, (float) gtEnd, (float) musicDuration, (float) predStart, (float) predEnd);
    }

    /** IoU with the reference's clamping, in float32. */
    public static float iou(float gtSt, float gtEd, float musicDuration, float predSt, float predEd) {
        float ps = Math.max(predSt, 0f);
        float pe = Math.min(predEd, MAX_MUSIC_DURATION);
        if (gtSt >= gtEd) {
            return 0f;
        }
        pe = Math.min(pe, musicDuration);
        float interStart = Math.max(gtSt, ps);
        float interEnd = Math.min(gtEd, pe);
        float inter = Math.max(interEnd - interStart, 0f);
        float union = (pe - ps) + (gtEd - gtSt) - inter;
        if (union <= 0f) {
            return 0f;
        }
        return inter / union;
    }

    /** IoU of a run entry's predicted moment. */
    public static float iou(RunEntry e) {
        return iou(e.gtStart(), e.gtEnd(), e.musicDuration(), e.predStart(), e.predEnd());
    }
}
