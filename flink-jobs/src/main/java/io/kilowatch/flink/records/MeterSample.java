package io.kilowatch.flink.records;

import io.kilowatch.model.Reading;
import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The part of a reading the load curves use, slimmed before the shuffle by meter: kW averaged over
 * the sampling period, the cumulative import register in kWh and reactive power in kvar (each
 * {@code NaN} when the meter sent none; kvar for the bills' power factor). Voltage, current and
 * the rest stay in kw.readings for the jobs that need them.
 */
@TypeInfo(MeterSample.Type.class)
public record MeterSample(String meterId, long ts, double kw, double importKwh, double kvar) {

    public MeterSample(String meterId, long ts, double kw, double importKwh) {
        this(meterId, ts, kw, importKwh, Double.NaN);
    }

    public static MeterSample of(Reading r) {
        return new MeterSample(
                r.meterId(),
                r.ts(),
                r.kw(),
                r.importKwh() == null ? Double.NaN : r.importKwh(),
                r.kvar() == null ? Double.NaN : r.kvar());
    }

    public boolean hasRegister() {
        return !Double.isNaN(importKwh);
    }

    /** As a reading again, for kw.late: only the fields the curves saw. */
    public Reading toReading() {
        Reading r = Reading.of(meterId, ts, kw).withImportKwh(hasRegister() ? importKwh : null);
        return Double.isNaN(kvar)
                ? r
                : new Reading(
                        r.meterId(),
                        r.ts(),
                        r.kw(),
                        r.importKwh(),
                        r.exportKwh(),
                        kvar,
                        r.voltageV(),
                        r.currentA(),
                        r.pf());
    }

    public static final class Codec extends WireType.Codec<MeterSample> {
        static final Codec INSTANCE = new Codec();

        private Codec() {
            super(MeterSample.class);
        }

        @Override
        protected void write(MeterSample s, DataOutputView out) throws IOException {
            WireType.writeString(s.meterId, out);
            out.writeLong(s.ts);
            out.writeDouble(s.kw);
            out.writeDouble(s.importKwh);
            out.writeDouble(s.kvar);
        }

        @Override
        protected MeterSample read(DataInputView in) throws IOException {
            return new MeterSample(
                    WireType.readString(in), in.readLong(), in.readDouble(), in.readDouble(), in.readDouble());
        }

        @Override
        public TypeSerializerSnapshot<MeterSample> snapshotConfiguration() {
            return new Snapshot();
        }
    }

    public static final class Snapshot extends SimpleTypeSerializerSnapshot<MeterSample> {
        public Snapshot() {
            super(() -> Codec.INSTANCE);
        }
    }

    public static final class Type extends WireType.Factory<MeterSample> {
        public Type() {
            super(Codec.INSTANCE);
        }
    }
}
