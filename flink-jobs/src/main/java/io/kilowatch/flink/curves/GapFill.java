package io.kilowatch.flink.curves;

/**
 * VEE-lite gap filling: when a real interval follows a run of at most {@code maxGap} empty ones,
 * the empty ones are filled by linear interpolation of kW between the real points either side
 * (and marked estimated). Longer gaps stay empty, visible as missing points and in {@code meters}.
 */
final class GapFill {
    private GapFill() {}

    /**
     * How many empty intervals to fill between the last real one, starting at {@code lastReal}
     * ({@link Long#MIN_VALUE}: none yet), and the real one starting at {@code start}: 0 when they
     * are adjacent, out of order, or more than {@code maxGap} apart.
     */
    static long fillable(long lastReal, long start, long lengthMs, int maxGap) {
        if (lastReal == Long.MIN_VALUE || lastReal >= start) {
            return 0;
        }
        long missing = (start - lastReal) / lengthMs - 1;
        return missing > maxGap ? 0 : missing;
    }

    /** The kW of the {@code k}-th (1-based) of {@code missing} filled intervals between {@code fromKw} and {@code toKw}. */
    static double estimateKw(double fromKw, double toKw, long k, long missing) {
        return fromKw + (toKw - fromKw) * k / (missing + 1);
    }
}
