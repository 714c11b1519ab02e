package io.kilowatch.flink.records;

import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * From a meter's curve to its customer's bills: either a 15-minute interval's energy (each time
 * the meter's point is emitted: when the interval closes and again on every correction within
 * the allowed lateness) or, for customers billed on demand, the quarter's course at a counted
 * reading (for the early warning of a new monthly maximum).
 *
 * <p>A reading carries no terms: the customer's are the ones its intervals brought (the tariff
 * stage's ledger keeps them). A demand-billed meter sends a reading a minute, as many as its
 * intervals' events again, and their six strings were most of what crossed the shuffle.
 *
 * @param time the interval's start, or the reading's ts
 * @param kwh interval energy (import, ≥ 0), kWh; NaN for a reading
 * @param kvarh interval reactive energy, kvarh; NaN when not measured, and for a reading
 * @param kw for a reading, the meter's mean kW over its quarter's readings so far (the reading
 *     included); NaN for an interval
 * @param terms the customer's terms on an interval; null on a reading
 */
public record BillingEvent(
        boolean interval,
        String customerId,
        String meterId,
        long time,
        double kwh,
        double kvarh,
        double kw,
        BillingTerms terms) {

    public static BillingEvent interval(
            String customerId, String meterId, long start, double kwh, double kvarh, BillingTerms terms) {
        return new BillingEvent(true, customerId, meterId, start, Math.max(0, kwh), kvarh, Double.NaN, terms);
    }

    /** @param meanKw the meter's mean kW over its quarter's readings up to and with this one */
    public static BillingEvent reading(String customerId, String meterId, long ts, double meanKw) {
        return new BillingEvent(false, customerId, meterId, ts, Double.NaN, Double.NaN, meanKw, null);
    }

    /**
     * How billing events cross the shuffle to the customer's subtask (one per interval and per
     * demand-billed reading): by hand, like the samples. Not an annotation on the record: the
     * tariff stage's waiting list state keeps the serializer it was written with.
     */
    public static TypeInformation<BillingEvent> wireType() {
        return new WireType<>(Codec.INSTANCE);
    }

    static final class Codec extends WireType.Codec<BillingEvent> {
        static final Codec INSTANCE = new Codec();

        private Codec() {
            super(BillingEvent.class);
        }

        @Override
        protected void write(BillingEvent e, DataOutputView out) throws IOException {
            out.writeBoolean(e.interval);
            WireType.writeString(e.customerId, out);
            WireType.writeString(e.meterId, out);
            out.writeLong(e.time);
            if (e.interval) {
                out.writeDouble(e.kwh);
                out.writeDouble(e.kvarh);
            } else {
                out.writeDouble(e.kw);
            }
            BillingTerms t = e.terms;
            out.writeBoolean(t != null);
            if (t != null) {
                WireType.writeString(t.planId(), out);
                WireType.writeString(t.customerClass(), out);
                WireType.writeString(t.voltageLevel(), out);
                WireType.writeString(t.region(), out);
                WireType.writeString(t.feederId(), out);
                out.writeDouble(t.capacityKva());
                WireType.writeString(t.basis(), out);
                out.writeDouble(t.contractKw());
            }
        }

        @Override
        protected BillingEvent read(DataInputView in) throws IOException {
            boolean interval = in.readBoolean();
            String customer = WireType.readString(in);
            String meter = WireType.readString(in);
            long time = in.readLong();
            double kwh = interval ? in.readDouble() : Double.NaN;
            double kvarh = interval ? in.readDouble() : Double.NaN;
            double kw = interval ? Double.NaN : in.readDouble();
            BillingTerms terms = in.readBoolean()
                    ? new BillingTerms(
                            WireType.readSharedString(in),
                            WireType.readSharedString(in),
                            WireType.readSharedString(in),
                            WireType.readSharedString(in),
                            WireType.readSharedString(in),
                            in.readDouble(),
                            WireType.readSharedString(in),
                            in.readDouble())
                    : null;
            return new BillingEvent(interval, customer, meter, time, kwh, kvarh, kw, terms);
        }

        @Override
        public TypeSerializerSnapshot<BillingEvent> snapshotConfiguration() {
            return new Snapshot();
        }
    }

    public static final class Snapshot extends SimpleTypeSerializerSnapshot<BillingEvent> {
        public Snapshot() {
            super(() -> Codec.INSTANCE);
        }
    }
}
