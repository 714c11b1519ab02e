package io.kilowatch.sim.fleet;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * A plausible residential load shape: a night base, a morning peak around 07:30 and a larger
 * evening peak around 19:30 (local time of the fleet), lower at weekends' mornings, with
 * per-meter scale and per-reading noise.
 *
 * <p>Deterministic: the value depends only on (seed, meter, ts), never on the order in which
 * readings are generated, so a shuffled or re-run simulation publishes the same numbers.
 */
public final class LoadShape {
    private final long seed;
    private final ZoneOffset zone;

    public LoadShape(long seed, ZoneOffset zone) {
        this.seed = seed;
        this.zone = zone;
    }

    /** Average kW of {@code meter} over the sampling period starting at {@code ts}. */
    public double kw(int meter, long ts) {
        ZonedDateTime t = Instant.ofEpochMilli(ts).atZone(zone);
        double hour = t.getHour() + t.getMinute() / 60.0 + t.getSecond() / 3600.0;
        boolean weekend = t.getDayOfWeek().getValue() >= 6;
        double scale = 0.6 + 1.2 * unit(meter, 0);                 // households differ ~3x in size
        double base = 0.25 + 0.15 * unit(meter, 1);                  // fridge, standby
        double morning = (weekend ? 0.5 : 1.0) * bump(hour, 7.5, 1.0) * (0.8 + 0.6 * unit(meter, 2));
        double evening = bump(hour, 19.5, 2.0) * (1.5 + 1.0 * unit(meter, 3));
        double midday = bump(hour, 13.0, 2.5) * 0.4;
        double noise = 1.0 + 0.15 * (2 * unit(meter, ts) - 1);
        return round3(Math.max(0.02, scale * (base + morning + evening + midday) * noise));
    }

    /** Phase voltage around 230 V, within ±3 %. */
    public double voltage(int meter, long ts) {
        return round3(230.0 * (1.0 + 0.03 * (2 * unit(meter, ts ^ 0x5DEECE66DL) - 1)));
    }

    /** Power factor between 0.90 and 0.99. */
    public double pf(int meter, long ts) {
        return round3(0.90 + 0.09 * unit(meter, ts ^ 0xB5AD4ECEDA1CE2A9L));
    }

    private static double bump(double hour, double centre, double width) {
        double d = (hour - centre) / width;
        return Math.exp(-0.5 * d * d);
    }

    /** Uniform in [0, 1) from a hash of (seed, meter, salt): SplitMix64's finalizer. */
    private double unit(int meter, long salt) {
        long z = seed ^ (meter * 0x9E3779B97F4A7C15L) ^ (salt * 0xC2B2AE3D27D4EB4FL);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return (z >>> 11) * 0x1.0p-53;
    }

    /** Meters report with finite resolution (W, not nW); it also keeps payloads short. */
    private static double round3(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }
}
