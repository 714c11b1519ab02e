package io.kilowatch.sim.fleet;

import io.kilowatch.model.Reading;
import java.time.Duration;

/**
 * The meters of a {@link Topology} reading every {@code period}: produces each tick's readings.
 * A reading at {@code ts} carries the average kW of [ts, ts + period) (negative when a prosumer
 * exports), the import (and, for prosumers, export) register at the instant {@code ts},
 * reactive power from the power factor, and per-phase voltage and current (three phases for
 * commercial and industrial meters). The registers then advance by exactly that period's
 * energy, so registers and power agree; they start at a per-meter value.
 *
 * <p>A transformer's area meter reads what its customers drew in the same period plus the
 * losses of the low-voltage lines: 2 % of the flow plus a part growing with its square, 5 % at
 * the transformer's rating (losses are I²R). What the customers drew is handed in with
 * {@link #drew} before the area meter is read; the topology lists the area meter after them.
 */
public final class Fleet {
    private final Topology topology;
    private final LoadShape shape;
    private final double periodHours;
    private final double[] importKwh;
    private final double[] exportKwh;
    private final java.time.ZoneOffset zone;
    /** Per meter, the index of its transformer's area meter (−1: none); per area meter, the flow of the period being summed. */
    private final int[] areaOf;

    private final double[] areaFlowKw;
    private final long[] areaFlowTs;
    /** Per meter, the kW its last read advanced its register by (so {@link #drew} can correct it). */
    private final double[] readKw;

    public Fleet(Topology topology, long seed, Duration period, java.time.ZoneOffset zone) {
        this.topology = topology;
        this.zone = zone;
        this.shape = new LoadShape(seed, zone);
        this.periodHours = period.toMillis() / 3_600_000.0;
        this.importKwh = new double[topology.size()];
        this.exportKwh = new double[topology.size()];
        for (int m = 0; m < importKwh.length; m++) {
            importKwh[m] = 1000.0 + (m * 7919 % 20_000);
        }
        this.areaOf = new int[topology.size()];
        this.areaFlowKw = new double[topology.size()];
        this.areaFlowTs = new long[topology.size()];
        this.readKw = new double[topology.size()];
        java.util.Arrays.fill(areaOf, -1);
        java.util.Map<String, Integer> areaMeterOf = new java.util.HashMap<>();
        for (int m = 0; m < topology.size(); m++) {
            if (topology.meter(m).isAreaMeter()) {
                areaMeterOf.put(topology.meter(m).entry().transformerId(), m);
            }
        }
        for (int m = 0; m < topology.size(); m++) {
            Topology.MeterSpec spec = topology.meter(m);
            if (!spec.isAreaMeter()) {
                areaOf[m] = areaMeterOf.getOrDefault(spec.entry().transformerId(), -1);
            }
        }
    }

    /**
     * What customer meter {@code m} really drew in the period starting at {@code ts} (its reading's
     * power, or more or less when an anomaly changed the load itself): its area meter sees it.
     */
    public void drew(int m, long ts, double kw) {
        // The period's energy is what was really drawn: a spike or an overload the scenario
        // injected moves the register too, so register energy and power agree.
        if (kw != readKw[m]) {
            credit(m, readKw[m], -1);
            credit(m, kw, 1);
            readKw[m] = kw;
        }
        int a = areaOf[m]; // −1 for area meters and meters without one
        if (a < 0) {
            return;
        }
        if (areaFlowTs[a] != ts) {
            areaFlowTs[a] = ts;
            areaFlowKw[a] = 0;
        }
        areaFlowKw[a] += kw;
    }

    /** Line losses in kW for a flow through a transformer of {@code ratingKva}. */
    static double lineLossKw(double flowKw, double ratingKva) {
        double f = Math.abs(flowKw);
        return 0.02 * f + 0.05 * f * f / ratingKva;
    }

    /** N residential meters (the skeleton's fleet). */
    public Fleet(String prefix, int meters, long seed, Duration period, java.time.ZoneOffset zone) {
        this(Topology.residential(prefix, meters), seed, period, zone);
    }

    public int size() {
        return topology.size();
    }

    public Topology topology() {
        return topology;
    }

    public java.time.ZoneOffset zone() {
        return zone;
    }

    public double periodHours() {
        return periodHours;
    }

    public String meterId(int m) {
        return topology.meter(m).meterId();
    }

    /** The reading of meter {@code m} for the period starting at {@code ts}; call once per (m, ts), in time order. */
    public Reading read(int m, long ts) {
        Topology.MeterSpec spec = topology.meter(m);
        double kw;
        if (spec.isAreaMeter()) {
            double flow = areaFlowTs[m] == ts ? areaFlowKw[m] : 0;
            kw = round3(flow + lineLossKw(flow, spec.entry().transformerKva()));
        } else {
            // A customer's load stays within the contract (a limiter or the customer's own
            // discipline): over capacity is an event the scenario injects, not everyday noise.
            double limitKw = 0.97 * spec.profile().contractedKva * shape.pf(m, spec.profile(), ts);
            kw = Math.min(shape.kw(m, spec.profile(), ts), limitKw);
        }
        double importAtTs = round3(importKwh[m]);
        Double exportAtTs = spec.profile() == Topology.Profile.PROSUMER_PV ? round3(exportKwh[m]) : null;
        credit(m, kw, 1);
        readKw[m] = kw;
        double pf = shape.pf(m, spec.profile(), ts);
        double kvar = round3(Math.abs(kw) * Math.tan(Math.acos(pf)));
        int phases = spec.entry().phases();
        double[] volts = new double[phases];
        double[] amps = new double[phases];
        for (int p = 0; p < phases; p++) {
            volts[p] = shape.voltage(m, ts + p);
            // Each phase carries its share of the apparent power.
            amps[p] = round3(Math.abs(kw) * 1000.0 / phases / (volts[p] * pf));
        }
        return new Reading(meterId(m), ts, kw, importAtTs, exportAtTs, kvar, volts, amps, pf);
    }

    /** Adds ({@code sign} 1) or takes back (−1) a period at {@code kw}: to the import register, or the export one when negative. */
    private void credit(int m, double kw, int sign) {
        if (kw >= 0) {
            importKwh[m] += sign * kw * periodHours;
        } else {
            exportKwh[m] += sign * -kw * periodHours;
        }
    }

    private static double round3(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }
}
