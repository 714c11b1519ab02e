package io.kilowatch.sim.fleet;

import java.time.Duration;

/**
 * How the devices of a fleet report, beyond one reading per period:
 *
 * @param concentratorShare fraction of meters read by a data concentrator instead of publishing themselves
 * @param metersPerConcentrator meters behind one concentrator
 * @param batchEvery a concentrator uploads what it collected this often (simulated time)
 * @param maxUploadDelay each upload goes out up to this long after its batch closed (radio, backhaul, hours at worst)
 * @param reuploadRate share of batches a concentrator uploads twice (it did not get the ack)
 * @param dropRate share of readings never sent (lost in the field)
 * @param duplicateRate share of a meter's own messages sent twice (QoS 1 redelivery)
 * @param maxClockSkew each meter's clock is off by a fixed amount up to this, either way
 */
public record Reporting(
        double concentratorShare,
        int metersPerConcentrator,
        Duration batchEvery,
        Duration maxUploadDelay,
        double reuploadRate,
        double dropRate,
        double duplicateRate,
        Duration maxClockSkew) {

    public Reporting {
        for (double rate : new double[] {concentratorShare, reuploadRate, dropRate, duplicateRate}) {
            if (rate < 0 || rate > 1) {
                throw new IllegalArgumentException("shares and rates must be between 0 and 1");
            }
        }
        if (metersPerConcentrator < 1 || batchEvery.isNegative() || batchEvery.isZero()) {
            throw new IllegalArgumentException("a concentrator needs at least one meter and a positive --batch-every");
        }
    }

    /** Every meter publishes its own readings, on time, once. */
    public static Reporting direct() {
        return new Reporting(0, 100, Duration.ofMinutes(15), Duration.ZERO, 0, 0, 0, Duration.ZERO);
    }

    /**
     * Which concentrator reads each of a fleet's meters (an index, −1: the meter publishes its
     * own). Meters behind concentrators are spread through the fleet in steps of 5 %, so the share
     * holds on small fleets too. The simulation uploads by it and the registry says it, so ingest
     * accepts each batch's readings from their own concentrator only.
     */
    public int[] concentrators(int fleetSize) {
        int[] of = new int[fleetSize];
        int behind = 0;
        for (int m = 0; m < fleetSize; m++) {
            of[m] = concentratorShare > 0 && (m % 20) < concentratorShare * 20 ? behind++ / metersPerConcentrator : -1;
        }
        return of;
    }

    /** The id of concentrator {@code index}, as its batches and the registry name it. */
    public static String concentratorId(int index) {
        return String.format("DC%04d", index + 1);
    }
}
