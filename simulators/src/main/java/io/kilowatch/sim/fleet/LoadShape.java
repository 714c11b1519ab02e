package io.kilowatch.sim.fleet;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * Plausible load shapes per consumption profile, in the fleet's local time, with per-meter
 * scale, per-reading noise, a season (more in winter) and day-to-day weather shared by the
 * whole fleet (a hot or cloudy day is hot or cloudy for everyone):
 * <ul>
 *   <li>residential: night base, morning peak ~07:30, larger evening peak ~19:30, lazier
 *       weekend mornings; with an electric vehicle, ~7 kW of charging on most evenings;</li>
 *   <li>commercial: a working-hours plateau 08–19 on weekdays, a small base otherwise;</li>
 *   <li>industrial: one (08–17), two (06–22) or three (all day) shifts on weekdays, half on
 *       weekends for three shifts, a base load otherwise;</li>
 *   <li>prosumer: residential minus rooftop PV around midday, so the meter exports (negative
 *       kW) on sunny middays.</li>
 * </ul>
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

    /** Average kW of a residential {@code meter} over the sampling period starting at {@code ts}. */
    public double kw(int meter, long ts) {
        return kw(meter, Topology.Profile.RESIDENTIAL, ts);
    }

    /** Average kW (negative: export) of {@code meter} with {@code profile} over the period starting at {@code ts}. */
    public double kw(int meter, Topology.Profile profile, long ts) {
        ZonedDateTime t = Instant.ofEpochMilli(ts).atZone(zone);
        double hour = t.getHour() + t.getMinute() / 60.0 + t.getSecond() / 3600.0;
        boolean weekend = t.getDayOfWeek().getValue() >= 6;
        long day = t.toLocalDate().toEpochDay();
        double season = 1.0 + 0.2 * Math.cos(2 * Math.PI * (t.getDayOfYear() - 15) / 365.0);
        double weather = 0.9 + 0.2 * unit(-1, day);
        double noise = 1.0 + 0.10 * (2 * unit(meter, ts) - 1);
        double kw = switch (profile) {
            case RESIDENTIAL -> residential(meter, hour, weekend, ts);
            case RESIDENTIAL_EV -> residential(meter, hour, weekend, ts) + ev(meter, hour, day);
            case COMMERCIAL ->
                (10 + 30 * unit(meter, 0))
                        * (weekend ? 0.15 : 0.15 + 0.85 * plateau(hour, 8, 19))
                        * season
                        * weather
                        * noise;
            case INDUSTRIAL_1_SHIFT -> industrial(meter, weekend ? 0 : plateau(hour, 8, 17)) * noise;
            case INDUSTRIAL_2_SHIFT -> industrial(meter, weekend ? 0 : plateau(hour, 6, 22)) * noise;
            case INDUSTRIAL_3_SHIFT -> industrial(meter, weekend ? 0.5 : 1.0) * noise;
            case PROSUMER_PV -> residential(meter, hour, weekend, ts) - pv(meter, hour, day);
            case TRANSFORMER_AREA ->
                throw new IllegalArgumentException("an area meter reads its customers (Fleet), not a shape");
        };
        return round3(profile == Topology.Profile.PROSUMER_PV ? kw : Math.max(0.02, kw));
    }

    private double residential(int meter, double hour, boolean weekend, long ts) {
        ZonedDateTime t = Instant.ofEpochMilli(ts).atZone(zone);
        double season = 1.0 + 0.2 * Math.cos(2 * Math.PI * (t.getDayOfYear() - 15) / 365.0);
        double weather = 0.9 + 0.2 * unit(-1, t.toLocalDate().toEpochDay());
        return residentialBase(meter, ts) * season * weather;
    }

    /**
     * Charging at ~7 kW for ~3 h from an evening start between 18:30 and 21:00, on six days in
     * ten. After midnight it is the previous evening's charge that may still run.
     */
    private double ev(int meter, double hour, long day) {
        return hour < 12 ? charging(meter, hour + 24, day - 1) : charging(meter, hour, day);
    }

    private double charging(int meter, double hourOfEvening, long day) {
        if (unit(meter, day * 31 + 7) >= 0.6) {
            return 0;
        }
        double start = 18.5 + 2.5 * unit(meter, day * 31 + 8);
        double end = start + 2 + 2 * unit(meter, day * 31 + 9);
        return hourOfEvening >= start && hourOfEvening < end ? 7.0 : 0;
    }

    private double industrial(int meter, double shift) {
        double scale = 100 + 300 * unit(meter, 0);
        return scale * (0.1 + 0.9 * shift);
    }

    /** Rooftop PV of 3–6 kWp: a bell around 12:30, scaled by the day's cloudiness. */
    private double pv(int meter, double hour, long day) {
        double kwp = 3 + 3 * unit(meter, 4);
        double clearSky = 0.3 + 0.7 * unit(-2, day);
        return kwp * clearSky * (hour > 6 && hour < 19 ? bump(hour, 12.5, 2.5) : 0);
    }

    /** 0 outside [from, to), 1 inside, with half-hour ramps. */
    private static double plateau(double hour, double from, double to) {
        return Math.max(0, Math.min(1, Math.min(hour - from + 0.5, to - hour + 0.5)));
    }

    private double residentialBase(int meter, long ts) {
        ZonedDateTime t = Instant.ofEpochMilli(ts).atZone(zone);
        double hour = t.getHour() + t.getMinute() / 60.0 + t.getSecond() / 3600.0;
        boolean weekend = t.getDayOfWeek().getValue() >= 6;
        double scale = 0.6 + 1.2 * unit(meter, 0); // households differ ~3x in size
        double base = 0.25 + 0.15 * unit(meter, 1); // fridge, standby
        double morning = (weekend ? 0.5 : 1.0) * bump(hour, 7.5, 1.0) * (0.8 + 0.6 * unit(meter, 2));
        double evening = bump(hour, 19.5, 2.0) * (1.5 + 1.0 * unit(meter, 3));
        double midday = bump(hour, 13.0, 2.5) * 0.4;
        double noise = 1.0 + 0.15 * (2 * unit(meter, ts) - 1);
        return Math.max(0.02, scale * (base + morning + evening + midday) * noise);
    }

    /** Phase voltage around 230 V, within ±3 %. */
    public double voltage(int meter, long ts) {
        return round3(230.0 * (1.0 + 0.03 * (2 * unit(meter, ts ^ 0x5DEECE66DL) - 1)));
    }

    /** Power factor between 0.90 and 0.99. */
    public double pf(int meter, long ts) {
        return round3(0.90 + 0.09 * unit(meter, ts ^ 0xB5AD4ECEDA1CE2A9L));
    }

    /** Power factor of a profile: motors make industry's lower (0.80–0.95). */
    public double pf(int meter, Topology.Profile profile, long ts) {
        return profile.customerClass.equals("industrial")
                ? round3(0.80 + 0.15 * unit(meter, ts ^ 0xB5AD4ECEDA1CE2A9L))
                : pf(meter, ts);
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
